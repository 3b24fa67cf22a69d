// fit.c: see fit.h.
#include "train/fit.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/error.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/progress.h"
#include "core/rng.h"
#include "train/checkpoint.h"
#include "train/cuda/gpu_model.h"
#include "train/cuda/rv_cuda.h"
#include "train/data.h"
#include "train/model.h"
#include "train/nn/adam.h"
#include "train/run_dir.h"
#include "train/safetensors.h"

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

static double validate(rv_model *m, rv_gpu *gpu, const rv_corpus *val, uint64_t seed, float *x,
                       float *noise, long nn, float *prior, long np) {
    int nb = (val->n + m->B - 1) / m->B;
    if (nb > 4) nb = 4;
    double s = 0;
    for (int k = 0; k < nb; k++) {
        rv_batch_valid(x, val, k, m->B, m->N);
        draw_latent_noise(noise, nn, prior, np, seed, "valid-noise", k);
        rv_losses L;
        if (gpu) {   // forward only, phase-1 losses, current device parameters
            rv_gpu_step(gpu, x, noise, prior, 0, 1, 0, 0, 1);
            rv_gpu_losses(gpu, &L);
        } else {
            rv_model_gen_step(m, x, noise, prior, &L, RV_STEP_TRAIN_ENCODER);
        }
        s += L.total;
    }
    return s / nb;
}

static int all_finite(const float *p, long n) {
    double s = 0;
    for (long i = 0; i < n; i++) s += (double)p[i] * p[i];
    return isfinite(s);
}

// Parameters and Adam moments of the generator (and the discriminator once it exists).
static int state_finite(const rv_model *m) {
    const rv_params *P = &m->P;
    int ok = all_finite(P->data, P->total) && all_finite(m->M, P->total) && all_finite(m->V, P->total);
    if (ok && m->disc) {
        const rv_params *D = &m->disc->P;
        ok = all_finite(D->data, D->total) && all_finite(m->disc->M, D->total) &&
             all_finite(m->disc->V, D->total);
    }
    return ok;
}

// The state of one fit run.
typedef struct {
    const rv_fit_opts *o;
    rv_model  m;
    rv_corpus tr, va;
    char     *model_path, *logp;
    char     *good_path;      // the newest checkpoint of this run (resumed or written), or NULL
    long      step0, last_good, nn, np;
    uint64_t  seed;
    char      sha_ckpt[65];   // data checksum stored in the resumed checkpoint
    float    *x, *noise, *prior;
    FILE     *log;
    rv_gpu   *gpu;            // NULL: the CPU path
    int       tty;
    int       clear_pending;  // an earlier run's checkpoints go at this run's first checkpoint
    double    t0, t_draw;
} fit_run;

// fit --init: the generator's weights from o->init, whose tensors must have the shapes of this
// run's config (a pretrained model fine-tuned with other training knobs). The discriminator's
// are taken too when the run starts in phase 2 (phase_1_duration 0: adversarial fine-tuning of
// a pretrained decoder); otherwise phase 2 builds a fresh one, as in any run. The Adam moments
// start at zero and the step at 0.
static int load_init(fit_run *r) {
    const char *path = r->o->init;
    rv_st *st;
    int rc = rv_st_read(&st, path);
    if (rc) return rc;
    rc = rv_st_load_params(st, &r->m.P, "", r->m.P.data, path);
    int has_d = 0;
    for (int i = 0; i < st->n && !has_d; i++) has_d = !strncmp(st->t[i].name, "discriminator.", 14);
    if (!rc && has_d && r->m.cfg.phase_1_duration == 0) {
        rc = rv_model_init_disc(&r->m, r->seed);
        if (!rc) rc = rv_st_load_params(st, &r->m.disc->P, "", r->m.disc->P.data, path);
    }
    rv_st_free(st);
    if (!rc)
        gd_info("--init %s: the generator%s's weights; optimiser fresh, step 0", path,
                r->m.disc ? " and discriminator" : "");
    return rc;
}

