// pghi.c: the phase-vocoder engine behind `stretch` and `pitch --mode pv`: phase-gradient
// heap integration (Průša & Holighaus, "Phase vocoder done right", EUSIPCO 2017).
//
// Hann window of N samples, synthesis hop Hs, analysis frames at round(m Hs / r). N and Hs
// are the caller's: aug__pv_window gives 768 samples at 44.1 kHz for stretch and 1024 for
// pitch (drum attacks want short windows: 2048 left 20 dB pre-echo at -5 st in
// tests/augment/test_effects.c test_attacks_sharp, at equal spectral scores), scaled with the
// rate; aug__pv_hop gives Hs = N/3 (redundancy 3). Chosen on bench/augment_quality.py:
// redundancy 8 measured no better than 4, and 3 the same spectral convergence as 4 for a
// quarter fewer frames: for stretch since the single-window engine (x1.25 -12.7 dB both, x0.8
// 0.2 dB less); for pitch since this engine became the top band of pvmres.c (within 0.1 dB
// on all 24 pitch rows; it had cost 0.5 dB at -7 st as the only engine).
// Phase gradients come from the analysis: time direction (instantaneous frequency) from the
// phase difference of consecutive analysis frames (classic PV); frequency direction (local
// group delay) from the phase difference of adjacent bins, scaled by r, so an attack inside a
// window lands at r times its offset in every overlapping frame and is rebuilt once. (A
// reassignment estimate with a second, time-weighted FFT measured the same quality.)
// Phases are integrated from the largest coefficient outwards, seeded by the previous frame,
// in the order of the paper's max-heap with 0.1 dB buckets; on the path graph of one frame's
// bins that order comes out of two bottleneck sweeps in O(F) (pv_integrate), which replaced
// a bucket-queue walk (stretch x1.25 of 60 s of drums: about 0.31 -> 0.12 s in the
// integration, by perf). Bins below -70 dB of the frame maximum keep their analysis phase
// (-80 dB measured the same spectral convergence on every row of bench/augment_quality.py,
// log-mel 0.01-0.02 dB closer, for 5 % more time). Synthesis rotates each analysis
// coefficient by (synthesis - analysis) phase. At r = 1 every integration step reproduces
// the analysis phase, so the engine is an exact identity up to float rounding. Output:
// least-squares OLA.
// Channels are linked: phases are integrated on the channel sum and every channel is rotated
// by the same (synthesis - analysis) phase, so inter-channel phase (the stereo image) is kept.
// Memory: O(C N) scratch per call; no allocation per frame. Thread-safe.
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "augment/effect.h"   // defines: aug__pv_stretch, aug__pv_hop, aug__pv_window
#include "augment/pv.h"       // defines: aug__pv_stretch_band
#include "core/error.h"       // defines: GD_ERR_*
#include "core/fft.h"         // defines: gd_fft_alloc, gd_fft_free
#include "core/fftwise.h"     // defines: gd_fftwise_r2c, gd_fftwise_c2r

#define REF_DIV 8   // restarts measure frequencies over a hop of N / REF_DIV
#define FLOOR_REL 3.16e-4f   // -70 dB: bins this far below the frame maximum keep their
                             // analysis phase

// Level key of magnitude mag (> 0) for pv_integrate: its top 15 float bits (monotonic for
// positive floats) above a 15-bit tie-breaker, KEY_CURRENT for a current-frame bin and the
// bin index (< KEY_CURRENT) for a previous-frame one.
#define KEY_CURRENT 0x7FFFu

// Where a bin's synthesis phase comes from (pv_integrate): kept (time step, analysis phase
// below the floor or an island's start), its left or its right neighbour.
enum { SRC_KEEP, SRC_LEFT, SRC_RIGHT };
static inline uint32_t level_key(float mag, uint32_t tie) {
    union { float f; uint32_t u; } v = {mag};
    return (v.u >> 17) << 15 | tie;
}

// Largest of n magnitudes (>= 0, not NaN): a max over their bit patterns, which order as the
// values do, so the reduction vectorises (a float max reduction does not without fast-math).
static float max_mag(const float *mag, int n) {
    uint32_t m = 0;
    for (int k = 0; k < n; k++) {
        uint32_t u;
        memcpy(&u, mag + k, sizeof u);
        m = u > m ? u : m;
    }
    float f;
    memcpy(&f, &m, sizeof f);
    return f;
}

