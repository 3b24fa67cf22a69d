// progress.h: a progress line on stderr ("\r label  42% 420/1000  12.3/s  ETA 47s").
//
// Shown only when stderr is a terminal and the log level is not QUIET; otherwise every call
// is a no-op, so callers never need to check. gd_progress_add is thread-safe (atomic
// counter; redraws at most 10 times a second).
#ifndef GD_PROGRESS_H
#define GD_PROGRESS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *label;
    int64_t     total;
    int64_t     done;
    double      t_start;
    double      t_last_draw;
    int         enabled;
} gd_progress;

void gd_progress_init(gd_progress *p, const char *label, int64_t total);
void gd_progress_add(gd_progress *p, int64_t n);
// Draws 100% and ends the line.
void gd_progress_finish(gd_progress *p);

// Monotonic seconds.
double gd_now(void);

#ifdef __cplusplus
}
#endif
#endif
