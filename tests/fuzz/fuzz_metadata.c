// fuzz_metadata.c: libFuzzer target for the metadata.csv reader (core/metadata.c over
// core/csv.c). The input is a whole metadata.csv; reading must succeed with complete rows
// or fail with a GD_ERR_*; every row read is found again by its file_name.
#include "core/metadata.h"
#include "tests/fuzz/fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    gd_meta *m = NULL;
    int err = gd_meta_read(&m, fuzz_path(data, size));
    FUZZ_CHECK(fuzz_err_ok(err));
    if (err) return 0;
    FUZZ_CHECK(m && m->n_rows >= 0);
    for (int i = 0; i < m->n_rows; i++) {
        const gd_meta_row *r = &m->rows[i];
        FUZZ_CHECK(r->file_name && r->split && r->source_id && r->group && r->label && r->sha256 && r->ops);
        int j = gd_meta_find(m, r->file_name);
        FUZZ_CHECK(j >= 0 && !strcmp(m->rows[j].file_name, r->file_name));
    }
    gd_meta_free(m);
    return 0;
}
