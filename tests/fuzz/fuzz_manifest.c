// fuzz_manifest.c: libFuzzer target for the data manifest loader (pipeline/manifest.c). The
// input is a whole manifest; loading must succeed with complete entries or fail with a GD_ERR_*.
#include "pipeline/manifest.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    pl_manifest *m = NULL;
    int err = pl_manifest_load(&m, fuzz_path(data, size));
    FUZZ_CHECK(fuzz_err_ok(err));
    if (!err) {
        FUZZ_CHECK(m && m->n_entries >= 0);
        for (int i = 0; i < m->n_entries; i++)
            FUZZ_CHECK(m->entries[i].id && m->entries[i].full_path && pl_split_valid(m->entries[i].split));
    }
    pl_manifest_free(m);
    return 0;
}
