// pl_data_verify.c: `gendang data verify [MANIFEST]`: every file exists, its sha256 matches,
// it decodes, and no group, sha256 or near-duplicate recording straddles two splits
// (pipeline/split_check.h). Hashing and decoding run in parallel; the report is in
// manifest order.
#include "pipeline/data_cmds.h" // defines: pl_data_verify, pl_data_default_manifest
#include "core/manifest.h"  // defines: gd_manifest_*
#include "pipeline/split_check.h" // defines: pl_split_check
#include "core/audio.h"         // defines: gd_audio_read
#include "core/cli.h"           // defines: gd_usage
#include "core/log.h"           // defines: gd_log_set
#include "core/progress.h"      // defines: gd_progress_*
#include "core/sha256.h"        // defines: gd_sha256_file

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// The last error message logged on this thread, so each file's problem reads as the
// library explained it.
static _Thread_local char last_msg[512];

static void capture_log(gd_log_level level, const char *msg, void *user) {
    (void)user;
    if (level >= GD_LOG_WARN) snprintf(last_msg, sizeof last_msg, "%s", msg);
}

// Checks one entry; returns NULL when fine, else a malloc'd problem description.
static char *check_entry(const gd_manifest_entry *e) {
    char hex[GD_SHA256_HEX_LEN], buf[700];
    last_msg[0] = '\0';
    if (gd_sha256_file(hex, e->full_path)) {
        snprintf(buf, sizeof buf, "missing or unreadable (%s)", last_msg);
        return strdup(buf);
    }
    if (strcmp(hex, e->sha256) != 0) {
        snprintf(buf, sizeof buf, "sha256 mismatch: manifest %.12s..., file %.12s...",
                 e->sha256, hex);
        return strdup(buf);
    }
    gd_audio a;
    if (gd_audio_read(&a, e->full_path, 0, 0)) {
        snprintf(buf, sizeof buf, "does not decode: %s", last_msg);
        return strdup(buf);
    }
    gd_audio_free(&a);
    return NULL;
}

static void verify_usage(void) {
    printf("Usage: gendang data verify [MANIFEST]\n\n"
           "Checks that every file of the data manifest (default: %s) exists, matches its\n"
           "sha256 and decodes, and that the splits do not leak: no group and no sha256 has\n"
           "entries in two of train, valid and test, and no two recordings in different\n"
           "splits are near-duplicates (normalised cross-correlation of the mono 11025 Hz\n"
           "audio over every lag above %.2f: the same sound at another gain or offset).\n"
           "Prints one line per problem, naming both entries of a leak; exit 1 if there is\n"
           "any. `gendang data audit` shows the nearest cross-split pairs.\n",
           pl_data_default_manifest(), PL_SPLIT_NEAR_DUP);
}

int pl_data_verify(int argc, char **argv) {
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') { verify_usage(); return 0; }
        gd_usage("data verify: unknown option");
    }
    if (argc - optind > 1) gd_usage("data verify takes at most one manifest");
    const char *path = optind < argc ? argv[optind] : pl_data_default_manifest();
    gd_manifest *m;
    if (gd_manifest_load(&m, path)) return 1;
    char **problems = calloc((size_t)m->n_entries + 1, sizeof(char *));
    if (!problems) gd_die("out of memory");
    gd_progress prog;
    gd_progress_init(&prog, "verify", m->n_entries);
    gd_log_set(capture_log, NULL);
#pragma omp parallel for schedule(dynamic)
    for (int i = 0; i < m->n_entries; i++) {
        problems[i] = check_entry(&m->entries[i]);
        gd_progress_add(&prog, 1);
    }
    gd_log_set(NULL, NULL);
    gd_progress_finish(&prog);
    int n_bad = 0;
    unsigned char *skip = calloc((size_t)m->n_entries + 1, 1);
    if (!skip) gd_die("out of memory");
    for (int i = 0; i < m->n_entries; i++) {
        if (!problems[i]) continue;
        skip[i] = 1;   // already reported; the split check compares the readable rest
        if (!n_bad++) printf("%-36s %-44s %s\n", "id", "path", "problem");
        printf("%-36s %-44s %s\n", m->entries[i].id, m->entries[i].full_path,
                problems[i]);
        free(problems[i]);
    }
    free(problems);
    printf("%s: %d files, %d ok, %d with problems\n", path, m->n_entries, m->n_entries - n_bad,
           n_bad);
    int n_leaks = pl_split_check(m, skip, stdout);
    if (n_leaks == 0)
        printf("%s: splits ok: no group, sha256 or near-duplicate in two splits\n", path);
    else if (n_leaks > 0)
        printf("%s: %d leaks between splits\n", path, n_leaks);
    free(skip);
    gd_manifest_free(m);
    return n_bad || n_leaks ? 1 : 0;
}
