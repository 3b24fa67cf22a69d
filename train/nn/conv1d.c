// conv1d.c: see conv1d.h. Two paths per batch item:
//  - im2col: out_b (Co, To) = w (Co, Ci*K) col_b, col_b the unfolded input (Ci*K, To);
//  - shifted (stride 1 and To >= 2 Co): out_b = sum_k W_k x_b[:, t + k*d - pad_l], one GEMM per
//    tap on a shifted view of the input (W_k = w[:, :, k] permuted into scratch), which avoids
//    writing and reading the K-times larger column matrix when the signal is long.
#include "train/nn/conv1d.h"

#include "train/nn/gemm.h"

#include <string.h>

#include "train/nn/im2col.h"

// 1x1, stride 1, no padding: the input itself is the column matrix.
static int is_pointwise(const rv_conv1d_shape *s) {
    return s->k == 1 && s->stride == 1 && s->pad_l == 0 && s->pad_r == 0;
}

// Shifted path when it saves memory traffic; needs 2 Co Ci K <= Ci K To scratch values.
static int use_shifted(const rv_conv1d_shape *s, int To) {
    return s->stride == 1 && s->k > 1 && To >= 2 * s->c_out;
}

// Output columns [*t0, *t1) for which tap k reads inside the input.
static void tap_range(const rv_conv1d_shape *s, int k, int T_in, int To, int *t0, int *t1) {
    int off = k * s->dil - s->pad_l;
    *t0 = off < 0 ? -off : 0;
    *t1 = T_in - off < To ? T_in - off : To;
    if (*t1 < *t0) *t1 = *t0;
}

// wk (K, Co, Ci) from w (Co, Ci, K).
static void permute_taps(rv_real *wk, const rv_real *w, int Co, int Ci, int K) {
    for (int o = 0; o < Co; o++)
        for (int c = 0; c < Ci; c++)
            for (int k = 0; k < K; k++)
                wk[((long)k * Co + o) * Ci + c] = w[((long)o * Ci + c) * K + k];
}

static void fwd_shifted(rv_real *outb, const rv_real *inb, const rv_real *wk, int T_in, int To,
                        const rv_conv1d_shape *sh) {
    int Co = sh->c_out, Ci = sh->c_in;
    memset(outb, 0, sizeof(rv_real) * (size_t)Co * To);
    for (int k = 0; k < sh->k; k++) {
        int t0, t1, off = k * sh->dil - sh->pad_l;
        tap_range(sh, k, T_in, To, &t0, &t1);
        if (t1 > t0)
            rv_gemm(CblasNoTrans, CblasNoTrans, Co, t1 - t0, Ci, 1, wk + (long)k * Co * Ci, Ci,
                    inb + t0 + off, T_in, 1, outb + t0, To);
    }
}

void rv_conv1d_fwd(rv_real *out, const rv_real *in, const rv_real *w, const rv_real *bias,
                   int B, int T_in, const rv_conv1d_shape *sh, rv_real *scratch) {
    int To = rv_conv1d_t_out(sh, T_in), Co = sh->c_out, CK = sh->c_in * sh->k;
    if (use_shifted(sh, To)) {
        permute_taps(scratch, w, Co, sh->c_in, sh->k);
        for (int b = 0; b < B; b++) {
            rv_real *outb = out + (long)b * Co * To;
            fwd_shifted(outb, in + (long)b * sh->c_in * T_in, scratch, T_in, To, sh);
            if (bias)
                for (int o = 0; o < Co; o++)
                    for (int t = 0; t < To; t++) outb[(long)o * To + t] += bias[o];
        }
        return;
    }
    for (int b = 0; b < B; b++) {
        const rv_real *inb = in + (long)b * sh->c_in * T_in;
        rv_real *outb = out + (long)b * Co * To;
        const rv_real *col = inb;
        if (!is_pointwise(sh)) {
            rv_im2col(scratch, inb, sh->c_in, T_in, sh->k, sh->stride, sh->dil, sh->pad_l, To);
            col = scratch;
        }
        rv_gemm(CblasNoTrans, CblasNoTrans, Co, To, CK, 1, w, CK, col, To, 0,
                outb, To);
        if (bias) {
            #pragma omp parallel for schedule(static) if((long)Co * To > RV_PAR_MIN)
            for (int o = 0; o < Co; o++)
                for (int t = 0; t < To; t++) outb[(long)o * To + t] += bias[o];
        }
    }
}