// Starts from step 0: builds and seeds the model. The checkpoints an earlier run left in the
// folder are removed when this run writes its first (a later --resume would take them up);
// until then, stopping this run leaves them as they were.
static int start_fresh(fit_run *r) {
    const rv_fit_opts *o = r->o;
    rv_run_ckpt *c;
    int n;
    if (!rv_run_ckpts(o->out_dir, &c, &n) && n) {
        gd_warn("%s: starting over; the %d checkpoint(s) there (newest: %s) go when this run "
                "writes its first", o->out_dir, n, gd_path_basename(c[0].path));
        r->clear_pending = 1;
    }
    if (n) rv_run_ckpts_free(c, n);
    rv_model_free(&r->m);
    memset(&r->m, 0, sizeof(r->m));
    free(r->good_path);
    r->good_path = NULL;
    r->step0 = 0;
    r->sha_ckpt[0] = 0;
    r->seed = (uint64_t)(o->seed >= 0 ? o->seed : o->cfg.seed);
    int rc = rv_model_init(&r->m, &o->cfg);
    if (!rc) rv_model_init_params(&r->m, (unsigned long long)r->seed);
    if (!rc && o->init) rc = load_init(r);
    return rc;
}

// With --resume auto, a checkpoint continues this run only when it has this run's config and
// seed (the pipeline changes either to ask for another run); why says otherwise.
static int same_run(const fit_run *r, const rv_ckpt_meta *meta, char *why, size_t why_n) {
    const rv_fit_opts *o = r->o;
    char a[8192], b[8192];
    rv_config_to_yaml(&r->m.cfg, a, sizeof(a));
    rv_config_to_yaml(&o->cfg, b, sizeof(b));
    long want = o->seed >= 0 ? o->seed : o->cfg.seed;
    if (strcmp(a, b)) snprintf(why, why_n, "trained with another config");
    else if (meta->seed >= 0 && meta->seed != want)
        snprintf(why, why_n, "trained with seed %ld, this run's is %ld", meta->seed, want);
    else return 0;
    return GD_ERR_ARG;
}

// Loads the newest checkpoint of the run folder that verifies (rv_ckpt_load_verified) and
// is not past --steps; each one passed over gets a note. Returns 1 when one was loaded.
static int resume_newest(fit_run *r, int *n_seen) {
    const rv_fit_opts *o = r->o;
    rv_run_ckpt *c;
    int n, found = 0;
    if (rv_run_ckpts(o->out_dir, &c, &n)) n = 0;
    *n_seen = n;
    for (int i = 0; i < n && !found; i++) {
        char why[600];
        rv_ckpt_meta meta;
        if (c[i].step > o->steps) {
            gd_warn("skipping %s: at step %ld, past --steps %ld", c[i].path, c[i].step, o->steps);
            continue;
        }
        rv_model_free(&r->m);
        int rc = rv_ckpt_load_verified(c[i].path, &r->m, &meta, why, sizeof(why));
        if (!rc && meta.step != c[i].step) {
            snprintf(why, sizeof(why), "holds step %ld, its name says %ld", meta.step, c[i].step);
            rc = GD_ERR_FORMAT;
        }
        if (!rc && o->resume == RV_RESUME_AUTO) rc = same_run(r, &meta, why, sizeof(why));
        if (rc) {
            gd_warn("skipping %s: %s", c[i].path, why);
            continue;
        }
        found = 1;
        r->step0 = r->last_good = meta.step;
        r->good_path = strdup(c[i].path);
        memcpy(r->sha_ckpt, meta.data_sha256, sizeof(r->sha_ckpt));
        if (o->seed >= 0 && meta.seed >= 0 && o->seed != meta.seed)
            gd_warn("--seed %ld differs from the checkpoint's %ld; continuing with --seed", o->seed, meta.seed);
        r->seed = (uint64_t)(o->seed >= 0 ? o->seed : meta.seed >= 0 ? meta.seed : r->m.cfg.seed);
    }
    rv_run_ckpts_free(c, n);
    if (!found) {
        rv_model_free(&r->m);
        memset(&r->m, 0, sizeof(r->m));
    }
    return found;
}

