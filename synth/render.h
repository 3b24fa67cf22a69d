// render.h: the `render` command body: N strokes of a preset into a corpus folder.
//
// Item i gets the id "<preset>#<i>"; its parameters come from the stream
// gd_rng_stream_id("synth", id) and its in-render noise/jingles from ("synth-render", id),
// both under the global seed, so output is byte-identical whatever the thread count.
// Files: DIR/<split>/<preset>_<i:05d>_<stroke>.wav (24-bit PCM, dither seeded per item) and
// rows in DIR/metadata.csv (merged with an existing one under a file lock; rows sorted by
// file_name). A run that owns the folder (own: not a shard) first refuses a folder that is
// neither new, empty nor a corpus (core/outdir.h), then replaces every row of its preset and
// split (a run with another seed or --n leaves none behind) and finally removes every file
// metadata.csv does not list: other presets' items stay, stale ones and temporaries go.
#ifndef SYN_RENDER_H
#define SYN_RENDER_H

#include <stdint.h>

#include "synth/preset.h"

typedef struct {
    const char *out_dir;
    const char *split;     // "train" (default) or "valid"
    int         n;         // >= 1
    uint64_t    seed;
    int         rate;      // 0: the preset's rate
    int         first;     // index of the first item (for sharding)
    int         own;       // 1: the whole preset (no --shard/--first): replace and prune, above
} syn_render_opts;

// Renders and writes everything; returns 0 or a GD_ERR_* (logged with the file).
int syn_render_corpus(const syn_preset *p, const syn_render_opts *o);

#endif
