// rave_map.c: see rave_map.h; the map itself is train/rave_names.def.
#include "train/rave_map.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"   // defines: GD_ERR_*
#include "core/log.h"     // defines: gd_error

typedef enum { RV_RAVE_ENCODER, RV_RAVE_DECODER, RV_RAVE_PERIOD, RV_RAVE_SCALE } net_kind;

typedef struct {
    net_kind    kind;
    const char *rave, *gd;
    int         unit_dim;
} net_row;

typedef struct {
    const char *gd, *rave;
} tensor_row;

#define RV_RAVE_NET(kind, rave, gd, unit) {kind, rave, gd, unit},
#define RV_RAVE_TENSOR(gd, rave)
#define RV_RAVE_BUFFER(key, fill)
#define RV_RAVE_DERIVED(prefix)
static const net_row NETS[] = {
#include "train/rave_names.def"
};
#undef RV_RAVE_NET
#undef RV_RAVE_TENSOR
#define RV_RAVE_NET(kind, rave, gd, unit)
#define RV_RAVE_TENSOR(gd, rave) {gd, rave},
static const tensor_row TENSORS[] = {
#include "train/rave_names.def"
};
#undef RV_RAVE_TENSOR
#undef RV_RAVE_BUFFER
#define RV_RAVE_TENSOR(gd, rave)
#define RV_RAVE_BUFFER(key, fill) {key, fill},
static const rv_rave_buffer BUFFERS[] = {
#include "train/rave_names.def"
};
#undef RV_RAVE_BUFFER
#undef RV_RAVE_DERIVED
#define RV_RAVE_BUFFER(key, fill)
#define RV_RAVE_DERIVED(prefix) prefix,
static const char *const DERIVED[] = {
#include "train/rave_names.def"
};
#undef RV_RAVE_NET
#undef RV_RAVE_TENSOR
#undef RV_RAVE_BUFFER
#undef RV_RAVE_DERIVED

#define N_OF(a) ((int)(sizeof(a) / sizeof((a)[0])))

// tmpl with {i}, {j}, {k}, {p} replaced by their values, into out (cap bytes).
static void expand(char *out, size_t cap, const char *tmpl, int i, int j, int k, int p) {
    size_t o = 0;
    for (const char *s = tmpl; *s && o + 1 < cap; s++) {
        if (s[0] == '{' && s[1] && s[2] == '}' && strchr("ijkp", s[1])) {
            int v = s[1] == 'i' ? i : s[1] == 'j' ? j : s[1] == 'k' ? k : p;
            o += (size_t)snprintf(out + o, cap - o, "%d", v);
            if (o >= cap) o = cap - 1;
            s += 2;
        } else {
            out[o++] = *s;
        }
    }
    out[o] = 0;
}

static const net_row *net_of(net_kind kind) {
    for (int r = 0; r < N_OF(NETS); r++)
        if (NETS[r].kind == kind) return &NETS[r];
    return NULL;
}

// Appends the pairs of one net (whose tensors live in P / data) to out[*n].
static void map_net(const rv_net *net, const rv_params *P, float *data, net_kind kind, int k,
                    int p, rv_rave_pair *out, int *n) {
    const net_row *row = net_of(kind);
    int j = 0;
    for (int i = 0; i < net->n; i++, j++) {
        if (net->L[i].flags & RV_PRE_ACT) j++;   // acids-rave's LeakyReLU module before it
        char gpre[RV_NAME_MAX], rpre[RV_RAVE_KEY_MAX], name[2 * RV_NAME_MAX];
        expand(gpre, sizeof gpre, row->gd, i, j, k, p);
        expand(rpre, sizeof rpre, row->rave, i, j, k, p);
        for (int r = 0; r < N_OF(TENSORS); r++) {
            snprintf(name, sizeof name, "%s%s", gpre, TENSORS[r].gd);
            const rv_tensor *t = rv_params_find(P, name);
            if (!t) continue;
            rv_rave_pair *e = &out[(*n)++];
            memset(e, 0, sizeof(*e));
            e->t = t;
            e->data = data + t->off;
            snprintf(e->key, sizeof e->key, "%s%s", rpre, TENSORS[r].rave);
            e->ndim = t->ndim;
            memcpy(e->shape, t->shape, sizeof(int) * t->ndim);
            if (row->unit_dim && t->ndim == 3) e->shape[e->ndim++] = 1;   // weights, not biases
        }
    }
}

// Logs the first tensor of P that no pair of out[0, n) holds.
static void log_unmapped(const rv_params *P, const rv_rave_pair *out, int n) {
    for (int i = 0; i < P->n; i++) {
        int found = 0;
        for (int e = 0; e < n && !found; e++) found = out[e].t == &P->t[i];
        if (!found) {
            gd_error("tensor %s has no acids-rave name (train/rave_names.def)", P->t[i].name);
            return;
        }
    }
}

