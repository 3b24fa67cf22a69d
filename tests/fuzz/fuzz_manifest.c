// fuzz_manifest.c: libFuzzer target for the data manifest loader (core/manifest.c). The
// input is a whole manifest; loading must succeed with complete entries or fail with a GD_ERR_*.
#include "core/manifest.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    gd_manifest *m = NULL;
    int err = gd_manifest_load(&m, fuzz_path(data, size));
    FUZZ_CHECK(fuzz_err_ok(err));
    if (!err) {
        FUZZ_CHECK(m && m->n_entries >= 0);
        for (int i = 0; i < m->n_entries; i++)
            FUZZ_CHECK(m->entries[i].id && m->entries[i].full_path && gd_split_valid(m->entries[i].split));
    }
    gd_manifest_free(m);
    return 0;
}
