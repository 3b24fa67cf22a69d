// fuzz.h: what every libFuzzer target in tests/fuzz/ shares.
//
// Each fuzz_<target>.c defines LLVMFuzzerTestOneInput for one parser of user files. It is
// built two ways: by `make fuzz` with clang -fsanitize=fuzzer,address,undefined (one program
// per target), and by `make test` into test_fuzz_replay.c, which includes every target with
// LLVMFuzzerTestOneInput renamed and replays tests/fuzz/corpus/<target>/ through it.
// A broken invariant (a return code that is not 0 or a GD_ERR_*, inconsistent output) aborts,
// so libFuzzer saves the input and the replay test fails.
// Thread-safety: none (one input at a time, as libFuzzer calls it).
#ifndef GD_FUZZ_H
#define GD_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core/error.h"
#include "core/log.h"

#define FUZZ_CHECK(c) do { if (!(c)) { \
    fprintf(stderr, "%s:%d: FUZZ_CHECK(%s) failed\n", __FILE__, __LINE__, #c); abort(); } } while (0)

// 1 when err is 0 or one of the GD_ERR_* codes.
static inline int fuzz_err_ok(int err) { return err == 0 || (err < 0 && err >= GD_ERR_INTERNAL); }

// Silences the loaders' error lines (every input is an error; logging would dominate).
static inline void fuzz_quiet(void) {
    static int done;
    if (!done) gd_log_set_level(GD_LOG_QUIET), done = 1;
}

// A path whose file holds exactly data (size bytes): an in-memory file (memfd) reached through
// /proc/self/fd, rewritten for every input, so the path-taking loaders run unchanged without
// touching the disk. Valid until the next call.
static inline const char *fuzz_path(const uint8_t *data, size_t size) {
    static int fd = -1;
    static char path[64];
    fuzz_quiet();
    if (fd < 0) {
        fd = memfd_create("gd_fuzz", 0);
        FUZZ_CHECK(fd >= 0);
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    }
    FUZZ_CHECK(ftruncate(fd, 0) == 0);
    size_t done = 0;
    while (done < size) {
        ssize_t w = pwrite(fd, data + done, size - done, (off_t)done);
        FUZZ_CHECK(w > 0);
        done += (size_t)w;
    }
    return path;
}

// data as a NUL-terminated string (malloc'd; the caller frees).
static inline char *fuzz_text(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1);
    FUZZ_CHECK(s);
    memcpy(s, data, size);
    s[size] = 0;
    return s;
}

#endif