// Loads (resume) or initialises the model and sets the seed. m is valid (maybe empty) on
// return.
static int open_model(fit_run *r) {
    const rv_fit_opts *o = r->o;
    memset(&r->m, 0, sizeof(r->m));
    if (gd_mkdir_p(o->out_dir)) {
        gd_error("%s: cannot create the run folder", o->out_dir);
        return GD_ERR_IO;
    }
    int n_tmp = rv_run_remove_stale_tmp(o->out_dir);
    if (n_tmp) gd_info("%s: removed %d half-written file(s) of a killed run", o->out_dir, n_tmp);
    if (!o->resume) return start_fresh(r);
    int n_seen;
    if (!resume_newest(r, &n_seen)) {
        if (o->resume == RV_RESUME_AUTO) {
            gd_info("--resume auto: no %scheckpoint in %s; starting from step 0", n_seen ? "usable " : "",
                    o->out_dir);
            return start_fresh(r);
        }
        gd_error("%s: nothing to resume (%s)", o->out_dir,
                 n_seen ? "no checkpoint passed the checks above" : "no checkpoint");
        return GD_ERR_IO;
    }
    gd_info("resuming %s at step %ld", r->good_path, r->step0);
    if (o->have_cfg && o->resume != RV_RESUME_AUTO) {
        char a[8192], b[8192];
        rv_config_to_yaml(&r->m.cfg, a, sizeof(a));
        rv_config_to_yaml(&o->cfg, b, sizeof(b));
        if (strcmp(a, b)) gd_warn("--config differs from the checkpoint's; resuming with the checkpoint's");
    }
    return 0;
}

// Both corpus splits (at the model's rate). A checkpoint resumed with --resume auto that was
// trained on another training split is dropped for a fresh start.
static int load_corpus(fit_run *r) {
    const rv_fit_opts *o = r->o;
    int rc = rv_corpus_load(&r->tr, o->corpus, "train", &r->m.cfg, o->strict);
    if (rc) return rc;
    if (rv_corpus_load(&r->va, o->corpus, "valid", &r->m.cfg, o->strict))
        gd_info("no validation loss: no usable 'valid' rows");
    if (!r->good_path || !r->sha_ckpt[0] || !strcmp(r->sha_ckpt, r->tr.sha256)) return 0;
    if (o->resume != RV_RESUME_AUTO) {
        gd_warn("%s: the training split differs from the one this checkpoint was trained on", o->corpus);
        return 0;
    }
    gd_warn("skipping %s: trained on another training split (data_sha256 differs)", r->good_path);
    return start_fresh(r);
}

// Corpus, plan, config.yaml, log.csv and the batch buffers.
static int prepare(fit_run *r) {
    const rv_fit_opts *o = r->o;
    const rv_config *c = &r->m.cfg;
    int rc;
    gd_info("corpus %s: %d train, %d valid files; %ld parameters; receptive field %ld/%ld samples, "
            "multiband crop %d+%d frames", o->corpus, r->tr.n, r->va.n, r->m.P.total, r->m.lrf,
            r->m.rrf, r->m.crop_l, r->m.crop_r);
    print_schedule(c, r->step0, o->steps);
    if ((rc = rv_model_plan(&r->m, c->batch, c->n_signal, RV_PLAN_TRAIN))) return rc;
    char yaml[8192], *cp = gd_path_join(o->out_dir, "config.yaml");
    rv_config_to_yaml(c, yaml, sizeof(yaml));
    gd_atomic a;
    if (!gd_atomic_open(&a, cp, "w")) { fputs(yaml, a.f); gd_atomic_commit(&a); }
    free(cp);
    // Resumed: the rows up to the checkpoint stay, those a killed run logged after it go.
    if (r->good_path && (rc = rv_run_trim_log(r->logp, LOG_HEADER, r->step0))) return rc;
    r->log = fopen(r->logp, r->good_path ? "a" : "w");
    if (!r->log) { gd_error("%s: cannot write", r->logp); return GD_ERR_IO; }
    if (!r->good_path) fputs(LOG_HEADER, r->log);
    r->nn = (long)r->m.B * c->noise_channels * r->m.Tl;
    r->np = (long)r->m.B * c->latent_size * r->m.Tl;
    r->x = malloc(sizeof(float) * r->m.B * r->m.N);
    r->noise = malloc(sizeof(float) * (r->nn ? r->nn : 1));
    r->prior = malloc(sizeof(float) * r->np);
    return r->x && r->noise && r->prior ? 0 : GD_ERR_NOMEM;
}

