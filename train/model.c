// model.c: see model.h. Layer tables follow docs/rave-v2.md sections 3 and 4.
#include "train/model.h"

#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "train/nn/act.h"
#include "train/nn/adam.h"
#include "train/nn/mmd.h"
#include "train/prof.h"

static void build_encoder(rv_net *e, rv_params *p, const rv_config *c) {
    int C = c->capacity, k = c->kernel_size, k0 = 2 * k + 1;
    rv_net_conv(e, p, RV_PQMF_BANDS, C, k0, 1, 1, (k0 - 1) / 2, k0 / 2, RV_WN);
    for (int i = 0; i < c->n_ratios; i++) {
        int r = c->ratios[i];
        for (int j = 0; j < c->n_dil[i]; j++) rv_net_res(e, p, C, k, c->dilations[i][j]);
        rv_net_conv(e, p, C, 2 * C, 2 * r, r, 1, r - 1, r, RV_PRE_ACT | RV_WN);
        C *= 2;
    }
    rv_net_conv(e, p, C, c->latent_size, k, 1, 1, (k - 1) / 2, k / 2, RV_PRE_ACT | RV_WN);
}

static void build_decoder(rv_net *d, rv_params *p, const rv_config *c) {
    int k = c->kernel_size, k0 = 2 * k + 1, C = c->capacity << c->n_ratios;
    rv_net_conv(d, p, c->latent_size + c->noise_channels, C, k, 1, 1, (k - 1) / 2, k / 2, RV_WN);
    for (int i = c->n_ratios - 1; i >= 0; i--) {
        int r = c->ratios[i];
        rv_net_convt(d, p, C, C / 2, 2 * r, r, r / 2, RV_PRE_ACT | RV_WN);
        C /= 2;
        for (int j = 0; j < c->n_dil[i]; j++) rv_net_res(d, p, C, k, c->dilations[i][j]);
    }
    rv_net_conv(d, p, C, 2 * RV_PQMF_BANDS, k0, 1, 1, (k0 - 1) / 2, k0 / 2, RV_PRE_ACT | RV_WN);
}

int rv_model_init(rv_model *m, const rv_config *cfg) {
    memset(m, 0, sizeof(*m));
    m->be = &rv_backend_cpu;
    m->cfg = *cfg;
    if (rv_config_validate(cfg)) return GD_ERR_ARG;
    rv_net_init(&m->enc, "encoder");
    rv_net_init(&m->dec, "decoder");
    build_encoder(&m->enc, &m->P, cfg);
    m->n_enc = m->P.total;
    build_decoder(&m->dec, &m->P, cfg);
    if (rv_params_alloc(&m->P)) return GD_ERR_NOMEM;
    long n = m->P.total;
    m->G = calloc(n, sizeof(float)); m->M = calloc(n, sizeof(float)); m->V = calloc(n, sizeof(float));
    m->W_enc = calloc(m->enc.w_total, sizeof(float)); m->DW_enc = calloc(m->enc.w_total, sizeof(float));
    m->W_dec = calloc(m->dec.w_total, sizeof(float)); m->DW_dec = calloc(m->dec.w_total, sizeof(float));
    if (!m->G || !m->M || !m->V || !m->W_enc || !m->DW_enc || !m->W_dec || !m->DW_dec)
        return GD_ERR_NOMEM;
    rv_pqmf_init(&m->pqmf);
    rv_model_receptive_field(m, &m->lrf, &m->rrf);
    if (cfg->crop_multiband) {
        m->crop_l = (int)(m->lrf / RV_PQMF_BANDS);
        m->crop_r = (int)((m->rrf + RV_PQMF_BANDS - 1) / RV_PQMF_BANDS);
    }
    return 0;
}

static void unplan(rv_model *m) {
    free(m->work); m->work = NULL;
    free(m->mmd_scratch); m->mmd_scratch = NULL;
    if (!m->be) return;
    m->be->mss_free(m->mss_mb); m->mss_mb = NULL;
    m->be->mss_free(m->mss_fb); m->mss_fb = NULL;
}

