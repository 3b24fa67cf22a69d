// synth.h: public interface of the drum synthesiser (used by gendang-synth and the pipeline).
//
// A stroke (syn_stroke) is one fully specified hit: physical parameters of the head(s),
// excitation, damping, glide, frame modes, jingles and explicit (fitted) modes. syn_render
// turns a stroke into mono float samples at stroke->rate, peak-normalised to stroke->peak.
// Presets (YAML, preset.h) hold parameter *ranges*; syn_preset_draw (draw.h) turns a preset
// plus a random stream into a stroke. Units: Hz, seconds, 1/s decay rates; positions are
// fractions of the head radius R; angles in radians.
// Ownership: a syn_voice holds all scratch memory for rendering and is reused across strokes;
// one per thread. syn_render never allocates once the voice is big enough.
#ifndef SYN_SYNTH_H
#define SYN_SYNTH_H

#include <stdint.h>

#include "synth/bank.h"
#include "synth/bessel.h"

#define SYN_MAX_FRAME    6
#define SYN_MAX_JINGLE_F 3
#define SYN_MAX_MODES    512   // membrane resonators per head

typedef struct {
    double freq;     // Hz
    double t60;      // s (> 0)
    double amp;      // linear amplitude of the velocity output
    double phase;    // rad
} syn_mode;

typedef struct {
    int    n_sets;                     // 0: no jingles
    double rate;                       // collisions per second at full rattle energy
    double freq[SYN_MAX_JINGLE_F];     // plate mode frequencies, Hz (0 = unused)
    double t60;                        // plate mode T60, s
    double energy_decay_s;             // time constant of the rattle energy, s
    double gain;                       // jingle peak relative to the drum peak
    double delay_s;                    // delay of the frame drive, s
    double jitter;                     // per-collision frequency jitter (fraction, e.g. 0.04)
} syn_jingles;

typedef struct {
    int    rate;              // Hz
    double duration_s;
    // membrane (n_modes = 0: explicit modes only)
    int    n_modes;           // resonators per head, degenerate partners counted separately
    double f01;               // Hz, lowest (0,1) mode after air loading
    double air_eps;           // air-loading knob epsilon (0 = vacuum)
    double stiff_B;           // dimensionless bending stiffness B
    double sigma0;            // 1/s
    double sigma1;            // 1/s per Hz^2 (sigma = sigma0 + sigma1 f^2)
    double split;             // relative splitting of degenerate pairs
    double radiation;         // far-field gain per nodal diameter (R_m = radiation^m)
    double strike_r;          // strike radius r0/R in [0, 1)
    double contact_radius;    // hand/stick contact radius a/R (0 = point)
    double mic_theta;         // pick-up angle relative to the strike, rad
    double pair_theta;        // orientation of the split pairs relative to the strike, rad
    // excitation
    double velocity;          // 0..1 (scales force peak as v^(2a/(a+1)))
    double contact_s;         // contact time, s
    int    hunt_crossley;     // 1: nonlinear contact instead of a raised cosine
    double hc_alpha;          // Hunt-Crossley exponent (1.5..3)
    double hc_mass_ratio;     // striker mass / head modal mass
    // hand damping (muted strokes)
    double mute_s;            // dwell time of the hand (0 = open stroke)
    double mute_sigma;        // extra decay rate under the hand, 1/s
    // tension-modulation glide: frequencies * (1 + glide * E(t)/E_peak)
    double glide;
    // attack noise
    double noise_level;       // peak relative to the drum peak
    double noise_s;           // decay time constant, s
    double noise_hz;          // low-pass corner, Hz
    // frame / shell / body resonances, fed by the strike force
    int      n_frame;
    syn_mode frame[SYN_MAX_FRAME];   // amp: gain relative to the (0,1) input weight
    // second head coupled through the cavity (gendang): 0/1
    int    two_heads;
    double head2_ratio;       // f01 of the second head / f01
    double coupling;          // cavity stiffness as a fraction of omega01^2 (0..2)
    double head2_gain;        // output gain of the unstruck head
    // explicit modes (fitted), started as free decays at t = 0
    int             n_explicit;
    const syn_mode *explicit_modes;
    double          tune;           // frequency factor for explicit modes
    double          decay_scale;    // T60 factor for explicit modes
    double          amp_jitter_db;  // per-mode level jitter (uniform +-dB) of explicit modes
    double          phase_jitter;   // per-mode phase jitter (uniform +-rad) of explicit modes
    syn_jingles jingles;
    double peak;              // output peak after normalisation (linear, <= 1)
    double floor_db;          // recording noise floor, dB re the peak (0 = none), e.g. -90
    int    no_cull;           // 1: process every resonator to the end (benchmarks)
} syn_stroke;

// Fills s with neutral defaults (48 kHz, 1 s, 128 modes, f01 200 Hz, no extras).
void syn_stroke_default(syn_stroke *s);

typedef struct syn_voice syn_voice;

// A voice for strokes of up to max_modes resonators per head at most max_frames samples.
int  syn_voice_init(syn_voice **out, int max_modes, int64_t max_frames);
void syn_voice_free(syn_voice *v);

// Renders s into out (n frames, mono). rng_seed/rng_stream seed the in-render randomness
// (noise, jingle collisions). zeros must cover j < 80. Returns 0, GD_ERR_ARG (bad stroke),
// GD_ERR_NUMERIC (non-finite output) or GD_ERR_EMPTY (silent output).
int  syn_render(float *out, int64_t n, const syn_stroke *s, const syn_zeros *zeros,
                syn_voice *v, uint64_t rng_seed, uint64_t rng_stream);

// Mode frequency ratio f_mn / f_01 for Bessel zero j with air loading eps and stiffness B.
double syn_mode_ratio(double j, double eps, double B);

// The membrane's resonators for s (after the Nyquist drop) written to modes (cap entries):
// frequency, T60, and the strike x pick-up weight as amp. Returns the count. For tests/fit.
int  syn_membrane_modes(syn_mode *modes, int cap, const syn_stroke *s, const syn_zeros *zeros,
                        int *m_index);

#endif
