// recipe.c: strict recipe parsing and validation (unknown keys, types, ranges, stages that
// need outputs nobody makes, held-out splits used where they must not be).
#include "pipeline/recipe.h"   // defines: pl_recipe_*
#include "pipeline/yaml_doc.h" // defines: yaml_doc_*
#include "core/cli.h"          // defines: gd_parse_double, gd_parse_int
#include "core/error.h"        // defines: GD_ERR_*

#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

static const char *const top_keys[] = {"name", "seed", "out", "rate", "channels", "sources",
    "augment", "synth", "assemble", "corpora", "train", "eval", "compare", "report", NULL};
static const char *const source_keys[] = {"manifest", "kits", "instruments", "strokes", NULL};
static const char *const augment_keys[] = {"variants", "ops", "splits", NULL};
static const char *const synth_keys[] = {"n", "presets", "fit", "splits", NULL};
static const char *const assemble_keys[] = {"loudness_lufs", NULL};
static const char *const train_keys[] = {"config", "steps", "device", "threads", "seeds", NULL};
static const char *const eval_keys[] = {"transfer", "probes", "leak", NULL};
static const char *const leak_keys[] = {"judge", "labels", NULL};
static const char *const corpus_keys[] = {"parts", "exclude_labels", NULL};
static const char *const probe_kinds[] = {"chirps", "speech", "sweep", NULL};
static const char *const report_keys[] = {"enabled", NULL};

typedef struct { yaml_doc *d; pl_recipe *r; } ctx;

static int get_string(ctx *c, yaml_node_t *map, const char *key, const char *def, char **out) {
    yaml_node_t *v = yaml_doc_get(c->d, map, key);
    if (!v) { *out = def ? strdup(def) : NULL; return GD_OK; }
    const char *s = yaml_doc_scalar(v);
    if (!s || !*s) return yaml_doc_fail(c->d, v, "'%s' must be a non-empty text value", key);
    *out = strdup(s);
    return GD_OK;
}

static int get_int(ctx *c, yaml_node_t *map, const char *key, int64_t lo, int64_t hi,
                   int64_t def, int64_t *out) {
    yaml_node_t *v = yaml_doc_get(c->d, map, key);
    *out = def;
    if (!v) return GD_OK;
    int err = gd_parse_int(yaml_doc_scalar(v), lo, hi, out);
    if (err == GD_ERR_PARSE) return yaml_doc_fail(c->d, v, "'%s' must be a whole number", key);
    if (err) return yaml_doc_fail(c->d, v, "'%s' must be in [%lld, %lld]", key, (long long)lo, (long long)hi);
    return GD_OK;
}

static int get_double(ctx *c, yaml_node_t *map, const char *key, double lo, double hi, double *out) {
    yaml_node_t *v = yaml_doc_get(c->d, map, key);
    int err = gd_parse_double(yaml_doc_scalar(v), lo, hi, out);
    if (err == GD_ERR_PARSE) return yaml_doc_fail(c->d, v, "'%s' must be a number", key);
    if (err) return yaml_doc_fail(c->d, v, "'%s' must be in [%g, %g]", key, lo, hi);
    return GD_OK;
}

static int get_bool(ctx *c, yaml_node_t *n, const char *what, int *out) {
    const char *s = yaml_doc_scalar(n);
    if (s && (!strcmp(s, "true") || !strcmp(s, "yes"))) { *out = 1; return GD_OK; }
    if (s && (!strcmp(s, "false") || !strcmp(s, "no"))) { *out = 0; return GD_OK; }
    return yaml_doc_fail(c->d, n, "'%s' must be true or false", what);
}

// A list of words: a YAML sequence of scalars, or one scalar.
static int get_list(ctx *c, yaml_node_t *map, const char *key, pl_strlist *out) {
    yaml_node_t *v = yaml_doc_get(c->d, map, key);
    out->n = 0;
    if (!v) return GD_OK;
    if (v->type == YAML_SCALAR_NODE) {
        out->v[out->n++] = strdup(yaml_doc_scalar(v));
        return GD_OK;
    }
    if (v->type != YAML_SEQUENCE_NODE)
        return yaml_doc_fail(c->d, v, "'%s' must be a list of names", key);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_doc_node(c->d, *it);
        const char *s = yaml_doc_scalar(item);
        if (!s || !*s) return yaml_doc_fail(c->d, item, "'%s' items must be plain names", key);
        if (out->n == PL_MAX_LIST) return yaml_doc_fail(c->d, item, "'%s' has more than %d items", key, PL_MAX_LIST);
        out->v[out->n++] = strdup(s);
    }
    return GD_OK;
}