// Where a stopped run continues from: "Last good checkpoint: PATH (step S); continue with
// --resume", or that a rerun starts over.
static const char *resume_note(const fit_run *r, char *buf, size_t n) {
    if (r->good_path)
        snprintf(buf, n, "Last good checkpoint: %s (step %ld); continue with --resume", r->good_path,
                 r->last_good);
    else
        snprintf(buf, n, "No checkpoint of this run yet; rerun without --resume to start over");
    return buf;
}

// The GPU twin of the step below (after the batch is drawn): the discriminator is built on
// the device the first time phase 2 needs it; Adam runs inside the step.
static int train_step_gpu(fit_run *r, long s, rv_losses *L, double lr, double *ld, int phase,
                          int d_step, long g_done, long d_done) {
    rv_model *m = &r->m;
    const rv_config *c = &m->cfg;
    if (phase == 2) {
        int rc = rv_gpu_init_disc(r->gpu, m->disc);   // no-op once built
        if (rc) {
            gd_error("--device cuda: cannot build the discriminator on the GPU");
            return rc;
        }
    }
    if (d_step) {
        rv_gpu_d_step(r->gpu, r->x, r->noise, r->prior, c->d_lr, d_done + 1, 1);
        rv_gpu_losses(r->gpu, L);
        *ld = L->disc;
    } else {
        rv_gpu_step(r->gpu, r->x, r->noise, r->prior, lr, phase == 1 ? s + 1 : g_done + 1, 1, 1,
                    phase == 1);
        rv_gpu_losses(r->gpu, L);
    }
    if (s == r->o->fault_step) L->total = NAN;
    if (!isfinite(L->total) || (d_step && !isfinite(*ld))) {
        char where[1200];
        gd_error("non-finite loss at step %ld (GPU); stopped. %s", s, resume_note(r, where, sizeof(where)));
        return GD_ERR_NUMERIC;
    }
    return 0;
}

// Brings the device state (parameters, Adam moments; the discriminator's too) back into the
// host model before a checkpoint.
static void sync_from_gpu(fit_run *r) {
    rv_model *m = &r->m;
    rv_gpu_download_params(r->gpu, m);
    if (m->disc) rv_gpu_download_disc(r->gpu, m->disc);
}

// One training step s: phase 1 (encoder + decoder), or phase 2 (discriminator on every
// update_discriminator_every-th step, else the decoder). *ld: the D loss (NaN on G steps).
static int train_step(fit_run *r, long s, rv_losses *L, double *lr, double *ld) {
    rv_model *m = &r->m;
    const rv_config *c = &m->cfg;
    int phase = s < c->phase_1_duration ? 1 : 2, d_step = phase == 2 && s % c->update_discriminator_every == 0;
    long g_done, d_done;
    rv_model_phase_counts(c, s, &g_done, &d_done);
    rv_batch_train(r->x, &r->tr, c, r->seed, s, m->B, m->N);
    draw_latent_noise(r->noise, r->nn, r->prior, r->np, r->seed, "train-noise", s);
    if (phase == 2 && !m->disc) {
        int rc = rv_model_init_disc(m, r->seed);
        if (rc) return rc;
        gd_info("step %ld: phase 2 starts: %ld discriminator parameters, encoder frozen", s,
                m->disc->P.total);
    }
    *lr = rv_lr_linear(c->lr, c->lr_end_factor, s, c->phase_1_duration);
    *ld = NAN;
    if (r->gpu) return train_step_gpu(r, s, L, *lr, ld, phase, d_step, g_done, d_done);
    if (d_step) {
        rv_model_gen_step(m, r->x, r->noise, r->prior, L, 0);
        *ld = L->disc = rv_disc_d_step(m->disc, r->x, m->y);
    } else {
        rv_model_gen_step(m, r->x, r->noise, r->prior, L,
                          RV_STEP_BACKWARD | (phase == 1 ? RV_STEP_TRAIN_ENCODER : 0));
    }
    if (s == r->o->fault_step) L->total = NAN;
    int bad_loss = !isfinite(L->total) || (d_step && !isfinite(*ld));
    if (bad_loss || (!d_step && !all_finite(m->G, m->P.total))) {
        char where[1200];
        gd_error("non-finite %s at step %ld; stopped. %s", bad_loss ? "loss" : "gradient", s,
                 resume_note(r, where, sizeof(where)));
        return GD_ERR_NUMERIC;
    }
    if (phase == 1) rv_model_adam(m, *lr, s + 1, RV_STEP_TRAIN_ENCODER);
    else if (d_step) rv_disc_adam(m->disc, c, c->d_lr, d_done + 1);
    else rv_model_adam(m, *lr, g_done + 1, 0);
    return 0;
}

