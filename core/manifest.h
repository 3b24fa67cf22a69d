// manifest.h: the data manifest (data_manifest.yaml): the source recordings recipes start from.
//
// Top level: `version: 1`, `roots:` (name -> directory; relative directories are relative to
// the manifest's folder) and `entries:`, a list of mappings with keys id, root (optional),
// path, sha256, license, kit, instrument, stroke, velocity (0..1), group, split
// (train|valid|test), and optional duration_s, sample_rate, channels. Unknown keys, missing
// keys, wrong types and duplicate ids are errors naming file:line:column.
// A root can be overridden at run time with GENDANG_ROOT_<NAME> (NAME upper-cased, '-' -> '_');
// this is the one place that rule lives. Parsed with core/yaml.h (messages name the key path,
// e.g. "entries[3].velocity").
// Ownership: gd_manifest owns all strings; gd_manifest_free releases them. Not thread-safe.
#ifndef GD_MANIFEST_H
#define GD_MANIFEST_H

typedef struct {
    char  *id, *root, *path, *sha256, *license, *kit, *instrument, *stroke, *group, *split;
    double velocity;
    double duration_s;    // 0 when absent
    int    sample_rate;   // 0 when absent
    int    channels;      // 0 when absent
    int    line;          // 1-based line of the entry in the manifest
    char  *full_path;     // resolved absolute-or-relative path to the file
} gd_manifest_entry;

typedef struct {
    char              *path;
    int                n_roots;
    char             **root_names, **root_dirs;
    int                n_entries;
    gd_manifest_entry *entries;
} gd_manifest;

// Loads and validates path. Returns 0 or GD_ERR_IO / GD_ERR_PARSE (logged with position).
int  gd_manifest_load(gd_manifest **out, const char *path);
// The same reader for callers that need only where each file is and its split (synth's
// split guard): of an entry's keys only path and split are required (absent strings are "",
// absent numbers 0; ids, when given, must still be unique). Same errors otherwise.
int  gd_manifest_load_paths(gd_manifest **out, const char *path);
void gd_manifest_free(gd_manifest *m);

// 1 if s is one of train, valid, test.
int  gd_split_valid(const char *s);

// Deterministic group-wise split. groups[i] is file i's group (n files; a group may repeat).
// The distinct groups (g of them) are ranked by sha256("<seed>:<group>") as lower-case hex
// (ties by name); the first round(test_fraction g) are "test", the next
// round(valid_fraction g) "valid", the rest "train", and every file gets its group's split
// (splits[i]: a static string). scripts/gen_manifest.py applies the same rule.
// Returns 0 or GD_ERR_NOMEM.
int  gd_assign_splits(const char *const *groups, int n, unsigned long long seed,
                      double test_fraction, double valid_fraction, const char **splits);

#endif
