// preset.c: YAML preset reader (core/yaml.h) and parameter drawing (see preset.h).
//
// Every range key is looked up in a table of (name, offset, allowed interval), so checks and
// error messages are uniform.
#include "synth/preset.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h" // defines: GD_ERR_*
#include "core/log.h"   // defines: gd_warn
#include "core/yaml.h"  // defines: gd_yaml_*

typedef struct { const char *key; size_t off; double min, max; } key_def;

#define P(k, lo, hi) {#k, offsetof(syn_preset, k), lo, hi}
#define S(k, lo, hi) {#k, offsetof(syn_preset_stroke, k), lo, hi}
static const key_def top_keys[] = {
    P(f01, 10, 5000), P(air_loading, 0, 20), P(stiffness, 0, 0.05), P(t60_low, 1e-3, 30),
    P(t60_3k, 1e-3, 30), P(split, 0, 0.2), P(radiation, 0, 1), P(peak_db, -60, 0),
    P(head2_ratio, 0.3, 3), P(coupling, 0, 2), P(head2_gain, 0, 2), P(tune_cents, -1200, 1200),
    P(decay_scale, 0.05, 20), P(amp_jitter_db, 0, 20), P(phase_jitter, 0, 3.1416),
    P(noise_floor_db, -160, -20),
    {NULL, 0, 0, 0}};
static const key_def stroke_keys[] = {
    S(strike_r, 0, 0.99), S(contact_ms, 0.05, 50), S(contact_radius, 0, 0.9),
    S(velocity, 0.01, 1), S(mute_ms, 0, 1000), S(mute_sigma, 0, 1e4), S(noise_level, 0, 10),
    S(noise_ms, 0.1, 200), S(noise_hz, 50, 20000), S(glide, 0, 0.3), {NULL, 0, 0, 0}};
static const key_def frame_keys[] = {{"freq", 0, 20, 20000}, {"t60", 1, 1e-3, 10},
                                     {"gain", 2, 0, 10}, {NULL, 0, 0, 0}};
static const key_def jingle_keys[] = {
    {"rate", offsetof(syn_preset, jingle_rate), 0, 1e5},
    {"t60", offsetof(syn_preset, jingle_t60), 1e-3, 5},
    {"decay_ms", offsetof(syn_preset, jingle_decay_ms), 1, 5000},
    {"gain", offsetof(syn_preset, jingle_gain), 0, 10},
    {"delay_ms", offsetof(syn_preset, jingle_delay_ms), 0, 100},
    {"jitter", offsetof(syn_preset, jingle_jitter), 0, 0.3}, {NULL, 0, 0, 0}};
static const key_def jingle_freq = {"freq", 0, 100, 20000};
// Keys besides the range tables'.
static const char *const top_other[] = {"name", "rate", "duration_s", "modes", "heads",
    "hunt_crossley", "frame", "jingles", "strokes", NULL};
static const char *const stroke_other[] = {"name", "weight", "hunt_crossley", "modes", NULL};
static const char *const jingle_other[] = {"sets", "freq", NULL};

// Appends the names of table t to names[at..] and a NULL; returns names. names must have
// room for them all.
static const char **names_of(const key_def *t, const char **names, int at) {
    for (; t->key; t++) names[at++] = t->key;
    names[at] = NULL;
    return names;
}

static const key_def *find_key(const key_def *t, const char *key) {
    for (; t->key; t++) if (!strcmp(t->key, key)) return t;
    return NULL;
}

// A number or [lo, hi] within [k->min, k->max].
static int range(const gd_yaml_node *n, const key_def *k, syn_range *r) {
    int err;
    if (n->kind == GD_YAML_LIST) {
        if (n->n != 2) return gd_yaml_fail_path(n, "a range is [lo, hi]");
        if ((err = gd_yaml_float(n->items[0], k->min, k->max, &r->lo)) ||
            (err = gd_yaml_float(n->items[1], k->min, k->max, &r->hi)))
            return err;
    } else {
        if ((err = gd_yaml_float(n, k->min, k->max, &r->lo))) return err;
        r->hi = r->lo;
    }
    if (r->lo > r->hi) return gd_yaml_fail_path(n, "empty range (lo > hi)");
    return 0;
}

