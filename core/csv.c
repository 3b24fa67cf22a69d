// csv.c: RFC 4180 CSV reading and writing.
#include "core/csv.h"    // defines: gd_csv_*
#include "core/error.h"  // defines: GD_ERR_*
#include "core/fileio.h" // defines: gd_read_file
#include "core/log.h"    // defines: gd_error

#include <stdlib.h>
#include <string.h>

typedef struct { char **v; size_t n, cap; } strvec;

static int strvec_push(strvec *s, char *x) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        char **nv = realloc(s->v, cap * sizeof *nv);
        if (!nv) return GD_ERR_NOMEM;
        s->v = nv;
        s->cap = cap;
    }
    s->v[s->n++] = x;
    return GD_OK;
}

// Parses one field starting at *pos; sets *end_of_row at a line end or end of text.
static int parse_field(const char *t, size_t len, size_t *pos, char **out, int *end_of_row,
                       int *line, const char *name) {
    size_t i = *pos;
    size_t cap = 32, n = 0;
    char *buf = malloc(cap);
    if (!buf) return GD_ERR_NOMEM;
    int quoted = i < len && t[i] == '"';
    if (quoted) i++;
    for (;;) {
        if (i >= len) {
            if (quoted) {
                gd_error("%s:%d: unterminated quoted field", name, *line);
                free(buf);
                return GD_ERR_PARSE;
            }
            *end_of_row = 1;
            break;
        }
        char c = t[i];
        if (quoted) {
            if (c == '"') {
                if (i + 1 < len && t[i + 1] == '"') { c = '"'; i++; }
                else {
                    i++;
                    quoted = 0;
                    if (i < len && t[i] != ',' && t[i] != '\n' && t[i] != '\r') {
                        gd_error("%s:%d: unexpected character after closing quote", name, *line);
                        free(buf);
                        return GD_ERR_PARSE;
                    }
                    continue;
                }
            } else if (c == '\n') (*line)++;
        } else if (c == ',') { i++; *end_of_row = 0; break; }
        else if (c == '\n' || c == '\r') {
            if (c == '\r' && i + 1 < len && t[i + 1] == '\n') i++;
            i++;
            *end_of_row = 1;
            break;
        }
        if (n + 2 > cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) { free(buf); return GD_ERR_NOMEM; }
            buf = nb;
        }
        buf[n++] = c;
        i++;
    }
    buf[n] = '\0';
    *out = buf;
    *pos = i;
    return GD_OK;
}

int gd_csv_parse(gd_csv **out, const char *text, size_t len, const char *name) {
    *out = NULL;
    strvec cells = {0};
    int n_cols = -1, n_rows = 0, line = 1, err = GD_OK;
    size_t pos = 0;
    while (pos < len) {
        int row_line = line, n_fields = 0, eor = 0;
        size_t row_start = cells.n;
        // A blank line (only at the end, usually) is skipped.
        if (text[pos] == '\n' || text[pos] == '\r') {
            pos += (text[pos] == '\r' && pos + 1 < len && text[pos + 1] == '\n') ? 2 : 1;
            line++;
            continue;
        }
        while (!eor) {
            char *field;
            if ((err = parse_field(text, len, &pos, &field, &eor, &line, name))) goto fail;
            if ((err = strvec_push(&cells, field))) { free(field); goto fail; }
            n_fields++;
        }
        line++;
        if (n_cols < 0) n_cols = n_fields;
        else if (n_fields < n_cols && pos >= len && text[len - 1] != '\n' && text[len - 1] != '\r') {
            // A short last row without its line end: an append cut off mid-row (a training
            // log whose writer was killed). It was never whole, so it is dropped, not read.
            gd_warn("%s:%d: last line cut off (%d of %d fields, no line end); ignored", name,
                    row_line, n_fields, n_cols);
            for (size_t i = row_start; i < cells.n; i++) free(cells.v[i]);
            cells.n = row_start;
        } else if (n_fields != n_cols) {
            gd_error("%s:%d: %d fields, header has %d", name, row_line, n_fields, n_cols);
            err = GD_ERR_PARSE;
            goto fail;
        } else n_rows++;
    }
    if (n_cols < 0) {
        gd_error("%s: empty CSV (no header)", name);
        err = GD_ERR_PARSE;
        goto fail;
    }
    gd_csv *c = calloc(1, sizeof *c);
    if (!c) { err = GD_ERR_NOMEM; goto fail; }
    c->n_cols = n_cols;
    c->n_rows = n_rows;
    c->header = cells.v;
    c->cells = cells.v + n_cols;
    *out = c;
    return GD_OK;
fail:
    for (size_t i = 0; i < cells.n; i++) free(cells.v[i]);
    free(cells.v);
    return err;
}

int gd_csv_read(gd_csv **out, const char *path) {
    char *text;
    size_t len;
    int err = gd_read_file(path, &text, &len);
    if (err) return err;
    err = gd_csv_parse(out, text, len, path);
    free(text);
    return err;
}

void gd_csv_free(gd_csv *csv) {
    if (!csv) return;
    size_t n = (size_t)csv->n_cols * (size_t)(csv->n_rows + 1);
    for (size_t i = 0; i < n; i++) free(csv->header[i]);
    free(csv->header);
    free(csv);
}

int gd_csv_col(const gd_csv *csv, const char *name) {
    for (int i = 0; i < csv->n_cols; i++)
        if (strcmp(csv->header[i], name) == 0) return i;
    return -1;
}

const char *gd_csv_get(const gd_csv *csv, int row, int col) {
    return csv->cells[(size_t)row * csv->n_cols + col];
}

void gd_csv_write_field(FILE *f, const char *s) {
    if (!s) s = "";
    if (!strpbrk(s, ",\"\r\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (const char *p = s; *p; p++) {
        if (*p == '"') fputc('"', f);
        fputc(*p, f);
    }
    fputc('"', f);
}

void gd_csv_write_row(FILE *f, const char *const *fields, int n) {
    for (int i = 0; i < n; i++) {
        if (i) fputc(',', f);
        gd_csv_write_field(f, fields[i]);
    }
    fputc('\n', f);
}
