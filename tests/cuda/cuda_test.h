// cuda_test.h: helpers shared by the CUDA parity programs (tests/cuda/*.c): seeded random
// host arrays, device copies, and comparisons that print the max difference.
// |gpu - cpu| <= atol + rtol |cpu| element-wise, atol relative to the largest |cpu| value.
#ifndef GD_CUDA_TEST_H
#define GD_CUDA_TEST_H

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/rng.h"
#include "tests/test.h"
#include "train/cuda/rv_cuda.h"

static gd_rng rng;
static int    tf32;   // current cuBLAS mode (for messages)

static inline float *hrand(long n, double a) {
    float *p = malloc(sizeof(float) * (n ? n : 1));
    for (long i = 0; i < n; i++) p[i] = (float)gd_rng_range(&rng, -a, a);
    return p;
}
static inline float *hcopy(const float *src, long n) {
    float *p = malloc(sizeof(float) * (n ? n : 1));
    memcpy(p, src, sizeof(float) * n);
    return p;
}
static inline float *dup(const float *h, long n) {
    float *d = rv_cuda_malloc(sizeof(float) * (n ? n : 1));
    if (n) rv_cuda_upload(d, h, sizeof(float) * n);
    return d;
}
static inline float *back(const float *d, long n) {
    float *h = malloc(sizeof(float) * (n ? n : 1));
    rv_cuda_sync();
    if (n) rv_cuda_download(h, d, sizeof(float) * n);
    return h;
}

// Compares n values of device array d against host reference ref; prints the max diff.
static inline void cmp_dev(const char *what, const float *d, const float *ref, long n, double atol_rel,
                    double rtol) {
    float *h = back(d, n);
    double mx = 0, md = 0;
    long bad = -1;
    for (long i = 0; i < n; i++) if (fabs(ref[i]) > mx) mx = fabs(ref[i]);
    double atol = atol_rel * (mx > 0 ? mx : 1);
    for (long i = 0; i < n; i++) {
        double dd = fabs((double)h[i] - ref[i]);
        if (!(dd <= md)) md = dd;                  // NaN propagates
        if (!(dd <= atol + rtol * fabs(ref[i])) && bad < 0) bad = i;
    }
    printf("  %-34s n %-8ld max|diff| %.3g (max|ref| %.3g)%s\n", what, n, md, mx,
           bad >= 0 ? "  <-- FAIL" : "");
    if (bad >= 0) {
        fprintf(stderr, "  %s: first bad [%ld] gpu %.9g cpu %.9g (tf32 %d)\n", what, bad,
                h[bad], ref[bad], tf32);
        t_case_failed = 1;
    }
    free(h);
}
// The max difference only, printed, never failing (for comparisons judged elsewhere).
static inline void cmp_dev_info(const char *what, const float *d, const float *ref, long n) {
    float *h = back(d, n);
    double mx = 0, md = 0;
    for (long i = 0; i < n; i++) {
        mx = fmax(mx, fabs(ref[i]));
        double dd = fabs((double)h[i] - ref[i]);
        if (!(dd <= md)) md = dd;
    }
    printf("  %-34s n %-8ld max|diff| %.3g (max|ref| %.3g)\n", what, n, md, mx);
    free(h);
}
static inline void cmp_val(const char *what, double g, double c, double rtol) {
    double d = fabs(g - c);
    int ok = d <= rtol * fabs(c) + 1e-12;
    printf("  %-34s gpu %.9g cpu %.9g |diff| %.3g%s\n", what, g, c, d, ok ? "" : "  <-- FAIL");
    if (!ok) t_case_failed = 1;
}


// Initialises the backend or prints why the program skips (then exit 0).
static inline int cuda_test_start(void) {
    char why[256];
    if (rv_cuda_init(why, sizeof(why))) {
        printf("skipped: no GPU (%s)\n", why);
        return 0;
    }
    char name[256];
    rv_cuda_device_name(name, sizeof(name));
    printf("device: %s\n", name);
    gd_rng_init(&rng, 42, 7);
    rv_cuda_set_tf32(0);
    return 1;
}

#endif
