// cmd_report.c: `gendang-eval report REF EST -o DIR`: metrics.json, report.md and report.html
// with per-clip tables, side-by-side log-frequency spectrogram PNGs, <audio> players (16-bit
// WAV copies under DIR/audio, referenced by relative paths so the page works from file://
// with no network), transfer-example players and a loss-curve PNG from a training log.csv.
// The metric definitions (docs/eval-metrics.md) are copied next to report.html and linked.
#include "eval/cmds.h"

#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>       // readlink

#include "core/cli.h"     // defines: gd_die, gd_usage, gd_opt_*, gd_cli_quiet
#include "core/csv.h"     // defines: gd_csv_*
#include "core/fileio.h"  // defines: gd_atomic_*, gd_mkdir_p, gd_path_join
#include "core/log.h"     // defines: gd_info, gd_warn
#include "eval/plot.h"    // defines: ev_plot_*, ev_png_write
#include "eval/report_arms.h" // defines: ev_arms_*, ev_html_esc
#include "eval/report_attr.h" // defines: ev_attr_*
#include "eval/summary.h" // defines: ev_summarise
#include "eval/visqol_seq.h" // defines: ev_visqol_sequence

#define MAX_TRANSFER 32
#define MAX_COMPARE 16

typedef struct {
    const char *dir, *title, *log_csv;
    const char *transfer[MAX_TRANSFER];
    const char *compare[MAX_COMPARE];     // `compare` outputs to include verbatim
    int         n_transfer, n_compare, max_media;
    int         has_defs;                 // DIR/eval-metrics.md written (the pages link it)
    ev_pair_opts opts;
    ev_arms     arms;                     // --arm / --baseline
    const char *attr_dir;                 // --attribution before any --transfer (NULL: none)
    ev_attr     attr;
    const char *transfer_attr[MAX_TRANSFER];   // --attribution after transfer t, or NULL
    ev_attr     tattr[MAX_TRANSFER];
    ev_visqol_sequence_result vseq;       // ViSQOL of the clips joined (visqol_seq.h)
    double      vseq_gap;                 // --visqol-gap
} report_cfg;

static const int k_cols[] = {EV_RAVE_MSS, EV_MRSTFT, EV_MEL_L1, EV_LSD_DB, EV_MCD_DB,
                             EV_SI_SDR_DB, EV_LOUD_DIFF, EV_MMAX_DIFF, EV_ONSET_F_20,
                             EV_ATTACK_MS_ERR, EV_ENVELOPE_L1_DB, EV_DECAY_T60_ERR,
                             EV_F0_ERR_CENTS};
#define N_COLS ((int)(sizeof k_cols / sizeof k_cols[0]))

static char *joinf(const char *dir, const char *fmt, ...) {
    char name[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof name, fmt, ap);
    va_end(ap);
    char *p = gd_path_join(dir, name);
    if (!p) gd_die("out of memory");
    return p;
}

static void cell(FILE *f, const ev_pair_result *r, int m) {
    if (r->why[m]) fputs("–", f); else fprintf(f, "%.4g", r->value[m]);
}

// ---------------------------------------------------------------------------- media

// 16-bit WAV copy of src at dst (native rate and channels); mono mix to *mono if asked.
static void copy_audio(const char *src, const char *dst, uint64_t seed, float **mono, int64_t *n, int *rate) {
    gd_audio a = {0};
    if (gd_audio_read(&a, src, 0, 0)) gd_die("%s: cannot read audio", src);
    gd_write_opts wo = gd_write_opts_default();
    wo.format = GD_PCM16;
    wo.dither_seed = seed;
    if (gd_audio_write(dst, &a, &wo, NULL)) gd_die("%s: cannot write", dst);
    if (mono) {
        *mono = malloc(sizeof(float) * a.n_frames);
        if (!*mono) gd_die("out of memory");
        for (int64_t i = 0; i < a.n_frames; i++) {
            double s = 0;
            for (int c = 0; c < a.n_channels; c++) s += a.data[(int64_t)c * a.n_frames + i];
            (*mono)[i] = (float)(s / a.n_channels);
        }
        *n = a.n_frames;
        *rate = a.rate;
    }
    gd_audio_free(&a);
}