int rv_rave_map(rv_model *m, rv_rave_pair **out, int *n) {
    *out = NULL;
    *n = 0;
    int cap = m->P.n + (m->disc ? m->disc->P.n : 0);
    rv_rave_pair *e = calloc(cap ? cap : 1, sizeof(*e));
    if (!e) return GD_ERR_NOMEM;
    int k_per = 0;
    map_net(&m->enc, &m->P, m->P.data, RV_RAVE_ENCODER, 0, 0, e, n);
    map_net(&m->dec, &m->P, m->P.data, RV_RAVE_DECODER, 0, 0, e, n);
    int n_gen = *n;
    if (n_gen != m->P.n) {
        log_unmapped(&m->P, e, n_gen);
        free(e);
        *n = 0;
        return GD_ERR_FORMAT;
    }
    if (m->disc) {
        rv_disc *d = m->disc;
        for (int s = 0; s < d->n_sub; s++) {
            if (d->period[s]) map_net(&d->nets[s], &d->P, d->P.data, RV_RAVE_PERIOD, k_per++, d->period[s], e, n);
            else map_net(&d->nets[s], &d->P, d->P.data, RV_RAVE_SCALE, d->scale[s], 0, e, n);
        }
        if (*n - n_gen != d->P.n) {
            log_unmapped(&d->P, e + n_gen, *n - n_gen);
            free(e);
            *n = 0;
            return GD_ERR_FORMAT;
        }
    }
    *out = e;
    return 0;
}

const rv_rave_buffer *rv_rave_buffers(int *n_out) {
    *n_out = N_OF(BUFFERS);
    return BUFFERS;
}

int rv_rave_derived(const char *key) {
    for (int i = 0; i < N_OF(DERIVED); i++)
        if (!strncmp(key, DERIVED[i], strlen(DERIVED[i]))) return 1;
    return 0;
}

void rv_rave_buffer_fill(const rv_rave_buffer *b, int L, float *buf, int *ndim, int *shape) {
    if (b->fill == RV_RAVE_FILL_IDENTITY) {
        *ndim = 2;
        shape[0] = shape[1] = L;
        for (int r = 0; r < L; r++)
            for (int c = 0; c < L; c++) buf[r * L + c] = r == c ? 1.0f : 0.0f;
    } else {
        *ndim = 1;
        shape[0] = L;
        memset(buf, 0, sizeof(float) * L);
    }
}

// ---------------------------------------------------------------------------- config.gin
typedef struct {
    char  *buf;
    size_t cap, n;
} sbuf;

static void put(sbuf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(b->buf + (b->n < b->cap ? b->n : b->cap - 1), b->n < b->cap ? b->cap - b->n : 1, fmt, ap);
    va_end(ap);
    if (w > 0) b->n += (size_t)w;
}

static void put_list(sbuf *b, const int *v, int n) {
    put(b, "[");
    for (int i = 0; i < n; i++) put(b, "%s%d", i ? ", " : "", v[i]);
    put(b, "]");
}

int rv_rave_gin(const rv_config *c, char *buf, size_t cap) {
    sbuf b = {buf, cap, 0};
    buf[0] = 0;
    put(&b, "# acids-rave (2.3.1) config of a gendang-train model: v2 + wasserstein with this\n"
            "# model's sizes. Written by gendang-train export --to rave.\n"
            "include \"v2.gin\"\ninclude \"wasserstein.gin\"\n\n"
            "SAMPLING_RATE = %d\nCAPACITY = %d\nRATIOS = ", c->sample_rate, c->capacity);
    put_list(&b, c->ratios, c->n_ratios);
    put(&b, "\nDILATIONS = [");
    for (int i = 0; i < c->n_ratios; i++) {
        put(&b, i ? ", " : "");
        put_list(&b, c->dilations[i], c->n_dil[i]);
    }
    put(&b, "]\nKERNEL_SIZE = %d\nLATENT_SIZE = %d\nNOISE_AUGMENTATION = %d\n"
            "PHASE_1_DURATION = %ld\n\nRAVE.update_discriminator_every = %d\n"
            "discriminator.ConvNet.capacity = %d\ndiscriminator.ConvNet.n_layers = %d\n"
            "discriminator.MultiPeriodDiscriminator.periods = ",
        c->kernel_size, c->latent_size, c->noise_channels, c->phase_1_duration,
        c->update_discriminator_every, c->d_capacity, c->d_layers);
    put_list(&b, c->d_periods, c->n_periods);
    put(&b, "\ndiscriminator.MultiScaleDiscriminator.n_discriminators = %d\n", c->d_scales);
    return b.n < cap ? 0 : GD_ERR_RANGE;
}