static int int_val(const gd_yaml_node *n, int lo, int hi, int *out) {
    int64_t v;
    int err = gd_yaml_int(n, lo, hi, &v);
    if (!err) *out = (int)v;
    return err;
}

static int name_val(const gd_yaml_node *n, char *out, size_t cap) {
    const char *s;
    int err = gd_yaml_text(n, 1, &s);
    if (!err) snprintf(out, cap, "%s", s);
    return err;
}

static int parse_modes(const gd_yaml_node *n, syn_preset_stroke *st, int rate, const char *file) {
    int err = gd_yaml_list(n, 0, -1);
    if (err) return err;
    st->modes = calloc((size_t)n->n + 1, sizeof(syn_mode));
    if (!st->modes) return GD_ERR_NOMEM;
    for (int k = 0; k < n->n; k++) {
        const gd_yaml_node *m = n->items[k];
        if (m->kind != GD_YAML_LIST || m->n != 4)
            return gd_yaml_fail_path(m, "each mode is [freq_hz, t60_s, amp, phase]");
        double v[4];
        for (int i = 0; i < 4; i++)
            if ((err = gd_yaml_float(m->items[i], -DBL_MAX, DBL_MAX, &v[i]))) return err;
        if (!(v[1] > 0)) return gd_yaml_fail_path(m, "t60 must be > 0 (got %g)", v[1]);
        if (!(v[0] > 0)) return gd_yaml_fail_path(m, "frequency must be > 0 (got %g)", v[0]);
        if (v[0] >= 0.48 * rate) {
            gd_warn("%s:%d: mode at %g Hz is above 0.48 * rate (%d Hz): dropped", file, m->line,
                    v[0], rate);
            continue;
        }
        st->modes[st->n_modes++] = (syn_mode){v[0], v[1], v[2], v[3]};
    }
    return 0;
}

static int parse_stroke(const gd_yaml_node *n, syn_preset_stroke *st, int rate) {
    const char *names[16];
    int err = gd_yaml_check_keys(n, stroke_other, names_of(stroke_keys, names, 0));
    for (int i = 0; i < n->n && !err; i++) {
        const char *key = n->keys[i]->text;
        const gd_yaml_node *v = n->items[i];
        const key_def *k = find_key(stroke_keys, key);
        if (k) err = range(v, k, (syn_range *)((char *)st + k->off));
        else if (!strcmp(key, "name")) err = name_val(v, st->name, sizeof st->name);
        else if (!strcmp(key, "weight")) err = gd_yaml_float(v, 0, DBL_MAX, &st->weight);
        else if (!strcmp(key, "hunt_crossley")) err = gd_yaml_float(v, 0, 1, &st->hunt_crossley);
        else err = parse_modes(v, st, rate, n->file);
    }
    return err;
}

static int parse_frame(const gd_yaml_node *n, syn_preset *p) {
    static const char *const fk[] = {"freq", "t60", "gain", NULL};
    int err = gd_yaml_list(n, 0, SYN_MAX_FRAME);
    for (int j = 0; j < n->n && !err; j++) {
        const gd_yaml_node *m = n->items[j], *v;
        int i = p->n_frame++;
        syn_range *dst[3] = {&p->frame_freq[i], &p->frame_t60[i], &p->frame_gain[i]};
        if ((err = gd_yaml_check_keys(m, fk, NULL))) return err;
        for (const key_def *k = frame_keys; k->key && !err; k++)
            if (!(err = gd_yaml_need(m, k->key, &v))) err = range(v, k, dst[k->off]);
    }
    return err;
}