static void make_media(const report_cfg *c, const ev_item *items, int n) {
    char *adir = gd_path_join(c->dir, "audio"), *idir = gd_path_join(c->dir, "img");
    if (gd_mkdir_p(adir) || gd_mkdir_p(idir)) gd_die("%s: cannot create folders", c->dir);
    int m = n < c->max_media ? n : c->max_media, failed = 0;
#pragma omp parallel for schedule(dynamic, 1)
    for (int i = 0; i < m; i++) {
        char *ra = joinf(adir, "%04d_ref.wav", i), *ea = joinf(adir, "%04d_est.wav", i);
        char *png = joinf(idir, "%04d_spec.png", i);
        float *r, *e;
        int64_t nr, ne;
        int rr, re;
        copy_audio(items[i].ref, ra, 2 * (uint64_t)i, &r, &nr, &rr);
        copy_audio(items[i].est, ea, 2 * (uint64_t)i + 1, &e, &ne, &re);
        ev_image im = {0};
        if (re != rr) {   // show the estimate at the reference's rate so the axes agree
            gd_audio a = {0};
            if (gd_audio_read(&a, items[i].est, rr, 1) == 0) {
                free(e);
                e = a.data; ne = a.n_frames;   // take the buffer over from a
                re = rr;
            }
        }
        if (ev_plot_spectrograms(&im, r, nr, re == rr ? e : NULL, ne, rr, 256, 480, 90.0) ||
            ev_png_write(png, &im)) {
#pragma omp atomic write
            failed = 1;
        }
        ev_image_free(&im);
        free(r); free(e); free(ra); free(ea); free(png);
    }
    if (failed) gd_die("%s: cannot write spectrogram images", idir);
    for (int t = 0; t < c->n_transfer; t++) {
        char *dst = joinf(adir, "transfer_%02d.wav", t);
        copy_audio(c->transfer[t], dst, 1000 + (uint64_t)t, NULL, NULL, NULL);
        free(dst);
    }
    free(adir); free(idir);
}

// Loss curves from log.csv (column "step" plus every column whose name contains "loss").
// Returns the number of series drawn (0: none); names/colours go to the legend.
static int make_loss_plot(const report_cfg *c, char names[8][64], double *y_lo, double *y_hi) {
    gd_csv *csv;
    if (gd_csv_read(&csv, c->log_csv)) gd_die("%s: cannot read training log", c->log_csv);
    int sc = gd_csv_col(csv, "step");
    if (sc < 0) {
        gd_warn("%s: no step column; no loss plot", c->log_csv);
        gd_csv_free(csv);
        return 0;
    }
    int cols[8], ns = 0;
    for (int k = 0; k < csv->n_cols && ns < 8; k++)
        if (strstr(csv->header[k], "loss")) { cols[ns] = k; snprintf(names[ns], 64, "%s", csv->header[k]); ns++; }
    if (ns == 0)   // no *loss* column: plot every other column that parses as numbers
        for (int k = 0; k < csv->n_cols && ns < 8; k++) {
            if (k == sc || csv->n_rows == 0) continue;
            char *end;
            const char *v = gd_csv_get(csv, 0, k);
            strtod(v, &end);
            if (end != v && *end == '\0') { cols[ns] = k; snprintf(names[ns], 64, "%s", csv->header[k]); ns++; }
        }
    if (ns == 0) {
        gd_warn("%s: no numeric columns besides step; no loss plot", c->log_csv);
        gd_csv_free(csv);
        return 0;
    }
    int n = csv->n_rows, all_pos = 1;
    double *x = malloc(sizeof(double) * (n + 1)), *ys[8];
    for (int s = 0; s < ns; s++) ys[s] = malloc(sizeof(double) * (n + 1));
    for (int i = 0; i < n; i++) {
        char *end;
        const char *v = gd_csv_get(csv, i, sc);
        x[i] = strtod(v, &end);
        if (end == v) x[i] = NAN;
        for (int s = 0; s < ns; s++) {
            v = gd_csv_get(csv, i, cols[s]);
            ys[s][i] = strtod(v, &end);
            if (end == v || !isfinite(ys[s][i])) ys[s][i] = NAN;
            else if (ys[s][i] <= 0) all_pos = 0;
        }
    }
    ev_image im = {0};
    char *png = joinf(c->dir, "img/loss.png");
    if (ev_plot_lines(&im, 720, 320, x, (const double *const *)ys, ns, n, all_pos, y_lo, y_hi) ||
        ev_png_write(png, &im))
        gd_die("%s: cannot write", png);
    ev_image_free(&im);
    free(png); free(x);
    for (int s = 0; s < ns; s++) free(ys[s]);
    gd_csv_free(csv);
    return ns | (all_pos << 8);
}

