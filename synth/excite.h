// excite.h: force pulses that drive the membrane (internal to synth/).
//
// Raised cosine: F(t) = (Fmax/2)(1 - cos(2 pi t / tau)), 0 <= t <= tau (docs/drum-physmod.md 3.1).
// Hunt-Crossley: a striker of mass m (relative to the head's (0,1) modal mass) meets the head,
// lumped as one damped oscillator at f01; F = k x^alpha (1 + mu x'), x = penetration > 0,
// integrated at 4x oversampling with semi-implicit Euler; k is set so that the contact lasts
// about tau at the given velocity (linear-spring estimate). The pulse is asymmetric and
// shortens with velocity. Both peak-scale to Fmax = v^(2 alpha/(alpha+1)).
#ifndef SYN_EXCITE_H
#define SYN_EXCITE_H

#include "synth/synth.h"

// Writes the force of s into f (cap samples at s->rate); returns its length in samples (>= 1).
int syn__excite_force(float *f, int cap, const syn_stroke *s);

#endif
