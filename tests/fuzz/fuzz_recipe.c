// fuzz_recipe.c: libFuzzer target for the recipe loader (pipeline/recipe.c). The input is a
// whole recipe file; loading must succeed or fail with a GD_ERR_*.
#include "pipeline/recipe.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    pl_recipe *r = NULL;
    int err = pl_recipe_load(&r, fuzz_path(data, size));
    FUZZ_CHECK(fuzz_err_ok(err));
    FUZZ_CHECK(err || (r && r->name && r->n_corpora >= 0 && r->n_corpora <= PL_MAX_LIST));
    pl_recipe_free(r);
    return 0;
}
