// backend.h: the op table the model runs on (ggml_backend_i style), chosen once at start-up.
//
// Every entry has exactly the arguments of the CPU op it points to (train/nn/<op>.h); a CUDA
// backend (train/cuda/) fills the same table with rv_<op>_fwd_cuda / _bwd_cuda, so model.c,
// net.c and disc.c never name a device. Buffers passed to a backend's ops live on that
// backend's device.
#ifndef RV_BACKEND_H
#define RV_BACKEND_H

#include "train/nn/act.h"
#include "train/nn/adam.h"
#include "train/nn/adv.h"
#include "train/nn/conv1d.h"
#include "train/nn/convt1d.h"
#include "train/nn/mmd.h"
#include "train/nn/mss.h"
#include "train/nn/pqmf.h"
#include "train/nn/resunit.h"
#include "train/nn/wnorm.h"

typedef struct {
    const char *name;
    void (*conv1d_fwd)(float *out, const float *in, const float *w, const float *bias, int B,
                       int T_in, const rv_conv1d_shape *sh, float *scratch);
    void (*conv1d_bwd)(float *din, float *dw, float *dbias, const float *dout, const float *in,
                       const float *w, int B, int T_in, const rv_conv1d_shape *sh,
                       float *scratch);
    void (*convt1d_fwd)(float *out, const float *in, const float *w, const float *bias, int B,
                        int T_in, const rv_convt1d_shape *sh, float *scratch);
    void (*convt1d_bwd)(float *din, float *dw, float *dbias, const float *dout, const float *in,
                        const float *w, int B, int T_in, const rv_convt1d_shape *sh,
                        float *scratch);
    void (*resunit_fwd)(float *out, float *a1, float *h1, float *a2, const float *x,
                        const float *w1, const float *w2, int B, int C, int T, int k, int d,
                        float *scratch);
    void (*resunit_bwd)(float *dx, float *dw1, float *dw2, const float *dout, const float *x,
                        const float *a1, const float *h1, const float *a2, const float *w1,
                        const float *w2, int B, int C, int T, int k, int d, float *scratch,
                        float *tmp1, float *tmp2);
    void (*wnorm_fwd)(float *w, const float *v, const float *g, int rows, long n);
    void (*wnorm_bwd)(float *dv, float *dg, const float *dw, const float *v, const float *g,
                      int rows, long n);
    void (*lrelu_fwd)(float *out, const float *in, long n, float slope);
    void (*lrelu_bwd)(float *din, const float *dout, const float *in, long n, float slope);
    void (*amod_fwd)(float *out, const float *in, int B, int C, int T);
    void (*amod_bwd)(float *din, const float *dout, const float *in, int B, int C, int T);
    void (*pqmf_analysis_fwd)(float *y, const float *x, const rv_pqmf *p, int B, long N,
                              float *scratch);
    void (*pqmf_analysis_bwd)(float *dx, const float *dy, const rv_pqmf *p, int B, long N,
                              float *scratch);
    void (*pqmf_synthesis_fwd)(float *x, const float *y, const rv_pqmf *p, int B, long N,
                               float *scratch);
    void (*pqmf_synthesis_bwd)(float *dy, const float *dx, const rv_pqmf *p, int B, long N,
                               float *scratch);
    double (*mmd_fwd)(const float *z, const float *y, int B, int D, int T, double *scratch);
    void (*mmd_bwd)(float *dz, double weight, const float *z, const float *y, int B, int D,
                    int T);
    int (*mss_init)(rv_mss **out, const int *scales, int n_scales, int max_rows, long max_n);
    void (*mss_free)(rv_mss *m);
    double (*mss_fwd)(rv_mss *m, const float *x, const float *y, int R, long n, long ld,
                      double *per_scale);
    void (*mss_bwd)(rv_mss *m, float *dy, double weight);
    void (*adam_step)(float *p, float *m, float *v, const float *g, long n,
                      const rv_adam_cfg *cfg, double lr, long t);
    double (*hinge_d_fwd)(const float *s_real, const float *s_fake, long n);
    void (*hinge_d_bwd)(float *d_real, float *d_fake, double weight, const float *s_real,
                        const float *s_fake, long n);
    double (*hinge_g_fwd)(const float *s_fake, long n);
    void (*hinge_g_bwd)(float *d_fake, double weight, long n);
    double (*fm_fwd)(const float *f_real, const float *f_fake, long n);
    void (*fm_bwd)(float *d_fake, double weight, const float *f_real, const float *f_fake, long n);
} rv_backend;

extern const rv_backend rv_backend_cpu;

// The backend named name ("cpu"; "cuda" once built), or NULL.
const rv_backend *rv_backend_get(const char *name);

#endif
