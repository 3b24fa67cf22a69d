// rave_map.h: gendang's tensors under acids-rave's state-dict keys (train/rave_names.def),
// for `gendang-train export --to rave` and `gendang-train import`.
//
// A pair holds one gendang tensor (generator, or discriminator when the model has one), its
// acids-rave key and shape (the gendang shape, plus a trailing 1 for the period
// discriminators' Conv2d kernels) and a pointer to its floats inside the model's parameter
// block, so the same list serves both directions: copy out for export, copy in for import.
// The data are identical in both layouts (row-major, same order), so a copy is exact.
// Ownership: rv_rave_map allocates the list; free() it. The pointers live as long as the model.
#ifndef RV_RAVE_MAP_H
#define RV_RAVE_MAP_H

#include <stddef.h>

#include "train/model.h"

#define RV_RAVE_KEY_MAX 160

typedef struct {
    const rv_tensor *t;                  // gendang tensor (name, shape, offset)
    float           *data;               // its t->n floats in the model
    char             key[RV_RAVE_KEY_MAX];
    int              ndim;               // acids-rave shape
    int              shape[5];
} rv_rave_pair;

typedef enum { RV_RAVE_FILL_IDENTITY, RV_RAVE_FILL_ZERO } rv_rave_fill;

typedef struct {
    const char  *key;
    rv_rave_fill fill;
} rv_rave_buffer;

// Every tensor of m->P and (when m->disc) of m->disc->P, once each, in parameter order.
// GD_ERR_FORMAT (logged) when a tensor has no entry in the map (a model the map does not
// describe); 0 otherwise. *out is NULL on failure.
int rv_rave_map(rv_model *m, rv_rave_pair **out, int *n);

// The extra buffers export writes (rave_names.def), n_out of them.
const rv_rave_buffer *rv_rave_buffers(int *n_out);
// 1 when key is an acids-rave buffer rebuilt from its config (RV_RAVE_DERIVED rows).
int rv_rave_derived(const char *key);
// Fills buf (latent_size^2 floats at least) for a buffer; its shape into ndim/shape.
void rv_rave_buffer_fill(const rv_rave_buffer *b, int latent_size, float *buf, int *ndim,
                         int *shape);

// The acids-rave config.gin of cfg: RAVE 2.3.1's v2.gin and wasserstein.gin, then the sizes
// of cfg (capacity, ratios, dilations, kernel, latent, noise, rate, discriminator, phase-1
// length). NUL-terminated into buf (cap bytes); returns 0, or GD_ERR_RANGE when truncated.
int rv_rave_gin(const rv_config *cfg, char *buf, size_t cap);

#endif
