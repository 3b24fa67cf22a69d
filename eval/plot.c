// plot.c: spectrogram and line-plot rasters, PNG output through libpng (see plot.h).
#include "eval/plot.h"

#include <math.h>
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"   // defines: GD_ERR_*
#include "core/fileio.h"  // defines: gd_tmp_path_for, gd_rename_into_place
#include "eval/spec.h"    // defines: ev_stft_power

int ev_image_init(ev_image *im, int w, int h, uint8_t r, uint8_t g, uint8_t b) {
    im->w = w; im->h = h;
    im->rgb = malloc((size_t)w * h * 3);
    if (!im->rgb) return GD_ERR_NOMEM;
    for (size_t i = 0; i < (size_t)w * h; i++) { im->rgb[3 * i] = r; im->rgb[3 * i + 1] = g; im->rgb[3 * i + 2] = b; }
    return 0;
}

void ev_image_free(ev_image *im) {
    if (!im) return;
    free(im->rgb);
    im->rgb = NULL;
}

int ev_png_write(const char *path, const ev_image *im) {
    char *tmp = gd_tmp_path_for(path);
    if (!tmp) return GD_ERR_NOMEM;
    FILE *f = fopen(tmp, "wb");
    if (!f) { free(tmp); return GD_ERR_IO; }
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, NULL, NULL, NULL);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    png_bytep *rows = malloc(sizeof(png_bytep) * im->h);
    if (!png || !info || !rows || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows); fclose(f); remove(tmp); free(tmp);
        return GD_ERR_IO;
    }
    png_init_io(png, f);
    png_set_IHDR(png, info, im->w, im->h, 8, PNG_COLOR_TYPE_RGB, PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    for (int y = 0; y < im->h; y++) rows[y] = im->rgb + (size_t)y * im->w * 3;
    png_write_info(png, info);
    png_write_image(png, rows);
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    free(rows);
    if (fclose(f)) { remove(tmp); free(tmp); return GD_ERR_IO; }
    int rc = gd_rename_into_place(tmp, path);
    free(tmp);
    return rc ? GD_ERR_IO : 0;
}

// ---------------------------------------------------------------------------- colours

// Dark-to-bright perceptual ramp (black, purple, magenta-red, orange, pale yellow).
static void ramp(double v, uint8_t out[3]) {
    static const double stops[6][3] = {{0, 0, 4}, {40, 11, 84}, {101, 21, 110},
                                       {187, 55, 84}, {249, 142, 9}, {252, 255, 164}};
    v = v < 0 ? 0 : v > 1 ? 1 : v;
    double p = v * 5;
    int i = (int)p;
    if (i >= 5) i = 4;
    double f = p - i;
    for (int c = 0; c < 3; c++) out[c] = (uint8_t)lround(stops[i][c] + f * (stops[i + 1][c] - stops[i][c]));
}

// Series and label colours: matplotlib's tab10 order, then twelve more distinct hues (tab20b
// darks, tab20 lights), so an attribution timeline of up to 20 labels needs no repeats.
// Grey is left out: the timelines use it for frames below the floor.
static const char *const k_colors[] = {
    "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf",
    "#bcbd22", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#aec7e8", "#ff9896",
    "#98df8a", "#ffbb78", "#c5b0d5", "#9edae5"};
#define N_COLORS ((int)(sizeof k_colors / sizeof k_colors[0]))

void ev_plot_color(int k, uint8_t rgb[3]) {
    unsigned v = (unsigned)strtoul(k_colors[k % N_COLORS] + 1, NULL, 16);
    rgb[0] = (uint8_t)(v >> 16); rgb[1] = (uint8_t)(v >> 8); rgb[2] = (uint8_t)v;
}

const char *ev_plot_color_hex(int k) { return k_colors[k % N_COLORS]; }

// ---------------------------------------------------------------------------- spectrograms

// Power spectrogram (T, F) of x for the panel (malloc'd); *T frames.
static float *panel_pow(const float *x, int64_t n, int hop, int64_t *T) {
    ev_stft_cfg cfg = {2048, hop, 2048, EV_PAD_ZERO};
    *T = ev_stft_frames(&cfg, n);
    float *p = malloc(sizeof(float) * (size_t)(*T) * 1025);
    if (p && ev_stft_power(p, x, n, &cfg)) { free(p); return NULL; }
    return p;
}

static void put(ev_image *im, int x, int y, const uint8_t c[3]) {
    if (x < 0 || y < 0 || x >= im->w || y >= im->h) return;
    memcpy(im->rgb + ((size_t)y * im->w + x) * 3, c, 3);
}