static int is_name(const char *s) {
    if (!*s) return 0;
    for (; *s; s++) if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-') return 0;
    return 1;
}

// splits: only train (and valid) may be expanded or fitted; test is held out.
static int check_splits(ctx *c, yaml_node_t *sec, const char *stage) {
    pl_strlist l;
    int err = get_list(c, sec, "splits", &l);
    for (int i = 0; i < l.n && !err; i++) {
        yaml_node_t *v = yaml_doc_get(c->d, sec, "splits");
        if (!strcmp(l.v[i], "test")) {
            yaml_doc_fail(c->d, v, "stage '%s' would use the held-out test split: test hits are "
                          "never augmented, fitted or trained on", stage);
            err = GD_ERR_LEAK;
        } else if (strcmp(l.v[i], "train") && strcmp(l.v[i], "valid"))
            err = yaml_doc_fail(c->d, v, "'%s.splits': '%s' is not train or valid", stage, l.v[i]);
    }
    for (int i = 0; i < l.n; i++) free(l.v[i]);
    return err;
}

static int load_sections(ctx *c, yaml_node_t *root) {
    pl_recipe *r = c->r;
    yaml_doc *d = c->d;
    int64_t v;
    int err;
    if ((err = yaml_doc_check_keys(d, root, "the recipe's top level", top_keys))) return err;
    if ((err = get_string(c, root, "name", NULL, &r->name))) return err;
    if (!r->name) return yaml_doc_fail(d, root, "recipe lacks 'name'");
    if (!is_name(r->name)) return yaml_doc_fail(d, yaml_doc_get(d, root, "name"), "'name' must be letters, digits, '-' or '_'");
    if ((err = get_int(c, root, "seed", 0, INT64_MAX, 0, &v))) return err;
    r->seed = (uint64_t)v;
    if ((err = get_int(c, root, "rate", 8000, 192000, 44100, &v))) return err;
    r->rate = (int)v;
    if ((err = get_int(c, root, "channels", 1, 2, 1, &v))) return err;
    r->channels = (int)v;
    char def_out[300];
    snprintf(def_out, sizeof def_out, "out/%s", r->name);
    if ((err = get_string(c, root, "out", def_out, &r->out))) return err;

    yaml_node_t *s = yaml_doc_get(d, root, "sources");
    if (!s) return yaml_doc_fail(d, root, "recipe lacks 'sources' (which recordings to start from)");
    if ((err = yaml_doc_check_keys(d, s, "sources", source_keys)) ||
        (err = get_string(c, s, "manifest", "data_manifest.yaml", &r->manifest)) ||
        (err = get_list(c, s, "kits", &r->kits)) || (err = get_list(c, s, "instruments", &r->instruments)) ||
        (err = get_list(c, s, "strokes", &r->strokes)))
        return err;

    yaml_node_t *a = yaml_doc_get(d, root, "augment");
    if (a) {
        r->has_augment = 1;
        if ((err = yaml_doc_check_keys(d, a, "augment", augment_keys)) ||
            (err = get_int(c, a, "variants", 1, 10000, 4, &v)) || (err = check_splits(c, a, "augment")))
            return err;
        r->aug_variants = (int)v;
        if ((err = get_string(c, a, "ops", NULL, &r->aug_ops))) return err;
        if (!r->aug_ops) return yaml_doc_fail(d, a, "augment lacks 'ops' (the effect chain to draw from)");
    }
    yaml_node_t *sy = yaml_doc_get(d, root, "synth");
    if (sy) {
        r->has_synth = 1;
        if ((err = yaml_doc_check_keys(d, sy, "synth", synth_keys)) ||
            (err = get_int(c, sy, "n", 1, 100000, 16, &v)) || (err = check_splits(c, sy, "synth")) ||
            (err = get_list(c, sy, "presets", &r->synth_presets)) || (err = get_list(c, sy, "fit", &r->synth_fit)))
            return err;
        r->synth_n = (int)v;
        if (r->synth_presets.n + r->synth_fit.n == 0)
            return yaml_doc_fail(d, sy, "synth needs 'presets' or 'fit' (instruments to fit from train hits)");
    }
    yaml_node_t *as = yaml_doc_get(d, root, "assemble");
    if (as) {
        if ((err = yaml_doc_check_keys(d, as, "assemble", assemble_keys))) return err;
        if (yaml_doc_get(d, as, "loudness_lufs")) {
            r->has_loudness = 1;
            if ((err = get_double(c, as, "loudness_lufs", -70, 0, &r->loudness_lufs))) return err;
        }
    }
    return GD_OK;
}

