// main.c: gendang-augment, the command line over the effect chain (augment.h), `run` and
// `replay` (run.h), `slice` and `sequence`.
//
//   gendang-augment chain --ops SPEC [--seed N] IN -o OUT
//   gendang-augment EFFECT [--PARAM VALUE ...] IN -o OUT     (pitch, stretch, gain, ...)
//   gendang-augment run --in DIR_OR_METADATA --ops SPEC --n N --seed S --out DIR
//   gendang-augment replay METADATA.csv --out DIR
// Exit: 0 ok, 1 runtime failure (bad input, I/O), 2 usage (bad option, ops string, range).
#include <getopt.h>
#include <malloc.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "augment/augment.h"   // defines: aug_spec_*, aug_effects_print
#include "augment/effect.h"    // defines: aug__effect_find, aug_param
#include "augment/run.h"       // defines: aug_run, aug_replay, aug_dither_seed, aug_sources_write
#include "augment/sequence.h"  // defines: aug_sequence
#include "augment/slice.h"     // defines: aug_slice
#include "core/audio.h"        // defines: gd_audio_*
#include "core/cli.h"          // defines: gd_die, gd_usage, gd_opt_*
#include "core/error.h"        // defines: gd_strerror
#include "core/fileio.h"       // defines: gd_path_*, gd_mkdir_p
#include "core/metadata.h"     // defines: gd_meta_*
#include "core/progress.h"     // defines: gd_now
#include "core/sha256.h"       // defines: gd_sha256_file
#include "core/log.h"          // defines: gd_info
#include "core/rng.h"          // defines: gd_rng

static void usage_main(FILE *f) {
    fprintf(f,
        "Usage: gendang-augment COMMAND [OPTIONS]\n"
        "Expands drum hits into plausible variants.\n\n"
        "Commands:\n"
        "  chain --ops SPEC [--seed N] IN -o OUT     apply an effect chain\n"
        "  EFFECT [--PARAM VALUE ...] IN -o OUT      apply one effect (see below)\n"
        "  run --in DIR|METADATA.csv --ops SPEC --n N --seed S --out DIR\n"
        "                                            N variants per train hit, metadata.csv\n"
        "  replay METADATA.csv --out DIR             regenerate every row bit-exactly\n"
        "  slice IN --out DIR                        cut a recording into hits\n"
        "  sequence --in DIR --out DIR --n N --seed S  build loops from hits\n"
        "  effects                                   list effects and parameters\n"
        "  check --ops SPEC                          parse SPEC as `run` does; exit 2 on an error\n\n"
        "Ops syntax: effect[@prob][:key=value,...]|effect...  e.g.\n"
        "  'pitch:semitones=uniform(-3,3)|gain:db=normal(-3,2)|reverb@0.5:rt60=loguniform(0.2,1),wet=0.2'\n"
        "  values: number, word, uniform(a,b), loguniform(a,b), normal(m,s) (clamped to the\n"
        "  allowed range), choice(v1,v2,...); @prob is the chance the effect is applied.\n\n"
        "Common options: -o/--output FILE (.flac: FLAC, 16 or 24 bit; otherwise WAV), --seed N,\n"
        "  --format 16|24|32 (default 24-bit PCM), --time (print processing time, I/O excluded,\n"
        "  to stderr), -q/--quiet (" GD_CLI_QUIET_HELP "),\n"
        "  -v/--verbose, -h/--help, --version.\n"
        "Exit status: 0 ok, 1 runtime failure, 2 usage error.\n\nEffects:\n");
    aug_effects_print(f);
}

typedef struct {
    const char *out;
    uint64_t    seed;
    int         format;
} common_opts;

static void write_out(const char *path, const gd_audio *a, const common_opts *o) {
    gd_write_opts w = gd_write_opts_default();
    w.format = (gd_sample_format)o->format;
    w.dither_seed = o->seed;
    int64_t clipped = 0;
    int rc = gd_audio_write(path, a, &w, &clipped);
    if (rc) gd_die("%s: cannot write: %s", path, gd_strerror(rc));
}

static void read_in(gd_audio *a, const char *path) {
    int rc = gd_audio_read(a, path, 0, 0);
    if (rc) gd_die("%s: %s", path, gd_strerror(rc));
    int64_t total = a->n_frames * a->n_channels, i = 0;
    while (i < total && a->data[i] == 0) i++;   // stops at the first sound
    if (i == total) gd_die("%s: audio is all zeros (silent); nothing to augment", path);
}

