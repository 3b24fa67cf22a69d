// main.c: gendang-train, the RAVE v2 (Wasserstein) trainer on CPU.
//
//   gendang-train fit --corpus DIR --config NAME|FILE --steps N [--resume [auto]] -o RUN_DIR
//   gendang-train encode MODEL IN -o latents.csv
//   gendang-train decode MODEL latents.csv -o OUT.wav
//   gendang-train transfer MODEL IN -o OUT.wav | transfer MODEL IN... -o DIR
//   gendang-train attribute MODEL --corpus DIR IN [-o DIR] (train/cmd_attribute.c)
// Exit status: 0 success, 1 runtime failure (bad input, I/O, NaN loss), 2 usage error.
#include <dirent.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "core/audio.h"       // defines: gd_audio_read, gd_audio_write
#include "core/cli.h"         // defines: gd_die, gd_usage, gd_opt_int, gd_cli_quiet/_verbose
#include "core/csv.h"         // defines: gd_csv_read, gd_csv_write_row
#include "core/error.h"       // defines: gd_strerror
#include "core/fileio.h"      // defines: gd_atomic_open, gd_path_exists
#include "core/log.h"         // defines: gd_info
#include "core/outdir.h"      // defines: gd_outlist_*
#include "train/bench.h"      // defines: rv_bench
#include "train/checkpoint.h" // defines: rv_ckpt_load
#include "train/cmds.h"       // defines: rv_cmd_attribute, rv_cmd_export, rv_cmd_import, rv_cli_*
#include "train/config.h"     // defines: rv_config_load
#include "train/fit.h"        // defines: rv_fit
#include "train/cuda/rv_cuda.h" // defines: rv_cuda_init
#include "train/infer.h"      // defines: rv_infer_*

static void help(void) {
    printf(
        "Usage: gendang-train COMMAND [OPTIONS]\n"
        "Train and use a RAVE v2 autoencoder with the Wasserstein latent (CPU, OpenMP + BLAS;\n"
        "fit also on one CUDA GPU).\n\n"
        "Commands:\n"
        "  fit --corpus DIR --config NAME|FILE --steps N [--resume [auto]] -o RUN_DIR\n"
        "      train on DIR/metadata.csv (train split; valid split for the validation loss).\n"
        "      NAME is a file in train/configs (v2_wasserstein, tiny). Writes RUN_DIR/log.csv,\n"
        "      RUN_DIR/config.yaml, RUN_DIR/ckpt_STEP.safetensors on the way and\n"
        "      RUN_DIR/model.safetensors once the run reaches N steps.\n"
        "  encode MODEL IN -o latents.csv     latent frames (time_s, z0..) of any audio file\n"
        "  decode MODEL latents.csv -o OUT    audio from latents (WAV, or FLAC for .flac; model rate)\n"
        "  transfer MODEL IN -o OUT           timbre transfer: decode(encode(IN)); any rate and\n"
        "                                     length (resampled to the model rate, streamed in blocks)\n"
        "  transfer MODEL IN... -o DIR        files or folders of audio: DIR/<name>.wav each (used\n"
        "                                     whenever OUT does not end in .wav/.flac or is a folder)\n"
        "  attribute MODEL --corpus DIR IN   which training labels IN's latent frames lie nearest\n"
        "                                     to, against a label-permutation floor (attribute --help)\n"
        "  export MODEL --to rave -o DIR      for acids-rave: config.gin, model.ckpt (export --help)\n"
        "  import CKPT -o RUN_DIR             an acids-rave v2 + wasserstein checkpoint (import --help)\n"
        "  info MODEL [FIELD]                 checkpoint summary (key<TAB>value lines), or one field:\n"
        "                                     step, sample_rate, latent_size, hop, params, phase\n"
        "  bench --config NAME|FILE [--batch B] [--steps N]\n"
        "                                     training steps/s on synthetic input, time per op\n\n"
        "Options:\n"
        "  -o, --output PATH    output file or run folder\n"
        "      --corpus DIR     corpus folder (fit)\n"
        "      --config X       config name or YAML file (fit)\n"
        "      --steps N        total steps to reach (fit)\n"
        "      --resume         continue from the newest checkpoint in RUN_DIR that verifies\n"
        "                       (size, header, tensors and shapes, Adam state, finite values);\n"
        "                       an error when none does (fit)\n"
        "      --resume auto    the same when there is one of this --config and --seed, else\n"
        "                       start from step 0; says which on stderr (fit; for pipelines)\n"
        "      --device D       cpu (default) or cuda (fit only: the training step on GPU 0,\n"
        "                       TF32; GD_CUDA_FP32=1 for strict fp32, GD_CUDA_NO_GRAPH=1 eager)\n"
        "      --init MODEL     start from MODEL's weights: fresh optimiser, step 0; its config\n"
        "                       unless --config is given (fit; not with --resume)\n"
        "      --strict         a corpus file that fails to decode is fatal (fit)\n"
        "      --seed N         seed (default: the config's)\n"
        "      --block N        latent frames per inference block (default 64)\n"
        "      --no-noise       zero noise channels instead of drawn ones (decode, transfer)\n"
        "      --batch B        batch size (bench; default: the config's)\n"
        "      --debug-nan-at S treat the loss of step S as NaN (tests the NaN stop; fit)\n"
        "  -q, --quiet          " GD_CLI_QUIET_HELP "\n"
        "  -v, --verbose        more messages\n"
        "  -h, --help           this help;  --version  the version\n\n"
        "Exit status: 0 success, 1 runtime failure (bad input, I/O, NaN loss), 2 usage error.\n"
        "Threads: OMP_NUM_THREADS. Runs are deterministic for a fixed thread count.\n");
}

