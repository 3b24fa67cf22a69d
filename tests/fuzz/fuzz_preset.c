// fuzz_preset.c: libFuzzer target for the synth preset loader (synth/preset.c). The input is
// a whole preset; loading must succeed or fail with a GD_ERR_*. A loaded preset must draw a
// stroke with finite parameters into a terminated ops string.
#include "synth/preset.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    syn_preset *p = NULL;
    int err = syn_preset_load(&p, fuzz_path(data, size));
    FUZZ_CHECK(fuzz_err_ok(err));
    if (!err) {
        FUZZ_CHECK(p && p->n_strokes >= 1 && p->n_strokes <= SYN_MAX_STROKES);
        gd_rng rng;
        gd_rng_init(&rng, 1, 0);
        syn_stroke s;
        int stroke = -1;
        char ops[4096];
        syn_preset_draw(p, &rng, &s, &stroke, ops, sizeof ops);
        FUZZ_CHECK(stroke >= 0 && stroke < p->n_strokes && memchr(ops, 0, sizeof ops));
    }
    syn_preset_free(p);
    return 0;
}
