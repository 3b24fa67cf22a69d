// recipe.c: strict recipe parsing and validation (unknown keys, types, ranges, stages that
// need outputs nobody makes, held-out splits used where they must not be), on core/yaml.h.
#include "pipeline/recipe.h" // defines: pl_recipe_*
#include "core/error.h"      // defines: GD_ERR_*
#include "core/yaml.h"       // defines: gd_yaml_*

#include <ctype.h>
#include <regex.h>
#include <stdio.h>
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

// A copy of key's non-empty text in map, or of def (NULL: *out stays NULL) when absent.
static int get_string(const gd_yaml_node *map, const char *key, const char *def, char **out) {
    const char *s = def;
    int err = gd_yaml_key_text(map, key, 0, &s);
    if (err) return err;
    *out = s ? strdup(s) : NULL;
    return s && !*out ? GD_ERR_NOMEM : GD_OK;
}

// A whole number in [lo, hi]; def when absent.
static int get_int(const gd_yaml_node *map, const char *key, int64_t lo, int64_t hi,
                   int64_t def, int64_t *out) {
    *out = def;
    return gd_yaml_key_int(map, key, lo, hi, out);
}

// A list of words: a YAML sequence of non-empty scalars, or one scalar.
static int get_list(const gd_yaml_node *map, const char *key, pl_strlist *out) {
    const gd_yaml_node *v = gd_yaml_get(map, key);
    const char *s;
    int err;
    out->n = 0;
    if (!v) return GD_OK;
    if (v->kind == GD_YAML_SCALAR) {
        out->v[out->n++] = strdup(v->text);
        return GD_OK;
    }
    if ((err = gd_yaml_list(v, 0, PL_MAX_LIST))) return err;
    for (int i = 0; i < v->n; i++) {
        if ((err = gd_yaml_text(v->items[i], 0, &s))) return err;
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
static int check_splits(const gd_yaml_node *sec, const char *stage) {
    pl_strlist l;
    int err = get_list(sec, "splits", &l);
    const gd_yaml_node *v = gd_yaml_get(sec, "splits");
    for (int i = 0; i < l.n && !err; i++) {
        const gd_yaml_node *item = v->kind == GD_YAML_LIST ? v->items[i] : v;
        if (!strcmp(l.v[i], "test")) {
            gd_yaml_fail(item, "stage '%s' would use the held-out test split: test hits are "
                         "never augmented, fitted or trained on", stage);
            err = GD_ERR_LEAK;
        } else if (strcmp(l.v[i], "train") && strcmp(l.v[i], "valid"))
            err = gd_yaml_fail(item, "%s.splits: '%s' is not train or valid", stage, l.v[i]);
    }
    for (int i = 0; i < l.n; i++) free(l.v[i]);
    return err;
}

static int load_sections(pl_recipe *r, const gd_yaml_node *root) {
    const gd_yaml_node *s, *a, *sy, *as, *n;
    int64_t v;
    int err;
    if ((err = gd_yaml_check_keys(root, top_keys, NULL)) || (err = gd_yaml_need(root, "name", &n)) ||
        (err = get_string(root, "name", NULL, &r->name)))
        return err;
    if (!is_name(r->name)) return gd_yaml_fail(n, "'name' must be letters, digits, '-' or '_'");
    if ((err = get_int(root, "seed", 0, INT64_MAX, 0, &v))) return err;
    r->seed = (uint64_t)v;
    if ((err = get_int(root, "rate", 8000, 192000, 44100, &v))) return err;
    r->rate = (int)v;
    if ((err = get_int(root, "channels", 1, 2, 1, &v))) return err;
    r->channels = (int)v;
    char def_out[300];
    snprintf(def_out, sizeof def_out, "out/%s", r->name);
    if ((err = get_string(root, "out", def_out, &r->out))) return err;

    if (!(s = gd_yaml_get(root, "sources")))
        return gd_yaml_fail(root, "recipe lacks 'sources' (which recordings to start from)");
    if ((err = gd_yaml_check_keys(s, source_keys, NULL)) ||
        (err = get_string(s, "manifest", "data_manifest.yaml", &r->manifest)) ||
        (err = get_list(s, "kits", &r->kits)) || (err = get_list(s, "instruments", &r->instruments)) ||
        (err = get_list(s, "strokes", &r->strokes)))
        return err;

    if ((a = gd_yaml_get(root, "augment"))) {
        r->has_augment = 1;
        if ((err = gd_yaml_check_keys(a, augment_keys, NULL)) ||
            (err = get_int(a, "variants", 1, 10000, 4, &v)) || (err = check_splits(a, "augment")))
            return err;
        r->aug_variants = (int)v;
        if ((err = get_string(a, "ops", NULL, &r->aug_ops))) return err;
        if (!r->aug_ops) return gd_yaml_fail(a, "augment lacks 'ops' (the effect chain to draw from)");
    }
    if ((sy = gd_yaml_get(root, "synth"))) {
        r->has_synth = 1;
        if ((err = gd_yaml_check_keys(sy, synth_keys, NULL)) ||
            (err = get_int(sy, "n", 1, 100000, 16, &v)) || (err = check_splits(sy, "synth")) ||
            (err = get_list(sy, "presets", &r->synth_presets)) || (err = get_list(sy, "fit", &r->synth_fit)))
            return err;
        r->synth_n = (int)v;
        if (r->synth_presets.n + r->synth_fit.n == 0)
            return gd_yaml_fail(sy, "synth needs 'presets' or 'fit' (instruments to fit from train hits)");
    }
    if ((as = gd_yaml_get(root, "assemble"))) {
        if ((err = gd_yaml_check_keys(as, assemble_keys, NULL))) return err;
        r->has_loudness = gd_yaml_get(as, "loudness_lufs") != NULL;
        if ((err = gd_yaml_key_float(as, "loudness_lufs", -70, 0, &r->loudness_lufs))) return err;
    }
    return GD_OK;
}

// A POSIX extended regular expression (matched case-insensitively, as `data assemble
// --exclude-label` does), or NULL when key is absent.
static int get_regex(const gd_yaml_node *map, const char *key, char **out) {
    int err = get_string(map, key, NULL, out);
    if (err || !*out) return err;
    regex_t re;
    if (regcomp(&re, *out, REG_EXTENDED | REG_ICASE | REG_NOSUB))
        return gd_yaml_fail_path(gd_yaml_get(map, key), "not a valid extended regular expression");
    regfree(&re);
    return GD_OK;
}

static int load_corpora(pl_recipe *r, const gd_yaml_node *root) {
    const gd_yaml_node *cs = gd_yaml_get(root, "corpora");
    int err;
    if (!cs) {   // one corpus made of every part the recipe has
        r->corpus_name[0] = strdup("main");
        r->corpus_parts[0] = PL_PART_SOURCES | (r->has_augment ? PL_PART_AUGMENT : 0) |
                             (r->has_synth ? PL_PART_SYNTH : 0);
        r->n_corpora = 1;
        return GD_OK;
    }
    if (cs->kind != GD_YAML_MAP)
        return gd_yaml_fail(cs, "'corpora' must map corpus names to lists of parts (sources, augment, synth)");
    if (cs->n == 0) return gd_yaml_fail(cs, "'corpora' is empty");
    for (int i = 0; i < cs->n; i++) {
        const gd_yaml_node *k = cs->keys[i], *val = cs->items[i];
        const char *name = k->text;
        if (!is_name(name)) return gd_yaml_fail(k, "corpus names must be letters, digits, '-' or '_'");
        if (r->n_corpora == PL_MAX_LIST) return gd_yaml_fail(k, "too many corpora");
        if (val->kind == GD_YAML_MAP) {   // {parts: [...], exclude_labels: RE}
            const gd_yaml_node *map = val;
            if ((err = gd_yaml_check_keys(map, corpus_keys, NULL)) ||
                (err = get_regex(map, "exclude_labels", &r->corpus_exclude[r->n_corpora])) ||
                (err = gd_yaml_need(map, "parts", &val)))
                return err;
        }
        if (val->kind != GD_YAML_LIST)
            return gd_yaml_fail(val, "corpus '%s' must list its parts, e.g. [sources, augment]", name);
        int mask = 0;
        for (int j = 0; j < val->n; j++) {
            const gd_yaml_node *item = val->items[j];
            const char *part;
            if ((err = gd_yaml_text(item, 0, &part))) return err;
            if (!strcmp(part, "sources")) mask |= PL_PART_SOURCES;
            else if (!strcmp(part, "augment")) {
                if (!r->has_augment)
                    return gd_yaml_fail(item, "corpus '%s' uses 'augment' but the recipe has no augment section", name);
                mask |= PL_PART_AUGMENT;
            } else if (!strcmp(part, "synth")) {
                if (!r->has_synth)
                    return gd_yaml_fail(item, "corpus '%s' uses 'synth' but the recipe has no synth section", name);
                mask |= PL_PART_SYNTH;
            } else
                return gd_yaml_fail(item, "unknown corpus part '%s' (expected sources, augment or synth)", part);
        }
        if (!(mask & PL_PART_SOURCES))
            return gd_yaml_fail(val, "corpus '%s' must include 'sources' (the real train hits)", name);
        r->corpus_name[r->n_corpora] = strdup(name);
        r->corpus_parts[r->n_corpora++] = mask;
    }
    return GD_OK;
}

// train.seeds: a list of distinct whole numbers, one training run per seed and corpus.
static int get_seeds(pl_recipe *r, const gd_yaml_node *train) {
    const gd_yaml_node *v = gd_yaml_get(train, "seeds");
    int err;
    r->n_train_seeds = 1;
    r->train_seeds[0] = r->seed;
    if (!v) return GD_OK;
    if ((err = gd_yaml_list(v, 1, PL_MAX_SEEDS))) return err;
    r->n_train_seeds = 0;
    r->seed_dirs = 1;
    for (int i = 0; i < v->n; i++) {
        int64_t s;
        if ((err = gd_yaml_int(v->items[i], 0, INT64_MAX, &s))) return err;
        for (int k = 0; k < r->n_train_seeds; k++)
            if (r->train_seeds[k] == (uint64_t)s)
                return gd_yaml_fail(v->items[i], "seed %lld is listed twice", (long long)s);
        r->train_seeds[r->n_train_seeds++] = (uint64_t)s;
    }
    return GD_OK;
}

// eval.leak: {judge: CORPUS, labels: RE}: every corpus's transfers are attributed in the
// judge corpus's model (same seed) and the share nearest to labels matching RE is compared.
static int load_leak(pl_recipe *r, const gd_yaml_node *e) {
    const gd_yaml_node *l = gd_yaml_get(e, "leak"), *j;
    if (!l) return GD_OK;
    int err;
    if ((err = gd_yaml_check_keys(l, leak_keys, NULL)) || (err = gd_yaml_need(l, "judge", &j)) ||
        (err = gd_yaml_need(l, "labels", &j)) || (err = get_string(l, "judge", NULL, &r->leak_judge)) ||
        (err = get_regex(l, "labels", &r->leak_labels)))
        return err;
    int found = 0;
    for (int k = 0; k < r->n_corpora; k++) found |= !strcmp(r->corpus_name[k], r->leak_judge);
    if (!found) return gd_yaml_fail_path(gd_yaml_get(l, "judge"), "leak judge '%s' is not a corpus of this recipe", r->leak_judge);
    if (!r->eval_transfer.n && !r->eval_probes.n) return gd_yaml_fail_path(l, "'leak' needs transfer inputs ('transfer' or 'probes')");
    return GD_OK;
}

static int load_later(pl_recipe *r, const gd_yaml_node *root) {
    const gd_yaml_node *t, *e, *cmp, *rep;
    int64_t v;
    int err;
    if ((t = gd_yaml_get(root, "train"))) {
        r->has_train = 1;
        if ((err = gd_yaml_check_keys(t, train_keys, NULL)) ||
            (err = get_string(t, "config", "tiny", &r->train_config)) ||
            (err = get_string(t, "device", "cpu", &r->train_device)) ||
            (err = get_int(t, "steps", 1, 10000000, 300, &v)))
            return err;
        r->train_steps = (int)v;
        if ((err = get_int(t, "threads", 1, 256, 2, &v))) return err;
        r->train_threads = (int)v;
        if (strcmp(r->train_device, "cpu") && strcmp(r->train_device, "cuda"))
            return gd_yaml_fail(gd_yaml_get(t, "device"), "'device' must be cpu or cuda");
        if ((err = get_seeds(r, t))) return err;
    }
    if ((e = gd_yaml_get(root, "eval"))) {
        r->has_eval = 1;
        if (!r->has_train) return gd_yaml_fail(e, "eval needs a trained model, but the recipe has no train section");
        if ((err = gd_yaml_check_keys(e, eval_keys, NULL)) || (err = get_list(e, "transfer", &r->eval_transfer)) ||
            (err = get_list(e, "probes", &r->eval_probes)) || (err = load_leak(r, e)))
            return err;
        for (int i = 0; i < r->eval_probes.n; i++) {
            int ok = 0;
            for (int k = 0; probe_kinds[k]; k++) ok |= !strcmp(probe_kinds[k], r->eval_probes.v[i]);
            if (!ok) return gd_yaml_fail_path(gd_yaml_get(e, "probes"), "unknown probe '%s' (expected chirps, speech or sweep)", r->eval_probes.v[i]);
        }
    }
    if ((cmp = gd_yaml_get(root, "compare"))) {
        if ((err = get_list(root, "compare", &r->compare))) return err;
        if (!r->has_eval) return gd_yaml_fail(cmp, "compare needs per-clip results, but the recipe has no eval section");
        if (r->compare.n < 2) return gd_yaml_fail(cmp, "compare needs at least two corpora");
        for (int i = 0; i < r->compare.n; i++) {
            int found = 0;
            for (int k = 0; k < r->n_corpora; k++) found |= !strcmp(r->corpus_name[k], r->compare.v[i]);
            if (!found) return gd_yaml_fail(cmp, "compare names '%s', which is not a corpus of this recipe", r->compare.v[i]);
        }
    }
    int n_shown = r->compare.n ? r->compare.n : 1;   // corpora whose transfers the report plays
    int n_inputs = r->eval_transfer.n + PL_PROBES_PER_KIND * r->eval_probes.n;
    if ((rep = gd_yaml_get(root, "report")) && n_inputs * n_shown > PL_MAX_TRANSFER)
        return gd_yaml_fail(rep, "the report plays %d transfer examples (%d inputs x %d corpora); at most %d",
                            n_inputs * n_shown, n_inputs, n_shown, PL_MAX_TRANSFER);
    if (rep) {
        if (rep->kind == GD_YAML_MAP) {
            if ((err = gd_yaml_check_keys(rep, report_keys, NULL))) return err;
            r->has_report = 1;
            if ((err = gd_yaml_key_bool(rep, "enabled", &r->has_report))) return err;
        } else if ((err = gd_yaml_bool(rep, &r->has_report))) return err;
        if (r->has_report && !r->has_eval) return gd_yaml_fail(rep, "report needs an eval section");
    }
    return GD_OK;
}

int pl_recipe_load(pl_recipe **out, const char *path) {
    *out = NULL;
    gd_yaml_doc *d;
    int err = gd_yaml_load(&d, path);
    if (err) return err;
    pl_recipe *r = calloc(1, sizeof *r);
    if (!r) { gd_yaml_free(d); return GD_ERR_NOMEM; }
    r->doc = d;
    r->path = strdup(path);
    const gd_yaml_node *root = gd_yaml_root(d);
    err = load_sections(r, root);
    if (!err) err = load_corpora(r, root);
    if (!err) err = load_later(r, root);
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
    gd_yaml_free(r->doc);
    free(r);
}
