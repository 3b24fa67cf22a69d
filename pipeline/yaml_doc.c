// yaml_doc.c: strict YAML reading with file:line:column errors.
#include "pipeline/yaml_doc.h" // defines: yaml_doc_*
#include "core/error.h"        // defines: GD_ERR_*
#include "core/log.h"          // defines: gd_error
#include "core/yaml_keys.h"    // defines: gd_yaml_unique_keys

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int yaml_doc_load(yaml_doc *d, const char *path) {
    memset(d, 0, sizeof *d);
    FILE *f = fopen(path, "rb");
    if (!f) {
        gd_error("%s: %s", path, strerror(errno));
        return GD_ERR_IO;
    }
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, f);
    int ok = yaml_parser_load(&p, &d->doc);
    if (!ok) {
        yaml_mark_t m = p.problem_mark;
        gd_error("%s:%zu:%zu: YAML syntax error: %s%s%s", path, m.line + 1, m.column + 1,
                 p.problem ? p.problem : "unknown problem", p.context ? " " : "",
                 p.context ? p.context : "");
    }
    yaml_parser_delete(&p);
    fclose(f);
    if (!ok) return GD_ERR_PARSE;
    d->loaded = 1;
    d->path = strdup(path);
    if (!yaml_document_get_root_node(&d->doc)) {
        gd_error("%s: empty YAML document", path);
        yaml_doc_free(d);
        return GD_ERR_PARSE;
    }
    int err = gd_yaml_unique_keys(&d->doc, path);
    if (err) yaml_doc_free(d);
    return err;
}

void yaml_doc_free(yaml_doc *d) {
    if (d->loaded) yaml_document_delete(&d->doc);
    free(d->path);
    memset(d, 0, sizeof *d);
}

yaml_node_t *yaml_doc_root(yaml_doc *d) { return yaml_document_get_root_node(&d->doc); }

yaml_node_t *yaml_doc_node(yaml_doc *d, int index) {
    return yaml_document_get_node(&d->doc, index);
}

int yaml_doc_fail(yaml_doc *d, const yaml_node_t *n, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (n)
        gd_error("%s:%zu:%zu: %s", d->path, n->start_mark.line + 1, n->start_mark.column + 1, msg);
    else
        gd_error("%s: %s", d->path, msg);
    return GD_ERR_PARSE;
}

const char *yaml_doc_scalar(const yaml_node_t *n) {
    return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

int yaml_doc_check_keys(yaml_doc *d, yaml_node_t *n, const char *what,
                        const char *const *allowed) {
    if (!n || n->type != YAML_MAPPING_NODE)
        return yaml_doc_fail(d, n, "%s must be a mapping of key: value", what);
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *k = yaml_doc_node(d, p->key);
        const char *key = yaml_doc_scalar(k);
        if (!key) return yaml_doc_fail(d, k, "%s: keys must be plain words", what);
        int known = 0;
        for (const char *const *a = allowed; *a; a++) known |= strcmp(*a, key) == 0;
        if (!known) {
            char list[512] = "";
            for (const char *const *a = allowed; *a; a++) {
                if (a != allowed) strncat(list, ", ", sizeof list - strlen(list) - 1);
                strncat(list, *a, sizeof list - strlen(list) - 1);
            }
            return yaml_doc_fail(d, k, "unknown key '%s' in %s (expected one of: %s)", key,
                                 what, list);
        }
    }
    return GD_OK;
}

yaml_node_t *yaml_doc_get(yaml_doc *d, yaml_node_t *n, const char *key) {
    if (!n || n->type != YAML_MAPPING_NODE) return NULL;
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        const char *k = yaml_doc_scalar(yaml_doc_node(d, p->key));
        if (k && strcmp(k, key) == 0) return yaml_doc_node(d, p->value);
    }
    return NULL;
}
