// scales.h: one pass over the full-window STFT scales 128..2048 (n_fft = win = s, hop s/4,
// reflect padding) that feeds every metric reading them: the RAVE distance's per-scale terms
// (mss.c), the multi-scale mel L1's per-scale terms (mel_l1.c) and the onset flux on the
// 512-point scale (onset.c). The 128..1024 spectrograms are made and consumed in blocks of
// rows while they are in cache (not kept); the 2048 one comes from the ev_sig caches, which
// LSD and MCD read afterwards. Each consumer sees the same rows in the same order as a pass
// over a whole cached spectrogram, so the values are identical to it.
#ifndef EV_SCALES_H
#define EV_SCALES_H

#include "eval/metrics.h"
#include "eval/spec.h"

#define EV_N_SCALES 5   // 2048, 1024, 512, 256, 128 (RAVE's order)

typedef struct {
    // requests
    int     rave, mel;          // compute those terms
    int     rate;               // Hz (mel banks)
    double *flux_ref, *flux_est;   // 512-scale flux, ev_stft_frames values each, or NULL
    double  rave_stop;          // > 0 (searches, RAVE alone): stop after the first scale whose
                                // partial sum exceeds it; rave_why then says so
    // results, scale index i <-> size 2048 >> i
    double      rave_term[EV_N_SCALES];  // mean((R-T)^2)/mean(R^2) + mean |ln(R+eps) - ln(T+eps)|
    const char *rave_why;                // non-NULL: the distance is undefined (reason)
    double      mel_term[EV_N_SCALES];   // mean |log10 max(M_r, 1e-5) - log10 max(M_t, 1e-5)|
} ev_scales;

// Runs the pass; 0, or -1 on allocation failure. ref and est have the same length.
int ev_scales_run(ev_scales *o, ev_sig *ref, ev_sig *est);

// The metrics from a finished pass (sc->rave / sc->mel set): RAVE's sum over the scales, and
// the mel L1 over its seven scales (the 32/64-sample ones computed here; sc NULL: a pass of
// its own). ev_rave_mss and ev_mel_l1 (metrics.h) are these with a pass of their own.
ev_val ev_rave_mss_scales(const ev_scales *sc);
ev_val ev_mel_l1_scales(ev_sig *ref, ev_sig *est, int rate, const ev_scales *sc);

// Per-scale consumers shared with the single-metric entry points.
// Mel L1 term of one scale from the two mel spectrograms (cnt values each).
double ev_mel_l1_term(const double *mr, const double *mt, int64_t cnt);
// Onset flux of one row: lc = ln(1 + 100 |X|) of the row, returns sum max(0, lc - lp);
// scratch holds F floats.
double ev_flux_row(float *lc, const float *lp, const float *row, float *scratch, int F);

#endif
