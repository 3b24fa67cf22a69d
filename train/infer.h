// infer.h: encode, decode and timbre transfer with a trained model, on inputs of any length,
// processed in blocks of block_frames latent frames with a context margin wider than the
// receptive field on each side. The noise channels are drawn per absolute latent frame
// (stream ("infer-noise", frame)), so every block sees the same noise for the same frame and
// the blocks join exactly: the output equals one-pass processing (no clicks at block edges).
// Buffers are allocated per call (not per block). Latents are (L, F), F = ceil(n / hop).
// decode treats latents outside [0, F) as zero, whereas transfer decodes the encoder's own
// response to the zero padding around the file, so decode(encode(x)) equals transfer(x)
// except within one receptive field of the file's edges.
#ifndef RV_INFER_H
#define RV_INFER_H

#include <stdint.h>

#include "train/model.h"

// Name of the first generator tensor holding a NaN or Inf (a model saved from a diverged
// run), or NULL when every parameter is finite. Such a model decodes to NaN everywhere.
const char *rv_infer_nonfinite_tensor(const rv_model *m);
// seed RV_INFER_NO_NOISE: the noise channels are zero instead of drawn (deterministic output,
// and what acids-rave's decoder gives with its noise input zeroed: `transfer --no-noise`).
#define RV_INFER_NO_NOISE UINT64_MAX

// The functions below return 0, GD_ERR_NOMEM, or GD_ERR_NUMERIC when the model produced a
// non-finite value (nothing in the output is then usable).

// Context margin (latent frames) used on each side of a block.
int rv_infer_context(const rv_model *m);
// z (L, F) from x (n samples at the model rate).
int rv_infer_encode(rv_model *m, float *z, const float *x, long n, int block_frames);
// y (F * hop samples) from z (L, F).
int rv_infer_decode(rv_model *m, float *y, const float *z, long F, int block_frames,
                    uint64_t seed);
// y (F * hop samples) = decode(encode(x)).
int rv_infer_transfer(rv_model *m, float *y, const float *x, long n, int block_frames,
                      uint64_t seed);

#endif
