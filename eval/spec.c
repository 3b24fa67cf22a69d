// spec.c: framing, windowing and FFT for the metric spectrograms (see spec.h), plus the
// Slaney mel filterbank (librosa.filters.mel with htk=False, norm='slaney').
#include "eval/spec.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"  // defines: GD_ERR_*
#include "core/fft.h"      // defines: gd_fft_alloc, gd_fft_free
#include "core/fftwise.h" // defines: gd_fftwise_r2c
#include "core/simd.h"    // defines: GD_SIMD

// ---------------------------------------------------------------------------- STFT

int64_t ev_stft_frames(const ev_stft_cfg *cfg, int64_t n) { return 1 + n / cfg->hop; }

// Sample i of x extended by the padding rule (i may be outside [0, n)).
static inline float padded_at(const float *x, int64_t n, int64_t i, int reflect) {
    if (i >= 0 && i < n) return x[i];
    if (!reflect) return 0.0f;
    if (i < 0) i = -i;
    if (i >= n) i = 2 * (n - 1) - i;
    return (i >= 0 && i < n) ? x[i] : 0.0f;
}

// Periodic Hann windows of wl samples (float, as torch.hann_window), built once per length
// and shared (immutable; never freed before exit).
#define WIN_CACHE 32
static struct { int wl; float *w; } win_cache[WIN_CACHE];
static int win_cache_n;
static pthread_mutex_t win_lock = PTHREAD_MUTEX_INITIALIZER;

const float *ev_hann(int wl) {
    const float *out = NULL;
    pthread_mutex_lock(&win_lock);
    for (int i = 0; i < win_cache_n && !out; i++) if (win_cache[i].wl == wl) out = win_cache[i].w;
    if (!out && win_cache_n < WIN_CACHE) {
        float *w = malloc(sizeof(float) * wl);
        if (w) {
            for (int i = 0; i < wl; i++) w[i] = (float)(0.5 - 0.5 * cos(2.0 * M_PI * i / wl));
            win_cache[win_cache_n].wl = wl; win_cache[win_cache_n].w = w;
            win_cache_n++;
            out = w;
        }
    }
    pthread_mutex_unlock(&win_lock);
    return out;
}

int ev_stft_power(float *out, const float *x, int64_t n, const ev_stft_cfg *cfg) {
    return ev_stft_spec(out, x, n, cfg, 0);
}

// FFT plans (core/fftwise.h): the committed-wisdom ones, except for the full-window STFTs of
// 256..2048 points. Those carry RAVE's distance, whose eps (1e-7) lies below float32 FFT
// rounding noise in a drum tail's quietest bins, so its value follows the FFT's rounding
// pattern: with the FFTW_ESTIMATE plans it matches float32 torch.stft to ~1e-5
// (tests/eval/test_oracle.c); the wisdom plans of those sizes move it by 1-3e-4 each (the
// 128-point one does not), and since core/fftwise.c splits real FFTs into half-size complex
// ones they are no faster there.
static int wise_for(const ev_stft_cfg *cfg, int wl) {
    return !(wl == cfg->n_fft && cfg->n_fft >= 256 && cfg->n_fft <= 2048);
}

// The frame loop: only the window's support [off, off + wl) of the FFT buffer is rewritten
// per frame (the rest stays zero); power or magnitude per bin come from the fused split pass.
GD_SIMD static int stft_frames(float *out, const float *x, int64_t n, int64_t t0, int64_t T, int hop, int nf,
                               int wl, int reflect, const void *plan, const float *w, float *buf,
                               float *spec, int mag) {
    const int nb = nf / 2 + 1, half = nf / 2, off = (nf - wl) / 2;
    for (int64_t t = t0; t < t0 + T; t++) {
        int64_t s0 = t * hop - half + off;   // first sample under the window
        float *b = buf + off;
        if (s0 >= 0 && s0 + wl <= n) {
            const float *xs = x + s0;
            for (int i = 0; i < wl; i++) b[i] = xs[i] * w[i];
        } else {
            for (int i = 0; i < wl; i++) b[i] = padded_at(x, n, s0 + i, reflect) * w[i];
        }
        gd_fftwise_exec_r2c_power(plan, buf, spec, out + (t - t0) * nb, mag);
    }
    return 0;
}