static void log_row(fit_run *r, long s, const rv_losses *L, double lr, double ld, double val,
                    double sps) {
    const rv_config *c = &r->m.cfg;
    int phase = s < c->phase_1_duration ? 1 : 2;
    fprintf(r->log, "%ld,%d,%.9g,%.9g,%.9g,%.9g,%.9g,", s, phase, lr, L->total, L->mb, L->fb, L->mmd);
    if (isfinite(val)) fprintf(r->log, "%.9g", val);
    if (phase == 2 && !isfinite(ld)) fprintf(r->log, ",%.9g,%.9g,", L->adv, L->fm);
    else fprintf(r->log, ",,,");
    if (isfinite(ld)) fprintf(r->log, "%.9g", ld);
    fprintf(r->log, ",%.3f\n", sps);
}

// Writes the checkpoint of step done: model.safetensors when the run is finished (final),
// else ckpt_<done>; also ckpt_<done> at the phase boundary. Then prunes (run_dir.h).
static int save_checkpoint(fit_run *r, long done, int final) {
    const rv_config *c = &r->m.cfg;
    const char *dir = r->o->out_dir;
    if (r->clear_pending) {
        rv_run_clear(dir);
        r->clear_pending = 0;
    }
    char *p = final ? strdup(r->model_path) : rv_run_ckpt_path(dir, done);
    int rc = rv_ckpt_save(p, &r->m, done, r->tr.sha256, (long)r->seed, 1);
    if (!rc && final && done == c->phase_1_duration) {
        char *b = rv_run_ckpt_path(dir, done);
        rc = rv_ckpt_save(b, &r->m, done, r->tr.sha256, (long)r->seed, 1);
        free(b);
    }
    if (rc) { free(p); return rc; }
    free(r->good_path);
    r->good_path = p;
    r->last_good = done;
    rv_run_prune(dir, done, final ? 0 : RV_RUN_KEEP, c->phase_1_duration);
    return 0;
}

// Checkpoints every ckpt_every steps, at the phase boundary (kept) and at the end, each only
// when the whole state is finite.
static int maybe_checkpoint(fit_run *r, long done) {
    const rv_config *c = &r->m.cfg;
    int final = done == r->o->steps;
    if (!((c->ckpt_every > 0 && done % c->ckpt_every == 0) || final || done == c->phase_1_duration))
        return 0;
    fflush(r->log);
    if (r->gpu) sync_from_gpu(r);
    if (!state_finite(&r->m)) {
        char where[1200];
        gd_error("non-finite parameters or optimiser state after step %ld%s; stopped. %s", done - 1,
                 r->gpu ? " (GPU)" : "", resume_note(r, where, sizeof(where)));
        return GD_ERR_NUMERIC;
    }
    return save_checkpoint(r, done, final);
}

// The progress line on a terminal, else ten info lines per run.
static void progress(fit_run *r, long done, const rv_losses *L, double ld, double val,
                     double sps) {
    const rv_fit_opts *o = r->o;
    int phase = done - 1 < r->m.cfg.phase_1_duration ? 1 : 2;
    long every = (o->steps - r->step0) / 10 > 0 ? (o->steps - r->step0) / 10 : 1;
    double eta = (o->steps - done) / (sps > 0 ? sps : 1);
    if (r->tty && (gd_now() - r->t_draw > 0.1 || done == o->steps)) {
        fprintf(stderr, "\rstep %ld/%ld  phase %d  loss %.4f (mb %.4f fb %.4f mmd %.2e)  %.2f steps/s  ETA %.0fs ",
                done, o->steps, phase, L->total, L->mb, L->fb, L->mmd, sps, eta);
        r->t_draw = gd_now();
        if (done == o->steps) fputc('\n', stderr);
    } else if (!r->tty && !o->quiet && ((done - r->step0) % every == 0 || done == o->steps)) {
        char vs[96] = "";
        if (isfinite(val)) snprintf(vs, sizeof(vs), "  valid %.4f", val);
        if (phase == 2 && isfinite(ld))
            snprintf(vs + strlen(vs), sizeof(vs) - strlen(vs), "  discriminator %.3f", ld);
        else if (phase == 2)
            snprintf(vs + strlen(vs), sizeof(vs) - strlen(vs), "  adv %.3f fm %.3f", L->adv, L->fm);
        gd_info("step %ld/%ld  phase %d  loss %.4f (mb %.4f fb %.4f mmd %.2e)%s  %.2f steps/s  ETA %.0fs",
                done, o->steps, phase, L->total, L->mb, L->fb, L->mmd, vs, sps, eta);
    }
}

