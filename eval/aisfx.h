// aisfx.h: the aiSFX sound-effects embedding (Ma and Lerch, "Representation Learning for
// the Automatic Indexing of Sound Effects Libraries", ISMIR 2022; PyPI package aisfx 0.1.2,
// model X-Sequential-CE), recomputed in C from the package's own weights.
//
// Input: mono float audio at any rate. Preprocessing as aisfx.inference.main with its
// defaults (spectrogram_type 'essentia', spec_norm 'original', emb_hop_size 0.5,
// drop_partial_block True):
//  - resampled to 44.1 kHz with libsamplerate SRC_SINC_MEDIUM_QUALITY (Essentia MonoLoader's
//    resampleQuality 1), unless already at 44.1 kHz;
//  - frames of 2048 samples every 1024, the first centred on sample 0 (Essentia FrameCutter,
//    startFromZero false: zero-padded both sides, the last frame is the first whose centre
//    is at or past the end: T = floor((N - 1) / 1024) + 2 frames);
//  - symmetric Hann window (0.5 - 0.5 cos(2 pi i / 2047)), |FFT|^2, 96 HTK-mel triangles
//    0-22050 Hz weighted in mel and normalised to unit sum (Essentia MelBands, 'htkMel',
//    'warping', 'unit_sum', 'power'), log10(1e4 x + 1) / 9.457798957824707;
//  - blocks of 100 frames (2.3 s) every 50: ceil((T - 100) / 50 + 1) blocks, one fewer when
//    the last would be partial, at least one; rows past T are zeros.
// Network (EmbeddingNet, "Cnn_9layers" of the DCASE cross-task baseline): input (100, 96) as
// (time, mel); four blocks of two 3x3 convolutions (padding 1, no bias) each followed by
// eval-mode batch norm (eps 1e-5) and ReLU; channels 64, 128, 256, 512; 2x2 max pooling
// after the first three blocks (floor); then the mean over mel and the maximum over time:
// one 512-d embedding per block. Float32 throughout, CBLAS sgemm on im2col columns.
//
// Differences from the package (docs in eval/README.md): Essentia resamples in a streaming
// loop that differs from one-shot libsamplerate at a few samples on some files (2 % of the
// embedding on one 8-bit 22.05 kHz file; 48 kHz files agree). Essentia replaces a silent frame
// (mean power < 1e-10) by -100 dB noise; here it stays silent. aisfx asserts that a clip has
// more than 50 frames (compute_hopSize); here shorter clips get their one padded block.
//
// Weights: a safetensors file made by scripts/aisfx_weights.py from the wheel's
// checkpoint.pth (`make aisfx-weights`, run by `make deps`); its sha256 is checked on load.
// Licence: see eval/NOTICE-aisfx.md. Thread-safety: a loaded model is read-only; any number
// of threads may call ev_aisfx_embed on it at once (each call allocates its own scratch).
#ifndef EV_AISFX_H
#define EV_AISFX_H

#include <stdint.h>

#define EV_AISFX_DIM 512
#define EV_AISFX_RATE 44100
#define EV_AISFX_MELS 96
#define EV_AISFX_BLOCK 100   // frames per block
#define EV_AISFX_BLOCK_HOP 50
// The converted weights: file name (beside the binary as ../.deps/models/ in the source tree,
// ../share/gendang/models/ after install) and the sha256 of its bytes.
#define EV_AISFX_WEIGHTS_NAME "aisfx-0.1.2.safetensors"
#define EV_AISFX_WEIGHTS_SHA256 "3ce7063f7740a8b418da446bfe021644d2af479bfa5a8fec665e1d73e6c192bf"

typedef struct ev_aisfx ev_aisfx;

// Loads the weights at path (NULL: the default location above). Checks the sha256, every
// tensor's presence and shape. Errors are logged naming the file; returns 0, GD_ERR_IO
// (missing: the message says to run `make aisfx-weights`), GD_ERR_FORMAT, GD_ERR_NOMEM.
int  ev_aisfx_load(ev_aisfx **out, const char *path);
void ev_aisfx_free(ev_aisfx *m);

// Log-mel input of x (n samples, mono, at rate Hz) as the package computes it:
// *spec (T, 96) row-major, malloc'd, caller frees; returns T (>= 2) or < 0 (GD_ERR_*).
int64_t ev_aisfx_logmel(float **spec, const float *x, int64_t n, int rate);

// Number of blocks of T frames (as aisfx.preprocessing.blocking with hop 50, drop partial).
int ev_aisfx_n_blocks(int64_t T);

// Embeddings of x: *emb (blocks, 512) row-major doubles, malloc'd, caller frees; returns the
// number of blocks (>= 1) or < 0 (GD_ERR_NOMEM, GD_ERR_ARG for n < 1).
int ev_aisfx_embed(double **emb, const ev_aisfx *m, const float *x, int64_t n, int rate);

// The network alone on one block: in (100, 96) normalised log-mel -> out (512).
int ev_aisfx_forward(float out[EV_AISFX_DIM], const ev_aisfx *m, const float *in);

#endif
