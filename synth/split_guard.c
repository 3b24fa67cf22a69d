// split_guard.c: split lookup in data_manifest.yaml with libyaml (see split_guard.h).
#include "synth/split_guard.h"

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/error.h"    // defines: GD_ERR_*
#include "core/fileio.h"   // defines: gd_path_join, gd_path_dirname
#include "core/log.h"      // defines: gd_error
#include "core/yaml_keys.h" // defines: gd_yaml_unique_keys

static const char *scalar(yaml_document_t *d, yaml_node_t *map, const char *key) {
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key), *v = yaml_document_get_node(d, p->value);
        if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : NULL;
    }
    return NULL;
}

static yaml_node_t *child(yaml_document_t *d, yaml_node_t *map, const char *key) {
    if (!map || map->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_document_get_node(d, p->key);
        if (k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key))
            return yaml_document_get_node(d, p->value);
    }
    return NULL;
}

// Directory of root `name` (env override, else roots: entry, relative to mdir); malloc'd.
static char *root_dir(yaml_document_t *d, yaml_node_t *roots, const char *name, const char *mdir) {
    char env[256] = "GENDANG_ROOT_";
    size_t l = strlen(env);
    for (const char *c = name; *c && l < sizeof env - 1; c++)
        env[l++] = *c == '-' ? '_' : (char)toupper((unsigned char)*c);
    env[l] = 0;
    const char *e = getenv(env), *r = e && *e ? e : scalar(d, roots, name);
    return r ? gd_path_join(mdir, r) : NULL;
}

int syn_manifest_split(const char *manifest, const char *hit_path, char *split, size_t cap) {
    FILE *f = fopen(manifest, "rb");
    if (!f) { gd_error("%s: cannot open manifest", manifest); return GD_ERR_IO; }
    yaml_parser_t parser;
    yaml_document_t doc;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &doc);
    if (!ok)
        gd_error("%s:%lu:%lu: YAML syntax error: %s", manifest,
                 (unsigned long)parser.problem_mark.line + 1,
                 (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "?");
    yaml_parser_delete(&parser);
    fclose(f);
    if (!ok) return GD_ERR_PARSE;
    int dup = gd_yaml_unique_keys(&doc, manifest);
    if (dup) { yaml_document_delete(&doc); return dup; }
    char want[PATH_MAX], got[PATH_MAX];
    int found = 0;
    if (!realpath(hit_path, want)) snprintf(want, sizeof want, "%s", hit_path);
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    yaml_node_t *roots = child(&doc, root, "roots"), *entries = child(&doc, root, "entries");
    char *mdir = gd_path_dirname(manifest);
    if (entries && entries->type == YAML_SEQUENCE_NODE && mdir) {
        for (yaml_node_item_t *it = entries->data.sequence.items.start;
             it < entries->data.sequence.items.top && !found; it++) {
            yaml_node_t *e = yaml_document_get_node(&doc, *it);
            const char *path = scalar(&doc, e, "path"), *rname = scalar(&doc, e, "root");
            const char *sp = scalar(&doc, e, "split");
            if (!path || !sp) continue;
            char *dir = rname ? root_dir(&doc, roots, rname, mdir) : strdup(mdir);
            char *full = dir ? gd_path_join(dir, path) : NULL;
            if (full && realpath(full, got) && !strcmp(got, want)) {
                snprintf(split, cap, "%s", sp);
                found = 1;
            }
            free(dir);
            free(full);
        }
    }
    free(mdir);
    yaml_document_delete(&doc);
    return found;
}