// Principal argument in [-pi, pi] (a cast instead of floor(): no libm call in the inner loops).
static inline double princarg(double p) {
    long n = (long)(p * (0.5 / M_PI) + (p >= 0 ? 0.5 : -0.5));
    return p - 2 * M_PI * (double)n;
}

// Float version, branch-free: round to nearest with the 1.5 x 2^23 trick (|p| < 2^22 x 2 pi).
static inline float princargf(float p) {
    const float magic = 12582912.0f;   // not folded: we never build with -ffast-math
    float t = p * (float)(0.5 / M_PI);
    float n = (t + magic) - magic;
    return p - (float)(2 * M_PI) * n;
}

// Wraps v, |v| < 3 pi, into [-pi, pi] by adding or subtracting 2 pi: two compares against pi
// instead of a rounding chain on the integration's critical path. The corrections are
// selected, not branched to (adding 0 is exact): the sweeps' phases wrap at random, and
// mispredicted branches here once took 30 % of the engine's time. Wrapping at every step
// (rather than carrying the phase unwrapped) keeps the engine an identity at r = 1 to float
// rounding: v = ps[k+1] - (pa[k+1] - pa[k]) then comes back to pa[k] almost exactly.
static inline float wrap1(float v) {
    const float two_pi = (float)(2 * M_PI), pi = (float)M_PI;
    float dn = v > pi ? two_pi : 0.0f, up = v < -pi ? two_pi : 0.0f;
    return (v - dn) + up;
}

// atan2 with a minimax polynomial (max error 1e-5 rad). Its error cancels in synthesis,
// which rotates the analysis coefficient by (synthesis - analysis) phase. Branch-free
// (selects only, no division by zero), so the bin loop vectorises.
static inline float fast_atan2f(float y, float x) {
    float ax = fabsf(x), ay = fabsf(y);
    float mx = ax > ay ? ax : ay, mn = ax > ay ? ay : ax;
    float a = mn / (mx > 0 ? mx : 1.0f), s = a * a;
    float r = ((-0.0464964749f * s + 0.15931422f) * s - 0.327622764f) * s * a + a;
    r = ay > ax ? 1.57079637f - r : r;
    r = x < 0 ? 3.14159274f - r : r;
    return y < 0 ? -r : r;
}

// sin and cos of d, |d| <= 4 pi: quadrant by rounding d 2/pi (1.5 x 2^23 trick), two-step
// Cody-Waite reduction to [-pi/4, pi/4], Cephes' single-precision minimax polynomials (error
// ~1e-7). Branch-free, so the bin loop vectorises; cos(0) = 1 and sin(0) = 0 exactly.
static inline void fast_sincosf(float d, float *sn, float *cs) {
    const float magic = 12582912.0f;
    float q = (d * 0.636619772f + magic) - magic;
    float r = (d - q * 1.5703125f) - q * 4.83826794897e-4f;
    float z = r * r;
    float sr = r + r * z * ((-1.9515295891e-4f * z + 8.3321608736e-3f) * z - 1.6666654611e-1f);
    float cr = 1.0f - 0.5f * z + z * z * ((2.443315711809948e-5f * z - 1.388731625493765e-3f) * z + 4.166664568298827e-2f);
    int qi = (int)q;
    float s1 = qi & 1 ? cr : sr, c1 = qi & 1 ? sr : cr;
    *sn = qi & 2 ? -s1 : s1;
    *cs = (qi + 1) & 2 ? -c1 : c1;
}

