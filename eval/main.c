// main.c: gendang-eval, the evaluation stage: pair metrics, corpus statistics, paired
// comparison of two runs, and listening reports. See eval/cmds.h and --help.
#include <malloc.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "core/cli.h"   // defines: gd_cli_init, gd_usage, GD_VERSION
#include "core/fft.h"   // defines: gd_fft_cleanup
#include "core/fileio.h" // defines: gd_find_beside_exe
#include "eval/cmds.h"  // defines: ev_cmd_*

static void usage(void) {
    printf("Usage: gendang-eval COMMAND [OPTIONS] ...\n"
           "Commands:\n"
           "  pair REF EST         paired metrics (files, folders or metadata.csv files)\n"
           "  compare RUN_A RUN_B  paired tests between two runs' `pair --json` outputs\n"
           "  report REF EST -o DIR   metrics.json, report.md, report.html with audio\n"
           "  corpus REF_DIR GEN_DIR  descriptor distributions, Frechet and MMD distances\n"
           "  nearest TEST TRAIN -o DIR  nearest-training-hit baseline (pairs for compare/report)\n"
           "  attribute MODEL --corpus DIR IN   which training labels a sound (or its transfer)\n"
           "                       is nearest to: runs `gendang-train attribute` (it needs the model)\n"
           "Run 'gendang-eval COMMAND --help' for a command's options.\n"
           "Exit status: 0 ok, 1 runtime error, 2 usage error.\n");
}

int main(int argc, char **argv) {
    gd_cli_init("gendang-eval");
    // Keep freed spectrogram buffers in the heap for the next pair instead of returning them
    // to the kernel (fresh mmap pages cost page faults on every pair).
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 256 << 20);
    if (argc < 2) gd_usage("missing command");
    const char *cmd = argv[1];
    if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help")) { usage(); return 0; }
    if (!strcmp(cmd, "--version")) { printf("gendang-eval %s\n", GD_VERSION); return 0; }
    if (!strcmp(cmd, "attribute")) {   // the model code lives in gendang-train; eval links none
        static const char *const rel[] = {"gendang-train"};
        char *train = gd_find_beside_exe(rel, 1);
        if (!train) gd_die("attribute: gendang-train not found beside gendang-eval");
        argv[0] = train;
        argv[1] = "attribute";
        execv(train, argv);
        gd_die("%s: cannot run it", train);
    }
    int rc;
    if (!strcmp(cmd, "pair")) rc = ev_cmd_pair(argc - 1, argv + 1);
    else if (!strcmp(cmd, "compare")) rc = ev_cmd_compare(argc - 1, argv + 1);
    else if (!strcmp(cmd, "report")) rc = ev_cmd_report(argc - 1, argv + 1);
    else if (!strcmp(cmd, "corpus")) rc = ev_cmd_corpus(argc - 1, argv + 1);
    else if (!strcmp(cmd, "nearest")) rc = ev_cmd_nearest(argc - 1, argv + 1);
    else gd_usage("unknown command '%s'", cmd);
    gd_fft_cleanup();
    return rc;
}
