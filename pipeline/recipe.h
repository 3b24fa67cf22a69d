// recipe.h: YAML recipes: parsing and strict validation.
//
// A recipe names its sources (a selection of data_manifest.yaml), how to expand them
// (augment, synth), which corpora to assemble from those parts, and how to train, evaluate
// and compare. recipes/README.md documents the schema by example. Every error names
// file:line:column and what was expected; leaks (a held-out split used for augmentation or
// fitting) are refused naming the stage.
// Parsed with core/yaml.h: messages name the key path ("augment.variants: must be in ...").
// Ownership: gd_recipe owns all strings and its parsed document (doc: the positions that
// recipe_check.c points its errors at); gd_recipe_free releases everything. Not thread-safe.
#ifndef GD_RECIPE_H
#define GD_RECIPE_H

#include <stdint.h>

#include "core/yaml.h" // defines: gd_yaml_doc

#define GD_MAX_LIST 32
#define GD_MAX_SEEDS 16

typedef struct { char *v[GD_MAX_LIST]; int n; } gd_strlist;

enum { GD_PART_SOURCES = 1, GD_PART_AUGMENT = 2, GD_PART_SYNTH = 4 };

typedef struct {
    gd_yaml_doc *doc;                                // the recipe file as parsed
    char      *path, *name, *out, *manifest;
    uint64_t   seed;
    int        rate, channels;
    gd_strlist kits, instruments, strokes;           // sources filters (empty: all)

    int        has_augment, aug_variants;
    char      *aug_ops;

    int        has_synth, synth_n;
    gd_strlist synth_presets, synth_fit;             // built-in presets; instruments to fit

    int        has_loudness;
    double     loudness_lufs;

    int        n_corpora;
    char      *corpus_name[GD_MAX_LIST];
    int        corpus_parts[GD_MAX_LIST];            // GD_PART_* mask

    int        has_train, train_steps, train_threads;
    char      *train_config, *train_device;
    // Training seeds: every corpus trains once per seed. `train.seeds` absent: one run with
    // the recipe's seed, in runs/<corpus>/ (seed_dirs 0); present: runs/<corpus>/seed<S>/.
    int        n_train_seeds, seed_dirs;
    uint64_t   train_seeds[GD_MAX_SEEDS];

    int        has_eval;
    gd_strlist eval_transfer;                        // extra inputs for transfer examples

    gd_strlist compare;                              // corpus names, compared pairwise to the first
    int        has_report;
} gd_recipe;

// Loads and validates path. Returns 0, or GD_ERR_IO / GD_ERR_PARSE / GD_ERR_LEAK, each
// logged as "file:line:col: message".
int  gd_recipe_load(gd_recipe **out, const char *path);
void gd_recipe_free(gd_recipe *r);

#endif