static int get_regex(ctx *c, yaml_node_t *map, const char *key, char **out);

static int load_corpora(ctx *c, yaml_node_t *root) {
    pl_recipe *r = c->r;
    yaml_node_t *cs = yaml_doc_get(c->d, root, "corpora");
    if (!cs) {   // one corpus made of every part the recipe has
        r->corpus_name[0] = strdup("main");
        r->corpus_parts[0] = PL_PART_SOURCES | (r->has_augment ? PL_PART_AUGMENT : 0) |
                             (r->has_synth ? PL_PART_SYNTH : 0);
        r->n_corpora = 1;
        return GD_OK;
    }
    if (cs->type != YAML_MAPPING_NODE)
        return yaml_doc_fail(c->d, cs, "'corpora' must map corpus names to lists of parts (sources, augment, synth)");
    for (yaml_node_pair_t *p = cs->data.mapping.pairs.start; p < cs->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_doc_node(c->d, p->key), *val = yaml_doc_node(c->d, p->value);
        const char *name = yaml_doc_scalar(k);
        if (!name || !is_name(name)) return yaml_doc_fail(c->d, k, "corpus names must be letters, digits, '-' or '_'");
        if (r->n_corpora == PL_MAX_LIST) return yaml_doc_fail(c->d, k, "too many corpora");
        int err;
        char *exclude = NULL;
        if (val && val->type == YAML_MAPPING_NODE) {   // {parts: [...], exclude_labels: RE}
            yaml_node_t *map = val;
            if ((err = yaml_doc_check_keys(c->d, map, name, corpus_keys))) return err;
            if ((err = get_regex(c, map, "exclude_labels", &exclude))) return err;
            r->corpus_exclude[r->n_corpora] = exclude;
            val = yaml_doc_get(c->d, map, "parts");
            if (!val) return yaml_doc_fail(c->d, map, "corpus '%s' needs 'parts', e.g. [sources, augment]", name);
        }
        if (!val || val->type != YAML_SEQUENCE_NODE)
            return yaml_doc_fail(c->d, val, "corpus '%s' must list its parts, e.g. [sources, augment]", name);
        int mask = 0;
        for (yaml_node_item_t *it = val->data.sequence.items.start; it < val->data.sequence.items.top; it++) {
            yaml_node_t *item = yaml_doc_node(c->d, *it);
            const char *part = yaml_doc_scalar(item);
            if (part && !strcmp(part, "sources")) mask |= PL_PART_SOURCES;
            else if (part && !strcmp(part, "augment")) {
                if (!r->has_augment)
                    return yaml_doc_fail(c->d, item, "corpus '%s' uses 'augment' but the recipe has no augment section", name);
                mask |= PL_PART_AUGMENT;
            } else if (part && !strcmp(part, "synth")) {
                if (!r->has_synth)
                    return yaml_doc_fail(c->d, item, "corpus '%s' uses 'synth' but the recipe has no synth section", name);
                mask |= PL_PART_SYNTH;
            } else
                return yaml_doc_fail(c->d, item, "unknown corpus part '%s' (expected sources, augment or synth)", part ? part : "?");
        }
        if (!(mask & PL_PART_SOURCES))
            return yaml_doc_fail(c->d, val, "corpus '%s' must include 'sources' (the real train hits)", name);
        r->corpus_name[r->n_corpora] = strdup(name);
        r->corpus_parts[r->n_corpora++] = mask;
    }
    if (r->n_corpora == 0) return yaml_doc_fail(c->d, cs, "'corpora' is empty");
    return GD_OK;
}

// A POSIX extended regular expression (matched case-insensitively, as `data assemble
// --exclude-label` does), or NULL when key is absent.
static int get_regex(ctx *c, yaml_node_t *map, const char *key, char **out) {
    int err = get_string(c, map, key, NULL, out);
    if (err || !*out) return err;
    regex_t re;
    if (regcomp(&re, *out, REG_EXTENDED | REG_ICASE | REG_NOSUB))
        return yaml_doc_fail(c->d, yaml_doc_get(c->d, map, key), "'%s' is not a valid extended regular expression", key);
    regfree(&re);
    return GD_OK;
}

