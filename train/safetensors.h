// safetensors.h: read and write safetensors files (8-byte little-endian header length, JSON
// header, raw little-endian tensor bytes), F32 tensors only, with a string __metadata__ map.
// https://github.com/huggingface/safetensors (format description).
//
// Writing is atomic (core/fileio.h). Reading checks everything before any tensor is used:
// header length within the file, JSON well formed, dtype F32, shape product equal to the byte
// range, the tensors back to back with no gap or overlap, and the file size equal to the
// size the header describes; a truncated, appended-to or foreign file is GD_ERR_FORMAT.
// Ownership: an rv_st owns its names, metadata and data; rv_st_free releases all.
#ifndef RV_SAFETENSORS_H
#define RV_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "train/params.h"

typedef struct {
    char   *name;
    int     ndim;
    int64_t shape[4];
    int64_t n;
    float  *data;       // points into rv_st.blob
} rv_st_tensor;

typedef struct {
    rv_st_tensor *t;
    int           n;
    char        **meta_k, **meta_v;
    int           n_meta;
    float        *blob;
} rv_st;

typedef struct {
    const char  *name;
    int          ndim;
    const int   *shape;
    const float *data;
} rv_st_entry;

// Writes entries (n) and metadata pairs (n_meta keys/values) to path atomically.
int rv_st_write(const char *path, const rv_st_entry *e, int n, const char *const *meta_k,
                const char *const *meta_v, int n_meta);
// Reads path (with_data = 0: the header only; every tensor's data is NULL). Logs nothing:
// on failure the reason (without the path) goes to why (why_n bytes).
int  rv_st_open(rv_st **out, const char *path, int with_data, char *why, size_t why_n);
// rv_st_open with the data; logs "path: reason" on failure.
int  rv_st_read(rv_st **out, const char *path);
void rv_st_free(rv_st *st);
const rv_st_tensor *rv_st_get(const rv_st *st, const char *name);
const char *rv_st_meta(const rv_st *st, const char *key);

// Checks that every tensor of p is in st (prefix + name) with its shape; the first mismatch
// goes to why (GD_ERR_FORMAT). Works on a header-only st.
int rv_st_check_params(const rv_st *st, const rv_params *p, const char *prefix, char *why,
                       size_t why_n);
// Copies every tensor of p from st (prefix + name), checking presence and shape into dst
// (p->total floats). Logs the first mismatch (GD_ERR_FORMAT).
int rv_st_load_params(const rv_st *st, const rv_params *p, const char *prefix, float *dst,
                      const char *path);

#endif
