// fit.c: see fit.h.
#include "train/fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/csv.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/rng.h"
#include "train/checkpoint.h"
#include "train/data.h"
#include "train/model.h"
#include "train/nn/adam.h"

#define LOG_HEADER "step,phase,lr,loss,multiband,fullband,mmd,valid,adversarial,feature_matching,discriminator,steps_per_s\n"

// Noise (B, K, Tl) and prior (B, L, Tl) for a step, from their own stream.
static void draw_latent_noise(float *noise, long nn, float *prior, long np, uint64_t seed,
                              const char *what, long step) {
    char id[32];
    snprintf(id, sizeof(id), "%ld", step);
    gd_rng r;
    gd_rng_init(&r, seed, gd_rng_stream_id(what, id));
    for (long i = 0; i < nn; i++) noise[i] = (float)gd_rng_normal(&r);
    for (long i = 0; i < np; i++) prior[i] = (float)gd_rng_normal(&r);
}

static void print_schedule(const rv_config *c, long from, long to) {
    gd_info("schedule: phase 1 (encoder + decoder; spectral x%g/x%g + MMD x%g) steps 0..%ld, "
            "lr %g -> %g linearly", c->loss_multiband, c->loss_fullband, c->loss_mmd,
            c->phase_1_duration - 1, c->lr, c->lr * c->lr_end_factor);
    gd_info("schedule: phase 2 (adversarial, encoder frozen, D:G = 1:%d) from step %ld",
            c->update_discriminator_every - 1, c->phase_1_duration);
    gd_info("this run: steps %ld..%ld, %s", from, to - 1,
            to <= c->phase_1_duration ? "all in phase 1" : "crosses into phase 2");
}

// Keeps the header and rows with step < keep of an existing log (resume).
static int trim_log(const char *path, long keep) {
    gd_csv *csv;
    if (!gd_path_exists(path)) return 0;
    int rc = gd_csv_read(&csv, path);
    if (rc) return rc;
    gd_atomic a;
    if ((rc = gd_atomic_open(&a, path, "w"))) { gd_csv_free(csv); return rc; }
    fputs(LOG_HEADER, a.f);
    for (int r = 0; r < csv->n_rows; r++) {
        if (strtol(gd_csv_get(csv, r, 0), NULL, 10) >= keep) break;
        gd_csv_write_row(a.f, (const char *const *)&csv->cells[(long)r * csv->n_cols], csv->n_cols);
    }
    gd_csv_free(csv);
    return gd_atomic_commit(&a);
}

static double validate(rv_model *m, const rv_corpus *val, uint64_t seed, float *x, float *noise,
                       long nn, float *prior, long np) {
    int nb = (val->n + m->B - 1) / m->B;
    if (nb > 4) nb = 4;
    double s = 0;
    for (int k = 0; k < nb; k++) {
        rv_batch_valid(x, val, k, m->B, m->N);
        draw_latent_noise(noise, nn, prior, np, seed, "valid-noise", k);
        rv_losses L;
        rv_model_gen_step(m, x, noise, prior, &L, 0, 1);
        s += L.total;
    }
    return s / nb;
}

static int finite_grads(const rv_model *m) {
    double s = 0;
    for (long i = 0; i < m->P.total; i++) s += (double)m->G[i] * m->G[i];
    return isfinite(s);
}

