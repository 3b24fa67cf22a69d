// runs.h: per-clip results of one arm (a training recipe) read from `pair --json` outputs
// (or other JSON lines with a "clip" and probe_metrics.def keys), for compare and report. An arm argument is one file, or several joined by commas: the
// seeds (one file per trained model); a folder stands for its pairs.jsonl. Every seed must
// hold the same clips. A clip's group comes from the records' "group" field (the same in
// every file that gives one). Bad input ends the program with a one-line error naming the
// file (gd_die), as the commands do.
// Ownership: ev_run owns its strings and values; ev_run_free releases them.
#ifndef EV_RUNS_H
#define EV_RUNS_H

#include "eval/eval.h"

typedef struct {
    int     n_seeds, n;   // files, clips
    char  **clip;         // n, sorted by strcmp
    char  **group;        // n; NULL where no file gave one
    double *v;            // (n_seeds, n, EV_N_ALL_METRICS), NAN = null
    unsigned char present[EV_N_ALL_METRICS];   // 1: some record carries the key (even null)
} ev_run;

// Reads spec (FILE[,FILE...]).
void ev_run_read(ev_run *r, const char *spec);
void ev_run_free(ev_run *r);
// Dies unless a and b hold the same clips (naming the first one that differs); then copies
// groups given on one side only to the other and dies on a clip whose groups disagree.
void ev_run_match(ev_run *a, ev_run *b, const char *name_a, const char *name_b);

// Value of metric m for seed s, clip i.
static inline double ev_run_value(const ev_run *r, int s, int i, int m) {
    return r->v[((int64_t)s * r->n + i) * EV_N_ALL_METRICS + m];
}

// Value of metric m oriented for comparison: |x| for signed level differences.
double ev_run_oriented(const ev_run *r, int s, int i, int m);
// 1 when clip i has a value of metric m in every seed.
int ev_run_all_finite(const ev_run *r, int i, int m);
// Mean over the seeds of clip i's oriented value.
double ev_run_clip_mean(const ev_run *r, int i, int m);
// Summary of metric m over the clips with a value in every seed (and use[i] set, when use
// is not NULL): the mean of the per-clip seed means (oriented), the SD (n - 1) of the
// per-seed clip means (NAN with 1 seed). Returns the number of clips (0: both NAN).
int ev_run_summary(const ev_run *r, int m, const unsigned char *use, double *mean, double *seed_sd);

// Resampling units: unit[i] in [0, n_units) numbers the distinct groups (in clip order); a
// clip without a group is a unit of its own. Returns n_units, or 0 when no clip has a group
// (unit is then left untouched: every clip is its own unit). unit holds r->n ints.
int ev_run_units(const ev_run *r, int *unit);

#endif
