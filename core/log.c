// log.c: leveled logging through a replaceable callback.
#include "core/log.h" // defines: gd_log, gd_log_set

#include <stdarg.h>
#include <stdio.h>

static gd_log_fn    log_fn;
static void        *log_user;
static gd_log_level log_level = GD_LOG_INFO;

static void log_default(gd_log_level level, const char *msg, void *user) {
    (void)user;
    static const char *names[] = {"debug", "info", "warning", "error"};
    char line[2200];
    if (level == GD_LOG_INFO)
        snprintf(line, sizeof line, "%s\n", msg);
    else
        snprintf(line, sizeof line, "%s: %s\n", names[level], msg);
    fputs(line, stderr);
}

void gd_log_set(gd_log_fn fn, void *user) {
    log_fn = fn;
    log_user = user;
}

void gd_log_set_level(gd_log_level level) { log_level = level; }
gd_log_level gd_log_get_level(void) { return log_level; }

void gd_log(gd_log_level level, const char *fmt, ...) {
    if (level < log_level || level >= GD_LOG_QUIET) return;
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    (log_fn ? log_fn : log_default)(level, msg, log_user);
}
