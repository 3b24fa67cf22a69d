// checkpoint.c: see checkpoint.h.
#include "train/checkpoint.h"

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

int rv_ckpt_load(const char *path, rv_model *m, long *step, char *data_sha256, int want_optim) {
    memset(m, 0, sizeof(*m));
    rv_st *st;
    int rc = rv_st_read(&st, path);
    if (rc) return rc;
    const char *fmt = rv_st_meta(st, "format"), *cfg_text = rv_st_meta(st, "config");
    const char *ver = rv_st_meta(st, "format_version"), *s = rv_st_meta(st, "step");
    if (!fmt || strcmp(fmt, RV_CKPT_FORMAT) || !cfg_text || !s) {
        gd_error("%s: not a gendang RAVE checkpoint (metadata format=%s)", path, fmt ? fmt : "missing");
        rv_st_free(st);
        return GD_ERR_FORMAT;
    }
    if (!ver || strcmp(ver, RV_CKPT_VERSION)) {
        gd_error("%s: checkpoint format version %s, this build reads %s", path, ver ? ver : "?", RV_CKPT_VERSION);
        rv_st_free(st);
        return GD_ERR_FORMAT;
    }
    rv_config cfg;
    rv_config_default(&cfg);
    rc = rv_config_parse(&cfg, cfg_text, strlen(cfg_text), path);
    if (!rc) rc = rv_model_init(m, &cfg);
    if (!rc) rc = rv_st_load_params(st, &m->P, "", m->P.data, path);
    if (!rc && want_optim && rv_st_get(st, "optim.m.encoder.0.weight_v")) {
        rc = rv_st_load_params(st, &m->P, "optim.m.", m->M, path);
        if (!rc) rc = rv_st_load_params(st, &m->P, "optim.v.", m->V, path);
    }
    if (!rc && want_optim) {   // the discriminator exists once phase 2 has started
        int has_d = 0;
        for (int i = 0; i < st->n && !has_d; i++) has_d = !strncmp(st->t[i].name, "discriminator.", 14);
        if (has_d) {
            rc = rv_model_init_disc(m, 0);
            if (!rc) rc = rv_st_load_params(st, &m->disc->P, "", m->disc->P.data, path);
            if (!rc) rc = rv_st_load_params(st, &m->disc->P, "optim.m.", m->disc->M, path);
            if (!rc) rc = rv_st_load_params(st, &m->disc->P, "optim.v.", m->disc->V, path);
        }
    }
    if (step) *step = strtol(s, NULL, 10);
    if (data_sha256) {
        const char *d = rv_st_meta(st, "data_sha256");
        snprintf(data_sha256, 65, "%s", d ? d : "");
    }
    rv_st_free(st);
    return rc;
}