// NAME (train/configs/NAME.yaml, next to the working directory or the binary) or a file.
static int resolve_config(rv_config *c, const char *arg) {
    rv_config_default(c);
    if (strchr(arg, '/') || strstr(arg, ".yaml") || gd_path_exists(arg)) return rv_config_load(c, arg);
    char path[8300], rel[2][8300];
    snprintf(path, sizeof(path), "train/configs/%s.yaml", arg);
    if (gd_path_exists(path)) return rv_config_load(c, path);
    // beside the binary: the source tree, or PREFIX/share/gendang after `make install`
    snprintf(rel[0], sizeof rel[0], "../train/configs/%s.yaml", arg);
    snprintf(rel[1], sizeof rel[1], "../share/gendang/train/configs/%s.yaml", arg);
    char *found = gd_find_beside_exe((const char *const[]){rel[0], rel[1]}, 2);
    if (found) {
        int rc = rv_config_load(c, found);
        free(found);
        return rc;
    }
    gd_usage("unknown config '%s' (not a file, not in train/configs/)", arg);
}

// Writes y as WAV (24-bit) or FLAC by path's extension. A model's output can peak above full
// scale (acids-rave's too: nn~ and the RAVE VST pass it on unclipped), so a WAV whose peak
// exceeds 1 is written as 32-bit float instead, keeping the model's output as it is; FLAC
// holds no float, so there it is clipped with a warning.
static void write_audio(const char *path, float *y, long n, int rate) {
    gd_audio a = {y, 1, n, rate};
    gd_write_opts o = gd_write_opts_default();
    float peak = 0;
    for (long i = 0; i < n; i++) peak = fabsf(y[i]) > peak ? fabsf(y[i]) : peak;
    size_t l = strlen(path);
    int flac = l > 5 && !strcasecmp(path + l - 5, ".flac");
    if (peak > 1.0f && !flac) o.format = GD_FLOAT32;   // gd_audio_write warns "(kept in float)"
    int64_t clipped = 0;
    int rc = gd_audio_write(path, &a, &o, &clipped);
    if (rc) gd_die("%s: cannot write (%s)", path, gd_strerror(rc));
}

static void write_latents(const char *path, const float *z, int L, long F, double frame_s) {
    gd_atomic a;
    if (gd_atomic_open(&a, path, "w")) gd_die("%s: cannot write", path);
    fputs("frame,time_s", a.f);
    for (int l = 0; l < L; l++) fprintf(a.f, ",z%d", l);
    fputc('\n', a.f);
    for (long f = 0; f < F; f++) {
        fprintf(a.f, "%ld,%.6f", f, f * frame_s);
        for (int l = 0; l < L; l++) fprintf(a.f, ",%.9g", z[(long)l * F + f]);
        fputc('\n', a.f);
    }
    if (gd_atomic_commit(&a)) gd_die("%s: cannot write", path);
}

static float *read_latents(const char *path, int L, long *F) {
    gd_csv *csv;
    if (gd_csv_read(&csv, path)) gd_die("%s: cannot read latents CSV", path);
    int c0 = gd_csv_col(csv, "z0");
    if (c0 < 0 || csv->n_cols - c0 != L)
        gd_die("%s: expected columns z0..z%d for this model (latent size %d)", path, L - 1, L);
    if (!csv->n_rows) gd_die("%s: no latent frames", path);
    *F = csv->n_rows;
    float *z = malloc(sizeof(float) * L * *F);
    for (long f = 0; f < *F; f++)
        for (int l = 0; l < L; l++) {
            double v;
            if (gd_parse_double(gd_csv_get(csv, (int)f, c0 + l), -1e6, 1e6, &v))
                gd_die("%s: row %ld, z%d: not a number", path, f + 2, l);
            z[(long)l * *F + f] = (float)v;
        }
    gd_csv_free(csv);
    return z;
}

