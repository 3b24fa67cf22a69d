// test_fuzz_wav.c: replays a deterministic corpus of damaged audio files through
// gd_audio_read: every truncation point of a small WAV's header region and many seeded
// byte corruptions. Each read must either fail with a GD_ERR_* code or return consistent,
// finite audio; under `make sanitize` any out-of-bounds access aborts the test.
#include "../test.h"
#include "core/audio.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/rng.h"

#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/gd_fuzz_wav_XXXXXX";
static char path[300];
static unsigned char *orig;
static size_t orig_len;

static void write_bytes(const unsigned char *b, size_t n) {
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
}

// 1 when the read either failed cleanly or produced sane audio.
static int read_is_sane(void) {
    gd_audio a;
    int err = gd_audio_read(&a, path, 0, 1);
    if (err) return err < 0 && err >= GD_ERR_INTERNAL;
    int ok = a.n_channels == 1 && a.n_frames > 0 && a.rate > 0 && a.data;
    for (int64_t i = 0; ok && i < a.n_frames; i++) ok = isfinite(a.data[i]);
    gd_audio_free(&a);
    return ok;
}

static void make_original(int format) {
    gd_audio a;
    gd_audio_alloc(&a, 2, 300, 44100);
    for (int i = 0; i < 600; i++) a.data[i] = 0.5f * sinf(0.05f * (float)i);
    gd_write_opts o = {format, 1, 0};
    gd_audio_write(path, &a, &o, NULL);
    gd_audio_free(&a);
    free(orig);
    gd_read_file(path, (char **)&orig, &orig_len);
}

static void test_truncations(void) {
    int formats[] = {GD_PCM16, GD_PCM24, GD_FLOAT32};
    int bad = 0;
    for (int f = 0; f < 3; f++) {
        make_original(formats[f]);
        for (size_t n = 0; n < orig_len; n += n < 128 ? 1 : 97) {
            write_bytes(orig, n);
            bad += !read_is_sane();
        }
    }
    CHECK(bad == 0);
}

static void test_corruptions(void) {
    int formats[] = {GD_PCM16, GD_FLOAT32};
    int bad = 0;
    unsigned char *buf = malloc(4096);
    for (int f = 0; f < 2; f++) {
        make_original(formats[f]);
        gd_rng r;
        gd_rng_init(&r, 99, (uint64_t)f);
        for (int trial = 0; trial < 400; trial++) {
            memcpy(buf, orig, orig_len);
            int flips = 1 + (int)gd_rng_below(&r, 4);
            for (int k = 0; k < flips; k++) {
                // Mostly the header (where parsers go wrong), sometimes anywhere.
                size_t at = gd_rng_below(&r, 4) ? gd_rng_below(&r, 64) : gd_rng_below(&r, orig_len);
                buf[at] = (unsigned char)gd_rng_u32(&r);
            }
            write_bytes(buf, orig_len);
            bad += !read_is_sane();
        }
    }
    free(buf);
    CHECK(bad == 0);
}

int main(void) {
    if (!mkdtemp(dir)) return 1;
    snprintf(path, sizeof path, "%s/f.wav", dir);
    gd_log_set_level(GD_LOG_QUIET);
    RUN(test_truncations);
    RUN(test_corruptions);
    free(orig);
    remove(path);
    rmdir(dir);
    return TEST_REPORT();
}
