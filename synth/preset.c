// preset.c: YAML preset reader and parameter drawing (see preset.h).
//
// The document is walked with libyaml's document API; every key is looked up in a table of
// (name, offset, allowed interval), so checks and error messages are uniform.
#include "synth/preset.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/error.h"   // defines: GD_ERR_*
#include "core/log.h"     // defines: gd_error, gd_warn
#include "core/yaml_keys.h" // defines: gd_yaml_unique_keys

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

typedef struct { yaml_document_t doc; const char *path; } ctx;

static int fail(ctx *c, const yaml_node_t *n, const char *fmt, const char *a, double x) {
    char msg[256];
    snprintf(msg, sizeof msg, fmt, a, x);
    gd_error("%s:%lu:%lu: %s", c->path, (unsigned long)n->start_mark.line + 1,
             (unsigned long)n->start_mark.column + 1, msg);
    return GD_ERR_PARSE;
}

static int fails(ctx *c, const yaml_node_t *n, const char *fmt, const char *a) {
    return fail(c, n, fmt, a, 0);
}

static int num(ctx *c, const yaml_node_t *n, const char *key, double *out) {
    if (n->type != YAML_SCALAR_NODE) return fails(c, n, "%s: expected a number", key);
    const char *s = (const char *)n->data.scalar.value;
    char *end;
    double v = strtod(s, &end);
    if (end == s || *end || !isfinite(v)) return fails(c, n, "%s: not a number", key);
    *out = v;
    return 0;
}

// A number or [lo, hi] within [min, max].
static int range(ctx *c, yaml_node_t *n, const key_def *k, syn_range *r) {
    int err;
    if (n->type == YAML_SEQUENCE_NODE) {
        yaml_node_item_t *it = n->data.sequence.items.start;
        if (n->data.sequence.items.top - it != 2)
            return fails(c, n, "%s: a range is [lo, hi]", k->key);
        if ((err = num(c, yaml_document_get_node(&c->doc, it[0]), k->key, &r->lo)) ||
            (err = num(c, yaml_document_get_node(&c->doc, it[1]), k->key, &r->hi)))
            return err;
    } else {
        if ((err = num(c, n, k->key, &r->lo))) return err;
        r->hi = r->lo;
    }
    if (r->lo > r->hi) return fails(c, n, "%s: empty range (lo > hi)", k->key);
    if (r->lo < k->min) return fail(c, n, "%s: must be >= %g", k->key, k->min);
    if (r->hi > k->max) return fail(c, n, "%s: must be <= %g", k->key, k->max);
    return 0;
}

static const key_def *find_key(const key_def *t, const char *key) {
    for (; t->key; t++) if (!strcmp(t->key, key)) return t;
    return NULL;
}

static int int_val(ctx *c, yaml_node_t *n, const char *key, int lo, int hi, int *out) {
    double v;
    int err = num(c, n, key, &v);
    if (err) return err;
    if (v != floor(v) || v < lo || v > hi) return fail(c, n, "%s: must be an integer <= %g", key, hi);
    *out = (int)v;
    return 0;
}

static int parse_modes(ctx *c, yaml_node_t *n, syn_preset_stroke *st, int rate) {
    if (n->type != YAML_SEQUENCE_NODE) return fails(c, n, "%s: expected a list", "modes");
    yaml_node_item_t *it = n->data.sequence.items.start, *end = n->data.sequence.items.top;
    st->modes = calloc((size_t)(end - it) + 1, sizeof(syn_mode));
    if (!st->modes) return GD_ERR_NOMEM;
    for (; it < end; it++) {
        yaml_node_t *m = yaml_document_get_node(&c->doc, *it);
        if (m->type != YAML_SEQUENCE_NODE || m->data.sequence.items.top - m->data.sequence.items.start != 4)
            return fails(c, m, "%s: each mode is [freq_hz, t60_s, amp, phase]", "modes");
        double v[4];
        for (int i = 0; i < 4; i++) {
            int err = num(c, yaml_document_get_node(&c->doc, m->data.sequence.items.start[i]),
                          "modes", &v[i]);
            if (err) return err;
        }
        if (!(v[1] > 0)) return fail(c, m, "%s: t60 must be > 0 (got %g)", "modes", v[1]);
        if (!(v[0] > 0)) return fail(c, m, "%s: frequency must be > 0 (got %g)", "modes", v[0]);
        if (v[0] >= 0.48 * rate) {
            gd_warn("%s:%lu: mode at %g Hz is above 0.48 * rate (%d Hz): dropped", c->path,
                    (unsigned long)m->start_mark.line + 1, v[0], rate);
            continue;
        }
        st->modes[st->n_modes++] = (syn_mode){v[0], v[1], v[2], v[3]};
    }
    return 0;
}