int ev_stft_spec(float *out, const float *x, int64_t n, const ev_stft_cfg *cfg, int mag) {
    return ev_stft_spec_range(out, x, n, cfg, mag, 0, ev_stft_frames(cfg, n));
}

int ev_stft_spec_range(float *out, const float *x, int64_t n, const ev_stft_cfg *cfg, int mag,
                       int64_t t0, int64_t T) {
    const int nf = cfg->n_fft, nb = nf / 2 + 1;
    const int reflect = cfg->pad == EV_PAD_REFLECT && n > nf / 2;
    const int wl = cfg->win > 0 && cfg->win <= nf ? cfg->win : nf;
    const float *w = ev_hann(wl);
    float *buf = gd_fft_alloc(nf);
    float *spec = gd_fft_alloc(2 * nb);
    const void *plan = gd_fftwise_plan_r2c(nf, wise_for(cfg, wl));
    if (!w || !buf || !spec || !plan) { gd_fft_free(buf); gd_fft_free(spec); return GD_ERR_NOMEM; }
    memset(buf, 0, sizeof(float) * nf);
    int rc = stft_frames(out, x, n, t0, T, cfg->hop, nf, wl, reflect, plan, w, buf, spec, mag);
    gd_fft_free(buf); gd_fft_free(spec);
    return rc;
}

// ---------------------------------------------------------------------------- cache

void ev_sig_init(ev_sig *s, const float *x, int64_t n) {
    memset(s, 0, sizeof *s);
    s->x = x; s->n = n;
}

void ev_sig_free(ev_sig *s) {
    if (!s) return;
    for (int i = 0; i < s->n_cached; i++) free(s->cache[i].mag);
    s->n_cached = 0;
}

const ev_spec *ev_sig_spec(ev_sig *s, const ev_stft_cfg *cfg) {
    for (int i = 0; i < s->n_cached; i++) {
        const ev_stft_cfg *c = &s->cache[i].cfg;
        if (c->n_fft == cfg->n_fft && c->hop == cfg->hop && c->win == cfg->win && c->pad == cfg->pad)
            return &s->cache[i];
    }
    if (s->n_cached == EV_SPEC_CACHE) {  // full: drop the oldest
        free(s->cache[0].mag);
        memmove(s->cache, s->cache + 1, sizeof(ev_spec) * (EV_SPEC_CACHE - 1));
        s->n_cached--;
    }
    ev_spec *e = &s->cache[s->n_cached];
    e->cfg = *cfg;
    e->n_frames = ev_stft_frames(cfg, s->n);
    e->n_bins = cfg->n_fft / 2 + 1;
    size_t cnt = (size_t)e->n_frames * e->n_bins;
    e->mag = malloc(sizeof(float) * cnt);
    if (!e->mag || ev_stft_spec(e->mag, s->x, s->n, cfg, 1)) { free(e->mag); return NULL; }
    s->n_cached++;
    return e;
}

// ---------------------------------------------------------------------------- mel

double ev_hz_to_mel(double hz) {
    const double f_sp = 200.0 / 3, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp;
    const double logstep = log(6.4) / 27.0;
    return hz >= min_log_hz ? min_log_mel + log(hz / min_log_hz) / logstep : hz / f_sp;
}

double ev_mel_to_hz(double mel) {
    const double f_sp = 200.0 / 3, min_log_hz = 1000.0, min_log_mel = min_log_hz / f_sp;
    const double logstep = log(6.4) / 27.0;
    return mel >= min_log_mel ? min_log_hz * exp(logstep * (mel - min_log_mel)) : f_sp * mel;
}