typedef struct {
    int N, F, Hs;
    int Fl, Fu;                // bins processed: [Fl, Fu); the rest are zeroed (a band engine)
    int XS;                    // floats per channel in Xc: 2F rounded up to keep SIMD alignment
    int C;                     // channels
    float *win, *buf, *X, *Xc; // X: (F, 2) channel sum; Xc: (C, F, 2) per channel
    float *rot;                // (F, 2) cos, sin of the synthesis rotation
    float *mag, *pa, *ps, *mag_prev, *pa_prev, *ps_prev;
    float *pa_ref;             // (F) analysis phases REF_DIV-th of a window later, at restarts
    float *adv_s;              // (F) princarg(omega_k Hs): synthesis advance of bin k
    float *tadv, *fstep;       // (F) per frame: time-direction advance of bin k, and the
                               // frequency-direction step from bin k to k + 1 (wrapped)
    float *adv_a[2];           // (F) princarg(omega_k hop) for the two analysis hops seen
    int64_t adv_hop[2];
    uint32_t *lvl;             // (3F) per frame (pv_integrate): levels at which bin k is
                               // reached from the previous frame (0: not) and from its left,
                               // and the level it passes on
    uint8_t *src;              // (F) per frame: where bin k's phase comes from (SRC_*)
} pv_state;

static void pv_free(pv_state *s) {
    gd_fft_free(s->buf);
    if (s->X != s->Xc) gd_fft_free(s->X);
    gd_fft_free(s->Xc);
    free(s->rot);
    free(s->adv_s); free(s->tadv); free(s->fstep); free(s->adv_a[0]); free(s->adv_a[1]);
    free(s->pa_ref); free(s->win); free(s->mag); free(s->pa); free(s->ps); free(s->mag_prev);
    free(s->pa_prev); free(s->ps_prev); free(s->lvl); free(s->src);
}

static int pv_init(pv_state *s, int n_fft, int hop, int n_ch, int bin_lo, int bin_hi) {
    memset(s, 0, sizeof *s);
    s->C = n_ch;
    s->N = n_fft;
    s->F = s->N / 2 + 1;
    s->Fu = bin_hi < 1 || bin_hi > s->F ? s->F : bin_hi;
    s->Fl = bin_lo > 0 && bin_lo < s->Fu ? bin_lo : 0;
    s->Hs = hop;
    int N = s->N, F = s->F;
    s->win = malloc(N * sizeof(float));
    s->buf = gd_fft_alloc(N);
    s->XS = (2 * F + 15) / 16 * 16;
    s->Xc = gd_fft_alloc((long)s->XS * n_ch);
    s->X = n_ch > 1 ? gd_fft_alloc(2 * F) : s->Xc;
    s->rot = malloc(2 * F * sizeof(float));
    s->mag = malloc(F * sizeof(float)); s->pa = malloc(F * sizeof(float));
    s->pa_ref = malloc(F * sizeof(float));
    s->ps = malloc(F * sizeof(float)); s->mag_prev = calloc(F, sizeof(float));
    s->pa_prev = calloc(F, sizeof(float)); s->ps_prev = calloc(F, sizeof(float));
    s->lvl = malloc(3 * F * sizeof(uint32_t));
    s->src = malloc(F);
    s->adv_s = malloc(F * sizeof(float));
    s->tadv = malloc(F * sizeof(float));
    s->fstep = malloc(F * sizeof(float));
    s->adv_a[0] = malloc(F * sizeof(float));
    s->adv_a[1] = malloc(F * sizeof(float));
    s->adv_hop[0] = s->adv_hop[1] = -1;
    if (!s->win || !s->pa_ref || !s->buf || !s->X || !s->Xc || !s->rot || !s->mag || !s->pa || !s->ps ||
        !s->mag_prev || !s->pa_prev || !s->ps_prev || !s->lvl || !s->src || !s->adv_s || !s->tadv || !s->fstep || !s->adv_a[0] ||
        !s->adv_a[1]) {
        pv_free(s);
        return GD_ERR_NOMEM;
    }
    for (int i = 0; i < N; i++) s->win[i] = (float)(0.5 - 0.5 * cos(2 * M_PI * i / N));
    for (int k = 0; k < F; k++) s->adv_s[k] = (float)princarg(2 * M_PI * k / N * s->Hs);
    return 0;
}

