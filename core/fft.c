// fft.c: real FFTs on FFTW (single precision) with a lock-free-read plan cache.
// Plans are immutable once published; creation is serialised because FFTW's planner is not
// thread-safe, execution (fftwf_execute_dft_*) is. Only SIMD-aligned plans are made:
// unaligned buffers are copied through aligned scratch, because FFTW's unaligned (scalar)
// codelets round differently and results must not depend on where a buffer happens to sit.
#include "core/fft.h"   // defines: gd_fft_*
#include "core/error.h" // defines: GD_ERR_*, GD_ASSERT

#include <fftw3.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>

#define MAX_PLANS 512

typedef struct {
    int        n;
    int        inverse;
    fftwf_plan plan;
} plan_entry;

static plan_entry      plans[MAX_PLANS];
static atomic_int      n_plans;
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

static fftwf_plan find(int n, int inverse, int count) {
    for (int i = 0; i < count; i++)
        if (plans[i].n == n && plans[i].inverse == inverse)
            return plans[i].plan;
    return NULL;
}

static fftwf_plan get_plan(int n, int inverse) {
    fftwf_plan p = find(n, inverse, atomic_load_explicit(&n_plans, memory_order_acquire));
    if (p) return p;
    pthread_mutex_lock(&plan_lock);
    int count = atomic_load_explicit(&n_plans, memory_order_relaxed);
    p = find(n, inverse, count);
    if (!p && count < MAX_PLANS) {
        float *a = fftwf_malloc(sizeof(float) * (size_t)(n + 2));
        float *b = fftwf_malloc(sizeof(float) * (size_t)(n + 2));
        unsigned flags = FFTW_ESTIMATE;
        if (a && b) {
            if (inverse)
                p = fftwf_plan_dft_c2r_1d(n, (fftwf_complex *)a, b, flags | FFTW_PRESERVE_INPUT);
            else
                p = fftwf_plan_dft_r2c_1d(n, a, (fftwf_complex *)b, flags);
        }
        fftwf_free(a);
        fftwf_free(b);
        if (p) {
            plans[count] = (plan_entry){n, inverse, p};
            atomic_store_explicit(&n_plans, count + 1, memory_order_release);
        }
    }
    pthread_mutex_unlock(&plan_lock);
    return p;
}

static int is_aligned(const void *a, const void *b) {
    return fftwf_alignment_of((float *)(uintptr_t)a) == 0 &&
           fftwf_alignment_of((float *)(uintptr_t)b) == 0;
}

// Runs plan p on in (n_in floats) -> out (n_out floats), through aligned scratch when
// either buffer is not SIMD-aligned.
static int execute(fftwf_plan p, int inverse, const float *in, long n_in, float *out, long n_out) {
    float *src = (float *)(uintptr_t)in, *dst = out, *tmp = NULL;
    if (!is_aligned(in, out)) {
        long off = (n_in + 15) & ~15L;   // keeps dst 64-byte aligned too
        tmp = fftwf_malloc(sizeof(float) * (size_t)(off + n_out));
        if (!tmp) return GD_ERR_NOMEM;
        src = tmp;
        dst = tmp + off;
        memcpy(src, in, sizeof(float) * (size_t)n_in);
    }
    // r2c preserves its input and c2r was planned with FFTW_PRESERVE_INPUT, so in is never
    // written; the casts only satisfy FFTW's prototypes.
    if (inverse) fftwf_execute_dft_c2r(p, (fftwf_complex *)src, dst);
    else fftwf_execute_dft_r2c(p, src, (fftwf_complex *)dst);
    if (tmp) {
        memcpy(out, dst, sizeof(float) * (size_t)n_out);
        fftwf_free(tmp);
    }
    return GD_OK;
}

int gd_fft_r2c(int n, const float *in, float *out) {
    GD_ASSERT(n > 0);
    fftwf_plan p = get_plan(n, 0);
    if (!p) return GD_ERR_INTERNAL;
    return execute(p, 0, in, n, out, 2L * (n / 2 + 1));
}

int gd_fft_c2r(int n, const float *in, float *out) {
    GD_ASSERT(n > 0);
    fftwf_plan p = get_plan(n, 1);
    if (!p) return GD_ERR_INTERNAL;
    return execute(p, 1, in, 2L * (n / 2 + 1), out, n);
}

float *gd_fft_alloc(long n) { return fftwf_malloc(sizeof(float) * (size_t)(n > 0 ? n : 1)); }

void gd_fft_free(void *p) { fftwf_free(p); }

void gd_fft_cleanup(void) {
    pthread_mutex_lock(&plan_lock);
    int count = atomic_load(&n_plans);
    for (int i = 0; i < count; i++) fftwf_destroy_plan(plans[i].plan);
    atomic_store(&n_plans, 0);
    fftwf_cleanup();
    pthread_mutex_unlock(&plan_lock);
}
