// data_probes.c: `gendang data probes -o DIR`: non-drum test inputs for timbre transfer, made
// at run time so that they ship with nobody's recordings: bird-like chirp sequences
// (synthesised here), spoken phrases (espeak-ng, English and Malay) and log sine sweeps.
// A model trained on drums should turn them into drums; what else it turns them into (bells,
// say) is what `train attribute --leak` measures. Same seed, same files.
#include "pipeline/data_cmds.h" // defines: pl_data_probes
#include "core/audio.h"         // defines: gd_audio_*
#include "core/cli.h"           // defines: gd_usage, gd_die, gd_opt_int
#include "core/fileio.h"        // defines: gd_mkdir_p, gd_path_join, gd_atomic_*
#include "core/log.h"           // defines: gd_error
#include "core/rng.h"           // defines: gd_rng_*

#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROBE_S 2.5   // seconds per chirp sequence and sweep

// Phrases and espeak-ng voices, taken in turn: speech_1 is the first.
static const char *const k_phrases[][2] = {
    {"en", "The bird sang a long song over the quiet river."},
    {"ms", "Burung itu menyanyi di tepi sungai pada waktu pagi."},
    {"en-us", "Play the drums softly, then let the bells ring."},
    {"ms", "Kompang dan rebana dimainkan bersama pada majlis itu."},
    {"en", "One two three four, five six seven eight."},
    {"ms", "Selamat datang ke rumah kami yang kecil."},
};
#define N_PHRASES ((int)(sizeof k_phrases / sizeof k_phrases[0]))

// Peak-normalises x (n) to -3 dBFS.
static void normalise(float *x, long n) {
    float peak = 0;
    for (long i = 0; i < n; i++) peak = fmaxf(peak, fabsf(x[i]));
    if (peak > 0)
        for (long i = 0; i < n; i++) x[i] *= 0.708f / peak;
}

// A bird-like sequence: syllables of 40-150 ms, each a frequency glide (rising, falling or
// arched) around 2-5 kHz with a second harmonic 12 dB down and a raised-cosine envelope,
// separated by 30-200 ms gaps.
static void make_chirps(float *x, long n, int rate, gd_rng *r) {
    memset(x, 0, sizeof(float) * n);
    long t = (long)(0.05 * rate);
    while (t < n) {
        long len = (long)(gd_rng_range(r, 0.04, 0.15) * rate);
        if (t + len >= n) break;
        double f0 = gd_rng_range(r, 2000, 5000), depth = gd_rng_range(r, 500, 2000);
        int shape = (int)gd_rng_below(r, 3);   // 0 rising, 1 falling, 2 arched
        double amp = gd_rng_range(r, 0.4, 1.0), phase = 0;
        for (long i = 0; i < len; i++) {
            double u = (double)i / len;
            double glide = shape == 0 ? u : shape == 1 ? 1 - u : sin(M_PI * u);
            double f = f0 + depth * (glide - 0.5);
            phase += 2 * M_PI * f / rate;
            double env = 0.5 - 0.5 * cos(2 * M_PI * u);
            x[t + i] += (float)(amp * env * (sin(phase) + 0.25 * sin(2 * phase)));
        }
        t += len + (long)(gd_rng_range(r, 0.03, 0.2) * rate);
    }
}

// A logarithmic sine sweep between two frequencies drawn within 40-120 Hz and 8-16 kHz,
// with 20 ms fades.
static void make_sweep(float *x, long n, int rate, gd_rng *r) {
    double f1 = gd_rng_range(r, 40, 120), f2 = gd_rng_range(r, 8000, 16000);
    double T = (double)n / rate, k = log(f2 / f1), fade = 0.02 * rate;
    for (long i = 0; i < n; i++) {
        double t = (double)i / rate;
        double ph = 2 * M_PI * f1 * T / k * (exp(t / T * k) - 1);
        double g = fmin(1.0, fmin(i / fade, (n - 1 - i) / fade));
        x[i] = (float)(g * sin(ph));
    }
}

// speech_<i>.wav from espeak-ng (written to a temporary, then read and resampled).
static int make_speech(const char *path, int i, int rate) {
    char tmp[1200], cmd[1600];
    snprintf(tmp, sizeof tmp, "%s.espeak.wav", path);
    const char *voice = k_phrases[i % N_PHRASES][0], *text = k_phrases[i % N_PHRASES][1];
    snprintf(cmd, sizeof cmd, "espeak-ng -v %s -s 150 -w '%s' '%s' 2>/dev/null", voice, tmp, text);
    if (system(cmd) != 0) {
        unlink(tmp);
        gd_error("%s: espeak-ng failed or is not installed (make deps installs it)", path);
        return 1;
    }
    gd_audio a;
    int err = gd_audio_read(&a, tmp, rate, 1);
    unlink(tmp);
    if (err) { gd_error("%s: cannot read espeak-ng's output", path); return 1; }
    normalise(a.data, (long)a.n_frames);
    err = gd_audio_write(path, &a, NULL, NULL);
    gd_audio_free(&a);
    return err ? 1 : 0;
}

