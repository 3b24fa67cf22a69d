// manifest.c: loading and validating data_manifest.yaml; the group-wise split rule.
#include "pipeline/manifest.h" // defines: pl_manifest_*
#include "pipeline/yaml_doc.h" // defines: yaml_doc_*
#include "core/cli.h"          // defines: gd_parse_double, gd_parse_int
#include "core/error.h"        // defines: GD_ERR_*
#include "core/fileio.h"       // defines: gd_path_join, gd_path_dirname
#include "core/log.h"          // defines: gd_error
#include "core/sha256.h"       // defines: gd_sha256_hex

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const top_keys[] = {"version", "roots", "entries", NULL};
static const char *const entry_keys[] = {"id", "root", "path", "sha256", "license", "kit",
    "instrument", "stroke", "velocity", "group", "split", "duration_s", "sample_rate",
    "channels", NULL};

int pl_split_valid(const char *s) {
    return s && (!strcmp(s, "train") || !strcmp(s, "valid") || !strcmp(s, "test"));
}

static void entry_free(pl_manifest_entry *e) {
    free(e->id); free(e->root); free(e->path); free(e->sha256); free(e->license);
    free(e->kit); free(e->instrument); free(e->stroke); free(e->group); free(e->split);
    free(e->full_path);
}

void pl_manifest_free(pl_manifest *m) {
    if (!m) return;
    for (int i = 0; i < m->n_entries; i++) entry_free(&m->entries[i]);
    for (int i = 0; i < m->n_roots; i++) { free(m->root_names[i]); free(m->root_dirs[i]); }
    free(m->entries); free(m->root_names); free(m->root_dirs); free(m->path);
    free(m);
}

// Copies the scalar at key into *out; required keys must exist and be non-empty.
static int get_str(yaml_doc *d, yaml_node_t *map, const char *key, int required, char **out) {
    yaml_node_t *v = yaml_doc_get(d, map, key);
    if (!v) {
        if (required) return yaml_doc_fail(d, map, "entry lacks required key '%s'", key);
        *out = strdup("");
        return GD_OK;
    }
    const char *s = yaml_doc_scalar(v);
    if (!s) return yaml_doc_fail(d, v, "'%s' must be a plain value, not a list or mapping", key);
    if (required && !*s) return yaml_doc_fail(d, v, "'%s' must not be empty", key);
    *out = strdup(s);
    return *out ? GD_OK : GD_ERR_NOMEM;
}

static int get_num(yaml_doc *d, yaml_node_t *map, const char *key, double lo, double hi,
                   int required, double *out) {
    yaml_node_t *v = yaml_doc_get(d, map, key);
    *out = 0;
    if (!v) return required ? yaml_doc_fail(d, map, "entry lacks required key '%s'", key) : 0;
    int err = gd_parse_double(yaml_doc_scalar(v), lo, hi, out);
    if (err == GD_ERR_PARSE) return yaml_doc_fail(d, v, "'%s' must be a number", key);
    if (err) return yaml_doc_fail(d, v, "'%s' must be in [%g, %g]", key, lo, hi);
    return GD_OK;
}

static const char *root_dir(const pl_manifest *m, const char *name) {
    for (int i = 0; i < m->n_roots; i++)
        if (!strcmp(m->root_names[i], name)) return m->root_dirs[i];
    return NULL;
}

static int load_roots(pl_manifest *m, yaml_doc *d, yaml_node_t *roots, const char *base) {
    if (!roots) return GD_OK;
    if (roots->type != YAML_MAPPING_NODE)
        return yaml_doc_fail(d, roots, "'roots' must map names to directories");
    int n = (int)(roots->data.mapping.pairs.top - roots->data.mapping.pairs.start);
    m->root_names = calloc((size_t)n + 1, sizeof(char *));
    m->root_dirs = calloc((size_t)n + 1, sizeof(char *));
    if (!m->root_names || !m->root_dirs) return GD_ERR_NOMEM;
    for (int i = 0; i < n; i++) {
        yaml_node_pair_t *p = &roots->data.mapping.pairs.start[i];
        const char *name = yaml_doc_scalar(yaml_doc_node(d, p->key));
        const char *dir = yaml_doc_scalar(yaml_doc_node(d, p->value));
        if (!name || !dir) return yaml_doc_fail(d, roots, "'roots' entries must be name: dir");
        char env[256] = "GENDANG_ROOT_";
        size_t k = strlen(env);
        for (const char *s = name; *s && k < sizeof env - 1; s++)
            env[k++] = *s == '-' ? '_' : (char)toupper((unsigned char)*s);
        env[k] = '\0';
        const char *over = getenv(env);
        m->root_names[i] = strdup(name);
        m->root_dirs[i] = gd_path_join(base, over && *over ? over : dir);
        m->n_roots = i + 1;
    }
    return GD_OK;
}

