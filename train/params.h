// params.h: a registry of named tensors carved out of one float allocation (llm.c style).
//
// Build: rv_params_add() for every tensor (records name, shape, offset), then
// rv_params_alloc() makes the single block. Gradients, Adam moments and effective weights use
// the same offsets in their own blocks of rv_params.total floats. Names follow the layer
// structure ("encoder.3.conv1.weight_v") and become safetensors keys.
// Ownership: the registry owns its table and block; rv_params_free releases both.
#ifndef RV_PARAMS_H
#define RV_PARAMS_H

#define RV_NAME_MAX 80

typedef struct {
    char name[RV_NAME_MAX];
    int  ndim;
    int  shape[4];
    long off, n;
} rv_tensor;

typedef struct {
    rv_tensor *t;
    int        n, cap;
    long       total;    // floats
    float     *data;     // (total), NULL until rv_params_alloc
} rv_params;

// Registers a tensor; returns its offset. Aborts on allocation failure (start-up only).
long rv_params_add(rv_params *p, const char *name, int ndim, const int *shape);
// Allocates the zeroed block. Returns 0 or GD_ERR_NOMEM.
int  rv_params_alloc(rv_params *p);
void rv_params_free(rv_params *p);
// Tensor by name, or NULL.
const rv_tensor *rv_params_find(const rv_params *p, const char *name);

#endif
