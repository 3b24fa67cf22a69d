// cli.h: checked number parsing and the shared conventions of main.c files.
//
// gd_parse_* never accept trailing garbage, empty strings, NaN or values out of [lo, hi];
// they return 0, GD_ERR_PARSE or GD_ERR_RANGE.
// gd_die/gd_usage are for main.c only (library code never exits): gd_die prints
// "prog: message" to stderr and exits 1; gd_usage prints "prog: message" plus
// "Try 'prog --help'." and exits 2.
// Thread-safety: parsing is reentrant; gd_cli_init sets process-wide state at start-up.
#ifndef GD_CLI_H
#define GD_CLI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GD_VERSION "0.1.0"

int gd_parse_double(const char *s, double lo, double hi, double *out);
int gd_parse_int(const char *s, int64_t lo, int64_t hi, int64_t *out);
int gd_parse_u64(const char *s, uint64_t *out);

// Records the program name for gd_die/gd_usage.
void gd_cli_init(const char *prog);
const char *gd_cli_prog(void);

// -q/--quiet, the same in every command: no info messages and no progress on stderr;
// warnings and errors are still printed (log level GD_LOG_WARN). GD_CLI_QUIET_HELP is the
// line --help prints for it.
void gd_cli_quiet(void);
#define GD_CLI_QUIET_HELP "no progress or info on stderr (warnings and errors still shown)"
// -v/--verbose: debug messages as well.
void gd_cli_verbose(void);

_Noreturn void gd_die(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;
_Noreturn void gd_usage(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

// Parses option value s for option name opt in [lo, hi], or exits 2 naming the option and
// the allowed range.
double  gd_opt_double(const char *opt, const char *s, double lo, double hi);
int64_t gd_opt_int(const char *opt, const char *s, int64_t lo, int64_t hi);

#ifdef __cplusplus
}
#endif
#endif