// train.seeds: a list of distinct whole numbers, one training run per seed and corpus.
static int get_seeds(ctx *c, yaml_node_t *train) {
    pl_recipe *r = c->r;
    yaml_node_t *v = yaml_doc_get(c->d, train, "seeds");
    r->n_train_seeds = 1;
    r->train_seeds[0] = r->seed;
    if (!v) return GD_OK;
    if (v->type != YAML_SEQUENCE_NODE || v->data.sequence.items.start == v->data.sequence.items.top)
        return yaml_doc_fail(c->d, v, "'seeds' must be a non-empty list of whole numbers, e.g. [1, 2, 3]");
    r->n_train_seeds = 0;
    r->seed_dirs = 1;
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
        yaml_node_t *item = yaml_doc_node(c->d, *it);
        int64_t s;
        if (gd_parse_int(yaml_doc_scalar(item), 0, INT64_MAX, &s))
            return yaml_doc_fail(c->d, item, "'seeds' items must be whole numbers >= 0");
        if (r->n_train_seeds == PL_MAX_SEEDS)
            return yaml_doc_fail(c->d, item, "'seeds' has more than %d items", PL_MAX_SEEDS);
        for (int k = 0; k < r->n_train_seeds; k++)
            if (r->train_seeds[k] == (uint64_t)s)
                return yaml_doc_fail(c->d, item, "seed %lld is listed twice", (long long)s);
        r->train_seeds[r->n_train_seeds++] = (uint64_t)s;
    }
    return GD_OK;
}

// eval.leak: {judge: CORPUS, labels: RE}: every corpus's transfers are attributed in the
// judge corpus's model (same seed) and the share nearest to labels matching RE is compared.
static int load_leak(ctx *c, yaml_node_t *e) {
    pl_recipe *r = c->r;
    yaml_node_t *l = yaml_doc_get(c->d, e, "leak");
    if (!l) return GD_OK;
    int err;
    if ((err = yaml_doc_check_keys(c->d, l, "leak", leak_keys)) ||
        (err = get_string(c, l, "judge", NULL, &r->leak_judge)) ||
        (err = get_regex(c, l, "labels", &r->leak_labels)))
        return err;
    if (!r->leak_judge || !r->leak_labels) return yaml_doc_fail(c->d, l, "'leak' needs 'judge' (a corpus) and 'labels' (a regular expression)");
    int found = 0;
    for (int k = 0; k < r->n_corpora; k++) found |= !strcmp(r->corpus_name[k], r->leak_judge);
    if (!found) return yaml_doc_fail(c->d, yaml_doc_get(c->d, l, "judge"), "leak judge '%s' is not a corpus of this recipe", r->leak_judge);
    if (!r->eval_transfer.n && !r->eval_probes.n) return yaml_doc_fail(c->d, l, "'leak' needs transfer inputs ('transfer' or 'probes')");
    return GD_OK;
}