// ---------------------------------------------------------------------------- documents

// docs/eval-metrics.md found next to the binary, as train finds its configs: bin/../docs in
// the source tree (build/san/bin/../../../docs for the sanitizer build),
// PREFIX/share/gendang/docs after `make install`. malloc'd path or NULL.
static char *find_definitions(void) {
    static const char *const rel[] = {"../docs/eval-metrics.md", "../../../docs/eval-metrics.md",
                                      "../share/gendang/docs/eval-metrics.md"};
    return gd_find_beside_exe(rel, (int)(sizeof rel / sizeof rel[0]));
}

// Copies the metric definitions to DIR/eval-metrics.md, so the report's link works wherever
// the folder goes; returns 0 (with a warning) when the binary has none beside it.
static int copy_definitions(const report_cfg *c) {
    char *src = find_definitions();
    if (!src) {
        gd_warn("eval-metrics.md not found next to the binary (../docs or ../share/gendang/docs); "
                "the report names the definitions without a link");
        return 0;
    }
    char *txt, *dst = joinf(c->dir, "eval-metrics.md");
    size_t len;
    if (gd_read_file(src, &txt, &len)) gd_die("%s: cannot read", src);
    gd_atomic a;
    if (gd_atomic_open(&a, dst, "w")) gd_die("%s: cannot write", dst);
    if (fwrite(txt, 1, len, a.f) != len) { gd_atomic_abort(&a); gd_die("%s: cannot write", dst); }
    if (gd_atomic_commit(&a)) gd_die("%s: cannot write", dst);
    free(txt); free(dst); free(src);
    return 1;
}

static void write_metrics_json(const report_cfg *c, const ev_pair_result *res, const ev_item *items, int n) {
    char *path = joinf(c->dir, "metrics.json");
    gd_atomic a;
    if (gd_atomic_open(&a, path, "w")) gd_die("%s: cannot write", path);
    gd_json j;
    gd_json_init(&j, a.f);
    gd_json_begin_object(&j);
    gd_json_key(&j, "tool"); gd_json_string(&j, "gendang-eval report");
    gd_json_key(&j, "version"); gd_json_string(&j, GD_VERSION);
    gd_json_key(&j, "definitions");
    gd_json_string(&j, c->has_defs ? "eval-metrics.md" : "docs/eval-metrics.md (gendang source)");
    gd_json_key(&j, "params");
    gd_json_begin_object(&j);
    gd_json_key(&j, "align"); gd_json_bool(&j, c->opts.align);
    gd_json_key(&j, "max_lag_ms"); gd_json_number(&j, c->opts.max_lag_ms);
    gd_json_key(&j, "rave_mss"); gd_json_string(&j, "RAVE-v1 spectral distance, scales 2048..128, hop s/4, eps 1e-7, summed");
    gd_json_key(&j, "mrstft"); gd_json_string(&j, "auraloss MR-STFT defaults (1024/120/600, 2048/240/1200, 512/50/240)");
    gd_json_key(&j, "mel_l1"); gd_json_string(&j, "DAC multi-scale log10 mel L1, windows 32..2048, 5..320 Slaney mels, summed");
    gd_json_key(&j, "lsd_db"); gd_json_string(&j, "LSD-dB-v1, 2048/512, floor max*1e-8");
    gd_json_key(&j, "mcd_db"); gd_json_string(&j, "MCD-MFCC13-lnpow-noC0, 128 Slaney mels, 2048/512");
    gd_json_key(&j, "loudness"); gd_json_string(&j, "libebur128 BS.1770-4 integrated, files under 400 ms padded to one block");
    gd_json_end_object(&j);
    gd_json_key(&j, "n_pairs"); gd_json_int(&j, n);
    gd_json_key(&j, "pairs");
    gd_json_begin_array(&j);
    for (int i = 0; i < n; i++) ev_pair_write_json_group(&j, &res[i], items[i].clip, items[i].group, items[i].ref, items[i].est);
    gd_json_end_array(&j);
    gd_json_key(&j, "summary");
    ev_write_summary_json(&j, res, n);
    if (n) { gd_json_key(&j, "visqol_sequence"); ev_visqol_sequence_json(&j, &c->vseq); }
    if (c->arms.n) {
        gd_json_key(&j, "primary"); gd_json_string(&j, ev_metric_key(c->arms.primary));
        gd_json_key(&j, "models_and_baselines");
        ev_arms_json(&j, &c->arms);
    }
    gd_json_end_object(&j);
    fputc('\n', a.f);
    if (gd_atomic_commit(&a)) gd_die("%s: cannot write", path);
    free(path);
}

