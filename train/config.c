// config.c: see config.h. YAML through libyaml's document API; a table maps keys to fields.
#include "train/config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "core/cli.h"
#include "core/error.h"
#include "core/fileio.h"
#include "core/log.h"
#include "core/yaml_keys.h"

void rv_config_default(rv_config *c) {
    memset(c, 0, sizeof(*c));
    c->sample_rate = 44100; c->n_signal = 131072; c->batch = 8;
    c->capacity = 96; c->n_ratios = 4;
    int r[4] = {4, 4, 4, 2};
    for (int i = 0; i < 4; i++) {
        c->ratios[i] = r[i];
        c->n_dil[i] = i < 3 ? 3 : 2;
        c->dilations[i][0] = 1; c->dilations[i][1] = 3; c->dilations[i][2] = 9;
    }
    c->kernel_size = 3; c->latent_size = 16; c->noise_channels = 128;
    int sc[5] = {2048, 1024, 512, 256, 128};
    c->n_mb_scales = c->n_fb_scales = 5;
    for (int i = 0; i < 5; i++) c->mb_scales[i] = c->fb_scales[i] = sc[i];
    c->crop_multiband = 1;
    c->loss_multiband = 2; c->loss_fullband = 2; c->loss_mmd = 100;
    c->loss_feature_matching = 400; c->loss_adversarial = 4;
    c->phase_1_duration = 200000;
    c->lr = 1e-3; c->lr_end_factor = 0.1; c->beta1 = 0.5; c->beta2 = 0.9; c->eps = 1e-8;
    c->d_lr = 1e-4; c->update_discriminator_every = 4;
    c->d_capacity = 96; c->d_layers = 4; c->n_periods = 5;
    int p[5] = {2, 3, 5, 7, 11};
    for (int i = 0; i < 5; i++) c->d_periods[i] = p[i];
    c->d_scales = 3;
    c->phase_mangle_p = 0.8; c->dequantize = 1;
    c->gain_p = 0; c->gain_db_lo = -6; c->gain_db_hi = 3; c->mute_p = 0; c->compress_p = 0;
    c->val_every = 10000; c->ckpt_every = 500000; c->seed = 0;
}

typedef enum { K_INT, K_LONG, K_DBL, K_BOOL, K_LIST, K_LISTLIST } ktype;
typedef struct {
    const char *name;
    ktype       type;
    size_t      off, count_off;   // count_off: where the list length goes
    double      lo, hi;
} key_def;

