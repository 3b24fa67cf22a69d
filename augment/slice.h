// slice.h: cutting a continuous recording into hits (spectral-flux onsets).
//
// Onsets: log-compressed magnitude STFT (n_fft 1024, hop 256 at 44.1 kHz, scaled with the
// rate), half-wave rectified flux against the previous frame max-filtered over +-1 bin, normalised to max 1; a frame is an onset
// when it is the maximum within +-3 frames, exceeds ratio x the moving median over +-10
// frames plus delta, and comes at least min_gap_ms after the previous onset. Each onset is backtracked to
// the energy minimum before the attack on a 1 ms RMS envelope. A hit runs from onset - preroll
// to the next onset - preroll (or max_len), trailing silence below -60 dB of its peak trimmed,
// with a raised-cosine fade-out. Units: samples unless the name says ms/s.
// Ownership: *onsets / *hits are malloc'd, caller frees. Thread-safe.
#ifndef AUG_SLICE_H
#define AUG_SLICE_H

#include <stdint.h>

typedef struct {
    double delta;        // threshold above ratio x moving median (flux normalised to 1), default 0.04
    double ratio;        // multiple of the moving median, default 1.5
    double min_gap_ms;   // shortest inter-onset interval, default 30
    double preroll_ms;   // kept before each onset, default 5
    double fade_ms;      // fade-out length, default 10
    double max_len_s;    // longest hit, default 2
    double min_len_ms;   // hits shorter than this are dropped, default 20
} aug_slice_opts;

typedef struct { int64_t onset, start, end; } aug_hit;   // [start, end) in samples

aug_slice_opts aug_slice_defaults(void);

// Onset times (samples, backtracked) of mono x (n) at rate. Returns 0 or GD_ERR_*.
int aug_onsets(int64_t **onsets, int *n_onsets, const float *x, int64_t n, int rate,
               const aug_slice_opts *o);

// Hits of x: onsets plus the cut points described above.
int aug_slice(aug_hit **hits, int *n_hits, const float *x, int64_t n, int rate,
              const aug_slice_opts *o);

#endif
