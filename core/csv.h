// csv.h: RFC 4180 CSV read/write (metadata.csv, log.csv).
//
// Fields containing a comma, quote, CR or LF are quoted, with quotes doubled. Reading
// accepts the same, CRLF or LF line ends, and requires every row to have the header's
// field count (GD_ERR_PARSE naming file and line otherwise), except a last row that has
// fewer fields and no line end: an append cut off mid-row (a killed writer's log.csv), which
// is dropped with a warning.
// Ownership: a gd_csv owns all its strings; gd_csv_free releases everything.
// Thread-safety: a gd_csv may be read from many threads; writing is per FILE.
#ifndef GD_CSV_H
#define GD_CSV_H

#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int    n_cols;
    int    n_rows;       // data rows, header excluded
    char **header;       // n_cols
    char **cells;        // n_rows * n_cols, row-major
} gd_csv;

// Reads a CSV file with a header row.
int gd_csv_read(gd_csv **out, const char *path);
// Parses CSV text (name is used in error messages).
int gd_csv_parse(gd_csv **out, const char *text, size_t len, const char *name);
void gd_csv_free(gd_csv *csv);
// Column index of name, or -1.
int gd_csv_col(const gd_csv *csv, const char *name);
// Cell (row, col); row in [0, n_rows), col in [0, n_cols).
const char *gd_csv_get(const gd_csv *csv, int row, int col);

// Writes one field, quoted when needed (no separator).
void gd_csv_write_field(FILE *f, const char *s);
// Writes n fields separated by commas and a trailing "\n".
void gd_csv_write_row(FILE *f, const char *const *fields, int n);

#ifdef __cplusplus
}
#endif
#endif
