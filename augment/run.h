// run.h: `augment run` (N seeded variants per train hit, OpenMP over items, metadata.csv)
// and `augment replay` (regenerate rows bit-exactly).
//
// Item k of input hit h gets the random stream gd_rng_stream_id("augment", "<h>#<k>") of the
// global seed, where <h> is the input's file_name (metadata input) or path relative to the
// input folder; its audio is written with dither seed gd_rng_stream_id("dither", file_name)
// ^ seed, so a row (file_name, seed, ops) plus its input regenerates the same bytes.
// Shards: --shard K/N renders every N-th item and writes metadata.shard-K-of-N.csv (and its
// sources table); one final run without --shard reuses every journalled item and writes the
// full metadata.csv, so shards can fan out over a cluster (a Slurm array) and be merged.
// Cleaning: a run without --shard refuses a non-empty folder that is no earlier augment output
// and, when done, removes every file metadata.csv does not list (earlier runs' items, the
// shards' tables, temporaries) and the journal entries of items it did not make (outdir.h).
// Resume: finished items are journalled in OUT/.journal; a restarted run with the same inputs,
// ops and seed reuses every item whose file still matches its journalled sha256.
// Headroom: an output whose peak exceeds full scale is scaled to a 0.98 peak before writing
// (same rule in replay), so the writer never clips. An empty input gives an empty corpus.
// The input path and sha256 of every output row go to augment_sources.csv next to
// metadata.csv (replay needs them; metadata.csv keeps the shared column set).
#ifndef AUG_RUN_H
#define AUG_RUN_H

#include <stdint.h>

#include "core/metadata.h" // defines: gd_meta

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    const char *in;          // folder of audio, or a metadata.csv
    const char *ops;         // ops spec with distributions
    const char *out;         // output folder
    int         n;           // variants per input
    uint64_t    seed;
    const char *splits;      // comma list of splits allowed ("train" by default)
    int         rate;        // output rate (0: each input's own)
    int         format;      // 16, 24, 32
    int         channels;    // output channels (1: mono corpus, stereo inputs are mixed down)
    int         shard_k, shard_n;   // process items i with i % n == k - 1 (n <= 1: all)
} aug_run_opts;

// One input hit: from a folder scan (split from a test/ or valid/ folder in its path, else
// train; source_id and group = path without extension) or a metadata.csv row.
typedef struct {
    char *path;        // absolute input path
    char *id;          // file_name or path relative to the input folder
    char *split, *source_id, *group, *label;
    char *sha256;      // expected checksum from metadata.csv ("" for a folder scan)
} aug_input;

// Lists the inputs of a folder (recursive, sorted; its metadata.csv when it has one) or of a
// metadata.csv. *out is freed with aug_inputs_free.
int  aug_inputs_read(aug_input **out, int *n, const char *in);
void aug_inputs_free(aug_input *v, int n);
// 1 when split is in the comma-separated list splits.
int  aug_split_allowed(const char *splits, const char *split);

// Runs the job. Returns 0 or a GD_ERR_* (logged, naming the file): GD_ERR_LEAK for a
// test/valid source not allowed by splits, GD_ERR_PARSE/GD_ERR_RANGE for the ops (err set).
int aug_run(const aug_run_opts *o);
// Regenerates every row of meta_path into out_dir (byte-identical to the original run), rows of
// `augment run` and of `augment sequence` alike.
int aug_replay(const char *meta_path, const char *out_dir);

// Sequence sources (seqsrc.c). Writes out_dir/sequence_hits.csv (the n hits in render order:
// absolute path, sha256 hex, instrument index, the rate they were read at); sha receives the
// table's own sha256 hex.
int aug_seq_hits_write(const char *out_dir, char *const *paths, char *const *shas,
                       const int *instrument, int n, int rate, char *sha);
// Re-renders one sequence row (ops = the resolved record) from the hits table list_ref
// ("@sequence_hits.csv", relative to meta_dir, checked against list_sha) into
// out_dir/file_name; sha receives the output's sha256 hex.
int aug_seq_replay_row(const char *meta_dir, const char *list_ref, const char *list_sha,
                       const char *file_name, const char *ops, uint64_t seed, int format,
                       const char *out_dir, char *sha);
// The dither seed of every file an augment command writes (run, sequence, slice with seed 0,
// and replay): gd_rng_stream_id("dither", file_name) ^ seed, so a metadata row (file_name,
// seed) names it.
uint64_t aug_dither_seed(const char *file_name, uint64_t seed);
// Writes the replay sources table (augment_sources.csv or a shard's) at path, atomically:
// header file_name,input,input_sha256,channels,format and one row per row of m (its
// file_name) with inputs[i], input_sha[i], channels[i] and formats[i] (16, 24, 32).
// Returns 0 or a GD_ERR_*.
int aug_sources_write(const char *path, const gd_meta *m, const char *const *inputs,
                      const char *const *input_sha, const int *channels, const int *formats);


#ifdef __cplusplus
}
#endif
#endif