// DIR/pairs.jsonl: the `pair --json` lines, so `compare` can take a report folder.
static void write_pairs_jsonl(const report_cfg *c, const ev_pair_result *res, const ev_item *items, int n) {
    char *path = joinf(c->dir, "pairs.jsonl");
    gd_atomic a;
    if (gd_atomic_open(&a, path, "w")) gd_die("%s: cannot write", path);
    for (int i = 0; i < n; i++) {
        gd_json j;
        gd_json_init(&j, a.f);
        ev_pair_write_json_group(&j, &res[i], items[i].clip, items[i].group, items[i].ref, items[i].est);
        fputc('\n', a.f);
    }
    if (gd_atomic_commit(&a)) gd_die("%s: cannot write", path);
    free(path);
}

static void write_md(const report_cfg *c, const ev_pair_result *res, const ev_item *items, int n,
                     int n_loss) {
    char *path = joinf(c->dir, "report.md");
    gd_atomic a;
    if (gd_atomic_open(&a, path, "w")) gd_die("%s: cannot write", path);
    FILE *f = a.f;
    if (n) fprintf(f, "# %s\n\n%d pairs. Metric definitions: %s. "
                      "Open report.html for spectrograms and audio players.\n\n", c->title, n,
                   c->has_defs ? "[eval-metrics.md](eval-metrics.md)"
                               : "docs/eval-metrics.md (gendang source)");
    else fprintf(f, "# %s\n\n", c->title);
    if (c->arms.n) ev_arms_md(f, &c->arms);
    if (n) {
        fprintf(f, "## Summary\n\n```\n");
        ev_write_summary_text(f, res, n);
        ev_visqol_sequence_text(f, &c->vseq);
        fprintf(f, "```\n\n## Per clip\n\n| clip | lag ms |");
        for (int k = 0; k < N_COLS; k++) fprintf(f, " %s |", ev_metric_key(k_cols[k]));
        fprintf(f, "\n|---|---|");
        for (int k = 0; k < N_COLS; k++) fprintf(f, "---|");
        fprintf(f, "\n");
    }
    for (int i = 0; i < n; i++) {
        fprintf(f, "| %s | %.2f |", items[i].clip, res[i].lag_ms);
        for (int k = 0; k < N_COLS; k++) { fputc(' ', f); cell(f, &res[i], k_cols[k]); fputs(" |", f); }
        fprintf(f, "\n");
    }
    int m = n < c->max_media ? n : c->max_media;
    if (m || c->n_transfer) fprintf(f, "\n## Spectrograms and audio\n\n");
    for (int i = 0; i < m; i++)
        fprintf(f, "- %s: ![spectrogram](img/%04d_spec.png) [reference](audio/%04d_ref.wav), "
                   "[estimate](audio/%04d_est.wav)\n", items[i].clip, i, i, i);
    for (int t = 0; t < c->n_transfer; t++) {
        fprintf(f, "- transfer %s: [audio](audio/transfer_%02d.wav)\n", c->transfer[t], t);
        if (c->transfer_attr[t]) {
            char img[64];
            snprintf(img, sizeof img, "img/attribution_%02d.png", t);
            ev_attr_md(f, &c->tattr[t], img, 0);
        }
    }
    if (n_loss) fprintf(f, "\n## Training loss\n\n![loss](img/loss.png)\n");
    if (c->attr_dir) ev_attr_md(f, &c->attr, "img/attribution.png", 1);
    for (int k = 0; k < c->n_compare; k++) {
        char *txt;
        size_t len;
        if (gd_read_file(c->compare[k], &txt, &len)) gd_die("%s: cannot read", c->compare[k]);
        fprintf(f, "\n## Comparison: %s\n\n```\n%s%s```\n", gd_path_basename(c->compare[k]), txt,
                len && txt[len - 1] == '\n' ? "" : "\n");
        free(txt);
    }
    if (gd_atomic_commit(&a)) gd_die("%s: cannot write", path);
    free(path);
}