void rv_model_free(rv_model *m) {
    if (!m) return;
    unplan(m);
    if (m->disc) { rv_disc_free(m->disc); free(m->disc); }
    rv_net_free(&m->enc); rv_net_free(&m->dec);
    rv_params_free(&m->P);
    free(m->G); free(m->M); free(m->V);
    free(m->W_enc); free(m->DW_enc); free(m->W_dec); free(m->DW_dec);
    memset(m, 0, sizeof(*m));
}

void rv_model_init_params(rv_model *m, unsigned long long seed) {
    rv_net_init_params(&m->enc, m->P.data, seed);
    rv_net_init_params(&m->dec, m->P.data, seed);
}

static size_t zmax(size_t a, size_t b) { return a > b ? a : b; }

int rv_model_plan(rv_model *m, int B, long N, rv_plan_mode mode) {
    const rv_config *c = &m->cfg;
    unplan(m);
    int hop = rv_config_hop(c);
    if (N % hop) {
        gd_error("length %ld is not a multiple of the total stride %d", N, hop);
        return GD_ERR_ARG;
    }
    m->B = B; m->N = N; m->T = (int)(N / RV_PQMF_BANDS); m->Tl = (int)(N / hop);
    if (rv_net_plan(&m->enc, B, m->T) || rv_net_plan(&m->dec, B, m->Tl)) return GD_ERR_ARG;
    GD_ASSERT(rv_net_t_out(&m->enc) == m->Tl && rv_net_t_out(&m->dec) == m->T);
    int L = c->latent_size, Lz = L + c->noise_channels, T = m->T, Tl = m->Tl;
    size_t sb = (size_t)B * RV_PQMF_BANDS * T, io = zmax(rv_net_max_io(&m->enc), rv_net_max_io(&m->dec));
    size_t scr = zmax(zmax(rv_net_scratch(&m->enc), rv_net_scratch(&m->dec)), rv_pqmf_scratch(B, N));
    size_t sizes[] = {sb, (size_t)B * L * Tl, (size_t)B * Lz * Tl, sb, (size_t)B * N, (size_t)B * N,
                      sb, 2 * sb, (size_t)B * Lz * Tl, (size_t)B * L * Tl, scr, io, io, io, io,
                      rv_net_act_size(&m->enc), rv_net_act_size(&m->dec)};
    float **ptrs[] = {&m->x_mb, &m->z, &m->zin, &m->y_mb, &m->y, &m->dy, &m->dy_mb, &m->ddec,
                      &m->dzin, &m->dz, &m->scratch, &m->bufs[0], &m->bufs[1], &m->bufs[2],
                      &m->bufs[3], NULL, NULL};
    int n = (int)(sizeof(sizes) / sizeof(sizes[0]));
    size_t tot = 0;
    for (int i = 0; i < n; i++) tot += sizes[i];
    m->work = calloc(tot, sizeof(float));
    m->mmd_scratch = malloc(sizeof(double) * (size_t)B * Tl);
    if (!m->work || !m->mmd_scratch) return GD_ERR_NOMEM;
    float *p = m->work;
    for (int i = 0; i < n; i++) {
        if (ptrs[i]) *ptrs[i] = p;
        else rv_net_bind(i == n - 2 ? &m->enc : &m->dec, p);
        p += sizes[i];
    }
    if (mode == RV_PLAN_TRAIN) {
        long nmb = T - m->crop_l - m->crop_r;
        for (int i = 0; i < c->n_mb_scales; i++)
            if (nmb <= c->mb_scales[i] / 2) {
                gd_error("n_signal %ld leaves %ld sub-band frames after the receptive-field crop "
                         "(%d + %d); multiband scale %d needs more than %d",
                         N, nmb, m->crop_l, m->crop_r, c->mb_scales[i], c->mb_scales[i] / 2);
                return GD_ERR_ARG;
            }
        for (int i = 0; i < c->n_fb_scales; i++)
            if (N <= c->fb_scales[i] / 2) {
                gd_error("n_signal %ld too short for fullband scale %d", N, c->fb_scales[i]);
                return GD_ERR_ARG;
            }
        int rc = m->be->mss_init(&m->mss_mb, c->mb_scales, c->n_mb_scales, B * RV_PQMF_BANDS, nmb);
        if (!rc) rc = m->be->mss_init(&m->mss_fb, c->fb_scales, c->n_fb_scales, B, N);
        if (!rc && m->disc) rc = rv_disc_plan(m->disc, B, N);
        if (rc) return rc;
    }
    return 0;
}