int ev_melbank_init(ev_melbank *mb, int rate, int n_fft, int n_mels, double f_lo, double f_hi) {
    memset(mb, 0, sizeof *mb);
    const int nb = n_fft / 2 + 1;
    double *mel_f = malloc(sizeof(double) * (n_mels + 2));
    double *row = malloc(sizeof(double) * nb);
    mb->start = calloc(n_mels, sizeof(int));
    mb->len = calloc(n_mels, sizeof(int));
    mb->off = calloc(n_mels, sizeof(int));
    mb->w = malloc(sizeof(float) * (size_t)n_mels * nb);
    if (!mel_f || !row || !mb->start || !mb->len || !mb->off || !mb->w) {
        free(mel_f); free(row); ev_melbank_free(mb); return GD_ERR_NOMEM;
    }
    mb->n_mels = n_mels; mb->n_bins = nb;
    double m0 = ev_hz_to_mel(f_lo), m1 = ev_hz_to_mel(f_hi);
    for (int i = 0; i < n_mels + 2; i++)
        mel_f[i] = ev_mel_to_hz(m0 + (m1 - m0) * i / (n_mels + 1));
    int pos = 0;
    for (int m = 0; m < n_mels; m++) {
        double d0 = mel_f[m + 1] - mel_f[m], d1 = mel_f[m + 2] - mel_f[m + 1];
        double enorm = 2.0 / (mel_f[m + 2] - mel_f[m]);
        int first = -1, last = -1;
        for (int k = 0; k < nb; k++) {
            double f = (double)rate / 2 * k / (nb - 1);  // linspace(0, sr/2, nb)
            double lo = (f - mel_f[m]) / d0, hi = (mel_f[m + 2] - f) / d1;
            double v = fmax(0.0, fmin(lo, hi));
            row[k] = v * enorm;
            if (v > 0) { if (first < 0) first = k; last = k; }
        }
        mb->off[m] = pos;
        if (first < 0) { mb->start[m] = 0; mb->len[m] = 0; continue; }
        mb->start[m] = first; mb->len[m] = last - first + 1;
        for (int k = first; k <= last; k++) mb->w[pos++] = (float)row[k];
    }
    free(mel_f); free(row);
    return 0;
}

void ev_melbank_free(ev_melbank *mb) {
    if (!mb) return;
    free(mb->start); free(mb->len); free(mb->off); free(mb->w);
    memset(mb, 0, sizeof *mb);
}

// Both projections run four frames at once: the four rows are interleaved into tp (bin-major,
// four lanes per bin) so that each band's four accumulation chains are one vector of doubles.
// Every chain sums the same terms in the same order as a frame-at-a-time loop, so the values
// are identical to it.
typedef double ev_v4d __attribute__((vector_size(32)));   // GCC vector extension
typedef float ev_v4f __attribute__((vector_size(16)));
#define MEL_APPLY(NAME, TERM)                                                                     \
    GD_SIMD static void NAME##_4(const ev_melbank *mb, double *o, const float *spec, float *tp) {   \
        const int nb = mb->n_bins, nm = mb->n_mels;                                                 \
        for (int k = 0; k < nb; k++)                                                                \
            for (int l = 0; l < 4; l++) tp[4 * k + l] = spec[(int64_t)l * nb + k];                  \
        for (int m = 0; m < nm; m++) {                                                              \
            const float *w = mb->w + mb->off[m], *x = tp + 4 * mb->start[m];                        \
            const int len = mb->len[m];                                                             \
            ev_v4d a = {0, 0, 0, 0};                                                                \
            for (int k = 0; k < len; k++) {                                                         \
                ev_v4f xf;                                                                          \
                memcpy(&xf, x + 4 * k, sizeof xf);                                                  \
                ev_v4d xd = __builtin_convertvector(xf, ev_v4d);                                    \
                a += TERM((double)w[k], xd);                                                        \
            }                                                                                       \
            for (int l = 0; l < 4; l++) o[(int64_t)l * nm + m] = a[l];                              \
        }                                                                                           \
    }                                                                                               \
    void NAME(const ev_melbank *mb, double *mel, const float *spec, int64_t n_frames) {             \
        const int nb = mb->n_bins, nm = mb->n_mels;                                                 \
        float *tp = malloc(sizeof(float) * 4 * (size_t)nb);                                         \
        int64_t t = 0;                                                                              \
        if (tp)                                                                                     \
            for (; t + 4 <= n_frames; t += 4) NAME##_4(mb, mel + t * nm, spec + t * nb, tp);        \
        free(tp);                                                                                   \
        for (; t < n_frames; t++) {                                                                 \
            const float *s = spec + t * nb;                                                         \
            double *o = mel + t * nm;                                                               \
            for (int m = 0; m < nm; m++) {                                                          \
                const float *w = mb->w + mb->off[m];                                                \
                const float *sp = s + mb->start[m];                                                 \
                double acc = 0;                                                                     \
                for (int k = 0; k < mb->len[m]; k++) acc += TERM(w[k], sp[k]);                      \
                o[m] = acc;                                                                         \
            }                                                                                       \
        }                                                                                           \
    }
