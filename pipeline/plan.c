// plan.c: from a validated recipe to rules (commands, targets, dependencies), and their
// shell-script and Makefile forms.
#include "pipeline/plan.h" // defines: pl_plan_*
#include "core/cli.h"      // defines: GD_VERSION
#include "core/error.h"    // defines: GD_ERR_*, GD_ASSERT

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

const char *const pl_stages[] = {"sources", "augment", "synth", "assemble", "train", "eval",
                                 "compare", "report", NULL};

int pl_stage_index(const char *stage) {
    for (int i = 0; pl_stages[i]; i++) if (!strcmp(pl_stages[i], stage)) return i;
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

static int add_rule(pl_plan *p, const char *stage, const char *name, char *cmd, char *target,
                    const int *deps, int n_deps) {
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 32;
        p->rules = realloc(p->rules, sizeof(pl_rule) * (size_t)p->cap);
        GD_ASSERT(p->rules);
    }
    pl_rule *r = &p->rules[p->n];
    memset(r, 0, sizeof *r);
    r->stage = stage;
    r->name = strdup(name);
    r->cmd = cmd;
    r->target = target;
    GD_ASSERT(n_deps <= PL_MAX_DEPS);
    for (int i = 0; i < n_deps; i++) r->deps[i] = deps[i];
    r->n_deps = n_deps;
    return p->n++;
}

// ---------------------------------------------------------------------------- stages

