// convt1d.c: see convt1d.h. col_b (Co*K, Ti) = w^T in_b, then col2im scatters into out_b,
// which is the adjoint of a strided convolution with the same geometry.
#include "train/nn/convt1d.h"

#include "train/nn/gemm.h"
#include <string.h>

#include "train/nn/im2col.h"

void rv_convt1d_fwd(rv_real *out, const rv_real *in, const rv_real *w, const rv_real *bias,
                    int B, int T_in, const rv_convt1d_shape *sh, rv_real *scratch) {
    int To = rv_convt1d_t_out(sh, T_in), Co = sh->c_out, Ci = sh->c_in, CK = Co * sh->k;
    for (int b = 0; b < B; b++) {
        const rv_real *inb = in + (long)b * Ci * T_in;
        rv_real *outb = out + (long)b * Co * To;
        rv_gemm(CblasTrans, CblasNoTrans, CK, T_in, Ci, 1, w, CK, inb, T_in, 0,
                scratch, T_in);
        memset(outb, 0, sizeof(rv_real) * (size_t)Co * To);
        rv_col2im(outb, scratch, Co, To, sh->k, sh->stride, 1, sh->pad, T_in);
        if (bias) {
            for (int o = 0; o < Co; o++)
                for (int t = 0; t < To; t++) outb[(long)o * To + t] += bias[o];
        }
    }
}

void rv_convt1d_bwd(rv_real *din, rv_real *dw, rv_real *dbias, const rv_real *dout,
                    const rv_real *in, const rv_real *w, int B, int T_in,
                    const rv_convt1d_shape *sh, rv_real *scratch) {
    int To = rv_convt1d_t_out(sh, T_in), Co = sh->c_out, Ci = sh->c_in, CK = Co * sh->k;
    for (int b = 0; b < B; b++) {
        const rv_real *inb = in + (long)b * Ci * T_in;
        const rv_real *doutb = dout + (long)b * Co * To;
        if (dbias) {
            for (int o = 0; o < Co; o++) {
                double s = 0;
                for (int t = 0; t < To; t++) s += doutb[(long)o * To + t];
                dbias[o] += (rv_real)s;
            }
        }
        if (!dw && !din) continue;
        rv_im2col(scratch, doutb, Co, To, sh->k, sh->stride, 1, sh->pad, T_in);
        if (din)
            rv_gemm(CblasNoTrans, CblasNoTrans, Ci, T_in, CK, 1, w, CK, scratch,
                    T_in, 1, din + (long)b * Ci * T_in, T_in);
        if (dw)
            rv_gemm(CblasNoTrans, CblasTrans, Ci, CK, T_in, 1, inb, T_in, scratch,
                    T_in, 1, dw, CK);
    }
}