static void write_html(const report_cfg *c, const ev_pair_result *res, const ev_item *items, int n,
                       int n_loss, char names[8][64], double y_lo, double y_hi, int log_y) {
    char *path = joinf(c->dir, "report.html");
    gd_atomic a;
    if (gd_atomic_open(&a, path, "w")) gd_die("%s: cannot write", path);
    FILE *f = a.f;
    fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>");
    ev_html_esc(f, c->title);
    fprintf(f, "</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1200px}"
               "table{border-collapse:collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;"
               "text-align:right}td:first-child,th:first-child{text-align:left}"
               ".clip{margin:1.5em 0;padding-top:.5em;border-top:1px solid #ddd}img{display:block;margin:.3em 0}"
               ".k{display:inline-block;width:12px;height:12px;margin-right:4px}audio{vertical-align:middle}"
               "</style></head><body>\n<h1>");
    ev_html_esc(f, c->title);
    fputs("</h1>\n", f);
    if (n)
        fprintf(f, "<p>%d pairs (reference vs estimate), lag-aligned within &plusmn;%.0f ms. "
                   "Definitions: %s; &ndash; marks an undefined value "
                   "(its reason is in metrics.json). ", n, c->opts.max_lag_ms,
                c->has_defs ? "<a href=\"eval-metrics.md\">eval-metrics.md</a>"
                            : "docs/eval-metrics.md (gendang source)");
    else
        fputs("<p>", f);
    fputs("Machine-readable: <a href=\"metrics.json\">metrics.json</a>, <a href=\"report.md\">report.md</a>.</p>\n", f);
    if (c->arms.n) ev_arms_html(f, &c->arms);
    if (n) {
        fputs("<h2>Summary</h2>\n<table><tr><th>metric</th><th>n</th><th>mean</th><th>median</th><th>sd</th>"
              "<th>min</th><th>max</th></tr>\n", f);
        double *col = malloc(sizeof(double) * n);
        if (!col) gd_die("out of memory");
        for (int m = 0; m < EV_N_METRICS; m++) {
            for (int i = 0; i < n; i++) col[i] = res[i].why[m] ? NAN : res[i].value[m];
            ev_summary s = ev_summarise(col, n);
            fprintf(f, "<tr><td>%s</td><td>%d</td>", ev_metric_key(m), s.n);
            double v[5] = {s.mean, s.median, s.sd, s.min, s.max};
            for (int k = 0; k < 5; k++) { if (isfinite(v[k])) fprintf(f, "<td>%.4g</td>", v[k]); else fputs("<td>&ndash;</td>", f); }
            fputs("</tr>\n", f);
        }
        free(col);
        fputs("</table>\n<p>", f);
        ev_visqol_sequence_text(f, &c->vseq);
        fputs("</p>\n<h2>Per clip</h2>\n<table><tr><th>clip</th><th>lag ms</th>", f);
        for (int k = 0; k < N_COLS; k++) fprintf(f, "<th>%s</th>", ev_metric_key(k_cols[k]));
        fputs("</tr>\n", f);
        for (int i = 0; i < n; i++) {
            fputs("<tr><td>", f);
            ev_html_esc(f, items[i].clip);
            fprintf(f, "</td><td>%.2f</td>", res[i].lag_ms);
            for (int k = 0; k < N_COLS; k++) { fputs("<td>", f); cell(f, &res[i], k_cols[k]); fputs("</td>", f); }
            fputs("</tr>\n", f);
        }
        fputs("</table>\n", f);
    }
    if (n_loss) {
        fprintf(f, "<h2>Training loss</h2>\n<img src=\"img/loss.png\" alt=\"loss curves\" width=\"720\" height=\"320\">\n"
                   "<p>x: step; y: %s scale from %.4g (bottom) to %.4g (top). ", log_y ? "log" : "linear", y_lo, y_hi);
        for (int s = 0; s < n_loss; s++) {
            fprintf(f, "<span class=\"k\" style=\"background:%s\"></span>", ev_plot_color_hex(s));
            ev_html_esc(f, names[s]);
            fputs(" &nbsp; ", f);
        }
        fputs("</p>\n", f);
    }
    if (c->attr_dir) ev_attr_html(f, &c->attr, "img/attribution.png", 1);
    for (int k = 0; k < c->n_compare; k++) {
        char *txt;
        size_t len;
        if (gd_read_file(c->compare[k], &txt, &len)) gd_die("%s: cannot read", c->compare[k]);
        fputs("<h2>Comparison: ", f);
        ev_html_esc(f, gd_path_basename(c->compare[k]));
        fputs("</h2>\n<pre>", f);
        ev_html_esc(f, txt);
        fputs("</pre>\n", f);
        free(txt);
    }
    if (c->n_transfer) {
        fputs("<h2>Transfer examples</h2>\n", f);
        for (int t = 0; t < c->n_transfer; t++) {
            fputs("<p>", f);
            ev_html_esc(f, c->transfer[t]);
            fprintf(f, " <audio controls preload=\"none\" src=\"audio/transfer_%02d.wav\"></audio></p>\n", t);
            if (c->transfer_attr[t]) {
                char img[64];
                snprintf(img, sizeof img, "img/attribution_%02d.png", t);
                ev_attr_html(f, &c->tattr[t], img, 0);
            }
        }
    }
    int m = n < c->max_media ? n : c->max_media;
    if (n) fprintf(f, "<h2>Listen and look</h2>\n<p>Spectrograms: log frequency 20 Hz to Nyquist (faint "
               "lines at 100 Hz, 1 kHz, 10 kHz), 90 dB range relative to the reference's loudest "
               "bin; reference left, estimate right.%s</p>\n",
            m < n ? " Only the first clips are shown (--max-media)." : "");
    for (int i = 0; i < m; i++) {
        fputs("<div class=\"clip\"><b>", f);
        ev_html_esc(f, items[i].clip);
        fprintf(f, "</b> &mdash; rave_mss ");
        cell(f, &res[i], EV_RAVE_MSS);
        fprintf(f, ", lag %.2f ms<br>\n<img src=\"img/%04d_spec.png\" alt=\"spectrograms\">\n"
                   "reference <audio controls preload=\"none\" src=\"audio/%04d_ref.wav\"></audio>\n"
                   "estimate <audio controls preload=\"none\" src=\"audio/%04d_est.wav\"></audio></div>\n",
                res[i].lag_ms, i, i, i);
    }
    fputs("</body></html>\n", f);
    if (gd_atomic_commit(&a)) gd_die("%s: cannot write", path);
    free(path);
}

