// pl_data_info.c: `gendang data info [MANIFEST]`: minutes and counts per kit, instrument, split.
#include "pipeline/data_cmds.h" // defines: pl_data_info
#include "core/manifest.h"  // defines: gd_manifest_*
#include "core/audio.h"         // defines: gd_audio_info_read
#include "core/cli.h"           // defines: gd_usage

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char *name; int count; double seconds; int split_count[3]; } tally;

static int split_index(const char *s) { return !strcmp(s, "train") ? 0 : !strcmp(s, "valid") ? 1 : 2; }

static void add(tally *t, int *n, const char *name, double sec, int split) {
    int i = 0;
    while (i < *n && strcmp(t[i].name, name)) i++;
    if (i == *n) { t[i] = (tally){strdup(name), 0, 0, {0, 0, 0}}; (*n)++; }
    t[i].count++;
    t[i].seconds += sec;
    t[i].split_count[split]++;
}

static void print_table(const char *title, const tally *t, int n) {
    printf("\n%-28s %6s %9s %6s %6s %6s\n", title, "files", "minutes", "train", "valid", "test");
    for (int i = 0; i < n; i++)
        printf("%-28s %6d %9.2f %6d %6d %6d\n", t[i].name, t[i].count, t[i].seconds / 60.0,
               t[i].split_count[0], t[i].split_count[1], t[i].split_count[2]);
}

int pl_data_info(int argc, char **argv) {
    static const struct option opts[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h') {
            printf("Usage: gendang data info [MANIFEST]\n\nMinutes and file counts per kit, "
                   "instrument and split of the data manifest\n(default: %s).\n",
                   pl_data_default_manifest());
            return 0;
        }
        gd_usage("data info: unknown option");
    }
    if (argc - optind > 1) gd_usage("data info takes at most one manifest");
    const char *path = optind < argc ? argv[optind] : pl_data_default_manifest();
    gd_manifest *m;
    if (gd_manifest_load(&m, path)) return 1;
    int n = m->n_entries, n_kit = 0, n_inst = 0, n_split = 0, n_groups = 0;
    tally *kits = calloc((size_t)n + 1, sizeof *kits), *insts = calloc((size_t)n + 1, sizeof *insts);
    tally *splits = calloc(4, sizeof *splits), *groups = calloc((size_t)n + 1, sizeof *groups);
    if (!kits || !insts || !splits || !groups) gd_die("out of memory");
    int missing = 0;
    for (int i = 0; i < n; i++) {
        const gd_manifest_entry *e = &m->entries[i];
        double sec = e->duration_s;
        gd_audio_info ai;
        if (sec <= 0) {
            if (gd_audio_info_read(e->full_path, &ai) == 0) sec = (double)ai.n_frames / ai.rate;
            else missing++;
        }
        int s = split_index(e->split);
        char key[512];
        snprintf(key, sizeof key, "%s/%s", e->kit, e->instrument);
        add(kits, &n_kit, e->kit, sec, s);
        add(insts, &n_inst, key, sec, s);
        add(splits, &n_split, e->split, sec, s);
        add(groups, &n_groups, e->group, sec, s);
    }
    double total = 0;
    for (int i = 0; i < n_kit; i++) total += kits[i].seconds;
    printf("%s: %d files, %.2f minutes, %d groups\n", path, n, total / 60.0, n_groups);
    print_table("kit", kits, n_kit);
    print_table("split", splits, n_split);
    print_table("kit/instrument", insts, n_inst);
    if (missing) printf("\n%d files unreadable (run `gendang data verify`)\n", missing);
    tally *all[4] = {kits, insts, splits, groups};
    int counts[4] = {n_kit, n_inst, n_split, n_groups};
    for (int k = 0; k < 4; k++)
        for (int i = 0; i < counts[k]; i++) free(all[k][i].name);
    free(kits); free(insts); free(splits); free(groups);
    gd_manifest_free(m);
    return missing ? 1 : 0;
}
