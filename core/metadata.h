// metadata.h: the corpus metadata.csv (Hugging Face audiofolder convention).
//
// Columns, in order: file_name, split, source_id, group, label, duration_s, sample_rate,
// sha256, seed, ops. file_name is relative to the folder holding metadata.csv
// (e.g. "train/djembe1-tone_v003.wav"); split is train|valid|test; source_id is the data
// manifest id of the recording it came from (or the preset for synthesised items); label
// is free text (instrument/stroke); duration_s is seconds ("%.6f"); sha256 is of the audio
// file's bytes; seed is the global seed that made the file; ops is the exact effect chain
// in CLI syntax ("pitch:semitones=2.31|gain:db=-3.2"), empty for untouched sources.
// Rows are written sorted by file_name so output does not depend on work order.
// Ownership: gd_meta owns its rows and strings; gd_meta_free releases all.
// Thread-safety: not thread-safe; collect rows per item, then append from one thread.
#ifndef GD_METADATA_H
#define GD_METADATA_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    char    *file_name;
    char    *split;
    char    *source_id;
    char    *group;
    char    *label;
    double   duration_s;
    int      sample_rate;
    char    *sha256;
    uint64_t seed;
    char    *ops;
} gd_meta_row;

typedef struct {
    gd_meta_row *rows;
    int          n_rows;
    int          cap;
} gd_meta;

#define GD_META_N_COLS 10
extern const char *const gd_meta_columns[GD_META_N_COLS];

// Reads metadata.csv; every column above must be present (extra columns are ignored).
// Errors name the file and line (GD_ERR_IO, GD_ERR_PARSE, GD_ERR_FORMAT).
int  gd_meta_read(gd_meta **out, const char *path);
// New empty table.
int  gd_meta_init(gd_meta **out);
void gd_meta_free(gd_meta *m);
// Appends a copy of row (all strings duplicated; NULL strings become "").
int  gd_meta_append(gd_meta *m, const gd_meta_row *row);
// Writes atomically, rows sorted by file_name (stable), with the header.
int  gd_meta_write(const gd_meta *m, const char *path);
// Index of the row whose file_name equals name, or -1.
int  gd_meta_find(const gd_meta *m, const char *file_name);

#ifdef __cplusplus
}
#endif
#endif
