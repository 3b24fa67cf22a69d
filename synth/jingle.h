// jingle.h: PhISEM-style jingles (hadrah, rebana kercing, bells) (internal to synth/).
//
// A rattle energy E(t) is pumped by the frame motion (here: the square of the drum's
// radiated signal, normalised to its peak and delayed by delay_s) and decays with time
// constant energy_decay_s. Each jingle set collides as a Poisson process of rate
// rate * E(t) (drawn by thinning, so the cost is per collision, not per sample); a collision
// re-tunes the set's plate modes by +-jitter and kicks them with an amplitude ~ sqrt(E) and a
// random phase (docs/drum-physmod.md 1.9; Cook's PhISEM).
#ifndef SYN_JINGLE_H
#define SYN_JINGLE_H

#include <stdint.h>

#include "core/rng.h"
#include "synth/synth.h"

// Adds the jingles for drive (n samples) to out; energy is scratch (n floats); jb is a bank
// with room for n_sets * SYN_MAX_JINGLE_F resonators. Returns the number of collisions.
int syn__jingles_render(float *out, const float *drive, float *energy, int64_t n,
                        const syn_jingles *j, int rate, gd_rng *rng, syn_bank *jb);

#endif