// Draws power spectrogram p (T, 1025) at columns x0..x0+T-1, rows 0..height-1 (log f).
static void draw_panel(ev_image *im, int x0, const float *p, int64_t T, int rate, int height,
                       double ref_db, double range_db) {
    const double nyq = rate / 2.0, f_lo = 20.0, bin_hz = rate / 2048.0;
    for (int y = 0; y < height; y++) {
        double f = f_lo * exp(log(nyq / f_lo) * (double)(height - 1 - y) / (height - 1));
        double fb = f / bin_hz;
        int k = (int)fb;
        if (k > 1023) k = 1023;
        double a = fb - k;
        for (int64_t t = 0; t < T; t++) {
            double v = (1 - a) * p[t * 1025 + k] + a * p[t * 1025 + k + 1];
            double db = 10 * log10(v + 1e-30) - ref_db;
            uint8_t c[3];
            ramp(1 + db / range_db, c);
            put(im, x0 + (int)t, y, c);
        }
    }
    static const double grid[3] = {100, 1000, 10000};
    const uint8_t line[3] = {200, 200, 200};
    for (int g = 0; g < 3; g++) {
        if (grid[g] >= nyq) continue;
        int y = (int)lround((height - 1) * (1 - log(grid[g] / f_lo) / log(nyq / f_lo)));
        for (int64_t t = 0; t < T; t += 4) put(im, x0 + (int)t, y, line);
    }
}

int ev_plot_spectrograms(ev_image *im, const float *ref, int64_t n_ref, const float *est,
                         int64_t n_est, int rate, int height, int max_w, double range_db) {
    int64_t n_max = n_est > n_ref ? n_est : n_ref;
    int hop = 64;
    while (n_max / hop + 1 > max_w) hop *= 2;
    int64_t Tr, Te = 0;
    float *pr = panel_pow(ref, n_ref, hop, &Tr), *pe = est ? panel_pow(est, n_est, hop, &Te) : NULL;
    if (!pr || (est && !pe)) { free(pr); free(pe); return GD_ERR_NOMEM; }
    double mx = 1e-30;
    for (int64_t i = 0; i < Tr * 1025; i++) if (pr[i] > mx) mx = pr[i];
    int64_t panel = Tr > Te ? Tr : Te;
    int w = (int)(est ? 2 * panel + 8 : panel);
    int rc = ev_image_init(im, w, height, 255, 255, 255);
    if (!rc) {
        draw_panel(im, 0, pr, Tr, rate, height, 10 * log10(mx), range_db);
        if (est) draw_panel(im, (int)panel + 8, pe, Te, rate, height, 10 * log10(mx), range_db);
    }
    free(pr); free(pe);
    return rc;
}

// ---------------------------------------------------------------------------- line plots

static void line(ev_image *im, int x0, int y0, int x1, int y1, const uint8_t c[3]) {
    int dx = abs(x1 - x0), dy = -abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (;;) {
        put(im, x0, y0, c);
        put(im, x0, y0 + 1, c);   // 2 px thick
        if (x0 == x1 && y0 == y1) break;
        int e2 = 2 * err;
        if (e2 >= dy) { err += dy; x0 += sx; }
        if (e2 <= dx) { err += dx; y0 += sy; }
    }
}

int ev_plot_lines(ev_image *im, int w, int h, const double *x, const double *const *ys,
                  int n_series, int n, int log_y, double *y_lo, double *y_hi) {
    int rc = ev_image_init(im, w, h, 255, 255, 255);
    if (rc) return rc;
    double x_lo = INFINITY, x_hi = -INFINITY, lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        if (isfinite(x[i])) { x_lo = fmin(x_lo, x[i]); x_hi = fmax(x_hi, x[i]); }
        for (int s = 0; s < n_series; s++) {
            double v = ys[s][i];
            if (!isfinite(v) || (log_y && v <= 0)) continue;
            v = log_y ? log10(v) : v;
            lo = fmin(lo, v); hi = fmax(hi, v);
        }
    }
    if (!isfinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-12) { lo -= 0.5; hi += 0.5; }
    if (!(x_hi > x_lo)) { x_lo = 0; x_hi = x_lo + 1; }
    *y_lo = log_y ? pow(10, lo) : lo;
    *y_hi = log_y ? pow(10, hi) : hi;
    const int L = 10, R = w - 10, T = 10, B = h - 10;
    const uint8_t frame[3] = {60, 60, 60}, grid[3] = {225, 225, 225};
    for (int g = 0; g <= 4; g++) {
        int y = T + (B - T) * g / 4;
        line(im, L, y, R, y, grid);
    }
    line(im, L, T, R, T, frame); line(im, L, B, R, B, frame);
    line(im, L, T, L, B, frame); line(im, R, T, R, B, frame);
    for (int s = 0; s < n_series; s++) {
        uint8_t c[3];
        ev_plot_color(s, c);
        int have = 0, px = 0, py = 0;
        for (int i = 0; i < n; i++) {
            double v = ys[s][i];
            if (!isfinite(v) || !isfinite(x[i]) || (log_y && v <= 0)) continue;
            v = log_y ? log10(v) : v;
            int cx = L + (int)lround((R - L) * (x[i] - x_lo) / (x_hi - x_lo));
            int cy = B - (int)lround((B - T) * (v - lo) / (hi - lo));
            if (have) line(im, px, py, cx, cy, c); else put(im, cx, cy, c);
            px = cx; py = cy; have = 1;
        }
    }
    return 0;
}
