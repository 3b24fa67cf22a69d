// modal_fit.h: estimate the modes, glide and attack noise of one recorded hit.
//
// Pipeline (docs/drum-physmod.md 5.1): onset = first sample above 10% of the peak; the
// analysis starts skip_s later. The hit is split into 13 bands (30 Hz - 20 kHz, capped at 0.45 fs); each band is
// shifted to baseband, low-passed (Blackman-windowed sinc) and decimated so the band fills
// half the new rate, then analysed by the matrix pencil (pencil.h). Poles inside the band's
// own range with positive damping are kept; amplitudes are corrected for the filter gain, and
// phases referred back to the onset; levels are extrapolated back by at most back_db (default 0:
// held at their value at the window start, which suits real hits; pure modal signals want more). The strongest modes (by energy |A|^2 / 4 sigma) are kept.
// Glide: instantaneous frequency of the strongest mode above 200 Hz, 3-18 ms after the onset,
// relative to its fitted frequency, scaled to the peak-energy excess (clamped to [0, 0.1]). Attack noise: the residual of the modal
// resynthesis in the first 30 ms (level, decay time, zero-crossing frequency).
// Mode amplitudes describe the velocity output model x(t) = sum Re(a e^{(-sigma + i w) t}).
#ifndef SYN_MODAL_FIT_H
#define SYN_MODAL_FIT_H

#include <stdint.h>

#include "synth/synth.h"

typedef struct {
    double skip_s;      // analysis start after the onset, s (default 0.025)
    int    max_modes;   // modes kept (default 96)
    double min_t60;     // s, shorter poles are noise (default 0.005)
    double rel_thr;     // singular-value threshold relative to the largest (default 1e-4)
    double keep_db;     // energy threshold below the strongest mode, dB (default 50)
    double back_db;     // most level extrapolated from the window back to the onset, dB (0)
} syn_fit_opts;

typedef struct {
    syn_mode *modes;    // n_modes, ascending in frequency, owned (free with syn_fit_free)
    int       n_modes;
    int64_t   onset;    // samples
    int       rate;
    double    peak;     // |x| peak
    double    dur_s;    // from the onset to the end
    double    glide;    // fractional frequency excess at peak energy
    double    noise_level, noise_s, noise_hz;
    const char *why;    // static reason when the fit fails with GD_ERR_EMPTY
} syn_fit_result;

void syn_fit_opts_default(syn_fit_opts *o);

// Fits x (n samples at rate). Errors: GD_ERR_EMPTY (silent: peak below -80 dBFS, shorter
// than 50 ms after the onset, or no decaying modes; r->why says which), GD_ERR_NOMEM, GD_ERR_INTERNAL (LAPACK).
int  syn_fit_signal(syn_fit_result *r, const float *x, int64_t n, int rate,
                    const syn_fit_opts *o);
void syn_fit_free(syn_fit_result *r);

// Multi-resolution STFT distance (spectral convergence + mean log-magnitude L1, averaged over
// FFT sizes 2048/1024/512 with hops 240/120/50 and windows 1200/600/240) of x against ref.
double syn_mrstft(const float *x, const float *ref, int64_t n);

#endif
