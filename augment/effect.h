// effect.h: the internal effect interface (SoX-style handler table).
//
// Every effect file defines one `const aug_effect aug_effect_<name>` with its parameter
// table; effects.def lists them (X-macro) and registry.c builds the lookup table.
// Parameters are numbers (range-checked, in the units their name states), enums (a word
// from a fixed list, stored as its index) or strings (file paths). Each effect file names its
// parameters with an enum (COMPRESS_RATIO, ...) that indexes both its params[] table (written
// with designated initializers, so the two cannot drift apart) and aug_vals.num / .str.
// apply() works on a whole buffer, planar (C, N); it may replace a->data (length change).
// It must leave silence silent unless it adds signal by design (noise on silence stays
// silent too, see noise.c), and must never produce NaN/Inf from finite input.
#ifndef AUG_EFFECT_H
#define AUG_EFFECT_H

#include <stddef.h>
#include <stdint.h>

#include "core/audio.h"

#define AUG_MAX_PARAMS 16

typedef enum { AUG_P_NUM, AUG_P_ENUM, AUG_P_STR } aug_ptype;

typedef struct {
    const char *name;
    aug_ptype   type;
    double      def;      // default (NUM), default index (ENUM)
    double      lo, hi;   // allowed range (NUM)
    const char *choices;  // ENUM words separated by '|'
    const char *help;
} aug_param;

typedef struct {
    double      num[AUG_MAX_PARAMS];   // NUM values, ENUM indices
    const char *str[AUG_MAX_PARAMS];   // STR values ("" when unset)
} aug_vals;

enum { AUG_F_RANDOM = 1 };   // draws random numbers: has a "seed" parameter

typedef struct {
    const char      *name;
    const char      *help;
    const aug_param *params;
    int              n_params;
    int              flags;
    int (*apply)(gd_audio *a, const aug_vals *v);
} aug_effect;

#define AUG_EFFECT(name) extern const aug_effect aug_effect_##name;
#include "augment/effects.def"
#undef AUG_EFFECT

// Registry (registry.c).
const aug_effect *aug__effect_find(const char *name, int len);
int               aug__effect_count(void);
const aug_effect *aug__effect_at(int i);
// Index of parameter key in e, or -1.
int aug__param_find(const aug_effect *e, const char *key, int len);
// Index of word in an enum choices list, or -1.
int aug__enum_find(const char *choices, const char *word, int len);
// Writes the i-th word of choices to buf.
void aug__enum_word(char *buf, int cap, const char *choices, int i);

// Shared helpers (util.c).
// Resizes a to n frames per channel: keeps the first min(n, N) frames, zeros the rest.
int  aug__resize(gd_audio *a, int64_t n);
// Sum of x[i]^2 in double, in a fixed order of 8 interleaved partial sums (the same bits on
// every instruction set, ~8x faster than one serial sum).
double aug__sum_squares(const float *x, int64_t n);
// Mean square over all channels and frames (0 for empty).
double aug__power(const gd_audio *a);
// Peak |x| over the buffer.
float aug__peak(const gd_audio *a);
// Full linear convolution y (n + m - 1) = x (n) * h (m) by FFT overlap-add.
int  aug__convolve(float *y, const float *x, int64_t n, const float *h, int64_t m);
// In place: x (room for n + m - 1, input in the first n, zeros after) becomes
// dry x + wet (x * h); the same wet signal as aug__convolve, without a signal-length buffer.
int  aug__convolve_mix(float *x, int64_t n, const float *h, int64_t m, double dry, double wet);



// Synthetic room impulse response (reverb.c): *h (malloc'd, caller frees) of *m samples:
// early reflections (n_er taps within 40 ms after predelay) and exponentially decaying
// Gaussian noise whose high band (above 3 kHz) decays faster as bright goes to 0
// (RT60 scaled by 0.25 + 0.75 bright). Unit energy when norm is set. Seeded, deterministic.
int aug__reverb_ir(float **h, int64_t *m, double rt60, double predelay_ms, double bright,
                   int n_er, int norm, uint64_t seed, int rate);
#endif
#ifndef AUG_EFFECT_PV_
#define AUG_EFFECT_PV_
// Phase-vocoder time stretch (pghi.c): out (C, n_out) from in (C, n_in), ratio n_out / n_in,
// pitch kept, Hann window of n_fft samples, channels phase-linked. Returns 0 or GD_ERR_*.
int aug__pv_stretch(float *out, int64_t n_out, const float *in, int64_t n_in, int n_ch,
                    int n_fft);
// The same with synthesis hop `hop` (aug__pv_stretch: n_fft / 4); 1 <= hop <= n_fft / 2.
int aug__pv_stretch_hop(float *out, int64_t n_out, const float *in, int64_t n_in, int n_ch,
                        int n_fft, int hop);
// The engine's synthesis hop for a window (n_fft / 3).
int aug__pv_hop(int n_fft);
// Polyphase Kaiser-sinc resampling (resample.c): out (C, n_out) reading in (C, n_in) at speed
// n_in / n_out; passband 0.84, stopband from 1.0 x the lower Nyquist, 100 dB Kaiser design.
// Returns 0 or GD_ERR_*.
int aug__resample_sinc(float *out, int64_t n_out, const float *in, int64_t n_in, int n_ch);
// Modified Bessel function I0(x) of the first kind (Kaiser windows), double precision.
double aug__bessel_i0(double x);
// The engine's window length for a rate: for_pitch 1 (pitch) or 0 (stretch).
int aug__pv_window(int rate, int for_pitch);
// Resamplers of aug__resample.
enum { AUG_RS_SINC, AUG_RS_SRC_BEST, AUG_RS_SRC_MEDIUM };
// Varispeed resampling of one channel (pitch.c): *out (malloc'd) of n_out samples reading in
// (n_in) at speed n_in / n_out with resampler `quality` (AUG_RS_*).
int aug__resample(float **out, int64_t n_out, const float *in, int64_t n_in, int quality);
#endif
