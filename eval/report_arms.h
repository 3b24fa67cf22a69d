// report_arms.h: the report's "models and baselines" section: per model (an arm, one
// `pair --json` file per seed) and per baseline (e.g. `nearest`'s pairs.jsonl): seeds, clips,
// groups, and the means of the primary and key secondary metrics with their seed SD; then a
// plain sentence per model and baseline saying whether the model beats it on the primary
// metric, on the clips both have. Bad input ends the program with a named error (gd_die).
// Ownership: ev_arms owns its runs; ev_arms_free releases them (names point into argv).
#ifndef EV_REPORT_ARMS_H
#define EV_REPORT_ARMS_H

#include <stdio.h>

#include "core/json.h"
#include "eval/runs.h"

#define EV_MAX_ARMS 16

typedef struct {
    int         n;
    const char *name[EV_MAX_ARMS], *spec[EV_MAX_ARMS];
    int         baseline[EV_MAX_ARMS];   // 1: a baseline, 0: a model
    ev_run      run[EV_MAX_ARMS];
    int         primary;                 // metric index
} ev_arms;

// Adds NAME=FILE[,FILE...] (dies on a malformed argument or a full table).
void ev_arms_add(ev_arms *a, const char *arg, int baseline);
// Reads every run.
void ev_arms_read(ev_arms *a);
void ev_arms_free(ev_arms *a);
// The section as Markdown, as HTML (a table and paragraphs), and as a JSON array value.
void ev_arms_md(FILE *f, const ev_arms *a);
void ev_arms_html(FILE *f, const ev_arms *a);
void ev_arms_json(gd_json *j, const ev_arms *a);
// Writes s with &, <, >, " escaped for HTML.
void ev_html_esc(FILE *f, const char *s);

#endif
