// main.c: the `gendang` front-end. `gendang <stage> ...` runs `gendang-<stage> ...` from the
// same bin/ folder (as git does); `gendang data ...` is built in.
#include "pipeline/data_cmds.h" // defines: data_verify, data_import, data_info
#include "core/cli.h"           // defines: gd_cli_init, gd_usage, GD_VERSION
#include "core/fileio.h"        // defines: gd_path_dirname, gd_path_join

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char exe_dir[PATH_MAX];

const char *data_default_manifest(void) {
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
           "  data verify [MANIFEST]    check every source file exists, matches, decodes\n"
           "  data info [MANIFEST]      minutes and counts per kit, instrument, split\n"
           "  data import DIR --kit K   add your own recordings to the manifest\n"
           "  augment ...               gendang-augment: slice, pitch, stretch, effects\n"
           "  synth ...                 gendang-synth: physically modelled strokes\n"
           "  train ...                 gendang-train: RAVE v2 trainer\n"
           "  eval ...                  gendang-eval: metrics, comparisons, reports\n\n"
           "`gendang <stage> --help` shows each stage's options.\n"
           "Exit status: 0 success, 1 runtime failure, 2 usage error.\n");
}

static int data_main(int argc, char **argv) {
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        printf("Usage: gendang data verify|info|import ... (see `gendang data CMD --help`)\n");
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "verify")) return data_verify(argc - 1, argv + 1);
    if (!strcmp(argv[1], "info")) return data_info(argc - 1, argv + 1);
    if (!strcmp(argv[1], "import")) return data_import(argc - 1, argv + 1);
    gd_usage("data: unknown command '%s' (verify, info, import)", argv[1]);
}

int main(int argc, char **argv) {
    gd_cli_init("gendang");
    ssize_t n = readlink("/proc/self/exe", exe_dir, sizeof exe_dir - 1);
    if (n > 0) {
        exe_dir[n] = '\0';
        char *d = gd_path_dirname(exe_dir);
        snprintf(exe_dir, sizeof exe_dir, "%s", d);
        free(d);
    } else exe_dir[0] = '\0';
    if (argc < 2) { usage(); return 2; }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) { usage(); return 0; }
    if (!strcmp(cmd, "--version")) { printf("gendang %s\n", GD_VERSION); return 0; }
    if (!strcmp(cmd, "data")) return data_main(argc - 1, argv + 1);
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
