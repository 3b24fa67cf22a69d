// fit.c: `gendang-synth fit HITS... -o preset.yaml`: fit every hit, write a preset with one
// stroke per hit (its modes; glide and attack noise as the range over hits of the same
// stroke class), optionally report resynthesis vs a generic preset (MR-STFT) per hit.
// More hits than --max-strokes (default and at most SYN_MAX_STROKES, what a preset holds):
// the fits are clustered (cluster.h) and each cluster's medoid hit becomes a stroke weighted
// by the cluster's size, its glide and attack noise ranging over the cluster.
//
// Split guard: hits from the test split are refused. The split comes from --split (all
// hits), from --meta (a metadata.csv whose file_name, relative to the csv's folder, or whose
// base name matches the hit) and from the data manifest (--manifest, default
// ./data_manifest.yaml when it exists; entry root/path resolved to the hit's real path).
// Hits none of these know are accepted (documented in --help).
// Stroke class: the hit's base name without extension and digits ("Djembe3 Tone" -> "Djembe Tone").
#include "synth/fit.h"

#include <ctype.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audio.h"     // defines: gd_audio_read/write
#include "core/cli.h"       // defines: gd_die, gd_usage, gd_opt_*, gd_cli_quiet/_verbose
#include "core/error.h"     // defines: gd_strerror
#include "core/fft.h"       // defines: gd_fft_r2c, gd_fft_alloc
#include "core/fileio.h"    // defines: gd_atomic, gd_path_*
#include "core/log.h"       // defines: gd_info
#include "core/metadata.h"  // defines: gd_meta
#include "core/rng.h"       // defines: gd_rng
#include "synth/cluster.h"
#include "synth/modal_fit.h"
#include "synth/physfit.h"
#include "synth/split_guard.h" // defines: syn_manifest_split (gd_manifest_load_paths)

typedef struct {
    const char    *path;
    gd_audio       a;
    syn_fit_result r;
    syn_physfit_result pf;   // pf_ok: 1 when the physical interpretation succeeded
    int            pf_ok;
    char           name[128], cls[128];
} hit;

static void hit_names(hit *h) {
    const char *b = gd_path_basename(h->path);
    snprintf(h->name, sizeof h->name, "%s", b);
    char *dot = strrchr(h->name, '.');
    if (dot) *dot = 0;
    int j = 0;
    for (const char *c = h->name; *c && j < (int)sizeof h->cls - 1; c++)
        if (!isdigit((unsigned char)*c)) h->cls[j++] = *c;
    h->cls[j] = 0;
}

// Exits 1 when the hit is in the test split according to meta (may be NULL).
static void check_split(const char *path, const gd_meta *meta, const char *meta_path) {
    if (!meta) return;
    char *dir = gd_path_dirname(meta_path);
    for (int i = 0; i < meta->n_rows; i++) {
        const gd_meta_row *row = &meta->rows[i];
        char *full = gd_path_join(dir, row->file_name);
        int match = (full && !strcmp(full, path)) ||
                    !strcmp(gd_path_basename(row->file_name), gd_path_basename(path));
        free(full);
        if (match && !strcmp(row->split, "test")) {
            free(dir);
            gd_die("%s: refusing to fit a hit of the test split (%s)", path, meta_path);
        }
    }
    free(dir);
}

static double clampd(double x, double lo, double hi) { return x < lo ? lo : x > hi ? hi : x; }