// Analyses the frame centred at input sample p of every channel (in is (C, n_in)) into
// s->Xc, and the channel sum into s->X: its magnitude and phase drive the integration.
// Only input samples in [lo, hi) are seen (a segment between transients; 0, n_in: all).
static int pv_analyse(pv_state *s, const float *in, int64_t n_in, int64_t p, int64_t lo, int64_t hi) {
    int N = s->N, H = N / 2, rc = 0;
    for (int c = 0; c < s->C && !rc; c++) {
        const float *x = in + c * n_in;
        // zero-phase frame: sample p + t goes to index t (t >= 0) or N + t (t < 0)
        if (p - H >= lo && p + H <= hi) {   // interior: two straight, vectorised halves
            const float *xp = x + p, *w = s->win + H;
            float *b = s->buf;
            for (int t = 0; t < H; t++) b[t] = xp[t] * w[t];
            for (int t = -H; t < 0; t++) b[t + N] = xp[t] * w[t];
        } else {
            for (int t = -H; t < H; t++) {
                int64_t i = p + t;
                s->buf[t < 0 ? t + N : t] = i >= lo && i < hi ? x[i] * s->win[t + H] : 0.0f;
            }
        }
        rc = gd_fftwise_r2c(N, 1, s->buf, s->Xc + (size_t)c * s->XS);
    }
    if (s->C > 1) {   // s->X is s->Xc for one channel
        memcpy(s->X, s->Xc, 2 * s->Fu * sizeof(float));
        for (int c = 1; c < s->C; c++)
            for (int k = 0; k < 2 * s->Fu; k++) s->X[k] += s->Xc[(size_t)c * s->XS + k];
    }
    const float *restrict X = s->X;
    float *restrict mag = s->mag, *restrict pa = s->pa;
    for (int k = s->Fl; k < s->Fu; k++) {
        float re = X[2 * k], im = X[2 * k + 1];
        mag[k] = sqrtf(re * re + im * im);
        pa[k] = fast_atan2f(im, re);
    }
    return rc;
}