#define F(x) offsetof(rv_config, x)
static const key_def keys[] = {
    {"sample_rate", K_INT, F(sample_rate), 0, 8000, 192000},
    {"n_signal", K_INT, F(n_signal), 0, 256, 1 << 22},
    {"batch", K_INT, F(batch), 0, 1, 1024},
    {"capacity", K_INT, F(capacity), 0, 1, 4096},
    {"ratios", K_LIST, F(ratios), F(n_ratios), 1, 16},
    {"dilations", K_LISTLIST, F(dilations), F(n_dil), 1, 1000},
    {"kernel_size", K_INT, F(kernel_size), 0, 1, 15},
    {"latent_size", K_INT, F(latent_size), 0, 1, 256},
    {"noise_channels", K_INT, F(noise_channels), 0, 0, 1024},
    {"multiband_scales", K_LIST, F(mb_scales), F(n_mb_scales), 4, 65536},
    {"fullband_scales", K_LIST, F(fb_scales), F(n_fb_scales), 4, 65536},
    {"crop_multiband", K_BOOL, F(crop_multiband), 0, 0, 1},
    {"loss_multiband", K_DBL, F(loss_multiband), 0, 0, 1e6},
    {"loss_fullband", K_DBL, F(loss_fullband), 0, 0, 1e6},
    {"loss_mmd", K_DBL, F(loss_mmd), 0, 0, 1e9},
    {"loss_feature_matching", K_DBL, F(loss_feature_matching), 0, 0, 1e9},
    {"loss_adversarial", K_DBL, F(loss_adversarial), 0, 0, 1e9},
    {"phase_1_duration", K_LONG, F(phase_1_duration), 0, 0, 1e12},
    {"lr", K_DBL, F(lr), 0, 0, 10},
    {"lr_end_factor", K_DBL, F(lr_end_factor), 0, 0, 1},
    {"beta1", K_DBL, F(beta1), 0, 0, 0.999999},
    {"beta2", K_DBL, F(beta2), 0, 0, 0.999999},
    {"eps", K_DBL, F(eps), 0, 0, 1},
    {"d_lr", K_DBL, F(d_lr), 0, 0, 10},
    {"update_discriminator_every", K_INT, F(update_discriminator_every), 0, 1, 1000},
    {"d_capacity", K_INT, F(d_capacity), 0, 1, 4096},
    {"d_layers", K_INT, F(d_layers), 0, 1, 8},
    {"d_periods", K_LIST, F(d_periods), F(n_periods), 1, 1000},
    {"d_scales", K_INT, F(d_scales), 0, 0, 8},
    {"phase_mangle_p", K_DBL, F(phase_mangle_p), 0, 0, 1},
    {"gain_p", K_DBL, F(gain_p), 0, 0, 1},
    {"gain_db_lo", K_DBL, F(gain_db_lo), 0, -60, 60},
    {"gain_db_hi", K_DBL, F(gain_db_hi), 0, -60, 60},
    {"mute_p", K_DBL, F(mute_p), 0, 0, 1},
    {"compress_p", K_DBL, F(compress_p), 0, 0, 1},
    {"dequantize", K_BOOL, F(dequantize), 0, 0, 1},
    {"val_every", K_LONG, F(val_every), 0, 0, 1e12},
    {"ckpt_every", K_LONG, F(ckpt_every), 0, 0, 1e12},
    {"seed", K_LONG, F(seed), 0, 0, 9e15},
};
#undef F
#define N_KEYS (int)(sizeof(keys) / sizeof(keys[0]))

static int bad(const char *name, const yaml_node_t *n, const char *what) {
    gd_error("%s:%lu:%lu: %s", name, (unsigned long)n->start_mark.line + 1,
             (unsigned long)n->start_mark.column + 1, what);
    return GD_ERR_PARSE;
}

static int scalar_num(const char *name, const yaml_node_t *n, const key_def *k, double *out) {
    char msg[160];
    if (n->type != YAML_SCALAR_NODE) {
        snprintf(msg, sizeof(msg), "%s: expected a number", k->name);
        return bad(name, n, msg);
    }
    const char *s = (const char *)n->data.scalar.value;
    int rc = gd_parse_double(s, k->lo, k->hi, out);
    if (rc) {
        snprintf(msg, sizeof(msg), "%s: '%s' is not a number in [%g, %g]", k->name, s, k->lo, k->hi);
        return bad(name, n, msg);
    }
    if (k->type != K_DBL && *out != (double)(long long)*out) {
        snprintf(msg, sizeof(msg), "%s: '%s' must be an integer", k->name, s);
        return bad(name, n, msg);
    }
    return 0;
}

static int int_list(const char *name, yaml_document_t *doc, const yaml_node_t *n,
                    const key_def *k, int *dst, int *count, int cap) {
    char msg[160];
    if (n->type != YAML_SEQUENCE_NODE) {
        snprintf(msg, sizeof(msg), "%s: expected a list", k->name);
        return bad(name, n, msg);
    }
    int c = 0;
    for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
        if (c == cap) {
            snprintf(msg, sizeof(msg), "%s: at most %d entries", k->name, cap);
            return bad(name, n, msg);
        }
        double v;
        int rc = scalar_num(name, yaml_document_get_node(doc, *it), k, &v);
        if (rc) return rc;
        dst[c++] = (int)v;
    }
    if (!c) return bad(name, n, "empty list");
    *count = c;
    return 0;
}