// Prints the ops string with a caret under the offending character and exits 2.
static _Noreturn void ops_error(const char *ops, const aug_parse_err *e) {
    fprintf(stderr, "%s: bad ops string at character %d: %s\n  %s\n  %*s^\n", gd_cli_prog(),
            e->pos + 1, e->msg, ops, e->pos, "");
    gd_usage("see 'ops syntax' in --help");
}

static int apply_ops(gd_audio *a, const char *ops, uint64_t seed, int timing) {
    aug_spec *s = NULL, *r = NULL;
    aug_parse_err err;
    if (aug_spec_parse(&s, ops, &err)) ops_error(ops, &err);
    gd_rng rng;
    gd_rng_init(&rng, seed, gd_rng_stream_id("augment", "chain"));
    char *res = NULL;
    int rc = aug_spec_resolve(&res, s, &rng, NULL);
    if (!rc && aug_spec_parse(&r, res, &err)) ops_error(res, &err);
    double dur = a->rate ? (double)a->n_frames / a->rate : 0, t0 = gd_now();
    if (!rc) rc = aug_spec_apply(a, r);
    double dt = gd_now() - t0;
    if (!rc && timing)   // processing only, I/O excluded (bench/bench_augment.sh)
        fprintf(stderr, "time: %.6f s processing, %.1fx real time\n", dt, dt > 0 ? dur / dt : 0);
    if (!rc) fprintf(stdout, "%s\n", res);   // the resolved chain, for the record
    free(res);
    aug_spec_free(s);
    aug_spec_free(r);
    return rc;
}

enum { OPT_SEED = 1000, OPT_FORMAT, OPT_VERSION, OPT_OPS, OPT_TIME, OPT_PARAM0 = 2000 };

// chain and single-effect commands share this parser; e is NULL for chain.
static int cmd_effect(int argc, char **argv, const aug_effect *e) {
    struct option lo[AUG_MAX_PARAMS + 12];
    int n = 0;
    lo[n++] = (struct option){"output", required_argument, NULL, 'o'};
    lo[n++] = (struct option){"seed", required_argument, NULL, OPT_SEED};
    lo[n++] = (struct option){"format", required_argument, NULL, OPT_FORMAT};
    lo[n++] = (struct option){"help", no_argument, NULL, 'h'};
    lo[n++] = (struct option){"quiet", no_argument, NULL, 'q'};
    lo[n++] = (struct option){"verbose", no_argument, NULL, 'v'};
    lo[n++] = (struct option){"time", no_argument, NULL, OPT_TIME};
    if (!e) lo[n++] = (struct option){"ops", required_argument, NULL, OPT_OPS};
    for (int i = 0; e && i < e->n_params; i++)
        lo[n++] = (struct option){e->params[i].name, required_argument, NULL, OPT_PARAM0 + i};
    lo[n] = (struct option){0, 0, 0, 0};
    common_opts o = {NULL, 0, 24};
    char ops[4096];
    size_t len = 0;
    const char *chain_ops = NULL;
    if (e) len = (size_t)snprintf(ops, sizeof ops, "%s", e->name);
    int c, n_set = 0, timing = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:hqv", lo, NULL)) != -1) {
        if (c == 'o') o.out = optarg;
        else if (c == OPT_SEED) o.seed = (uint64_t)gd_opt_int("--seed", optarg, 0, INT64_MAX);
        else if (c == OPT_FORMAT) o.format = (int)gd_opt_int("--format", optarg, 16, 32);
        else if (c == OPT_OPS) chain_ops = optarg;
        else if (c == OPT_TIME) timing = 1;
        else if (c == 'q') gd_cli_quiet();
        else if (c == 'v') gd_cli_verbose();
        else if (c == 'h') {
            if (e) {
                printf("Usage: gendang-augment %s [--PARAM VALUE ...] IN -o OUT\n%s\nParameters:\n",
                       e->name, e->help);
                for (int i = 0; i < e->n_params; i++) {
                    const aug_param *p = &e->params[i];
                    if (p->type == AUG_P_NUM) printf("  --%-12s [%g, %g] default %g  %s\n", p->name, p->lo, p->hi, p->def, p->help);
                    else if (p->type == AUG_P_ENUM) printf("  --%-12s %s  %s\n", p->name, p->choices, p->help);
                    else printf("  --%-12s PATH  %s\n", p->name, p->help);
                }
                printf("Also: --seed N, --format 16|24|32, -v, -q (" GD_CLI_QUIET_HELP ").\n"
                       "Values may be distributions "
                       "(see gendang-augment --help). Exit: 0 ok, 1 runtime, 2 usage.\n");
            } else {
                usage_main(stdout);
            }
            exit(0);
        } else if (c >= OPT_PARAM0) {
            if (len + strlen(optarg) + 64 > sizeof ops) gd_usage("too many parameters");
            len += (size_t)snprintf(ops + len, sizeof ops - len, "%c%s=%s", n_set++ ? ',' : ':',
                                    e->params[c - OPT_PARAM0].name, optarg);
        } else {
            gd_usage("%s: unknown option", e ? e->name : "chain");
        }
    }
    if (o.format != 16 && o.format != 24 && o.format != 32) gd_usage("--format must be 16, 24 or 32");
    if (!e && !chain_ops) gd_usage("chain: --ops SPEC is required");
    if (optind != argc - 1) gd_usage("%s: expected one input file", e ? e->name : "chain");
    if (!o.out) gd_usage("%s: -o OUT is required", e ? e->name : "chain");
    const char *spec = e ? ops : chain_ops;
    // parse first so usage errors win over input errors
    aug_spec *s = NULL;
    aug_parse_err err;
    if (aug_spec_parse(&s, spec, &err)) ops_error(spec, &err);
    aug_spec_free(s);
    gd_audio a;
    read_in(&a, argv[optind]);
    int rc = apply_ops(&a, spec, o.seed, timing);
    if (rc) gd_die("%s: %s", argv[optind], gd_strerror(rc));
    write_out(o.out, &a, &o);
    gd_audio_free(&a);
    return 0;
}

