// visqol.c: the ViSQOL v3 audio-mode pipeline (visqol.h): global alignment, level matching,
// spectrograms, patch matching by dynamic programming, fine re-alignment, SVR.
// Control flow and floating-point expressions follow Google's ViSQOL as ported by
// visqol-python, so that discrete choices (lags, matched offsets) come out the same.
#include "eval/visqol.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/audio.h"   // defines: gd_resample
#include "core/error.h"

#define NB EV_VISQOL_BANDS
#define P  EV_VISQOL_PATCH

typedef struct {
    double sim, band[NB];
    double ref_t0, ref_t1, deg_t0, deg_t1;   // seconds; deg 0, 0: no match ("packet loss")
} vq_match;

typedef struct {
    double *x;
    int64_t n;
} vq_sig;   // owned samples at 48 kHz

static const double k_frame_s = EV_VISQOL_HOP / (double)EV_VISQOL_RATE;

double ev_visqol_svr(const double *fv) {
    double sum = 0;
    for (int i = 0; i < EV_VISQOL_SVR_N; i++) {
        double d2 = 0;
        for (int k = 0; k < NB; k++) {
            double d = fv[k] - ev_visqol_svr_sv[i][k];
            d2 += d * d;
        }
        sum += ev_visqol_svr_coef[i] * exp(-ev_visqol_svr_gamma * d2);
    }
    return sum - ev_visqol_svr_rho;
}

static double mean_sq(const double *x, int64_t n) {
    double s = 0;
    for (int64_t i = 0; i < n; i++) s += x[i] * x[i];
    return s / (double)n;
}

// ViSQOL's global alignment: the estimate shifted by the envelope lag unless that is 0 or
// more than half the reference. *lag_s the applied lag in seconds. 0, or -1 (memory).
static int global_align(vq_sig *out, double *lag_s, const vq_sig *ref, const vq_sig *deg) {
    int ok;
    int64_t lag = ev_visqol_best_lag(ref->x, ref->n, deg->x, deg->n, &ok);
    if (!ok) return -1;
    *lag_s = 0;
    if (lag == 0 || fabs((double)lag) > (double)ref->n / 2.0) lag = 0;
    int64_t n = deg->n + lag;   // lag > 0: zeros in front; < 0: the first -lag samples cut
    if (n < 0) n = 0;
    out->x = calloc(n > 0 ? n : 1, sizeof(double));
    out->n = n;
    if (!out->x) return -1;
    if (lag >= 0) memcpy(out->x + lag, deg->x, sizeof(double) * deg->n);
    else if (n > 0) memcpy(out->x, deg->x - lag, sizeof(double) * n);
    if (lag != 0) *lag_s = (double)lag / (double)EV_VISQOL_RATE;
    return 0;
}

// x[t0 s, t1 s) as ViSQOL slices it (its quirks kept: the last sample is never included, and
// silence for a slice running past the end goes in front). 0 or -1.
static int slice(vq_sig *out, const vq_sig *s, double t0, double t1) {
    int64_t a = (int64_t)(t0 * EV_VISQOL_RATE), b = (int64_t)(t1 * EV_VISQOL_RATE);
    if (a < 0) a = 0;
    if (b > s->n - 1) b = s->n - 1;
    int64_t body = b > a ? b - a : 0, pad = 0;
    double over = t1 * EV_VISQOL_RATE - (double)s->n;
    if (over > 0) pad += (int64_t)over;
    if (t0 < 0) pad += (int64_t)(-t0 * EV_VISQOL_RATE);
    out->n = pad + body;
    out->x = calloc(out->n > 0 ? out->n : 1, sizeof(double));
    if (!out->x) return -1;
    if (body) memcpy(out->x + pad, s->x + a, sizeof(double) * body);
    return 0;
}

