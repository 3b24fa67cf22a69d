// cluster.h: grouping fitted hits into at most k strokes, for presets (which hold at most
// SYN_MAX_STROKES strokes) made from more hits than that.
//
// Each fit is described by three groups of numbers: its modal spectrum (the energy
// amp^2 * t60 of each mode spread over 30 third-octave bands from 20 Hz, normalised to sum
// 1, square-rooted: Euclidean distance between these is the Hellinger distance), its decay
// (energy-weighted mean ln t60) and its attack (glide, ln noise level, ln noise frequency,
// ln noise decay; each scaled by its spread over the hits). Every group is scaled so that its
// mean squared distance over all pairs of hits is 1, then weighted: spectrum 2, decay 1,
// attack 1. On these vectors, k-medoids (PAM: greedy BUILD, then the best swap of a medoid
// for a non-medoid while one lowers the summed distance to the nearest medoid; the FastPAM1
// swap evaluation, O(n^2) per swap) picks k hits that stand for the others. Deterministic:
// single-threaded, ties go to the lower index. Cost O(k n^2) to build.
#ifndef SYN_CLUSTER_H
#define SYN_CLUSTER_H

#include "synth/modal_fit.h"

// Clusters the n fits (fits[i]) into k = min(k, n) groups: medoid[0..k) are hit indices in
// ascending order, cluster[i] in [0, k) is the group of hit i (its nearest medoid). Returns
// k, or GD_ERR_NOMEM.
int syn_cluster_fits(const syn_fit_result *const *fits, int n, int k, int *medoid, int *cluster);

#endif