// DIR/<kind>_<i+1>.wav; 0, or 1 with the error logged.
static int make_probe(const char *dir, const char *kind, int i, uint64_t seed, int rate) {
    char name[64];
    snprintf(name, sizeof name, "%s_%d.wav", kind, i + 1);
    char *path = gd_path_join(dir, name);
    int failed;
    if (!strcmp(kind, "speech")) {
        failed = make_speech(path, i, rate);
    } else {
        long len = (long)(PROBE_S * rate);
        gd_audio a = {calloc((size_t)len, sizeof(float)), 1, len, rate};
        if (!a.data) gd_die("out of memory");
        gd_rng r;
        gd_rng_init(&r, seed, gd_rng_stream_id("probe", name));
        if (!strcmp(kind, "chirps")) make_chirps(a.data, len, rate, &r);
        else make_sweep(a.data, len, rate, &r);
        normalise(a.data, len);
        failed = gd_audio_write(path, &a, NULL, NULL) != 0;
        free(a.data);
    }
    free(path);
    return failed;
}

static void probes_usage(void) {
    printf("Usage: gendang data probes -o DIR [--kinds LIST] [--n N] [--seed S] [--rate HZ]\n\n"
           "Writes non-drum inputs for timbre-transfer tests: DIR/<kind>_<i>.wav, i = 1..N.\n"
           "  chirps   bird-like chirp sequences (2.5 s, synthesised, seeded)\n"
           "  speech   spoken phrases in English and Malay (espeak-ng; 6 phrases in turn)\n"
           "  sweep    logarithmic sine sweeps (2.5 s, seeded ends)\n\n"
           "  --kinds LIST  comma-separated (default chirps,speech,sweep)\n"
           "  --n N         files per kind (default 3)\n"
           "  --seed S      seed of the chirps and sweeps (default 0)\n"
           "  --rate HZ     sample rate (default 44100)\n"
           "  -o, --out DIR the folder (created; files of these names are replaced)\n");
}

int pl_data_probes(int argc, char **argv) {
    static const struct option opts[] = {
        {"kinds", required_argument, 0, 'k'}, {"n", required_argument, 0, 'n'},
        {"seed", required_argument, 0, 's'}, {"rate", required_argument, 0, 'r'},
        {"out", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = NULL, *kinds = "chirps,speech,sweep";
    int n = 3, rate = 44100, c;
    uint64_t seed = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'k': kinds = optarg; break;
        case 'n': n = (int)gd_opt_int("--n", optarg, 1, 100); break;
        case 's': seed = (uint64_t)gd_opt_int("--seed", optarg, 0, INT64_MAX); break;
        case 'r': rate = (int)gd_opt_int("--rate", optarg, 8000, 192000); break;
        case 'o': out = optarg; break;
        case 'h': probes_usage(); return 0;
        default: gd_usage("data probes: unknown option");
        }
    }
    if (!out) gd_usage("data probes needs -o DIR");
    if (optind != argc) gd_usage("data probes takes no positional arguments");
    char list[256], *kind[16];
    int n_kinds = 0;
    snprintf(list, sizeof list, "%s", kinds);
    for (char *save = NULL, *k = strtok_r(list, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
        if (strcmp(k, "chirps") && strcmp(k, "speech") && strcmp(k, "sweep"))
            gd_usage("--kinds: unknown kind '%s' (chirps, speech, sweep)", k);
        if (n_kinds == 16) gd_usage("--kinds: at most 16");
        kind[n_kinds++] = k;
    }
    if (gd_mkdir_p(out)) gd_die("%s: cannot create the folder", out);
    for (int k = 0; k < n_kinds; k++)
        for (int i = 0; i < n; i++)
            if (make_probe(out, kind[k], i, seed, rate)) return 1;
    // probes.txt, written last: the list of files, and the sign that the folder is complete.
    char *lp = gd_path_join(out, "probes.txt");
    gd_atomic a;
    if (gd_atomic_open(&a, lp, "w")) gd_die("%s: cannot write", lp);
    for (int k = 0; k < n_kinds; k++)
        for (int i = 0; i < n; i++) fprintf(a.f, "%s_%d.wav\n", kind[k], i + 1);
    if (gd_atomic_commit(&a)) gd_die("%s: cannot write", lp);
    free(lp);
    printf("%s: %d probe files\n", out, n_kinds * n);
    return 0;
}
