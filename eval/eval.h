// eval.h: public API of the evaluation stage (pair metrics), for the pipeline and trainer.
//
// ev_pair_* compares a reference (the real recording, the RAVE input) with an estimate
// (augmented item, RAVE output): lag alignment (+-max_lag_ms cross-correlation of the mono
// mixes), crop to the common part, then the metric set of metrics.def on the mono mixes
// (loudness on each signal's own channels). Definitions: docs/eval-metrics.md.
// Undefined metrics (silence, no onsets, no pitch) have value NAN and a static reason in
// why[m]; JSON writes them as null plus "null_reasons". Units: samples, Hz, dB, LUFS, ms.
// Buffers are planar (C, N) like gd_audio; nothing is modified; the caller owns everything.
// Thread-safety: reentrant (FFT plans come from the core's thread-safe cache).
#ifndef EV_EVAL_H
#define EV_EVAL_H

#include <stdint.h>

#include "core/audio.h"
#include "core/json.h"

#ifdef __cplusplus
extern "C" {
#endif

// Pair metrics (metrics.def) are 0 .. EV_N_METRICS - 1; the probe metrics that compare
// also reads (probe_metrics.def) follow, up to EV_N_ALL_METRICS - 1.
typedef enum {
#define EV_METRIC(id, key, better, unit) EV_##id,
#include "eval/metrics.def"
    EV_N_METRICS,
    EV_PROBE_BEFORE_ = EV_N_METRICS - 1,
#include "eval/probe_metrics.def"
#undef EV_METRIC
    EV_N_ALL_METRICS
} ev_metric;

#define EV_MAX_NOTES 4

typedef struct {
    double      value[EV_N_METRICS];    // NAN when undefined
    const char *why[EV_N_METRICS];      // NULL when defined, else a static reason
    int         rate;                   // analysis rate (Hz)
    int         n_channels_ref, n_channels_est;
    int64_t     n_ref, n_est;           // input lengths (samples at rate)
    int64_t     n_used;                 // common length after alignment and cropping
    int64_t     lag;                    // est[n + lag] lines up with ref[n]
    double      lag_ms;
    int         n_notes;
    char        notes[EV_MAX_NOTES][96];
} ev_pair_result;

typedef struct {
    int    align;        // 1: search the lag (default); 0: lag 0
    double max_lag_ms;   // default 50
    int    rate;         // analysis rate for ev_pair_files (0: the reference's rate)
    int    only;         // -1: every metric (default); EV_RAVE_MSS or EV_VISQOL_MOS: that one
                         // alone (the rest "not computed"); any other value: every metric
    double stop_above;   // with only == EV_RAVE_MSS and > 0: abandon the pair as soon as the
                         // distance is known to exceed it (null, "above the search bound")
} ev_pair_opts;

// Mono mix of a (mean of the channels, malloc'd; NULL when out of memory): the signal the
// spectral and time metrics read.
float *ev_downmix(const gd_audio *a);

void ev_pair_opts_default(ev_pair_opts *o);

// Metric names/directions from metrics.def and probe_metrics.def (m < EV_N_ALL_METRICS). better: -1 lower, +1 higher, -2 smaller |x|,
// 0 descriptive.
const char *ev_metric_key(int m);
const char *ev_metric_unit(int m);
int         ev_metric_better(int m);
// Index of key, or -1.
int         ev_metric_find(const char *key);

// Full metric set for two audio buffers at the same rate (any channel counts).
// Returns 0, GD_ERR_ARG (rates differ, empty), GD_ERR_NOMEM.
int ev_pair_audio(ev_pair_result *res, const gd_audio *ref, const gd_audio *est,
                  const ev_pair_opts *opts);

// The same for two mono float buffers at rate.
int ev_pair_mono(ev_pair_result *res, const float *ref, int64_t n_ref, const float *est,
                 int64_t n_est, int rate, const ev_pair_opts *opts);

// Reads both files (est resampled to the analysis rate when rates differ, with a note) and
// evaluates. Errors from gd_audio_read are returned (and logged with the path).
int ev_pair_files(ev_pair_result *res, const char *ref_path, const char *est_path,
                  const ev_pair_opts *opts);

// Writes one JSON object: clip, ref, est (strings, may be NULL), alignment fields, every
// metric (null when undefined), null_reasons, notes.
void ev_pair_write_json(gd_json *j, const ev_pair_result *res, const char *clip,
                        const char *ref_path, const char *est_path);
// The same with the clip's group (a "group" member after "clip"; none when group is NULL).
void ev_pair_write_json_group(gd_json *j, const ev_pair_result *res, const char *clip,
                              const char *group, const char *ref_path, const char *est_path);

#ifdef __cplusplus
}
#endif
#endif
