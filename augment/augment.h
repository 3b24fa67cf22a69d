// augment.h: the public augmentation API: parse an ops string, resolve its random
// parameters, apply the resulting effect chain to an audio buffer.
//
// Ops syntax (the CLI's --ops and metadata.csv's ops column):
//   chain  := op ('|' op)*
//   op     := effect ['@' prob] [':' param (',' param)*]     prob in [0, 1]: chance to apply
//   param  := key '=' value
//   value  := number | word | uniform(a,b) | loguniform(a,b) | normal(m,s) | choice(v1,v2,...)
// e.g. "pitch:semitones=uniform(-3,3)|reverb@0.5:rt60=loguniform(0.2,1.2),wet=0.2".
// A resolved chain holds constants only (skipped effects removed, every random effect given
// an explicit seed=), so applying it is deterministic and replayable bit-exactly.
// Normal draws are clamped to the parameter's allowed range.
// Audio: gd_audio, planar (C, N) float32; effects may change N (pitch resample, reverb tail).
// Ownership: aug_spec from aug_spec_parse is freed with aug_spec_free; strings returned
// through char ** are malloc'd and owned by the caller.
// Thread-safety: a parsed aug_spec is read-only and may be shared by threads; every call
// takes its own gd_rng.
#ifndef AUG_AUGMENT_H
#define AUG_AUGMENT_H

#include <stdint.h>

#include "core/audio.h"
#include "core/rng.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct aug_spec aug_spec;

// Where and why an ops string failed to parse: pos is the byte offset of the offending
// character, msg a one-line reason (e.g. "semitones=40 out of range [-24, 24]").
typedef struct {
    int  pos;
    int  code;          // GD_ERR_PARSE (malformed) or GD_ERR_RANGE (value out of range)
    char msg[200];
} aug_parse_err;

// Parses ops. Returns 0, GD_ERR_PARSE or GD_ERR_RANGE (err filled), GD_ERR_NOMEM.
int  aug_spec_parse(aug_spec **out, const char *ops, aug_parse_err *err);
void aug_spec_free(aug_spec *s);
// 1 when every parameter is a constant and every probability is 1 (a resolved chain).
int  aug_spec_is_resolved(const aug_spec *s);

// Context for resolution: the pool that "file=@pool" draws from (mix, noise).
typedef struct {
    const char *const *pool;   // input paths, may be NULL
    int n_pool;
} aug_ctx;

// Draws every random parameter and probability from rng, giving the resolved ops string
// (*out, malloc'd; "" when every effect was skipped). ctx may be NULL.
int  aug_spec_resolve(char **out, const aug_spec *s, gd_rng *rng, const aug_ctx *ctx);

// Applies a resolved spec to a in place (a->data may be reallocated). Returns 0 or a
// GD_ERR_* (logged): GD_ERR_ARG if s is not resolved, GD_ERR_IO for a missing IR/noise file.
int  aug_spec_apply(gd_audio *a, const aug_spec *s);

// Convenience: parse + resolve (seeded by rng) + apply. *resolved (may be NULL) receives
// the resolved ops. Parse errors are logged with their position.
int  aug_chain_run(gd_audio *a, const char *ops, gd_rng *rng, char **resolved);

// Lists effects and their parameters (name, range, default) to f, for --help.
void aug_effects_print(void *file);

#ifdef __cplusplus
}
#endif
#endif
