// progress.c: a progress line on stderr when it is a terminal.
#include "core/progress.h" // defines: gd_progress_*, gd_now
#include "core/log.h"      // defines: gd_log_get_level

#include <stdio.h>
#include <time.h>
#include <unistd.h>

double gd_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

void gd_progress_init(gd_progress *p, const char *label, int64_t total) {
    p->label = label;
    p->total = total;
    p->done = 0;
    p->t_start = gd_now();
    p->t_last_draw = 0;
    p->enabled = isatty(2) && gd_log_get_level() <= GD_LOG_INFO;
}

static void draw(const gd_progress *p, double now) {
    double el = now - p->t_start, rate = el > 0 ? (double)p->done / el : 0;
    double pct = p->total > 0 ? 100.0 * (double)p->done / (double)p->total : 0;
    double eta = rate > 0 ? (double)(p->total - p->done) / rate : 0;
    fprintf(stderr, "\r%s %3.0f%% %lld/%lld  %.1f/s  ETA %.0fs   ", p->label, pct,
            (long long)p->done, (long long)p->total, rate, eta);
    fflush(stderr);
}

void gd_progress_add(gd_progress *p, int64_t n) {
    if (!p->enabled) return;
    int64_t done;
#pragma omp atomic capture
    done = p->done += n;
    (void)done;
    double now = gd_now();
    int redraw = 0;
#pragma omp critical(gd_progress)
    {
        if (now - p->t_last_draw >= 0.1) {
            p->t_last_draw = now;
            redraw = 1;
            draw(p, now);
        }
    }
    (void)redraw;
}

void gd_progress_finish(gd_progress *p) {
    if (!p->enabled) return;
    p->done = p->total;
    draw(p, gd_now());
    fputc('\n', stderr);
}