// ---------------------------------------------------------------------------- command

static void usage(void) {
    printf("Usage: gendang-eval report [OPTIONS] [REF EST] -o DIR\n"
           "Evaluates EST against REF (files, folders or metadata.csv files, as for `pair`) and\n"
           "writes DIR/metrics.json, DIR/pairs.jsonl (as `pair --json`; `compare` accepts DIR),\n"
           "DIR/report.md and DIR/report.html with spectrogram images\n"
           "(DIR/img), 16-bit WAV copies for the audio players (DIR/audio) and the metric\n"
           "definitions the pages link to (DIR/eval-metrics.md, a copy of docs/eval-metrics.md). Open\n"
           "DIR/report.html in a browser (works from the file system, no network).\n\n"
           "  -o, --out DIR        output folder (created)\n"
           "  --log CSV            training log with a step column and *loss* columns (else every\n"
           "                       numeric column): loss plot\n"
           "  --compare FILE       include a `gendang-eval compare` output (repeatable, up to %d)\n"
           "  --transfer FILE      add a transfer example player (repeatable, up to %d)\n"
           "  --attribution DIR    timeline and summary from the folder `gendang-train\n"
           "                       attribute -o DIR` wrote: under the transfer example given\n"
           "                       just before it, or as a section of its own when first\n"
           "  --title TEXT         page title\n"
           "  --max-media N        images and players for the first N clips (default 200)\n"
           "  --arm NAME=P1.jsonl[,P2.jsonl...]   a model's `pair --json` results, one file per\n"
           "                       seed (repeatable): the models-and-baselines table\n"
           "  --baseline NAME=P.jsonl   a baseline's results (repeatable; e.g. `nearest`'s\n"
           "                       pairs.jsonl): shown beside the models, with a sentence for\n"
           "                       each model below it\n"
           "  --primary KEY        the metric models and baselines are ranked on (default rave_mss)\n"
           "  --no-align, --max-lag-ms MS, --rate HZ   as for `pair`\n"
           "  --visqol-gap S       silence after each clip in the summary's ViSQOL sequence (all\n"
           "                       clips joined, as `pair --visqol-sequence`; default 0.25)\n"
           "  -q, --quiet          " GD_CLI_QUIET_HELP "\n"
           "  -h, --help           this help\n"
           "REF and EST may be left out when --arm or --baseline is given (a report of the\n"
           "table, comparisons, loss curve and transfer examples alone).\n"
           "Exit status: 0 ok, 1 runtime error, 2 usage error.\n", MAX_COMPARE, MAX_TRANSFER);
}