// Exits 2 with ops_error when ops does not parse.
static void check_ops(const char *ops) {
    aug_spec *s = NULL;
    aug_parse_err err;
    if (aug_spec_parse(&s, ops, &err)) ops_error(ops, &err);
    aug_spec_free(s);
}

// `check --ops SPEC`: the ops check of `run` (same parser, same message), without inputs,
// for `gendang validate`.
static int cmd_check(int argc, char **argv) {
    static const struct option lo[] = {
        {"ops", required_argument, NULL, OPT_OPS}, {"help", no_argument, NULL, 'h'}, {0, 0, 0, 0}};
    const char *ops = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
        if (c == OPT_OPS) ops = optarg;
        else if (c == 'h') {
            printf("Usage: gendang-augment check --ops SPEC\n"
                   "  Parses SPEC as `run --ops` does (effects, parameters, ranges); prints nothing\n"
                   "  and exits 0 when it is valid, else the error at its character and exits 2.\n");
            return 0;
        } else gd_usage("check: unknown option");
    }
    if (optind != argc || !ops) gd_usage("check: expected --ops SPEC");
    check_ops(ops);
    return 0;
}

static int cmd_run(int argc, char **argv) {
    static const struct option lo[] = {
        {"in", required_argument, NULL, 'i'}, {"ops", required_argument, NULL, OPT_OPS},
        {"n", required_argument, NULL, 'n'}, {"seed", required_argument, NULL, OPT_SEED},
        {"out", required_argument, NULL, 'o'}, {"split", required_argument, NULL, 's'},
        {"rate", required_argument, NULL, 'r'}, {"channels", required_argument, NULL, 'c'},
        {"shard", required_argument, NULL, 'S'},
        {"format", required_argument, NULL, OPT_FORMAT}, {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'}, {0, 0, 0, 0}};
    aug_run_opts o = {.n = 1, .splits = "train", .format = 24, .channels = 1, .shard_k = 1,
                      .shard_n = 1};
    int c, have_seed = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:n:o:hqv", lo, NULL)) != -1) {
        switch (c) {
        case 'i': o.in = optarg; break;
        case OPT_OPS: o.ops = optarg; break;
        case 'n': o.n = (int)gd_opt_int("--n", optarg, 1, 100000); break;
        case OPT_SEED: o.seed = (uint64_t)gd_opt_int("--seed", optarg, 0, INT64_MAX); have_seed = 1; break;
        case 'o': o.out = optarg; break;
        case 's': o.splits = optarg; break;
        case 'r': o.rate = (int)gd_opt_int("--rate", optarg, 0, 384000); break;
        case 'c': o.channels = (int)gd_opt_int("--channels", optarg, 1, 2); break;
        case 'S': {
            char *slash = strchr(optarg, '/');
            if (!slash) gd_usage("--shard: expected K/N, e.g. 2/8");
            *slash = 0;
            o.shard_n = (int)gd_opt_int("--shard N", slash + 1, 1, 100000);
            o.shard_k = (int)gd_opt_int("--shard K", optarg, 1, o.shard_n);
            break;
        }
        case OPT_FORMAT: o.format = (int)gd_opt_int("--format", optarg, 16, 32); break;
        case 'q': gd_cli_quiet(); break;
        case 'v': gd_cli_verbose(); break;
        case 'h':
            printf("Usage: gendang-augment run --in DIR|METADATA.csv --ops SPEC --n N --seed S --out DIR\n"
                   "  For every input hit, N variants with parameters drawn from SPEC (see\n"
                   "  gendang-augment --help for the ops syntax). Writes OUT/<split>/<hit>_aNNN.wav,\n"
                   "  OUT/metadata.csv (ops = resolved chain) and OUT/augment_sources.csv (for replay).\n"
                   "  --split LIST   splits allowed (default train; test/valid sources are refused)\n"
                   "  --rate HZ      output rate (default: each input's own)\n"
                   "  --channels N   1 (default, stereo inputs are mixed down) or 2\n"
                   "  --shard K/N    render every N-th item only (metadata.shard-K-of-N.csv); a final\n"
                   "                 run without --shard reuses them all and writes metadata.csv\n"
                   "  Restarted runs reuse finished items (journal in OUT/.journal).\n"
                   "  --format 16|24|32, -v, -q (" GD_CLI_QUIET_HELP ").\n"
                   "  Threads: OMP_NUM_THREADS; output does not depend on it.\n"
                   "  file=@pool (mix, noise) draws among the inputs. Exit: 0 ok, 1 runtime, 2 usage.\n");
            return 0;
        default: gd_usage("run: unknown option");
        }
    }
    if (optind != argc) gd_usage("run: unexpected argument '%s'", argv[optind]);
    if (!o.in || !o.ops || !o.out) gd_usage("run: --in, --ops and --out are required");
    if (!have_seed) gd_usage("run: --seed is required (reproducibility)");
    if (o.format != 16 && o.format != 24 && o.format != 32) gd_usage("--format must be 16, 24 or 32");
    check_ops(o.ops);
    int rc = aug_run(&o);
    if (rc == GD_ERR_LEAK) exit(1);
    if (rc) gd_die("run failed: %s", gd_strerror(rc));
    return 0;
}

static int cmd_replay(int argc, char **argv) {
    static const struct option lo[] = {
        {"out", required_argument, NULL, 'o'}, {"help", no_argument, NULL, 'h'},
        {"quiet", no_argument, NULL, 'q'}, {"verbose", no_argument, NULL, 'v'}, {0, 0, 0, 0}};
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:hqv", lo, NULL)) != -1) {
        if (c == 'o') out = optarg;
        else if (c == 'q') gd_cli_quiet();
        else if (c == 'v') gd_cli_verbose();
        else if (c == 'h') {
            printf("Usage: gendang-augment replay METADATA.csv --out DIR\n"
                   "  Regenerates every row from its input (augment_sources.csv next to the\n"
                   "  metadata), its resolved ops and seed; fails (exit 1) if an input's checksum\n"
                   "  or an output's sha256 differs. Exit: 0 ok, 1 runtime, 2 usage.\n");
            return 0;
        } else gd_usage("replay: unknown option");
    }
    if (optind != argc - 1 || !out) gd_usage("replay: expected METADATA.csv and --out DIR");
    int rc = aug_replay(argv[optind], out);
    if (rc) gd_die("replay of %s failed: %s", argv[optind], gd_strerror(rc));
    return 0;
}

