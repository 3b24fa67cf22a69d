// stft.h: short-time Fourier transform in the torch.stft convention.
//
// Window: periodic Hann of win_length (0: n_fft), zero-padded centred inside n_fft.
// center=1: the signal is reflect-padded by n_fft/2 on both sides (torch default), giving
// n_frames = 1 + n / hop; center=0: n_frames = 1 + (n - n_fft) / hop (0 if n < n_fft).
// Layouts: complex spectra are (T, F, 2) with F = n_fft/2 + 1, re/im interleaved, F fastest;
// magnitudes are (T, F). Frame t covers input samples [t*hop - pad, t*hop - pad + n_fft).
// Not normalised (torch normalized=False). ISTFT is the least-squares inverse (window-sum
// normalisation, torch.istft).
// Reflect padding needs n > n_fft/2; shorter inputs are zero-padded instead (documented
// departure from torch, which refuses them).
// Thread-safety: reentrant; scratch is allocated per call, not per frame.
#ifndef GD_STFT_H
#define GD_STFT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    int n_fft;
    int hop;
    int win_length;   // 0 means n_fft
    int center;       // 1: reflect pad n_fft/2 (torch default)
} gd_stft_cfg;

// Number of frames for n input samples.
int64_t gd_stft_n_frames(const gd_stft_cfg *cfg, int64_t n);
// Number of bins, n_fft/2 + 1.
int gd_stft_n_bins(const gd_stft_cfg *cfg);

// Fills w (n_fft) with the periodic Hann window of win_length, centred, zero-padded.
void gd_stft_window(float *w, const gd_stft_cfg *cfg);

// Complex STFT: spec (T, F, 2) for x (n). Returns 0 or a GD_ERR_*.
int gd_stft(float *spec, const float *x, int64_t n, const gd_stft_cfg *cfg);
// Magnitude STFT: mag (T, F) = |X|.
int gd_stft_mag(float *mag, const float *x, int64_t n, const gd_stft_cfg *cfg);
// Inverse: y (n) from spec (T, F, 2), T = gd_stft_n_frames(cfg, n).
int gd_istft(float *y, int64_t n, const float *spec, const gd_stft_cfg *cfg);

#ifdef __cplusplus
}
#endif
#endif