int ev_cmd_report(int argc, char **argv) {
    enum { O_ARM = 256, O_BASE, O_PRIMARY, O_ATTR, O_VGAP };
    static const struct option lo[] = {
        {"arm", required_argument, 0, O_ARM}, {"baseline", required_argument, 0, O_BASE},
        {"primary", required_argument, 0, O_PRIMARY}, {"attribution", required_argument, 0, O_ATTR},
        {"visqol-gap", required_argument, 0, O_VGAP},
        {"out", required_argument, 0, 'o'}, {"log", required_argument, 0, 'l'},
        {"transfer", required_argument, 0, 't'}, {"title", required_argument, 0, 'T'},
        {"compare", required_argument, 0, 'C'},
        {"max-media", required_argument, 0, 'M'}, {"no-align", no_argument, 0, 'A'},
        {"max-lag-ms", required_argument, 0, 'L'}, {"rate", required_argument, 0, 'r'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    report_cfg c = {0};
    const char *primary = "rave_mss";
    c.title = "gendang evaluation report";
    c.max_media = 200;
    c.vseq_gap = EV_VISQOL_GAP_S;
    ev_pair_opts_default(&c.opts);
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:qh", lo, NULL)) != -1) {
        switch (ch) {
        case 'o': c.dir = optarg; break;
        case 'l': c.log_csv = optarg; break;
        case 't':
            if (c.n_transfer == MAX_TRANSFER) gd_usage("--transfer: at most %d files", MAX_TRANSFER);
            c.transfer[c.n_transfer++] = optarg; break;
        case 'T': c.title = optarg; break;
        case 'C':
            if (c.n_compare == MAX_COMPARE) gd_usage("--compare: at most %d files", MAX_COMPARE);
            c.compare[c.n_compare++] = optarg; break;
        case 'M': c.max_media = (int)gd_opt_int("--max-media", optarg, 0, 100000); break;
        case 'A': c.opts.align = 0; break;
        case 'L': c.opts.max_lag_ms = gd_opt_double("--max-lag-ms", optarg, 0, 1000); break;
        case 'r': c.opts.rate = (int)gd_opt_int("--rate", optarg, 1000, 768000); break;
        case O_ARM: ev_arms_add(&c.arms, optarg, 0); break;
        case O_BASE: ev_arms_add(&c.arms, optarg, 1); break;
        case O_PRIMARY: primary = optarg; break;
        case O_ATTR:   // after a --transfer: that example's timeline
            if (c.n_transfer) c.transfer_attr[c.n_transfer - 1] = optarg;
            else c.attr_dir = optarg;
            break;
        case O_VGAP: c.vseq_gap = gd_opt_double("--visqol-gap", optarg, 0, 60); break;
        case 'q': gd_cli_quiet(); break;
        case 'h': usage(); return 0;
        default: gd_usage("report: unknown option");
        }
    }
    const int has_pairs = argc - optind == 2;
    if (!has_pairs && (argc != optind || !c.arms.n)) gd_usage("report: need REF and EST (or --arm/--baseline)");
    c.arms.primary = ev_metric_find(primary);
    if (c.arms.primary < 0 || ev_metric_better(c.arms.primary) == 0)
        gd_usage("--primary: '%s' is not a comparable metric", primary);
    if (!c.dir) gd_usage("report: -o DIR is required");
    for (int k = 0; k < c.n_compare; k++)
        if (!gd_path_exists(c.compare[k])) gd_die("%s: no such file (--compare)", c.compare[k]);
    for (int k = 0; k < c.n_transfer; k++)
        if (!gd_path_exists(c.transfer[k])) gd_die("%s: no such file (--transfer)", c.transfer[k]);
    if (c.log_csv && !gd_path_exists(c.log_csv)) gd_die("%s: no such file (--log)", c.log_csv);
    ev_arms_read(&c.arms);
    char err[1024];
    if (c.attr_dir && ev_attr_read(&c.attr, c.attr_dir, err, sizeof err)) gd_die("%s", err);
    for (int t = 0; t < c.n_transfer; t++)
        if (c.transfer_attr[t] && ev_attr_read(&c.tattr[t], c.transfer_attr[t], err, sizeof err)) gd_die("%s", err);
    ev_item *items = NULL;
    int n = 0;
    if (has_pairs && ev_items_build(&items, &n, argv[optind], argv[optind + 1], err, sizeof err)) gd_die("%s", err);
    ev_pair_result *res = calloc(n > 0 ? n : 1, sizeof *res);
    if (!res) gd_die("out of memory");
    int bad = ev_run_items(res, items, n, &c.opts);
    if (bad >= 0) gd_die("cannot evaluate %s against %s (unreadable or not audio)", items[bad].est, items[bad].ref);
    if (n && ev_visqol_sequence(&c.vseq, items, n, c.vseq_gap, &bad))
        gd_die("visqol sequence: %s", bad >= 0 ? items[bad].est : "out of memory");
    if (gd_mkdir_p(c.dir)) gd_die("%s: cannot create", c.dir);
    make_media(&c, items, n);
    c.has_defs = copy_definitions(&c);
    if (c.attr_dir) {
        char *png = joinf(c.dir, "img/attribution.png");
        if (ev_attr_plot(&c.attr, png)) gd_die("%s: cannot write", png);
        free(png);
    }
    for (int t = 0; t < c.n_transfer; t++) {
        if (!c.transfer_attr[t]) continue;
        char *png = joinf(c.dir, "img/attribution_%02d.png", t);
        if (ev_attr_plot(&c.tattr[t], png)) gd_die("%s: cannot write", png);
        free(png);
    }
    char names[8][64];
    double y_lo = 0, y_hi = 0;
    int loss = c.log_csv ? make_loss_plot(&c, names, &y_lo, &y_hi) : 0;
    write_metrics_json(&c, res, items, n);
    if (has_pairs) write_pairs_jsonl(&c, res, items, n);
    write_md(&c, res, items, n, loss & 0xff);
    write_html(&c, res, items, n, loss & 0xff, names, y_lo, y_hi, loss >> 8);
    gd_info("report: %d pairs, %d models and baselines; open %s/report.html", n, c.arms.n, c.dir);
    free(res);
    ev_items_free(items, n);
    ev_arms_free(&c.arms);
    ev_attr_free(&c.attr);
    for (int t = 0; t < c.n_transfer; t++) if (c.transfer_attr[t]) ev_attr_free(&c.tattr[t]);
    return 0;
}
