// visqol.h: ViSQOL v3 audio mode (Chinen et al., "ViSQOL v3: an open source production ready
// objective speech and audio metric", QoMEX 2020), written after Google's C++ ViSQOL and
// checked against visqol-python, its line-by-line port (docs/eval-metrics.md §2.7).
//
// Pipeline at 48 kHz in double precision: global alignment of the estimate by the Hilbert
// envelopes' cross-correlation; the estimate scaled to the reference's RMS; 32-band gammatone
// spectrograms (ERB-spaced 50 Hz .. 24 kHz, 80 ms Hann frames every 20 ms, each frame
// filtered from rest, RMS per band); dB with floors; reference patches of 30 frames; the
// estimate patch per reference patch by dynamic programming over NSIM; each matched pair
// re-aligned in time and re-scored; FVNSIM (mean NSIM per band over the patches) into the
// nu-SVR model shipped with ViSQOL (eval/data/visqol, Apache-2.0); MOS clipped to 1..5, and 1
// when the mean NSIM is below 0.15.
//
// The reference must span at least EV_VISQOL_MIN_FRAMES frames (0.96 s at 48 kHz): shorter
// signals, silent signals and estimates too short to match a patch give a null value with a
// reason. One-shot drum hits are shorter: `pair --visqol-sequence` joins them (eval/README.md).
// Reentrant; FFTW double plans are made under a mutex.
#ifndef EV_VISQOL_H
#define EV_VISQOL_H

#include <stdint.h>

#include "eval/metrics.h"   // ev_val

#define EV_VISQOL_RATE       48000
#define EV_VISQOL_BANDS      32
#define EV_VISQOL_WIN        3840   // 80 ms at 48 kHz
#define EV_VISQOL_HOP        960    // window * overlap 0.25: 20 ms
#define EV_VISQOL_PATCH      30     // frames per patch (audio mode)
#define EV_VISQOL_MIN_FRAMES 45     // PATCH + PATCH/2: one patch fits
#define EV_VISQOL_SEARCH     60     // patch search radius, in patches
#define EV_VISQOL_SVR_N      317    // support vectors of the model
#define EV_VISQOL_MAX_S      90.0   // longer signals: null (the global alignment's FFT holds
                                    // the whole envelope; 90 s keeps it under 1 GB)

typedef struct {
    double mos;                        // MOS-LQO, 1..5; NAN with why set
    double vnsim;                      // mean of fvnsim
    double fvnsim[EV_VISQOL_BANDS];    // mean NSIM per band (low to high), the SVR's features
    int    n_patches;
    const char *why;                   // NULL, or a static reason the value is undefined
} ev_visqol_result;

// ViSQOL of two mono signals at 48 kHz (ref n_ref samples, deg n_deg). Returns 0, or
// GD_ERR_NOMEM; an undefined score is res->why with mos NAN.
int ev_visqol_48k(ev_visqol_result *res, const double *ref, int64_t n_ref, const double *deg,
                  int64_t n_deg);

// The same for float mono signals at any rate (resampled to 48 kHz with libsamplerate's best
// sinc first): the MOS, or null with the reason. Allocation failure is a null too.
ev_val ev_visqol(const float *ref, int64_t n_ref, const float *est, int64_t n_est, int rate);

// The SVR model (eval/visqol_model.c): f(x) = sum_i coef[i] exp(-gamma |x - sv[i]|^2) - rho.
extern const double ev_visqol_svr_gamma, ev_visqol_svr_rho;
extern const double ev_visqol_svr_coef[EV_VISQOL_SVR_N];
extern const double ev_visqol_svr_sv[EV_VISQOL_SVR_N][EV_VISQOL_BANDS];
double ev_visqol_svr(const double *fvnsim);

// ---- stages, for tests (visqol_*.c) ----

// Gammatone spectrogram of x (n > EV_VISQOL_WIN samples at 48 kHz): *frames =
// 1 + (n - WIN) / HOP columns, out (BANDS x frames, band-major, low band first, malloc'd).
// Returns 0, GD_ERR_ARG (too short) or GD_ERR_NOMEM.
int ev_visqol_spectrogram(double **out, int *frames, const double *x, int64_t n);
// dB (10 log10 |x|, 0 -> DBL_EPSILON), floor -45 dB, per-frame floor of the louder signal's
// peak - 45 dB over the common frames, then both shifted so the global minimum is 0. In place.
void ev_visqol_prepare(double *ref, int fr, double *deg, int fd);
// NSIM of two BANDS x w patches (row strides sr, sd): per-band mean similarity to band_means
// (may be NULL); returns the mean over bands.
double ev_visqol_nsim(const double *ref, int sr, const double *deg, int sd, int w,
                      double *band_means);
// The lag k (samples, |k| < max(na, nb)) maximising c[k] = sum_n ea[n + k] eb[n], ea and eb
// the Hilbert upper envelopes of a and b (b late by D gives -D); the first maximum in k
// order. *ok = 0 on allocation failure.
int64_t ev_visqol_best_lag(const double *a, int64_t na, const double *b, int64_t nb, int *ok);

// A double-precision FFTW r2c plan of n points (fftw_plan; made under ViSQOL's planner
// lock, cached; *owned = 1: release it), for buffers from fftw_alloc_*. NULL on failure.
void *ev_fftw_r2c_plan(int n, int *owned);
void  ev_fftw_plan_release(void *plan, int owned);

#endif