static int parse_jingles(const gd_yaml_node *n, syn_preset *p) {
    const char *names[16];
    int err = gd_yaml_check_keys(n, jingle_other, names_of(jingle_keys, names, 0));
    for (int i = 0; i < n->n && !err; i++) {
        const char *key = n->keys[i]->text;
        const gd_yaml_node *v = n->items[i];
        const key_def *k = find_key(jingle_keys, key);
        if (k) err = range(v, k, (syn_range *)((char *)p + k->off));
        else if (!strcmp(key, "sets")) err = int_val(v, 0, 8, &p->jingle_sets);
        else if (!(err = gd_yaml_list(v, 0, SYN_MAX_JINGLE_F)))   // freq
            for (int j = 0; j < v->n && !err; j++) err = range(v->items[j], &jingle_freq, &p->jingle_freq[j]);
    }
    if (!err && p->jingle_sets > 0 &&
        (p->jingle_freq[0].lo <= 0 || p->jingle_t60.lo <= 0 || p->jingle_decay_ms.lo <= 0))
        return gd_yaml_fail_path(n, "needs freq, t60 and decay_ms");
    return err;
}

static void defaults(syn_preset *p, syn_preset_stroke *d) {
    memset(p, 0, sizeof *p);
    snprintf(p->name, sizeof p->name, "preset");
    p->rate = 48000; p->duration_s = 1.0; p->n_modes = 128; p->heads = 1;
    p->f01 = (syn_range){200, 200}; p->air_loading = (syn_range){3, 3};
    p->t60_low = (syn_range){0.4, 0.4}; p->t60_3k = (syn_range){0.04, 0.04};
    p->split = (syn_range){0.005, 0.005}; p->radiation = (syn_range){0.8, 0.8};
    p->peak_db = (syn_range){-3, -3}; p->head2_ratio = (syn_range){1.2, 1.2};
    p->coupling = (syn_range){0.6, 0.6}; p->head2_gain = (syn_range){0.4, 0.4};
    p->decay_scale = (syn_range){1, 1};
    p->jingle_jitter = (syn_range){0.04, 0.04}; p->jingle_gain = (syn_range){0.3, 0.3};
    p->jingle_rate = (syn_range){2000, 2000}; p->jingle_delay_ms = (syn_range){2, 2};
    memset(d, 0, sizeof *d);
    snprintf(d->name, sizeof d->name, "stroke");
    d->weight = 1; d->strike_r = (syn_range){0.5, 0.5}; d->contact_ms = (syn_range){3, 3};
    d->contact_radius = (syn_range){0.05, 0.05}; d->velocity = (syn_range){0.5, 1};
    d->noise_level = (syn_range){0.05, 0.05}; d->noise_ms = (syn_range){3, 3};
    d->noise_hz = (syn_range){4000, 4000}; d->glide = (syn_range){0.01, 0.01};
}

