// spec.h: STFT power/magnitude spectrograms with per-signal caching, shared by the metrics.
//
// Convention (eval-metrics.md section 0): periodic Hann of win samples centred in n_fft,
// center=True padding of n_fft/2 on both sides (reflect like torch.stft, or zeros like
// librosa >= 0.10), n_frames = 1 + n / hop, unnormalised FFT. Reflect padding needs
// n > n_fft/2; shorter signals are zero-padded (as core/stft.h does).
// Layout: (T, F) row-major, F = n_fft/2 + 1 fastest. The cache keeps mag = |X| only (power
// is mag^2, formed where needed).
// An ev_sig borrows its samples (caller keeps them alive) and owns its cached spectra.
// Thread-safety: one ev_sig per thread.
#ifndef EV_SPEC_H
#define EV_SPEC_H

#include <stdint.h>

typedef enum { EV_PAD_REFLECT = 0, EV_PAD_ZERO = 1 } ev_pad;

typedef struct {
    int    n_fft;
    int    hop;
    int    win;    // window length <= n_fft
    ev_pad pad;
} ev_stft_cfg;

typedef struct {
    ev_stft_cfg cfg;
    int64_t     n_frames;   // T
    int         n_bins;     // F
    float      *mag;        // (T, F)
} ev_spec;

#define EV_SPEC_CACHE 24

typedef struct {
    const float *x;         // borrowed, n samples
    int64_t      n;
    int          n_cached;
    ev_spec      cache[EV_SPEC_CACHE];
} ev_sig;

void ev_sig_init(ev_sig *s, const float *x, int64_t n);
// Frees cached spectra. NULL-safe.
void ev_sig_free(ev_sig *s);
// Spectrogram for cfg (computed on first use, then cached). NULL on allocation failure.
const ev_spec *ev_sig_spec(ev_sig *s, const ev_stft_cfg *cfg);

// Computes the (T, F) power (mag = 0) or magnitude (mag = 1) spectrogram of x (n) into out
// (caller-allocated, ev_stft_frames(cfg, n) * (n_fft/2+1) floats). Returns 0 or GD_ERR_NOMEM.
int ev_stft_power(float *out, const float *x, int64_t n, const ev_stft_cfg *cfg);
int ev_stft_spec(float *out, const float *x, int64_t n, const ev_stft_cfg *cfg, int mag);
int64_t ev_stft_frames(const ev_stft_cfg *cfg, int64_t n);
// Rows t0 .. t0+count-1 of the same spectrogram into out (count * (n_fft/2+1) floats), for
// metrics that consume it block by block instead of keeping it (identical values).
int ev_stft_spec_range(float *out, const float *x, int64_t n, const ev_stft_cfg *cfg, int mag,
                       int64_t t0, int64_t count);

// Periodic Hann window of wl samples (float: 0.5 - 0.5 cos(2 pi i / wl)), shared and
// immutable (built once per length, kept until exit); NULL on allocation failure.
const float *ev_hann(int wl);

// Mel filterbank (librosa.filters.mel defaults: Slaney scale, Slaney area norm), stored
// sparsely: band m has weights w[off[m] .. off[m]+len[m]) for bins start[m]...
typedef struct {
    int    n_mels, n_bins;
    int   *start, *len, *off;
    float *w;
} ev_melbank;

int  ev_melbank_init(ev_melbank *mb, int rate, int n_fft, int n_mels, double f_lo, double f_hi);
void ev_melbank_free(ev_melbank *mb);
// Shared, immutable bank for (rate, n_fft, n_mels) over 0..rate/2, built once per process
// (thread-safe); NULL on allocation failure. ev_melbank_cache_clear frees them all (call only
// when no thread uses a bank).
const ev_melbank *ev_melbank_get(int rate, int n_fft, int n_mels);
// The same for a band f_lo .. f_hi Hz (ev_melbank_init's arguments).
const ev_melbank *ev_melbank_get_range(int rate, int n_fft, int n_mels, double f_lo, double f_hi);
void ev_melbank_cache_clear(void);
// mel (T, n_mels) = spec (T, F) projected on the bank.
void ev_melbank_apply(const ev_melbank *mb, double *mel, const float *spec, int64_t n_frames);
// mel (T, n_mels) = mag^2 (T, F) projected on the bank (mel power from a magnitude spectrogram).
void ev_melbank_apply_pow(const ev_melbank *mb, double *mel, const float *mag, int64_t n_frames);
// Slaney mel scale (librosa htk=False) and its inverse.
double ev_hz_to_mel(double hz);
double ev_mel_to_hz(double mel);

#endif