static int load_entry(pl_manifest *m, yaml_doc *d, yaml_node_t *n, const char *base,
                      pl_manifest_entry *e) {
    int err = yaml_doc_check_keys(d, n, "manifest entry", entry_keys);
    if (err) return err;
    e->line = (int)n->start_mark.line + 1;
    double rate = 0, ch = 0;
    if ((err = get_str(d, n, "id", 1, &e->id)) || (err = get_str(d, n, "root", 0, &e->root)) ||
        (err = get_str(d, n, "path", 1, &e->path)) ||
        (err = get_str(d, n, "sha256", 1, &e->sha256)) ||
        (err = get_str(d, n, "license", 1, &e->license)) ||
        (err = get_str(d, n, "kit", 1, &e->kit)) ||
        (err = get_str(d, n, "instrument", 1, &e->instrument)) ||
        (err = get_str(d, n, "stroke", 1, &e->stroke)) ||
        (err = get_str(d, n, "group", 1, &e->group)) ||
        (err = get_str(d, n, "split", 1, &e->split)) ||
        (err = get_num(d, n, "velocity", 0, 1, 1, &e->velocity)) ||
        (err = get_num(d, n, "duration_s", 0, 1e7, 0, &e->duration_s)) ||
        (err = get_num(d, n, "sample_rate", 0, 1e7, 0, &rate)) ||
        (err = get_num(d, n, "channels", 0, 1024, 0, &ch)))
        return err;
    e->sample_rate = (int)rate;
    e->channels = (int)ch;
    if (!pl_split_valid(e->split))
        return yaml_doc_fail(d, yaml_doc_get(d, n, "split"),
                             "split '%s' must be one of train, valid, test", e->split);
    size_t hl = strlen(e->sha256);
    int hex = hl == 64;
    for (size_t i = 0; i < hl && hex; i++) hex = isxdigit((unsigned char)e->sha256[i]) != 0;
    if (!hex)
        return yaml_doc_fail(d, yaml_doc_get(d, n, "sha256"), "sha256 must be 64 hex digits");
    const char *dir = base;
    if (*e->root) {
        dir = root_dir(m, e->root);
        if (!dir)
            return yaml_doc_fail(d, yaml_doc_get(d, n, "root"), "unknown root '%s'", e->root);
    }
    e->full_path = gd_path_join(dir, e->path);
    return e->full_path ? GD_OK : GD_ERR_NOMEM;
}

int pl_manifest_load(pl_manifest **out, const char *path) {
    *out = NULL;
    yaml_doc d;
    int err = yaml_doc_load(&d, path);
    if (err) return err;
    pl_manifest *m = calloc(1, sizeof *m);
    char *base = gd_path_dirname(path);
    if (!m || !base) { err = GD_ERR_NOMEM; goto done; }
    m->path = strdup(path);
    yaml_node_t *root = yaml_doc_root(&d);
    if ((err = yaml_doc_check_keys(&d, root, "the manifest's top level", top_keys))) goto done;
    yaml_node_t *ver = yaml_doc_get(&d, root, "version");
    const char *vs = yaml_doc_scalar(ver);
    if (!vs || strcmp(vs, "1") != 0) {
        err = yaml_doc_fail(&d, ver ? ver : root, "'version: 1' is required");
        goto done;
    }
    if ((err = load_roots(m, &d, yaml_doc_get(&d, root, "roots"), base))) goto done;
    yaml_node_t *ents = yaml_doc_get(&d, root, "entries");
    if (!ents || ents->type != YAML_SEQUENCE_NODE) {
        err = yaml_doc_fail(&d, ents ? ents : root, "'entries' must be a list");
        goto done;
    }
    int n = (int)(ents->data.sequence.items.top - ents->data.sequence.items.start);
    m->entries = calloc((size_t)n + 1, sizeof *m->entries);
    if (!m->entries) { err = GD_ERR_NOMEM; goto done; }
    for (int i = 0; i < n && !err; i++) {
        yaml_node_t *en = yaml_doc_node(&d, ents->data.sequence.items.start[i]);
        m->n_entries = i + 1;
        err = load_entry(m, &d, en, base, &m->entries[i]);
        for (int j = 0; j < i && !err; j++)
            if (!strcmp(m->entries[j].id, m->entries[i].id))
                err = yaml_doc_fail(&d, en, "duplicate id '%s' (first at line %d)",
                                    m->entries[i].id, m->entries[j].line);
    }
done:
    free(base);
    yaml_doc_free(&d);
    if (err) pl_manifest_free(m);
    else *out = m;
    return err;
}

typedef struct { char key[GD_SHA256_HEX_LEN]; const char *group; int index; } keyed;

static int cmp_keyed(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (!c) c = strcmp(x->group, y->group);
    return c ? c : x->index - y->index;
}

int pl_assign_splits(const char *const *groups, int n, unsigned long long seed,
                     double test_fraction, double valid_fraction, const char **splits) {
    keyed *k = malloc(sizeof *k * (size_t)(n ? n : 1));
    if (!k) return GD_ERR_NOMEM;
    for (int i = 0; i < n; i++) {
        char buf[1024];
        int len = snprintf(buf, sizeof buf, "%llu:%s", seed, groups[i]);
        gd_sha256_hex(k[i].key, buf, (size_t)(len < (int)sizeof buf ? len : (int)sizeof buf - 1));
        k[i].group = groups[i];
        k[i].index = i;
    }
    // Files of one group sort next to each other: rank the runs, not the files.
    qsort(k, (size_t)n, sizeof *k, cmp_keyed);
    int n_groups = 0;
    for (int r = 0; r < n; r++) n_groups += !r || strcmp(k[r].group, k[r - 1].group) != 0;
    int n_test = (int)(test_fraction * n_groups + 0.5);
    int n_valid = (int)(valid_fraction * n_groups + 0.5);
    for (int r = 0, rank = -1; r < n; r++) {
        rank += !r || strcmp(k[r].group, k[r - 1].group) != 0;
        splits[k[r].index] = rank < n_test ? "test" : rank < n_test + n_valid ? "valid" : "train";
    }
    free(k);
    return GD_OK;
}