static int parse_stroke(ctx *c, yaml_node_t *n, syn_preset_stroke *st, int rate) {
    if (n->type != YAML_MAPPING_NODE) return fails(c, n, "%s: expected a mapping", "strokes");
    for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
        yaml_node_t *kn = yaml_document_get_node(&c->doc, p->key);
        yaml_node_t *vn = yaml_document_get_node(&c->doc, p->value);
        const char *key = (const char *)kn->data.scalar.value;
        const key_def *k = find_key(stroke_keys, key);
        int err = 0;
        if (k) err = range(c, vn, k, (syn_range *)((char *)st + k->off));
        else if (!strcmp(key, "name")) {
            if (vn->type != YAML_SCALAR_NODE) return fails(c, vn, "%s: expected text", key);
            snprintf(st->name, sizeof st->name, "%s", (const char *)vn->data.scalar.value);
        } else if (!strcmp(key, "weight")) {
            if ((err = num(c, vn, key, &st->weight))) return err;
            if (!(st->weight >= 0)) return fails(c, vn, "%s: must be >= 0", key);
        } else if (!strcmp(key, "hunt_crossley")) {
            if ((err = num(c, vn, key, &st->hunt_crossley))) return err;
            if (st->hunt_crossley < 0 || st->hunt_crossley > 1)
                return fails(c, vn, "%s: a probability in [0, 1]", key);
        } else if (!strcmp(key, "modes")) err = parse_modes(c, vn, st, rate);
        else return fails(c, kn, "unknown stroke key '%s'", key);
        if (err) return err;
    }
    return 0;
}

static int parse_frame(ctx *c, yaml_node_t *n, syn_preset *p) {
    if (n->type != YAML_SEQUENCE_NODE) return fails(c, n, "%s: expected a list", "frame");
    static const key_def fk[] = {{"freq", 0, 20, 20000}, {"t60", 1, 1e-3, 10},
                                 {"gain", 2, 0, 10}, {NULL, 0, 0, 0}};
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        yaml_node_t *m = yaml_document_get_node(&c->doc, *it);
        if (p->n_frame >= SYN_MAX_FRAME) return fail(c, m, "%s: at most %g entries", "frame", SYN_MAX_FRAME);
        if (m->type != YAML_MAPPING_NODE) return fails(c, m, "%s: expected a mapping", "frame");
        int i = p->n_frame++;
        syn_range *dst[3] = {&p->frame_freq[i], &p->frame_t60[i], &p->frame_gain[i]};
        int seen = 0;
        for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < m->data.mapping.pairs.top; q++) {
            yaml_node_t *kn = yaml_document_get_node(&c->doc, q->key);
            const key_def *k = find_key(fk, (const char *)kn->data.scalar.value);
            if (!k) return fails(c, kn, "unknown frame key '%s'", (const char *)kn->data.scalar.value);
            int err = range(c, yaml_document_get_node(&c->doc, q->value), k, dst[k->off]);
            if (err) return err;
            seen |= 1 << k->off;
        }
        if (seen != 7) return fails(c, m, "%s: needs freq, t60 and gain", "frame");
    }
    return 0;
}

