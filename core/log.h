// log.h: leveled logging through a replaceable callback (ggml_log_set style).
//
// The default callback writes "LEVEL: message\n" to stderr, one fputs per message so lines
// from threads do not interleave. Messages below the current level are dropped.
// Thread-safety: gd_log may be called from any thread; gd_log_set/gd_log_set_level are meant
// for start-up, before threads run.
#ifndef GD_LOG_H
#define GD_LOG_H

#ifdef __cplusplus
extern "C" {
#endif

typedef enum { GD_LOG_DEBUG = 0, GD_LOG_INFO = 1, GD_LOG_WARN = 2, GD_LOG_ERROR = 3,
               GD_LOG_QUIET = 4 } gd_log_level;

// msg is the formatted text without a trailing newline; user is what was given to gd_log_set.
typedef void (*gd_log_fn)(gd_log_level level, const char *msg, void *user);

// Replace the callback (NULL restores the default stderr writer).
void gd_log_set(gd_log_fn fn, void *user);
// Messages below level are dropped. Default GD_LOG_INFO.
void gd_log_set_level(gd_log_level level);
gd_log_level gd_log_get_level(void);

void gd_log(gd_log_level level, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

#define gd_debug(...) gd_log(GD_LOG_DEBUG, __VA_ARGS__)
#define gd_info(...)  gd_log(GD_LOG_INFO, __VA_ARGS__)
#define gd_warn(...)  gd_log(GD_LOG_WARN, __VA_ARGS__)
#define gd_error(...) gd_log(GD_LOG_ERROR, __VA_ARGS__)

#ifdef __cplusplus
}
#endif
#endif
