// yaml.h: the one strict YAML reader of gendang (recipes, data manifests, synth presets,
// train configs), on libyaml's event parser.
//
// gd_yaml_load reads one YAML document into a small tree of nodes (scalar text, lists,
// mappings in file order), each with its 1-based line and column and its place in the tree
// (parent, key or index). Stricter than YAML: mapping keys are plain text and never repeat,
// aliases (*name), a second document and nesting deeper than GD_YAML_MAX_DEPTH are refused,
// as are NUL bytes inside text. Tags are ignored; every scalar is its text ("3", "true",
// "~" alike), typed only when a reader asks through an accessor.
//
// Errors: every problem is logged (gd_error) as one line "FILE:LINE:COL: problem" and the
// call returns GD_ERR_PARSE (GD_ERR_IO when the file cannot be read, GD_ERR_NOMEM). The
// accessors name the value by its path from the top: "seed", "augment.variants",
// "entries[3].velocity" (list items 0-based), e.g.
//   recipe.yaml:7:13: augment.variants: must be in [1, 10000] (got 0)
//   recipe.yaml:6:1: unknown key 'colour' (expected one of: name, seed, ...)
//   recipe.yaml:6:1: duplicate key 'seed' (first at line 2)
// Accessors only read: an absent optional key leaves *out as the caller set it (its default).
// Numbers carry no units here; each reader's header states its keys' units.
//
// Ownership: the gd_yaml_doc owns every node and string; they stay valid until gd_yaml_free.
// Thread-safety: a document is read-only after loading and may be read from any thread;
// errors go through the (replaceable) log callback.
#ifndef GD_YAML_H
#define GD_YAML_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GD_YAML_MAX_DEPTH 64

typedef enum { GD_YAML_SCALAR = 1, GD_YAML_LIST, GD_YAML_MAP } gd_yaml_kind;

typedef struct gd_yaml_node gd_yaml_node;
struct gd_yaml_node {
    gd_yaml_kind        kind;
    int                 line, col;   // 1-based position of the node's first character
    const char         *text;        // scalar: its text (NUL-terminated); NULL otherwise
    int                 n;           // list: items; map: pairs; scalar: 0
    gd_yaml_node      **items;       // list: the items; map: the values (n each)
    gd_yaml_node      **keys;        // map: the keys (scalars), items[i] is keys[i]'s value
    const gd_yaml_node *parent;      // NULL for the top node
    const char         *key;         // the key naming this node in a parent map, else NULL
    int                 index;       // position in the parent list or map
    const char         *file;        // the document's name, for messages
};

typedef struct gd_yaml_doc gd_yaml_doc;

// Reads path. *out is freed with gd_yaml_free. 0 or GD_ERR_IO/GD_ERR_PARSE/GD_ERR_NOMEM.
// An empty document is an error.
int  gd_yaml_load(gd_yaml_doc **out, const char *path);
// Same from len bytes of text; name is used in messages (copied).
int  gd_yaml_load_text(gd_yaml_doc **out, const char *text, size_t len, const char *name);
void gd_yaml_free(gd_yaml_doc *d);
// The top node (never NULL for a loaded document).
const gd_yaml_node *gd_yaml_root(const gd_yaml_doc *d);

// Logs "FILE:LINE:COL: msg" for n (the caller names what it is about) and returns
// GD_ERR_PARSE.
int gd_yaml_fail(const gd_yaml_node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
// The same with n's path before msg: "FILE:LINE:COL: PATH: msg" (as the accessors write).
int gd_yaml_fail_path(const gd_yaml_node *n, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
// Writes n's path ("augment.variants", "entries[3]", "top level" for the top node) into buf
// (cap bytes, truncated) and returns buf.
const char *gd_yaml_path(const gd_yaml_node *n, char *buf, size_t cap);

// n must be a mapping whose every key is in allowed (NULL-terminated); "allowed2" may add a
// second list (NULL for none). An unknown key fails at the key, naming it and the allowed.
int gd_yaml_check_keys(const gd_yaml_node *n, const char *const *allowed,
                       const char *const *allowed2);
// Value of key in map n; NULL when n is not a map or lacks the key.
const gd_yaml_node *gd_yaml_get(const gd_yaml_node *n, const char *key);
// Like gd_yaml_get, but a missing key fails at n: "PATH: lacks required key 'key'".
int gd_yaml_need(const gd_yaml_node *n, const char *key, const gd_yaml_node **out);

// Typed reads of one node. Numbers: a whole number is decimal digits (or any number notation
// with a whole value, as 1e6); floats are finite. Booleans: true/false, yes/no, 1/0.
// Out of range: "PATH: must be in [lo, hi] (got TEXT)".
int gd_yaml_int(const gd_yaml_node *n, int64_t lo, int64_t hi, int64_t *out);
int gd_yaml_float(const gd_yaml_node *n, double lo, double hi, double *out);
int gd_yaml_bool(const gd_yaml_node *n, int *out);
// Scalar text; empty text fails unless allow_empty. *out points into the document.
int gd_yaml_text(const gd_yaml_node *n, int allow_empty, const char **out);
// n must be a list of min..max items (max < 0: no limit).
int gd_yaml_list(const gd_yaml_node *n, int min, int max);
// n must be a mapping.
int gd_yaml_map(const gd_yaml_node *n);

// The same for key in map n; an absent key returns 0 and leaves *out unchanged.
int gd_yaml_key_int(const gd_yaml_node *n, const char *key, int64_t lo, int64_t hi, int64_t *out);
int gd_yaml_key_float(const gd_yaml_node *n, const char *key, double lo, double hi, double *out);
int gd_yaml_key_bool(const gd_yaml_node *n, const char *key, int *out);
int gd_yaml_key_text(const gd_yaml_node *n, const char *key, int allow_empty, const char **out);

#ifdef __cplusplus
}
#endif
#endif