static int parse_jingles(ctx *c, yaml_node_t *n, syn_preset *p) {
    if (n->type != YAML_MAPPING_NODE) return fails(c, n, "%s: expected a mapping", "jingles");
    static const key_def jk[] = {
        {"rate", offsetof(syn_preset, jingle_rate), 0, 1e5},
        {"t60", offsetof(syn_preset, jingle_t60), 1e-3, 5},
        {"decay_ms", offsetof(syn_preset, jingle_decay_ms), 1, 5000},
        {"gain", offsetof(syn_preset, jingle_gain), 0, 10},
        {"delay_ms", offsetof(syn_preset, jingle_delay_ms), 0, 100},
        {"jitter", offsetof(syn_preset, jingle_jitter), 0, 0.3}, {NULL, 0, 0, 0}};
    static const key_def fk = {"freq", 0, 100, 20000};
    for (yaml_node_pair_t *q = n->data.mapping.pairs.start; q < n->data.mapping.pairs.top; q++) {
        yaml_node_t *kn = yaml_document_get_node(&c->doc, q->key);
        yaml_node_t *vn = yaml_document_get_node(&c->doc, q->value);
        const char *key = (const char *)kn->data.scalar.value;
        const key_def *k = find_key(jk, key);
        int err = 0;
        if (k) err = range(c, vn, k, (syn_range *)((char *)p + k->off));
        else if (!strcmp(key, "sets")) err = int_val(c, vn, key, 0, 8, &p->jingle_sets);
        else if (!strcmp(key, "freq")) {
            if (vn->type != YAML_SEQUENCE_NODE) return fails(c, vn, "%s: expected a list", key);
            int i = 0;
            for (yaml_node_item_t *it = vn->data.sequence.items.start; it < vn->data.sequence.items.top; it++) {
                if (i >= SYN_MAX_JINGLE_F) return fail(c, vn, "%s: at most %g plate modes", key, SYN_MAX_JINGLE_F);
                if ((err = range(c, yaml_document_get_node(&c->doc, *it), &fk, &p->jingle_freq[i++]))) return err;
            }
        } else return fails(c, kn, "unknown jingles key '%s'", key);
        if (err) return err;
    }
    if (p->jingle_sets > 0 && (p->jingle_freq[0].lo <= 0 || p->jingle_t60.lo <= 0 || p->jingle_decay_ms.lo <= 0))
        return fails(c, n, "%s: needs freq, t60 and decay_ms", "jingles");
    return 0;
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

static int parse_top(ctx *c, yaml_node_t *root, syn_preset *p, syn_preset_stroke *def) {
    yaml_node_t *strokes = NULL;
    for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < root->data.mapping.pairs.top; q++) {
        yaml_node_t *kn = yaml_document_get_node(&c->doc, q->key);
        yaml_node_t *vn = yaml_document_get_node(&c->doc, q->value);
        if (kn->type != YAML_SCALAR_NODE) return fails(c, kn, "%s: keys must be text", "preset");
        const char *key = (const char *)kn->data.scalar.value;
        const key_def *k = find_key(top_keys, key), *sk = find_key(stroke_keys, key);
        double v;
        int err = 0;
        if (k) err = range(c, vn, k, (syn_range *)((char *)p + k->off));
        else if (sk) err = range(c, vn, sk, (syn_range *)((char *)def + sk->off));
        else if (!strcmp(key, "name")) {
            if (vn->type != YAML_SCALAR_NODE) return fails(c, vn, "%s: expected text", key);
            snprintf(p->name, sizeof p->name, "%s", (const char *)vn->data.scalar.value);
        } else if (!strcmp(key, "rate")) err = int_val(c, vn, key, 8000, 384000, &p->rate);
        else if (!strcmp(key, "duration_s")) {
            if (!(err = num(c, vn, key, &v)) && (v <= 0 || v > 60))
                return fail(c, vn, "%s: must be in (0, %g] seconds", key, 60);
            p->duration_s = v;
        } else if (!strcmp(key, "modes")) err = int_val(c, vn, key, 0, SYN_MAX_MODES, &p->n_modes);
        else if (!strcmp(key, "heads")) err = int_val(c, vn, key, 1, 2, &p->heads);
        else if (!strcmp(key, "hunt_crossley")) err = num(c, vn, key, &def->hunt_crossley);
        else if (!strcmp(key, "frame")) err = parse_frame(c, vn, p);
        else if (!strcmp(key, "jingles")) err = parse_jingles(c, vn, p);
        else if (!strcmp(key, "strokes")) strokes = vn;
        else return fails(c, kn, "unknown preset key '%s'", key);
        if (err) return err;
    }
    if (strokes) {
        if (strokes->type != YAML_SEQUENCE_NODE) return fails(c, strokes, "%s: expected a list", "strokes");
        for (yaml_node_item_t *it = strokes->data.sequence.items.start; it < strokes->data.sequence.items.top; it++) {
            yaml_node_t *sn = yaml_document_get_node(&c->doc, *it);
            if (p->n_strokes >= SYN_MAX_STROKES) return fail(c, sn, "%s: at most %g", "strokes", SYN_MAX_STROKES);
            syn_preset_stroke *st = &p->strokes[p->n_strokes++];
            *st = *def;
            int err = parse_stroke(c, sn, st, p->rate);
            if (err) return err;
        }
    } else {
        p->strokes[p->n_strokes++] = *def;
    }
    double wsum = 0;
    for (int i = 0; i < p->n_strokes; i++) {
        wsum += p->strokes[i].weight;
        if (p->n_modes == 0 && p->strokes[i].n_modes == 0)
            return fails(c, root, "stroke '%s' has no modes (modes: 0 and no fitted modes)", p->strokes[i].name);
    }
    if (!(wsum > 0)) return fails(c, root, "%s: stroke weights sum to zero", "strokes");
    return 0;
}

