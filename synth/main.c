// main.c: gendang-synth, physically modelled drum strokes and fitting to recordings.
//
//   gendang-synth render --preset P --n N --seed S -o DIR   strokes + metadata.csv
//   gendang-synth fit HITS... -o preset.yaml                 modal fit of recorded hits
//   gendang-synth presets                                    list the built-in presets
// Exit status: 0 success, 1 runtime error (bad input, I/O), 2 usage error.
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/cli.h"       // defines: gd_cli_init, gd_cli_quiet/_verbose, gd_die, gd_usage, gd_opt_*
#include "core/error.h"     // defines: gd_strerror
#include "core/fileio.h"    // defines: gd_path_join, gd_path_exists, gd_is_dir
#include "core/progress.h"  // defines: gd_now
#include "synth/fit.h"
#include "synth/preset.h"
#include "synth/render.h"

static const char *USAGE =
    "Usage: gendang-synth COMMAND [OPTIONS]\n"
    "Physically modelled drum strokes (modal membranes) and fitting them to recordings.\n\n"
    "Commands:\n"
    "  render --preset P --n N --seed S -o DIR [--rate HZ] [--split train|valid] [--first K]\n"
    "         [--shard K/M]\n"
    "      Draw N strokes from preset P (a name from `presets` or a .yaml path), write\n"
    "      DIR/SPLIT/*.wav (24-bit) and merge rows into DIR/metadata.csv (params in `ops`).\n"
    "      Without --shard/--first the run replaces P's rows of SPLIT and removes every file\n"
    "      metadata.csv does not list (DIR must be new, empty or a corpus folder).\n"
    "      Same seed => byte-identical files whatever OMP_NUM_THREADS. Items are numbered from\n"
    "      --first; --shard K/M renders only the K-th (1..M) of M contiguous blocks of them (same\n"
    "      files as an unsharded run; metadata.csv is merged under a file lock).\n"
    "  fit HITS... -o preset.yaml [--meta metadata.csv] [--split S] [--name NAME]\n"
    "      [--skip-ms MS (25)] [--max-modes K (96)] [--extrapolate-db DB (0)]\n"
    "      [--report FILE.tsv|-] [--resynth DIR]\n"
    "      [--compare-preset P] [--max-strokes K (32)]\n"
    "      Estimate modes (matrix pencil on band-split decimated signals, LAPACK), glide and\n"
    "      attack noise of each hit; write a preset with one stroke per hit and the spread\n"
    "      across hits as ranges. A preset holds at most 32 strokes: with more hits than K,\n"
    "      the fits are clustered (k-medoids) into K strokes, each its cluster's medoid hit\n"
    "      weighted by the cluster's size (a note says so). Refuses hits from the test split: the split is looked up\n"
    "      in --meta (rows whose file_name or source path matches), in the data manifest\n"
    "      (--manifest FILE; default ./data_manifest.yaml if present; --no-manifest: off)\n"
    "      or given with --split; hits none of them knows are accepted. --report writes, per hit, the MR-STFT distance of\n"
    "      the fit's resynthesis and of the best/median of 8 strokes of preset P (default\n"
    "      djembe) to the recording; --resynth DIR writes NAME_{real,fit,generic}.wav there.\n"
    "  bench [--modes K] [--jingles] [--no-cull] [--n N]\n"
    "      Single-thread speed: renders N one-second 48 kHz strokes, prints TSV\n"
    "      \"case n ms x_realtime\" (ms per second of audio).\n"
    "  presets [P...]\n"
    "      With P: check that each preset (a name or a .yaml path) loads (exit 1 naming the\n"
    "      first that does not). Without: list the built-in presets (folder: $GD_SYNTH_PRESETS, else synth/presets next to\n"
    "      the binary's parent folder, else ./synth/presets).\n\n"
    "Options: -h/--help, --version, -v/--verbose,\n"
    "  -q/--quiet (" GD_CLI_QUIET_HELP ").\n"
    "Exit status: 0 success, 1 runtime error, 2 usage error.\n";

static char g_preset_dir[PATH_MAX];

