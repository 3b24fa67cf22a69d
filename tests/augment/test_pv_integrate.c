// test_pv_integrate.c: the phase vocoder's integration order (pv_integrate in pghi.c, built
// into this test by #include so that its static helpers are reachable) against its
// definition, brute-forced per bin: a live bin takes its phase from whichever source reaches
// it at the highest level, where a previous-frame seed i (level key lt[i]) reaches bin k at
// min(lt[i], g[i], ..., g[k-1]) from the left or min(lt[i], g[i], ..., g[k+1]) from the right
// (g: the level a live current bin passes on); ties go to the time step, then to the left; a
// run of live bins that no seed reaches starts at its largest bin with its analysis phase.
// The sweeps compute the same in O(F); this checks every bin's phase on random frames with
// dead bins, islands and many tied levels, and that each kind of source actually occurs.
#include "augment/pghi.c"

#include "core/rng.h"
#include "tests/test.h"

#define N_FFT 512
#define F_BINS (N_FFT / 2 + 1)

typedef struct { int n_time, n_left, n_right, n_island; } counts;

// Reference phase of bin k from its source (memoised in done/ref).
static float ref_phase(int k, const int *src, const pv_state *s, const int *root, float *ref,
                       int *done) {
    if (done[k]) return ref[k];
    float v;
    if (src[k] == SRC_LEFT) v = wrap1(ref_phase(k - 1, src, s, root, ref, done) + s->fstep[k - 1]);
    else if (src[k] == SRC_RIGHT) v = wrap1(ref_phase(k + 1, src, s, root, ref, done) - s->fstep[k]);
    else if (root[k] || !(s->mag[k] > 0)) v = s->pa[k];
    else v = wrap1(s->ps_prev[k] + s->tadv[k]);
    done[k] = 1;
    return ref[k] = v;
}

// Brute-force sources and phases of the frame pv_integrate has just processed in s (thr and
// pthr as it computes them); compares them with s->ps. Returns the number of bins that differ.
static int check_frame(const pv_state *s, counts *n) {
    int F = s->Fu, src[F_BINS], root[F_BINS] = {0}, done[F_BINS] = {0}, bad = 0;
    uint32_t lt[F_BINS], g[F_BINS];
    float fmax = 0, pmax = 0, ref[F_BINS];
    for (int k = 0; k < F; k++) {
        fmax = fmaxf(fmax, s->mag[k]);
        pmax = fmaxf(pmax, s->mag_prev[k]);
    }
    float thr = fmax * FLOOR_REL, pthr = pmax * FLOOR_REL;
    for (int k = 0; k < F; k++) {
        int live = s->mag[k] > thr;
        g[k] = live ? level_key(s->mag[k], KEY_CURRENT) : 0;
        lt[k] = live && s->mag_prev[k] > pthr ? level_key(s->mag_prev[k], (uint32_t)k) : 0;
    }
    for (int k0 = 0; k0 < F;) {   // islands: runs of live bins without a seed
        if (!g[k0]) { k0++; continue; }
        int k1 = k0, best = k0, seeded = 0;
        for (; k1 < F && g[k1]; k1++) {
            seeded |= lt[k1] > 0;
            if (s->mag[k1] > s->mag[best]) best = k1;
        }
        if (!seeded) { lt[best] = g[best]; root[best] = 1; n->n_island++; }
        k0 = k1;
    }
    for (int k = 0; k < F; k++) {
        src[k] = SRC_KEEP;
        if (!g[k]) { ref[k] = s->pa[k]; done[k] = 1; continue; }
        uint32_t left = 0, right = 0, path = UINT32_MAX;
        for (int i = k - 1; i >= 0 && g[i]; i--) {   // seeds to the left
            path = g[i] < path ? g[i] : path;
            uint32_t lv = lt[i] < path ? lt[i] : path;
            if (lv > left) left = lv;
        }
        path = UINT32_MAX;
        for (int i = k + 1; i < F && g[i]; i++) {    // seeds to the right
            path = g[i] < path ? g[i] : path;
            uint32_t lv = lt[i] < path ? lt[i] : path;
            if (lv > right) right = lv;
        }
        if (lt[k] >= left && lt[k] >= right) n->n_time++;
        else if (left >= right) { src[k] = SRC_LEFT; n->n_left++; }
        else { src[k] = SRC_RIGHT; n->n_right++; }
    }
    for (int k = 0; k < F; k++)
        if (ref_phase(k, src, s, root, ref, done) != s->ps[k]) {
            if (bad++ < 3) fprintf(stderr, "  bin %d: sweeps %.7f, definition %.7f\n", k, s->ps[k], ref[k]);
        }
    return bad;
}

// Random frames: magnitudes drawn from 6 levels (so keys tie often) or continuous, about a
// tenth of the bins below the -70 dB floor, a quarter of the previous frame's bins silent
// (islands appear), random phases; the integration runs on them as on a stretch by 1.25.
static void test_sweeps_match_definition(void) {
    pv_state s;
    CHECK(pv_init(&s, N_FFT, N_FFT / 4, 1, 0, 0) == 0);
    gd_rng r;
    gd_rng_init(&r, 5, 6);
    counts n = {0};
    int bad_frames = 0;
    for (int t = 0; t < 400; t++) {
        int tied = t % 2;
        for (int k = 0; k < s.F; k++) {
            double u = gd_rng_uniform(&r), v = gd_rng_uniform(&r);
            s.mag[k] = (float)(u < 0.1 ? 1e-6 : tied ? pow(2.0, -(int)(6 * v)) : 0.01 + v);
            s.mag_prev[k] = (float)(gd_rng_uniform(&r) < 0.25 ? 0.0 : tied ? pow(2.0, -(int)(6 * u)) : 0.01 + u);
            s.pa[k] = (float)(M_PI * (2 * gd_rng_uniform(&r) - 1));
            s.pa_prev[k] = (float)(M_PI * (2 * gd_rng_uniform(&r) - 1));
            s.ps_prev[k] = (float)(M_PI * (2 * gd_rng_uniform(&r) - 1));
        }
        if (t % 10 == 0)   // a frame whose previous frame reaches only its top half
            for (int k = 0; k < s.F / 2; k++) s.mag_prev[k] = 0;
        pv_integrate(&s, N_FFT / 5, 1.25, 1, 0.0);
        bad_frames += check_frame(&s, &n) > 0;
    }
    CHECK(bad_frames == 0);
    // every kind of source occurs, and no kind is a rarity
    CHECK(n.n_time > 1000 && n.n_left > 1000 && n.n_right > 1000 && n.n_island > 20);
    pv_free(&s);
}

int main(void) {
    RUN(test_sweeps_match_definition);
    return TEST_REPORT();
}
