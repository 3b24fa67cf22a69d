// pl_data_audit.c: `gendang data audit [--top N] [--manifest M]`: the nearest recordings in
// different splits and what each split holds, so a leak can be seen before it is refused.
#include "pipeline/data_cmds.h"   // defines: pl_data_audit, pl_data_default_manifest
#include "core/manifest.h"    // defines: gd_manifest_*
#include "pipeline/split_check.h" // defines: pl_split_*
#include "core/cli.h"             // defines: gd_usage, gd_die, gd_opt_int

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void audit_usage(void) {
    printf("Usage: gendang data audit [--top N] [--manifest PATH]\n\n"
           "Lists the N pairs of recordings in different splits that sound most alike, and\n"
           "the files and groups of each split. Similarity is the normalised cross-correlation\n"
           "of the mono %d Hz audio, maximised over the lag (1: the same sound at another\n"
           "gain or offset); lag_ms is where the second recording matches the first, gain_db\n"
           "its level relative to the first.\n\n"
           "  --top N          pairs to list (default 10)\n"
           "  --manifest PATH  default: %s\n"
           "Exit 1 when a pair is above %.2f (a near-duplicate) or a group or sha256 has\n"
           "entries in two splits (each named on a line first), 2 on usage errors.\n",
           PL_SPLIT_RATE, pl_data_default_manifest(), PL_SPLIT_NEAR_DUP);
}

// Files and distinct groups of one split.
static void split_counts(const gd_manifest *m, const char *split, int *files, int *groups) {
    *files = *groups = 0;
    for (int i = 0; i < m->n_entries; i++) {
        if (strcmp(m->entries[i].split, split)) continue;
        int seen = 0;
        for (int j = 0; j < i && !seen; j++)
            seen = !strcmp(m->entries[j].split, split) &&
                   !strcmp(m->entries[j].group, m->entries[i].group);
        ++*files;
        *groups += !seen;
    }
}

int pl_data_audit(int argc, char **argv) {
    static const struct option opts[] = {{"top", required_argument, 0, 'n'},
        {"manifest", required_argument, 0, 'm'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *path = pl_data_default_manifest();
    int top = 10, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'n': top = (int)gd_opt_int("--top", optarg, 0, 1000000); break;
        case 'm': path = optarg; break;
        case 'h': audit_usage(); return 0;
        default: gd_usage("data audit: unknown option");
        }
    }
    if (optind != argc) gd_usage("data audit: unexpected argument '%s'", argv[optind]);
    gd_manifest *m;
    if (gd_manifest_load(&m, path)) return 1;
    int n_bad = pl_split_check_labels(m, stdout);
    pl_split_pair *p;
    int n_p;
    long n_cross;
    if (n_bad < 0 || pl_split_near_pairs(m, NULL, top, &p, &n_p, &n_cross)) return 1;
    printf("%s: nearest of %ld cross-split pairs (mono %d Hz; near-duplicate above %.2f)\n",
           path, n_cross, PL_SPLIT_RATE, PL_SPLIT_NEAR_DUP);
    printf("%-8s %8s %8s  %-40s %-6s %-40s %s\n", "corr", "lag_ms", "gain_db", "a", "split",
           "b", "split");
    for (int k = 0; k < n_p; k++) {
        const gd_manifest_entry *a = &m->entries[p[k].a], *b = &m->entries[p[k].b];
        if (k < top)
            printf("%-8.4f %+8.2f %+8.1f  %-40s %-6s %-40s %s\n", p[k].corr, p[k].lag_ms,
                   p[k].gain_db, a->id, a->split, b->id, b->split);
        n_bad += p[k].corr > PL_SPLIT_NEAR_DUP;
    }
    if (n_p > top) printf("... and %d more near-duplicate pairs\n", n_p - top);
    printf("\n%-6s %6s %7s\n", "split", "files", "groups");
    static const char *const splits[] = {"train", "valid", "test"};
    for (int s = 0; s < 3; s++) {
        int files, groups;
        split_counts(m, splits[s], &files, &groups);
        printf("%-6s %6d %7d\n", splits[s], files, groups);
    }
    printf("%s: %s\n", path, n_bad ? "leaks between splits (see above)" : "splits ok");
    free(p);
    gd_manifest_free(m);
    return n_bad ? 1 : 0;
}
