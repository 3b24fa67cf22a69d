// metadata.c: reading and writing the corpus metadata.csv.
#include "core/metadata.h" // defines: gd_meta_*
#include "core/csv.h"      // defines: gd_csv_*
#include "core/error.h"    // defines: GD_ERR_*
#include "core/fileio.h"   // defines: gd_atomic_*
#include "core/log.h"      // defines: gd_error

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

const char *const gd_meta_columns[GD_META_N_COLS] = {
    "file_name", "split", "source_id", "group", "label",
    "duration_s", "sample_rate", "sha256", "seed", "ops"};

int gd_meta_init(gd_meta **out) {
    *out = calloc(1, sizeof **out);
    return *out ? GD_OK : GD_ERR_NOMEM;
}

static void row_free(gd_meta_row *r) {
    free(r->file_name); free(r->split); free(r->source_id); free(r->group);
    free(r->label); free(r->sha256); free(r->ops);
}

void gd_meta_free(gd_meta *m) {
    if (!m) return;
    for (int i = 0; i < m->n_rows; i++) row_free(&m->rows[i]);
    free(m->rows);
    free(m);
}

static char *dup_or_empty(const char *s) { return strdup(s ? s : ""); }

int gd_meta_append(gd_meta *m, const gd_meta_row *row) {
    if (m->n_rows == m->cap) {
        int cap = m->cap ? 2 * m->cap : 64;
        gd_meta_row *nr = realloc(m->rows, (size_t)cap * sizeof *nr);
        if (!nr) return GD_ERR_NOMEM;
        m->rows = nr;
        m->cap = cap;
    }
    gd_meta_row *r = &m->rows[m->n_rows];
    *r = *row;
    r->file_name = dup_or_empty(row->file_name);
    r->split = dup_or_empty(row->split);
    r->source_id = dup_or_empty(row->source_id);
    r->group = dup_or_empty(row->group);
    r->label = dup_or_empty(row->label);
    r->sha256 = dup_or_empty(row->sha256);
    r->ops = dup_or_empty(row->ops);
    if (!r->file_name || !r->split || !r->source_id || !r->group || !r->label || !r->sha256 ||
        !r->ops) {
        row_free(r);
        return GD_ERR_NOMEM;
    }
    m->n_rows++;
    return GD_OK;
}

int gd_meta_read(gd_meta **out, const char *path) {
    *out = NULL;
    gd_csv *csv;
    int err = gd_csv_read(&csv, path);
    if (err) return err;
    int col[GD_META_N_COLS];
    for (int i = 0; i < GD_META_N_COLS; i++) {
        col[i] = gd_csv_col(csv, gd_meta_columns[i]);
        if (col[i] < 0) {
            gd_error("%s: missing column '%s'", path, gd_meta_columns[i]);
            gd_csv_free(csv);
            return GD_ERR_FORMAT;
        }
    }
    gd_meta *m;
    if ((err = gd_meta_init(&m))) { gd_csv_free(csv); return err; }
    for (int r = 0; r < csv->n_rows && !err; r++) {
        gd_meta_row row;
        const char *dur = gd_csv_get(csv, r, col[5]), *rate = gd_csv_get(csv, r, col[6]);
        const char *seed = gd_csv_get(csv, r, col[8]);
        char *e1, *e2, *e3;
        row.duration_s = strtod(dur, &e1);
        row.sample_rate = (int)strtol(rate, &e2, 10);
        row.seed = strtoull(seed, &e3, 10);
        if (*e1 || *e2 || *e3 || !*dur || !*rate || !*seed) {
            gd_error("%s:%d: bad number in duration_s, sample_rate or seed", path, r + 2);
            err = GD_ERR_PARSE;
            break;
        }
        row.file_name = (char *)gd_csv_get(csv, r, col[0]);
        row.split = (char *)gd_csv_get(csv, r, col[1]);
        row.source_id = (char *)gd_csv_get(csv, r, col[2]);
        row.group = (char *)gd_csv_get(csv, r, col[3]);
        row.label = (char *)gd_csv_get(csv, r, col[4]);
        row.sha256 = (char *)gd_csv_get(csv, r, col[7]);
        row.ops = (char *)gd_csv_get(csv, r, col[9]);
        err = gd_meta_append(m, &row);
    }
    gd_csv_free(csv);
    if (err) { gd_meta_free(m); return err; }
    *out = m;
    return GD_OK;
}

static int cmp_rows(const void *a, const void *b) {
    const gd_meta_row *x = *(const gd_meta_row *const *)a, *y = *(const gd_meta_row *const *)b;
    int c = strcmp(x->file_name, y->file_name);
    return c ? c : (x < y ? -1 : x > y);
}

int gd_meta_write(const gd_meta *m, const char *path) {
    const gd_meta_row **order = malloc((size_t)(m->n_rows ? m->n_rows : 1) * sizeof *order);
    if (!order) return GD_ERR_NOMEM;
    for (int i = 0; i < m->n_rows; i++) order[i] = &m->rows[i];
    qsort(order, (size_t)m->n_rows, sizeof *order, cmp_rows);
    gd_atomic a;
    int err = gd_atomic_open(&a, path, "wb");
    if (err) { free(order); return err; }
    gd_csv_write_row(a.f, gd_meta_columns, GD_META_N_COLS);
    for (int i = 0; i < m->n_rows; i++) {
        const gd_meta_row *r = order[i];
        char dur[32], rate[16], seed[24];
        snprintf(dur, sizeof dur, "%.6f", r->duration_s);
        snprintf(rate, sizeof rate, "%d", r->sample_rate);
        snprintf(seed, sizeof seed, "%" PRIu64, r->seed);
        const char *f[GD_META_N_COLS] = {r->file_name, r->split, r->source_id, r->group,
                                         r->label, dur, rate, r->sha256, seed, r->ops};
        gd_csv_write_row(a.f, f, GD_META_N_COLS);
    }
    free(order);
    return gd_atomic_commit(&a);
}

int gd_meta_find(const gd_meta *m, const char *file_name) {
    for (int i = 0; i < m->n_rows; i++)
        if (strcmp(m->rows[i].file_name, file_name) == 0) return i;
    return -1;
}
