// fuzz_ops.c: libFuzzer target for the augment ops-string parser (augment/ops.c). The input
// is the ops string (as --ops or metadata.csv's ops column give it). Parsing must succeed or
// fail with GD_ERR_PARSE/GD_ERR_RANGE at a position inside the string; a parsed chain must
// resolve to a string that parses again as a resolved chain.
#include "augment/augment.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_quiet();
    char *ops = fuzz_text(data, size);
    aug_spec *s = NULL;
    aug_parse_err perr = {0};
    int err = aug_spec_parse(&s, ops, &perr);
    FUZZ_CHECK(fuzz_err_ok(err));
    if (err) {
        FUZZ_CHECK(err == GD_ERR_NOMEM || (perr.code == err && perr.pos >= 0 &&
                   (size_t)perr.pos <= strlen(ops) && perr.msg[0]));
        free(ops);
        return 0;
    }
    gd_rng rng;
    gd_rng_init(&rng, 5, 0);
    const char *pool[] = {"pool.wav"};
    aug_ctx ctx = {pool, 1};
    char *resolved = NULL;
    err = aug_spec_resolve(&resolved, s, &rng, &ctx);
    FUZZ_CHECK(fuzz_err_ok(err));
    if (!err) {
        aug_spec *r = NULL;
        FUZZ_CHECK(aug_spec_parse(&r, resolved, NULL) == 0 && aug_spec_is_resolved(r));
        aug_spec_free(r);
    }
    free(resolved);
    aug_spec_free(s);
    free(ops);
    return 0;
}