// Re-scores one matched pair from its audio (ViSQOL's FinelyAlignAndRecreatePatches step):
// the slices aligned and truncated to a common length, fresh spectrograms, NSIM; m replaced
// when that is not worse. 0 or -1 (memory).
static int realign(vq_match *m, const vq_sig *ref, const vq_sig *deg) {
    if (m->deg_t0 == m->deg_t1 && m->deg_t0 == 0.0) return 0;
    vq_sig r = {0}, d = {0}, da = {0};
    double *sr = NULL, *sd = NULL, lag_s;
    int rc = -1, fr, fd;
    if (slice(&r, ref, m->ref_t0, m->ref_t1) || slice(&d, deg, m->deg_t0, m->deg_t1)) goto done;
    rc = 0;
    if (r.n == 0 || d.n == 0) goto done;   // visqol-python: an exception, the patch kept
    if (global_align(&da, &lag_s, &r, &d)) { rc = -1; goto done; }
    const double *rx = r.x, *dx = da.x;
    int64_t rn = r.n, dn = da.n;
    if (rn > dn) rn = dn;
    else if (rn < dn) {
        int64_t lag = (int64_t)(lag_s * EV_VISQOL_RATE);
        if (lag > 0) {
            rx += lag; rn -= lag;
            dx += lag; dn = dn - lag < rn ? dn - lag : rn;
        } else dn = rn;
    }
    int64_t n = rn < dn ? rn : dn;
    if (n <= EV_VISQOL_WIN) goto done;
    int e1 = ev_visqol_spectrogram(&sr, &fr, rx, n), e2 = ev_visqol_spectrogram(&sd, &fd, dx, n);
    if (e1 || e2) { rc = -1; goto done; }
    ev_visqol_prepare(sr, fr, sd, fd);
    vq_match nm;
    nm.sim = ev_visqol_nsim(sr, fr, sd, fd, fr, nm.band);
    if (nm.sim >= m->sim) {
        nm.ref_t0 = m->ref_t0 + (lag_s > 0 ? lag_s : 0);
        nm.deg_t0 = m->deg_t0 - (lag_s > 0 ? 0 : lag_s);
        nm.ref_t1 = nm.ref_t0 + (double)n / EV_VISQOL_RATE;
        nm.deg_t1 = nm.deg_t0 + (double)n / EV_VISQOL_RATE;
        *m = nm;
    }
done:
    free(r.x); free(d.x); free(da.x); free(sr); free(sd);
    return rc;
}

// The estimate's patch at frame offset o (zeros past its end) into buf (NB x P).
static void deg_patch(double *buf, const double *deg, int fd, int o) {
    for (int k = 0; k < NB; k++)
        for (int j = 0; j < P; j++)
            buf[k * P + j] = o + j < fd ? deg[(int64_t)k * fd + o + j] : 0.0;
}

static double patch_nsim(const double *ref, int fr, int ri, const double *deg, int fd, int o,
                         double *band) {
    double buf[NB * P];
    deg_patch(buf, deg, fd, o);
    return ev_visqol_nsim(ref + ri, fr, buf, P, P, band);
}

