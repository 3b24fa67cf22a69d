// manifest.c: loading and validating data_manifest.yaml (core/yaml.h); the group-wise split rule.
#include "core/manifest.h" // defines: gd_manifest_*, gd_assign_splits
#include "core/error.h"    // defines: GD_ERR_*
#include "core/fileio.h"   // defines: gd_path_join, gd_path_dirname
#include "core/sha256.h"   // defines: gd_sha256_hex
#include "core/yaml.h"     // defines: gd_yaml_*

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const top_keys[] = {"version", "roots", "entries", NULL};
static const char *const entry_keys[] = {"id", "root", "path", "sha256", "license", "kit",
    "instrument", "stroke", "velocity", "group", "split", "duration_s", "sample_rate",
    "channels", NULL};
// What each entry must have: all of it for the pipeline; where the file is and its split for
// gd_manifest_load_paths.
static const char *const required_full[] = {"id", "path", "sha256", "license", "kit",
    "instrument", "stroke", "group", "split", "velocity", NULL};
static const char *const required_paths[] = {"path", "split", NULL};

int gd_split_valid(const char *s) {
    return s && (!strcmp(s, "train") || !strcmp(s, "valid") || !strcmp(s, "test"));
}

static void entry_free(gd_manifest_entry *e) {
    free(e->id); free(e->root); free(e->path); free(e->sha256); free(e->license);
    free(e->kit); free(e->instrument); free(e->stroke); free(e->group); free(e->split);
    free(e->full_path);
}

void gd_manifest_free(gd_manifest *m) {
    if (!m) return;
    for (int i = 0; i < m->n_entries; i++) entry_free(&m->entries[i]);
    for (int i = 0; i < m->n_roots; i++) { free(m->root_names[i]); free(m->root_dirs[i]); }
    free(m->entries); free(m->root_names); free(m->root_dirs); free(m->path);
    free(m);
}

// A copy of key's text in entry n ("" when absent); required keys are checked before.
static int get_str(const gd_yaml_node *n, const char *key, int required, char **out) {
    const char *s = "";
    int err = gd_yaml_key_text(n, key, !required, &s);
    if (err) return err;
    *out = strdup(s);
    return *out ? GD_OK : GD_ERR_NOMEM;
}

// Directory of root name: GENDANG_ROOT_<NAME> (upper-cased, '-' as '_') when set, else dir;
// relative to base. malloc'd.
static char *resolve_root(const char *base, const char *name, const char *dir) {
    char env[256] = "GENDANG_ROOT_";
    size_t k = strlen(env);
    for (const char *s = name; *s && k < sizeof env - 1; s++)
        env[k++] = *s == '-' ? '_' : (char)toupper((unsigned char)*s);
    env[k] = '\0';
    const char *over = getenv(env);
    return gd_path_join(base, over && *over ? over : dir);
}

static const char *root_dir(const gd_manifest *m, const char *name) {
    for (int i = 0; i < m->n_roots; i++)
        if (!strcmp(m->root_names[i], name)) return m->root_dirs[i];
    return NULL;
}

static int load_roots(gd_manifest *m, const gd_yaml_node *roots, const char *base) {
    if (!roots) return GD_OK;
    int err = gd_yaml_map(roots);
    if (err) return err;
    m->root_names = calloc((size_t)roots->n + 1, sizeof(char *));
    m->root_dirs = calloc((size_t)roots->n + 1, sizeof(char *));
    if (!m->root_names || !m->root_dirs) return GD_ERR_NOMEM;
    for (int i = 0; i < roots->n; i++) {
        const char *dir;
        if ((err = gd_yaml_text(roots->items[i], 0, &dir))) return err;
        m->root_names[i] = strdup(roots->keys[i]->text);
        m->root_dirs[i] = resolve_root(base, roots->keys[i]->text, dir);
        m->n_roots = i + 1;
        if (!m->root_names[i] || !m->root_dirs[i]) return GD_ERR_NOMEM;
    }
    return GD_OK;
}

