// test_aisfx.c: the aiSFX embedding (eval/aisfx.h) against the aisfx 0.1.2 package itself:
// tests/ref/aisfx/ holds the package's outputs (scripts/aisfx_ref.py, Essentia spectrogram,
// torch CPU) for hits of Debian's hydrogen-drumkits: five clips' embeddings (44.1 kHz mono and
// stereo from 0.14 s to 2.25 s, and a 12 s 48 kHz one: resampling and 9 blocks) and one
// clip's log-mel input. The embeddings need the weights from `make deps` (aisfx-weights);
// without them that case fails and says so.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/audio.h"
#include "core/error.h"
#include "core/log.h"
#include "eval/aisfx.h"
#include "eval/npy.h"
#include "tests/test.h"

static const char *const clips[] = {
    "circAfrique v4/Kenkeni1 Bell Mute.wav", "circAfrique v4/Djembe1 Bass.wav",
    "The Black Pearl 1.0/SabianCrash-Hardest.wav", "The Black Pearl 1.0/PearlTom2-Med.wav",
    "ForzeeStereo/Ride-0.wav"};
enum { N_CLIPS = sizeof clips / sizeof clips[0] };

static const char *root(void) { const char *r = getenv("GD_ROOT"); return r ? r : "."; }

static int read_clip(gd_audio *a, const char *rel) {
    const char *kits = getenv("GENDANG_ROOT_HYDROGEN_DRUMKITS");
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", kits ? kits : "/usr/share/hydrogen/data/drumkits", rel);
    return gd_audio_read(a, path, 0, 1);
}

// tests/ref/aisfx/<basename of rel without extension, spaces as _><suffix>
static int read_ref(double **v, int *rows, int *cols, const char *rel, const char *suffix) {
    char stem[256], path[1024];
    snprintf(stem, sizeof stem, "%s", strrchr(rel, '/') + 1);
    *strrchr(stem, '.') = '\0';
    for (char *p = stem; *p; p++) if (*p == ' ') *p = '_';
    snprintf(path, sizeof path, "%s/tests/ref/aisfx/%s%s", root(), stem, suffix);
    return ev_npy_read(path, v, rows, cols);
}

// Largest |a - b| over a row divided by the row's largest |b|, over all rows (rows, cols).
static double max_rel_row(const double *a, const double *b, int rows, int cols) {
    double worst = 0;
    for (int r = 0; r < rows; r++) {
        double d = 0, m = 0;
        for (int k = 0; k < cols; k++) {
            d = fmax(d, fabs(a[(size_t)r * cols + k] - b[(size_t)r * cols + k]));
            m = fmax(m, fabs(b[(size_t)r * cols + k]));
        }
        worst = fmax(worst, d / m);
    }
    return worst;
}

static void test_block_count(void) {
    // aisfx.preprocessing.blocking(block 100, hop 50, drop_partial_block=True)
    static const int64_t T[] = {2, 50, 99, 100, 101, 149, 150, 151, 199, 200, 518};
    static const int want[] = {1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 9};
    for (size_t i = 0; i < sizeof T / sizeof T[0]; i++) CHECK(ev_aisfx_n_blocks(T[i]) == want[i]);
}

static void test_logmel_matches_essentia(void) {
    gd_audio a = {0};
    double *ref;
    int rows, cols;
    CHECK(read_clip(&a, clips[1]) == 0);
    CHECK(read_ref(&ref, &rows, &cols, clips[1], ".logmel.npy") == 0);
    if (!a.data || t_case_failed) return;
    float *spec;
    int64_t T = ev_aisfx_logmel(&spec, a.data, a.n_frames, a.rate);
    CHECK(T == rows && cols == EV_AISFX_MELS);
    CHECK(T == (a.n_frames - 1) / 1024 + 2);   // Essentia's FrameCutter, centred frames
    if (T == rows) {
        double *s = malloc(sizeof(double) * T * EV_AISFX_MELS);
        for (int64_t i = 0; i < T * EV_AISFX_MELS; i++) s[i] = spec[i];
        CHECK_ARRAY_NEAR(s, ref, T * EV_AISFX_MELS, 5e-6, 0);   // values 0..0.82; measured 9.2e-7
        free(s);
    }
    free(spec); free(ref);
    gd_audio_free(&a);
}

static void test_embeddings_match_package(void) {
    ev_aisfx *m = NULL;
    char w[1024];
    snprintf(w, sizeof w, "%s/.deps/models/" EV_AISFX_WEIGHTS_NAME, root());
    if (ev_aisfx_load(&m, w)) {
        fprintf(stderr, "  %s: the aisfx weights are missing or wrong: `make deps` (aisfx-weights) fetches them\n", w);
        CHECK(0);
        return;
    }
    for (int c = 0; c < N_CLIPS; c++) {
        gd_audio a = {0};
        double *ref, *emb;
        int rows, cols;
        CHECK(read_clip(&a, clips[c]) == 0);
        CHECK(read_ref(&ref, &rows, &cols, clips[c], ".npy") == 0);
        if (t_case_failed) return;
        int nb = ev_aisfx_embed(&emb, m, a.data, a.n_frames, a.rate);
        CHECK(nb == rows && cols == EV_AISFX_DIM);
        if (nb == rows) {
            double e = max_rel_row(emb, ref, rows, cols);
            if (!(e < 2e-5)) fprintf(stderr, "  %s: max |C - package| / max |package| = %.3g\n", clips[c], e);
            CHECK(e < 2e-5);   // measured on the 133 default hits and 48 kHz files: <= 3.5e-6
        }
        free(emb); free(ref);
        gd_audio_free(&a);
    }
    ev_aisfx_free(m);
}

static void test_load_errors(void) {
    gd_log_set_level(GD_LOG_QUIET);   // the messages are expected
    ev_aisfx *m = NULL;
    CHECK(ev_aisfx_load(&m, "/nonexistent/aisfx.safetensors") == GD_ERR_IO);
    char other[1024];   // a real safetensors file, but not these weights: the sha256 check
    snprintf(other, sizeof other, "%s/tests/ref/rave_tiny.safetensors", root());
    CHECK(ev_aisfx_load(&m, other) == GD_ERR_FORMAT);
    CHECK(m == NULL);
    gd_log_set_level(GD_LOG_INFO);
}

int main(void) {
    RUN(test_block_count);
    RUN(test_logmel_matches_essentia);
    RUN(test_embeddings_match_package);
    RUN(test_load_errors);
    return TEST_REPORT();
}