static const char *preset_dir(void) {
    if (g_preset_dir[0]) return g_preset_dir;
    const char *env = getenv("GD_SYNTH_PRESETS");
    if (env && *env) { snprintf(g_preset_dir, sizeof g_preset_dir, "%s", env); return g_preset_dir; }
    // beside the binary: the source tree, or PREFIX/share/gendang after `make install`
    static const char *const rel[] = {"../synth/presets", "../share/gendang/synth/presets"};
    char *found = gd_find_beside_exe(rel, 2);
    if (found && gd_is_dir(found)) {
        snprintf(g_preset_dir, sizeof g_preset_dir, "%s", found);
        free(found);
        return g_preset_dir;
    }
    free(found);
    snprintf(g_preset_dir, sizeof g_preset_dir, "synth/presets");
    return g_preset_dir;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// Sorted preset names (without .yaml) joined by ", " into buf.
static void list_presets(char *buf, size_t cap) {
    buf[0] = 0;
    DIR *d = opendir(preset_dir());
    if (!d) return;
    char *names[256];
    int n = 0;
    for (struct dirent *e; (e = readdir(d)) && n < 256;) {
        size_t l = strlen(e->d_name);
        if (l > 5 && !strcmp(e->d_name + l - 5, ".yaml")) names[n++] = strndup(e->d_name, l - 5);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_str);
    for (int i = 0; i < n; i++) {
        size_t l = strlen(buf);
        snprintf(buf + l, cap - l, "%s%s", i ? ", " : "", names[i]);
        free(names[i]);
    }
}

static syn_preset *load_preset(const char *name) {
    char path[PATH_MAX];
    size_t l = strlen(name);
    if (strchr(name, '/') || (l > 5 && !strcmp(name + l - 5, ".yaml")))
        snprintf(path, sizeof path, "%s", name);
    else
        snprintf(path, sizeof path, "%s/%s.yaml", preset_dir(), name);
    if (!gd_path_exists(path)) {
        char avail[2048];
        list_presets(avail, sizeof avail);
        gd_die("unknown preset '%s' (available: %s)", name, avail[0] ? avail : "none found");
    }
    syn_preset *p;
    int err = syn_preset_load(&p, path);
    if (err) gd_die("%s: bad preset: %s", path, gd_strerror(err));
    return p;
}

static void common_opt(int c) {
    if (c == 'h') { fputs(USAGE, stdout); exit(0); }
    if (c == 'V') { printf("gendang-synth %s\n", GD_VERSION); exit(0); }
    if (c == 'q') gd_cli_quiet();
    else if (c == 'v') gd_cli_verbose();
    else gd_usage("unknown option");
}

static int cmd_render(int argc, char **argv) {
    static const struct option lo[] = {
        {"preset", 1, 0, 'p'}, {"n", 1, 0, 'n'}, {"seed", 1, 0, 's'}, {"output", 1, 0, 'o'},
        {"rate", 1, 0, 'r'}, {"split", 1, 0, 'S'}, {"first", 1, 0, 'f'}, {"shard", 1, 0, 'k'},
        {"help", 0, 0, 'h'},
        {"version", 0, 0, 'V'}, {"quiet", 0, 0, 'q'}, {"verbose", 0, 0, 'v'}, {0, 0, 0, 0}};
    const char *preset = NULL;
    syn_render_opts o = {.split = "train", .n = -1};
    int have_seed = 0, c, shard_k = 0, shard_m = 1;
    while ((c = getopt_long(argc, argv, "p:n:s:o:hqv", lo, NULL)) != -1) {
        switch (c) {
        case 'p': preset = optarg; break;
        case 'n': o.n = (int)gd_opt_int("--n", optarg, 0, 10000000); break;
        case 's': o.seed = (uint64_t)gd_opt_int("--seed", optarg, 0, INT64_MAX); have_seed = 1; break;
        case 'o': o.out_dir = optarg; break;
        case 'r': o.rate = (int)gd_opt_int("--rate", optarg, 8000, 384000); break;
        case 'f': o.first = (int)gd_opt_int("--first", optarg, 0, 100000000); break;
        case 'k': {
            char tail;
            // K counts from 1, as in `gendang augment run --shard` and `gendang plan --shard`.
            if (sscanf(optarg, "%d/%d%c", &shard_k, &shard_m, &tail) != 2 || shard_m < 1 ||
                shard_k < 1 || shard_k > shard_m)
                gd_usage("--shard takes K/M with 1 <= K <= M (e.g. 1/4)");
            shard_k--;
            break;
        }
        case 'S':
            if (strcmp(optarg, "train") && strcmp(optarg, "valid"))
                gd_usage("--split must be train or valid (synthetic strokes never go to test)");
            o.split = optarg;
            break;
        default: common_opt(c);
        }
    }
    if (optind < argc) gd_usage("render: unexpected argument '%s'", argv[optind]);
    if (!preset) gd_usage("render: --preset is required");
    if (!o.out_dir) gd_usage("render: -o DIR is required");
    if (o.n < 0) gd_usage("render: --n is required");
    if (o.n == 0) gd_usage("render: --n must be at least 1");
    if (!have_seed) gd_usage("render: --seed is required");
    o.own = shard_m == 1 && o.first == 0;
    if (shard_m > 1) {   // contiguous block K of M; item numbers stay global
        int a = (int)((int64_t)o.n * shard_k / shard_m), b = (int)((int64_t)o.n * (shard_k + 1) / shard_m);
        o.first += a;
        o.n = b - a;
        if (o.n == 0) return 0;
    }
    syn_preset *p = load_preset(preset);
    int err = syn_render_corpus(p, &o);
    syn_preset_free(p);
    if (err) gd_die("%s: render failed: %s", o.out_dir, gd_strerror(err));
    return 0;
}

// `bench`: single-thread render speed of a kompang-like stroke; prints TSV
// "case n ms x_realtime" (ms per second of audio).
static int cmd_bench(int argc, char **argv) {
    static const struct option lo[] = {{"modes", 1, 0, 'm'}, {"jingles", 0, 0, 'j'},
                                       {"no-cull", 0, 0, 'c'}, {"n", 1, 0, 'n'},
                                       {"help", 0, 0, 'h'}, {0, 0, 0, 0}};
    int modes = 128, jing = 0, no_cull = 0, n = 200, c;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if (c == 'm') modes = (int)gd_opt_int("--modes", optarg, 1, SYN_MAX_MODES);
        else if (c == 'j') jing = 1;
        else if (c == 'c') no_cull = 1;
        else if (c == 'n') n = (int)gd_opt_int("--n", optarg, 1, 100000);
        else common_opt(c);
    }
    syn_zeros z;
    syn_voice *v;
    if (syn_zeros_init(&z, 80) || syn_voice_init(&v, modes, 48000)) gd_die("out of memory");
    syn_stroke s;
    syn_stroke_default(&s);
    s.n_modes = modes; s.air_eps = 3; s.split = 0.01; s.glide = 0.02; s.strike_r = 0.6;
    s.contact_radius = 0.08; s.noise_level = 0.1; s.noise_s = 0.003; s.noise_hz = 4000;
    s.no_cull = no_cull;
    s.n_frame = 2;
    s.frame[0] = (syn_mode){450, 0.03, 0.1, 0};
    s.frame[1] = (syn_mode){1800, 0.01, 0.05, 0};
    if (jing) s.jingles = (syn_jingles){4, 3000, {2300, 5600, 8100}, 0.1, 0.08, 0.4, 0.002, 0.04};
    float *x = malloc(sizeof(float) * 48000);
    if (!x) gd_die("out of memory");
    double t0 = gd_now();
    for (int i = 0; i < n; i++) {
        s.strike_r = 0.3 + 0.5 * (i % 7) / 6.0;
        int err = syn_render(x, 48000, &s, &z, v, 1, (uint64_t)i);
        if (err) gd_die("bench render failed: %s", gd_strerror(err));
    }
    double ms = (gd_now() - t0) * 1e3 / n;
    printf("modes=%d%s%s\t%d\t%.4f\t%.0f\n", modes, jing ? ",jingles" : "",
           no_cull ? ",no-cull" : "", n, ms, 1000.0 / ms);
    free(x);
    syn_voice_free(v);
    syn_zeros_free(&z);
    return 0;
}

