// backend.c: see backend.h. The CPU table points at the reference ops in train/nn/.
#include "train/backend.h"

#include <string.h>

const rv_backend rv_backend_cpu = {
    "cpu",
    rv_conv1d_fwd, rv_conv1d_bwd, rv_convt1d_fwd, rv_convt1d_bwd,
    rv_resunit_fwd, rv_resunit_bwd, rv_wnorm_fwd, rv_wnorm_bwd,
    rv_lrelu_fwd, rv_lrelu_bwd, rv_amod_fwd, rv_amod_bwd,
    rv_pqmf_analysis_fwd, rv_pqmf_analysis_bwd, rv_pqmf_synthesis_fwd, rv_pqmf_synthesis_bwd,
    rv_mmd_fwd, rv_mmd_bwd, rv_mss_init, rv_mss_free, rv_mss_fwd, rv_mss_bwd,
    rv_adam_step,
    rv_hinge_d_fwd, rv_hinge_d_bwd, rv_hinge_g_fwd, rv_hinge_g_bwd, rv_fm_fwd, rv_fm_bwd,
};

const rv_backend *rv_backend_get(const char *name) {
    if (!strcmp(name, "cpu")) return &rv_backend_cpu;
    return NULL;   // no "cuda" table: --device cuda runs whole steps (train/cuda/gpu_model.h)
}