// Transfers one file to out (model rate, same length at that rate).
static int transfer_one(rv_model *m, const char *in, const char *out, int block, uint64_t seed) {
    long n;
    float *x = rv_cli_read_input(m, in, &n);
    int hop = rv_config_hop(&m->cfg);
    float *y = malloc(sizeof(float) * ((n + hop - 1) / hop) * hop);
    int rc = rv_infer_transfer(m, y, x, n, block, seed);
    if (!rc) write_audio(out, y, n, m->cfg.sample_rate);
    free(x); free(y);
    return rc;
}

// Every input file, and every audio file (by extension) directly inside input folders, to
// out_dir/<name>.wav. A file that does not decode is fatal. The names written are kept in
// out_dir/.transfer-outputs, so a rerun removes what an earlier run wrote and this one does
// not (and the temporaries of an interrupted run), never anything else in the folder.
static int transfer_many(rv_model *m, const char *model, char **ins, int n_in,
                         const char *out_dir, int block, uint64_t seed) {
    int nf;
    char **files = rv_cli_expand_inputs(ins, n_in, &nf), **names;
    names = malloc(sizeof(char *) * (nf + 1));
    for (int k = 0; k < nf; k++) {
        char name[1024];
        snprintf(name, sizeof(name), "%s", gd_path_basename(files[k]));
        char *dot = strrchr(name, '.');
        if (dot) *dot = 0;
        strncat(name, ".wav", sizeof(name) - strlen(name) - 1);
        names[k] = strdup(name);
    }
    if (gd_outlist_begin(out_dir, ".transfer-outputs", (const char *const *)names, nf))
        gd_die("%s: cannot prepare the output folder", out_dir);
    for (int k = 0; k < nf; k++) {
        char *o = gd_path_join(out_dir, names[k]);
        int rc = transfer_one(m, files[k], o, block, seed);
        if (rc) rv_cli_infer_failed(model, files[k], "transfer", rc);
        free(o);
    }
    if (gd_outlist_finish(out_dir, ".transfer-outputs", (const char *const *)names, nf))
        gd_die("%s: cannot remove the outputs of earlier runs", out_dir);
    for (int k = 0; k < nf; k++) { free(files[k]); free(names[k]); }
    free(files);
    free(names);
    gd_info("transferred %d file(s) into %s", nf, out_dir);
    return 0;
}