// zin = [z ; noise] along channels.
static void concat_latent(rv_model *m, const float *z, const float *noise) {
    int L = m->cfg.latent_size, K = m->cfg.noise_channels, Tl = m->Tl;
    for (int b = 0; b < m->B; b++) {
        memcpy(m->zin + (size_t)b * (L + K) * Tl, z + (size_t)b * L * Tl, sizeof(float) * L * Tl);
        if (K)
            memcpy(m->zin + ((size_t)b * (L + K) + L) * Tl, noise + (size_t)b * K * Tl,
                   sizeof(float) * K * Tl);
    }
}

static void decode_mb(rv_model *m, const float *noise_unused) {
    (void)noise_unused;
    m->dec_out = rv_net_fwd(&m->dec, m->P.data, m->W_dec, m->zin, m->scratch);
    RV_PROF(RV_P_OTHER, m->be->amod_fwd(m->y_mb, m->dec_out, m->B, RV_PQMF_BANDS, m->T));
    RV_PROF(RV_P_PQMF, m->be->pqmf_synthesis_fwd(m->y, m->y_mb, &m->pqmf, m->B, m->N, m->scratch));
}

double rv_model_gen_step(rv_model *m, const float *x, const float *noise, const float *prior,
                         rv_losses *out, unsigned flags) {
    const int backward = !!(flags & RV_STEP_BACKWARD);
    const int train_encoder = !!(flags & RV_STEP_TRAIN_ENCODER);
    const rv_config *c = &m->cfg;
    int B = m->B, T = m->T, Tl = m->Tl, L = c->latent_size;
    rv_net_weights(&m->enc, m->P.data, m->W_enc);
    rv_net_weights(&m->dec, m->P.data, m->W_dec);
    RV_PROF(RV_P_PQMF, m->be->pqmf_analysis_fwd(m->x_mb, x, &m->pqmf, B, m->N, m->scratch));
    const float *z = rv_net_fwd(&m->enc, m->P.data, m->W_enc, m->x_mb, m->scratch);
    memcpy(m->z, z, sizeof(float) * (size_t)B * L * Tl);
    double mmd;
    RV_PROF(RV_P_MMD, mmd = m->be->mmd_fwd(m->z, prior, B, L, Tl, m->mmd_scratch));
    concat_latent(m, m->z, noise);
    decode_mb(m, noise);
    long nmb = T - m->crop_l - m->crop_r;
    double mb, fb;
    RV_PROF(RV_P_MSS, mb = m->be->mss_fwd(m->mss_mb, m->x_mb + m->crop_l, m->y_mb + m->crop_l,
                                      B * RV_PQMF_BANDS, nmb, T, NULL));
    RV_PROF(RV_P_MSS, fb = m->be->mss_fwd(m->mss_fb, x, m->y, B, m->N, m->N, NULL));
    double reg = train_encoder ? c->loss_mmd * mmd : 0;   // frozen encoder: no regulariser grad
    double total = c->loss_multiband * mb + c->loss_fullband * fb + reg;
    if (out) {
        memset(out, 0, sizeof(*out));
        out->mb = mb; out->fb = fb; out->mmd = mmd; out->total = total;
    }
    if (!backward) return total;
    size_t sb = (size_t)B * RV_PQMF_BANDS * T;
    memset(m->G, 0, sizeof(float) * m->P.total);
    memset(m->dy, 0, sizeof(float) * (size_t)B * m->N);
    RV_PROF(RV_P_MSS, m->be->mss_bwd(m->mss_fb, m->dy, c->loss_fullband));
    if (!train_encoder && m->disc) {
        double adv, fm;
        rv_disc_g_step(m->disc, x, m->y, c->loss_adversarial, c->loss_feature_matching, m->dy,
                       &adv, &fm);
        total += c->loss_adversarial * adv + c->loss_feature_matching * fm;
        if (out) { out->adv = adv; out->fm = fm; out->total = total; }
    }
    memset(m->dy_mb, 0, sizeof(float) * sb);
    RV_PROF(RV_P_PQMF, m->be->pqmf_synthesis_bwd(m->dy_mb, m->dy, &m->pqmf, B, m->N, m->scratch));
    RV_PROF(RV_P_MSS, m->be->mss_bwd(m->mss_mb, m->dy_mb + m->crop_l, c->loss_multiband));
    memset(m->ddec, 0, sizeof(float) * 2 * sb);
    RV_PROF(RV_P_OTHER, m->be->amod_bwd(m->ddec, m->dy_mb, m->dec_out, B, RV_PQMF_BANDS, T));
    if (!train_encoder) {
        rv_net_bwd(&m->dec, m->P.data, m->W_dec, m->G, m->DW_dec, NULL, m->ddec, m->scratch, m->bufs);
        return total;
    }
    int Lz = L + c->noise_channels;
    memset(m->dzin, 0, sizeof(float) * (size_t)B * Lz * Tl);
    rv_net_bwd(&m->dec, m->P.data, m->W_dec, m->G, m->DW_dec, m->dzin, m->ddec, m->scratch, m->bufs);
    for (int b = 0; b < B; b++)
        memcpy(m->dz + (size_t)b * L * Tl, m->dzin + (size_t)b * Lz * Tl, sizeof(float) * L * Tl);
    RV_PROF(RV_P_MMD, m->be->mmd_bwd(m->dz, c->loss_mmd, m->z, prior, B, L, Tl));
    rv_net_bwd(&m->enc, m->P.data, m->W_enc, m->G, m->DW_enc, NULL, m->dz, m->scratch, m->bufs);
    return total;
}