static int set_key(rv_config *c, const char *name, yaml_document_t *doc, const key_def *k,
                   const yaml_node_t *v) {
    char *base = (char *)c;
    double d;
    int rc;
    switch (k->type) {
    case K_INT: case K_LONG: case K_DBL:
        if ((rc = scalar_num(name, v, k, &d))) return rc;
        if (k->type == K_INT) *(int *)(base + k->off) = (int)d;
        else if (k->type == K_LONG) *(long *)(base + k->off) = (long)d;
        else *(double *)(base + k->off) = d;
        return 0;
    case K_BOOL: {
        const char *s = v->type == YAML_SCALAR_NODE ? (const char *)v->data.scalar.value : "";
        if (!strcmp(s, "true") || !strcmp(s, "1")) *(int *)(base + k->off) = 1;
        else if (!strcmp(s, "false") || !strcmp(s, "0")) *(int *)(base + k->off) = 0;
        else return bad(name, v, "expected true or false");
        return 0;
    }
    case K_LIST:
        return int_list(name, doc, v, k, (int *)(base + k->off), (int *)(base + k->count_off),
                        RV_MAX_LIST);
    case K_LISTLIST: {
        if (v->type != YAML_SEQUENCE_NODE) return bad(name, v, "dilations: expected a list of lists");
        int i = 0;
        for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
             it++, i++) {
            if (i == RV_MAX_STAGES) return bad(name, v, "dilations: too many stages");
            rc = int_list(name, doc, yaml_document_get_node(doc, *it), k, c->dilations[i],
                          &c->n_dil[i], RV_MAX_DIL);
            if (rc) return rc;
        }
        if (i != c->n_ratios) {
            char msg[120];
            snprintf(msg, sizeof(msg), "dilations: %d stages but ratios has %d (put ratios first)",
                     i, c->n_ratios);
            return bad(name, v, msg);
        }
        return 0;
    }
    }
    return GD_ERR_INTERNAL;
}

int rv_config_parse(rv_config *c, const char *text, size_t len, const char *name) {
    yaml_parser_t p;
    yaml_document_t doc;
    if (!yaml_parser_initialize(&p)) return GD_ERR_NOMEM;
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &doc)) {
        gd_error("%s:%lu:%lu: YAML error: %s", name, (unsigned long)p.problem_mark.line + 1,
                 (unsigned long)p.problem_mark.column + 1, p.problem ? p.problem : "?");
        yaml_parser_delete(&p);
        return GD_ERR_PARSE;
    }
    int rc = gd_yaml_unique_keys(&doc, name);
    if (rc) goto done;
    yaml_node_t *root = yaml_document_get_root_node(&doc);
    if (!root) { gd_error("%s: empty config", name); rc = GD_ERR_PARSE; goto done; }
    if (root->type != YAML_MAPPING_NODE) { rc = bad(name, root, "expected a mapping of keys"); goto done; }
    for (yaml_node_pair_t *pr = root->data.mapping.pairs.start; pr < root->data.mapping.pairs.top; pr++) {
        yaml_node_t *kn = yaml_document_get_node(&doc, pr->key), *vn = yaml_document_get_node(&doc, pr->value);
        const char *key = kn->type == YAML_SCALAR_NODE ? (const char *)kn->data.scalar.value : "";
        int found = -1;
        for (int i = 0; i < N_KEYS; i++)
            if (!strcmp(keys[i].name, key)) found = i;
        if (found < 0) {
            char msg[200];
            snprintf(msg, sizeof(msg), "unknown key '%s'", key);
            rc = bad(name, kn, msg);
            goto done;
        }
        if ((rc = set_key(c, name, &doc, &keys[found], vn))) goto done;
    }
    if (rv_config_validate(c)) {
        gd_error("%s: invalid configuration (see above)", name);
        rc = GD_ERR_ARG;
    }
done:
    yaml_document_delete(&doc);
    yaml_parser_delete(&p);
    return rc;
}

