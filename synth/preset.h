// preset.h: synth presets, YAML files of parameter ranges (read with libyaml).
//
// A preset describes one drum: top-level keys give the head, decay law and extras; each
// entry of `strokes` is a cluster of excitation parameters (position, contact time, area,
// velocity, hand dwell), optionally with explicit fitted modes. A value is a number or a
// range [lo, hi] drawn uniformly (loguniform for contact_ms). Units follow the key names
// (_ms milliseconds, _db decibels, f01/freq Hz, t60 seconds; positions are r/R).
// Unknown keys, wrong types, negative decays and empty ranges are errors naming
// file:line:column. Explicit modes at or above 0.48 * rate are dropped with a warning.
// Ownership: syn_preset_free releases everything load allocated.
#ifndef SYN_PRESET_H
#define SYN_PRESET_H

#include <stddef.h>

#include "core/rng.h"
#include "synth/synth.h"

#define SYN_MAX_STROKES 32

typedef struct { double lo, hi; } syn_range;

typedef struct {
    char      name[64];
    double    weight;
    syn_range strike_r, contact_ms, contact_radius, velocity, mute_ms, mute_sigma;
    syn_range noise_level, noise_ms, noise_hz, glide;
    double    hunt_crossley;     // probability of the nonlinear contact
    syn_mode *modes;             // explicit (fitted) modes, owned
    int       n_modes;
} syn_preset_stroke;

typedef struct {
    char      name[64];
    int       rate;
    double    duration_s;
    int       n_modes;           // membrane resonators per head (0: explicit modes only)
    int       heads;             // 1 or 2
    syn_range f01, air_loading, stiffness, t60_low, t60_3k, split, radiation, peak_db;
    syn_range head2_ratio, coupling, head2_gain, tune_cents, decay_scale, amp_jitter_db;
    syn_range phase_jitter, noise_floor_db;
    int       n_frame;
    syn_range frame_freq[SYN_MAX_FRAME], frame_t60[SYN_MAX_FRAME], frame_gain[SYN_MAX_FRAME];
    int       jingle_sets;
    syn_range jingle_rate, jingle_freq[SYN_MAX_JINGLE_F], jingle_t60, jingle_decay_ms;
    syn_range jingle_gain, jingle_delay_ms, jingle_jitter;
    int       n_strokes;
    syn_preset_stroke strokes[SYN_MAX_STROKES];
} syn_preset;

// Loads path. Errors (logged as "path:line:col: message"): GD_ERR_IO, GD_ERR_PARSE, GD_ERR_RANGE.
int  syn_preset_load(syn_preset **out, const char *path);
void syn_preset_free(syn_preset *p);

// Draws one stroke from p with rng: fills *s (explicit modes point into p, so p must outlive
// s), *stroke (index into p->strokes) and writes the drawn parameters as an ops string
// "synth:preset=NAME,stroke=NAME,f01=...,..." into ops (cap bytes).
void syn_preset_draw(const syn_preset *p, gd_rng *rng, syn_stroke *s, int *stroke,
                     char *ops, size_t cap);

#endif
