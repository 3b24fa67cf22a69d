// scales.c: the shared pass over the full-window STFT scales (see scales.h).
#include "eval/scales.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"    // defines: GD_ERR_*
#include "eval/fastlog.h"  // defines: ev_row_sqdiff, ev_sum_abs_logratio

#define BLOCK 32   // rows per block (both signals: 2 x 32 x 513 floats at most, in L2)

static const int k_mels[EV_N_SCALES] = {320, 160, 80, 40, 20};   // DAC's bands per scale

// The consumers of one block of c rows (global rows t0 ..), rb/tb of the two signals.
typedef struct {
    int          F;
    double       num, den, lg;       // RAVE sums
    const ev_melbank *mb;
    double      *mr, *mt;            // mel rows (T, n_mels) or NULL
    double      *flux_r, *flux_e;    // flux (T) or NULL
    float       *lr, *le;            // flux row states (3 F each: previous, current, scratch)
} consumers;

static void consume(consumers *c, const float *rb, const float *tb, int64_t t0, int64_t n,
                    int rave, float *tmp) {
    const int F = c->F;
    if (rave)
        for (int64_t f = 0; f < n; f++) {
            ev_row_sqdiff(rb + f * F, tb + f * F, F, 0.0f, &c->num, &c->den);
            c->lg += ev_sum_abs_logratio(rb + f * F, tb + f * F, F, 0.0f, (float)1e-7, tmp);
        }
    if (c->mr) {
        ev_melbank_apply(c->mb, c->mr + t0 * c->mb->n_mels, rb, n);
        ev_melbank_apply(c->mb, c->mt + t0 * c->mb->n_mels, tb, n);
    }
    if (c->flux_r)
        for (int64_t f = 0; f < n; f++) {
            int64_t t = t0 + f;   // frame -1 is silence (the states start zeroed)
            c->flux_r[t] = ev_flux_row(c->lr + (t & 1) * F, c->lr + ((t + 1) & 1) * F, rb + f * F,
                                       c->lr + 2 * (size_t)F, F);
            c->flux_e[t] = ev_flux_row(c->le + (t & 1) * F, c->le + ((t + 1) & 1) * F, tb + f * F,
                                       c->le + 2 * (size_t)F, F);
        }
}

int ev_scales_run(ev_scales *o, ev_sig *ref, ev_sig *est) {
    o->rave_why = NULL;
    int rc = 0;
    float *R = malloc(sizeof(float) * BLOCK * 513), *Tb = malloc(sizeof(float) * BLOCK * 513);
    float *tmp = malloc(sizeof(float) * 1025);
    float *lr = calloc(3 * 257, sizeof(float)), *le = calloc(3 * 257, sizeof(float));
    if (!R || !Tb || !tmp || !lr || !le) { rc = -1; goto done; }
    double partial = 0;
    int stopped = 0;
    for (int i = 0; i < EV_N_SCALES && !rc && !stopped; i++) {
        const int size = 2048 >> i;
        ev_stft_cfg cfg = {size, size / 4, size, EV_PAD_REFLECT};
        const int64_t T = ev_stft_frames(&cfg, ref->n);
        consumers c = {.F = size / 2 + 1, .lr = lr, .le = le};
        if (o->mel) {
            c.mb = ev_melbank_get(o->rate, size, k_mels[i]);
            c.mr = malloc(sizeof(double) * T * k_mels[i]);
            c.mt = malloc(sizeof(double) * T * k_mels[i]);
            if (!c.mb || !c.mr || !c.mt) { free(c.mr); free(c.mt); rc = -1; break; }
        }
        if (size == 512 && o->flux_ref) { c.flux_r = o->flux_ref; c.flux_e = o->flux_est; }
        const ev_spec *cr = NULL, *ct = NULL;
        if (size == 2048) {   // kept: LSD and MCD read it too
            cr = ev_sig_spec(ref, &cfg); ct = ev_sig_spec(est, &cfg);
            if (!cr || !ct) rc = -1;
        }
        for (int64_t t0 = 0; t0 < T && !rc; t0 += BLOCK) {
            int64_t n = T - t0 < BLOCK ? T - t0 : BLOCK;
            if (cr) {
                consume(&c, cr->mag + t0 * c.F, ct->mag + t0 * c.F, t0, n, o->rave, tmp);
                continue;
            }
            if (ev_stft_spec_range(R, ref->x, ref->n, &cfg, 1, t0, n) ||
                ev_stft_spec_range(Tb, est->x, est->n, &cfg, 1, t0, n)) { rc = -1; break; }
            consume(&c, R, Tb, t0, n, o->rave, tmp);
        }
        if (!rc && o->rave) {
            if (c.den <= 0) { if (!o->rave_why) o->rave_why = "reference is silent"; }
            else o->rave_term[i] = c.num / c.den + c.lg / (double)(T * c.F);
            partial += o->rave_term[i];   // every term is >= 0: a lower bound of the sum
            if (o->rave_stop > 0 && partial > o->rave_stop && !o->rave_why) {
                o->rave_why = "above the search bound";
                stopped = 1;
            }
        }
        if (!rc && o->mel) {
            o->mel_term[i] = ev_mel_l1_term(c.mr, c.mt, T * k_mels[i]);
            if (o->mel_term[i] != o->mel_term[i]) rc = -1;   // NAN: out of memory
        }
        free(c.mr); free(c.mt);
    }
done:
    free(R); free(Tb); free(tmp); free(lr); free(le);
    return rc;
}
