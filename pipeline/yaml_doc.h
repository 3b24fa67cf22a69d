// yaml_doc.h: strict YAML reading helpers over libyaml's document API.
//
// Every error is reported as "file:line:column: message" (1-based) through gd_error.
// A yaml_doc owns the parsed document; node pointers stay valid until yaml_doc_free.
// Not thread-safe per document.
#ifndef GD_YAML_DOC_H
#define GD_YAML_DOC_H

#include <yaml.h>

typedef struct {
    yaml_document_t doc;
    char           *path;   // owned, used in messages
    int             loaded;
} yaml_doc;

// Parses path. Syntax errors and duplicate mapping keys name line and column. Returns 0 or
// GD_ERR_IO/GD_ERR_PARSE.
int yaml_doc_load(yaml_doc *d, const char *path);
void yaml_doc_free(yaml_doc *d);

yaml_node_t *yaml_doc_root(yaml_doc *d);
yaml_node_t *yaml_doc_node(yaml_doc *d, int index);

// Logs "path:line:col: msg" for node n and returns GD_ERR_PARSE.
int yaml_doc_fail(yaml_doc *d, const yaml_node_t *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;

// Requires n to be a mapping whose keys are scalars, each in allowed (NULL-terminated);
// an unknown key fails naming it and listing allowed keys.
int yaml_doc_check_keys(yaml_doc *d, yaml_node_t *n, const char *what, const char *const *allowed);
// Value node of key in mapping n, or NULL.
yaml_node_t *yaml_doc_get(yaml_doc *d, yaml_node_t *n, const char *key);
// Scalar text of n, or NULL when n is not a scalar.
const char *yaml_doc_scalar(const yaml_node_t *n);

#endif