// (w is a double scalar or promoted float, x a double vector or a float: same products.)
#define MEL_LIN(w, x) ((double)(w) * (x))
#define MEL_POW(w, x) ((double)(w) * (x) * (x))
MEL_APPLY(ev_melbank_apply, MEL_LIN)
MEL_APPLY(ev_melbank_apply_pow, MEL_POW)

// ---------------------------------------------------------------------------- bank cache

#define MEL_CACHE 48
static struct { int rate, n_fft, n_mels; double f_lo, f_hi; ev_melbank *mb; } mel_cache[MEL_CACHE];
static int mel_cache_n;
static pthread_mutex_t mel_lock = PTHREAD_MUTEX_INITIALIZER;

const ev_melbank *ev_melbank_get_range(int rate, int n_fft, int n_mels, double f_lo, double f_hi) {
    const ev_melbank *out = NULL;
    pthread_mutex_lock(&mel_lock);
    for (int i = 0; i < mel_cache_n && !out; i++)
        if (mel_cache[i].rate == rate && mel_cache[i].n_fft == n_fft && mel_cache[i].n_mels == n_mels &&
            mel_cache[i].f_lo == f_lo && mel_cache[i].f_hi == f_hi)
            out = mel_cache[i].mb;
    if (!out && mel_cache_n < MEL_CACHE) {
        ev_melbank *mb = malloc(sizeof *mb);
        if (mb && ev_melbank_init(mb, rate, n_fft, n_mels, f_lo, f_hi) == 0) {
            mel_cache[mel_cache_n].rate = rate; mel_cache[mel_cache_n].n_fft = n_fft;
            mel_cache[mel_cache_n].n_mels = n_mels; mel_cache[mel_cache_n].mb = mb;
            mel_cache[mel_cache_n].f_lo = f_lo; mel_cache[mel_cache_n].f_hi = f_hi;
            mel_cache_n++;
            out = mb;
        } else free(mb);
    }
    pthread_mutex_unlock(&mel_lock);
    return out;
}

const ev_melbank *ev_melbank_get(int rate, int n_fft, int n_mels) {
    return ev_melbank_get_range(rate, n_fft, n_mels, 0.0, rate / 2.0);
}

void ev_melbank_cache_clear(void) {
    pthread_mutex_lock(&mel_lock);
    for (int i = 0; i < mel_cache_n; i++) { ev_melbank_free(mel_cache[i].mb); free(mel_cache[i].mb); }
    mel_cache_n = 0;
    pthread_mutex_unlock(&mel_lock);
}