int rv_config_load(rv_config *c, const char *path) {
    char *text;
    size_t len;
    if (gd_read_file(path, &text, &len)) {
        gd_error("%s: cannot read config", path);
        return GD_ERR_IO;
    }
    int rc = rv_config_parse(c, text, len, path);
    free(text);
    return rc;
}

int rv_config_hop(const rv_config *c) {
    int h = 16;
    for (int i = 0; i < c->n_ratios; i++) h *= c->ratios[i];
    return h;
}

int rv_config_validate(const rv_config *c) {
    int hop = rv_config_hop(c);
    if (c->n_signal % hop) {
        gd_error("n_signal %d is not a multiple of the total stride %d (16 bands x ratios)",
                 c->n_signal, hop);
        return GD_ERR_ARG;
    }
    for (int i = 0; i < c->n_ratios; i++)
        if (c->ratios[i] != 2 && c->ratios[i] % 2) {
            gd_error("ratio %d: must be even (kernel 2r, padding r/2)", c->ratios[i]);
            return GD_ERR_ARG;
        }
    if (c->kernel_size % 2 == 0) {
        gd_error("kernel_size %d: must be odd (centered padding)", c->kernel_size);
        return GD_ERR_ARG;
    }
    for (int i = 0; i < c->n_fb_scales; i++)
        if (c->fb_scales[i] & (c->fb_scales[i] - 1) || c->fb_scales[i] / 2 >= c->n_signal) {
            gd_error("fullband scale %d: must be a power of two below 2 x n_signal", c->fb_scales[i]);
            return GD_ERR_ARG;
        }
    for (int i = 0; i < c->n_mb_scales; i++)
        if (c->mb_scales[i] & (c->mb_scales[i] - 1)) {
            gd_error("multiband scale %d: must be a power of two", c->mb_scales[i]);
            return GD_ERR_ARG;
        }
    if (c->gain_db_lo > c->gain_db_hi) {
        gd_error("gain_db_lo %g > gain_db_hi %g", c->gain_db_lo, c->gain_db_hi);
        return GD_ERR_ARG;
    }
    return 0;
}

static size_t put_list(char *b, size_t cap, const int *v, int n) {
    size_t u = 0;
    u += snprintf(b + u, cap > u ? cap - u : 0, "[");
    for (int i = 0; i < n; i++) u += snprintf(b + u, cap > u ? cap - u : 0, "%s%d", i ? ", " : "", v[i]);
    u += snprintf(b + u, cap > u ? cap - u : 0, "]");
    return u;
}

void rv_config_to_yaml(const rv_config *c, char *b, size_t cap) {
    size_t u = 0;
    const char *base = (const char *)c;
    for (int i = 0; i < N_KEYS && u < cap; i++) {
        const key_def *k = &keys[i];
        u += snprintf(b + u, cap - u, "%s: ", k->name);
        if (u >= cap) break;
        switch (k->type) {
        case K_INT: case K_BOOL: u += snprintf(b + u, cap - u, "%d", *(const int *)(base + k->off)); break;
        case K_LONG: u += snprintf(b + u, cap - u, "%ld", *(const long *)(base + k->off)); break;
        case K_DBL: u += snprintf(b + u, cap - u, "%.17g", *(const double *)(base + k->off)); break;
        case K_LIST:
            u += put_list(b + u, cap - u, (const int *)(base + k->off), *(const int *)(base + k->count_off));
            break;
        case K_LISTLIST:
            u += snprintf(b + u, cap - u, "[");
            for (int s = 0; s < c->n_ratios && u < cap; s++) {
                if (s) u += snprintf(b + u, cap - u, ", ");
                if (u < cap) u += put_list(b + u, cap - u, c->dilations[s], c->n_dil[s]);
            }
            if (u < cap) u += snprintf(b + u, cap - u, "]");
            break;
        }
        if (u < cap) u += snprintf(b + u, cap - u, "\n");
    }
    if (cap) b[u < cap ? u : cap - 1] = 0;
}
