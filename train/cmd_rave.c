// cmd_rave.c: `gendang-train export MODEL --to rave -o DIR` and `gendang-train import CKPT -o
// RUN_DIR`: models to and from acids-rave (RAVE 2.3.1, v2 + wasserstein). The tensor names
// are mapped here (train/rave_map.h); the Lightning checkpoint, a Python pickle, is written and
// read by scripts/rave_ckpt.py, run with --python (default $GENDANG_PYTHON, else python3).
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/cli.h"         // defines: gd_die, gd_usage, gd_cli_quiet
#include "core/error.h"       // defines: gd_strerror
#include "core/fileio.h"      // defines: gd_atomic_*, gd_mkdir_p, gd_path_join, gd_find_beside_exe
#include "core/log.h"         // defines: gd_info, gd_warn
#include "train/checkpoint.h" // defines: rv_ckpt_load, rv_ckpt_save
#include "train/cmds.h"       // defines: rv_cmd_export, rv_cmd_import
#include "train/infer.h"      // defines: rv_infer_nonfinite_tensor
#include "train/rave_map.h"   // defines: rv_rave_map, rv_rave_buffers, rv_rave_gin
#include "train/safetensors.h" // defines: rv_st_write, rv_st_read

// Runs PY scripts/rave_ckpt.py ARGS...; 0 when it exits 0.
static int run_script(const char *py, const char *const *args, int n) {
    char *script = gd_find_beside_exe((const char *const[]){"../scripts/rave_ckpt.py",
                                      "../share/gendang/scripts/rave_ckpt.py"}, 2);
    if (!script) gd_die("scripts/rave_ckpt.py not found beside the gendang-train binary");
    const char *argv[8] = {py, script};
    for (int i = 0; i < n && i < 5; i++) argv[2 + i] = args[i];
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        execvp(py, (char *const *)argv);
        fprintf(stderr, "gendang-train: cannot run %s (give --python PATH)\n", py);
        _exit(127);
    }
    int st = 1;
    if (pid < 0 || waitpid(pid, &st, 0) < 0) st = 1;
    free(script);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
}

static const char *default_python(void) {
    const char *p = getenv("GENDANG_PYTHON");
    return p && *p ? p : "python3";
}

// ---------------------------------------------------------------------------- export
static void export_help(void) {
    printf("Usage: gendang-train export MODEL --to rave -o DIR [--python PY]\n"
           "Writes what acids-rave's `rave export` reads (RAVE 2.3.1, v2 + wasserstein):\n"
           "  DIR/model.ckpt        Lightning checkpoint: state_dict with acids-rave's key names\n"
           "                        (generator, and the discriminator once phase 2 has begun)\n"
           "  DIR/config.gin        v2.gin + wasserstein.gin with this model's sizes\n"
           "  DIR/rave.safetensors  the same tensors as safetensors\n"
           "Then: scripts/rave_export.sh DIR   (TorchScript .ts for nn~ and the RAVE VST)\n\n"
           "  --python PY   Python with torch, used to write the pickle (default $GENDANG_PYTHON,\n"
           "                else python3)\n"
           "  -q, --quiet   " GD_CLI_QUIET_HELP "\n"
           "Exit status: 0 success, 1 runtime failure, 2 usage error.\n");
}

