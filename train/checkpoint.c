// checkpoint.c: see checkpoint.h.
#include "train/checkpoint.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"
#include "core/log.h"
#include "train/safetensors.h"

int rv_ckpt_save(const char *path, const rv_model *m, long step, const char *data_sha256,
                 long seed, int with_optim) {
    const rv_params *sets[2] = {&m->P, m->disc ? &m->disc->P : NULL};
    const float *blocks[2][3] = {{m->P.data, m->M, m->V},
                                 {m->disc ? m->disc->P.data : NULL, m->disc ? m->disc->M : NULL,
                                  m->disc ? m->disc->V : NULL}};
    int n = 0;
    for (int k = 0; k < 2; k++)
        if (sets[k]) n += sets[k]->n * (with_optim ? 3 : 1);
    rv_st_entry *e = calloc(n, sizeof(*e));
    char (*names)[2 * RV_NAME_MAX] = calloc(n, sizeof(*names));
    if (!e || !names) { free(e); free(names); return GD_ERR_NOMEM; }
    const char *pre[3] = {"", "optim.m.", "optim.v."};
    int j = 0;
    for (int set = 0; set < 2; set++) {
        const rv_params *p = sets[set];
        if (!p) continue;
        for (int k = 0; k < (with_optim ? 3 : 1); k++)
            for (int i = 0; i < p->n; i++, j++) {
                snprintf(names[j], sizeof(names[j]), "%s%s", pre[k], p->t[i].name);
                e[j] = (rv_st_entry){names[j], p->t[i].ndim, p->t[i].shape, blocks[set][k] + p->t[i].off};
            }
    }
    char cfg[8192], st[32], sd[32];
    rv_config_to_yaml(&m->cfg, cfg, sizeof(cfg));
    snprintf(st, sizeof(st), "%ld", step);
    snprintf(sd, sizeof(sd), "%ld", seed);
    const char *k[] = {"format", "format_version", "config", "step", "data_sha256", "seed"};
    const char *v[] = {RV_CKPT_FORMAT, RV_CKPT_VERSION, cfg, st, data_sha256 ? data_sha256 : "", sd};
    int rc = rv_st_write(path, e, n, k, v, 6);
    free(e); free(names);
    return rc;
}

enum { LOAD_PARAMS, LOAD_OPTIM_IF_PRESENT, LOAD_RESUME };

// Writes the reason into why (why_n bytes) and yields rc.
#define WHY(rc, ...) (snprintf(why, why_n, __VA_ARGS__), (rc))

static int parse_long(const char *s, long *v) {
    if (!s || !*s) return 0;
    char *e;
    errno = 0;
    long x = strtol(s, &e, 10);
    if (*e || errno) return 0;
    *v = x;
    return 1;
}

// Format, version and the bookkeeping of st's metadata.
static int read_meta(const rv_st *st, rv_ckpt_meta *meta, char *why, size_t why_n) {
    const char *fmt = rv_st_meta(st, "format"), *ver = rv_st_meta(st, "format_version");
    const char *s = rv_st_meta(st, "step"), *sd = rv_st_meta(st, "seed");
    const char *sha = rv_st_meta(st, "data_sha256");
    if (!fmt || strcmp(fmt, RV_CKPT_FORMAT) || !rv_st_meta(st, "config") || !s)
        return WHY(GD_ERR_FORMAT, "not a gendang RAVE checkpoint (metadata format=%s)",
                     fmt ? fmt : "missing");
    if (!ver || strcmp(ver, RV_CKPT_VERSION))
        return WHY(GD_ERR_FORMAT, "checkpoint format version %s, this build reads %s",
                     ver ? ver : "?", RV_CKPT_VERSION);
    if (!parse_long(s, &meta->step) || meta->step < 0)
        return WHY(GD_ERR_FORMAT, "metadata step '%s' is not a step count", s);
    if (!parse_long(sd, &meta->seed)) meta->seed = -1;
    snprintf(meta->data_sha256, sizeof(meta->data_sha256), "%s", sha ? sha : "");
    return 0;
}

// The first non-finite value of any tensor in st, as a reason.
static int all_finite(const rv_st *st, char *why, size_t why_n) {
    for (int i = 0; i < st->n; i++)
        for (int64_t k = 0; k < st->t[i].n; k++)
            if (!isfinite(st->t[i].data[k]))
                return WHY(GD_ERR_NUMERIC, "tensor %s holds a non-finite value (%g at %lld)",
                             st->t[i].name, st->t[i].data[k], (long long)k);
    return 0;
}

