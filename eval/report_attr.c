// report_attr.c: attribution timeline and section for eval report (see report_attr.h).
#include "eval/report_attr.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/error.h"         // defines: GD_ERR_*
#include "core/fileio.h"        // defines: gd_path_join, gd_read_file
#include "eval/plot.h"          // defines: ev_image, ev_png_write, ev_plot_color*
#include "eval/report_arms.h"   // defines: ev_html_esc

#define FIRST_LABEL 4   // time_s,energy_db,kept,top

static int read_frames(gd_csv **out, const char *dir, const char *name, int required,
                       char *err, size_t n_err) {
    char *p = gd_path_join(dir, name);
    *out = NULL;
    if (!gd_path_exists(p)) {
        if (required) snprintf(err, n_err, "%s: no such file (--attribution wants the folder "
                               "`gendang-train attribute -o` wrote)", p);
        free(p);
        return required ? GD_ERR_IO : 0;
    }
    int rc = gd_csv_read(out, p);
    static const char *const head[FIRST_LABEL] = {"time_s", "energy_db", "kept", "top"};
    for (int k = 0; !rc && k < FIRST_LABEL; k++)
        if ((*out)->n_cols <= FIRST_LABEL || strcmp((*out)->header[k], head[k])) rc = GD_ERR_FORMAT;
    if (rc) snprintf(err, n_err, "%s: not an attribution frames.csv (time_s,energy_db,kept,top,"
                     "<labels>)", p);
    free(p);
    return rc;
}

int ev_attr_read(ev_attr *a, const char *dir, char *err, size_t n_err) {
    memset(a, 0, sizeof(*a));
    if (read_frames(&a->frames[0], dir, "frames.csv", 1, err, n_err) ||
        read_frames(&a->frames[1], dir, "frames_transfer.csv", 0, err, n_err)) {
        ev_attr_free(a);
        return GD_ERR_FORMAT;
    }
    a->n_labels = a->frames[0]->n_cols - FIRST_LABEL;
    if (a->frames[1] && a->frames[1]->n_cols != a->frames[0]->n_cols) {
        snprintf(err, n_err, "%s: frames_transfer.csv and frames.csv have different labels", dir);
        ev_attr_free(a);
        return GD_ERR_FORMAT;
    }
    char *p = gd_path_join(dir, "summary.txt");
    size_t len;
    if (gd_path_exists(p) && gd_read_file(p, &a->summary, &len)) a->summary = NULL;
    free(p);
    return 0;
}

void ev_attr_free(ev_attr *a) {
    for (int i = 0; i < 2; i++) if (a->frames[i]) gd_csv_free(a->frames[i]);
    free(a->summary);
    memset(a, 0, sizeof(*a));
}

int ev_attr_plot(const ev_attr *a, const char *png) {
    const int W = 720, S = 36, GAP = 6;
    int n_t = a->frames[1] ? 2 : 1, L = a->n_labels;
    ev_image im;
    if (ev_image_init(&im, W, n_t * S + (n_t - 1) * GAP, 255, 255, 255)) return GD_ERR_NOMEM;
    double *w = malloc(sizeof(double) * L);
    if (!w) { ev_image_free(&im); return GD_ERR_NOMEM; }
    for (int t = 0; t < n_t; t++) {
        const gd_csv *c = a->frames[t];
        long F = c->n_rows;
        double top_db = -INFINITY;
        for (long f = 0; f < F; f++) {
            double e = atof(gd_csv_get(c, (int)f, 1));
            if (e > top_db) top_db = e;
        }
        for (int x = 0; x < W; x++) {
            long f0 = x * F / W, f1 = (x + 1) * F / W;
            if (f1 <= f0) f1 = f0 + 1;
            memset(w, 0, sizeof(double) * L);
            double e_max = -INFINITY;
            int any = 0;
            for (long f = f0; f < f1 && f < F; f++) {
                if (strcmp(gd_csv_get(c, (int)f, 2), "1")) continue;
                double db = atof(gd_csv_get(c, (int)f, 1)), e = pow(10, db / 10);
                any = 1;
                if (db > e_max) e_max = db;
                for (int l = 0; l < L; l++) w[l] += e * atof(gd_csv_get(c, (int)f, FIRST_LABEL + l));
            }
            uint8_t rgb[3] = {235, 235, 235};
            if (any) {
                int best = 0;
                for (int l = 1; l < L; l++) if (w[l] > w[best]) best = l;
                ev_plot_color(best, rgb);
                double fade = (top_db - e_max) / 60;   // 0 at the loudest frame, 1 at -60 dB
                fade = fade < 0 ? 0 : fade > 0.85 ? 0.85 : fade;
                for (int k = 0; k < 3; k++) rgb[k] = (uint8_t)lround(rgb[k] + fade * (255 - rgb[k]));
            }
            for (int y = t * (S + GAP); y < t * (S + GAP) + S; y++)
                memcpy(im.rgb + ((size_t)y * W + x) * 3, rgb, 3);
        }
    }
    free(w);
    int rc = ev_png_write(png, &im);
    ev_image_free(&im);
    return rc;
}

static const char *label_name(const ev_attr *a, int l) { return a->frames[0]->header[FIRST_LABEL + l]; }

void ev_attr_html(FILE *f, const ev_attr *a, const char *img, int section) {
    if (section) fputs("<h2>Attribution</h2>\n", f);
    fprintf(f, "<img src=\"%s\" alt=\"attribution timeline\">\n"
               "<p>Which training label each moment is nearest to in the model's latent space "
               "(top strip: the input%s; time left to right; paler is quieter; grey: below the "
               "energy floor). ", img, a->frames[1] ? ", bottom strip: the model's transfer of it" : "");
    for (int l = 0; l < a->n_labels; l++) {
        fprintf(f, "<span class=\"k\" style=\"background:%s\"></span>", ev_plot_color_hex(l));
        ev_html_esc(f, label_name(a, l));
        fputs(" &nbsp; ", f);
    }
    fputs("</p>\n", f);
    if (!a->summary) return;
    fputs(section ? "<pre>" : "<details><summary>attribution table</summary><pre>", f);
    ev_html_esc(f, a->summary);
    fputs(section ? "</pre>\n" : "</pre></details>\n", f);
}

void ev_attr_md(FILE *f, const ev_attr *a, const char *img, int section) {
    if (section) fputs("\n## Attribution\n", f);
    fprintf(f, "\n![attribution timeline](%s)\n\nColours: ", img);
    for (int l = 0; l < a->n_labels; l++)
        fprintf(f, "%s%s %s", l ? ", " : "", label_name(a, l), ev_plot_color_hex(l));
    fprintf(f, "%s.\n", a->frames[1] ? "; top strip the input, bottom its transfer" : "");
    if (a->summary) fprintf(f, "\n```\n%s```\n", a->summary);
}