int rv_cmd_export(int argc, char **argv) {
    static const struct option opts[] = {{"to", required_argument, 0, 't'},
        {"output", required_argument, 0, 'o'}, {"python", required_argument, 0, 'p'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *to = NULL, *out = NULL, *py = default_python();
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        if (ch == 't') to = optarg;
        else if (ch == 'o') out = optarg;
        else if (ch == 'p') py = optarg;
        else if (ch == 'q') gd_cli_quiet();
        else if (ch == 'h') { export_help(); return 0; }
        else gd_usage("export: unknown option");
    }
    if (argc - optind != 1) gd_usage("export needs one MODEL");
    if (!to || strcmp(to, "rave")) gd_usage("export needs --to rave (the only target)");
    if (!out) gd_usage("export needs -o DIR");
    const char *path = argv[optind];
    rv_model m;
    long step = 0;
    int rc = rv_ckpt_load(path, &m, &step, NULL, 1);   // with the discriminator when it has one
    if (rc) gd_die("%s: cannot load model (%s)", path, gd_strerror(rc));
    const char *bad = rv_infer_nonfinite_tensor(&m);
    if (bad) gd_die("%s: unusable model: tensor %s holds NaN or Inf", path, bad);
    rv_rave_pair *pr;
    int np;
    if (rv_rave_map(&m, &pr, &np)) gd_die("%s: this model has no acids-rave layout", path);
    int nb, L = m.cfg.latent_size;
    const rv_rave_buffer *bufs = rv_rave_buffers(&nb);
    rv_st_entry *e = calloc((size_t)(np + nb), sizeof(*e));
    float *bdata = calloc((size_t)nb * L * L, sizeof(float));
    int (*bshape)[5] = calloc((size_t)nb, sizeof(*bshape));
    for (int i = 0; i < np; i++) e[i] = (rv_st_entry){pr[i].key, pr[i].ndim, pr[i].shape, pr[i].data};
    for (int i = 0; i < nb; i++) {
        int nd;
        rv_rave_buffer_fill(&bufs[i], L, bdata + (size_t)i * L * L, &nd, bshape[i]);
        e[np + i] = (rv_st_entry){bufs[i].key, nd, bshape[i], bdata + (size_t)i * L * L};
    }
    char gin[4096], st[32];
    if (rv_rave_gin(&m.cfg, gin, sizeof gin)) gd_die("%s: config too long for config.gin", path);
    snprintf(st, sizeof st, "%ld", step);
    if (gd_mkdir_p(out)) gd_die("%s: cannot create the folder", out);
    char *stp = gd_path_join(out, "rave.safetensors"), *ginp = gd_path_join(out, "config.gin");
    char *ckp = gd_path_join(out, "model.ckpt");
    const char *mk[] = {"format", "step", "source"}, *mv[] = {"acids-rave-2.3.1-v2-wasserstein", st, path};
    if (rv_st_write(stp, e, np + nb, mk, mv, 3)) gd_die("%s: cannot write", stp);
    gd_atomic a;
    if (gd_atomic_open(&a, ginp, "w")) { remove(stp); gd_die("%s: cannot write", ginp); }
    fputs(gin, a.f);
    if (gd_atomic_commit(&a)) { remove(stp); gd_die("%s: cannot write", ginp); }
    if (run_script(py, (const char *const[]){"pack", stp, ckp}, 3)) {
        remove(stp); remove(ginp);
        gd_die("%s: writing %s failed (it needs a Python with torch: --python PATH)", path, ckp);
    }
    gd_info("%s: %d tensors (%s) -> %s; next: scripts/rave_export.sh %s", path, np,
            m.disc ? "generator and discriminator" : "generator", ckp, out);
    free(stp); free(ginp); free(ckp); free(e); free(bdata); free(bshape); free(pr);
    rv_model_free(&m);
    return 0;
}

// ---------------------------------------------------------------------------- import
static void import_help(void) {
    printf("Usage: gendang-train import CKPT -o RUN_DIR [--gin CONFIG.gin] [--python PY]\n"
           "Reads an acids-rave (2.3.1) v2 + wasserstein checkpoint (.ckpt of `rave train`) and\n"
           "writes RUN_DIR/model.safetensors and RUN_DIR/config.yaml: a gendang model for\n"
           "transfer, encode, decode, export, and `fit --init RUN_DIR/model.safetensors`.\n\n"
           "  --gin FILE    the run's config.gin (default: beside CKPT, or one or two folders up)\n"
           "  --python PY   Python with torch, gin and acids-rave (default $GENDANG_PYTHON, else\n"
           "                python3; scripts/rave_export.sh makes such a venv)\n"
           "  -q, --quiet   " GD_CLI_QUIET_HELP "\n"
           "Exit status: 0 success, 1 runtime failure, 2 usage error.\n");
}

// acids-rave buffers gendang rebuilds from the config or does not use.
static int derived_key(const char *k) {
    int nb;
    const rv_rave_buffer *b = rv_rave_buffers(&nb);
    for (int i = 0; i < nb; i++)
        if (!strcmp(k, b[i].key)) return 1;
    return rv_rave_derived(k);
}

// Copies every mapped tensor from st into m; dies naming the first missing or misshapen one.
static void take_tensors(const rv_st *st, rv_model *m, const char *ckpt) {
    rv_rave_pair *pr;
    int np;
    if (rv_rave_map(m, &pr, &np)) gd_die("%s: no acids-rave layout for its config", ckpt);
    for (int i = 0; i < np; i++) {
        const rv_st_tensor *t = rv_st_get(st, pr[i].key);
        if (!t) gd_die("%s: tensor %s missing (not a v2 + wasserstein model of its config.gin?)", ckpt, pr[i].key);
        int same = t->ndim == pr[i].ndim;
        for (int d = 0; same && d < t->ndim; d++) same = t->shape[d] == pr[i].shape[d];
        if (!same) gd_die("%s: tensor %s has another shape than its config.gin gives", ckpt, pr[i].key);
        memcpy(pr[i].data, t->data, sizeof(float) * pr[i].t->n);
    }
    int ignored = 0;
    for (int s = 0; s < st->n; s++) {
        int mapped = derived_key(st->t[s].name);
        for (int i = 0; i < np && !mapped; i++) mapped = !strcmp(pr[i].key, st->t[s].name);
        if (!mapped && !ignored++) gd_warn("%s: ignoring %s (not part of gendang's model)", ckpt, st->t[s].name);
    }
    if (ignored > 1) gd_warn("%s: %d tensors ignored in all", ckpt, ignored);
    free(pr);
}

int rv_cmd_import(int argc, char **argv) {
    static const struct option opts[] = {{"output", required_argument, 0, 'o'},
        {"gin", required_argument, 0, 'g'}, {"python", required_argument, 0, 'p'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = NULL, *gin = NULL, *py = default_python();
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:qh", opts, NULL)) != -1) {
        if (ch == 'o') out = optarg;
        else if (ch == 'g') gin = optarg;
        else if (ch == 'p') py = optarg;
        else if (ch == 'q') gd_cli_quiet();
        else if (ch == 'h') { import_help(); return 0; }
        else gd_usage("import: unknown option");
    }
    if (argc - optind != 1) gd_usage("import needs one CKPT");
    if (!out) gd_usage("import needs -o RUN_DIR");
    const char *ckpt = argv[optind];
    if (!gd_path_exists(ckpt)) gd_die("%s: no such file", ckpt);
    if (gd_mkdir_p(out)) gd_die("%s: cannot create the folder", out);
    char *tmp = gd_path_join(out, ".import.safetensors.tmp");
    const char *args[] = {"unpack", ckpt, tmp, "--gin", gin};
    if (run_script(py, args, gin ? 5 : 3)) { remove(tmp); gd_die("%s: cannot read the checkpoint", ckpt); }
    rv_st *st;
    int rc = rv_st_read(&st, tmp);
    remove(tmp);
    if (rc) gd_die("%s: cannot read the unpacked tensors", ckpt);
    const char *yaml = rv_st_meta(st, "gendang_config"), *step_s = rv_st_meta(st, "step");
    rv_config cfg;
    rv_config_default(&cfg);
    if (!yaml || rv_config_parse(&cfg, yaml, strlen(yaml), ckpt))
        gd_die("%s: its config.gin does not give a gendang config", ckpt);
    rv_model m;
    if ((rc = rv_model_init(&m, &cfg))) gd_die("%s: cannot build its model (%s)", ckpt, gd_strerror(rc));
    if (rv_st_get(st, "discriminator.discriminators.0.layers.0.net.0.weight_v") ||
        rv_st_get(st, "discriminator.discriminators.1.layers.0.net.0.weight_v"))
        if ((rc = rv_model_init_disc(&m, 0))) gd_die("%s: cannot build the discriminator (%s)", ckpt, gd_strerror(rc));
    take_tensors(st, &m, ckpt);
    const char *bad = rv_infer_nonfinite_tensor(&m);
    if (bad) gd_die("%s: tensor %s holds NaN or Inf", ckpt, bad);
    long step = step_s ? strtol(step_s, NULL, 10) : 0;
    char *mp = gd_path_join(out, "model.safetensors"), *cp = gd_path_join(out, "config.yaml");
    if (rv_ckpt_save(mp, &m, step, "", cfg.seed, 1)) gd_die("%s: cannot write", mp);
    char y[8192];
    rv_config_to_yaml(&cfg, y, sizeof y);
    gd_atomic a;
    if (gd_atomic_open(&a, cp, "w")) gd_die("%s: cannot write", cp);
    fputs(y, a.f);
    if (gd_atomic_commit(&a)) gd_die("%s: cannot write", cp);
    gd_info("%s: %ld generator parameters%s at acids-rave step %ld -> %s", ckpt, m.P.total,
            m.disc ? " and the discriminator" : "", step, mp);
    rv_st_free(st);
    free(tmp); free(mp); free(cp);
    rv_model_free(&m);
    return 0;
}
