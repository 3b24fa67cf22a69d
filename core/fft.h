// fft.h: real FFTs on FFTW single precision with a thread-safe plan cache.
//
// Spectra are interleaved complex (re, im) pairs, n/2 + 1 bins for a real length-n signal.
// Unnormalised like FFTW and numpy: inverse(forward(x)) = n * x.
// Plans are made with FFTW_ESTIMATE (deterministic: the same algorithm every run) and
// cached per (n, direction, alignment); creation is serialised by a mutex, execution is
// lock-free, so any number of threads may call gd_fft_* at once.
// Buffers may be any alignment; fftwf_malloc'd (gd_fft_alloc) buffers take the faster path.
#ifndef GD_FFT_H
#define GD_FFT_H

#ifdef __cplusplus
extern "C" {
#endif

// Forward real FFT: in (n) -> out (n/2+1 complex = 2*(n/2+1) floats). in is not modified.
int gd_fft_r2c(int n, const float *in, float *out);
// Inverse: in (n/2+1 complex) -> out (n real), unnormalised. in is not modified.
int gd_fft_c2r(int n, const float *in, float *out);

// SIMD-aligned allocation for FFT buffers (n floats); free with gd_fft_free.
float *gd_fft_alloc(long n);
void gd_fft_free(void *p);

// Frees every cached plan. Call only when no thread is using gd_fft_*.
void gd_fft_cleanup(void);

#ifdef __cplusplus
}
#endif
#endif
