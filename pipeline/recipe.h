// recipe.h: YAML recipes: parsing and strict validation.
//
// A recipe names its sources (a selection of data_manifest.yaml), how to expand them
// (augment, synth), which corpora to assemble from those parts, and how to train, evaluate
// and compare. recipes/README.md documents the schema by example. Every error names
// file:line:column and what was expected; leaks (a held-out split used for augmentation or
// fitting) are refused naming the stage.
// Parsed with core/yaml.h: messages name the key path ("augment.variants: must be in ...").
// Ownership: pl_recipe owns all strings and its parsed document (doc: the positions that
// recipe_check.c points its errors at); pl_recipe_free releases everything. Not thread-safe.
#ifndef PL_RECIPE_H
#define PL_RECIPE_H

#include <stdint.h>

#include "core/yaml.h" // defines: gd_yaml_doc

#define PL_MAX_LIST 32
#define PL_MAX_SEEDS 16
#define PL_PROBES_PER_KIND 3   // files per eval.probes kind (data probes --n)
#define PL_MAX_TRANSFER 32     // transfer examples in a report (eval report --transfer)

typedef struct { char *v[PL_MAX_LIST]; int n; } pl_strlist;

enum { PL_PART_SOURCES = 1, PL_PART_AUGMENT = 2, PL_PART_SYNTH = 4 };

typedef struct {
    gd_yaml_doc *doc;                                // the recipe file as parsed
    char      *path, *name, *out, *manifest;
    uint64_t   seed;
    int        rate, channels;
    pl_strlist kits, instruments, strokes;           // sources filters (empty: all)

    int        has_augment, aug_variants;
    char      *aug_ops;

    int        has_synth, synth_n;
    pl_strlist synth_presets, synth_fit;             // built-in presets; instruments to fit

    int        has_loudness;
    double     loudness_lufs;

    int        n_corpora;
    char      *corpus_name[PL_MAX_LIST];
    int        corpus_parts[PL_MAX_LIST];            // PL_PART_* mask
    char      *corpus_exclude[PL_MAX_LIST];          // labels left out (regex), or NULL

    int        has_train, train_steps, train_threads;
    char      *train_config, *train_device;
    // Training seeds: every corpus trains once per seed. `train.seeds` absent: one run with
    // the recipe's seed, in runs/<corpus>/ (seed_dirs 0); present: runs/<corpus>/seed<S>/.
    int        n_train_seeds, seed_dirs;
    uint64_t   train_seeds[PL_MAX_SEEDS];

    int        has_eval;
    pl_strlist eval_transfer;                        // extra inputs for transfer examples
    pl_strlist eval_probes;                          // generated inputs: chirps, speech, sweep
    char      *leak_judge, *leak_labels;             // eval.leak (NULL: absent)

    pl_strlist compare;                              // corpus names, compared pairwise to the first
    int        has_report;
} pl_recipe;

// Loads and validates path. Returns 0, or GD_ERR_IO / GD_ERR_PARSE / GD_ERR_LEAK, each
// logged as "file:line:col: message".
int  pl_recipe_load(pl_recipe **out, const char *path);
void pl_recipe_free(pl_recipe *r);

#endif
