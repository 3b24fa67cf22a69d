// main.c: the `gendang` front-end. `gendang <stage> ...` runs `gendang-<stage> ...` from the
// same bin/ folder (as git does); `gendang data ...` is built in.
#include "pipeline/data_cmds.h" // defines: pl_data_verify, pl_data_import, pl_data_info
#include "pipeline/plan.h"      // defines: pl_plan_*
#include "pipeline/recipe.h"    // defines: pl_recipe_*
#include "pipeline/run.h"       // defines: pl_run
#include "pipeline/recipe_check.h" // defines: pl_recipe_check
#include "core/cli.h"           // defines: gd_cli_init, gd_usage, GD_VERSION
#include "core/fileio.h"        // defines: gd_path_dirname, gd_path_join

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char exe_dir[PATH_MAX];

const char *pl_data_default_manifest(void) {
    static char path[PATH_MAX + 32];
    const char *env = getenv("GENDANG_MANIFEST");
    if (env && *env) return env;
    // bin/gendang -> <repo>/data_manifest.yaml
    snprintf(path, sizeof path, "%s/../data_manifest.yaml", exe_dir);
    if (exe_dir[0] && access(path, R_OK) == 0) return path;
    return "data_manifest.yaml";
}

static void usage(void) {
    printf("Usage: gendang <command> [args]\n\n"
           "Turns a few minutes of drum recordings into a training corpus, trains RAVE on it,\n"
           "and reports whether the extra data helped.\n\n"
           "Commands:\n"
           "  run RECIPE                the whole chain: sources to report (see --help)\n"
           "  plan RECIPE [--sh|--make] the same work as a shell script or Makefile\n"
           "  validate RECIPE           strict schema check, and no leaks between splits\n"
           "  data verify [MANIFEST]    check every source file exists, matches, decodes,\n"
           "                            and that no recording straddles two splits\n"
           "  data audit [--top N]      nearest recordings across splits, files per split\n"
           "  data info [MANIFEST]      minutes and counts per kit, instrument, split\n"
           "  data import DIR --kit K   add your own recordings to the manifest\n"
           "  data export --split S -o DIR   selected recordings as a corpus folder\n"
           "  data assemble -o CORPUS DIR... merge corpus folders into a training corpus\n"
           "  data probes -o DIR        non-drum transfer inputs: chirps, speech, sweeps\n"
           "  augment ...               gendang-augment: slice, pitch, stretch, effects\n"
           "  synth ...                 gendang-synth: physically modelled strokes\n"
           "  train ...                 gendang-train: RAVE v2 trainer\n"
           "  eval ...                  gendang-eval: metrics, comparisons, reports\n\n"
           "`gendang <stage> --help` shows each stage's options.\n"
           "Exit status: 0 success, 1 runtime failure, 2 usage error.\n");
}

static int cmd_validate(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        printf("Usage: gendang validate RECIPE...\n\nStrict schema check of each recipe: "
               "unknown keys, wrong types, values out\nof range, stages that need outputs "
               "nobody makes, held-out data used for training, and a manifest whose splits\n"
               "leak (a group, a sha256 or a near-duplicate recording in two splits, as\n"
               "`gendang data verify` checks). Then what `run` would fail on later: a missing\n"
               "manifest, sources or fitted instruments without train recordings, unknown synth\n"
               "presets, augment ops that do not parse, transfer inputs that are not audio, and\n"
               "an `out` that is a file, /, your home folder or gendang's own folder. `gendang\n"
               "run` runs the same checks first. Errors name file:line(:column). "
               "Exit 1 if any recipe is invalid.\n");
        return argc < 2 ? 2 : 0;
    }
    int bad = 0;
    for (int i = 1; i < argc; i++) {
        pl_recipe *r;
        if (pl_recipe_load(&r, argv[i])) { bad = 1; continue; }
        if (pl_recipe_check(r, exe_dir, NULL)) { bad = 1; pl_recipe_free(r); continue; }
        pl_plan p;
        pl_plan_build(&p, r);
        printf("%s: ok (%s: %d corpora, %d steps of work)\n", argv[i], r->name, r->n_corpora, p.n);
        pl_plan_free(&p);
        pl_recipe_free(r);
    }
    return bad;
}

static void run_usage(const char *cmd) {
    if (!strcmp(cmd, "plan"))
        printf("Usage: gendang plan RECIPE [--sh|--make|--shard K/N]\n\n"
               "Prints the recipe's work as a shell script (--sh, default) or a Makefile\n"
               "(--make; one rule per output, so `make -f FILE -j N` runs it in parallel).\n"
               "--shard K/N (1 <= K <= N) prints only shard K of the item-level work (augment,\n"
               "synth render) for a cluster array job; `gendang run RECIPE` afterwards merges\n"
               "the shards and finishes.\n");
    else
        printf("Usage: gendang run RECIPE [options]\n\n"
               "Runs the recipe's stages in order (sources, augment, synth, assemble, train,\n"
               "eval, compare, report). Work already made from the same inputs by the same\n"
               "gendang programs is kept (a rebuilt program redoes the stages). The recipe is\n"
               "checked first as `gendang validate` does; one run at a time per output folder\n"
               "(a second exits 1 naming the first).\n\n"
               "  -j, --jobs N      run up to N steps at once (default 1)\n"
               "  -n, --dry-run     print the commands that would run\n"
               "  --from STAGE      rerun STAGE and everything after it\n"
               "  --only STAGE      run only STAGE (its inputs must exist)\n"
               "  --force           ignore cached results of the selected stages\n"
               "Logs: OUT/.gendang/logs/. Exit 1 when a step fails, 2 on usage errors.\n");
}

