// params.c: see params.h.
#include "train/params.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"

long rv_params_add(rv_params *p, const char *name, int ndim, const int *shape) {
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        p->t = realloc(p->t, sizeof(rv_tensor) * p->cap);
        GD_ASSERT(p->t);
    }
    rv_tensor *t = &p->t[p->n++];
    memset(t, 0, sizeof(*t));
    GD_ASSERT(strlen(name) < RV_NAME_MAX && ndim >= 1 && ndim <= 4);
    strcpy(t->name, name);
    t->ndim = ndim;
    t->n = 1;
    for (int i = 0; i < ndim; i++) { t->shape[i] = shape[i]; t->n *= shape[i]; }
    t->off = p->total;
    p->total += t->n;
    return t->off;
}

int rv_params_alloc(rv_params *p) {
    p->data = calloc(p->total ? p->total : 1, sizeof(float));
    return p->data ? 0 : GD_ERR_NOMEM;
}

void rv_params_free(rv_params *p) {
    if (!p) return;
    free(p->t);
    free(p->data);
    memset(p, 0, sizeof(*p));
}

const rv_tensor *rv_params_find(const rv_params *p, const char *name) {
    for (int i = 0; i < p->n; i++)
        if (!strcmp(p->t[i].name, name)) return &p->t[i];
    return NULL;
}