static int parse_top(const gd_yaml_node *root, syn_preset *p, syn_preset_stroke *def) {
    const gd_yaml_node *strokes = NULL;
    // every range key of the top level and of a stroke (the default stroke's)
    const char *names[sizeof top_keys / sizeof *top_keys + sizeof stroke_keys / sizeof *stroke_keys];
    names_of(top_keys, names, 0);
    names_of(stroke_keys, names, (int)(sizeof top_keys / sizeof *top_keys) - 1);
    int err = gd_yaml_check_keys(root, top_other, names);
    for (int i = 0; i < root->n && !err; i++) {
        const char *key = root->keys[i]->text;
        const gd_yaml_node *v = root->items[i];
        const key_def *k = find_key(top_keys, key), *sk = find_key(stroke_keys, key);
        if (k) err = range(v, k, (syn_range *)((char *)p + k->off));
        else if (sk) err = range(v, sk, (syn_range *)((char *)def + sk->off));
        else if (!strcmp(key, "name")) err = name_val(v, p->name, sizeof p->name);
        else if (!strcmp(key, "rate")) err = int_val(v, 8000, 384000, &p->rate);
        else if (!strcmp(key, "duration_s")) {
            if (!(err = gd_yaml_float(v, 0, 60, &p->duration_s)) && p->duration_s <= 0)
                err = gd_yaml_fail_path(v, "must be in (0, 60] seconds (got %s)", v->text);
        } else if (!strcmp(key, "modes")) err = int_val(v, 0, SYN_MAX_MODES, &p->n_modes);
        else if (!strcmp(key, "heads")) err = int_val(v, 1, 2, &p->heads);
        else if (!strcmp(key, "hunt_crossley")) err = gd_yaml_float(v, 0, 1, &def->hunt_crossley);
        else if (!strcmp(key, "frame")) err = parse_frame(v, p);
        else if (!strcmp(key, "jingles")) err = parse_jingles(v, p);
        else strokes = v;
    }
    if (err) return err;
    if (strokes) {
        if ((err = gd_yaml_list(strokes, 0, SYN_MAX_STROKES))) return err;
        for (int i = 0; i < strokes->n && !err; i++) {
            syn_preset_stroke *st = &p->strokes[p->n_strokes++];
            *st = *def;
            err = parse_stroke(strokes->items[i], st, p->rate);
        }
        if (err) return err;
    } else {
        p->strokes[p->n_strokes++] = *def;
    }
    double wsum = 0;
    for (int i = 0; i < p->n_strokes; i++) {
        wsum += p->strokes[i].weight;
        if (p->n_modes == 0 && p->strokes[i].n_modes == 0)
            return gd_yaml_fail(root, "stroke '%s' has no modes (modes: 0 and no fitted modes)", p->strokes[i].name);
    }
    if (!(wsum > 0)) return gd_yaml_fail(root, "strokes: stroke weights sum to zero");
    return 0;
}

int syn_preset_load(syn_preset **out, const char *path) {
    gd_yaml_doc *d;
    int err = gd_yaml_load(&d, path);
    if (err) return err;
    const gd_yaml_node *root = gd_yaml_root(d), *rate;
    syn_preset *p = calloc(1, sizeof *p);
    syn_preset_stroke def;
    err = p ? gd_yaml_map(root) : GD_ERR_NOMEM;
    if (!err) defaults(p, &def);
    // rate first: explicit modes are checked against it
    if (!err && (rate = gd_yaml_get(root, "rate"))) err = int_val(rate, 8000, 384000, &p->rate);
    if (!err) err = parse_top(root, p, &def);
    gd_yaml_free(d);
    if (err) { syn_preset_free(p); return err; }
    *out = p;
    return 0;
}

void syn_preset_free(syn_preset *p) {
    if (!p) return;
    for (int i = 0; i < p->n_strokes; i++) free(p->strokes[i].modes);
    free(p);
}

static double draw(gd_rng *r, syn_range x) {
    return x.hi > x.lo ? gd_rng_range(r, x.lo, x.hi) : x.lo;
}

static double draw_log(gd_rng *r, syn_range x) {
    return x.hi > x.lo && x.lo > 0 ? exp(gd_rng_range(r, log(x.lo), log(x.hi))) : x.lo;
}

