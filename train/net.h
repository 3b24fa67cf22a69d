// net.h: a sequential stack of 1-D layers (conv, transposed conv, dilated residual unit),
// each optionally preceded by LeakyReLU(0.2) and weight-normalised, with forward and backward
// over caller-owned blocks. The encoder, decoder and discriminator towers are rv_nets.
//
// Memory: parameters P and gradients G live in an rv_params block (offsets recorded here);
// effective (weight-normalised) weights W and their gradients DW in per-net blocks of
// rv_net.w_total floats; activations in one block of rv_net_act_size() floats bound with
// rv_net_bind(); scratch of rv_net_scratch() floats; four work buffers of rv_net_max_io()
// floats for the backward. Shapes are (B, C, T), T contiguous.
// Thread-safety: one net per thread of control; the ops parallelise internally (OpenMP).
#ifndef RV_NET_H
#define RV_NET_H

#include <stddef.h>

#include "train/backend.h"
#include "train/nn/conv1d.h"
#include "train/nn/convt1d.h"
#include "train/params.h"

enum { RV_PRE_ACT = 1, RV_WN = 2, RV_BIAS = 4 };
typedef enum { RV_L_CONV, RV_L_CONVT, RV_L_RES } rv_layer_kind;

typedef struct {
    rv_layer_kind    kind;
    int              flags;
    rv_conv1d_shape  cs;        // RV_L_CONV; RV_L_RES: the k-tap conv (C -> C)
    rv_convt1d_shape ts;        // RV_L_CONVT
    long v, g, b, v2, g2;       // offsets in P (-1: none); v2/g2: 1x1 conv of a RES
    long w, w2;                 // offsets in W / DW (or in P / G when not weight-normed)
    int  rows, rows2;           // weight-norm rows (dim 0)
    long nw, nw2;               // weight sizes
    int  c_in, c_out, t_in, t_out;
    float *act, *out, *a1, *h1, *a2;
} rv_layer;

typedef struct {
    const rv_backend *be;       // ops table (rv_backend_cpu unless set after rv_net_init)
    char      prefix[32];
    rv_layer *L;
    int       n, cap;
    long      w_total;
    int       B;
    const float *input;         // last forward input
} rv_net;

void rv_net_init(rv_net *n, const char *prefix);
void rv_net_free(rv_net *n);
void rv_net_conv(rv_net *n, rv_params *p, int c_in, int c_out, int k, int stride, int dil,
                 int pad_l, int pad_r, int flags);
void rv_net_convt(rv_net *n, rv_params *p, int c_in, int c_out, int k, int stride, int pad,
                  int flags);
// Dilated residual unit (weight-normed, no bias, centered padding).
void rv_net_res(rv_net *n, rv_params *p, int C, int k, int dil);

// Sets every layer's time length for batch B and input length t_in. GD_ERR_ARG if a layer
// would get a non-positive length.
int    rv_net_plan(rv_net *n, int B, int t_in);
size_t rv_net_act_size(const rv_net *n);
void   rv_net_bind(rv_net *n, float *acts);
size_t rv_net_scratch(const rv_net *n);
size_t rv_net_max_io(const rv_net *n);
int    rv_net_t_out(const rv_net *n);
int    rv_net_c_out(const rv_net *n);

// Initialises v ~ U(+-1/sqrt(fan_in)) (PyTorch default; fan_in = dim1 * k), g = |v|, biases
// U(+-1/sqrt(fan_in)), from a seeded stream.
void rv_net_init_params(const rv_net *n, float *P, unsigned long long seed);
// W = weight_norm(P) for every weight-normed layer.
void rv_net_weights(const rv_net *n, const float *P, float *W);
// Forward; returns the output (the last layer's buffer, (B, c_out, t_out)).
const float *rv_net_fwd(rv_net *n, const float *P, const float *W, const float *in,
                        float *scratch);
// Backward of the last forward. Zeroes DW, ACCUMULATES into G and (if not NULL) din.
void rv_net_bwd(rv_net *n, const float *P, const float *W, float *G, float *DW, float *din,
                const float *dout, float *scratch, float *bufs[4]);

// Receptive field: the input interval [*lo, *hi] that output frames [a, b] depend on
// (zero padding ignored: an upper bound, exact up to zero taps).
void rv_net_rf(const rv_net *n, long a, long b, long *lo, long *hi);

#endif
