// metrics.h: the individual metrics behind ev_pair_* (one per file; definitions and
// validation vectors in docs/eval-metrics.md, section numbers given per function).
//
// ev_val carries a finite value or a static reason why the metric is undefined.
// Signals are mono float arrays of n samples at rate Hz; ev_sig wraps one with its
// spectrogram cache (spec.h). Nothing here allocates memory that outlives a call.
#ifndef EV_METRICS_H
#define EV_METRICS_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "eval/spec.h"

typedef struct {
    double      v;     // NAN when undefined
    const char *why;   // NULL when defined
} ev_val;

static inline ev_val ev_ok(double v) {
    ev_val r = {v, NULL};
    if (!isfinite(v)) { r.v = NAN; r.why = "not finite"; }
    return r;
}
static inline ev_val ev_null(const char *why) { ev_val r = {NAN, why}; return r; }

// §1.4 RAVE-v1 multiscale spectral distance: scales 2048..128, hop s/4, reflect, summed
// over scales of mean((R-T)^2)/mean(R^2) + mean|ln(R+1e-7) - ln(T+1e-7)|.
ev_val ev_rave_mss(ev_sig *ref, ev_sig *est);
// The same, abandoned (null, "above the search bound") as soon as the partial sum over the
// scales exceeds stop_above > 0 (0: never): for nearest-neighbour searches.
ev_val ev_rave_mss_bounded(ev_sig *ref, ev_sig *est, double stop_above);

// §1.2 auraloss MultiResolutionSTFTLoss defaults: mean over (1024,120,600), (2048,240,1200),
// (512,50,240) of SC + logmag; power floor 1e-8. sc/logmag are the two parts (averaged).
// Null when every reference bin sits at the floor (SC would be a ratio of floors).
void ev_mrstft(ev_sig *ref, ev_sig *est, ev_val *total, ev_val *sc, ev_val *logmag);

// §2.2 multi-scale log-mel distance (DAC base.yml): windows 32..2048 with 5..320 Slaney mels,
// hop w/4, magnitude mel, L1 of log10(max(mel, 1e-5)), summed over the 7 scales.
ev_val ev_mel_l1(ev_sig *ref, ev_sig *est, int rate);

// §2.4 LSD in dB: n_fft 2048, hop 512, power floored at max(ref power) * 1e-8; mean over
// frames of sqrt(mean over bins (10 log10 Pr - 10 log10 Pt)^2). active: frames whose
// reference energy is within 60 dB of the loudest frame.
void ev_lsd(ev_sig *ref, ev_sig *est, ev_val *all, ev_val *active);

// §2.3 MCD-MFCC13-lnpow-noC0: 128 Slaney mels on the 2048/512 power spectrogram, natural log
// with a per-signal relative floor max*1e-8, DCT-II ortho, c1..c13, 10/ln10*sqrt(2 sum d^2)
// averaged over frames.
ev_val ev_mcd(ev_sig *ref, ev_sig *est, int rate);

// §2.5 SI-SDR in dB (zero-mean, alpha = <t,r>/|r|^2).
ev_val ev_si_sdr(const float *ref, const float *est, int64_t n);

// §4 BS.1770 integrated loudness (LUFS) and max momentary loudness (400 ms blocks, read
// every 100 ms) of planar (C, n) audio through libebur128. Integrated: BS.1770's blocks of
// the clip alone (n < 400 ms: padded with silence to one block). Momentary readings run on
// over pad_s seconds of appended silence (one-shots: windows past the end). -inf values
// become ev_null with a reason.
void ev_loudness(const float *planar, int n_channels, int64_t n, int rate, double pad_s,
                 ev_val *integrated, ev_val *momentary_max);

// §5.1 onsets: spectral-flux detector (n_fft 512, hop 128, log-compressed magnitude,
// librosa-style peak picking). Writes up to max_onsets times (seconds) and returns the count
// (-1 on allocation failure).
int ev_onsets(ev_sig *s, int rate, double *times, int max_onsets);
// The same from a precomputed flux (T frames of hop 128, as scales.h's pass makes it);
// flux is normalised in place.
int ev_onsets_flux(double *flux, int64_t T, int rate, double *times, int max_onsets);
// mir_eval-style F-measure with a +-window (s) maximum matching; mean |offset| of the matched
// pairs (ms) to *offset_ms (NAN when nothing matched). Empty list on either side gives 0.
double ev_onset_f(const double *ref, int n_ref, const double *est, int n_est, double window,
                  double *offset_ms);

// §5.2 one-pole envelope follower on |x| (attack/release time constants in ms), env (n).
void ev_envelope_follow(float *env, const float *x, int64_t n, int rate, double attack_ms,
                        double release_ms);
// 20 % -> 90 % attack time of an envelope (ms); null when the envelope is all zero.
ev_val ev_attack_ms(const float *env, int64_t n, int rate);
// The same of x's follower envelope without keeping it (two runs of the follower): equal to
// ev_envelope_follow then ev_attack_ms.
ev_val ev_attack_ms_of(const float *x, int64_t n, int rate, double attack_ms, double release_ms);

// §5.3 RMS envelope L1 distance in dB: 5 ms frames, 1 ms hop, both floored at -60 dB below
// the reference peak, averaged over frames where the reference is above the floor.
ev_val ev_envelope_l1_db(const float *ref, const float *est, int64_t n, int rate);

// §5.3 Schroeder backward-integrated decay from the signal peak, line fitted between -5 and
// -25 dB, extrapolated to T60 (s).
ev_val ev_decay_t60(const float *x, int64_t n, int rate);

// §5.4 lowest-spectral-peak f0 track over the first 500 ms from the reference peak:
// f0_ref/f0_est are the median frequencies (Hz) and err the median |cents| difference over
// frames where both are pitched.
void ev_f0(const float *ref, const float *est, int64_t n, int rate, ev_val *f0_ref,
           ev_val *f0_est, ev_val *err_cents);

// Share of the energy below cutoff_hz (0..1) of the mean-removed signal, from its whole-signal
// power spectrum (zero-padded to a power of two); null when silent. The pair suite uses 60 Hz.
ev_val ev_low_energy_share(const float *x, int64_t n, int rate, double cutoff_hz);

// §0 lag in [-max_lag, max_lag] maximising sum_n ref[n] est[n + lag] (ties: smallest |lag|).
// Returns 0 for silent signals. -1 on allocation failure is reported through *ok = 0.
int64_t ev_align_lag(const float *ref, int64_t n_ref, const float *est, int64_t n_est,
                     int64_t max_lag, int *ok);

#endif