int rv_fit(const rv_fit_opts *o) {
    rv_model m;
    rv_corpus tr, va;
    memset(&tr, 0, sizeof(tr)); memset(&va, 0, sizeof(va));
    char *ckpt = gd_path_join(o->out_dir, "model.safetensors");
    char *logp = gd_path_join(o->out_dir, "log.csv");
    long step0 = 0;
    char sha_ckpt[65] = "";
    int rc = gd_mkdir_p(o->out_dir);
    float *x = NULL, *noise = NULL, *prior = NULL;
    FILE *log = NULL;
    if (rc) { gd_error("%s: cannot create the run folder", o->out_dir); memset(&m, 0, sizeof(m)); goto out; }
    if (o->resume) {
        if (!gd_path_exists(ckpt)) { gd_error("%s: nothing to resume (no checkpoint)", ckpt); rc = GD_ERR_IO; memset(&m, 0, sizeof(m)); goto out; }
        if ((rc = rv_ckpt_load(ckpt, &m, &step0, sha_ckpt, 1))) goto out;
        gd_info("resuming %s at step %ld", ckpt, step0);
        if (o->have_cfg) {
            char a[8192], b[8192];
            rv_config_to_yaml(&m.cfg, a, sizeof(a));
            rv_config_to_yaml(&o->cfg, b, sizeof(b));
            if (strcmp(a, b)) gd_warn("--config differs from the checkpoint's; resuming with the checkpoint's");
        }
    } else {
        if (gd_path_exists(ckpt))
            gd_warn("%s exists; starting over (use --resume to continue it)", ckpt);
        if ((rc = rv_model_init(&m, &o->cfg))) goto out;
        rv_model_init_params(&m, (unsigned long long)(o->seed >= 0 ? o->seed : o->cfg.seed));
    }
    const rv_config *c = &m.cfg;
    uint64_t seed = (uint64_t)(o->seed >= 0 ? o->seed : c->seed);
    if ((rc = rv_corpus_load(&tr, o->corpus, "train", c, o->strict))) goto out;
    if (rv_corpus_load(&va, o->corpus, "valid", c, o->strict)) gd_info("no validation loss: no usable 'valid' rows");
    if (o->resume && sha_ckpt[0] && strcmp(sha_ckpt, tr.sha256))
        gd_warn("%s: the training split differs from the one this checkpoint was trained on", o->corpus);
    gd_info("corpus %s: %d train, %d valid files; %ld parameters; receptive field %ld/%ld samples, "
            "multiband crop %d+%d frames", o->corpus, tr.n, va.n, m.P.total, m.lrf, m.rrf, m.crop_l, m.crop_r);
    print_schedule(c, step0, o->steps);
    if ((rc = rv_model_plan(&m, c->batch, c->n_signal, 1))) goto out;
    {
        char yaml[8192], *cp = gd_path_join(o->out_dir, "config.yaml");
        rv_config_to_yaml(c, yaml, sizeof(yaml));
        gd_atomic a;
        if (!gd_atomic_open(&a, cp, "w")) { fputs(yaml, a.f); gd_atomic_commit(&a); }
        free(cp);
    }
    if (o->resume) trim_log(logp, step0);
    int fresh_log = !o->resume || !gd_path_exists(logp);
    log = fopen(logp, fresh_log ? "w" : "a");
    if (!log) { gd_error("%s: cannot write", logp); rc = GD_ERR_IO; goto out; }
    if (fresh_log) fputs(LOG_HEADER, log);
    int B = m.B;
    long N = m.N, nn = (long)B * c->noise_channels * m.Tl, np = (long)B * c->latent_size * m.Tl;
    x = malloc(sizeof(float) * B * N);
    noise = malloc(sizeof(float) * (nn ? nn : 1));
    prior = malloc(sizeof(float) * np);
    int tty = isatty(2) && !o->quiet && gd_log_get_level() < GD_LOG_QUIET;
    double t0 = gd_now(), t_draw = 0;
    long last_good = step0, every = (o->steps - step0) / 10 > 0 ? (o->steps - step0) / 10 : 1;
    for (long s = step0; s < o->steps; s++) {
        rv_batch_train(x, &tr, c, seed, s, B, N);
        draw_latent_noise(noise, nn, prior, np, seed, "train-noise", s);
        rv_losses L;
        int phase = s < c->phase_1_duration ? 1 : 2, E = c->update_discriminator_every;
        long g_done, d_done;
        rv_model_phase_counts(c, s, &g_done, &d_done);
        if (phase == 2 && !m.disc) {
            if ((rc = rv_model_init_disc(&m, seed))) goto out;
            gd_info("step %ld: phase 2 starts: %ld discriminator parameters, encoder frozen", s,
                    m.disc->P.total);
        }
        double lr = rv_lr_linear(c->lr, c->lr_end_factor, s, c->phase_1_duration), ld = NAN;
        if (phase == 2 && s % E == 0) {
            rv_model_gen_step(&m, x, noise, prior, &L, 0, 0);
            ld = rv_disc_d_step(m.disc, x, m.y);
            L.disc = ld;
        } else {
            rv_model_gen_step(&m, x, noise, prior, &L, 1, phase == 1);
        }
        if (s == o->fault_step) L.total = NAN;
        int bad = !isfinite(L.total) || (isfinite(ld) ? 0 : phase == 2 && s % E == 0);
        if (bad || (!(phase == 2 && s % E == 0) && !finite_grads(&m))) {
            gd_error("non-finite %s at step %ld; stopped. Last good checkpoint: %s (step %ld)",
                     bad ? "loss" : "gradient", s, ckpt, last_good);
            rc = GD_ERR_NUMERIC;
            goto out;
        }
        if (phase == 1) rv_model_adam(&m, lr, s + 1, 1);
        else if (s % E == 0) rv_disc_adam(m.disc, c, c->d_lr, d_done + 1);
        else rv_model_adam(&m, lr, g_done + 1, 0);
        double val = NAN;
        if (va.n && c->val_every > 0 && ((s + 1) % c->val_every == 0 || s + 1 == o->steps))
            val = validate(&m, &va, seed, x, noise, nn, prior, np);
        double sps = (s + 1 - step0) / (gd_now() - t0);
        fprintf(log, "%ld,%d,%.9g,%.9g,%.9g,%.9g,%.9g,", s, phase, lr, L.total, L.mb, L.fb, L.mmd);
        if (isfinite(val)) fprintf(log, "%.9g", val);
        if (phase == 2 && s % E) fprintf(log, ",%.9g,%.9g,", L.adv, L.fm);
        else fprintf(log, ",,,");
        if (isfinite(ld)) fprintf(log, "%.9g", ld);
        fprintf(log, ",%.3f\n", sps);
        long done = s + 1;
        if ((c->ckpt_every > 0 && done % c->ckpt_every == 0) || done == o->steps ||
            done == c->phase_1_duration) {
            fflush(log);
            if ((rc = rv_ckpt_save(ckpt, &m, done, tr.sha256, (long)seed, 1))) goto out;
            last_good = done;
            if (done == c->phase_1_duration) {
                char name[64];
                snprintf(name, sizeof(name), "ckpt_%ld.safetensors", done);
                char *p = gd_path_join(o->out_dir, name);
                rv_ckpt_save(p, &m, done, tr.sha256, (long)seed, 1);
                free(p);
            }
        }
        double eta = (o->steps - done) / (sps > 0 ? sps : 1);
        if (tty && (gd_now() - t_draw > 0.1 || done == o->steps)) {
            fprintf(stderr, "\rstep %ld/%ld  phase %d  loss %.4f (mb %.4f fb %.4f mmd %.2e)  %.2f steps/s  ETA %.0fs ",
                    done, o->steps, phase, L.total, L.mb, L.fb, L.mmd, sps, eta);
            t_draw = gd_now();
            if (done == o->steps) fputc('\n', stderr);
        } else if (!tty && !o->quiet && ((done - step0) % every == 0 || done == o->steps)) {
            char vs[96] = "";
            if (isfinite(val)) snprintf(vs, sizeof(vs), "  valid %.4f", val);
            if (phase == 2)
                snprintf(vs + strlen(vs), sizeof(vs) - strlen(vs), "  adv %.3f fm %.3f", L.adv, L.fm);
            gd_info("step %ld/%ld  phase %d  loss %.4f (mb %.4f fb %.4f mmd %.2e)%s  %.2f steps/s  ETA %.0fs",
                    done, o->steps, phase, L.total, L.mb, L.fb, L.mmd, vs, sps, eta);
        }
    }
    gd_info("done: %ld steps; checkpoint %s", o->steps, ckpt);
out:
    if (log) fclose(log);
    free(x); free(noise); free(prior); free(ckpt); free(logp);
    rv_corpus_free(&tr); rv_corpus_free(&va);
    rv_model_free(&m);
    return rc;
}