static int cmp_dbl(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

// The recording's noise floor (RMS of white noise of the same level): in its quietest 1024-
// sample window, the median Hann-windowed bin power (so a few ringing modes do not count) over
// ln 2 * sum(w^2) (the median of an exponential distribution is ln 2 times its mean).
static double floor_rms(const float *x, int64_t n) {
    enum { N = 1024 };
    if (n < N) return 0;
    int64_t best_at = 0;
    double best = INFINITY;
    for (int64_t a = 0; a + N <= n; a += N / 2) {
        double e = 0;
        for (int64_t t = a; t < a + N; t++) e += (double)x[t] * x[t];
        if (e < best) { best = e; best_at = a; }
    }
    float *in = gd_fft_alloc(N), *out = gd_fft_alloc(N + 2);
    double pw[N / 2 + 1], w2 = 0, rms = 0;
    if (in && out) {
        for (int t = 0; t < N; t++) {
            double w = 0.5 - 0.5 * cos(2 * M_PI * t / N);
            in[t] = (float)(w * x[best_at + t]);
            w2 += w * w;
        }
        if (gd_fft_r2c(N, in, out) == 0) {
            for (int k = 0; k <= N / 2; k++)
                pw[k] = (double)out[2 * k] * out[2 * k] + (double)out[2 * k + 1] * out[2 * k + 1];
            qsort(pw, N / 2 + 1, sizeof(double), cmp_dbl);
            rms = sqrt(pw[N / 4] / (M_LN2 * w2));
        }
    }
    gd_fft_free(in);
    gd_fft_free(out);
    return rms;
}

// [min, max] of field over the hits of group g.
static void group_range(const hit *h, int n, const int *group, int g, size_t off, double lo,
                        double hi, double scale, double *a, double *b) {
    *a = INFINITY; *b = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (group[i] != g) continue;
        double v = clampd(*(const double *)((const char *)&h[i].r + off) * scale, lo, hi);
        if (v < *a) *a = v;
        if (v > *b) *b = v;
    }
}

// The strokes of the preset: hit stroke[s] stands for the hits i with group[i] == s (weight:
// how many). One stroke per hit (grouped by stroke class for the ranges) when n <= max,
// else one per cluster (cluster.h). Returns the stroke count; exits on failure.
static int choose_strokes(const hit *h, int n, int max, int *stroke, int *group) {
    if (n <= max) {
        for (int i = 0; i < n; i++) {
            stroke[i] = i;
            group[i] = i;
            for (int j = 0; j < i; j++)
                if (!strcmp(h[j].cls, h[i].cls)) { group[i] = group[j]; break; }
        }
        return n;
    }
    const syn_fit_result **fits = malloc(sizeof(*fits) * n);
    if (!fits) gd_die("out of memory");
    for (int i = 0; i < n; i++) fits[i] = &h[i].r;
    int k = syn_cluster_fits(fits, n, max, stroke, group);
    free(fits);
    if (k < 0) gd_die("out of memory");
    gd_info("note: a preset holds at most %d strokes; clustered the %d hits into %d strokes "
            "(k-medoids; each the medoid hit of its cluster, weighted by the cluster's size)",
            max, n, k);
    return k;
}

