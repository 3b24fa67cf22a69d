// fft.c: real FFTs on FFTW (single precision) with a lock-free-read plan cache.
// Plans are immutable once published; creation is serialised because FFTW's planner is not
// thread-safe, execution (fftwf_execute_dft_*) is.
#include "core/fft.h"   // defines: gd_fft_*
#include "core/error.h" // defines: GD_ERR_*, GD_ASSERT

#include <fftw3.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#define MAX_PLANS 512

typedef struct {
    int        n;
    int        inverse;
    int        aligned;
    fftwf_plan plan;
} plan_entry;

static plan_entry      plans[MAX_PLANS];
static atomic_int      n_plans;
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;

static fftwf_plan find(int n, int inverse, int aligned, int count) {
    for (int i = 0; i < count; i++)
        if (plans[i].n == n && plans[i].inverse == inverse && plans[i].aligned == aligned)
            return plans[i].plan;
    return NULL;
}

static fftwf_plan get_plan(int n, int inverse, int aligned) {
    fftwf_plan p = find(n, inverse, aligned, atomic_load_explicit(&n_plans, memory_order_acquire));
    if (p) return p;
    pthread_mutex_lock(&plan_lock);
    int count = atomic_load_explicit(&n_plans, memory_order_relaxed);
    p = find(n, inverse, aligned, count);
    if (!p && count < MAX_PLANS) {
        float *a = fftwf_malloc(sizeof(float) * (size_t)(n + 2));
        float *b = fftwf_malloc(sizeof(float) * (size_t)(n + 2));
        unsigned flags = FFTW_ESTIMATE | (aligned ? 0 : FFTW_UNALIGNED);
        if (a && b) {
            if (inverse)
                p = fftwf_plan_dft_c2r_1d(n, (fftwf_complex *)a, b, flags | FFTW_PRESERVE_INPUT);
            else
                p = fftwf_plan_dft_r2c_1d(n, a, (fftwf_complex *)b, flags);
        }
        fftwf_free(a);
        fftwf_free(b);
        if (p) {
            plans[count] = (plan_entry){n, inverse, aligned, p};
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

int gd_fft_r2c(int n, const float *in, float *out) {
    GD_ASSERT(n > 0);
    fftwf_plan p = get_plan(n, 0, is_aligned(in, out));
    if (!p) return GD_ERR_INTERNAL;
    // r2c out-of-place preserves its input; the cast only satisfies FFTW's prototype.
    fftwf_execute_dft_r2c(p, (float *)(uintptr_t)in, (fftwf_complex *)out);
    return GD_OK;
}

int gd_fft_c2r(int n, const float *in, float *out) {
    GD_ASSERT(n > 0);
    fftwf_plan p = get_plan(n, 1, is_aligned(in, out));
    if (!p) return GD_ERR_INTERNAL;
    // Planned with FFTW_PRESERVE_INPUT, so in is left untouched.
    fftwf_execute_dft_c2r(p, (fftwf_complex *)(uintptr_t)in, out);
    return GD_OK;
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