// ViSQOL's FindMostOptimalDegPatches: for each reference patch p (start frame idx[p]) an
// estimate offset within +-SEARCH patches maximising the summed NSIM along a monotone path;
// out[p] the match. Returns 0 or -1 (memory).
static int match_patches(vq_match *out, const double *ref, int fr, const int *idx, int np,
                         const double *deg, int fd) {
    const int sw = EV_VISQOL_SEARCH * P;
    double *cum = calloc((size_t)np * fd, sizeof(double));
    double *sims = malloc(sizeof(double) * fd);
    int *bt = malloc(sizeof(int) * (size_t)np * fd);
    if (!cum || !sims || !bt) { free(cum); free(sims); free(bt); return -1; }
    for (size_t i = 0; i < (size_t)np * fd; i++) bt[i] = -1;
    for (int p = 0; p < np; p++) {
        int lo = idx[p] - sw > 0 ? idx[p] - sw : 0, hi = idx[p] + sw < fd - 1 ? idx[p] + sw : fd - 1;
#pragma omp parallel for schedule(static) if (hi - lo > 64)
        for (int o = lo; o <= hi; o++) sims[o] = patch_nsim(ref, fr, idx[p], deg, fd, o, NULL);
        double *c = cum + (size_t)p * fd, *prev = c - fd;
        int *b = bt + (size_t)p * fd;
        // best of prev over [plo, o - 1], the highest offset among ties (ViSQOL scans down)
        int plo = p > 0 && idx[p - 1] - sw > 0 ? idx[p - 1] - sw : 0, upto = plo, arg = -1;
        double top = -HUGE_VAL;
        for (int o = lo; o <= hi; o++) {
            double v = sims[o];
            int past = -1;
            if (p > 0) {
                for (; upto <= o - 1; upto++)
                    if (arg < 0 || prev[upto] >= top) { top = prev[upto]; arg = upto; }
                v += top;
                past = arg;
                if (prev[o] > v) { v = prev[o]; past = o; }
            }
            c[o] = v;
            b[o] = past;
        }
    }
    int last = np - 1;
    int lo = idx[last] - sw > 0 ? idx[last] - sw : 0, hi = idx[last] + sw < fd - 1 ? idx[last] + sw : fd - 1;
    int off = lo;
    double top = -HUGE_VAL;
    for (int o = lo; o <= hi; o++)
        if (cum[(size_t)last * fd + o] > top) { top = cum[(size_t)last * fd + o]; off = o; }
    const double patch_s = k_frame_s * P;
    for (int p = last; p >= 0 && off >= 0; p--) {
        vq_match *m = &out[p];
        m->sim = patch_nsim(ref, fr, idx[p], deg, fd, off, m->band);
        int back = bt[(size_t)p * fd + off];
        if (back == off) {
            m->sim = 0;
            memset(m->band, 0, sizeof m->band);
            m->deg_t0 = m->deg_t1 = 0;
        } else {
            m->deg_t0 = off * k_frame_s;
            m->deg_t1 = m->deg_t0 + patch_s;
        }
        m->ref_t0 = idx[p] * k_frame_s;
        m->ref_t1 = m->ref_t0 + patch_s;
        off = back;
    }
    free(cum); free(sims); free(bt);
    return 0;
}

static int fail(ev_visqol_result *res, const char *why) {
    res->why = why;
    return 0;
}

