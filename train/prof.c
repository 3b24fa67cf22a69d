// prof.c: see prof.h.
#include "train/prof.h"

int    rv_prof_on;
double rv_prof_t[RV_P_N];
const char *rv_prof_name[RV_P_N] = {"conv fwd", "conv bwd", "convT fwd", "convT bwd",
                                    "resunit fwd", "resunit bwd", "weight norm", "PQMF",
                                    "spectral distance", "MMD", "other", "Adam"};
