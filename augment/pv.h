// pv.h: the multi-resolution phase vocoder behind `stretch` and `pitch --mode pv`
// (pvmres.c), and the single-resolution PGHI band engine it runs per band (pghi.c).
// Buffers are planar (C, N) floats, N contiguous; lengths in samples, rate in Hz.
// Nothing is kept between calls; each call allocates its own scratch. Thread-safe.
#ifndef AUG_PV_H
#define AUG_PV_H

#include <stdint.h>

// PGHI stretch (pghi.c) of in (C, n_in) to out (C, n_out) with a Hann window of n_fft and
// synthesis hop `hop`, processing only bins [bin_lo, bin_hi) (bin_lo <= 0: from 0; bin_hi <= 0
// or > n_fft/2 + 1: to the top); the bins outside are zeroed before synthesis, so in should
// hold nothing there.
// cuts (n_cuts, ascending input samples, may be NULL) split the input into segments at
// transients: a frame sees only its own segment, synthesises only that segment's span of the
// output (no pre-echo across a cut), starts it from analysis phases, and output samples are
// normalised by the windows actually added. ratio: the stretch (output time per input time),
// <= 0 for n_out / n_in; a band run decimated gives the full-rate ratio, since its lengths
// are rounded to its rate. Returns 0 or GD_ERR_*.
int aug__pv_stretch_band(float *out, int64_t n_out, const float *in, int64_t n_in, int n_ch,
                         int n_fft, int hop, int bin_lo, int bin_hi, const int64_t *cuts,
                         int n_cuts, double ratio);

// Multi-resolution stretch (pvmres.c): out (C, n_out) from in (C, n_in), pitch kept, exact
// length, channels phase-linked. for_pitch selects the short window of the top band (1: the
// `pitch` effect's, 0: `stretch`'s). Deterministic: same input, same bytes. Returns 0 or GD_ERR_*.
int aug__pv_mres(float *out, int64_t n_out, const float *in, int64_t n_in, int n_ch, int rate,
                 int for_pitch);

#endif
