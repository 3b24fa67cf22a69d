// data.h: the training data: a corpus folder's metadata.csv split loaded into memory at the
// model's rate (mono), random crops and seeded augmentations (docs/rave-v2.md section 1).
//
// Files shorter than the crop are zero-padded instead of dropped: placed at a random offset
// inside the training crop, centred in validation crops. Files that fail
// to decode are named in a warning and skipped (counted), or fatal with strict.
// Batches are a pure function of (seed, step, item): item b of step s draws its file, crop
// and augmentations from the Philox stream ("train-batch", "<s>:<b>"), so a resumed run
// sees exactly the batches of an uninterrupted one, whatever the thread count.
// Augmentations, in order: random crop; all-pass phase mangle (p, r 0.99, f log-uniform in
// [20, 2000] Hz); gain (p, uniform dB in [lo, hi]; the reference's is a no-op, ours works);
// compression (p; feed-forward RMS compressor, 10 ms/100 ms, ratio 4, threshold uniform in
// [-40, -10] dBFS, replacing sox compand); mute (p); dequantisation (+ U[0, 2^-16)).
// Ownership: rv_corpus owns its audio; rv_corpus_free releases it.
#ifndef RV_DATA_H
#define RV_DATA_H

#include <stdint.h>

#include "train/config.h"

#define RV_CROP_BLOCK 256

typedef struct {
    int      n;           // items loaded
    int      n_failed;    // rows skipped because the file did not decode
    float  **audio;       // n buffers of len[i] samples (model rate, mono)
    int64_t *len;
    double  *energy;      // n sums of squares, for choosing crops that hold the hit
    double **block_cum;   // n cumulative energies per RV_CROP_BLOCK samples (crop choice)
    char   **name;
    char     sha256[65];  // checksum of the split: SHA-256 over "file_name,sha256\n" rows
} rv_corpus;

// Loads split ("train" / "valid") of dir/metadata.csv at cfg->sample_rate. Errors: missing
// corpus or metadata (GD_ERR_IO), no usable rows (GD_ERR_EMPTY), a failed file with strict.
int  rv_corpus_load(rv_corpus *c, const char *dir, const char *split, const rv_config *cfg,
                    int strict);
void rv_corpus_free(rv_corpus *c);
// Cumulative energy (sum of squares) of x per RV_CROP_BLOCK samples (malloc'd, caller
// frees); the total goes to *total.
double *rv_energy_blocks(const float *x, int64_t n, double *total);

// Fills x (B, N) with the training batch of step (augmented).
void rv_batch_train(float *x, const rv_corpus *c, const rv_config *cfg, uint64_t seed,
                    long step, int B, long N);
// Validation batch number k: items k*B.. (wrapping around), the first N samples (short files
// centred), no augmentation.
void rv_batch_valid(float *x, const rv_corpus *c, int k, int B, long N);

// The all-pass phase mangle in place on x (n samples): b = [r^2, -2r cos w, 1],
// a = [1, -2r cos w, r^2], w = 2 pi f / rate.
void rv_allpass(float *x, long n, double f, double rate, double r);
// Feed-forward RMS compressor in place (threshold dBFS, ratio, attack/release seconds).
void rv_compress(float *x, long n, double rate, double thresh_db, double ratio);

#endif