// dbias[o] += sum over batch and time of dout[b, o, t], summed in double and rounded once: the
// score bias of a hinge D step is a near-cancelling sum of +-1/n terms (0 at init), which the
// GPU's double reduction gets exactly.
static void bias_grad(rv_real *dbias, const rv_real *dout, int B, int Co, int To) {
    for (int o = 0; o < Co; o++) {
        double s = 0;
        for (int b = 0; b < B; b++)
            for (int t = 0; t < To; t++) s += dout[((long)b * Co + o) * To + t];
        dbias[o] += (rv_real)s;
    }
}

static void bwd_shifted(rv_real *din, rv_real *dw, rv_real *dbias, const rv_real *dout,
                        const rv_real *in, const rv_real *w, int B, int T_in,
                        const rv_conv1d_shape *sh, rv_real *scratch) {
    int To = rv_conv1d_t_out(sh, T_in), Co = sh->c_out, Ci = sh->c_in, K = sh->k;
    long nw = (long)Co * Ci * K;
    rv_real *wk = scratch, *dwk = scratch + nw;
    permute_taps(wk, w, Co, Ci, K);
    if (dw) memset(dwk, 0, sizeof(rv_real) * nw);
    if (dbias) bias_grad(dbias, dout, B, Co, To);
    for (int b = 0; b < B; b++) {
        const rv_real *doutb = dout + (long)b * Co * To;
        for (int k = 0; k < K; k++) {
            int t0, t1, off = k * sh->dil - sh->pad_l;
            tap_range(sh, k, T_in, To, &t0, &t1);
            if (t1 <= t0) continue;
            if (dw)   // dW_k (Co, Ci) += dout[:, t0:t1] x[:, t0+off : t1+off]^T
                rv_gemm(CblasNoTrans, CblasTrans, Co, Ci, t1 - t0, 1, doutb + t0, To,
                        in + (long)b * Ci * T_in + t0 + off, T_in, 1, dwk + (long)k * Co * Ci, Ci);
            if (din)  // din[:, t0+off : t1+off] += W_k^T dout[:, t0:t1]
                rv_gemm(CblasTrans, CblasNoTrans, Ci, t1 - t0, Co, 1, wk + (long)k * Co * Ci, Ci,
                        doutb + t0, To, 1, din + (long)b * Ci * T_in + t0 + off, T_in);
        }
    }
    if (dw)
        for (int o = 0; o < Co; o++)
            for (int c = 0; c < Ci; c++)
                for (int k = 0; k < K; k++)
                    dw[((long)o * Ci + c) * K + k] += dwk[((long)k * Co + o) * Ci + c];
}

void rv_conv1d_bwd(rv_real *din, rv_real *dw, rv_real *dbias, const rv_real *dout,
                   const rv_real *in, const rv_real *w, int B, int T_in,
                   const rv_conv1d_shape *sh, rv_real *scratch) {
    int To = rv_conv1d_t_out(sh, T_in), Co = sh->c_out, CK = sh->c_in * sh->k;
    if (use_shifted(sh, To)) {
        bwd_shifted(din, dw, dbias, dout, in, w, B, T_in, sh, scratch);
        return;
    }
    int pw = is_pointwise(sh);
    if (dbias) bias_grad(dbias, dout, B, Co, To);
    for (int b = 0; b < B; b++) {
        const rv_real *inb = in ? in + (long)b * sh->c_in * T_in : NULL;
        const rv_real *doutb = dout + (long)b * Co * To;
        if (dw) {
            const rv_real *col = inb;
            if (!pw) {
                rv_im2col(scratch, inb, sh->c_in, T_in, sh->k, sh->stride, sh->dil, sh->pad_l,
                          To);
                col = scratch;
            }
            rv_gemm(CblasNoTrans, CblasTrans, Co, CK, To, 1, doutb, To, col, To,
                    1, dw, CK);
        }
        if (din) {
            rv_real *dinb = din + (long)b * sh->c_in * T_in;
            if (pw) {
                rv_gemm(CblasTrans, CblasNoTrans, CK, To, Co, 1, w, CK, doutb, To,
                        1, dinb, To);
            } else {
                rv_gemm(CblasTrans, CblasNoTrans, CK, To, Co, 1, w, CK, doutb, To,
                        0, scratch, To);
                rv_col2im(dinb, scratch, sh->c_in, T_in, sh->k, sh->stride, sh->dil, sh->pad_l,
                          To);
            }
        }
    }
}
