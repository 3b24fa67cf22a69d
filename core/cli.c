// cli.c: checked number parsing and die/usage helpers for main.c files.
#include "core/cli.h"   // defines: gd_parse_*, gd_die, gd_usage
#include "core/error.h" // defines: GD_ERR_*
#include "core/log.h"   // defines: gd_log_set_level

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

static const char *prog_name = "gendang";

void gd_cli_init(const char *prog) {
    const char *slash = prog;
    for (const char *p = prog; *p; p++) if (*p == '/') slash = p + 1;
    prog_name = slash;
}

const char *gd_cli_prog(void) { return prog_name; }

void gd_cli_quiet(void) { gd_log_set_level(GD_LOG_WARN); }
void gd_cli_verbose(void) { gd_log_set_level(GD_LOG_DEBUG); }

int gd_parse_double(const char *s, double lo, double hi, double *out) {
    if (!s || !*s) return GD_ERR_PARSE;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end != '\0' || end == s || isnan(v)) return GD_ERR_PARSE;
    if (errno == ERANGE || !(v >= lo && v <= hi)) return GD_ERR_RANGE;
    *out = v;
    return GD_OK;
}

int gd_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out) {
    if (!s || !*s) return GD_ERR_PARSE;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*end != '\0' || end == s) return GD_ERR_PARSE;
    if (errno == ERANGE || v < lo || v > hi) return GD_ERR_RANGE;
    *out = v;
    return GD_OK;
}

int gd_parse_u64(const char *s, uint64_t *out) {
    if (!s || !*s || *s == '-') return GD_ERR_PARSE;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*end != '\0' || end == s) return GD_ERR_PARSE;
    if (errno == ERANGE) return GD_ERR_RANGE;
    *out = v;
    return GD_OK;
}

void gd_die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

void gd_usage(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "%s: ", prog_name);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\nTry '%s --help'.\n", prog_name);
    va_end(ap);
    exit(2);
}

double gd_opt_double(const char *opt, const char *s, double lo, double hi) {
    double v;
    int err = gd_parse_double(s, lo, hi, &v);
    if (err == GD_ERR_PARSE) gd_usage("%s: '%s' is not a number", opt, s);
    if (err) gd_usage("%s: %s is out of range [%g, %g]", opt, s, lo, hi);
    return v;
}

int64_t gd_opt_int(const char *opt, const char *s, int64_t lo, int64_t hi) {
    int64_t v;
    int err = gd_parse_int(s, lo, hi, &v);
    if (err == GD_ERR_PARSE) gd_usage("%s: '%s' is not an integer", opt, s);
    if (err) gd_usage("%s: %s is out of range [%" PRId64 ", %" PRId64 "]", opt, s, lo, hi);
    return v;
}
