// json.h: a minimal streaming JSON writer for metrics, logs and safetensors headers.
//
// Non-finite numbers are written as null (JSON has no NaN/Inf). Strings are escaped.
// The writer tracks commas; nesting depth up to 32. Not thread-safe per writer.
#ifndef GD_JSON_H
#define GD_JSON_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    FILE *f;
    int   depth;
    int   first[32];   // 1 when nothing was written yet at that depth
    int   after_key;
} gd_json;

void gd_json_init(gd_json *j, FILE *f);
void gd_json_begin_object(gd_json *j);
void gd_json_end_object(gd_json *j);
void gd_json_begin_array(gd_json *j);
void gd_json_end_array(gd_json *j);
void gd_json_key(gd_json *j, const char *key);
void gd_json_string(gd_json *j, const char *s);
// Writes %.9g (null when not finite).
void gd_json_number(gd_json *j, double v);
void gd_json_int(gd_json *j, int64_t v);
void gd_json_bool(gd_json *j, int v);
void gd_json_null(gd_json *j);
// Writes s escaped, with quotes, to f.
void gd_json_write_escaped(FILE *f, const char *s);

#ifdef __cplusplus
}
#endif
#endif
