// fftwise.h: real FFTs from committed FFTW wisdom (single precision), for the hot loops of
// eval's metrics and augment's reverb.
//
// Same transforms and conventions as core/fft.h (interleaved complex, n/2+1 bins,
// unnormalised). An even n >= 16 runs as FFTW's complex FFT of n/2 points plus our own
// vectorised split pass (1.6-2x faster than FFTW's real plans of 128-2048 points with
// Debian's FFTW, whose real-data pass is scalar; results agree to float rounding, ~2e-7 of
// the largest bin); other n use FFTW's real plans. Plans come from committed FFTW wisdom
// (core/fft_wisdom.h, measured once by core/lab/gen_wisdom.c) when it applies to this FFTW
// build and CPU, else from FFTW_ESTIMATE. Either way the plan for a size is fixed for a
// given machine and FFTW build, so results are deterministic run to run and for any thread
// count, and the split pass gives the same bits on every instruction set.
// The wisdom is imported, used and forgotten under a lock, so plans made elsewhere in the
// process (core/fft.c) never see it; the FFTW planner is made thread-safe on first use.
// wise = 0 asks for the FFTW_ESTIMATE plan even where wisdom exists.
// Buffers MUST be SIMD-aligned (gd_fft_alloc, core/fft.h); in is never modified.
// Thread-safety: any number of threads may call gd_fftwise_* at once.
#ifndef GD_FFTWISE_H
#define GD_FFTWISE_H

// Forward real FFT of n samples -> n/2+1 complex (2*(n/2+1) floats). 0 or GD_ERR_*.
int gd_fftwise_r2c(int n, int wise, const float *in, float *out);
// Inverse (unnormalised): n/2+1 complex -> n real. in is preserved.
int gd_fftwise_c2r(int n, int wise, const float *in, float *out);
// The plan itself, for loops over many frames of one size (skips the lookup per call);
// NULL on failure. gd_fftwise_exec_r2c runs it (same rules as gd_fftwise_r2c).
const void *gd_fftwise_plan_r2c(int n, int wise);
void gd_fftwise_exec_r2c(const void *plan, const float *in, float *out);
// The plan's power spectrum out[k] = re^2 + im^2 of bin k <= n/2 (mag = 1: its sqrtf, the
// magnitude), bit-identical to squaring gd_fftwise_exec_r2c's output bin by bin (while no
// value is subnormal, see fftwise.c), without writing the complex bins out: the split pass
// computes the powers directly. scratch: n + 2 floats, aligned; out: n/2 + 1 floats.
void gd_fftwise_exec_r2c_power(const void *plan, const float *in, float *scratch, float *out, int mag);
// 1 when the plan for (n, inverse) came from the committed wisdom (for tests and reports).
int gd_fftwise_from_wisdom(int n, int inverse);

#endif