int ev_visqol_48k(ev_visqol_result *res, const double *ref_x, int64_t n_ref, const double *deg_x,
                  int64_t n_deg) {
    memset(res, 0, sizeof *res);
    res->mos = res->vnsim = NAN;
    res->why = "out of memory";
    if (n_ref <= 0 || mean_sq(ref_x, n_ref) == 0) return fail(res, "silent reference");
    if (n_deg <= 0 || mean_sq(deg_x, n_deg) == 0) return fail(res, "silent estimate");
    if (n_ref < EV_VISQOL_WIN + (int64_t)(EV_VISQOL_MIN_FRAMES - 1) * EV_VISQOL_HOP)
        return fail(res, "reference shorter than 0.96 s (ViSQOL needs 45 frames of 20 ms)");
    vq_sig ref = {(double *)ref_x, n_ref}, d0 = {(double *)deg_x, n_deg}, deg = {0};
    double lag_s, *sr = NULL, *sd = NULL;
    int rc = GD_ERR_NOMEM, fr, fd, np = 0, *idx = NULL;
    vq_match *m = NULL;
    if (global_align(&deg, &lag_s, &ref, &d0)) goto done;
    double ms = deg.n > 0 ? mean_sq(deg.x, deg.n) : 0;
    if (ms == 0) { rc = fail(res, "silent estimate after alignment"); goto done; }
    // level match as ViSQOL writes it: through dB SPL re 20 uPa
    double spl_r = 20.0 * log10(sqrt(mean_sq(ref.x, ref.n)) / 2e-5);
    double spl_d = 20.0 * log10(sqrt(ms) / 2e-5);
    double g = pow(10.0, (spl_r - spl_d) / 20.0);
    for (int64_t i = 0; i < deg.n; i++) deg.x[i] *= g;
    if (deg.n <= EV_VISQOL_WIN) { rc = fail(res, "estimate shorter than one 80 ms frame"); goto done; }
    int e1 = ev_visqol_spectrogram(&sr, &fr, ref.x, ref.n);
    int e2 = ev_visqol_spectrogram(&sd, &fd, deg.x, deg.n);
    if (e1 || e2) goto done;
    ev_visqol_prepare(sr, fr, sd, fd);
    // reference patches every P frames from P/2 - 1 (ImagePatchCreator)
    int max_index = P / 2 < fr - P ? fr - P : P / 2 + 1;
    idx = malloc(sizeof(int) * (fr / P + 2));
    if (!idx) goto done;
    for (int i = P / 2; i < max_index; i += P) idx[np++] = i - 1;
    // patches too far beyond the estimate's end are dropped (CalcMaxNumPatches)
    while (np > 0 && idx[np - 1] - P / 2 > fd) np--;
    if (np == 0) { rc = fail(res, "estimate too short or misaligned to match any patch"); goto done; }
    m = calloc(np, sizeof *m);
    if (!m || match_patches(m, sr, fr, idx, np, sd, fd)) goto done;
    int bad = 0;
#pragma omp parallel for schedule(dynamic, 1) reduction(|:bad)
    for (int p = 0; p < np; p++) bad |= realign(&m[p], &ref, &deg) != 0;
    if (bad) goto done;
    double vn = 0;
    for (int k = 0; k < NB; k++) {
        double s = 0;
        for (int p = 0; p < np; p++) s += m[p].band[k];
        res->fvnsim[k] = s / np;
        vn += res->fvnsim[k];
    }
    res->vnsim = vn / NB;
    res->n_patches = np;
    double mos = ev_visqol_svr(res->fvnsim);
    mos = mos < 1.0 ? 1.0 : mos > 5.0 ? 5.0 : mos;
    res->mos = res->vnsim < 0.15 ? 1.0 : mos;
    res->why = NULL;
    rc = 0;
done:
    free(deg.x); free(sr); free(sd); free(idx); free(m);
    return rc;
}

// float mono at rate -> double at 48 kHz (malloc'd), or NULL.
static double *to48k(const float *x, int64_t n, int rate, int64_t *n_out) {
    float *r = NULL;
    const float *src = x;
    *n_out = n;
    if (rate != EV_VISQOL_RATE) {
        if (gd_resample(&r, n_out, x, n, rate, EV_VISQOL_RATE)) return NULL;
        src = r;
    }
    double *d = malloc(sizeof(double) * (*n_out > 0 ? *n_out : 1));
    if (d) for (int64_t i = 0; i < *n_out; i++) d[i] = src[i];
    free(r);
    return d;
}

ev_val ev_visqol(const float *ref, int64_t n_ref, const float *est, int64_t n_est, int rate) {
    // too short for one patch: say so before resampling
    if ((double)n_ref * EV_VISQOL_RATE / rate < EV_VISQOL_WIN + (EV_VISQOL_MIN_FRAMES - 1) * EV_VISQOL_HOP - 1)
        return ev_null("reference shorter than 0.96 s (ViSQOL needs 45 frames of 20 ms)");
    if ((double)n_ref / rate > EV_VISQOL_MAX_S || (double)n_est / rate > EV_VISQOL_MAX_S)
        return ev_null("longer than 90 s (ViSQOL aligns the whole signals at once: memory grows "
                       "with length; score parts of it)");
    int64_t nr, ne;
    double *r = to48k(ref, n_ref, rate, &nr), *e = to48k(est, n_est, rate, &ne);
    ev_visqol_result res;
    ev_val v = ev_null("out of memory");
    if (r && e && !ev_visqol_48k(&res, r, nr, e, ne)) v = res.why ? ev_null(res.why) : ev_ok(res.mos);
    free(r); free(e);
    return v;
}
