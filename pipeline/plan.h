// plan.h: a recipe turned into rules: one shell command per output, with dependencies.
//
// Commands call the tools as "$GENDANG <stage> ..." so a plan printed with --sh or --make
// can be run by hand, by `make -j`, or by a cluster scheduler. A rule's target is the file
// whose presence (and cache key) says the rule is done.
// Ownership: pl_plan owns its rules and strings. Not thread-safe.
#ifndef PL_PLAN_H
#define PL_PLAN_H

#include "pipeline/recipe.h" // defines: pl_recipe

#include <stdio.h>

#define PL_MAX_DEPS 600   // a report depends on every corpus x seed eval (32 x 16) and the compares

typedef struct {
    const char *stage;        // static: sources, augment, synth, assemble, train, eval, compare, report
    char       *name;         // unique, e.g. "train/real"
    char       *cmd;          // /bin/sh command line
    char       *target;       // main output file
    int         deps[PL_MAX_DEPS];
    int         n_deps;
    char       *extra_input;  // a file outside the plan whose bytes are part of the key, or NULL
} pl_rule;

typedef struct {
    pl_rule *rules;
    int      n;
    int      cap;
} pl_plan;

extern const char *const pl_stages[];   // in order, NULL-terminated

// Index of stage in pl_stages, or -1.
int  pl_stage_index(const char *stage);
int  pl_plan_build(pl_plan *p, const pl_recipe *r);
void pl_plan_free(pl_plan *p);
// Prints the plan as a shell script or a Makefile (one rule per target).
void pl_plan_print_sh(FILE *f, const pl_plan *p, const pl_recipe *r);
void pl_plan_print_make(FILE *f, const pl_plan *p, const pl_recipe *r);
// Prints shard k (1..n) of the item-level work (augment run, synth render) as a shell
// script, for a cluster array job; their inputs must be made first and a later
// `gendang run` merges the shards.
void pl_plan_print_shard(FILE *f, const pl_plan *p, const pl_recipe *r, int k, int n);

#endif
