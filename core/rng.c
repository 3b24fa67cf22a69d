// rng.c: Philox4x32-10 counter-based generator (Salmon, Moraes, Dror, Shaw, SC'11).
// The key is the 64-bit seed; the 128-bit counter is (block counter, stream id), so each
// (seed, stream) pair is an independent sequence addressable by position.
#include "core/rng.h"    // defines: gd_rng_*
#include "core/error.h"  // defines: GD_ASSERT
#include "core/sha256.h" // defines: gd_sha256

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

static inline uint32_t mulhilo(uint32_t a, uint32_t b, uint32_t *hi) {
    uint64_t p = (uint64_t)a * b;
    *hi = (uint32_t)(p >> 32);
    return (uint32_t)p;
}

void gd_philox4x32(uint32_t out[4], const uint32_t counter[4], const uint32_t key[2]) {
    uint32_t c0 = counter[0], c1 = counter[1], c2 = counter[2], c3 = counter[3];
    uint32_t k0 = key[0], k1 = key[1];
    for (int round = 0; round < 10; round++) {
        uint32_t hi0, hi1;
        uint32_t lo0 = mulhilo(PHILOX_M0, c0, &hi0);
        uint32_t lo1 = mulhilo(PHILOX_M1, c2, &hi1);
        uint32_t n0 = hi1 ^ c1 ^ k0, n1 = lo1, n2 = hi0 ^ c3 ^ k1, n3 = lo0;
        c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

void gd_rng_init(gd_rng *r, uint64_t seed, uint64_t stream) {
    memset(r, 0, sizeof *r);
    r->seed = seed;
    r->stream = stream;
    r->used = 4;
}

uint64_t gd_rng_stream_id(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    unsigned char buf[1024];
    unsigned char *p = la + lb + 1 <= sizeof buf ? buf : malloc(la + lb + 1);
    GD_ASSERT(p);
    memcpy(p, a, la);
    p[la] = 0;
    memcpy(p + la + 1, b, lb);
    uint8_t d[32];
    gd_sha256(d, p, la + lb + 1);
    if (p != buf) free(p);
    uint64_t id = 0;
    for (int i = 7; i >= 0; i--) id = (id << 8) | d[i];
    return id;
}

static void refill(gd_rng *r) {
    uint32_t ctr[4] = {(uint32_t)r->counter, (uint32_t)(r->counter >> 32),
                       (uint32_t)r->stream, (uint32_t)(r->stream >> 32)};
    uint32_t key[2] = {(uint32_t)r->seed, (uint32_t)(r->seed >> 32)};
    gd_philox4x32(r->block, ctr, key);
    r->counter++;
    r->used = 0;
}

uint32_t gd_rng_u32(gd_rng *r) {
    if (r->used >= 4) refill(r);
    return r->block[r->used++];
}

// Philox on LANES consecutive counters at once, written lane-wise so the compiler turns the
// 32x32->64 multiplies into SIMD (pmuludq); integer arithmetic, so the words are exactly those
// of gd_philox4x32 whatever the instruction set.
#define LANES 16
static void philox_lanes(uint32_t *out, uint64_t counter, uint64_t stream, uint64_t seed) {
    uint32_t c0[LANES], c1[LANES], c2[LANES], c3[LANES];
    for (int l = 0; l < LANES; l++) {
        uint64_t c = counter + (uint64_t)l;
        c0[l] = (uint32_t)c;
        c1[l] = (uint32_t)(c >> 32);
        c2[l] = (uint32_t)stream;
        c3[l] = (uint32_t)(stream >> 32);
    }
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int round = 0; round < 10; round++) {
        for (int l = 0; l < LANES; l++) {
            uint64_t p0 = (uint64_t)PHILOX_M0 * c0[l], p1 = (uint64_t)PHILOX_M1 * c2[l];
            uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1[l] ^ k0, n2 = (uint32_t)(p0 >> 32) ^ c3[l] ^ k1;
            c1[l] = (uint32_t)p1;
            c3[l] = (uint32_t)p0;
            c0[l] = n0;
            c2[l] = n2;
        }
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    for (int l = 0; l < LANES; l++) {
        out[4 * l] = c0[l];
        out[4 * l + 1] = c1[l];
        out[4 * l + 2] = c2[l];
        out[4 * l + 3] = c3[l];
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define HAVE_PHILOX_AVX2 1
#define AVX_V 4   // vectors of 8 counters per call
// The same rounds with AVX2 intrinsics on 32 consecutive counters (four vectors of 8; four
// independent chains hide the multiplies' latency):
// _mm256_mul_epu32 gives exact 32x32->64 products of the even lanes, the odd lanes go through
// a 32-bit shift; integer arithmetic, so the words equal gd_philox4x32's. Used when the CPU
// has AVX2 (checked at run time), else philox_lanes.
__attribute__((target("avx2"))) static void philox_avx2(uint32_t *out, uint64_t counter,
                                                       uint64_t stream, uint64_t seed) {
    const __m256i m0 = _mm256_set1_epi32((int)PHILOX_M0), m1 = _mm256_set1_epi32((int)PHILOX_M1);
    const __m256i odd = _mm256_set1_epi64x((long long)0xffffffff00000000ull);
    __m256i c0[AVX_V], c1[AVX_V], c2[AVX_V], c3[AVX_V];
    for (int v = 0; v < AVX_V; v++) {
        uint32_t a[8], b[8];
        for (int l = 0; l < 8; l++) {
            uint64_t c = counter + (uint64_t)(8 * v + l);
            a[l] = (uint32_t)c;
            b[l] = (uint32_t)(c >> 32);
        }
        c0[v] = _mm256_loadu_si256((const __m256i *)a);
        c1[v] = _mm256_loadu_si256((const __m256i *)b);
        c2[v] = _mm256_set1_epi32((int)(uint32_t)stream);
        c3[v] = _mm256_set1_epi32((int)(uint32_t)(stream >> 32));
    }
    uint32_t k0 = (uint32_t)seed, k1 = (uint32_t)(seed >> 32);
    for (int round = 0; round < 10; round++) {
        __m256i vk0 = _mm256_set1_epi32((int)k0), vk1 = _mm256_set1_epi32((int)k1);
        for (int v = 0; v < AVX_V; v++) {
            __m256i e0 = _mm256_mul_epu32(c0[v], m0), o0 = _mm256_mul_epu32(_mm256_srli_epi64(c0[v], 32), m0);
            __m256i e1 = _mm256_mul_epu32(c2[v], m1), o1 = _mm256_mul_epu32(_mm256_srli_epi64(c2[v], 32), m1);
            __m256i hi0 = _mm256_or_si256(_mm256_srli_epi64(e0, 32), _mm256_and_si256(o0, odd));
            __m256i hi1 = _mm256_or_si256(_mm256_srli_epi64(e1, 32), _mm256_and_si256(o1, odd));
            __m256i lo0 = _mm256_mullo_epi32(c0[v], m0), lo1 = _mm256_mullo_epi32(c2[v], m1);
            c0[v] = _mm256_xor_si256(_mm256_xor_si256(hi1, c1[v]), vk0);
            c2[v] = _mm256_xor_si256(_mm256_xor_si256(hi0, c3[v]), vk1);
            c1[v] = lo1;
            c3[v] = lo0;
        }
        k0 += PHILOX_W0;
        k1 += PHILOX_W1;
    }
    for (int v = 0; v < AVX_V; v++) {   // 4 x 8 lane-major words -> 8 blocks of 4, in order
        __m256i t0 = _mm256_unpacklo_epi32(c0[v], c1[v]), t1 = _mm256_unpackhi_epi32(c0[v], c1[v]);
        __m256i t2 = _mm256_unpacklo_epi32(c2[v], c3[v]), t3 = _mm256_unpackhi_epi32(c2[v], c3[v]);
        __m256i b0 = _mm256_unpacklo_epi64(t0, t2), b1 = _mm256_unpackhi_epi64(t0, t2);
        __m256i b2 = _mm256_unpacklo_epi64(t1, t3), b3 = _mm256_unpackhi_epi64(t1, t3);
        // b0 = blocks (0, 4), b1 = (1, 5), b2 = (2, 6), b3 = (3, 7) in 128-bit halves
        __m256i *o = (__m256i *)(out + 32 * v);
        _mm256_storeu_si256(o, _mm256_permute2x128_si256(b0, b1, 0x20));
        _mm256_storeu_si256(o + 1, _mm256_permute2x128_si256(b2, b3, 0x20));
        _mm256_storeu_si256(o + 2, _mm256_permute2x128_si256(b0, b1, 0x31));
        _mm256_storeu_si256(o + 3, _mm256_permute2x128_si256(b2, b3, 0x31));
    }
}
#endif

void gd_rng_fill_u32(gd_rng *r, uint32_t *out, size_t n) {
    size_t i = 0;
    while (i < n && r->used < 4) out[i++] = r->block[r->used++];
#ifdef HAVE_PHILOX_AVX2
    if (n - i >= 32 * AVX_V && __builtin_cpu_supports("avx2")) {
        for (; n - i >= 32 * AVX_V; i += 32 * AVX_V, r->counter += 8 * AVX_V)
            philox_avx2(out + i, r->counter, r->stream, r->seed);
    }
#endif
    while (n - i >= 4 * LANES) {   // whole blocks, LANES at a time
        philox_lanes(out + i, r->counter, r->stream, r->seed);
        r->counter += LANES;
        i += 4 * LANES;
    }
    while (i < n) out[i++] = gd_rng_u32(r);
}

uint64_t gd_rng_u64(gd_rng *r) {
    uint64_t hi = gd_rng_u32(r);
    return (hi << 32) | gd_rng_u32(r);
}

double gd_rng_uniform(gd_rng *r) { return (double)(gd_rng_u64(r) >> 11) * 0x1.0p-53; }

double gd_rng_range(gd_rng *r, double lo, double hi) { return lo + (hi - lo) * gd_rng_uniform(r); }

double gd_rng_normal(gd_rng *r) {
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u1 = 1.0 - gd_rng_uniform(r); // (0, 1]: log is finite
    double u2 = gd_rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1)), th = 2.0 * M_PI * u2;
    r->spare = rad * sin(th);
    r->has_spare = 1;
    return rad * cos(th);
}

uint64_t gd_rng_below(gd_rng *r, uint64_t n) {
    GD_ASSERT(n >= 1);
    uint64_t limit = UINT64_MAX - UINT64_MAX % n; // reject the biased tail
    uint64_t x;
    do x = gd_rng_u64(r); while (x >= limit);
    return x % n;
}

int gd_rng_choice(gd_rng *r, const double *weights, int n) {
    GD_ASSERT(n >= 1);
    double total = 0;
    for (int i = 0; i < n; i++) total += weights[i];
    GD_ASSERT(total > 0);
    double u = gd_rng_uniform(r) * total, acc = 0;
    for (int i = 0; i < n; i++) {
        acc += weights[i];
        if (u < acc && weights[i] > 0) return i;
    }
    for (int i = n - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return n - 1;
}