void rv_model_adam(rv_model *m, double lr, long t, unsigned flags) {
    rv_adam_cfg a = {m->cfg.lr, m->cfg.beta1, m->cfg.beta2, m->cfg.eps};
    long off = flags & RV_STEP_TRAIN_ENCODER ? 0 : m->n_enc;
    RV_PROF(RV_P_ADAM, m->be->adam_step(m->P.data + off, m->M + off, m->V + off, m->G + off,
                                    m->P.total - off, &a, lr, t));
}

void rv_model_encode(rv_model *m, float *z, const float *x) {
    rv_net_weights(&m->enc, m->P.data, m->W_enc);
    m->be->pqmf_analysis_fwd(m->x_mb, x, &m->pqmf, m->B, m->N, m->scratch);
    const float *e = rv_net_fwd(&m->enc, m->P.data, m->W_enc, m->x_mb, m->scratch);
    memcpy(z, e, sizeof(float) * (size_t)m->B * m->cfg.latent_size * m->Tl);
}

void rv_model_decode(rv_model *m, float *y, const float *z, const float *noise) {
    rv_net_weights(&m->dec, m->P.data, m->W_dec);
    concat_latent(m, z, noise);
    decode_mb(m, noise);
    memcpy(y, m->y, sizeof(float) * (size_t)m->B * m->N);
}

void rv_model_receptive_field(const rv_model *m, long *lrf, long *rrf) {
    long o = 1L << 30, n = o / RV_PQMF_BANDS;        // an output sample far from any edge
    long lo, hi;
    rv_net_rf(&m->dec, n - 16, n + 16, &lo, &hi);    // synthesis conv: K 33, pad 16
    rv_net_rf(&m->enc, lo, hi, &lo, &hi);
    lo = lo * RV_PQMF_BANDS - 256;                   // analysis conv: K 513, stride 16, pad 256
    hi = hi * RV_PQMF_BANDS - 256 + 512;
    *lrf = o - lo;
    *rrf = hi - o;
}

int rv_model_init_disc(rv_model *m, unsigned long long seed) {
    if (!m->disc) {
        m->disc = calloc(1, sizeof(rv_disc));
        if (!m->disc) return GD_ERR_NOMEM;
        int rc = rv_disc_init(m->disc, &m->cfg, seed);
        if (rc) return rc;
    }
    return m->B ? rv_disc_plan(m->disc, m->B, m->N) : 0;
}

static long ceil_div(long a, long b) { return (a + b - 1) / b; }

void rv_model_phase_counts(const rv_config *c, long s, long *g_done, long *d_done) {
    long P1 = c->phase_1_duration, E = c->update_discriminator_every;
    if (s <= P1) { *g_done = s; *d_done = 0; return; }
    *d_done = ceil_div(s, E) - ceil_div(P1, E);
    *g_done = P1 + (s - P1) - *d_done;
}