static int write_preset(const char *out, const char *name, const hit *h, int n, int max_strokes) {
    int *stroke = malloc(sizeof(int) * n), *group = malloc(sizeof(int) * n);
    if (!stroke || !group) gd_die("out of memory");
    int ns = choose_strokes(h, n, max_strokes, stroke, group), clustered = ns < n;
    gd_atomic at;
    if (gd_atomic_open(&at, out, "w")) { free(stroke); free(group); return GD_ERR_IO; }
    FILE *f = at.f;
    double pk_lo = 0, pk_hi = -120, dur = 0.1, fl_lo = -20, fl_hi = -160;
    for (int i = 0; i < n; i++) {
        double fl = floor_rms(h[i].a.data, h[i].a.n_frames);
        double fdb = clampd(20 * log10(fmax(fl, 1e-12) / h[i].r.peak), -160, -20);
        if (fdb < fl_lo) fl_lo = fdb;
        if (fdb > fl_hi) fl_hi = fdb;
        double db = 20 * log10(h[i].r.peak);
        if (db < pk_lo) pk_lo = db;
        if (db > pk_hi) pk_hi = db;
        if (h[i].r.dur_s > dur) dur = h[i].r.dur_s;
    }
    fprintf(f, "# %s: fitted by gendang-synth fit from %d hit(s).\n", name, n);
    if (clustered)
        fprintf(f, "# The hits are clustered into %d strokes (k-medoids over spectrum, decay and\n"
                   "# attack): each stroke is the medoid hit of its cluster, weighted by the\n"
                   "# cluster's size (its modes: [freq_hz, t60_s, amp, phase]); glide and attack\n"
                   "# noise span the cluster;", ns);
    else
        fprintf(f, "# One stroke per hit (its modes: [freq_hz, t60_s, amp, phase]); glide and attack\n"
                   "# noise span the hits of the same stroke class;");
    fprintf(f, " tuning and decay ranges are a\n"
               "# deliberate widening (+-20 cents, +-15 %%) around the fit; per-mode level and\n"
               "# phase jitter (+-1.5 dB, +-0.5 rad) keep new strokes from copying the hit.\n");
    fprintf(f, "name: %s\nrate: %d\nduration_s: %.3f\nmodes: 0\n", name, h[0].r.rate,
            clampd(dur, 0.1, 10));
    fprintf(f, "peak_db: [%.2f, %.2f]\ntune_cents: [-20, 20]\ndecay_scale: [0.85, 1.15]\n"
               "amp_jitter_db: 1.5\nphase_jitter: 0.5\nnoise_floor_db: [%.1f, %.1f]\n",
            clampd(pk_lo, -60, 0), clampd(pk_hi, -60, 0), fl_lo, fl_hi);
    double rg[5][2] = {{INFINITY, -INFINITY}, {INFINITY, -INFINITY}, {INFINITY, -INFINITY},
                       {INFINITY, -INFINITY}, {INFINITY, -INFINITY}};
    int n_pf = 0;
    for (int i = 0; i < n; i++) {
        if (!h[i].pf_ok) continue;
        const syn_physfit_result *q = &h[i].pf;
        double s_lo = q->sigma0 + q->sigma1 * q->f01 * q->f01, s_hi = q->sigma0 + q->sigma1 * 9e6;
        double v[5] = {clampd(q->f01, 10, 5000), clampd(q->eps, 0, 20), clampd(q->B, 0, 0.05),
                       clampd(6.907755 / fmax(s_lo, 1e-3), 1e-3, 30),
                       clampd(6.907755 / fmax(s_hi, 1e-3), 1e-3, 30)};
        for (int k = 0; k < 5; k++) { rg[k][0] = fmin(rg[k][0], v[k]); rg[k][1] = fmax(rg[k][1], v[k]); }
        n_pf++;
    }
    if (n_pf) {
        fprintf(f, "# membrane interpretation of the fits (Bessel series with air loading and\n"
                   "# stiffness, decay law), used by strokes without fitted modes (set modes: 128):\n");
        static const char *keys[5] = {"f01", "air_loading", "stiffness", "t60_low", "t60_3k"};
        for (int k = 0; k < 5; k++) fprintf(f, "%s: [%.6g, %.6g]\n", keys[k], rg[k][0], rg[k][1]);
    }
    fprintf(f, "strokes:\n");
    for (int s = 0; s < ns; s++) {
        int i = stroke[s], g = clustered ? s : group[i], members = 0;
        double a, b;
        for (int j = 0; j < n; j++) members += group[j] == s;
        fprintf(f, "  - name: \"%s\"\n    weight: %d\n    velocity: 1\n", h[i].name,
                clustered ? members : 1);
        if (clustered) {
            fprintf(f, "    # stands for:");
            for (int j = 0; j < n; j++)
                if (group[j] == s) fprintf(f, " %s", h[j].name);
            fputc('\n', f);
        }
        group_range(h, n, group, g, offsetof(syn_fit_result, glide), 0, 0.3, 1, &a, &b);
        fprintf(f, "    glide: [%.5f, %.5f]\n", a, b);
        group_range(h, n, group, g, offsetof(syn_fit_result, noise_level), 0, 10, 1, &a, &b);
        fprintf(f, "    noise_level: [%.4f, %.4f]\n", a, b);
        group_range(h, n, group, g, offsetof(syn_fit_result, noise_s), 0.1, 200, 1000, &a, &b);
        fprintf(f, "    noise_ms: [%.3f, %.3f]\n", a, b);
        group_range(h, n, group, g, offsetof(syn_fit_result, noise_hz), 50, 20000, 1, &a, &b);
        fprintf(f, "    noise_hz: [%.1f, %.1f]\n", a, b);
        fprintf(f, "    modes:\n");
        for (int k = 0; k < h[i].r.n_modes; k++) {
            const syn_mode *m = &h[i].r.modes[k];
            fprintf(f, "      - [%.4f, %.5f, %.6g, %.5f]\n", m->freq, m->t60, m->amp, m->phase);
        }
    }
    free(stroke);
    free(group);
    return gd_atomic_commit(&at);
}