// The device model (after planning): parameters, Adam moments and, on a phase-2 resume, the
// discriminator uploaded; TF32 and graph replay on.
static int open_gpu(fit_run *r) {
    rv_model *m = &r->m;
    int rc = rv_gpu_init(&r->gpu, m, m->B, m->N, 1);
    if (rc || !r->gpu) {
        gd_error("--device cuda: cannot set up the model on the GPU (%s)", gd_strerror(rc));
        r->gpu = NULL;
        return rc ? rc : GD_ERR_INTERNAL;
    }
    if (m->disc && (rc = rv_gpu_init_disc(r->gpu, m->disc))) {
        gd_error("--device cuda: cannot build the discriminator on the GPU");
        return rc;
    }
    rv_cuda_set_tf32(getenv("GD_CUDA_FP32") ? 0 : 1);
    rv_gpu_set_graph(r->gpu, getenv("GD_CUDA_NO_GRAPH") ? 0 : 1);
    char name[256];
    rv_cuda_device_name(name, sizeof(name));
    gd_info("device: %s (%.2f GiB for the model; %s, %s)", name,
            rv_gpu_device_bytes(r->gpu) / 1073741824.0, getenv("GD_CUDA_FP32") ? "fp32" : "tf32",
            getenv("GD_CUDA_NO_GRAPH") ? "eager" : "CUDA graph");
    return 0;
}

int rv_fit(const rv_fit_opts *o) {
    fit_run r;
    memset(&r, 0, sizeof(r));
    r.o = o;
    r.model_path = gd_path_join(o->out_dir, RV_RUN_MODEL);
    r.logp = gd_path_join(o->out_dir, "log.csv");
    int rc = open_model(&r);
    if (!rc) rc = load_corpus(&r);
    if (!rc) rc = prepare(&r);
    if (!rc && o->cuda) rc = open_gpu(&r);
    r.tty = isatty(2) && !o->quiet && gd_log_get_level() < GD_LOG_QUIET;
    r.t0 = gd_now();
    const rv_config *c = &r.m.cfg;
    for (long s = r.step0; !rc && s < o->steps; s++) {
        rv_losses L;
        double lr, ld, val = NAN;
        if ((rc = train_step(&r, s, &L, &lr, &ld))) break;
        if (r.va.n && c->val_every > 0 && ((s + 1) % c->val_every == 0 || s + 1 == o->steps))
            val = validate(&r.m, r.gpu, &r.va, r.seed, r.x, r.noise, r.nn, r.prior, r.np);
        double sps = (s + 1 - r.step0) / (gd_now() - r.t0);
        log_row(&r, s, &L, lr, ld, val, sps);
        if ((rc = maybe_checkpoint(&r, s + 1))) break;
        progress(&r, s + 1, &L, ld, val, sps);
    }
    // Resumed at --steps from a checkpoint other than the finished model: write the model.
    if (!rc && r.step0 >= o->steps && strcmp(r.good_path, r.model_path))
        rc = save_checkpoint(&r, o->steps, 1);
    if (!rc) gd_info("done: %ld steps; model %s", o->steps, r.model_path);
    if (r.log) fclose(r.log);
    if (r.gpu) { rv_gpu_free(r.gpu); rv_cuda_shutdown(); }
    free(r.x); free(r.noise); free(r.prior); free(r.model_path); free(r.logp); free(r.good_path);
    rv_corpus_free(&r.tr); rv_corpus_free(&r.va);
    rv_model_free(&r.m);
    return rc;
}
