// fuzz_safetensors.c: libFuzzer target for the safetensors reader (train/safetensors.c). The
// input is a whole file; reading must fail with a GD_ERR_* and a reason, or give tensors whose
// data lies inside the blob and whose lookup by name finds them.
#include "train/safetensors.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *path = fuzz_path(data, size);
    for (int with_data = 0; with_data < 2; with_data++) {
        rv_st *st = NULL;
        char why[256] = "";
        int err = rv_st_open(&st, path, with_data, why, sizeof why);
        FUZZ_CHECK(fuzz_err_ok(err));
        if (err) { FUZZ_CHECK(why[0]); continue; }
        int64_t total = 0;
        for (int i = 0; i < st->n; i++) {
            const rv_st_tensor *t = &st->t[i];
            FUZZ_CHECK(t->name && t->ndim >= 0 && t->ndim <= 4 && t->n >= 0);
            FUZZ_CHECK(rv_st_get(st, t->name) != NULL);
            if (with_data && t->n) {
                // Touch the first and last float: ASan catches a range outside the blob.
                volatile float f = t->data[0] + t->data[t->n - 1];
                (void)f;
            } else {
                FUZZ_CHECK(with_data || !t->data);
            }
            total += t->n;
        }
        FUZZ_CHECK((uint64_t)total * 4 <= size);
        for (int i = 0; i < st->n_meta; i++) FUZZ_CHECK(rv_st_meta(st, st->meta_k[i]) != NULL);
        rv_st_free(st);
    }
    return 0;
}
