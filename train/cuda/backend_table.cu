// backend_table.cu: rv_backend_cuda, the op table of train/backend.h filled with the CUDA
// twins (every pointer argument a device pointer). The spectral-distance object is the CUDA
// one (rv_mss_cuda) behind the table's rv_mss type. rv_cuda_backend() returns it (NULL in a
// build without CUDA, see cuda_stub.c).
#include "train/cuda/common.cuh"

extern "C" {
#include "train/backend.h"
}

static int mss_init(rv_mss **out, const int *scales, int n_scales, int max_rows, long max_n) {
    return rv_mss_init_cuda(reinterpret_cast<rv_mss_cuda **>(out), scales, n_scales, max_rows,
                            max_n);
}
static void mss_free(rv_mss *m) { rv_mss_free_cuda(reinterpret_cast<rv_mss_cuda *>(m)); }
static double mss_fwd(rv_mss *m, const float *x, const float *y, int R, long n, long ld,
                      double *per_scale) {
    return rv_mss_fwd_cuda(reinterpret_cast<rv_mss_cuda *>(m), x, y, R, n, ld, per_scale);
}
static void mss_bwd(rv_mss *m, float *dy, double weight) {
    rv_mss_bwd_cuda(reinterpret_cast<rv_mss_cuda *>(m), dy, weight);
}

extern "C" const rv_backend rv_backend_cuda = {
    "cuda",
    rv_conv1d_fwd_cuda, rv_conv1d_bwd_cuda, rv_convt1d_fwd_cuda, rv_convt1d_bwd_cuda,
    rv_resunit_fwd_cuda, rv_resunit_bwd_cuda, rv_wnorm_fwd_cuda, rv_wnorm_bwd_cuda,
    rv_lrelu_fwd_cuda, rv_lrelu_bwd_cuda, rv_amod_fwd_cuda, rv_amod_bwd_cuda,
    rv_pqmf_analysis_fwd_cuda, rv_pqmf_analysis_bwd_cuda, rv_pqmf_synthesis_fwd_cuda,
    rv_pqmf_synthesis_bwd_cuda, rv_mmd_fwd_cuda, rv_mmd_bwd_cuda,
    mss_init, mss_free, mss_fwd, mss_bwd,
    rv_adam_step_cuda, rv_hinge_d_fwd_cuda, rv_hinge_d_bwd_cuda, rv_hinge_g_fwd_cuda,
    rv_hinge_g_bwd_cuda, rv_fm_fwd_cuda, rv_fm_bwd_cuda,
};

extern "C" const rv_backend *rv_cuda_backend(void) { return &rv_backend_cuda; }
