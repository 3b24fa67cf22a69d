// attribute.h: which training clips' labels the latent frames of a sound lie nearest to
// (k nearest neighbours in the model's latent space), and the chance floor of that share
// from permuting labels among training clips. See train/README.md, "Attribution".
//
// Shapes: training frames are row-major (n_train, L) floats, each with the index of the clip
// it came from (clip_of, n_train); each clip has a label index in [0, n_labels). Query frames
// are row-major (n_query, L) with an energy each (linear mean square, > 0 for every frame
// that is to count). All arrays are owned by the caller; nothing is kept.
// Determinism: neighbour ties go to the lower training index, sums run in a fixed order and
// permutations are drawn from (seed, "attribute-perm", p), so the results do not depend on
// the thread count (the neighbour search is parallel over query frames).
#ifndef RV_ATTRIBUTE_H
#define RV_ATTRIBUTE_H

#include <stdint.h>

typedef struct {
    const float *z;        // (n, L) training frames
    const int   *clip_of;  // (n) clip index of each frame
    long         n;
    int          L;
} rv_attr_bank;

// nb (n_query, k): training frame indices of each query frame's k nearest training frames
// (Euclidean), nearest first. k <= bank->n. Returns 0 or GD_ERR_NOMEM.
int rv_attr_neighbours(int *nb, const rv_attr_bank *bank, const float *q, long n_query, int k);

// shares (n_query, n_labels): fraction of each frame's k neighbours whose clip carries each
// label, with clip_label (n_clips) mapping clips to labels.
void rv_attr_frame_shares(double *shares, const int *nb, long n_query, int k,
                          const rv_attr_bank *bank, const int *clip_label, int n_labels);

// out (n_labels): the energy-weighted mean of the frame shares (sums to 1 when any energy).
void rv_attr_summary(double *out, const int *nb, const double *energy, long n_query, int k,
                     const rv_attr_bank *bank, const int *clip_label, int n_labels);

// Chance floor: the summary recomputed n_perm times with clip_label shuffled among the clips
// (Fisher-Yates, stream (seed, "attribute-perm", p)); mean and p95 (nearest rank) per label.
// Returns 0 or GD_ERR_NOMEM.
int rv_attr_floor(double *mean, double *p95, const int *nb, const double *energy, long n_query,
                  int k, const rv_attr_bank *bank, const int *clip_label, int n_clips,
                  int n_labels, int n_perm, uint64_t seed);

#endif