static int plan_sources(pl_plan *p, const pl_recipe *r, const char *split) {
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

static int plan_augment(pl_plan *p, const pl_recipe *r, int src_train) {
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
static int plan_synth(pl_plan *p, const pl_recipe *r, int *renders) {
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

// Run and eval folders of corpus cn for seed index k: runs/<cn>[/seed<S>], eval/<cn>[/seed<S>].
static void seed_dir(char *buf, size_t n, const pl_recipe *r, const char *what, const char *cn, int k) {
    if (r->seed_dirs)
        snprintf(buf, n, "%s/%s/%s/seed%llu", r->out, what, cn, (unsigned long long)r->train_seeds[k]);
    else
        snprintf(buf, n, "%s/%s/%s", r->out, what, cn);
}

// Name of a rule for corpus cn and seed index k: "train/real" or "train/real/seed3".
static void seed_name(char *buf, size_t n, const pl_recipe *r, const char *stage, const char *cn, int k) {
    if (r->seed_dirs) snprintf(buf, n, "%s/%s/seed%llu", stage, cn, (unsigned long long)r->train_seeds[k]);
    else snprintf(buf, n, "%s/%s", stage, cn);
}

// File name that `train transfer IN... -o DIR` writes for input path in: DIR/<stem>.wav.
static void transfer_name(char *buf, size_t n, const char *dir, const char *in) {
    const char *base = strrchr(in, '/');
    base = base ? base + 1 : in;
    const char *dot = strrchr(base, '.');
    int len = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    snprintf(buf, n, "%s/%.*s.wav", dir, len, base);
}

// Training on corpus cn with seed index k (resumes a killed run from its last checkpoint).
static int plan_train(pl_plan *p, const pl_recipe *r, const char *corpus, const char *cn, int k,
                      int asm_rule) {
    char run[600], name[160];
    seed_dir(run, sizeof run, r, "runs", cn, k);
    sbuf t = {0};
    sb_fmt(&t, "OMP_NUM_THREADS=%d \"$GENDANG\" train fit --corpus", r->train_threads);
    sb_arg(&t, corpus);
    sb_raw(&t, " --config");
    sb_arg(&t, r->train_config);
    sb_fmt(&t, " --steps %d --seed %llu --device %s --resume auto -o", r->train_steps,
           (unsigned long long)r->train_seeds[k], r->train_device);
    sb_arg(&t, run);
    seed_name(name, sizeof name, r, "train", cn, k);
    return add_rule(p, "train", name, t.s, path2(run, "model.safetensors"), &asm_rule, 1);
}

// Transfer inputs of the recipe: eval.transfer files, then the probe files; buf gets the
// i-th as DIR/<stem>.wav (what `train transfer IN... -o DIR` writes). Returns the count.
static int n_transfer_inputs(const pl_recipe *r) { return r->eval_transfer.n + PL_PROBES_PER_KIND * r->eval_probes.n; }

static void transfer_input(char *buf, size_t n, const pl_recipe *r, int i) {
    if (i < r->eval_transfer.n) { snprintf(buf, n, "%s", r->eval_transfer.v[i]); return; }
    i -= r->eval_transfer.n;
    snprintf(buf, n, "%s/probes/%s_%d.wav", r->out, r->eval_probes.v[i / PL_PROBES_PER_KIND],
             i % PL_PROBES_PER_KIND + 1);
}

// The attribution folder of transfer input `in` under an eval folder: EDIR/attr/<stem>
// (malloc'd).
static char *attr_dir(const char *edir, const char *in) {
    char stem[800];
    transfer_name(stem, sizeof stem, "", in);   // "/<stem>.wav"
    *strrchr(stem, '.') = '\0';
    char *attr = path2(edir, "attr"), *dir = malloc(strlen(attr) + strlen(stem) + 1);
    GD_ASSERT(dir);
    strcpy(dir, attr);
    strcat(dir, stem);
    free(attr);
    return dir;
}

// 1 when corpus cn's transfer examples appear in the report: every compared corpus, or the
// first corpus when nothing is compared.
static int in_report(const pl_recipe *r, const char *cn) {
    if (!r->has_report) return 0;
    if (!r->compare.n) return !strcmp(cn, r->corpus_name[0]);
    for (int i = 0; i < r->compare.n; i++)
        if (!strcmp(cn, r->compare.v[i])) return 1;
    return 0;
}

// Reconstruction of every held-out test hit by the model of rule tr, and its pair metrics.
// Transfer examples for the first seed (every seed when the recipe measures a leak), and for
// the report's corpora an attribution of each (eval/<cn>/<seed>/attr/<stem>/).
static int plan_eval(pl_plan *p, const pl_recipe *r, const char *cn, int k, int tr, int src_test,
                     int probes, const char *corpus) {
    char edir[600], recon[700], name[160];
    seed_dir(edir, sizeof edir, r, "eval", cn, k);
    snprintf(recon, sizeof recon, "%s/recon", edir);
    sbuf e = {0};
    char *test = path2(r->out, "sources/test"), *pairs = path2(edir, "pairs.jsonl");
    sb_raw(&e, "\"$GENDANG\" train transfer");
    sb_arg(&e, p->rules[tr].target);
    sb_arg(&e, test);
    sb_raw(&e, " -o");
    sb_arg(&e, recon);
    if (n_transfer_inputs(r) && (k == 0 || r->leak_judge)) {
        char xdir[720], in[800];
        snprintf(xdir, sizeof xdir, "%s/transfer", edir);
        sb_raw(&e, " && \"$GENDANG\" train transfer");
        sb_arg(&e, p->rules[tr].target);
        for (int i = 0; i < r->eval_transfer.n; i++) sb_arg(&e, r->eval_transfer.v[i]);
        if (probes >= 0) {
            char *pdir = path2(r->out, "probes");
            sb_arg(&e, pdir);
            free(pdir);
        }
        sb_raw(&e, " -o");
        sb_arg(&e, xdir);
        for (int i = 0; k == 0 && in_report(r, cn) && i < n_transfer_inputs(r); i++) {
            transfer_input(in, sizeof in, r, i);
            char *adir = attr_dir(edir, in);
            sb_raw(&e, " && \"$GENDANG\" train attribute -q --transfer");
            if (r->leak_labels) {   // the labels the leak is about, as one colour
                sb_raw(&e, " --lump");
                sb_arg(&e, r->leak_labels);
            }
            sb_arg(&e, p->rules[tr].target);
            sb_raw(&e, " --corpus");
            sb_arg(&e, corpus);
            sb_arg(&e, in);
            sb_raw(&e, " -o");
            sb_arg(&e, adir);
            sb_raw(&e, " >/dev/null");
            free(adir);
        }
    }
    sb_raw(&e, " && \"$GENDANG\" eval pair --json");
    sb_arg(&e, test);
    sb_arg(&e, recon);
    sb_redirect_atomic(&e, pairs);
    int ed[3] = {tr, src_test, probes}, nd = probes >= 0 ? 3 : 2;
    seed_name(name, sizeof name, r, "eval", cn, k);
    free(test);
    return add_rule(p, "eval", name, e.s, pairs, ed, nd);
}

// The probe inputs (data probes), made once for every model's transfers.
static int plan_probes(pl_plan *p, const pl_recipe *r) {
    sbuf b = {0}, kinds = {0};
    char *dir = path2(r->out, "probes");
    for (int i = 0; i < r->eval_probes.n; i++) sb_fmt(&kinds, "%s%s", i ? "," : "", r->eval_probes.v[i]);
    sb_raw(&b, "\"$GENDANG\" data probes --kinds");
    sb_arg(&b, kinds.s);
    sb_fmt(&b, " --n %d --seed %llu --rate %d -o", PL_PROBES_PER_KIND, (unsigned long long)r->seed, r->rate);
    sb_arg(&b, dir);
    int k = add_rule(p, "sources", "sources/probes", b.s, path2(dir, "probes.txt"), NULL, 0);
    free(kinds.s); free(dir);
    return k;
}

// How much of corpus cn's transfers (seed index k) the judge's model of the same seed places
// nearest to the leak labels: eval/<cn>/<seed>/leak.jsonl.
static int plan_leak(pl_plan *p, const pl_recipe *r, const char *cn, int k, int ev, int judge_tr) {
    char edir[600], xdir[700], judge_corpus[600], name[160];
    seed_dir(edir, sizeof edir, r, "eval", cn, k);
    snprintf(xdir, sizeof xdir, "%s/transfer", edir);
    snprintf(judge_corpus, sizeof judge_corpus, "%s/corpora/%s", r->out, r->leak_judge);
    char *out = path2(edir, "leak.jsonl");
    sbuf b = {0};
    sb_raw(&b, "\"$GENDANG\" train attribute -q");
    sb_arg(&b, p->rules[judge_tr].target);
    sb_raw(&b, " --corpus");
    sb_arg(&b, judge_corpus);
    sb_raw(&b, " --leak");
    sb_arg(&b, r->leak_labels);
    sb_arg(&b, xdir);
    sb_redirect_atomic(&b, out);
    seed_name(name, sizeof name, r, "leak", cn, k);
    int deps[2] = {ev, judge_tr};
    return add_rule(p, "eval", name, b.s, out, deps, 2);
}

// The nearest-training-hit baseline: for each test hit, the real train hit closest to it by
// the primary metric. A model that cannot beat copying that hit has not learned to reconstruct.
static int plan_baseline(pl_plan *p, const pl_recipe *r, const int *src) {
    sbuf b = {0};
    char *test = path2(r->out, "sources/test"), *train = path2(r->out, "sources/train");
    char *dir = path2(r->out, "eval/nearest");
    sb_raw(&b, "\"$GENDANG\" eval nearest");
    sb_arg(&b, test);
    sb_arg(&b, train);
    sb_raw(&b, " -o");
    sb_arg(&b, dir);
    int deps[2] = {src[0], src[2]};
    int k = add_rule(p, "eval", "eval/nearest", b.s, path2(dir, "pairs.jsonl"), deps, 2);
    free(test); free(train); free(dir);
    return k;
}

// Appends "A1,A2,...": the pairs.jsonl of every seed of corpus c, comma-joined.
static void seed_list(sbuf *l, const pl_plan *p, const pl_recipe *r, const int *evals, int c) {
    for (int k = 0; k < r->n_train_seeds; k++) {
        if (k) sb_raw(l, ",");
        sb_raw(l, p->rules[evals[c * PL_MAX_SEEDS + k]].target);
    }
}

// Appends " [PREFIX]A1,A2,..." as one shell word.
static void sb_seed_list(sbuf *b, const char *prefix, const pl_plan *p, const pl_recipe *r,
                         const int *evals, int c) {
    sbuf l = {0};
    sb_raw(&l, prefix);
    seed_list(&l, p, r, evals, c);
    sb_arg(b, l.s);
    free(l.s);
}

static int corpus_index(const pl_recipe *r, const char *cn) {
    for (int c = 0; c < r->n_corpora; c++)
        if (!strcmp(r->corpus_name[c], cn)) return c;
    return -1;
}

// compare/<prefix><B>_vs_<A>.txt: `eval compare` of corpora a and b over all seeds, from the
// per-seed results of rules res (evals: pair metrics against the baseline rule base; leaks:
// leak_share as the primary metric, base < 0).
static int plan_compare(pl_plan *p, const pl_recipe *r, const char *prefix, const char *na,
                        const char *nb, const int *res, int a, int b, int base) {
    char out[700], name[160];
    snprintf(out, sizeof out, "%s/compare/%s%s_vs_%s.txt", r->out, prefix, nb, na);
    sbuf c = {0};
    char *cdir = path2(r->out, "compare");
    sb_raw(&c, "mkdir -p");
    sb_arg(&c, cdir);
    free(cdir);
    sb_raw(&c, " && \"$GENDANG\" eval compare");
    int deps[PL_MAX_DEPS], nd = 0;
    if (base >= 0) {
        sb_raw(&c, " --baseline");
        sb_arg(&c, p->rules[base].target);
        deps[nd++] = base;
    } else {
        sb_raw(&c, " --primary leak_share");
    }
    sb_seed_list(&c, "", p, r, res, a);
    sb_seed_list(&c, "", p, r, res, b);
    sb_redirect_atomic(&c, out);
    for (int k = 0; k < r->n_train_seeds; k++) {
        deps[nd++] = res[a * PL_MAX_SEEDS + k];
        deps[nd++] = res[b * PL_MAX_SEEDS + k];
    }
    snprintf(name, sizeof name, "compare/%s%s_vs_%s", prefix, nb, na);
    return add_rule(p, "compare", name, c.s, strdup(out), deps, nd);
}

int pl_plan_build(pl_plan *p, const pl_recipe *r) {
    memset(p, 0, sizeof *p);
    int src[3];
    for (int s = 0; s < 3; s++) src[s] = plan_sources(p, r, (const char *[]){"train", "valid", "test"}[s]);
    int aug = r->has_augment ? plan_augment(p, r, src[0]) : -1;
    int renders[2 * PL_MAX_LIST], n_render = r->has_synth ? plan_synth(p, r, renders) : 0;
    int probes = r->has_eval && r->eval_probes.n ? plan_probes(p, r) : -1;
    int evals[PL_MAX_LIST * PL_MAX_SEEDS], trains[PL_MAX_LIST * PL_MAX_SEEDS];
    for (int c = 0; c < r->n_corpora; c++) {
        const char *cn = r->corpus_name[c];
        char corpus[600], name[128];
        snprintf(corpus, sizeof corpus, "%s/corpora/%s", r->out, cn);
        int deps[PL_MAX_DEPS], nd = 0;
        sbuf b = {0};
        sb_raw(&b, "\"$GENDANG\" data assemble");
        if (r->has_loudness) sb_fmt(&b, " --loudness %g", r->loudness_lufs);
        if (r->corpus_exclude[c]) {
            sb_raw(&b, " --exclude-label");
            sb_arg(&b, r->corpus_exclude[c]);
        }
        sb_raw(&b, " -o");
        sb_arg(&b, corpus);
        for (int s = 0; s < 2; s++) {
            char *d = path2(r->out, s ? "sources/valid" : "sources/train");
            sb_arg(&b, d);
            free(d);
            deps[nd++] = src[s];
        }
        if (r->corpus_parts[c] & PL_PART_AUGMENT) {
            char *d = path2(r->out, "augment");
            sb_arg(&b, d);
            free(d);
            deps[nd++] = aug;
        }
        if (r->corpus_parts[c] & PL_PART_SYNTH)
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
        for (int k = 0; k < r->n_train_seeds; k++) {
            int tr = plan_train(p, r, corpus, cn, k, asm_rule);
            trains[c * PL_MAX_SEEDS + k] = tr;
            if (r->has_eval) evals[c * PL_MAX_SEEDS + k] = plan_eval(p, r, cn, k, tr, src[2], probes, corpus);
        }
    }
    int leaks[PL_MAX_LIST * PL_MAX_SEEDS];
    for (int c = 0; r->leak_judge && c < r->n_corpora; c++) {
        int j = 0;
        while (strcmp(r->corpus_name[j], r->leak_judge)) j++;
        for (int k = 0; k < r->n_train_seeds; k++)
            leaks[c * PL_MAX_SEEDS + k] = plan_leak(p, r, r->corpus_name[c], k, evals[c * PL_MAX_SEEDS + k],
                                                    trains[j * PL_MAX_SEEDS + k]);
    }
    int base = r->has_eval ? plan_baseline(p, r, src) : -1;
    int cmps[2 * PL_MAX_LIST], n_cmp = 0;
    for (int i = 1; i < r->compare.n; i++) {
        int a = corpus_index(r, r->compare.v[0]), b = corpus_index(r, r->compare.v[i]);
        cmps[n_cmp++] = plan_compare(p, r, "", r->compare.v[0], r->compare.v[i], evals, a, b, base);
        if (r->leak_judge)
            cmps[n_cmp++] = plan_compare(p, r, "leak_", r->compare.v[0], r->compare.v[i], leaks, a, b, -1);
    }
    if (r->has_report) {
        // Every corpus's summary (all seeds) beside the baseline; spectrograms, players and
        // the loss curve of the last corpus compared (the most expanded one), first seed.
        int c = 0;
        if (r->compare.n)
            for (int k = 0; k < r->n_corpora; k++)
                if (!strcmp(r->corpus_name[k], r->compare.v[r->compare.n - 1])) c = k;
        const char *cn = r->corpus_name[c];
        int deps[PL_MAX_DEPS], nd = 0;
        char edir[700], arg[800];
        seed_dir(edir, sizeof edir, r, "eval", cn, 0);
        char *rdir = path2(r->out, "report"), *test = path2(r->out, "sources/test");
        sbuf b3 = {0};
        sb_raw(&b3, "\"$GENDANG\" eval report --title");
        snprintf(arg, sizeof arg, "%s: corpus %s", r->name, cn);
        sb_arg(&b3, arg);
        seed_dir(arg, sizeof arg, r, "runs", cn, 0);
        strncat(arg, "/log.csv", sizeof arg - strlen(arg) - 1);
        sb_raw(&b3, " --log");
        sb_arg(&b3, arg);
        for (int rc = 0; rc < r->n_corpora; rc++) {   // transfer examples, attribution under each
            const char *tn = r->corpus_name[rc];
            if (!in_report(r, tn)) continue;
            char tdir[700];
            seed_dir(tdir, sizeof tdir, r, "eval", tn, 0);
            for (int i = 0; i < n_transfer_inputs(r); i++) {
                char xdir[720], in[800];
                snprintf(xdir, sizeof xdir, "%s/transfer", tdir);
                transfer_input(in, sizeof in, r, i);
                transfer_name(arg, sizeof arg, xdir, in);
                sb_raw(&b3, " --transfer");
                sb_arg(&b3, arg);
                char *adir = attr_dir(tdir, in);
                sb_raw(&b3, " --attribution");
                sb_arg(&b3, adir);
                free(adir);
            }
            deps[nd++] = evals[rc * PL_MAX_SEEDS];
        }
        for (int i = 0; i < n_cmp; i++) {
            sb_raw(&b3, " --compare");
            sb_arg(&b3, p->rules[cmps[i]].target);
            deps[nd++] = cmps[i];
        }
        for (int k = 0; k < r->n_corpora; k++) {
            char prefix[160];
            snprintf(prefix, sizeof prefix, "%s=", r->corpus_name[k]);
            sb_raw(&b3, " --arm");
            sb_seed_list(&b3, prefix, p, r, evals, k);
            for (int j = 0; j < r->n_train_seeds; j++) deps[nd++] = evals[k * PL_MAX_SEEDS + j];
        }
        snprintf(arg, sizeof arg, "nearest training hit=%s", p->rules[base].target);
        sb_raw(&b3, " --baseline");
        sb_arg(&b3, arg);
        deps[nd++] = base;
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

void pl_plan_free(pl_plan *p) {
    for (int i = 0; i < p->n; i++) {
        free(p->rules[i].name); free(p->rules[i].cmd); free(p->rules[i].target);
        free(p->rules[i].extra_input);
    }
    free(p->rules);
    memset(p, 0, sizeof *p);
}

void pl_plan_print_sh(FILE *f, const pl_plan *p, const pl_recipe *r) {
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

void pl_plan_print_make(FILE *f, const pl_plan *p, const pl_recipe *r) {
    fprintf(f, "# %s: generated by gendang %s from %s.\n# Run with: make -f THIS_FILE -j N\n"
               "GENDANG ?= bin/gendang\nexport GENDANG\n.DELETE_ON_ERROR:\n\nall:", r->name,
            GD_VERSION, r->path);
    for (int i = 0; i < p->n; i++) fprintf(f, " %s", p->rules[i].target);
    fprintf(f, "\n");
    for (int i = 0; i < p->n; i++) {
        const pl_rule *ru = &p->rules[i];
        fprintf(f, "\n# %s\n%s:", ru->name, ru->target);
        for (int d = 0; d < ru->n_deps; d++) fprintf(f, " %s", p->rules[ru->deps[d]].target);
        if (ru->extra_input) fprintf(f, " %s", ru->extra_input);
        fprintf(f, "\n");
        print_make_cmd(f, ru->cmd);
    }
}

// Item-level rules take --shard K/N: the augment run and every synth render.
static int item_level(const pl_rule *ru) {
    return !strcmp(ru->stage, "augment") || strstr(ru->cmd, "\"$GENDANG\" synth render") == ru->cmd;
}

void pl_plan_print_shard(FILE *f, const pl_plan *p, const pl_recipe *r, int k, int n) {
    fprintf(f, "#!/bin/sh\n# %s: shard %d of %d of the item-level work, generated by gendang %s from "
               "%s.\n# First: gendang run %s --only sources (and --only synth for fitted presets);\n"
               "# then this script for every shard (e.g. a Slurm array); last: gendang run %s,\n"
               "# which merges the shards and finishes the recipe.\nset -e\n"
               "GENDANG=${GENDANG:-bin/gendang}\n", r->name, k, n, GD_VERSION, r->path, r->path,
            r->path);
    for (int i = 0; i < p->n; i++)
        if (item_level(&p->rules[i])) fprintf(f, "%s --shard %d/%d\n", p->rules[i].cmd, k, n);
}
