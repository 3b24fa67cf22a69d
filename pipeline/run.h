// run.h: executes a plan: dependency order, up to N jobs at once, cache keys, logs.
//
// A rule is skipped when its target exists and OUT/.gendang/keys/<rule>.key holds the same
// key: sha256 of the tool version, the bytes of the gendang programs (so a rebuilt tool
// re-runs its stages), the command, and the bytes of every input (dependency targets and the
// rule's extra input). Each command's output goes to
// OUT/.gendang/logs/<rule>.log; a failing rule stops the run (running rules finish, finished
// work is kept) and its command, exit status and first error lines are shown. A run (not a
// dry run) holds the output folder's lock (lock.h) from start to end.
#ifndef PL_RUN_H
#define PL_RUN_H

#include "pipeline/plan.h" // defines: pl_plan

typedef struct {
    int         jobs;       // rules run at once (>= 1)
    int         dry_run;    // print what would run, run nothing
    int         force;      // ignore cache keys for the selected stages
    int         from;       // first stage index to run (earlier stages must be made)
    int         only;       // -1, or the only stage index to run
    const char *gendang;    // absolute path of the gendang binary
} pl_run_opts;

// Returns 0 when every selected rule succeeded or was cached, 1 otherwise.
int pl_run(const pl_plan *p, const pl_recipe *r, const pl_run_opts *o);

#endif
