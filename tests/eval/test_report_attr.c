// test_report_attr.c: the report's attribution timeline (eval/report_attr.h) from a hand-made
// frames.csv, read back through libpng: each column takes the colour of the label with the
// largest energy-weighted share, quiet columns are paler, frames under the floor grey; bad
// folders are refused naming the file.
#include <png.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval/plot.h"
#include "eval/report_attr.h"
#include "tests/test.h"

static char dir[64];

static void put(const char *name, const char *text) {
    char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    fputs(text, f);
    fclose(f);
}

static uint8_t *read_png(const char *path, int *w, int *h) {
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&im, path)) return NULL;
    im.format = PNG_FORMAT_RGB;
    uint8_t *buf = malloc(PNG_IMAGE_SIZE(im));
    if (!png_image_finish_read(&im, NULL, buf, 0, NULL)) { free(buf); return NULL; }
    *w = (int)im.width; *h = (int)im.height;
    return buf;
}

// 4 frames over 720 px: 180 px each. Frame 0: bell 0.75 at 0 dB; frame 1: drum 1.0 at 0 dB;
// frame 2: bell 1.0 at -30 dB (paler); frame 3: under the floor (grey).
static void test_timeline_colours(void) {
    put("frames.csv", "time_s,energy_db,kept,top,bell/high,drum/low\n"
                      "0,0.00,1,bell/high,0.75,0.25\n0.01,0.00,1,drum/low,0.0,1.0\n"
                      "0.02,-30.00,1,bell/high,1.0,0.0\n0.03,-80.00,0,,,\n");
    put("summary.txt", "input: x.wav\nbell/high 0.5 <yes>\n");
    ev_attr a;
    char err[256], png[128];
    CHECK(ev_attr_read(&a, dir, err, sizeof err) == 0);
    CHECK(a.n_labels == 2 && a.frames[1] == NULL && a.summary != NULL);
    snprintf(png, sizeof png, "%s/t.png", dir);
    CHECK(ev_attr_plot(&a, png) == 0);
    int w = 0, h = 0;
    uint8_t *px = read_png(png, &w, &h), c0[3], c1[3];
    CHECK(px && w == 720 && h == 36);
    if (!px) return;
    ev_plot_color(0, c0); ev_plot_color(1, c1);
    CHECK(!memcmp(px + 3 * 90, c0, 3));       // bell, full colour
    CHECK(!memcmp(px + 3 * 270, c1, 3));      // drum
    const uint8_t *p2 = px + 3 * 450, *p3 = px + 3 * 630;
    CHECK(p2[0] > c0[0] && p2[1] > c0[1] && p2[2] >= c0[2]);   // bell, paler
    CHECK(p3[0] == 235 && p3[1] == 235 && p3[2] == 235);       // under the floor
    FILE *f = fopen("/dev/null", "w");
    ev_attr_html(f, &a, "img/attribution.png", 1);   // (content checked by test_report_cli.sh)
    fclose(f);
    free(px);
    ev_attr_free(&a);
}

static void test_bad_folders(void) {
    ev_attr a;
    char err[256];
    put("frames.csv", "time_s,energy,kept,top,x\n0,0,1,x,1\n");
    CHECK(ev_attr_read(&a, dir, err, sizeof err) != 0 && strstr(err, "frames.csv: not an attribution"));
    char none[128];
    snprintf(none, sizeof none, "%s/none", dir);
    CHECK(ev_attr_read(&a, none, err, sizeof err) != 0 && strstr(err, "none/frames.csv: no such file"));
}

int main(void) {
    snprintf(dir, sizeof dir, "/tmp/gd_attr_XXXXXX");
    if (!mkdtemp(dir)) return 1;
    RUN(test_timeline_colours);
    RUN(test_bad_folders);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd)) return 1;
    return TEST_REPORT();
}
