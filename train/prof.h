// prof.h: optional per-op wall-clock accounting for `gendang-train bench` (off by default;
// one branch per op call when off). Not thread-safe: ops are timed from the calling thread.
#ifndef RV_PROF_H
#define RV_PROF_H

#include <omp.h>

typedef enum {
    RV_P_CONV_F, RV_P_CONV_B, RV_P_CONVT_F, RV_P_CONVT_B, RV_P_RES_F, RV_P_RES_B, RV_P_WNORM,
    RV_P_PQMF, RV_P_MSS, RV_P_MMD, RV_P_OTHER, RV_P_ADAM, RV_P_N
} rv_prof_op;

extern int         rv_prof_on;
extern double      rv_prof_t[RV_P_N];
extern const char *rv_prof_name[RV_P_N];

#define RV_PROF(op, stmt) do { if (rv_prof_on) { double t_ = omp_get_wtime(); stmt; \
    rv_prof_t[op] += omp_get_wtime() - t_; } else { stmt; } } while (0)

#endif
