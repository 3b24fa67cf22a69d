// physfit.h: physical interpretation of fitted modes (docs/drum-physmod.md 5.3).
//
// Finds the membrane (f01, air loading eps, stiffness B) whose Bessel-zero mode series best
// explains the strongest fitted modes: every strong mode (top 16 by energy amp^2 * t60,
// 30 Hz - 5 kHz) is matched to the nearest predicted mode, its cents error divided by the
// local spacing of the predicted series (so a dense series that matches anything by chance
// scores no better than 1/4), energy-weighted; f01 is searched around each strong mode, eps on
// [0, 8], B on a log grid [0, 3e-3]. Also fits the decay law sigma = sigma0 + sigma1 f^2 to
// the strong modes (energy-weighted least squares). Deterministic, no allocation.
#ifndef SYN_PHYSFIT_H
#define SYN_PHYSFIT_H

#include "synth/bessel.h"
#include "synth/synth.h"

typedef struct {
    double f01, eps, B;      // membrane parameters
    double score;            // energy-weighted normalised mismatch (0 perfect, ~0.25 chance)
    double cents_median;     // median |cents| of the matched strong modes
    int    n_strong, n_matched;  // strong modes, and those within 10 % of the local spacing
    double sigma0, sigma1;   // decay law (1/s, 1/(s Hz^2)); sigma1 >= 0
} syn_physfit_result;

// Returns 0, or GD_ERR_EMPTY when fewer than 3 strong modes exist.
int syn_physfit(syn_physfit_result *r, const syn_mode *modes, int n, const syn_zeros *z);

#endif
