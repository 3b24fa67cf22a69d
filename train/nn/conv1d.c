// conv1d.c: see conv1d.h. One GEMM per batch item: out_b (Co, To) = w (Co, Ci*K) col_b.
#include "train/nn/conv1d.h"

#include "train/nn/gemm.h"

#include "train/nn/im2col.h"

// 1x1, stride 1, no padding: the input itself is the column matrix.
static int is_pointwise(const rv_conv1d_shape *s) {
    return s->k == 1 && s->stride == 1 && s->pad_l == 0 && s->pad_r == 0;
}

void RV(conv1d_fwd)(rv_real *out, const rv_real *in, const rv_real *w, const rv_real *bias,
                    int B, int T_in, const rv_conv1d_shape *sh, rv_real *scratch) {
    int To = rv_conv1d_t_out(sh, T_in), Co = sh->c_out, CK = sh->c_in * sh->k;
    for (int b = 0; b < B; b++) {
        const rv_real *inb = in + (long)b * sh->c_in * T_in;
        rv_real *outb = out + (long)b * Co * To;
        const rv_real *col = inb;
        if (!is_pointwise(sh)) {
            RV(im2col)(scratch, inb, sh->c_in, T_in, sh->k, sh->stride, sh->dil, sh->pad_l, To);
            col = scratch;
        }
        RV(gemm)(CblasNoTrans, CblasNoTrans, Co, To, CK, 1, w, CK, col, To, 0,
                outb, To);
        if (bias) {
            #pragma omp parallel for schedule(static) if((long)Co * To > RV_PAR_MIN)
            for (int o = 0; o < Co; o++)
                for (int t = 0; t < To; t++) outb[(long)o * To + t] += bias[o];
        }
    }
}

void RV(conv1d_bwd)(rv_real *din, rv_real *dw, rv_real *dbias, const rv_real *dout,
                    const rv_real *in, const rv_real *w, int B, int T_in,
                    const rv_conv1d_shape *sh, rv_real *scratch) {
    int To = rv_conv1d_t_out(sh, T_in), Co = sh->c_out, CK = sh->c_in * sh->k;
    int pw = is_pointwise(sh);
    for (int b = 0; b < B; b++) {
        const rv_real *inb = in ? in + (long)b * sh->c_in * T_in : NULL;
        const rv_real *doutb = dout + (long)b * Co * To;
        if (dbias) {
            for (int o = 0; o < Co; o++) {
                double s = 0;
                for (int t = 0; t < To; t++) s += doutb[(long)o * To + t];
                dbias[o] += (rv_real)s;
            }
        }
        if (dw) {
            const rv_real *col = inb;
            if (!pw) {
                RV(im2col)(scratch, inb, sh->c_in, T_in, sh->k, sh->stride, sh->dil, sh->pad_l,
                           To);
                col = scratch;
            }
            RV(gemm)(CblasNoTrans, CblasTrans, Co, CK, To, 1, doutb, To, col, To,
                    1, dw, CK);
        }
        if (din) {
            rv_real *dinb = din + (long)b * sh->c_in * T_in;
            if (pw) {
                RV(gemm)(CblasTrans, CblasNoTrans, CK, To, Co, 1, w, CK, doutb, To,
                        1, dinb, To);
            } else {
                RV(gemm)(CblasTrans, CblasNoTrans, CK, To, Co, 1, w, CK, doutb, To,
                        0, scratch, To);
                RV(col2im)(dinb, scratch, sh->c_in, T_in, sh->k, sh->stride, sh->dil, sh->pad_l,
                           To);
            }
        }
    }
}