#define N_GENERIC 8

// Adds the recording's noise floor (white, Gaussian) to y, as docs/drum-physmod.md 2 describes.
static void add_floor(float *y, int64_t n, double rms, const char *id) {
    gd_rng r;
    gd_rng_init(&r, 1, gd_rng_stream_id("synth-floor", id));
    for (int64_t t = 0; t < n; t++) y[t] += (float)(rms * gd_rng_normal(&r));
}

// Resynthesises hit h from its fit and from N_GENERIC draws of generic; writes a TSV row.
static void report_hit(FILE *tsv, const hit *h, const syn_preset *generic, const syn_zeros *z,
                       syn_voice *v, const char *resynth_dir, int *n_better) {
    int64_t n = h->a.n_frames - h->r.onset;
    const float *ref = h->a.data + h->r.onset;
    float *y = malloc(sizeof(float) * (size_t)n), *best = malloc(sizeof(float) * (size_t)n);
    if (!y || !best) gd_die("out of memory");
    syn_stroke s;
    syn_stroke_default(&s);
    s.rate = h->r.rate;
    s.duration_s = (double)n / s.rate;
    s.n_modes = 0;
    s.n_explicit = h->r.n_modes;
    s.explicit_modes = h->r.modes;
    s.glide = h->r.glide;
    s.noise_level = h->r.noise_level;
    s.noise_s = h->r.noise_s;
    s.noise_hz = h->r.noise_hz;
    s.velocity = 1;
    s.peak = h->r.peak;
    int err = syn_render(y, n, &s, z, v, 1, gd_rng_stream_id("synth-fit", h->name));
    if (err) gd_die("%s: resynthesis failed: %s", h->path, gd_strerror(err));
    double fl = floor_rms(ref, n);
    add_floor(y, n, fl, h->name);
    double d_fit = syn_mrstft(y, ref, n);
    if (resynth_dir) {
        char *p;
        char fn[300];
        gd_audio a = {y, 1, n, s.rate};
        snprintf(fn, sizeof fn, "%s_fit.wav", h->name);
        if ((p = gd_path_join(resynth_dir, fn))) { gd_audio_write(p, &a, NULL, NULL); free(p); }
        gd_audio r = {(float *)ref, 1, n, s.rate};
        snprintf(fn, sizeof fn, "%s_real.wav", h->name);
        if ((p = gd_path_join(resynth_dir, fn))) { gd_audio_write(p, &r, NULL, NULL); free(p); }
    }
    double d_gen[N_GENERIC];
    double d_best = INFINITY;
    for (int k = 0; k < N_GENERIC; k++) {
        char id[160];
        snprintf(id, sizeof id, "%s#%d", h->name, k);
        gd_rng rng;
        gd_rng_init(&rng, 1, gd_rng_stream_id("synth-compare", id));
        syn_stroke g;
        int si;
        char ops[1024];
        syn_preset_draw(generic, &rng, &g, &si, ops, sizeof ops);
        g.rate = s.rate;
        g.duration_s = s.duration_s;
        g.peak = h->r.peak;
        g.floor_db = 0;   // both sides get the recording's floor below
        if ((err = syn_render(y, n, &g, z, v, 1, gd_rng_stream_id("synth-render", id))))
            gd_die("generic render failed: %s", gd_strerror(err));
        add_floor(y, n, fl, id);
        d_gen[k] = syn_mrstft(y, ref, n);
        if (d_gen[k] < d_best) { d_best = d_gen[k]; memcpy(best, y, sizeof(float) * (size_t)n); }
    }
    if (resynth_dir) {
        char fn[300], *p;
        gd_audio a = {best, 1, n, s.rate};
        snprintf(fn, sizeof fn, "%s_generic.wav", h->name);
        if ((p = gd_path_join(resynth_dir, fn))) { gd_audio_write(p, &a, NULL, NULL); free(p); }
    }
    qsort(d_gen, N_GENERIC, sizeof(double), cmp_dbl);
    double med = 0.5 * (d_gen[N_GENERIC / 2 - 1] + d_gen[N_GENERIC / 2]);
    int better = d_fit < d_best;
    *n_better += better;
    fprintf(tsv, "%s\t%d\t%.2f\t%.4f\t%.4f\t%.4f\t%.4f\t%s\t%.2f\t%.2f\t%.0e\t%d/%d\t%.2f\n",
            h->name, h->r.n_modes, h->r.n_modes ? h->r.modes[0].freq : 0.0, h->r.glide, d_fit,
            d_best, med, better ? "yes" : "no", h->pf.f01, h->pf.eps, h->pf.B, h->pf.n_matched,
            h->pf.n_strong, h->pf.cents_median);
    free(y);
    free(best);
}