// gendang validate's checks before a run; the split check's pass is cached in OUT/.gendang.
static int validate_for_run(const pl_recipe *r) {
    char *cache = gd_path_join(r->out, ".gendang/keys/split_check.key");
    int bad = pl_recipe_check(r, exe_dir, cache);
    free(cache);
    if (bad) fprintf(stderr, "%s: %d problem%s above; nothing was run\n", r->path, bad, bad == 1 ? "" : "s");
    return bad;
}

static int cmd_run(int argc, char **argv, int plan_only) {
    static const struct option opts[] = {
        {"jobs", required_argument, 0, 'j'}, {"dry-run", no_argument, 0, 'n'},
        {"from", required_argument, 0, 'F'}, {"only", required_argument, 0, 'O'},
        {"force", no_argument, 0, 'f'}, {"sh", no_argument, 0, 's'}, {"make", no_argument, 0, 'm'},
        {"shard", required_argument, 0, 'S'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    pl_run_opts o = {.jobs = 1, .from = 0, .only = -1};
    int as_make = 0, shard_k = 0, shard_n = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "j:nh", opts, NULL)) != -1) {
        switch (c) {
        case 'j': o.jobs = (int)gd_opt_int("--jobs", optarg, 1, 256); break;
        case 'n': o.dry_run = 1; break;
        case 'f': o.force = 1; break;
        case 's': as_make = 0; break;
        case 'm': as_make = 1; break;
        case 'S': {
            char tail;
            if (!plan_only || sscanf(optarg, "%d/%d%c", &shard_k, &shard_n, &tail) != 2 ||
                shard_n < 1 || shard_k < 1 || shard_k > shard_n)
                gd_usage("--shard takes K/N with 1 <= K <= N, and only with `plan`");
            break;
        }
        case 'F': case 'O': {
            int s = pl_stage_index(optarg);
            if (s < 0) gd_usage("unknown stage '%s' (sources, augment, synth, assemble, train, eval, compare, report)", optarg);
            if (c == 'F') { o.from = s; o.force = 1; } else o.only = s;
            break;
        }
        case 'h': run_usage(argv[0]); return 0;
        default: gd_usage("%s: unknown option", argv[0]);
        }
    }
    if (argc - optind != 1) gd_usage("%s needs exactly one RECIPE", argv[0]);
    pl_recipe *r;
    if (pl_recipe_load(&r, argv[optind])) return 1;
    pl_plan p;
    pl_plan_build(&p, r);
    int rc = 0;
    if (plan_only) {
        if (shard_n) pl_plan_print_shard(stdout, &p, r, shard_k, shard_n);
        else if (as_make) pl_plan_print_make(stdout, &p, r);
        else pl_plan_print_sh(stdout, &p, r);
    } else if (validate_for_run(r)) {
        rc = 1;
    } else {
        char self[PATH_MAX + 16];
        snprintf(self, sizeof self, "%s/gendang", exe_dir);
        o.gendang = self;
        rc = pl_run(&p, r, &o);
        if (rc == 0 && !o.dry_run) {
            const pl_rule *last = &p.rules[p.n - 1];
            if (gd_path_exists(last->target))
                fprintf(stderr, "\n%s: finished; %s is %s\n", r->name,
                        r->has_report ? "the report" : "the last output", last->target);
        }
    }
    pl_plan_free(&p);
    pl_recipe_free(r);
    return rc;
}

static int data_main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        printf("Usage: gendang data verify|audit|info|import|export|assemble|probes ... (see `gendang data CMD --help`)\n");
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "verify")) return pl_data_verify(argc - 1, argv + 1);
    if (!strcmp(argv[1], "audit")) return pl_data_audit(argc - 1, argv + 1);
    if (!strcmp(argv[1], "probes")) return pl_data_probes(argc - 1, argv + 1);
    if (!strcmp(argv[1], "info")) return pl_data_info(argc - 1, argv + 1);
    if (!strcmp(argv[1], "import")) return pl_data_import(argc - 1, argv + 1);
    if (!strcmp(argv[1], "export")) return pl_data_export(argc - 1, argv + 1);
    if (!strcmp(argv[1], "assemble")) return pl_data_assemble(argc - 1, argv + 1);
    gd_usage("data: unknown command '%s' (verify, audit, info, import, export, assemble, probes)", argv[1]);
}

int main(int argc, char **argv) {
    gd_cli_init("gendang");
    char *d = gd_exe_dir();
    snprintf(exe_dir, sizeof exe_dir, "%s", d ? d : "");
    free(d);
    if (argc < 2) { usage(); return 2; }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) { usage(); return 0; }
    if (!strcmp(cmd, "--version")) { printf("gendang %s\n", GD_VERSION); return 0; }
    if (!strcmp(cmd, "data")) return data_main(argc - 1, argv + 1);
    if (!strcmp(cmd, "validate")) return cmd_validate(argc - 1, argv + 1);
    if (!strcmp(cmd, "run")) return cmd_run(argc - 1, argv + 1, 0);
    if (!strcmp(cmd, "plan")) return cmd_run(argc - 1, argv + 1, 1);
    if (cmd[0] == '-') gd_usage("unknown option '%s'", cmd);
    // Dispatch git-style to gendang-<cmd> beside this binary, else on PATH.
    char tool[PATH_MAX + 64];
    snprintf(tool, sizeof tool, "%s/gendang-%s", exe_dir, cmd);
    argv[1] = tool;
    if (exe_dir[0] && access(tool, X_OK) == 0) execv(tool, argv + 1);
    snprintf(tool, sizeof tool, "gendang-%s", cmd);
    execvp(tool, argv + 1);
    if (errno == ENOENT) gd_usage("'%s' is not a gendang command", cmd);
    gd_die("cannot run %s: %s", tool, strerror(errno));
}