// Applies a raised-cosine fade-in over the first n_in and fade-out over the last n_out samples.
static void fades(float *x, int64_t n, int64_t n_in, int64_t n_out) {
    if (n_in > n) n_in = n;
    if (n_out > n) n_out = n;
    for (int64_t i = 0; i < n_in; i++) x[i] *= (float)(0.5 - 0.5 * cos(M_PI * (double)i / n_in));
    for (int64_t i = 0; i < n_out; i++) x[n - 1 - i] *= (float)(0.5 - 0.5 * cos(M_PI * (double)i / n_out));
}

static int cmd_slice(int argc, char **argv) {
    static const struct option lo[] = {
        {"out", required_argument, NULL, 'o'}, {"split", required_argument, NULL, 's'},
        {"source-id", required_argument, NULL, 'i'}, {"label", required_argument, NULL, 'l'},
        {"group", required_argument, NULL, 'g'},
        {"delta", required_argument, NULL, 1}, {"ratio", required_argument, NULL, 2},
        {"min-gap", required_argument, NULL, 3}, {"preroll", required_argument, NULL, 4},
        {"fade", required_argument, NULL, 5}, {"max-len", required_argument, NULL, 6},
        {"min-len", required_argument, NULL, 7}, {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'}, {0, 0, 0, 0}};
    aug_slice_opts so = aug_slice_defaults();
    const char *out = NULL, *split = "train", *sid = NULL, *label = "", *group = NULL;
    int c, format = 24;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:hqv", lo, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 's': split = optarg; break;
        case 'i': sid = optarg; break;
        case 'l': label = optarg; break;
        case 'g': group = optarg; break;
        case 1: so.delta = gd_opt_double("--delta", optarg, 0, 1); break;
        case 2: so.ratio = gd_opt_double("--ratio", optarg, 0, 100); break;
        case 3: so.min_gap_ms = gd_opt_double("--min-gap", optarg, 1, 10000); break;
        case 4: so.preroll_ms = gd_opt_double("--preroll", optarg, 0, 100); break;
        case 5: so.fade_ms = gd_opt_double("--fade", optarg, 0, 1000); break;
        case 6: so.max_len_s = gd_opt_double("--max-len", optarg, 0.01, 600); break;
        case 7: so.min_len_ms = gd_opt_double("--min-len", optarg, 0, 10000); break;
        case OPT_FORMAT: format = (int)gd_opt_int("--format", optarg, 16, 32); break;
        case 'q': gd_cli_quiet(); break;
        case 'v': gd_cli_verbose(); break;
        case 'h':
            printf("Usage: gendang-augment slice IN --out DIR [options]\n"
                   "  Cuts a recording (mixed to mono) into hits: spectral-flux onsets, adaptive\n"
                   "  threshold (ratio x moving median + delta), backtracked to the energy minimum,\n"
                   "  pre-roll with fade-in, trailing silence trimmed, fade-out. Writes\n"
                   "  DIR/<split>/<stem>_hNNN.wav and merges rows into DIR/metadata.csv.\n"
                   "  --split S (train)  --source-id ID (file stem)  --group G (source id)  --label L\n"
                   "  --delta 0.04 --ratio 1.5 --min-gap 30 (ms) --preroll 5 (ms) --fade 10 (ms)\n"
                   "  --max-len 2 (s) --min-len 20 (ms) --format 16|24|32\n"
                   "Exit: 0 ok, 1 runtime failure, 2 usage.\n");
            return 0;
        default: gd_usage("slice: unknown option");
        }
    }
    if (optind != argc - 1 || !out) gd_usage("slice: expected IN and --out DIR");
    if (strcmp(split, "train") && strcmp(split, "valid") && strcmp(split, "test"))
        gd_usage("slice: --split must be train, valid or test");
    const char *in = argv[optind];
    gd_audio a;
    int rc = gd_audio_read(&a, in, 0, 0);
    if (rc) gd_die("%s: %s", in, gd_strerror(rc));
    if (a.n_channels > 1) {
        gd_info("slice: %s has %d channels; mixing down to mono", in, a.n_channels);
        if ((rc = gd_audio_convert_channels(&a, 1))) gd_die("%s: %s", in, gd_strerror(rc));
    }
    if (aug__peak(&a) == 0) gd_die("%s: audio is all zeros (silent); nothing to slice", in);
    aug_hit *hits;
    int nh;
    if ((rc = aug_slice(&hits, &nh, a.data, a.n_frames, a.rate, &so))) gd_die("%s: %s", in, gd_strerror(rc));
    if (nh == 0) gd_die("%s: no onsets found (try a lower --delta)", in);
    char stem[256];
    snprintf(stem, sizeof stem, "%s", gd_path_basename(in));
    char *dot = strrchr(stem, '.');
    if (dot) *dot = 0;
    for (char *p = stem; *p; p++)
        if (*p == ' ' || *p == ',') *p = '_';
    char *mp = gd_path_join(out, "metadata.csv");
    gd_meta *m = NULL;
    if (gd_path_exists(mp) ? gd_meta_read(&m, mp) : gd_meta_init(&m)) gd_die("%s: cannot read", mp);
    for (int i = 0; i < nh; i++) {
        gd_audio h;
        int64_t len = hits[i].end - hits[i].start;
        if (gd_audio_alloc(&h, 1, len, a.rate)) gd_die("out of memory");
        memcpy(h.data, a.data + hits[i].start, (size_t)len * sizeof(float));
        fades(h.data, len, hits[i].onset - hits[i].start, (int64_t)(so.fade_ms * 1e-3 * a.rate));
        char name[512], sha[GD_SHA256_HEX_LEN];
        snprintf(name, sizeof name, "%s/%s_h%03d.wav", split, stem, i);
        char *path = gd_path_join(out, name), *dir = gd_path_dirname(path);
        gd_write_opts w = gd_write_opts_default();
        w.format = (gd_sample_format)format;
        w.dither_seed = aug_dither_seed(name, 0);   // the row's seed is 0
        if (gd_mkdir_p(dir) || gd_audio_write(path, &h, &w, NULL) || gd_sha256_file(sha, path))
            gd_die("%s: cannot write", path);
        gd_meta_row row = {name, (char *)split, (char *)(sid ? sid : stem),
                           (char *)(group ? group : sid ? sid : stem), (char *)label,
                           (double)len / a.rate, a.rate, sha, 0, ""};
        int at = gd_meta_find(m, name);
        if (at >= 0) {   // re-slicing replaces the old row
            gd_meta *m2;
            gd_meta_init(&m2);
            for (int j = 0; j < m->n_rows; j++)
                if (j != at) gd_meta_append(m2, &m->rows[j]);
            gd_meta_free(m);
            m = m2;
        }
        if (gd_meta_append(m, &row)) gd_die("out of memory");
        gd_audio_free(&h);
        free(path);
        free(dir);
    }
    if (gd_meta_write(m, mp)) gd_die("%s: cannot write", mp);
    printf("%d hits from %s\n", nh, in);
    gd_meta_free(m);
    free(mp);
    free(hits);
    gd_audio_free(&a);
    return 0;
}

