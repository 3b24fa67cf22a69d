// gnet.cuh: a device copy of an rv_net (train/net.h) and its forward / backward on the GPU,
// shared by the generator (gpu_model.cu) and the discriminator (gpu_disc.cu). Internal.
// Layer tables are copied from the CPU net (shapes, parameter offsets); activations live in a
// caller-owned device block bound with rv_gn_bind. LeakyReLU is fused into the unfolding of
// non-pointwise PRE_ACT convs and of the residual units' k-tap conv (no stored activation).
// W / DW are the net's effective-weight and weight-gradient bases (device); parameters P and
// gradients G are passed per call, like the CPU rv_net_fwd / rv_net_bwd.
#ifndef RV_GNET_CUH
#define RV_GNET_CUH

#include "train/cuda/common.cuh"

extern "C" {
#include "core/error.h"
#include "train/net.h"
#include "train/nn/resunit.h"
}

typedef struct {
    rv_layer l;                  // copy of the CPU layer (shapes, offsets); pointers unused
    float *act, *out, *a1, *h1, *a2;
} glayer;

typedef struct {
    glayer *L;
    int     n;
    long    w_total;
    float  *W, *DW;
    const float *input;
} gnet;

// What a net's layers run with, for per-layer timing (rv_gpu_layer_profile): batch rows,
// items per GEMM call, parameters and gradients, scratch and the four io buffers.
typedef struct {
    int    rows, nb;
    float *P, *G, *scratch, *bufs[4];
} rv_layer_ctx;

static inline size_t rv_gn_io_in(int B, const rv_layer *l) {
    return (size_t)B * l->c_in * l->t_in;
}
// LeakyReLU fused into the unfolding of a conv's input: no stored activation (PRE_ACT convs
// that are not pointwise; the k-tap conv of a residual unit, whose a1 is then not stored).
static inline int rv_gn_fused_pre(const rv_layer *l) {
    return l->kind == RV_L_CONV && (l->flags & RV_PRE_ACT) && !rv_cu_is_pointwise(&l->cs);
}
static inline int rv_gn_res_needs_a1(const rv_layer *l) {
    return l->kind == RV_L_RES && rv_cu_is_pointwise(&l->cs);
}
static inline size_t rv_gn_io_out(int B, const rv_layer *l) {
    return (size_t)B * l->c_out * l->t_out;
}
static inline const float *rv_gn_wptr(const rv_layer *l, const float *P, const float *W) {
    return (l->flags & RV_WN) ? W + l->w : P + l->w;
}

// Copies n's layers and plans them for input length t_in (batch is given per call).
int    rv_gn_copy(gnet *g, const rv_net *n, int B, int t_in);
size_t rv_gn_act_size(const gnet *g, int B);
void   rv_gn_bind(gnet *g, int B, float *acts);
size_t rv_gn_scratch(const gnet *g);          // one batch item
size_t rv_gn_max_w(const gnet *g);            // largest weight tensor
size_t rv_gn_max_io(const gnet *g, int B);
double rv_gn_macs(const gnet *g, int B);
void   rv_gn_weights(gnet *g, const float *P);
// Forward of batch B (nb items per GEMM call); returns the last layer's output.
const float *rv_gn_fwd(gnet *g, int B, const float *P, const float *in, float *scratch, int nb);
// Backward of the last forward: zeroes DW, ACCUMULATES into G and (if not NULL) din.
void   rv_gn_bwd(gnet *g, int B, const float *P, float *G, float *din, const float *dout,
                 float *scratch, float *bufs[4], int nb);

#endif
