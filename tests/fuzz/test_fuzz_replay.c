// test_fuzz_replay.c: replays every file of tests/fuzz/corpus/<target>/ through that target's
// LLVMFuzzerTestOneInput, built with the project's compiler (no clang or libFuzzer needed).
// The seeds and whatever `make fuzz` kept (crash regressions included) must go through without
// a broken invariant (the target aborts) or, under `make sanitize`, a memory error. The crash
// inputs `make fuzz` found are kept there as regressions; one also has a plain check below.
#include "../test.h"

#include <dirent.h>
#include <string.h>
#include <unistd.h>

#include "core/fileio.h"

// Each target, its entry point renamed so that all of them link into this one program.
#define LLVMFuzzerTestOneInput fuzz_wav
#include "tests/fuzz/fuzz_wav.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_recipe
#include "tests/fuzz/fuzz_recipe.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_manifest
#include "tests/fuzz/fuzz_manifest.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_preset
#include "tests/fuzz/fuzz_preset.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_config
#include "tests/fuzz/fuzz_config.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_metadata
#include "tests/fuzz/fuzz_metadata.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_safetensors
#include "tests/fuzz/fuzz_safetensors.c"
#undef LLVMFuzzerTestOneInput
#define LLVMFuzzerTestOneInput fuzz_ops
#include "tests/fuzz/fuzz_ops.c"
#undef LLVMFuzzerTestOneInput

// Replays tests/fuzz/corpus/<name>/ through fn; the number of files replayed, -1 without the folder.
static int replay(const char *name, int (*fn)(const uint8_t *, size_t)) {
    char dir[256], path[600];
    snprintf(dir, sizeof dir, "tests/fuzz/corpus/%s", name);
    DIR *d = opendir(dir);
    if (!d) return -1;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        char *buf;
        size_t len;
        if (gd_read_file(path, &buf, &len)) { n = -1; break; }
        fn((const uint8_t *)buf, len);
        free(buf);
        n++;
    }
    closedir(d);
    return n;
}

// One case per target: its corpus holds at least the seeds and replays cleanly.
#define REPLAY_CASE(t) static void test_replay_##t(void) { CHECK(replay(#t, fuzz_##t) >= 3); }
REPLAY_CASE(wav)
REPLAY_CASE(recipe)
REPLAY_CASE(manifest)
REPLAY_CASE(preset)
REPLAY_CASE(config)
REPLAY_CASE(metadata)
REPLAY_CASE(safetensors)
REPLAY_CASE(ops)

// A FLAC whose header claims 1e11 frames: a truncation error, not an attempt to allocate 495 GB
// (which failed as an unexplained GD_ERR_NOMEM, or aborted under ASan).
static void test_flac_claiming_too_many_frames(void) {
    gd_audio a;
    gd_log_set_level(GD_LOG_QUIET);
    CHECK(gd_audio_read(&a, "tests/fuzz/corpus/wav/regress_flac_claims_1e11_frames", 0, 0) == GD_ERR_FORMAT);
}

int main(void) {
    if (getenv("GD_ROOT") && chdir(getenv("GD_ROOT"))) return 1;
    RUN(test_replay_wav);
    RUN(test_replay_recipe);
    RUN(test_replay_manifest);
    RUN(test_replay_preset);
    RUN(test_replay_config);
    RUN(test_replay_metadata);
    RUN(test_replay_safetensors);
    RUN(test_replay_ops);
    RUN(test_flac_claiming_too_many_frames);
    return TEST_REPORT();
}