// Instrument name of an input: its label, else its file stem up to the first space, '-' or
// '_' with trailing digits removed ("Djembe1 Slap" -> "Djembe", "PearlSnare-Hard" -> "PearlSnare").
static void instrument_of(char *buf, size_t cap, const aug_input *in) {
    if (in->label[0]) { snprintf(buf, cap, "%s", in->label); return; }
    snprintf(buf, cap, "%s", gd_path_basename(in->id));
    buf[strcspn(buf, " -_.")] = 0;
    size_t n = strlen(buf);
    while (n > 1 && buf[n - 1] >= '0' && buf[n - 1] <= '9') buf[--n] = 0;
}

static int cmd_sequence(int argc, char **argv) {
    static const struct option lo[] = {
        {"in", required_argument, NULL, 'i'}, {"out", required_argument, NULL, 'o'},
        {"n", required_argument, NULL, 'n'}, {"seed", required_argument, NULL, OPT_SEED},
        {"tempo", required_argument, NULL, 1}, {"swing", required_argument, NULL, 2},
        {"jitter", required_argument, NULL, 3}, {"vel-sd", required_argument, NULL, 4},
        {"density", required_argument, NULL, 5}, {"min-len", required_argument, NULL, 6},
        {"steps", required_argument, NULL, 7}, {"pattern", required_argument, NULL, 8},
        {"split", required_argument, NULL, 's'}, {"format", required_argument, NULL, OPT_FORMAT},
        {"help", no_argument, NULL, 'h'}, {"quiet", no_argument, NULL, 'q'},
        {"verbose", no_argument, NULL, 'v'}, {0, 0, 0, 0}};
    aug_seq_opts so = aug_seq_defaults();
    const char *in = NULL, *out = NULL, *splits = "train";
    double tempo_lo = 90, tempo_hi = 150;
    int c, n = 1, format = 24, have_seed = 0, fixed_tempo = 0;
    uint64_t seed = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "i:o:n:hqv", lo, NULL)) != -1) {
        switch (c) {
        case 'i': in = optarg; break;
        case 'o': out = optarg; break;
        case 'n': n = (int)gd_opt_int("--n", optarg, 1, 100000); break;
        case OPT_SEED: seed = (uint64_t)gd_opt_int("--seed", optarg, 0, INT64_MAX); have_seed = 1; break;
        case 1: {
            char *colon = strchr(optarg, ':');
            if (colon) {
                *colon = 0;
                tempo_lo = gd_opt_double("--tempo", optarg, 20, 400);
                tempo_hi = gd_opt_double("--tempo", colon + 1, tempo_lo, 400);
            } else {
                so.tempo = gd_opt_double("--tempo", optarg, 20, 400);
                fixed_tempo = 1;
            }
            break;
        }
        case 2: so.swing = gd_opt_double("--swing", optarg, 0, 0.5); break;
        case 3: so.jitter_ms = gd_opt_double("--jitter", optarg, 0, 100); break;
        case 4: so.vel_sd_db = gd_opt_double("--vel-sd", optarg, 0, 24); break;
        case 5: so.density = gd_opt_double("--density", optarg, 0, 1); break;
        case 6: so.min_len_s = gd_opt_double("--min-len", optarg, 0.1, 600); break;
        case 7: so.steps = (int)gd_opt_int("--steps", optarg, 1, 64); break;
        case 8: so.pattern = optarg; break;
        case 's': splits = optarg; break;
        case OPT_FORMAT: format = (int)gd_opt_int("--format", optarg, 16, 32); break;
        case 'q': gd_cli_quiet(); break;
        case 'v': gd_cli_verbose(); break;
        case 'h':
            printf("Usage: gendang-augment sequence --in DIR|METADATA.csv --out DIR --n N --seed S [options]\n"
                   "  Builds N loops from the input hits (mono): OUT/train/loop_NNN.wav + metadata.csv.\n"
                   "  --tempo BPM or LO:HI (drawn uniformly per loop; default 90:150)\n"
                   "  --pattern 'X..x..x.x.o.x...' lanes separated by '/', X accent, x normal,\n"
                   "            o ghost, . rest; lane i plays instrument i (sorted names); default random\n"
                   "  --swing 0..0.5 (0)  --jitter MS (5)  --vel-sd DB (2)  --density 0..1 (0.3)\n"
                   "  --steps N (16)  --min-len S (6: RAVE drops files shorter than its crop)\n"
                   "  --split LIST (train; test/valid hits are refused)  --format 16|24|32\n"
                   "  Instruments: the metadata label, else the file stem's first word without digits.\n"
                   "  The ops column records the resolved loop (pattern, round robin, seed);\n"
                   "  `replay OUT/metadata.csv` regenerates it (sequence_hits.csv lists the hits).\n"
                   "Exit: 0 ok, 1 runtime failure, 2 usage.\n");
            return 0;
        default: gd_usage("sequence: unknown option");
        }
    }
    if (optind != argc || !in || !out) gd_usage("sequence: --in and --out are required");
    if (!have_seed) gd_usage("sequence: --seed is required (reproducibility)");
    aug_input *inputs;
    int n_in;
    if (aug_inputs_read(&inputs, &n_in, in)) gd_die("%s: cannot list inputs", in);
    if (n_in == 0) gd_die("%s: no audio inputs found", in);
    char (*names)[128] = calloc(n_in, sizeof *names);
    aug_seq_hit *hits = calloc(n_in, sizeof *hits);
    gd_audio *aud = calloc(n_in, sizeof *aud);
    int n_inst = 0, rate = 0;
    char (*inst)[128] = calloc(n_in, sizeof *inst);
    for (int i = 0; i < n_in; i++) {
        if (!aug_split_allowed(splits, inputs[i].split))
            gd_die("%s: refusing to sequence a '%s' hit (pass --split %s,%s to allow)", inputs[i].id,
                   inputs[i].split, splits, inputs[i].split);
        int rc = gd_audio_read(&aud[i], inputs[i].path, rate, 1);
        if (rc) gd_die("%s: %s", inputs[i].path, gd_strerror(rc));
        rate = aud[i].rate;
        instrument_of(names[i], sizeof names[i], &inputs[i]);
    }
    for (int i = 0; i < n_in; i++) {   // sorted unique instrument names
        int found = 0;
        for (int k = 0; k < n_inst; k++) found |= !strcmp(inst[k], names[i]);
        if (!found) strcpy(inst[n_inst++], names[i]);
    }
    qsort(inst, n_inst, sizeof *inst, (int (*)(const void *, const void *))strcmp);
    for (int i = 0; i < n_in; i++) {
        hits[i].x = aud[i].data;
        hits[i].n = aud[i].n_frames;
        for (int k = 0; k < n_inst; k++)
            if (!strcmp(inst[k], names[i])) hits[i].instrument = k;
    }
    gd_meta_row *rows = calloc(n, sizeof *rows);
    int *item_rc = calloc(n, sizeof(int));