int syn_fit_main(int argc, char **argv, syn_preset_loader load) {
    static const struct option lo[] = {
        {"output", 1, 0, 'o'}, {"meta", 1, 0, 'm'}, {"split", 1, 0, 'S'}, {"name", 1, 0, 'N'},
        {"skip-ms", 1, 0, 'k'}, {"max-modes", 1, 0, 'M'}, {"report", 1, 0, 'R'},
        {"resynth", 1, 0, 'D'}, {"extrapolate-db", 1, 0, 'E'}, {"manifest", 1, 0, 'F'},
        {"no-manifest", 0, 0, 'X'}, {"compare-preset", 1, 0, 'C'}, {"max-strokes", 1, 0, 'K'},
        {"help", 0, 0, 'h'},
        {"quiet", 0, 0, 'q'}, {"verbose", 0, 0, 'v'}, {0, 0, 0, 0}};
    const char *out = NULL, *meta_path = NULL, *split = NULL, *name = "fitted", *report = NULL;
    const char *resynth = NULL, *compare = "djembe", *manifest = NULL;
    int no_manifest = 0, max_strokes = SYN_MAX_STROKES;
    syn_fit_opts o;
    syn_fit_opts_default(&o);
    int c;
    while ((c = getopt_long(argc, argv, "o:hqv", lo, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'm': meta_path = optarg; break;
        case 'S': split = optarg; break;
        case 'N': name = optarg; break;
        case 'k': o.skip_s = gd_opt_double("--skip-ms", optarg, 0, 200) / 1000; break;
        case 'M': o.max_modes = (int)gd_opt_int("--max-modes", optarg, 1, 256); break;
        case 'R': report = optarg; break;
        case 'F': manifest = optarg; break;
        case 'X': no_manifest = 1; break;
        case 'E': o.back_db = gd_opt_double("--extrapolate-db", optarg, 0, 200); break;
        case 'D': resynth = optarg; break;
        case 'C': compare = optarg; break;
        case 'K': max_strokes = (int)gd_opt_int("--max-strokes", optarg, 1, SYN_MAX_STROKES); break;
        case 'h': return -1;   // main prints the usage
        case 'q': gd_cli_quiet(); break;
        case 'v': gd_cli_verbose(); break;
        default: gd_usage("fit: unknown option");
        }
    }
    if (!out) gd_usage("fit: -o preset.yaml is required");
    if (optind >= argc) gd_usage("fit: at least one hit is required");
    if (split && strcmp(split, "train") && strcmp(split, "valid") && strcmp(split, "test"))
        gd_usage("fit: --split must be train, valid or test");
    if (split && !strcmp(split, "test"))
        gd_die("refusing to fit hits of the test split (--split test)");
    for (const char *c2 = name; *c2; c2++)
        if (!isalnum((unsigned char)*c2) && *c2 != '_' && *c2 != '-')
            gd_usage("fit: --name may only hold letters, digits, '_' and '-'");
    gd_meta *meta = NULL;
    if (meta_path) {
        int err = gd_meta_read(&meta, meta_path);
        if (err) gd_die("%s: cannot read metadata: %s", meta_path, gd_strerror(err));
    }
    if (!manifest && !no_manifest && gd_path_exists("data_manifest.yaml")) manifest = "data_manifest.yaml";
    gd_manifest *mf = NULL;
    if (manifest && gd_manifest_load_paths(&mf, manifest)) gd_die("%s: cannot read the data manifest", manifest);
    int n = argc - optind;
    hit *h = calloc((size_t)n, sizeof *h);
    syn_zeros z;
    if (!h || syn_zeros_init(&z, 80)) gd_die("out of memory");
    for (int i = 0; i < n; i++) {
        h[i].path = argv[optind + i];
        check_split(h[i].path, meta, meta_path);
        const char *sp = mf ? syn_manifest_split(mf, h[i].path) : NULL;
        if (sp && !strcmp(sp, "test"))
            gd_die("%s: refusing to fit a hit of the test split (%s)", h[i].path, manifest);
        hit_names(&h[i]);
        int err = gd_audio_read(&h[i].a, h[i].path, i ? h[0].a.rate : 0, 1);
        if (err) gd_die("%s: cannot read: %s", h[i].path, gd_strerror(err));
        err = syn_fit_signal(&h[i].r, h[i].a.data, h[i].a.n_frames, h[i].a.rate, &o);
        if (err == GD_ERR_EMPTY)
            gd_die("%s: cannot fit: %s", h[i].path, h[i].r.why);
        if (err) gd_die("%s: cannot fit: %s", h[i].path, gd_strerror(err));
        h[i].pf_ok = syn_physfit(&h[i].pf, h[i].r.modes, h[i].r.n_modes, &z) == 0;
        gd_info("%s: %d modes, onset %.1f ms, glide %.4f, noise %.3f; membrane f01 %.1f Hz "
                "eps %.2f B %.0e (%d/%d strong modes within %.1f cents)", h[i].path,
                h[i].r.n_modes, 1e3 * h[i].r.onset / h[i].a.rate, h[i].r.glide,
                h[i].r.noise_level, h[i].pf.f01, h[i].pf.eps, h[i].pf.B, h[i].pf.n_matched,
                h[i].pf.n_strong, h[i].pf.cents_median);
    }
    if (write_preset(out, name, h, n, max_strokes)) gd_die("%s: cannot write preset", out);
    if (report) {
        syn_preset *g = load(compare);
        FILE *f = strcmp(report, "-") ? fopen(report, "w") : stdout;
        if (!f) gd_die("%s: cannot write report", report);
        if (resynth && gd_mkdir_p(resynth)) gd_die("%s: cannot create folder", resynth);
        syn_voice *v;
        if (syn_voice_init(&v, 256, 48000)) gd_die("out of memory");
        fprintf(f, "hit\tn_modes\tlowest_hz\tglide\tmrstft_fit\tmrstft_%s_best%d\tmrstft_%s_median"
                   "\tfit_closer\tmembrane_f01\teps\tB\tmatched\tmedian_cents\n",
                compare, N_GENERIC, compare);
        int better = 0;
        for (int i = 0; i < n; i++) report_hit(f, &h[i], g, &z, v, resynth, &better);
        fprintf(f, "# fit closer than the best of %d %s strokes on %d of %d hits\n", N_GENERIC,
                compare, better, n);
        if (f != stdout) fclose(f);
        syn_voice_free(v);
        syn_preset_free(g);
    }
    for (int i = 0; i < n; i++) { gd_audio_free(&h[i].a); syn_fit_free(&h[i].r); }
    syn_zeros_free(&z);
    free(h);
    gd_meta_free(meta);
    gd_manifest_free(mf);
    return 0;
}