int syn_preset_load(syn_preset **out, const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) { gd_error("%s: cannot open preset", path); return GD_ERR_IO; }
    yaml_parser_t parser;
    ctx c = {.path = path};
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, f);
    int ok = yaml_parser_load(&parser, &c.doc);
    if (!ok) {
        gd_error("%s:%lu:%lu: YAML syntax error: %s", path, (unsigned long)parser.problem_mark.line + 1,
                 (unsigned long)parser.problem_mark.column + 1, parser.problem ? parser.problem : "?");
        yaml_parser_delete(&parser);
        fclose(f);
        return GD_ERR_PARSE;
    }
    yaml_parser_delete(&parser);
    fclose(f);
    int dup = gd_yaml_unique_keys(&c.doc, path);
    if (dup) { yaml_document_delete(&c.doc); return dup; }
    syn_preset *p = calloc(1, sizeof *p);
    syn_preset_stroke def;
    int err = p ? 0 : GD_ERR_NOMEM;
    yaml_node_t *root = yaml_document_get_root_node(&c.doc);
    if (!err) defaults(p, &def);
    if (!err && (!root || root->type != YAML_MAPPING_NODE)) {
        gd_error("%s: a preset is a YAML mapping", path);
        err = GD_ERR_PARSE;
    }
    if (!err) {
        // rate first: explicit modes are checked against it
        for (yaml_node_pair_t *q = root->data.mapping.pairs.start; q < root->data.mapping.pairs.top; q++) {
            yaml_node_t *kn = yaml_document_get_node(&c.doc, q->key);
            if (kn->type == YAML_SCALAR_NODE && !strcmp((const char *)kn->data.scalar.value, "rate"))
                err = int_val(&c, yaml_document_get_node(&c.doc, q->value), "rate", 8000, 384000, &p->rate);
        }
    }
    if (!err) err = parse_top(&c, root, p, &def);
    yaml_document_delete(&c.doc);
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
