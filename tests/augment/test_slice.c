// test_slice.c: onset detection and slicing. Hits from the default data (Debian
// hydrogen-drumkits) are concatenated at seeded gaps and gains; every known onset must be
// found within 10 ms, F-measure >= 0.95. Plus synthetic cases (clicks, silence).
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "augment/slice.h"
#include "core/audio.h"
#include "core/rng.h"
#include "tests/test.h"

#define RATE 44100

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int list_wavs(char **out, int cap, const char *dir) {
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    if (!d) return 0;
    while ((e = readdir(d)) && n < cap) {
        const char *dot = strrchr(e->d_name, '.');
        if (!dot || strcmp(dot, ".wav")) continue;
        // struck drums only: cymbal sizzle (Flink, Ride, Crash, Splash), swishes, pedal chicks,
        // open/choked hats and hand claps hold several onsets or none, so no single known one
        static const char *skip[] = {"Flink", "Ride", "Crash", "Splash", "Swish", "Pedal",
                                     "Open", "Choke", "Clap"};
        int bad = 0;
        for (int k = 0; k < 9; k++) bad |= strstr(e->d_name, skip[k]) != NULL;
        if (bad) continue;
        out[n] = malloc(strlen(dir) + strlen(e->d_name) + 2);
        sprintf(out[n], "%s/%s", dir, e->d_name);
        n++;
    }
    closedir(d);
    qsort(out, n, sizeof *out, cmp_str);
    return n;
}

// F-measure of detections against truth with a +-tol one-to-one greedy match.
static double f_measure(const int64_t *det, int nd, const int64_t *tru, int nt, int64_t tol) {
    int tp = 0;
    char *used = calloc(nd + 1, 1);
    for (int i = 0; i < nt; i++) {
        int best = -1;
        for (int j = 0; j < nd; j++)
            if (!used[j] && llabs(det[j] - tru[i]) <= tol &&
                (best < 0 || llabs(det[j] - tru[i]) < llabs(det[best] - tru[i]))) best = j;
        if (best >= 0) { used[best] = 1; tp++; }
        else fprintf(stderr, "  missed onset at %.3f s\n", (double)tru[i] / RATE);
    }
    free(used);
    double p = nd ? (double)tp / nd : 0, r = nt ? (double)tp / nt : 0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

static void fmeasure_case(uint64_t seed) {
    char *files[200];
    int n = list_wavs(files, 100, "/usr/share/hydrogen/data/drumkits/circAfrique v4");
    n += list_wavs(files + n, 100, "/usr/share/hydrogen/data/drumkits/The Black Pearl 1.0");
    CHECK(n >= 40);
    if (n < 40) return;
    gd_rng r;
    gd_rng_init(&r, seed, gd_rng_stream_id("test", "slice"));
    const int N_HITS = 48;
    int64_t total = 60 * RATE, pos = RATE / 10, truth[64];
    float *x = calloc(total, sizeof(float));
    int nt = 0;
    for (int h = 0; h < N_HITS; h++) {
        gd_audio a;
        int idx = (int)gd_rng_below(&r, (uint64_t)n);
        if (gd_audio_read(&a, files[idx], RATE, 1)) { CHECK(0); continue; }
        float pk = 0, g = (float)pow(10, gd_rng_range(&r, -12, 0) / 20);
        for (int64_t i = 0; i < a.n_frames; i++) pk = fmaxf(pk, fabsf(a.data[i]));
        int64_t first = 0;
        while (first < a.n_frames && fabsf(a.data[first]) < 0.02f * pk) first++;
        int64_t len = a.n_frames - first;
        if (pos + len > total) len = total - pos;
        for (int64_t i = 0; i < len; i++) x[pos + i] += g * a.data[first + i];
        truth[nt++] = pos;
        pos += (int64_t)(gd_rng_range(&r, 0.15, 0.6) * RATE);
        gd_audio_free(&a);
        if (pos >= total - RATE) break;
    }
    int64_t *on;
    int no;
    aug_slice_opts o = aug_slice_defaults();
    CHECK(aug_onsets(&on, &no, x, pos, RATE, &o) == 0);
    double f = f_measure(on, no, truth, nt, RATE / 100);
    fprintf(stderr, "  %d true onsets, %d detected, F = %.3f\n", nt, no, f);
    CHECK(f >= 0.95);
    free(on);
    aug_hit *hits;
    int nh;
    CHECK(aug_slice(&hits, &nh, x, pos, RATE, &o) == 0);
    CHECK(nh >= nt - 2 && nh <= nt + 2);
    for (int i = 0; i + 1 < nh; i++) {
        CHECK(hits[i].start <= hits[i].onset && hits[i].onset - hits[i].start <= RATE / 100);
        CHECK(hits[i].end <= hits[i + 1].start);
    }
    free(hits);
    free(x);
    for (int i = 0; i < n; i++) free(files[i]);
}

static void test_clicks_and_silence(void) {
    float *x = calloc(RATE * 3, sizeof(float));
    int64_t *on;
    int no;
    aug_slice_opts o = aug_slice_defaults();
    CHECK(aug_onsets(&on, &no, x, RATE * 3, RATE, &o) == 0);
    CHECK(no == 0);   // silence: no onsets
    free(on);
    int64_t truth[5] = {10000, 30000, 52000, 80000, 110000};
    for (int k = 0; k < 5; k++)
        for (int i = 0; i < 4000; i++)
            x[truth[k] + i] = (float)(0.5 * exp(-i / 400.0) * sin(2 * M_PI * 200 * i / RATE));
    CHECK(aug_onsets(&on, &no, x, RATE * 3, RATE, &o) == 0);
    CHECK(no == 5);
    for (int k = 0; k < no && k < 5; k++) CHECK(llabs(on[k] - truth[k]) <= RATE / 200);
    free(on);
    // shorter than one STFT frame
    CHECK(aug_onsets(&on, &no, x + 10000, 300, RATE, &o) == 0);
    CHECK(no <= 1);
    free(on);
    free(x);
}

static void test_default_data_fmeasure(void) {
    fmeasure_case(2024);
    fmeasure_case(7);
}

int main(void) {
    RUN(test_default_data_fmeasure);
    RUN(test_clicks_and_silence);
    return TEST_REPORT();
}