// Integrates the synthesis phases s->ps of the current frame. hop_a: analysis hop from the
// previous frame (samples), r: stretch, have_prev: whether the previous frame exists.
// Without one, phases restart from the analysis phases advanced by omega_k shift (samples):
// shift = (r - 1)(p - tau) for a frame at p in a segment starting at tau maps the segment's
// start to r tau, so partials keep their relative phase (the beating of close partials stays
// where it belongs) instead of being anchored at the frame.
static void pv_integrate(pv_state *s, int64_t hop_a, double r, int have_prev, double shift) {
    // bins [k0, Fu) only: every per-bin pointer below starts at bin k0
    int k0 = s->Fl, F = s->Fu - k0, N = s->N;
    float fmax = max_mag(s->mag + k0, F), pmax = max_mag(s->mag_prev + k0, F), rf = (float)r;
    float thr = fmax * FLOOR_REL, pthr = pmax * FLOOR_REL;
    if (!have_prev || pmax <= 0) {   // first frame (or after silence): analysis phases
        // omega_k from the phase difference to the frame N / REF_DIV later (s->pa_ref):
        // unambiguous within the main lobe (+-2 bins)
        float d = (float)(N / REF_DIV), sh = (float)shift;
        for (int k = k0; k < s->Fu; k++) {
            float wk = (float)(2 * M_PI / N) * (float)k;
            float om = wk + princargf(s->pa_ref[k] - s->pa[k] - princargf(wk * d)) / d;
            s->ps[k] = princargf(s->pa[k] + princargf(om * sh));
        }
        return;
    }
    const float *adv_a = s->adv_s;   // unused when hop_a == 0
    if (hop_a > 0) {
        int slot = s->adv_hop[0] == hop_a ? 0 : s->adv_hop[1] == hop_a ? 1 : -1;
        if (slot < 0) {   // the analysis hop alternates between two values: cache both
            slot = s->adv_hop[0] < 0 ? 0 : 1;
            s->adv_hop[slot] = hop_a;
            for (int k = k0; k < s->Fu; k++)
                s->adv_a[slot][k] = (float)princarg(2 * M_PI * k / N * hop_a);
        }
        adv_a = s->adv_a[slot];
    }
    adv_a += k0;
    // Both integration steps, for every bin at once (vectorised), so the sweeps below only add
    // and wrap: time direction, Hs x the instantaneous frequency (bin frequency + measured
    // deviation); frequency direction, the adjacent-bin phase difference = -2 pi d / N for
    // energy d samples from the frame centre, scaled by r so the event lands at r d in the
    // output (jumps beyond pi/2 are sign flips between window lobes, not delays: kept as is).
    {
        const float *restrict pa = s->pa + k0, *restrict pp = s->pa_prev + k0;
        const float *restrict as = s->adv_s + k0;
        float *restrict ta = s->tadv + k0, *restrict fs = s->fstep + k0;
        float hs = (float)s->Hs, hop = hop_a > 0 ? (float)hop_a : 1.0f;
        for (int k = 0; k < F; k++) {
            float dev = hop_a > 0 ? princargf(pa[k] - pp[k] - adv_a[k]) / hop : 0.0f;
            ta[k] = princargf(as[k] + hs * dev);
        }
        for (int k = 0; k + 1 < F; k++) {
            float sa = princargf(pa[k + 1] - pa[k]);
            fs[k] = fabsf(sa) < (float)(M_PI / 2) ? rf * sa : sa;
        }
    }
    // Which step gives each bin its phase. The heap of Průša & Holighaus pops, in order of
    // decreasing level, previous-frame bin k at level mag_prev[k] (a time step) and a done
    // current bin at min(its magnitude, the level it was reached at) (frequency steps to its
    // neighbours); a bin takes the first that reaches it. On a path graph the level at which
    // bin k is first reached from its left is a running bottleneck,
    //   left[k] = min(mag[k-1], max(time[k-1], left[k-1])),
    // and likewise from its right, so the heap's choices follow from two sweeps in O(F).
    // Levels are integer keys that order as a bucketed heap would pop: the top 15 bits of the
    // float magnitude (1/64 octave, 0.094 dB), then within a bucket current bins before
    // previous-frame ones (a flood from one onset seed is not broken up by near-equal time
    // steps; that keeps attacks sharp) and previous-frame bins by index, so no two time keys
    // tie and no bin is ever reached from both sides at once. Bins below thr keep their
    // analysis phase and reach no one; a run of bins that the previous frame does not reach
    // (an island) starts at its largest bin with its analysis phase, as the heap does when it
    // runs empty.
    uint32_t *restrict lt = s->lvl, *restrict ll = s->lvl + F, *restrict g = s->lvl + 2 * F;
    uint8_t *restrict src = s->src;
    const float *restrict mag = s->mag + k0, *restrict mp = s->mag_prev + k0;
    const float *restrict pa = s->pa + k0, *restrict pp = s->ps_prev + k0;
    const float *restrict ta = s->tadv + k0, *restrict fs = s->fstep + k0;
    float *restrict ps = s->ps + k0;
    // every live bin provisionally by the time step; three plain loops with selects only, so
    // that each vectorises
    for (int k = 0; k < F; k++) g[k] = mag[k] > thr ? level_key(mag[k], KEY_CURRENT) : 0;
    for (int k = 0; k < F; k++)
        lt[k] = (g[k] > 0) & (mp[k] > pthr) ? level_key(mp[k], (uint32_t)k) : 0;
    for (int k = 0; k < F; k++) {
        float by_time = wrap1(pp[k] + ta[k]), analysis = pa[k];
        ps[k] = g[k] > 0 ? by_time : analysis;
    }
    for (int pass = 0; pass < 2; pass++) {
        ll[0] = 0;
        for (int k = 1; k < F; k++) {
            uint32_t up = lt[k - 1] > ll[k - 1] ? lt[k - 1] : ll[k - 1];
            ll[k] = g[k - 1] < up ? g[k - 1] : up;
        }
        // right to left: the level from the right and each bin's source (branch-free: & and |,
        // not && and ||)
        uint32_t lr = 0;   // level at which bin k is reached from its right
        int unreached = 0;
        for (int k = F - 1; k >= 0; k--) {
            int live = g[k] > 0, by_time = (lt[k] >= ll[k]) & (lt[k] >= lr);
            int by_left = !by_time & (ll[k] >= lr), by_right = live & !by_time & !by_left;
            unreached |= live & (lt[k] == 0) & (ll[k] == 0) & (lr == 0);
            src[k] = (uint8_t)(by_right ? SRC_RIGHT : live & by_left ? SRC_LEFT : SRC_KEEP);
            uint32_t up = lt[k] > lr ? lt[k] : lr;
            lr = g[k] < up ? g[k] : up;
        }
        if (!unreached) break;
        // islands (rare): a run of live bins that the previous frame does not reach starts at
        // its largest bin, with its analysis phase, as the heap does when it runs empty; the
        // sweeps run again (the other runs' choices come out the same)
        for (int k0 = 0; k0 < F;) {
            if (g[k0] == 0) { k0++; continue; }
            int k1 = k0, best = k0, reached = 0;
            for (; k1 < F && g[k1] > 0; k1++) {
                reached |= lt[k1] > 0;
                if (mag[k1] > mag[best]) best = k1;
            }
            if (!reached) { lt[best] = g[best]; ps[best] = pa[best]; }   // tops its run
            k0 = k1;
        }
    }
    // the phases along the chains: a bin set from its right neighbour never has that neighbour
    // set from its left (and the other way round), so one sweep each way. Branches here, not
    // selects: sources come in runs, and a select would chain every bin's phase to the last.
    for (int k = F - 2; k >= 0; k--)
        if (src[k] == SRC_RIGHT) ps[k] = wrap1(ps[k + 1] - fs[k]);
    for (int k = 1; k < F; k++)
        if (src[k] == SRC_LEFT) ps[k] = wrap1(ps[k - 1] + fs[k - 1]);
}