#pragma omp parallel for schedule(dynamic, 1)
    for (int k = 0; k < n; k++) {
        char name[64], id[64], sha[GD_SHA256_HEX_LEN], *desc = NULL;
        snprintf(id, sizeof id, "loop#%d", k);
        snprintf(name, sizeof name, "train/loop_%03d.wav", k);
        gd_rng rng;
        gd_rng_init(&rng, seed, gd_rng_stream_id("sequence", id));
        aug_seq_opts o = so;
        if (!fixed_tempo) o.tempo = gd_rng_range(&rng, tempo_lo, tempo_hi);
        float *y = NULL;
        int64_t ny = 0;
        int rc = aug_sequence(&y, &ny, &desc, hits, n_in, n_inst, rate, &o, &rng);
        char *path = gd_path_join(out, name), *dir = gd_path_dirname(path);
        if (!rc) {
            gd_audio a = {y, 1, ny, rate};
            gd_write_opts w = gd_write_opts_default();
            w.format = (gd_sample_format)format;
            w.dither_seed = aug_dither_seed(name, seed);
            rc = gd_mkdir_p(dir);
            if (!rc) rc = gd_audio_write(path, &a, &w, NULL);
            if (!rc) rc = gd_sha256_file(sha, path);
        }
        if (!rc) {
            rows[k] = (gd_meta_row){strdup(name), "train", "sequence", "sequence", "loop",
                                    (double)ny / rate, rate, strdup(sha), seed, desc};
            desc = NULL;
        }
        item_rc[k] = rc;
        free(desc); free(y); free(path); free(dir);
    }
    gd_meta *m;
    gd_meta_init(&m);
    for (int k = 0; k < n; k++) {
        if (item_rc[k]) gd_die("sequence: loop %d failed: %s", k, gd_strerror(item_rc[k]));
        gd_meta_append(m, &rows[k]);
        free(rows[k].file_name); free(rows[k].sha256); free(rows[k].ops);
    }
    // replay sources: the hits in render order, and one augment_sources.csv row per loop
    char **paths = calloc(n_in, sizeof *paths), **shas = calloc(n_in, sizeof *shas);
    int *ins = calloc(n_in, sizeof(int));
    char list_sha[GD_SHA256_HEX_LEN];
    for (int i = 0; i < n_in; i++) {
        paths[i] = inputs[i].path;
        shas[i] = malloc(GD_SHA256_HEX_LEN);
        if (gd_sha256_file(shas[i], inputs[i].path)) gd_die("%s: cannot read", inputs[i].path);
        ins[i] = hits[i].instrument;
    }
    if (aug_seq_hits_write(out, paths, shas, ins, n_in, rate, list_sha)) gd_die("%s: cannot write sources", out);
    char *sp = gd_path_join(out, "augment_sources.csv");
    const char **src = calloc(n + 1, sizeof *src), **src_sha = calloc(n + 1, sizeof *src_sha);
    int *ones = calloc(n + 1, sizeof(int)), *fmts = calloc(n + 1, sizeof(int));
    if (!src || !src_sha || !ones || !fmts) gd_die("out of memory");
    for (int k = 0; k < n; k++) {   // every loop row names the hits table
        src[k] = "@sequence_hits.csv";
        src_sha[k] = list_sha;
        ones[k] = 1;
        fmts[k] = format;
    }
    if (aug_sources_write(sp, m, src, src_sha, ones, fmts)) gd_die("%s: cannot write", sp);
    free(src); free(src_sha); free(ones); free(fmts);
    for (int i = 0; i < n_in; i++) free(shas[i]);
    free(paths); free(shas); free(ins); free(sp);
    char *mp = gd_path_join(out, "metadata.csv");
    if (gd_meta_write(m, mp)) gd_die("%s: cannot write", mp);
    printf("%d loops from %d hits of %d instruments\n", n, n_in, n_inst);
    free(mp); gd_meta_free(m); free(rows); free(item_rc);
    for (int i = 0; i < n_in; i++) gd_audio_free(&aud[i]);
    free(aud); free(hits); free(names); free(inst);
    aug_inputs_free(inputs, n_in);
    return 0;
}

