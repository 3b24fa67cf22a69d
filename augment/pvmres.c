// pvmres.c: multi-resolution phase vocoder (docs/augment.md, "stretch"): the input is split
// into frequency bands by complementary linear-phase low-passes, each band is stretched by
// its own PGHI engine (pghi.c) with a window suited to it, long for the low band (partials a
// few tens of Hz apart need 4096 samples at 44.1 kHz), short for the top band (attacks), and
// the outputs are summed: 4096 samples (at 44.1 kHz) below 1.4 kHz, 2048 to 3 kHz, the short
// window above. Design after Rubber Band R3 (several FFT sizes by band), with the split done
// before the engines (complementary FIR low-passes) so that the bands add up to the input
// exactly and each engine integrates its own phases. Transients (Röbel): the long-window
// bands are cut into segments at detected onsets; no frame reads or writes across a cut and
// each segment restarts from analysis phases, so nothing smears ahead of an attack. Gating
// the long bands to zero around onsets (their content moved to the short window) was tried
// first: the time cross-fades between engines cost 2-5 dB of spectral convergence.
// Memory: about 6 (C, N) float buffers per call. Deterministic, thread-safe.
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment/effect.h"   // defines: aug__pv_window, aug__pv_hop
#include "augment/pv.h"       // defines: aug__pv_stretch_band, aug__pv_mres
#include "core/error.h"       // defines: GD_ERR_*
#include "core/fft.h"         // defines: gd_fft_alloc, gd_fft_free
#include "core/fftwise.h"     // defines: gd_fftwise_r2c, gd_fftwise_c2r

#define MAX_BANDS 3
#define ONSET_BLOCK 128   // samples per energy block of the onset detector (at any rate)

typedef struct {
    int n_fft;     // window of the band's engine, samples
    double f_hi;   // upper edge (crossover centre), Hz; the top band has none
} pv_band;

// Band layout at `rate`: windows scaled with the rate from their 44.1 kHz sizes.
static int band_layout(pv_band *b, int rate, int for_pitch) {
    static const int n44[MAX_BANDS - 1] = {4096, 2048};
    static const double fc[MAX_BANDS - 1] = {1400, 3000};   // 4800 (R3's) lost 3.2 dB attack peaks at +5 st
    int nb = 0;
    for (int i = 0; i < MAX_BANDS - 1; i++) {
        int n = (int)lround(n44[i] * (double)rate / 44100.0 / 64.0) * 64;
        if (fc[i] >= 0.4 * rate) break;
        b[nb].n_fft = n < 256 ? 256 : n;
        b[nb++].f_hi = fc[i];
    }
    b[nb].n_fft = aug__pv_window(rate, for_pitch);
    b[nb++].f_hi = 0.5 * rate;
    return nb;
}