int aug__pv_window(int rate, int for_pitch) {
    int n = (int)lround((for_pitch ? 1024.0 : 768.0) * rate / 44100.0 / 64.0) * 64;
    return n < 256 ? 256 : n;
}

int aug__pv_stretch(float *out, int64_t n_out, const float *in, int64_t n_in, int n_ch, int n_fft) {
    return aug__pv_stretch_hop(out, n_out, in, n_in, n_ch, n_fft, n_fft / 4);
}

int aug__pv_hop(int n_fft) { return n_fft / 3; }

int aug__pv_stretch_hop(float *out, int64_t n_out, const float *in, int64_t n_in, int n_ch,
                        int n_fft, int hop) {
    return aug__pv_stretch_band(out, n_out, in, n_in, n_ch, n_fft, hop, 0, 0, NULL, 0, 0.0);
}

int aug__pv_stretch_band(float *out, int64_t n_out, const float *in, int64_t n_in, int n_ch,
                         int n_fft, int hop, int bin_lo, int bin_hi, const int64_t *cuts,
                         int n_cuts, double ratio) {
    if (n_in <= 0 || n_out <= 0 || n_ch < 1 || hop < 1 || hop > n_fft / 2) return GD_ERR_EMPTY;
    pv_state s;
    int rc = pv_init(&s, n_fft, hop, n_ch, bin_lo, bin_hi);
    if (rc) return rc;
    float *wsum = calloc((size_t)n_fft, sizeof(float));
    float *norm = n_cuts > 0 ? calloc((size_t)n_out, sizeof(float)) : NULL;
    if (!wsum || (n_cuts > 0 && !norm)) { free(wsum); pv_free(&s); return GD_ERR_NOMEM; }
    int seg = -1;   // frames see input [cuts[seg], cuts[seg + 1]) (-1: from 0)
    memset(out, 0, (size_t)n_out * n_ch * sizeof(float));
    int N = s.N, H = N / 2, Fl = s.Fl, F = s.Fu, Hs = s.Hs;
    double r = ratio > 0 ? ratio : (double)n_out / (double)n_in, Ha = Hs / r;
    int64_t m0 = -(int64_t)((H - 1) / Hs), p_prev = 0;   // first frame reaching sample 0
    float inv_n = 1.0f / (float)N;
    for (int64_t m = m0; m * Hs - H < n_out && !rc; m++) {
        int64_t p = llround((double)m * Ha);
        int seg0 = seg;
        while (seg + 1 < n_cuts && cuts[seg + 1] <= p) seg++;
        int64_t lo = seg >= 0 ? cuts[seg] : 0, hi = seg + 1 < n_cuts ? cuts[seg + 1] : n_in;
        int restart = !(m > m0 && seg == seg0);
        if (restart) {   // phases of a frame a little later: the restart's frequencies
            if ((rc = pv_analyse(&s, in, n_in, p + N / REF_DIV, lo, hi))) break;
            memcpy(s.pa_ref, s.pa, (size_t)F * sizeof(float));
        }
        if ((rc = pv_analyse(&s, in, n_in, p, lo, hi))) break;
        // a new segment starts from its analysis phases (phase reset at the transient)
        // re-anchored restarts measured better only when compressing (r < 1: -7 st on
        // membranes 5 dB closer; at r > 1 0.1-1 dB further on drums and membranes)
        pv_integrate(&s, p - p_prev, r, !restart, r < 1 ? (r - 1) * (double)(p - lo) : 0.0);
        for (int k = Fl; k < F; k++)   // rotation by (synthesis - analysis) phase
            fast_sincosf(s.ps[k] - s.pa[k], &s.rot[2 * k + 1], &s.rot[2 * k]);
        int64_t c = m * Hs;
        int t0 = c - H < 0 ? (int)-c : -H, t1 = c + H > n_out ? (int)(n_out - c) : H;
        if (n_cuts > 0) {   // the segment's span in this frame's output: nothing spills over it
            double a = r * (double)(lo - p), b = r * (double)(hi - p);
            if (seg >= 0 && a > t0) t0 = a > H ? H : (int)ceil(a);
            if (seg + 1 < n_cuts && b < t1) t1 = b < -H ? -H : (int)ceil(b);
            for (int t = t0; t < t1; t++) norm[c + t] += s.win[t + H] * s.win[t + H];
        }
        for (int ch = 0; ch < n_ch && !rc; ch++) {   // every channel turns alike: image kept
            float *X = s.Xc + (size_t)ch * s.XS, *y = out + ch * n_out;
            for (int k = Fl; k < F; k++) {
                float re = X[2 * k], im = X[2 * k + 1], co = s.rot[2 * k], si = s.rot[2 * k + 1];
                X[2 * k] = re * co - im * si;
                X[2 * k + 1] = re * si + im * co;
            }
            memset(X, 0, (size_t)Fl * 2 * sizeof(float));   // outside the band
            memset(X + 2 * F, 0, (size_t)(s.F - F) * 2 * sizeof(float));
            if ((rc = gd_fftwise_c2r(N, 1, X, s.buf))) break;
            const float *w = s.win + H;
            float *yc = y + c;
            for (int t = t0; t < (t1 < 0 ? t1 : 0); t++) yc[t] += s.buf[t + N] * inv_n * w[t];
            for (int t = t0 > 0 ? t0 : 0; t < t1; t++) yc[t] += s.buf[t] * inv_n * w[t];
        }
        float *tmp;
        tmp = s.mag_prev; s.mag_prev = s.mag; s.mag = tmp;
        tmp = s.pa_prev; s.pa_prev = s.pa; s.pa = tmp;
        tmp = s.ps_prev; s.ps_prev = s.ps; s.ps = tmp;
        p_prev = p;
    }
    // every output sample is covered by all frames that overlap it, so the window-square
    // sum is periodic in Hs
    for (int j = 0; j < Hs; j++) {
        double w2 = 0;
        for (int q = j; q < N; q += Hs) w2 += (double)s.win[q] * s.win[q];
        wsum[j] = (float)(1.0 / w2);
    }
    if (n_cuts > 0) {   // frames cut at transients: the sum of the windows actually added
        float fl = 0.05f / wsum[0];   // a sample seen by almost no frame is not blown up
        for (int ch = 0; ch < n_ch; ch++)
            for (int64_t i = 0; i < n_out; i++) out[ch * n_out + i] /= norm[i] > fl ? norm[i] : fl;
    } else
    for (int ch = 0; ch < n_ch; ch++)
        for (int64_t i0 = 0; i0 < n_out; i0 += Hs) {   // period by period: no modulo per sample
            float *y = out + ch * n_out + i0;
            int m = n_out - i0 < Hs ? (int)(n_out - i0) : Hs;
            for (int j = 0; j < m; j++) y[j] *= wsum[j];
        }
    free(wsum);
    free(norm);
    pv_free(&s);
    return rc;
}