int main(int argc, char **argv) {
    // Idle OpenMP threads spin by default; on a shared machine the spinners starve the
    // threads doing the work (measured: 6 vs 35 tiny steps/s on 2 busy cores). libgomp reads
    // OMP_WAIT_POLICY once at load, so set it and re-exec (only when the user has not chosen).
    if (!getenv("OMP_WAIT_POLICY")) {
        setenv("OMP_WAIT_POLICY", "passive", 1);
        execv("/proc/self/exe", argv);   // returns only on failure: carry on spinning
    }
    gd_cli_init("gendang-train");
    // attribute has its own options (train/cmd_attribute.c).
    if (argc > 1 && !strcmp(argv[1], "attribute")) return rv_cmd_attribute(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "export")) return rv_cmd_export(argc - 1, argv + 1);
    if (argc > 1 && !strcmp(argv[1], "import")) return rv_cmd_import(argc - 1, argv + 1);
    // "--resume auto" (two words) is "--resume=auto": getopt takes an optional argument only
    // in the second form.
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--resume") && !strcmp(argv[i + 1], "auto")) {
            argv[i] = "--resume=auto";
            memmove(argv + i + 1, argv + i + 2, sizeof(char *) * (size_t)(argc - i - 1));
            argc--;
        }
    enum { O_CORPUS = 256, O_CONFIG, O_STEPS, O_RESUME, O_STRICT, O_SEED, O_BLOCK, O_VERSION, O_BATCH, O_FAULT, O_DEVICE, O_NO_NOISE, O_INIT };
    static const struct option opts[] = {
        {"output", required_argument, 0, 'o'}, {"corpus", required_argument, 0, O_CORPUS},
        {"config", required_argument, 0, O_CONFIG}, {"steps", required_argument, 0, O_STEPS},
        {"resume", optional_argument, 0, O_RESUME}, {"strict", no_argument, 0, O_STRICT},
        {"seed", required_argument, 0, O_SEED}, {"block", required_argument, 0, O_BLOCK},
        {"batch", required_argument, 0, O_BATCH},
        {"debug-nan-at", required_argument, 0, O_FAULT},
        {"device", required_argument, 0, O_DEVICE},
        {"no-noise", no_argument, 0, O_NO_NOISE}, {"init", required_argument, 0, O_INIT},
        {"quiet", no_argument, 0, 'q'}, {"verbose", no_argument, 0, 'v'},
        {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, O_VERSION}, {0, 0, 0, 0}};
    const char *out = NULL, *corpus = NULL, *config = NULL, *device = "cpu";
    long steps = -1, seed = -1, block = 64, batch = 0, fault = -1;
    const char *init = NULL;
    int resume = 0, strict = 0, quiet = 0, verbose = 0, no_noise = 0, ch;
    while ((ch = getopt_long(argc, argv, "o:qvh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case O_CORPUS: corpus = optarg; break;
        case O_CONFIG: config = optarg; break;
        case O_STEPS: steps = (long)gd_opt_int("--steps", optarg, 1, 1000000000000LL); break;
        case O_RESUME:
            if (optarg && strcmp(optarg, "auto")) gd_usage("--resume takes no value or 'auto', not '%s'", optarg);
            resume = optarg ? RV_RESUME_AUTO : RV_RESUME_REQUIRED;
            break;
        case O_STRICT: strict = 1; break;
        case O_SEED: seed = (long)gd_opt_int("--seed", optarg, 0, 9000000000000000000LL); break;
        case O_BLOCK: block = (long)gd_opt_int("--block", optarg, 1, 100000); break;
        case O_BATCH: batch = (long)gd_opt_int("--batch", optarg, 1, 1024); break;
        case O_DEVICE: device = optarg; break;
        case O_NO_NOISE: no_noise = 1; break;
        case O_INIT: init = optarg; break;
        case O_FAULT: fault = (long)gd_opt_int("--debug-nan-at", optarg, 0, 1000000000000LL); break;
        case 'q': quiet = 1; break;
        case 'v': verbose++; break;
        case 'h': help(); return 0;
        case O_VERSION: printf("gendang-train %s\n", GD_VERSION); return 0;
        default: gd_usage("unknown option");
        }
    }
    if (quiet) gd_cli_quiet();
    else if (verbose) gd_cli_verbose();
    if (optind >= argc) gd_usage("missing command (fit, encode, decode, transfer)");
    const char *cmd = argv[optind++];
    if (strcmp(device, "cpu") && strcmp(device, "cuda")) gd_usage("--device: cpu or cuda, not '%s'", device);
    if (!strcmp(device, "cuda")) {
        if (strcmp(cmd, "fit"))
            gd_die("--device cuda: only fit runs on the GPU; %s runs on the CPU (drop --device)", cmd);
        char why[256];
        if (rv_cuda_init(why, sizeof(why)))   // before any file is read or written
            gd_die("--device cuda: no usable GPU (%s); use --device cpu", why);
    }
    int npos = argc - optind;
    if (!strcmp(cmd, "fit")) {
        if (npos) gd_usage("fit takes no positional arguments ('%s')", argv[optind]);
        if (!corpus) gd_usage("fit needs --corpus DIR");
        if (!out) gd_usage("fit needs -o RUN_DIR");
        if (steps < 0) gd_usage("fit needs --steps N");
        if (init && resume) gd_usage("fit: --init starts a new run at step 0; --resume continues one");
        if (!config && resume != RV_RESUME_REQUIRED && !init)
            gd_usage("fit needs --config NAME|FILE%s", resume ? " (--resume auto may start from step 0)" : "");
        rv_fit_opts o;
        memset(&o, 0, sizeof(o));
        if (config && resolve_config(&o.cfg, config)) gd_die("%s: invalid config", config);
        o.have_cfg = config != NULL;
        if (init && !config) {   // the model's own config
            rv_model im;
            if (rv_ckpt_load(init, &im, NULL, NULL, 0)) { rv_model_free(&im); gd_die("%s: cannot load model", init); }
            o.cfg = im.cfg;
            rv_model_free(&im);
        }
        o.init = init;
        o.corpus = corpus; o.out_dir = out; o.steps = steps; o.resume = resume;
        o.strict = strict; o.quiet = quiet; o.seed = seed; o.fault_step = fault;
        o.cuda = !strcmp(device, "cuda");
        int rc = rv_fit(&o);
        return rc ? 1 : 0;
    }
    if (!strcmp(cmd, "bench")) {
        if (!config) gd_usage("bench needs --config NAME|FILE");
        rv_config c;
        if (resolve_config(&c, config)) gd_die("%s: invalid config", config);
        int rc = rv_bench(&c, batch ? (int)batch : c.batch, steps > 0 ? (int)steps : 5);
        if (rc) gd_die("bench failed (%s)", gd_strerror(rc));
        return 0;
    }
    if (!strcmp(cmd, "info")) {
        if (npos < 1 || npos > 2) gd_usage("info needs MODEL and optionally one FIELD");
        rv_model m;
        long step = 0;
        char sha[65];
        int rc = rv_ckpt_load(argv[optind], &m, &step, sha, 1);
        if (rc) { rv_model_free(&m); gd_die("%s: cannot load model (%s)", argv[optind], gd_strerror(rc)); }
        char v[6][80];
        const char *k[6] = {"step", "sample_rate", "latent_size", "hop", "params", "phase"};
        snprintf(v[0], 80, "%ld", step);
        snprintf(v[1], 80, "%d", m.cfg.sample_rate);
        snprintf(v[2], 80, "%d", m.cfg.latent_size);
        snprintf(v[3], 80, "%d", rv_config_hop(&m.cfg));
        snprintf(v[4], 80, "%ld", m.P.total);
        snprintf(v[5], 80, "%d", step < m.cfg.phase_1_duration ? 1 : 2);
        int found = npos == 1;
        for (int i = 0; i < 6; i++) {
            if (npos == 2 && strcmp(argv[optind + 1], k[i])) continue;
            found = 1;
            if (npos == 2) printf("%s\n", v[i]);
            else printf("%s\t%s\n", k[i], v[i]);
        }
        if (npos == 1) printf("data_sha256\t%s\n", sha);
        rv_model_free(&m);
        if (!found) gd_usage("info: unknown field '%s'", argv[optind + 1]);
        return 0;
    }
    if (strcmp(cmd, "encode") && strcmp(cmd, "decode") && strcmp(cmd, "transfer"))
        gd_usage("unknown command '%s'", cmd);
    if (npos < 2) gd_usage("%s needs MODEL and an input file", cmd);
    if (npos > 2 && strcmp(cmd, "transfer")) gd_usage("%s takes one input file", cmd);
    if (!out) gd_usage("%s needs -o OUTPUT", cmd);
    rv_model m;
    rv_cli_load_model(&m, argv[optind]);
    const char *in = argv[optind + 1];
    size_t lo = strlen(out);
    int out_is_file = (lo > 4 && !strcasecmp(out + lo - 4, ".wav")) ||
                      (lo > 5 && !strcasecmp(out + lo - 5, ".flac"));   // gd_audio_write: FLAC
    if (!strcmp(cmd, "transfer") && (npos > 2 || gd_is_dir(in) || gd_is_dir(out) || !out_is_file)) {
        int rc = transfer_many(&m, argv[optind], argv + optind + 1, npos - 1, out, (int)block,
                               no_noise ? RV_INFER_NO_NOISE : (uint64_t)(seed >= 0 ? seed : m.cfg.seed));
        rv_model_free(&m);
        return rc ? 1 : 0;
    }
    int hop = rv_config_hop(&m.cfg), L = m.cfg.latent_size, rc = 0;
    uint64_t s = no_noise ? RV_INFER_NO_NOISE : (uint64_t)(seed >= 0 ? seed : m.cfg.seed);
    if (!strcmp(cmd, "decode")) {
        long F;
        float *z = read_latents(in, L, &F), *y = malloc(sizeof(float) * F * hop);
        rc = rv_infer_decode(&m, y, z, F, (int)block, s);
        if (!rc) write_audio(out, y, F * hop, m.cfg.sample_rate);
        free(z); free(y);
    } else {
        long n;
        float *x = rv_cli_read_input(&m, in, &n);
        long F = (n + hop - 1) / hop;
        if (!strcmp(cmd, "encode")) {
            float *z = malloc(sizeof(float) * L * F);
            rc = rv_infer_encode(&m, z, x, n, (int)block);
            if (!rc) write_latents(out, z, L, F, (double)hop / m.cfg.sample_rate);
            free(z);
        } else {
            float *y = malloc(sizeof(float) * F * hop);
            rc = rv_infer_transfer(&m, y, x, n, (int)block, s);
            if (!rc) write_audio(out, y, n, m.cfg.sample_rate);
            free(y);
        }
        free(x);
    }
    rv_model_free(&m);
    if (rc) rv_cli_infer_failed(argv[optind], in, cmd, rc);
    return 0;
}
