// plan.c: from a validated recipe to rules (commands, targets, dependencies), and their
// shell-script and Makefile forms.
#include "pipeline/plan.h" // defines: gd_plan_*
#include "core/cli.h"      // defines: GD_VERSION
#include "core/error.h"    // defines: GD_ERR_*, GD_ASSERT

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const gd_stages[] = {"sources", "augment", "synth", "assemble", "train", "eval",
                                 "compare", "report", NULL};

int gd_stage_index(const char *stage) {
    for (int i = 0; gd_stages[i]; i++) if (!strcmp(gd_stages[i], stage)) return i;
    return -1;
}

// ---------------------------------------------------------------------------- command text

typedef struct { char *s; size_t n, cap; } sbuf;

static void sb_raw(sbuf *b, const char *t) {
    size_t l = strlen(t);
    if (b->n + l + 1 > b->cap) {
        b->cap = (b->n + l + 1) * 2;
        b->s = realloc(b->s, b->cap);
        GD_ASSERT(b->s);
    }
    memcpy(b->s + b->n, t, l + 1);
    b->n += l;
}

static void sb_fmt(sbuf *b, const char *fmt, ...) {
    char tmp[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    sb_raw(b, tmp);
}

// Appends " arg", single-quoted unless it is plainly safe for the shell.
static void sb_arg(sbuf *b, const char *a) {
    int plain = *a != '\0';
    for (const char *p = a; *p; p++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%", *p)) plain = 0;
    sb_raw(b, " ");
    if (plain) { sb_raw(b, a); return; }
    sb_raw(b, "'");
    for (const char *p = a; *p; p++) {
        if (*p == '\'') sb_raw(b, "'\\''");
        else { char c[2] = {*p, 0}; sb_raw(b, c); }
    }
    sb_raw(b, "'");
}

// Appends " > OUT.tmp && mv OUT.tmp OUT": stdout lands in place whole or not at all.
static void sb_redirect_atomic(sbuf *b, const char *out) {
    size_t n = strlen(out) + 5;
    char *tmp = malloc(n);
    GD_ASSERT(tmp);
    snprintf(tmp, n, "%s.tmp", out);
    sb_raw(b, " >");
    sb_arg(b, tmp);
    sb_raw(b, " && mv");
    sb_arg(b, tmp);
    sb_arg(b, out);
    free(tmp);
}

static char *path2(const char *a, const char *b) {
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static int add_rule(gd_plan *p, const char *stage, const char *name, char *cmd, char *target,
                    const int *deps, int n_deps) {
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 32;
        p->rules = realloc(p->rules, sizeof(gd_rule) * (size_t)p->cap);
        GD_ASSERT(p->rules);
    }
    gd_rule *r = &p->rules[p->n];
    memset(r, 0, sizeof *r);
    r->stage = stage;
    r->name = strdup(name);
    r->cmd = cmd;
    r->target = target;
    GD_ASSERT(n_deps <= GD_MAX_DEPS);
    for (int i = 0; i < n_deps; i++) r->deps[i] = deps[i];
    r->n_deps = n_deps;
    return p->n++;
}

// ---------------------------------------------------------------------------- stages

static int plan_sources(gd_plan *p, const gd_recipe *r, const char *split) {
    sbuf b = {0};
    char *dir = path2(r->out, "sources"), *out = path2(dir, split);
    sb_raw(&b, "\"$GENDANG\" data export --manifest");
    sb_arg(&b, r->manifest);
    sb_fmt(&b, " --split %s --rate %d --channels %d --allow-empty", split, r->rate, r->channels);
    for (int i = 0; i < r->kits.n; i++) { sb_raw(&b, " --kit"); sb_arg(&b, r->kits.v[i]); }
    for (int i = 0; i < r->instruments.n; i++) { sb_raw(&b, " --instrument"); sb_arg(&b, r->instruments.v[i]); }
    for (int i = 0; i < r->strokes.n; i++) { sb_raw(&b, " --stroke"); sb_arg(&b, r->strokes.v[i]); }
    sb_raw(&b, " -o");
    sb_arg(&b, out);
    char name[64];
    snprintf(name, sizeof name, "sources/%s", split);
    int k = add_rule(p, "sources", name, b.s, path2(out, "metadata.csv"), NULL, 0);
    p->rules[k].extra_input = strdup(r->manifest);
    free(dir); free(out);
    return k;
}

static int plan_augment(gd_plan *p, const gd_recipe *r, int src_train) {
    sbuf b = {0};
    char *out = path2(r->out, "augment");
    sb_raw(&b, "\"$GENDANG\" augment run --in");
    sb_arg(&b, p->rules[src_train].target);
    sb_raw(&b, " --ops");
    sb_arg(&b, r->aug_ops);
    sb_fmt(&b, " --n %d --seed %llu --out", r->aug_variants, (unsigned long long)r->seed);
    sb_arg(&b, out);
    int k = add_rule(p, "augment", "augment", b.s, path2(out, "metadata.csv"), &src_train, 1);
    free(out);
    return k;
}

// One render rule per preset (built-in, or fitted from an instrument's train hits).
static int plan_synth(gd_plan *p, const gd_recipe *r, int *renders) {
    int n = 0;
    char *sdir = path2(r->out, "synth");
    for (int i = 0; i < r->synth_fit.n; i++) {
        const char *inst = r->synth_fit.v[i];
        char hits[600], preset[600], name[128];
        snprintf(hits, sizeof hits, "%s/hits_%s", sdir, inst);
        snprintf(preset, sizeof preset, "%s/fit_%s.yaml", sdir, inst);
        sbuf b = {0};
        sb_raw(&b, "\"$GENDANG\" data export --manifest");
        sb_arg(&b, r->manifest);
        sb_fmt(&b, " --split train --rate %d --channels 1 --instrument", r->rate);
        sb_arg(&b, inst);
        sb_raw(&b, " -o");
        sb_arg(&b, hits);
        sb_raw(&b, " && \"$GENDANG\" synth fit --split train");
        sb_arg(&b, hits);
        sb_raw(&b, "/*.wav -o");
        sb_arg(&b, preset);
        snprintf(name, sizeof name, "synth/fit_%s", inst);
        int k = add_rule(p, "synth", name, b.s, strdup(preset), NULL, 0);
        p->rules[k].extra_input = strdup(r->manifest);
        renders[n++] = k;   // replaced by its render rule below
    }
    int n_fit = n;
    for (int i = 0; i < n_fit + r->synth_presets.n; i++) {
        const char *label = i < n_fit ? r->synth_fit.v[i] : r->synth_presets.v[i - n_fit];
        const char *preset = i < n_fit ? p->rules[renders[i]].target : label;
        char out[600], name[128];
        snprintf(out, sizeof out, "%s/%s%s", sdir, i < n_fit ? "fitted_" : "", label);
        sbuf b = {0};
        sb_raw(&b, "\"$GENDANG\" synth render --preset");
        sb_arg(&b, preset);
        sb_fmt(&b, " --n %d --seed %llu --rate %d -o", r->synth_n, (unsigned long long)r->seed, r->rate);
        sb_arg(&b, out);
        snprintf(name, sizeof name, "synth/%s%s", i < n_fit ? "fitted_" : "", label);
        int dep = renders[i];
        int k = add_rule(p, "synth", name, b.s, path2(out, "metadata.csv"), &dep, i < n_fit);
        renders[i] = k;
        n = i + 1;
    }
    free(sdir);
    return n;
}

int gd_plan_build(gd_plan *p, const gd_recipe *r) {
    memset(p, 0, sizeof *p);
    int src[3];
    for (int s = 0; s < 3; s++) src[s] = plan_sources(p, r, (const char *[]){"train", "valid", "test"}[s]);
    int aug = r->has_augment ? plan_augment(p, r, src[0]) : -1;
    int renders[2 * GD_MAX_LIST], n_render = r->has_synth ? plan_synth(p, r, renders) : 0;
    int evals[GD_MAX_LIST];
    for (int c = 0; c < r->n_corpora; c++) {
        const char *cn = r->corpus_name[c];
        char corpus[600], run[600], name[128];
        snprintf(corpus, sizeof corpus, "%s/corpora/%s", r->out, cn);
        snprintf(run, sizeof run, "%s/runs/%s", r->out, cn);
        int deps[GD_MAX_DEPS], nd = 0;
        sbuf b = {0};
        sb_raw(&b, "\"$GENDANG\" data assemble");
        if (r->has_loudness) sb_fmt(&b, " --loudness %g", r->loudness_lufs);
        sb_raw(&b, " -o");
        sb_arg(&b, corpus);
        for (int s = 0; s < 2; s++) {
            char *d = path2(r->out, s ? "sources/valid" : "sources/train");
            sb_arg(&b, d);
            free(d);
            deps[nd++] = src[s];
        }
        if (r->corpus_parts[c] & GD_PART_AUGMENT) {
            char *d = path2(r->out, "augment");
            sb_arg(&b, d);
            free(d);
            deps[nd++] = aug;
        }
        if (r->corpus_parts[c] & GD_PART_SYNTH)
            for (int i = 0; i < n_render; i++) {
                char *d = strdup(p->rules[renders[i]].target);
                *strrchr(d, '/') = '\0';
                sb_arg(&b, d);
                free(d);
                deps[nd++] = renders[i];
            }
        snprintf(name, sizeof name, "assemble/%s", cn);
        int asm_rule = add_rule(p, "assemble", name, b.s, path2(corpus, "metadata.csv"), deps, nd);
        if (!r->has_train) continue;
        sbuf t = {0};
        sb_fmt(&t, "OMP_NUM_THREADS=%d \"$GENDANG\" train fit --corpus", r->train_threads);
        sb_arg(&t, corpus);
        sb_raw(&t, " --config");
        sb_arg(&t, r->train_config);
        sb_fmt(&t, " --steps %d --seed %llu --device %s -o", r->train_steps,
               (unsigned long long)r->seed, r->train_device);
        sb_arg(&t, run);
        snprintf(name, sizeof name, "train/%s", cn);
        int tr = add_rule(p, "train", name, t.s, path2(run, "model.safetensors"), &asm_rule, 1);
        if (!r->has_eval) continue;
        char edir[600], recon[700];
        snprintf(edir, sizeof edir, "%s/eval/%s", r->out, cn);
        snprintf(recon, sizeof recon, "%s/recon", edir);
        sbuf e = {0};
        char *test = path2(r->out, "sources/test"), *pairs = path2(edir, "pairs.jsonl");
        sb_raw(&e, "\"$GENDANG\" train transfer");
        sb_arg(&e, p->rules[tr].target);
        sb_arg(&e, test);
        sb_raw(&e, " -o");
        sb_arg(&e, recon);
        if (r->eval_transfer.n) {
            char xdir[720];
            snprintf(xdir, sizeof xdir, "%s/transfer", edir);
            sb_raw(&e, " && \"$GENDANG\" train transfer");
            sb_arg(&e, p->rules[tr].target);
            for (int i = 0; i < r->eval_transfer.n; i++) sb_arg(&e, r->eval_transfer.v[i]);
            sb_raw(&e, " -o");
            sb_arg(&e, xdir);
        }
        sb_raw(&e, " && \"$GENDANG\" eval pair --json");
        sb_arg(&e, test);
        sb_arg(&e, recon);
        sb_redirect_atomic(&e, pairs);
        int ed[2] = {tr, src[2]};
        snprintf(name, sizeof name, "eval/%s", cn);
        evals[c] = add_rule(p, "eval", name, e.s, pairs, ed, 2);
        free(test);
    }
    int cmps[GD_MAX_LIST], n_cmp = 0;
    for (int i = 1; i < r->compare.n; i++) {
        int a = -1, b = -1;
        for (int c = 0; c < r->n_corpora; c++) {
            if (!strcmp(r->corpus_name[c], r->compare.v[0])) a = c;
            if (!strcmp(r->corpus_name[c], r->compare.v[i])) b = c;
        }
        char out[700], name[128];
        snprintf(out, sizeof out, "%s/compare/%s_vs_%s.txt", r->out, r->compare.v[i], r->compare.v[0]);
        sbuf b2 = {0};
        char *cdir = path2(r->out, "compare");
        sb_raw(&b2, "mkdir -p");
        sb_arg(&b2, cdir);
        free(cdir);
        sb_raw(&b2, " && \"$GENDANG\" eval compare");
        sb_arg(&b2, p->rules[evals[a]].target);
        sb_arg(&b2, p->rules[evals[b]].target);
        sb_redirect_atomic(&b2, out);
        int deps[2] = {evals[a], evals[b]};
        snprintf(name, sizeof name, "compare/%s_vs_%s", r->compare.v[i], r->compare.v[0]);
        cmps[n_cmp++] = add_rule(p, "compare", name, b2.s, strdup(out), deps, 2);
    }
    if (r->has_report) {
        // The report shows the last corpus compared (the most expanded one), or the only one,
        // with every comparison's verdict table.
        int c = 0;
        if (r->compare.n)
            for (int k = 0; k < r->n_corpora; k++)
                if (!strcmp(r->corpus_name[k], r->compare.v[r->compare.n - 1])) c = k;
        const char *cn = r->corpus_name[c];
        int deps[GD_MAX_DEPS], nd = 0;
        char edir[700], arg[800];
        snprintf(edir, sizeof edir, "%s/eval/%s", r->out, cn);
        char *rdir = path2(r->out, "report"), *test = path2(r->out, "sources/test");
        sbuf b3 = {0};
        sb_raw(&b3, "\"$GENDANG\" eval report --title");
        snprintf(arg, sizeof arg, "%s: corpus %s", r->name, cn);
        sb_arg(&b3, arg);
        snprintf(arg, sizeof arg, "%s/runs/%s/log.csv", r->out, cn);
        sb_raw(&b3, " --log");
        sb_arg(&b3, arg);
        for (int i = 0; i < r->eval_transfer.n; i++) {
            const char *base = strrchr(r->eval_transfer.v[i], '/');
            snprintf(arg, sizeof arg, "%s/transfer/%s", edir, base ? base + 1 : r->eval_transfer.v[i]);
            sb_raw(&b3, " --transfer");
            sb_arg(&b3, arg);
        }
        for (int i = 0; i < n_cmp; i++) {
            sb_raw(&b3, " --compare");
            sb_arg(&b3, p->rules[cmps[i]].target);
            deps[nd++] = cmps[i];
        }
        deps[nd++] = evals[c];
        sb_raw(&b3, " -o");
        sb_arg(&b3, rdir);
        sb_arg(&b3, test);
        snprintf(arg, sizeof arg, "%s/recon", edir);
        sb_arg(&b3, arg);
        add_rule(p, "report", "report", b3.s, path2(rdir, "report.html"), deps, nd);
        free(rdir);
        free(test);
    }
    return GD_OK;
}

void gd_plan_free(gd_plan *p) {
    for (int i = 0; i < p->n; i++) {
        free(p->rules[i].name); free(p->rules[i].cmd); free(p->rules[i].target);
        free(p->rules[i].extra_input);
    }
    free(p->rules);
    memset(p, 0, sizeof *p);
}

void gd_plan_print_sh(FILE *f, const gd_plan *p, const gd_recipe *r) {
    fprintf(f, "#!/bin/sh\n# %s: generated by gendang %s from %s. Runs every step in order.\n"
               "set -e\nGENDANG=${GENDANG:-bin/gendang}\n", r->name, GD_VERSION, r->path);
    const char *stage = "";
    for (int i = 0; i < p->n; i++) {
        if (strcmp(stage, p->rules[i].stage)) fprintf(f, "\n# ---- %s\n", stage = p->rules[i].stage);
        fprintf(f, "%s\n", p->rules[i].cmd);
    }
}

// Make needs '$' doubled in recipes.
static void print_make_cmd(FILE *f, const char *cmd) {
    fputc('\t', f);
    for (const char *c = cmd; *c; c++) {
        if (*c == '$') fputc('$', f);
        fputc(*c, f);
    }
    fputc('\n', f);
}

void gd_plan_print_make(FILE *f, const gd_plan *p, const gd_recipe *r) {
    fprintf(f, "# %s: generated by gendang %s from %s.\n# Run with: make -f THIS_FILE -j N\n"
               "GENDANG ?= bin/gendang\nexport GENDANG\n.DELETE_ON_ERROR:\n\nall:", r->name,
            GD_VERSION, r->path);
    for (int i = 0; i < p->n; i++) fprintf(f, " %s", p->rules[i].target);
    fprintf(f, "\n");
    for (int i = 0; i < p->n; i++) {
        const gd_rule *ru = &p->rules[i];
        fprintf(f, "\n# %s\n%s:", ru->name, ru->target);
        for (int d = 0; d < ru->n_deps; d++) fprintf(f, " %s", p->rules[ru->deps[d]].target);
        if (ru->extra_input) fprintf(f, " %s", ru->extra_input);
        fprintf(f, "\n");
        print_make_cmd(f, ru->cmd);
    }
}

// Item-level rules take --shard K/N: the augment run and every synth render.
static int item_level(const gd_rule *ru) {
    return !strcmp(ru->stage, "augment") || strstr(ru->cmd, "\"$GENDANG\" synth render") == ru->cmd;
}

void gd_plan_print_shard(FILE *f, const gd_plan *p, const gd_recipe *r, int k, int n) {
    fprintf(f, "#!/bin/sh\n# %s: shard %d of %d of the item-level work, generated by gendang %s from "
               "%s.\n# First: gendang run %s --only sources (and --only synth for fitted presets);\n"
               "# then this script for every shard (e.g. a Slurm array); last: gendang run %s,\n"
               "# which merges the shards and finishes the recipe.\nset -e\n"
               "GENDANG=${GENDANG:-bin/gendang}\n", r->name, k, n, GD_VERSION, r->path, r->path,
            r->path);
    for (int i = 0; i < p->n; i++)
        if (item_level(&p->rules[i])) fprintf(f, "%s --shard %d/%d\n", p->rules[i].cmd, k, n);
}
