// fuzz_wav.c: libFuzzer target for the audio reader (core/audio.c, libsndfile underneath).
// The input is a whole audio file. A read must fail with a GD_ERR_* or give consistent,
// finite audio; the header read must agree with it.
#include "core/audio.h"
#include "tests/fuzz/fuzz.h"

#include <math.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_path(data, size);
    gd_audio_info info;
    int info_err = gd_audio_info_read(path, &info);
    FUZZ_CHECK(fuzz_err_ok(info_err));
    gd_audio a;
    int err = gd_audio_read(&a, path, 0, 0);
    FUZZ_CHECK(fuzz_err_ok(err));
    if (err) return 0;
    FUZZ_CHECK(!info_err && a.n_channels == info.n_channels && a.rate == info.rate);
    FUZZ_CHECK(a.n_channels > 0 && a.n_frames > 0 && a.rate > 0 && a.data);
    for (int64_t i = 0; i < a.n_frames * a.n_channels; i++) FUZZ_CHECK(isfinite(a.data[i]));
    gd_audio_free(&a);
    return 0;
}
