// yaml_keys.h: refusing duplicate mapping keys in a libyaml document.
//
// libyaml's document API keeps every pair of a mapping, so a repeated key reaches the
// readers, which take the first (or the last) silently. Every YAML reader of gendang calls
// this after yaml_parser_load, so a repeated key is an error naming file, line and column.
// Thread-safety: reentrant (no shared state).
#ifndef GD_YAML_KEYS_H
#define GD_YAML_KEYS_H

#include <yaml.h>

#ifdef __cplusplus
extern "C" {
#endif

// Checks every mapping of doc (at any depth) for two scalar keys with the same text. On the
// first duplicate in document order logs "path:line:col: duplicate key 'k' (first at line
// L)" (1-based, the second occurrence) and returns GD_ERR_PARSE; GD_ERR_NOMEM if the scratch
// allocation fails; else 0. Non-scalar keys are not compared.
int gd_yaml_unique_keys(yaml_document_t *doc, const char *path);

#ifdef __cplusplus
}
#endif
#endif
