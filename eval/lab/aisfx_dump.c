// aisfx_dump.c: writes the aiSFX embeddings (or the model's log-mel input) of audio files as
// CSV, to check them against the Python package (scripts/aisfx_ref.py --compare).
// Development tool. Build: make build/lab/aisfx_dump
// Run: build/lab/aisfx_dump [--weights F] [--logmel] OUT.csv FILE...
// CSV: a header, then one row per block (per frame with --logmel): the file as given, the
// block (frame) index, then 512 (96) values. Prints the seconds spent per file on stderr, and
// the totals (wall and process CPU, reading the files excluded).
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/audio.h"   // defines: gd_audio_read
#include "eval/aisfx.h"   // defines: ev_aisfx_*

static double now(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv) {
    const char *weights = NULL;
    int logmel = 0, a = 1;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (!strcmp(argv[a], "--weights") && a + 1 < argc) weights = argv[++a];
        else if (!strcmp(argv[a], "--logmel")) logmel = 1;
        else { fprintf(stderr, "usage: aisfx_dump [--weights F] [--logmel] OUT.csv FILE...\n"); return 2; }
    }
    if (argc - a < 2) { fprintf(stderr, "usage: aisfx_dump [--weights F] [--logmel] OUT.csv FILE...\n"); return 2; }
    openblas_set_num_threads(1);   // one core, as corpus runs each clip
    ev_aisfx *m = NULL;
    if (!logmel && ev_aisfx_load(&m, weights)) return 1;
    FILE *f = fopen(argv[a], "w");
    if (!f) { fprintf(stderr, "%s: cannot write\n", argv[a]); return 1; }
    const int d = logmel ? EV_AISFX_MELS : EV_AISFX_DIM;
    fprintf(f, "file,index");
    for (int k = 0; k < d; k++) fprintf(f, ",e%d", k);
    fputc('\n', f);
    double total = 0, total_cpu = 0;
    for (int i = a + 1; i < argc; i++) {
        gd_audio x = {0};
        if (gd_audio_read(&x, argv[i], 0, 1)) return 1;
        const double t0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
        int64_t rows;
        float *spec = NULL;
        double *emb = NULL;
        if (logmel) rows = ev_aisfx_logmel(&spec, x.data, x.n_frames, x.rate);
        else rows = ev_aisfx_embed(&emb, m, x.data, x.n_frames, x.rate);
        const double dt = now(CLOCK_MONOTONIC) - t0;
        total += dt;
        total_cpu += now(CLOCK_PROCESS_CPUTIME_ID) - c0;
        if (rows < 0) { fprintf(stderr, "%s: embedding failed\n", argv[i]); return 1; }
        for (int64_t r = 0; r < rows; r++) {
            fprintf(f, "\"%s\",%lld", argv[i], (long long)r);
            for (int k = 0; k < d; k++) fprintf(f, ",%.9g", logmel ? spec[r * d + k] : emb[r * d + k]);
            fputc('\n', f);
        }
        fprintf(stderr, "%.4f s %s\n", dt, argv[i]);
        free(spec); free(emb);
        gd_audio_free(&x);
    }
    fprintf(stderr, "total %.4f s, CPU %.4f s, for %d files\n", total, total_cpu, argc - a - 1);
    fclose(f);
    ev_aisfx_free(m);
    return 0;
}