static int load_later(ctx *c, yaml_node_t *root) {
    pl_recipe *r = c->r;
    yaml_doc *d = c->d;
    int64_t v;
    int err;
    yaml_node_t *t = yaml_doc_get(d, root, "train");
    if (t) {
        r->has_train = 1;
        if ((err = yaml_doc_check_keys(d, t, "train", train_keys)) ||
            (err = get_string(c, t, "config", "tiny", &r->train_config)) ||
            (err = get_string(c, t, "device", "cpu", &r->train_device)) ||
            (err = get_int(c, t, "steps", 1, 10000000, 300, &v)))
            return err;
        r->train_steps = (int)v;
        if ((err = get_int(c, t, "threads", 1, 256, 2, &v))) return err;
        r->train_threads = (int)v;
        if (strcmp(r->train_device, "cpu") && strcmp(r->train_device, "cuda"))
            return yaml_doc_fail(d, yaml_doc_get(d, t, "device"), "'device' must be cpu or cuda");
        if ((err = get_seeds(c, t))) return err;
    }
    yaml_node_t *e = yaml_doc_get(d, root, "eval");
    if (e) {
        r->has_eval = 1;
        if (!r->has_train) return yaml_doc_fail(d, e, "eval needs a trained model, but the recipe has no train section");
        if ((err = yaml_doc_check_keys(d, e, "eval", eval_keys)) ||
            (err = get_list(c, e, "transfer", &r->eval_transfer)) ||
            (err = get_list(c, e, "probes", &r->eval_probes)) ||
            (err = load_leak(c, e)))
            return err;
        for (int i = 0; i < r->eval_probes.n; i++) {
            int ok = 0;
            for (int k = 0; probe_kinds[k]; k++) ok |= !strcmp(probe_kinds[k], r->eval_probes.v[i]);
            if (!ok) return yaml_doc_fail(d, yaml_doc_get(d, e, "probes"), "unknown probe '%s' (expected chirps, speech or sweep)", r->eval_probes.v[i]);
        }
    }
    yaml_node_t *cmp = yaml_doc_get(d, root, "compare");
    if (cmp) {
        if ((err = get_list(c, root, "compare", &r->compare))) return err;
        if (!r->has_eval) return yaml_doc_fail(d, cmp, "compare needs per-clip results, but the recipe has no eval section");
        if (r->compare.n < 2) return yaml_doc_fail(d, cmp, "compare needs at least two corpora");
        for (int i = 0; i < r->compare.n; i++) {
            int found = 0;
            for (int k = 0; k < r->n_corpora; k++) found |= !strcmp(r->corpus_name[k], r->compare.v[i]);
            if (!found) return yaml_doc_fail(d, cmp, "compare names '%s', which is not a corpus of this recipe", r->compare.v[i]);
        }
    }
    yaml_node_t *rep = yaml_doc_get(d, root, "report");
    int n_shown = r->compare.n ? r->compare.n : 1;   // corpora whose transfers the report plays
    int n_inputs = r->eval_transfer.n + PL_PROBES_PER_KIND * r->eval_probes.n;
    if (rep && n_inputs * n_shown > PL_MAX_TRANSFER)
        return yaml_doc_fail(d, rep, "the report plays %d transfer examples (%d inputs x %d corpora); at most %d",
                             n_inputs * n_shown, n_inputs, n_shown, PL_MAX_TRANSFER);
    if (rep) {
        if (rep->type == YAML_MAPPING_NODE) {
            yaml_node_t *en = yaml_doc_get(d, rep, "enabled");
            if ((err = yaml_doc_check_keys(d, rep, "report", report_keys))) return err;
            r->has_report = 1;
            if (en && (err = get_bool(c, en, "report.enabled", &r->has_report))) return err;
        } else if ((err = get_bool(c, rep, "report", &r->has_report))) return err;
        if (r->has_report && !r->has_eval) return yaml_doc_fail(d, rep, "report needs an eval section");
    }
    return GD_OK;
}

int pl_recipe_load(pl_recipe **out, const char *path) {
    *out = NULL;
    yaml_doc d;
    int err = yaml_doc_load(&d, path);
    if (err) return err;
    pl_recipe *r = calloc(1, sizeof *r);
    if (!r) { yaml_doc_free(&d); return GD_ERR_NOMEM; }
    r->path = strdup(path);
    ctx c = {&d, r};
    yaml_node_t *root = yaml_doc_root(&d);
    err = load_sections(&c, root);
    if (!err) err = load_corpora(&c, root);
    if (!err) err = load_later(&c, root);
    yaml_doc_free(&d);
    if (err) { pl_recipe_free(r); return err; }
    *out = r;
    return GD_OK;
}

static void list_free(pl_strlist *l) { for (int i = 0; i < l->n; i++) free(l->v[i]); }

void pl_recipe_free(pl_recipe *r) {
    if (!r) return;
    free(r->path); free(r->name); free(r->out); free(r->manifest); free(r->aug_ops);
    free(r->train_config); free(r->train_device);
    list_free(&r->kits); list_free(&r->instruments); list_free(&r->strokes);
    list_free(&r->synth_presets); list_free(&r->synth_fit); list_free(&r->eval_transfer);
    list_free(&r->eval_probes); free(r->leak_judge); free(r->leak_labels);
    list_free(&r->compare);
    for (int i = 0; i < r->n_corpora; i++) free(r->corpus_name[i]);
    for (int i = 0; i < PL_MAX_LIST; i++) free(r->corpus_exclude[i]);
    free(r);
}