// Zero-phase FIR low-pass of every channel of x (C, n) into y: windowed sinc, cut-off fc,
// transition about `width` Hz wide (4-term Blackman-Harris window, 92 dB side lobes, DC gain
// 1), by FFT overlap-add. Returns 0 or GD_ERR_*.
static int lowpass(float *y, const float *x, int64_t n, int n_ch, double fc, double width, int rate) {
    int M = (int)(4.0 * rate / width) | 1, half = M / 2, NF = 8192;
    while (NF < 2 * M) NF *= 2;
    int L = NF - M + 1, rc = 0;
    float *h = gd_fft_alloc(NF), *H = gd_fft_alloc(NF + 2), *buf = gd_fft_alloc(NF),
          *X = gd_fft_alloc(NF + 2);
    if (!h || !H || !buf || !X) { rc = GD_ERR_NOMEM; goto done; }
    double sum = 0, w = 2.0 * fc / rate;
    for (int m = 0; m < M; m++) {
        double t = m - half, a = 2 * M_PI * m / (M - 1);
        double bh = 0.35875 - 0.48829 * cos(a) + 0.14128 * cos(2 * a) - 0.01168 * cos(3 * a);
        double v = (t == 0 ? w : sin(M_PI * w * t) / (M_PI * t)) * bh;
        h[m] = (float)v;
        sum += v;
    }
    for (int m = 0; m < M; m++) h[m] = (float)(h[m] / sum / NF);   // DC 1, c2r scale folded in
    memset(h + M, 0, (size_t)(NF - M) * sizeof(float));
    if ((rc = gd_fftwise_r2c(NF, 1, h, H))) goto done;
    memset(y, 0, (size_t)n * n_ch * sizeof(float));
    for (int c = 0; c < n_ch && !rc; c++) {
        const float *xc = x + (size_t)c * n;
        float *yc = y + (size_t)c * n;
        for (int64_t s0 = 0; s0 < n && !rc; s0 += L) {
            int len = n - s0 < L ? (int)(n - s0) : L;
            memcpy(buf, xc + s0, (size_t)len * sizeof(float));
            memset(buf + len, 0, (size_t)(NF - len) * sizeof(float));
            if ((rc = gd_fftwise_r2c(NF, 1, buf, X))) break;
            for (int k = 0; k <= NF / 2; k++) {
                float re = X[2 * k] * H[2 * k] - X[2 * k + 1] * H[2 * k + 1];
                float im = X[2 * k] * H[2 * k + 1] + X[2 * k + 1] * H[2 * k];
                X[2 * k] = re;
                X[2 * k + 1] = im;
            }
            if ((rc = gd_fftwise_c2r(NF, 1, X, buf))) break;
            // full-convolution index j is output sample s0 + j - half
            int64_t j0 = half - s0 > 0 ? half - s0 : 0, j1 = len + M - 1;
            if (s0 + j1 - half > n) j1 = n - s0 + half;
            for (int64_t j = j0; j < j1; j++) yc[s0 + j - half] += buf[j];
        }
    }
done:
    gd_fft_free(h); gd_fft_free(H); gd_fft_free(buf); gd_fft_free(X);
    return rc;
}

// Onsets of x (C, n), channels summed: block starts (samples) where the energy of the first
// difference (which weights the spectrum towards the attack's highs) in a block of
// ONSET_BLOCK samples rises 9 dB above the largest of the 8 blocks before the previous one,
// and lies within 60 dB of the loudest block. *on is malloc'd (caller frees).
static int find_onsets(int64_t **on, int *n_on, const float *x, int64_t n, int n_ch) {
    int64_t nb = (n + ONSET_BLOCK - 1) / ONSET_BLOCK;
    float *e = malloc((size_t)(nb > 0 ? nb : 1) * sizeof(float));
    int64_t *o = malloc((size_t)(nb > 0 ? nb : 1) * sizeof(int64_t));
    if (!e || !o) { free(e); free(o); return GD_ERR_NOMEM; }
    float emax = 0;
    for (int64_t b = 0; b < nb; b++) {
        int64_t i0 = b * ONSET_BLOCK, i1 = i0 + ONSET_BLOCK < n ? i0 + ONSET_BLOCK : n;
        double s = 0;
        for (int c = 0; c < n_ch; c++) {
            const float *xc = x + (size_t)c * n;
            for (int64_t i = i0 > 0 ? i0 : 1; i < i1; i++) {
                double d = (double)xc[i] - xc[i - 1];
                s += d * d;
            }
        }
        e[b] = (float)s;
        if (e[b] > emax) emax = e[b];
    }
    int k = 0;
    const float rise = 7.94f, floor_ = emax * 1e-6f;   // 9 dB, -60 dB
    for (int64_t b = 0; b < nb; b++) {
        float ref = 0;
        for (int64_t j = b - 9; j < b - 1; j++)
            if (j >= 0 && e[j] > ref) ref = e[j];
        if (e[b] > floor_ && e[b] > rise * ref && (k == 0 || b * ONSET_BLOCK - o[k - 1] > 4 * ONSET_BLOCK))
            o[k++] = b * ONSET_BLOCK;
    }
    free(e);
    *on = o;
    *n_on = k;
    return 0;
}

