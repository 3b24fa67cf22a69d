// pqmf.h: the 16-band pseudo-QMF bank of RAVE (attenuation 100 dB), analysis and synthesis.
//
// Prototype: Kaiser-windowed sinc, N = 377 taps, beta = 10.06126, cutoff wc = 0.10751953125
// rad/sample (c = wc/pi), h[n] = c sinc(c (n - 188)) kaiser(n) -- the constants of
// docs/rave-v2.md section 2, hard-coded (the Nelder-Mead design is not re-run).
// Bank: h_k[t] = 2 h[t] cos((2k+1) pi/32 t + (-1)^k pi/4), t = -188..188, zero-padded to 512
// taps (67 left, 68 right). The extra 513th (analysis) / 33rd (synthesis) zero tap goes at the
// END of each kernel.
// Analysis: x (B, 1, N) -> y (B, 16, N/16): conv, stride 16, pad (256, 256), then reverse_half
// (negate even time indices of odd bands).
// Synthesis: reverse_half, 16 -> 16 conv with the time-reversed polyphase bank
// (K = 33, pad (16, 16)), times 16, channel flip, interleave: y (B, 16, T) -> x (B, 1, 16 T).
// The round trip is the identity delayed by RV_PQMF_DELAY = 16 samples, ~60 dB SNR.
// Scratch: rv_pqmf_scratch(B, N) values. Backward passes ACCUMULATE into dx / dy.
#ifndef RV_PQMF_H
#define RV_PQMF_H

#include <stddef.h>

#include "train/nn/rv_real.h"

#define RV_PQMF_BANDS 16
#define RV_PQMF_TAPS  377
#define RV_PQMF_DELAY 16

typedef struct {
    rv_real proto[RV_PQMF_TAPS];             // prototype low-pass h
    rv_real ana[RV_PQMF_BANDS * 513];        // (16, 1, 513)
    rv_real syn[RV_PQMF_BANDS * RV_PQMF_BANDS * 33];  // (16, 16, 33)
} rv_pqmf;

// Work values needed for batch B and N samples (N a multiple of 16).
static inline size_t rv_pqmf_scratch(int B, long N) {
    long T = N / RV_PQMF_BANDS;
    size_t col = (size_t)513 * T > (size_t)16 * 33 * T ? (size_t)513 * T : (size_t)16 * 33 * T;
    return col + 2 * (size_t)B * RV_PQMF_BANDS * T;
}

void rv_pqmf_init(rv_pqmf *p);
void rv_pqmf_analysis_fwd(rv_real *y, const rv_real *x, const rv_pqmf *p, int B, long N,
                          rv_real *scratch);
void rv_pqmf_analysis_bwd(rv_real *dx, const rv_real *dy, const rv_pqmf *p, int B, long N,
                          rv_real *scratch);
void rv_pqmf_synthesis_fwd(rv_real *x, const rv_real *y, const rv_pqmf *p, int B, long N,
                           rv_real *scratch);
void rv_pqmf_synthesis_bwd(rv_real *dy, const rv_real *dx, const rv_pqmf *p, int B, long N,
                           rv_real *scratch);
// Multiplies even time indices of odd bands by -1 (an involution). y is (B, 16, T).
void rv_pqmf_reverse_half(rv_real *y, int B, long T);

#endif
