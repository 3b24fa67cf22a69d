// rv_real.h: the scalar type of the CPU reference ops in train/nn/.
//
// Every nn/ source is compiled twice: as float (linked into gendang-train) and, for the
// finite-difference tests only, as double with -DRV_F64 (archive build/libtrain_f64.a, see
// train/module.mk). The sources define each op by its float name (rv_conv1d_fwd); under
// RV_F64 the list below renames every external symbol and type of train/nn/ to its _f64 twin
// (rv_conv1d_fwd_f64), so both builds link into one program. A new op adds its names here;
// train/module.mk fails the f64 archive when one is missing (a global symbol without _f64).
// RV_GEMM is the CBLAS routine of the current precision. A CUDA twin of an op (train/cuda/)
// takes the same arguments and is named rv_<op>_fwd_cuda / _bwd_cuda.
#ifndef RV_REAL_H
#define RV_REAL_H

#ifdef RV_F64
typedef double rv_real;
#define RV_GEMM cblas_dgemm
// act.h
#define rv_lrelu_fwd               rv_lrelu_fwd_f64
#define rv_lrelu_bwd               rv_lrelu_bwd_f64
#define rv_amod_fwd                rv_amod_fwd_f64
#define rv_amod_bwd                rv_amod_bwd_f64
// adam.h
#define rv_adam_step               rv_adam_step_f64
// adv.h
#define rv_hinge_d_fwd             rv_hinge_d_fwd_f64
#define rv_hinge_d_bwd             rv_hinge_d_bwd_f64
#define rv_hinge_g_fwd             rv_hinge_g_fwd_f64
#define rv_hinge_g_bwd             rv_hinge_g_bwd_f64
#define rv_fm_fwd                  rv_fm_fwd_f64
#define rv_fm_bwd                  rv_fm_bwd_f64
// conv1d.h
#define rv_conv1d_fwd              rv_conv1d_fwd_f64
#define rv_conv1d_bwd              rv_conv1d_bwd_f64
// convt1d.h
#define rv_convt1d_fwd             rv_convt1d_fwd_f64
#define rv_convt1d_bwd             rv_convt1d_bwd_f64
// gemm.h
#define rv_gemm                    rv_gemm_f64
#define rv_gemm_set_tf32_emulation rv_gemm_set_tf32_emulation_f64
// im2col.h
#define rv_im2col                  rv_im2col_f64
#define rv_col2im                  rv_col2im_f64
// mmd.h
#define rv_mmd_fwd                 rv_mmd_fwd_f64
#define rv_mmd_bwd                 rv_mmd_bwd_f64
// mss.h
#define rv_mss                     rv_mss_f64
#define rv_mss_init                rv_mss_init_f64
#define rv_mss_free                rv_mss_free_f64
#define rv_mss_fwd                 rv_mss_fwd_f64
#define rv_mss_bwd                 rv_mss_bwd_f64
// pqmf.h
#define rv_pqmf                    rv_pqmf_f64
#define rv_pqmf_init               rv_pqmf_init_f64
#define rv_pqmf_analysis_fwd       rv_pqmf_analysis_fwd_f64
#define rv_pqmf_analysis_bwd       rv_pqmf_analysis_bwd_f64
#define rv_pqmf_synthesis_fwd      rv_pqmf_synthesis_fwd_f64
#define rv_pqmf_synthesis_bwd      rv_pqmf_synthesis_bwd_f64
#define rv_pqmf_reverse_half       rv_pqmf_reverse_half_f64
// resunit.h
#define rv_resunit_fwd             rv_resunit_fwd_f64
#define rv_resunit_bwd             rv_resunit_bwd_f64
// wnorm.h
#define rv_wnorm_fwd               rv_wnorm_fwd_f64
#define rv_wnorm_bwd               rv_wnorm_bwd_f64
#define rv_wnorm_init_g            rv_wnorm_init_g_f64
#else
typedef float rv_real;
#define RV_GEMM cblas_sgemm
#endif

// Elementwise loops smaller than this run on one thread (a parallel region costs more).
// Parallel loops use dynamic schedules (the machine is often shared: a static split waits for
// the slowest thread); every iteration's result is independent of the thread running it.
#define RV_PAR_MIN 32768

#endif