// Checks (for set p: parameters, and with optim its Adam moments) and copies them into
// data / M / V.
static int load_set(const rv_st *st, const rv_params *p, float *data, float *M, float *V,
                    int optim, const char *path, char *why, size_t why_n) {
    int rc = rv_st_check_params(st, p, "", why, why_n);
    if (!rc && optim) rc = rv_st_check_params(st, p, "optim.m.", why, why_n);
    if (!rc && optim) rc = rv_st_check_params(st, p, "optim.v.", why, why_n);
    if (rc) return rc;
    rv_st_load_params(st, p, "", data, path);   // checked above: cannot fail
    if (optim) {
        rv_st_load_params(st, p, "optim.m.", M, path);
        rv_st_load_params(st, p, "optim.v.", V, path);
    }
    return 0;
}

// Builds *m from st (read from path) as mode asks; see rv_ckpt_load and rv_ckpt_load_verified.
static int load_st(const rv_st *st, const char *path, rv_model *m, rv_ckpt_meta *meta, int mode,
                   char *why, size_t why_n) {
    int rc = read_meta(st, meta, why, why_n);
    if (rc) return rc;
    const char *cfg_text = rv_st_meta(st, "config");
    rv_config cfg;
    rv_config_default(&cfg);
    if (rv_config_parse(&cfg, cfg_text, strlen(cfg_text), path))
        return WHY(GD_ERR_FORMAT, "the config in its metadata does not parse");
    if ((rc = rv_model_init(m, &cfg)))
        return WHY(rc, "cannot build the model of its config (%s)", gd_strerror(rc));
    char first_m[2 * RV_NAME_MAX];
    snprintf(first_m, sizeof(first_m), "optim.m.%s", m->P.t[0].name);
    int has_optim = rv_st_get(st, first_m) != NULL, has_d = 0;
    for (int i = 0; i < st->n && !has_d; i++) has_d = !strncmp(st->t[i].name, "discriminator.", 14);
    if (mode == LOAD_RESUME) {
        if (!has_optim) return WHY(GD_ERR_FORMAT, "no optimiser state (%s missing)", first_m);
        int need_d = meta->step > cfg.phase_1_duration;
        if (need_d != has_d)
            return WHY(GD_ERR_FORMAT, "%s discriminator at step %ld (phase 2 from step %ld)",
                         has_d ? "a" : "no", meta->step, cfg.phase_1_duration);
    }
    int optim = mode != LOAD_PARAMS && has_optim;
    if ((rc = load_set(st, &m->P, m->P.data, m->M, m->V, optim, path, why, why_n))) return rc;
    if (optim && has_d) {   // the discriminator exists once phase 2 has started
        if ((rc = rv_model_init_disc(m, 0)))
            return WHY(rc, "cannot build the discriminator (%s)", gd_strerror(rc));
        rv_disc *d = m->disc;
        if ((rc = load_set(st, &d->P, d->P.data, d->M, d->V, 1, path, why, why_n))) return rc;
    }
    return mode == LOAD_RESUME ? all_finite(st, why, why_n) : 0;
}

int rv_ckpt_load(const char *path, rv_model *m, long *step, char *data_sha256, int want_optim) {
    memset(m, 0, sizeof(*m));
    rv_st *st;
    int rc = rv_st_read(&st, path);
    if (rc) return rc;
    rv_ckpt_meta meta;
    char why[512];
    rc = load_st(st, path, m, &meta, want_optim ? LOAD_OPTIM_IF_PRESENT : LOAD_PARAMS, why, sizeof(why));
    rv_st_free(st);
    if (rc) { gd_error("%s: %s", path, why); return rc; }
    if (step) *step = meta.step;
    if (data_sha256) memcpy(data_sha256, meta.data_sha256, sizeof(meta.data_sha256));
    return 0;
}

int rv_ckpt_load_verified(const char *path, rv_model *m, rv_ckpt_meta *meta, char *why,
                          size_t why_n) {
    memset(m, 0, sizeof(*m));
    rv_st *st;
    int rc = rv_st_open(&st, path, 1, why, why_n);
    if (rc) return rc;
    rc = load_st(st, path, m, meta, LOAD_RESUME, why, why_n);
    rv_st_free(st);
    return rc;
}

int rv_ckpt_peek(const char *path, rv_ckpt_meta *meta) {
    rv_st *st;
    char why[512];
    int rc = rv_st_open(&st, path, 0, why, sizeof(why));
    if (!rc) rc = read_meta(st, meta, why, sizeof(why));
    rv_st_free(st);
    return rc;
}
