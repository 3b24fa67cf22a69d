// split_check.h: leaks between the splits of a data manifest: one group, one sha256 or one
// recording (a near-duplicate) with entries in two of train, valid and test.
//
// Near-duplicates: each entry is read as mono at PL_SPLIT_RATE Hz (libsamplerate), its first
// PL_SPLIT_MAX_S seconds at most, and every pair of entries in different splits is scored by
// the normalised cross-correlation
//     c(a, b) = max over lags t of |sum_s a(s) b(s + t)| / (||a|| ||b||)     in [0, 1],
// which is 1 for the same audio at any gain, shift or polarity. The correlation comes from
// FFTs (core/fftwise.h), interpolated to a quarter of a sample with a parabolic peak, so a
// shift that is no whole number of decimated samples still scores ~1. A pair is a
// near-duplicate when c > PL_SPLIT_NEAR_DUP. Pairs are pruned by an exact upper bound (the
// correlation of the two magnitude spectra), so only the few that could pass are correlated.
// Memory: about 6 * 2^ceil(log2(2 L)) bytes per entry, L = the longest entry in samples at
// PL_SPLIT_RATE (0.4 MB for 2.2 s).
// Determinism: every score is computed by one thread from fixed inputs, the set of pairs
// scored does not depend on the thread count, and results are sorted: the same output for
// any number of OpenMP threads.
// Thread-safety: reentrant; the functions run OpenMP loops inside.
#ifndef PL_SPLIT_CHECK_H
#define PL_SPLIT_CHECK_H

#include "core/manifest.h" // defines: gd_manifest

#include <stdio.h>

#define PL_SPLIT_NEAR_DUP 0.99
#define PL_SPLIT_RATE     11025
#define PL_SPLIT_MAX_S    10

typedef struct {
    int    a, b;      // entry indices, a < b (manifest order), in different splits
    double corr;      // c(a, b) above
    double lag_ms;    // where b matches a: b(s) ~ g a(s - lag); > 0 when b starts later
    double gain_db;   // 20 log10(||b|| / ||a||)
} pl_split_pair;

// Writes one line per entry whose group or sha256 has an earlier entry in another split
// ("MANIFEST:LINE: group 'g' is in two splits: 'id1' (line L1, test) and 'id2' (line L2,
// train)"); returns the number of lines.
int pl_split_check_labels(const gd_manifest *m, FILE *out);

// Scores the cross-split pairs of m (skip[i] != 0 leaves entry i out; skip may be NULL).
// *pairs (malloc'd, caller frees) receives every pair with corr > PL_SPLIT_NEAR_DUP and the
// `top` highest-scoring pairs (top >= 0), best first (ties: a, then b); *n_pairs their number.
// *n_cross (may be NULL) receives how many cross-split pairs were considered (silent entries
// are left out). Returns 0, or the error of a file that cannot be read (logged naming it).
int pl_split_near_pairs(const gd_manifest *m, const unsigned char *skip, int top,
                        pl_split_pair **pairs, int *n_pairs, long *n_cross);

// The whole check: pl_split_check_labels, then one line per near-duplicate pair not already
// reported as one group or one sha256 ("MANIFEST:LINE: near-duplicate recordings in two
// splits: ... : correlation 0.9990 at lag +10.00 ms, gain -6.0 dB", LINE: the later entry).
// Returns the number of problems written to out, or -1 when a file cannot be read (logged).
int pl_split_check(const gd_manifest *m, const unsigned char *skip, FILE *out);

// Loads the manifest at path and runs pl_split_check, writing to stderr. Returns 0 when the
// splits are clean, 1 otherwise (problems, an invalid manifest, unreadable audio).
int pl_split_check_path(const char *path);

#endif
