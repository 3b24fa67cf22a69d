// plot.h: raster images for reports, written as PNG through libpng.
//
// Images are 8-bit RGB, row-major (h, w, 3), top row first. PNG files are written to a
// temporary name and renamed into place. Nothing here prints; errors return GD_ERR_*.
#ifndef EV_PLOT_H
#define EV_PLOT_H

#include <stdint.h>

typedef struct {
    int      w, h;
    uint8_t *rgb;   // (h, w, 3), owned
} ev_image;

int  ev_image_init(ev_image *im, int w, int h, uint8_t r, uint8_t g, uint8_t b);
void ev_image_free(ev_image *im);
int  ev_png_write(const char *path, const ev_image *im);

// Side-by-side log-frequency spectrograms of ref (left) and est (right), mono, at rate:
// rows are log-spaced from 20 Hz to Nyquist (height px), columns are STFT frames (2048-point
// periodic Hann, hop chosen so each panel is at most max_w px), colour = dB relative to the
// reference's loudest bin over range_db (magma-like map), with faint lines at 100 Hz, 1 kHz
// and 10 kHz and an 8 px white gap between panels. est may be NULL (single panel).
int ev_plot_spectrograms(ev_image *im, const float *ref, int64_t n_ref, const float *est,
                         int64_t n_est, int rate, int height, int max_w, double range_db);

// Line plot of n_series series sharing x (n points each; NAN points are skipped): white
// background, frame, 5 horizontal grid lines, log10 y axis when log_y (all values > 0),
// series colours from ev_plot_color. Reports the y range drawn through y_lo/y_hi.
int ev_plot_lines(ev_image *im, int w, int h, const double *x, const double *const *ys,
                  int n_series, int n, int log_y, double *y_lo, double *y_hi);

// Colour of series k as "#rrggbb" (static string) and as RGB.
const char *ev_plot_color_hex(int k);
void ev_plot_color(int k, uint8_t rgb[3]);

#endif