static int load_entry(gd_manifest *m, const gd_yaml_node *n, const char *base, int paths_only,
                      gd_manifest_entry *e) {
    int err = gd_yaml_check_keys(n, entry_keys, NULL);
    const gd_yaml_node *v;
    for (const char *const *k = paths_only ? required_paths : required_full; *k && !err; k++)
        err = gd_yaml_need(n, *k, &v);
    if (err) return err;
    e->line = n->line;
    int64_t rate = 0, ch = 0;
    if ((err = get_str(n, "id", !paths_only, &e->id)) || (err = get_str(n, "root", 0, &e->root)) ||
        (err = get_str(n, "path", 1, &e->path)) ||
        (err = get_str(n, "sha256", !paths_only, &e->sha256)) ||
        (err = get_str(n, "license", !paths_only, &e->license)) ||
        (err = get_str(n, "kit", !paths_only, &e->kit)) ||
        (err = get_str(n, "instrument", !paths_only, &e->instrument)) ||
        (err = get_str(n, "stroke", !paths_only, &e->stroke)) ||
        (err = get_str(n, "group", !paths_only, &e->group)) ||
        (err = get_str(n, "split", 1, &e->split)) ||
        (err = gd_yaml_key_float(n, "velocity", 0, 1, &e->velocity)) ||
        (err = gd_yaml_key_float(n, "duration_s", 0, 1e7, &e->duration_s)) ||
        (err = gd_yaml_key_int(n, "sample_rate", 0, 10000000, &rate)) ||
        (err = gd_yaml_key_int(n, "channels", 0, 1024, &ch)))
        return err;
    e->sample_rate = (int)rate;
    e->channels = (int)ch;
    if (!gd_split_valid(e->split))
        return gd_yaml_fail(gd_yaml_get(n, "split"),
                            "split '%s' must be one of train, valid, test", e->split);
    size_t hl = strlen(e->sha256);
    int hex = hl == 64 || (paths_only && hl == 0);
    for (size_t i = 0; i < hl && hex; i++) hex = isxdigit((unsigned char)e->sha256[i]) != 0;
    if (!hex) return gd_yaml_fail(gd_yaml_get(n, "sha256"), "sha256 must be 64 hex digits");
    const char *dir = base;
    if (*e->root) {
        dir = root_dir(m, e->root);
        if (!dir) return gd_yaml_fail(gd_yaml_get(n, "root"), "unknown root '%s'", e->root);
    }
    e->full_path = gd_path_join(dir, e->path);
    return e->full_path ? GD_OK : GD_ERR_NOMEM;
}

static int load(gd_manifest **out, const char *path, int paths_only) {
    *out = NULL;
    gd_yaml_doc *d;
    int err = gd_yaml_load(&d, path);
    if (err) return err;
    gd_manifest *m = calloc(1, sizeof *m);
    char *base = gd_path_dirname(path);
    if (!m || !base || !(m->path = strdup(path))) { err = GD_ERR_NOMEM; goto done; }
    const gd_yaml_node *root = gd_yaml_root(d), *ver, *ents;
    if ((err = gd_yaml_check_keys(root, top_keys, NULL)) || (err = gd_yaml_need(root, "version", &ver)))
        goto done;
    if (ver->kind != GD_YAML_SCALAR || strcmp(ver->text, "1")) {
        err = gd_yaml_fail(ver, "'version: 1' is required");
        goto done;
    }
    if ((err = load_roots(m, gd_yaml_get(root, "roots"), base)) ||
        (err = gd_yaml_need(root, "entries", &ents)) || (err = gd_yaml_list(ents, 0, -1)))
        goto done;
    m->entries = calloc((size_t)ents->n + 1, sizeof *m->entries);
    if (!m->entries) { err = GD_ERR_NOMEM; goto done; }
    for (int i = 0; i < ents->n && !err; i++) {
        const gd_yaml_node *en = ents->items[i];
        m->n_entries = i + 1;
        err = load_entry(m, en, base, paths_only, &m->entries[i]);
        for (int j = 0; j < i && !err && *m->entries[i].id; j++)
            if (!strcmp(m->entries[j].id, m->entries[i].id))
                err = gd_yaml_fail(en, "duplicate id '%s' (first at line %d)",
                                   m->entries[i].id, m->entries[j].line);
    }
done:
    free(base);
    gd_yaml_free(d);
    if (err) gd_manifest_free(m);
    else *out = m;
    return err;
}

int gd_manifest_load(gd_manifest **out, const char *path) { return load(out, path, 0); }
int gd_manifest_load_paths(gd_manifest **out, const char *path) { return load(out, path, 1); }

typedef struct { char key[GD_SHA256_HEX_LEN]; const char *group; int index; } keyed;

static int cmp_keyed(const void *a, const void *b) {
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    if (!c) c = strcmp(x->group, y->group);
    return c ? c : x->index - y->index;
}

int gd_assign_splits(const char *const *groups, int n, unsigned long long seed,
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
