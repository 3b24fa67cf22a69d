// fftwise.c: plan cache for fftwise.h. Plans are published through an atomic count and never
// change afterwards (lock-free lookup); creation is serialised by plan_lock, and the FFTW
// planner itself is made thread-safe (fftwf_make_planner_thread_safe) so that planning here
// cannot race with core/fft.c's planner.
#include "core/fftwise.h"

#include <fftw3.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"      // defines: GD_ERR_*, GD_ASSERT
#include "core/fft_wisdom.h" // defines: gd_fft_wisdom, gd_fft_wisdom_lines

#define MAX_PLANS 128

typedef struct {
    int        n, inverse, want_wise, wise;
    fftwf_plan plan;
} wise_plan;

static wise_plan         plans[MAX_PLANS];
static atomic_int      n_plans;
static pthread_mutex_t plan_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t  safe_once = PTHREAD_ONCE_INIT;

static char           *wisdom;   // the joined lines of gd_fft_wisdom (kept until exit)

static void init_once(void) {
    fftwf_make_planner_thread_safe();
    size_t len = 1, nl = (size_t)gd_fft_wisdom_lines;
    for (size_t i = 0; i < nl; i++) len += strlen(gd_fft_wisdom[i]);
    wisdom = malloc(len);
    if (!wisdom) return;
    char *p = wisdom;
    for (size_t i = 0; i < nl; i++) { size_t l = strlen(gd_fft_wisdom[i]); memcpy(p, gd_fft_wisdom[i], l); p += l; }
    *p = 0;
}

static const wise_plan *find(int n, int inverse, int want_wise, int count) {
    for (int i = 0; i < count; i++)
        if (plans[i].n == n && plans[i].inverse == inverse && plans[i].want_wise == want_wise)
            return &plans[i];
    return NULL;
}

static fftwf_plan plan_one(int n, int inverse, float *a, float *b, unsigned flags) {
    if (inverse) return fftwf_plan_dft_c2r_1d(n, (fftwf_complex *)a, b, flags | FFTW_PRESERVE_INPUT);
    return fftwf_plan_dft_r2c_1d(n, a, (fftwf_complex *)b, flags);
}

static const wise_plan *get_plan(int n, int inverse, int want_wise) {
    const wise_plan *p = find(n, inverse, want_wise, atomic_load_explicit(&n_plans, memory_order_acquire));
    if (p) return p;
    pthread_once(&safe_once, init_once);
    pthread_mutex_lock(&plan_lock);
    int count = atomic_load_explicit(&n_plans, memory_order_relaxed);
    p = find(n, inverse, want_wise, count);
    if (!p && count < MAX_PLANS) {
        float *a = fftwf_malloc(sizeof(float) * (size_t)(n + 2));
        float *b = fftwf_malloc(sizeof(float) * (size_t)(n + 2));
        fftwf_plan pl = NULL;
        int wise = 0;
        if (a && b) {
            // Wisdom only for this plan: import, plan from it (NULL when it does not apply),
            // forget. Then the plain estimate as the fallback.
            if (want_wise && wisdom && fftwf_import_wisdom_from_string(wisdom)) {
                pl = plan_one(n, inverse, a, b, FFTW_ESTIMATE | FFTW_WISDOM_ONLY);
                wise = pl != NULL;
            }
            fftwf_forget_wisdom();
            if (!pl) pl = plan_one(n, inverse, a, b, FFTW_ESTIMATE);
        }
        fftwf_free(a);
        fftwf_free(b);
        if (pl) {
            plans[count] = (wise_plan){n, inverse, want_wise, wise, pl};
            atomic_store_explicit(&n_plans, count + 1, memory_order_release);
            p = &plans[count];
        }
    }
    pthread_mutex_unlock(&plan_lock);
    return p;
}

static int aligned(const void *a, const void *b) {
    return fftwf_alignment_of((float *)(uintptr_t)a) == 0 && fftwf_alignment_of((float *)(uintptr_t)b) == 0;
}

int gd_fftwise_r2c(int n, int wise, const float *in, float *out) {
    GD_ASSERT(n > 0 && aligned(in, out));
    const wise_plan *p = get_plan(n, 0, wise != 0);
    if (!p) return GD_ERR_INTERNAL;
    fftwf_execute_dft_r2c(p->plan, (float *)(uintptr_t)in, (fftwf_complex *)out);
    return GD_OK;
}

const void *gd_fftwise_plan_r2c(int n, int wise) {
    GD_ASSERT(n > 0);
    return get_plan(n, 0, wise != 0);
}

void gd_fftwise_exec_r2c(const void *plan, const float *in, float *out) {
    GD_ASSERT(aligned(in, out));
    fftwf_execute_dft_r2c(((const wise_plan *)plan)->plan, (float *)(uintptr_t)in, (fftwf_complex *)out);
}

int gd_fftwise_c2r(int n, int wise, const float *in, float *out) {
    GD_ASSERT(n > 0 && aligned(in, out));
    const wise_plan *p = get_plan(n, 1, wise != 0);
    if (!p) return GD_ERR_INTERNAL;
    fftwf_execute_dft_c2r(p->plan, (fftwf_complex *)(uintptr_t)in, out);
    return GD_OK;
}

int gd_fftwise_from_wisdom(int n, int inverse) {
    const wise_plan *p = get_plan(n, inverse, 1);
    return p ? p->wise : 0;
}
