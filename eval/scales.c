// scales.c: the shared pass over the full-window STFT scales (see scales.h).
#include "eval/scales.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"    // defines: GD_ERR_*
#include "eval/fastlog.h"  // defines: ev_row_sqdiff, ev_sum_abs_logratio

#define BLOCK EV_SCALES_BLOCK   // both signals: 2 x 32 x 1025 floats at most, in L2

const ev_stft_cfg ev_cfg_2048 = {2048, 512, 2048, EV_PAD_REFLECT};

static const int k_mels[EV_N_SCALES] = {320, 160, 80, 40, 20};   // DAC's bands per scale

// The consumers of one block of c rows (global rows t0 ..), rb/tb of the two signals.
typedef struct {
    int          F;
    double       num, den, lg;       // RAVE sums
    const ev_melbank *mb;            // mel bank, or NULL: no mel term
    double      *mr, *mt;            // mel rows of the block (BLOCK x n_mels)
    ev_mel_acc   mel;
    double      *flux_r, *flux_e;    // flux (T) or NULL
    float       *lr, *le;            // flux row states (3 F each: previous, current, scratch)
    ev_lsd_acc  *lsd;                // first reads of the 2048 scale, or NULL
    ev_mcd_acc  *mcd;
} consumers;

static int consume(consumers *c, const float *rb, const float *tb, int64_t t0, int64_t n,
                   int rave, float *tmp) {
    const int F = c->F;
    if (rave)
        for (int64_t f = 0; f < n; f++) {
            ev_row_sqdiff(rb + f * F, tb + f * F, F, 0.0f, &c->num, &c->den);
            c->lg += ev_sum_abs_logratio(rb + f * F, tb + f * F, F, 0.0f, (float)1e-7, tmp);
        }
    if (c->mb) {
        ev_melbank_apply(c->mb, c->mr, rb, n);
        ev_melbank_apply(c->mb, c->mt, tb, n);
        if (ev_mel_acc_add(&c->mel, c->mr, c->mt, n * c->mb->n_mels)) return -1;
    }
    if (c->flux_r)
        for (int64_t f = 0; f < n; f++) {
            int64_t t = t0 + f;   // frame -1 is silence (the states start zeroed)
            c->flux_r[t] = ev_flux_row(c->lr + (t & 1) * F, c->lr + ((t + 1) & 1) * F, rb + f * F,
                                       c->lr + 2 * (size_t)F, F);
            c->flux_e[t] = ev_flux_row(c->le + (t & 1) * F, c->le + ((t + 1) & 1) * F, tb + f * F,
                                       c->le + 2 * (size_t)F, F);
        }
    if (c->lsd) ev_lsd_first(c->lsd, rb, t0, n);
    if (c->mcd) ev_mcd_first(c->mcd, rb, tb, n);
    return 0;
}

int ev_scales_run(ev_scales *o, ev_sig *ref, ev_sig *est) {
    o->rave_why = NULL;
    int rc = 0;
    float *R = malloc(sizeof(float) * BLOCK * 1025), *Tb = malloc(sizeof(float) * BLOCK * 1025);
    float *tmp = malloc(sizeof(float) * 1025);
    float *lr = calloc(3 * 257, sizeof(float)), *le = calloc(3 * 257, sizeof(float));
    double *mr = malloc(sizeof(double) * BLOCK * k_mels[0]), *mt = malloc(sizeof(double) * BLOCK * k_mels[0]);
    if (!R || !Tb || !tmp || !lr || !le || !mr || !mt) { rc = -1; goto done; }
    double partial = 0;
    int stopped = 0;
    for (int i = 0; i < EV_N_SCALES && !rc && !stopped; i++) {
        const int size = 2048 >> i;
        ev_stft_cfg cfg = {size, size / 4, size, EV_PAD_REFLECT};
        const int64_t T = ev_stft_frames(&cfg, ref->n);
        consumers c = {.F = size / 2 + 1, .lr = lr, .le = le, .mr = mr, .mt = mt};
        if (o->mel && !(c.mb = ev_melbank_get(o->rate, size, k_mels[i]))) { rc = -1; break; }
        if (size == 512 && o->flux_ref) { c.flux_r = o->flux_ref; c.flux_e = o->flux_est; }
        if (size == 2048) { c.lsd = o->lsd; c.mcd = o->mcd; }
        for (int64_t t0 = 0; t0 < T && !rc; t0 += BLOCK) {
            int64_t n = T - t0 < BLOCK ? T - t0 : BLOCK;
            if (ev_stft_spec_range(R, ref->x, ref->n, &cfg, 1, t0, n) ||
                ev_stft_spec_range(Tb, est->x, est->n, &cfg, 1, t0, n) ||
                consume(&c, R, Tb, t0, n, o->rave, tmp)) rc = -1;
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
        if (!rc && o->mel) o->mel_term[i] = ev_mel_acc_term(&c.mel);
    }
done:
    free(R); free(Tb); free(tmp); free(lr); free(le); free(mr); free(mt);
    return rc;
}

int ev_spec_2048_pass(ev_sig *ref, ev_sig *est, ev_lsd_acc *lsd, ev_mcd_acc *mcd, int pass) {
    const int F = 1025;
    const int64_t T = ev_stft_frames(&ev_cfg_2048, ref->n);
    float *R = malloc(sizeof(float) * BLOCK * F), *Tb = malloc(sizeof(float) * BLOCK * F);
    int rc = !R || !Tb ? -1 : 0;
    for (int64_t t0 = 0; t0 < T && !rc; t0 += BLOCK) {
        int64_t n = T - t0 < BLOCK ? T - t0 : BLOCK;
        if (ev_stft_spec_range(R, ref->x, ref->n, &ev_cfg_2048, 1, t0, n) ||
            (est && ev_stft_spec_range(Tb, est->x, est->n, &ev_cfg_2048, 1, t0, n))) { rc = -1; break; }
        if (pass == 1) {
            if (lsd) ev_lsd_first(lsd, R, t0, n);
            if (mcd) ev_mcd_first(mcd, R, Tb, n);
        } else {
            if (lsd) ev_lsd_second(lsd, R, Tb, t0, n);
            if (mcd) ev_mcd_second(mcd, R, Tb, n);
        }
    }
    free(R); free(Tb);
    return rc;
}