static int cmd_presets(int argc, char **argv) {
    if (argc > 1) {   // check mode: load_preset exits 1 naming the preset it cannot load
        for (int i = 1; i < argc; i++) syn_preset_free(load_preset(argv[i]));
        return 0;
    }
    char avail[2048];
    list_presets(avail, sizeof avail);
    if (!avail[0]) gd_die("%s: no presets found", preset_dir());
    for (char *t = strtok(avail, ", "); t; t = strtok(NULL, ", ")) printf("%s\n", t);
    return 0;
}

int main(int argc, char **argv) {
    gd_cli_init("gendang-synth");
    if (argc < 2) gd_usage("a command is required (render, fit, presets)");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) { fputs(USAGE, stdout); return 0; }
    if (!strcmp(cmd, "--version")) { printf("gendang-synth %s\n", GD_VERSION); return 0; }
    if (!strcmp(cmd, "render")) return cmd_render(argc - 1, argv + 1);
    if (!strcmp(cmd, "fit")) {
        int rc = syn_fit_main(argc - 1, argv + 1, load_preset);
        if (rc < 0) { fputs(USAGE, stdout); return 0; }
        return rc;
    }
    if (!strcmp(cmd, "presets")) return cmd_presets(argc - 1, argv + 1);
    if (!strcmp(cmd, "bench")) return cmd_bench(argc - 1, argv + 1);
    gd_usage("unknown command '%s' (render, fit, presets)", cmd);
}