int main(int argc, char **argv) {
    gd_cli_init("gendang-augment");
    // Whole-signal buffers (tens of MB) are allocated and freed effect after effect: keep
    // freed memory in the heap instead of returning it to the kernel (mmap/munmap), which
    // would fault every page in again, zeroed, for the next buffer.
    mallopt(M_MMAP_THRESHOLD, 1 << 30);
    mallopt(M_TRIM_THRESHOLD, 1 << 30);
    if (argc < 2) gd_usage("missing command");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) { usage_main(stdout); return 0; }
    if (!strcmp(cmd, "--version")) { printf("gendang-augment %s\n", GD_VERSION); return 0; }
    if (!strcmp(cmd, "effects")) { aug_effects_print(stdout); return 0; }
    if (!strcmp(cmd, "chain")) return cmd_effect(argc - 1, argv + 1, NULL);
    if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1);
    if (!strcmp(cmd, "check")) return cmd_check(argc - 1, argv + 1);
    if (!strcmp(cmd, "replay")) return cmd_replay(argc - 1, argv + 1);
    if (!strcmp(cmd, "slice")) return cmd_slice(argc - 1, argv + 1);
    if (!strcmp(cmd, "sequence")) return cmd_sequence(argc - 1, argv + 1);
    const aug_effect *e = aug__effect_find(cmd, (int)strlen(cmd));
    if (e) return cmd_effect(argc - 1, argv + 1, e);
    gd_usage("unknown command '%s'", cmd);
}
