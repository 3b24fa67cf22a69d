// scales.h: one pass over the full-window STFT scales 128..2048 (n_fft = win = s, hop s/4,
// reflect padding) that feeds every metric reading them: the RAVE distance's per-scale terms
// (mss.c), the multi-scale mel L1's per-scale terms (mel_l1.c) and the onset flux on the
// 512-point scale (onset.c), and the first of the two reads of the 2048 scale that LSD and MCD
// need (their floors depend on whole spectrograms). Every spectrogram is made and consumed in
// blocks of EV_SCALES_BLOCK rows while they are in cache; nothing of the signal's length is
// kept but the 2048 frames' energies and the flux (one double per 512 and per 128 samples).
// Each consumer sees the same rows in the same order as a pass over a whole spectrogram, and
// sums that run over whole arrays keep their lanes across blocks, so the values are identical
// to it.
#ifndef EV_SCALES_H
#define EV_SCALES_H

#include "eval/metrics.h"
#include "eval/spec.h"

#define EV_N_SCALES 5   // 2048, 1024, 512, 256, 128 (RAVE's order)
#define EV_SCALES_BLOCK 32   // spectrogram rows per block (a multiple of 4: see ev_mel_acc)

// The 2048/512 reflect-padded magnitude STFT that LSD and MCD read.
extern const ev_stft_cfg ev_cfg_2048;

// LSD (lsd.c) over two reads of the 2048 spectrograms: ev_lsd_first on every block of the
// reference's rows (global rows t0 ..), then ev_lsd_second on every block of both, then
// ev_lsd_finish (frees). fe holds T doubles (frame energies), d 1025 floats of scratch.
typedef struct {
    int64_t T;
    float   mmax;
    double *fe, emax, sum_all, sum_act;
    int64_t n_act;
    float  *d;
} ev_lsd_acc;
int  ev_lsd_init(ev_lsd_acc *a, int64_t T);   // 0 or -1 (out of memory; ev_lsd_free then)
void ev_lsd_first(ev_lsd_acc *a, const float *rb, int64_t t0, int64_t n);
void ev_lsd_second(ev_lsd_acc *a, const float *rb, const float *tb, int64_t t0, int64_t n);
void ev_lsd_finish(ev_lsd_acc *a, ev_val *all, ev_val *active);
void ev_lsd_free(ev_lsd_acc *a);

// MCD (mcd.c) likewise: ev_mcd_first and ev_mcd_second on blocks of at most `rows` rows of
// both signals; mr, mt hold rows x 128 mel values.
typedef struct {
    const ev_melbank *mb;
    double  *mr, *mt, mx_r, mx_t, sum;
    int64_t  T;
} ev_mcd_acc;
int    ev_mcd_init(ev_mcd_acc *a, int rate, int rows);   // 0 or -1 (ev_mcd_free then)
void   ev_mcd_first(ev_mcd_acc *a, const float *rb, const float *tb, int64_t n);
void   ev_mcd_second(ev_mcd_acc *a, const float *rb, const float *tb, int64_t n);
ev_val ev_mcd_finish(ev_mcd_acc *a);
void   ev_mcd_free(ev_mcd_acc *a);

// One read (pass 1 or 2) of the 2048 spectrograms of ref and est (est NULL: the reference
// only, pass 1 of LSD alone) feeding lsd and/or mcd (NULL: not fed). 0, or -1 on allocation
// failure.
int ev_spec_2048_pass(ev_sig *ref, ev_sig *est, ev_lsd_acc *lsd, ev_mcd_acc *mcd, int pass);

typedef struct {
    // requests
    int     rave, mel;          // compute those terms
    int     rate;               // Hz (mel banks)
    double *flux_ref, *flux_est;   // 512-scale flux, ev_stft_frames values each, or NULL
    ev_lsd_acc *lsd;            // fed with the first read of the 2048 scale, or NULL
    ev_mcd_acc *mcd;            // (init'ed with EV_SCALES_BLOCK rows), or NULL
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
// Mel L1 term of one scale, accumulated over blocks of mel rows: ev_mel_acc_add with the
// two blocks' cnt values (every block but the last a multiple of 4 values), then
// ev_mel_acc_term = mean |log10 max(M_r, 1e-5) - log10 max(M_t, 1e-5)|; the same value as
// one call over the whole arrays. ev_mel_acc_add returns -1 on allocation failure.
typedef struct {
    double  l4[4];   // four lanes of sum |ln ratio|
    int64_t cnt;
} ev_mel_acc;
int    ev_mel_acc_add(ev_mel_acc *acc, const double *mr, const double *mt, int64_t cnt);
double ev_mel_acc_term(const ev_mel_acc *acc);
// Onset flux of one row: lc = ln(1 + 100 |X|) of the row, returns sum max(0, lc - lp);
// scratch holds F floats.
double ev_flux_row(float *lc, const float *lp, const float *row, float *scratch, int F);

#endif
