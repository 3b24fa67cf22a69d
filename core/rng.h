// rng.h: counter-based random numbers (Philox4x32-10, Salmon et al. SC'11).
//
// A stream is (seed, stream id); the k-th draw depends only on (seed, stream, k), so results
// never depend on thread count or on the order in which streams are used. Derive stream
// ids from names with gd_rng_stream_id (e.g. ("augment", "djembe1-bass#3")).
// No global state. A gd_rng is a small value type owned by its user; not shared across
// threads (give each item its own stream).
#ifndef GD_RNG_H
#define GD_RNG_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct {
    uint64_t seed;
    uint64_t stream;
    uint64_t counter;     // block counter
    uint32_t block[4];    // current output block
    int      used;        // words used from block (4 = empty)
    int      has_spare;   // cached second normal
    double   spare;
} gd_rng;

// Initialises r to draw 0 of stream (seed, stream).
void gd_rng_init(gd_rng *r, uint64_t seed, uint64_t stream);

// 64-bit stream id from two strings (SHA-256 of "a\0b", first 8 bytes little-endian).
uint64_t gd_rng_stream_id(const char *a, const char *b);

uint32_t gd_rng_u32(gd_rng *r);
uint64_t gd_rng_u64(gd_rng *r);
// n words, exactly the next n that gd_rng_u32 would return (bulk, SIMD; for dither and noise).
void     gd_rng_fill_u32(gd_rng *r, uint32_t *out, size_t n);
// Uniform double in [0, 1) with 53 random bits.
double   gd_rng_uniform(gd_rng *r);
// Uniform in [lo, hi).
double   gd_rng_range(gd_rng *r, double lo, double hi);
// Standard normal (Box-Muller; pairs are cached in r).
double   gd_rng_normal(gd_rng *r);
// Uniform integer in [0, n), unbiased. n >= 1.
uint64_t gd_rng_below(gd_rng *r, uint64_t n);
// Index drawn with probability weights[i] / sum(weights); weights >= 0, sum > 0.
int      gd_rng_choice(gd_rng *r, const double *weights, int n);

// The raw Philox4x32-10 block function: out = Philox(counter, key).
void gd_philox4x32(uint32_t out[4], const uint32_t counter[4], const uint32_t key[2]);

#ifdef __cplusplus
}
#endif
#endif