void syn_preset_draw(const syn_preset *p, gd_rng *rng, syn_stroke *s, int *stroke, char *ops,
                     size_t cap) {
    double w[SYN_MAX_STROKES];
    for (int i = 0; i < p->n_strokes; i++) w[i] = p->strokes[i].weight;
    int si = p->n_strokes > 1 ? gd_rng_choice(rng, w, p->n_strokes) : 0;
    const syn_preset_stroke *st = &p->strokes[si];
    syn_stroke_default(s);
    s->rate = p->rate;
    s->duration_s = p->duration_s;
    double cents = draw(rng, p->tune_cents);
    s->tune = pow(2.0, cents / 1200);
    s->f01 = draw(rng, p->f01) * s->tune;
    s->air_eps = draw(rng, p->air_loading);
    s->stiff_B = draw(rng, p->stiffness);
    double t_lo = draw(rng, p->t60_low), t_hi = draw(rng, p->t60_3k);
    double sa = 6.907755278982137 / t_lo, sb = 6.907755278982137 / t_hi, f2 = s->f01 * s->f01;
    s->sigma1 = s->f01 < 3000 && sb > sa ? (sb - sa) / (9e6 - f2) : 0;
    s->sigma0 = fmax(0.0, sa - s->sigma1 * f2);
    s->split = draw(rng, p->split);
    s->radiation = draw(rng, p->radiation);
    s->mic_theta = gd_rng_range(rng, 0, 2 * M_PI);
    s->pair_theta = gd_rng_range(rng, 0, 2 * M_PI);
    s->strike_r = draw(rng, st->strike_r);
    s->contact_radius = draw(rng, st->contact_radius);
    s->velocity = draw(rng, st->velocity);
    double cms = draw_log(rng, st->contact_ms);
    s->contact_s = fmin(0.05, cms / 1000 * pow(s->velocity / 0.7, -0.2));
    s->hunt_crossley = gd_rng_uniform(rng) < st->hunt_crossley;
    s->mute_s = draw(rng, st->mute_ms) / 1000;
    s->mute_sigma = draw(rng, st->mute_sigma);
    s->glide = draw(rng, st->glide) * s->velocity * s->velocity;
    s->noise_level = draw(rng, st->noise_level) * s->velocity;
    s->noise_s = draw(rng, st->noise_ms) / 1000;
    s->noise_hz = draw(rng, st->noise_hz);
    s->peak = pow(10.0, draw(rng, p->peak_db) / 20);
    s->n_modes = st->n_modes ? 0 : p->n_modes;
    s->n_explicit = st->n_modes;
    s->explicit_modes = st->modes;
    s->decay_scale = draw(rng, p->decay_scale);
    s->amp_jitter_db = draw(rng, p->amp_jitter_db);
    s->phase_jitter = draw(rng, p->phase_jitter);
    s->floor_db = p->noise_floor_db.lo < 0 ? draw(rng, p->noise_floor_db) : 0;
    s->two_heads = p->heads == 2;
    s->head2_ratio = draw(rng, p->head2_ratio);
    s->coupling = draw(rng, p->coupling);
    s->head2_gain = draw(rng, p->head2_gain);
    s->n_frame = p->n_frame;
    for (int i = 0; i < p->n_frame; i++)
        s->frame[i] = (syn_mode){draw(rng, p->frame_freq[i]), draw(rng, p->frame_t60[i]),
                                 draw(rng, p->frame_gain[i]), 0};
    if (p->jingle_sets > 0) {
        syn_jingles *j = &s->jingles;
        j->n_sets = p->jingle_sets;
        j->rate = draw(rng, p->jingle_rate);
        for (int i = 0; i < SYN_MAX_JINGLE_F; i++) j->freq[i] = draw(rng, p->jingle_freq[i]);
        j->t60 = draw(rng, p->jingle_t60);
        j->energy_decay_s = draw(rng, p->jingle_decay_ms) / 1000;
        j->gain = draw(rng, p->jingle_gain) * (0.4 + 0.6 * s->velocity);
        j->delay_s = draw(rng, p->jingle_delay_ms) / 1000;
        j->jitter = draw(rng, p->jingle_jitter);
    }
    *stroke = si;
    snprintf(ops, cap,
             "synth:preset=%s,stroke=%s,f01=%.3f,eps=%.3f,B=%.3g,t60_low=%.4f,t60_3k=%.4f,"
             "split=%.4f,r0=%.3f,contact_ms=%.3f,area=%.3f,v=%.3f,hc=%d,mute_ms=%.1f,"
             "glide=%.4f,noise=%.3f,tune_cents=%.1f,decay_scale=%.3f,amp_jitter_db=%.2f,"
             "phase_jitter=%.3f,floor_db=%.1f,heads=%d,jingles=%d,peak=%.4f",
             p->name, st->name, s->f01, s->air_eps, s->stiff_B, t_lo, t_hi, s->split,
             s->strike_r, s->contact_s * 1000, s->contact_radius, s->velocity,
             s->hunt_crossley, s->mute_s * 1000, s->glide, s->noise_level, cents, s->decay_scale,
             s->amp_jitter_db, s->phase_jitter, s->floor_db, p->heads, p->jingle_sets, s->peak);
}
