// json.c: minimal streaming JSON writer.
#include "core/json.h"  // defines: gd_json_*
#include "core/error.h" // defines: GD_ASSERT

#include <inttypes.h>
#include <math.h>

void gd_json_init(gd_json *j, FILE *f) {
    j->f = f;
    j->depth = 0;
    j->first[0] = 1;
    j->after_key = 0;
}

// Emits the separator owed before a value or key at the current depth.
static void sep(gd_json *j) {
    if (j->after_key) {
        j->after_key = 0;
        return;
    }
    if (!j->first[j->depth]) fputc(',', j->f);
    j->first[j->depth] = 0;
}

static void open(gd_json *j, char c) {
    sep(j);
    fputc(c, j->f);
    GD_ASSERT(j->depth < 31);
    j->first[++j->depth] = 1;
}

static void close_(gd_json *j, char c) {
    GD_ASSERT(j->depth > 0);
    j->depth--;
    fputc(c, j->f);
}

void gd_json_begin_object(gd_json *j) { open(j, '{'); }
void gd_json_end_object(gd_json *j) { close_(j, '}'); }
void gd_json_begin_array(gd_json *j) { open(j, '['); }
void gd_json_end_array(gd_json *j) { close_(j, ']'); }

void gd_json_write_escaped(FILE *f, const char *s) {
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':  fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20) fprintf(f, "\\u%04x", *p);
            else fputc(*p, f);
        }
    }
    fputc('"', f);
}

void gd_json_key(gd_json *j, const char *key) {
    sep(j);
    gd_json_write_escaped(j->f, key);
    fputc(':', j->f);
    j->after_key = 1;
}

void gd_json_string(gd_json *j, const char *s) {
    sep(j);
    gd_json_write_escaped(j->f, s ? s : "");
}

void gd_json_number(gd_json *j, double v) {
    sep(j);
    if (isfinite(v)) fprintf(j->f, "%.9g", v);
    else fputs("null", j->f);
}

void gd_json_int(gd_json *j, int64_t v) {
    sep(j);
    fprintf(j->f, "%" PRId64, v);
}

void gd_json_bool(gd_json *j, int v) {
    sep(j);
    fputs(v ? "true" : "false", j->f);
}

void gd_json_null(gd_json *j) {
    sep(j);
    fputs("null", j->f);
}