// Cuts for an engine of synthesis-side hop `gap` / 2: onsets moved one block early (the
// attack may begin in the block before), closer ones than gap dropped, so that every segment
// holds a few frame centres. Returns their number.
static int thin_cuts(int64_t *cuts, const int64_t *on, int n_on, int gap) {
    int k = 0;
    for (int j = 0; j < n_on; j++) {
        int64_t t = on[j] - ONSET_BLOCK;
        if (t <= 0 || (k > 0 && t - cuts[k - 1] < gap)) continue;
        cuts[k++] = t;
    }
    return k;
}

// Synthesis hop of an engine: `base`, shortened when compressing (r < 1) so that the analysis
// hop stays <= N/4: the phase difference over a longer hop aliases for a partial more than
// fs / (2 hop) from its bin centre, inside the window's main lobe (at N/4: fs / (N/2), the
// main lobe's half width), and wrong frequencies come out (-7 dB SC at -7 st on membranes).
static int band_hop(int base, int n_fft, double r) {
    int h = (int)floor(n_fft / 4 * r);
    return r < 1 && h < base ? (h < 1 ? 1 : h) : base;
}

int aug__pv_mres(float *out, int64_t n_out, const float *in, int64_t n_in, int n_ch, int rate,
                 int for_pitch) {
    if (n_in <= 0 || n_out <= 0 || n_ch < 1) return GD_ERR_EMPTY;
    pv_band b[MAX_BANDS];
    int nb = band_layout(b, rate, for_pitch), n_on = 0, rc = 0;
    size_t ni = (size_t)n_in * n_ch, no = (size_t)n_out * n_ch;
    double r = (double)n_out / (double)n_in;
    int64_t *on = NULL;
    float *rest = malloc(ni * sizeof(float)), *lp = malloc(ni * sizeof(float)),
          *lp_prev = calloc(ni, sizeof(float)), *xb = malloc(ni * sizeof(float)),
          *y = malloc(no * sizeof(float));
    int64_t *cuts = NULL;
    if (!rest || !lp || !lp_prev || !xb || !y) { rc = GD_ERR_NOMEM; goto done; }
    if ((rc = find_onsets(&on, &n_on, in, n_in, n_ch))) goto done;
    if (!(cuts = malloc((size_t)(n_on > 0 ? n_on : 1) * sizeof(int64_t)))) { rc = GD_ERR_NOMEM; goto done; }
    memcpy(rest, in, ni * sizeof(float));
    memset(out, 0, no * sizeof(float));
    for (int k = 0; k + 1 < nb && !rc; k++) {
        double width = 0.25 * b[k].f_hi;   // crossover transition width, Hz
        if ((rc = lowpass(lp, in, n_in, n_ch, b[k].f_hi, width, rate))) break;
        for (int c = 0; c < n_ch; c++)
            for (int64_t i = 0; i < n_in; i++) {
                size_t j = (size_t)c * n_in + i;
                float v = lp[j] - lp_prev[j];
                xb[j] = v;
                rest[j] -= v;
            }
        int bins = (int)ceil((b[k].f_hi + width) * b[k].n_fft / rate) + 4;
        int hop = band_hop(b[k].n_fft / 4, b[k].n_fft, r), nc = thin_cuts(cuts, on, n_on, 2 * hop);
        rc = aug__pv_stretch_band(y, n_out, xb, n_in, n_ch, b[k].n_fft, hop, bins, cuts, nc);
        for (size_t j = 0; j < no && !rc; j++) out[j] += y[j];
        float *t = lp; lp = lp_prev; lp_prev = t;
    }
    if (!rc) {
        int nf = b[nb - 1].n_fft;
        // the top band runs uncut: its short window keeps attacks (cutting it measured the
        // same spectral convergence on drums)
        int hop = band_hop(aug__pv_hop(nf, for_pitch), nf, r);
        rc = aug__pv_stretch_band(y, n_out, rest, n_in, n_ch, nf, hop, 0, NULL, 0);
        for (size_t j = 0; j < no && !rc; j++) out[j] += y[j];
    }
done:
    free(rest); free(lp); free(lp_prev); free(xb); free(y); free(on); free(cuts);
    return rc;
}
