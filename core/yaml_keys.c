// yaml_keys.c: see yaml_keys.h. Keys of one mapping are sorted (text, then position) so the
// check is O(k log k) even for a mapping with many keys.
#include "core/yaml_keys.h" // defines: gd_yaml_unique_keys
#include "core/error.h"     // defines: GD_ERR_*
#include "core/log.h"       // defines: gd_error

#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *text;
    const yaml_node_t *node;
    long pos;   // index of the pair in its mapping
} key_ref;

static int by_text_then_pos(const void *a, const void *b) {
    const key_ref *x = a, *y = b;
    int c = strcmp(x->text, y->text);
    return c ? c : (x->pos > y->pos) - (x->pos < y->pos);
}

int gd_yaml_unique_keys(yaml_document_t *doc, const char *path) {
    key_ref *keys = NULL, dup = {0}, first = {0};
    size_t cap = 0;
    for (yaml_node_t *n = doc->nodes.start; n < doc->nodes.top; n++) {
        if (n->type != YAML_MAPPING_NODE) continue;
        size_t k = 0, np = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
        if (np > cap) {
            key_ref *g = realloc(keys, sizeof(key_ref) * np);
            if (!g) { free(keys); return GD_ERR_NOMEM; }
            keys = g;
            cap = np;
        }
        for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
            const yaml_node_t *kn = yaml_document_get_node(doc, p->key);
            if (kn && kn->type == YAML_SCALAR_NODE)
                keys[k++] = (key_ref){(const char *)kn->data.scalar.value, kn,
                                      (long)(p - n->data.mapping.pairs.start)};
        }
        if (k > 1) qsort(keys, k, sizeof(key_ref), by_text_then_pos);   // (keys is NULL while k is 0)
        // Each run of equal keys: its second member is the clash. Report the one earliest in
        // the file, whichever mapping it is in.
        for (size_t i = 1; i < k; i++)
            if (!strcmp(keys[i].text, keys[i - 1].text) && (i < 2 || strcmp(keys[i].text, keys[i - 2].text)) &&
                (!dup.node || keys[i].node->start_mark.index < dup.node->start_mark.index)) {
                dup = keys[i];
                first = keys[i - 1];
            }
    }
    int rc = GD_OK;
    if (dup.node) {
        gd_error("%s:%lu:%lu: duplicate key '%s' (first at line %lu)", path,
                 (unsigned long)dup.node->start_mark.line + 1,
                 (unsigned long)dup.node->start_mark.column + 1, dup.text,
                 (unsigned long)first.node->start_mark.line + 1);
        rc = GD_ERR_PARSE;
    }
    free(keys);
    return rc;
}
