// sequence.h: building drum loops from hits (re-sequencing: the artefact-free "time stretch"
// for drums, docs/augment.md).
//
// A pattern has lanes separated by '/', one character per 16th-note step: 'X' accent
// (velocity 1.0), 'x' normal (0.7), 'o' ghost (0.4), '.' or '-' rest. Lane i plays
// instrument i mod n_instruments. Without a pattern, a random one is drawn: each step of each
// lane sounds with probability density (twice that on quarter notes, capped at 1).
// Timing: step = 60 / tempo / 4 s; odd steps are delayed by swing x step; every hit moves by
// a Gaussian jitter (ms SD). Velocity: the pattern's, times a log-normal humanisation (dB SD),
// applied as gain with brightness coupling (a high shelf at 2.5 kHz of half the gain in dB).
// Round robin: each instrument cycles through its hits from a random start, so repeats are
// not machine-gun copies. Output length: whole bars covering at least min_len_s, plus the
// last hits' tails. Mono, at the hits' rate; scaled to a 0.98 peak if the overlapping hits
// would exceed full scale.
// Ownership: *out and *desc are malloc'd, caller frees. Thread-safe (rng is the caller's).
#ifndef AUG_SEQUENCE_H
#define AUG_SEQUENCE_H

#include <stdint.h>

#include "core/rng.h"

typedef struct {
    double      tempo;        // BPM
    double      swing;        // 0..0.5 of a step
    double      jitter_ms;    // SD
    double      vel_sd_db;    // SD
    double      density;      // random patterns: chance a step sounds
    double      min_len_s;    // default 6 (RAVE drops files shorter than its crop)
    int         steps;        // steps per bar for random patterns (16)
    const char *pattern;      // NULL: random
} aug_seq_opts;

typedef struct {
    const float *x;    // mono samples
    int64_t      n;
    int          instrument;
} aug_seq_hit;

aug_seq_opts aug_seq_defaults(void);

// Resolves a loop (pattern, round-robin starts, humanisation seed, drawn from rng) and renders
// it. desc receives the record in ops-like syntax, "sequence:tempo=T,swing=S,jitter=J,
// vel_sd=V,min_len=L,bars=B,rr=R0/R1/...,seed=N,pattern=P", from which aug_sequence_render
// gives the same samples again (replay).
int aug_sequence(float **out, int64_t *n_out, char **desc, const aug_seq_hit *hits, int n_hits,
                 int n_instruments, int rate, const aug_seq_opts *o, gd_rng *rng);
// Renders the loop a desc describes from the same hits (same order and instruments).
// Returns 0, GD_ERR_PARSE (bad desc, logged) or another GD_ERR_*.
int aug_sequence_render(float **out, int64_t *n_out, const char *desc, const aug_seq_hit *hits,
                        int n_hits, int n_instruments, int rate);

#endif
