// pl_data_import.c: `gendang data import DIR --kit NAME`: manifest entries for a user's own
// recordings, appended as text after the existing ones (which stay byte-for-byte as they
// were). Files are grouped by stroke (pipeline/stroke_group.h) or --group-by; splits are
// assigned per group with the same rule as the default manifest, and a group that already
// has entries in the manifest keeps their split.
#include "pipeline/data_cmds.h" // defines: pl_data_import
#include "core/manifest.h"  // defines: gd_manifest_*, gd_assign_splits
#include "pipeline/split_check.h" // defines: pl_split_check_labels
#include "pipeline/stroke_group.h" // defines: pl_stroke_group
#include "core/audio.h"         // defines: gd_audio_read, gd_audio_is_audio_name
#include "core/cli.h"           // defines: gd_usage, gd_die, gd_opt_int, gd_cli_quiet
#include "core/fileio.h"        // defines: gd_atomic_*, gd_read_file
#include "core/log.h"           // defines: gd_warn
#include "core/sha256.h"        // defines: gd_sha256_file

#include <ctype.h>
#include <dirent.h>
#include <getopt.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

typedef struct { char **v; int n, cap; } paths;

static void push(paths *p, char *s) {
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 64;
        p->v = realloc(p->v, sizeof(char *) * (size_t)p->cap);
        if (!p->v) gd_die("out of memory");
    }
    p->v[p->n++] = s;
}

// The first byte of s that a manifest path cannot hold (a control character, or a byte
// that is not part of valid UTF-8, which YAML requires), or NULL when there is none.
static const char *bad_name_byte(const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        int n = *p < 0x80 ? 0 : (*p & 0xe0) == 0xc0 ? 1 : (*p & 0xf0) == 0xe0 ? 2 : (*p & 0xf8) == 0xf0 ? 3 : -1;
        if (n < 0 || *p < 0x20 || *p == 0x7f || (n == 1 && *p < 0xc2)) return (const char *)p;
        for (int k = 1; k <= n; k++)
            if ((p[k] & 0xc0) != 0x80) return (const char *)p;
        p += n + 1;
    }
    return NULL;
}

// Refuses a file name a manifest cannot hold, showing it with the bad bytes as \xNN.
static void check_name(const char *root, const char *rel) {
    const char *bad = bad_name_byte(rel);
    if (!bad) return;
    char shown[1024];
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)rel; *p && k + 5 < sizeof shown; p++)
        k += (size_t)snprintf(shown + k, sizeof shown - k, (*p < 0x20 || *p >= 0x7f) ? "\\x%02x" : "%c", *p);
    gd_die("%s/%s: the file name has %s (byte 0x%02x); rename the file and import again", root, shown,
           (unsigned char)*bad < 0x20 || *bad == 0x7f ? "a control character" : "bytes that are not UTF-8",
           (unsigned char)*bad);
}

// Collects audio files below dir (relative to root), recursively.
static void scan(const char *root, const char *rel, paths *out) {
    char *dir = *rel ? gd_path_join(root, rel) : strdup(root);
    DIR *d = opendir(dir);
    if (!d) gd_die("%s: cannot read directory", dir);
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char *r = *rel ? gd_path_join(rel, e->d_name) : strdup(e->d_name);
        char *full = gd_path_join(root, r);
        if (gd_is_dir(full)) { scan(root, r, out); free(r); }
        else if (gd_audio_is_audio_name(e->d_name)) { check_name(root, r); push(out, r); }
        else free(r);
        free(full);
    }
    closedir(d);
    free(dir);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// Lower-case slug of s: letters and digits kept, runs of anything else become '-'.
static void slug(char *out, size_t cap, const char *s) {
    size_t k = 0;
    int dash = 0;
    for (; *s && k + 1 < cap; s++) {
        if (isalnum((unsigned char)*s)) {
            if (dash && k) out[k++] = '-';
            out[k++] = (char)tolower((unsigned char)*s);
            dash = 0;
        } else dash = 1;
    }
    out[k] = '\0';
}

static void strip_ext(char *s) {
    char *dot = strrchr(s, '.'), *slash = strrchr(s, '/');
    if (dot && (!slash || dot > slash)) *dot = '\0';
}

// An entry's id: slug of "<kit>-<path below DIR without extension>".
static void entry_id(char *id, size_t cap, const char *kit, const char *rel) {
    char stem[1040];
    snprintf(stem, sizeof stem, "%s-%s", kit, rel);
    strip_ext(stem);
    slug(id, cap, stem);
}

// Ids of the files rel[0..n) (sorted): entry_id, and where two clean to the same id
// ("a b.wav", "a-b.wav"), the later path takes the first free of "<id>-2", "<id>-3", ...
// owner[i]: the file whose id file i's would have been, or -1.
static char **assign_ids(const char *kit, char *const *rel, int n, int *owner) {
    char **ids = calloc((size_t)n + 1, sizeof *ids);
    if (!ids) gd_die("out of memory");
    for (int i = 0; i < n; i++) {
        char base[512], id[540];
        entry_id(base, sizeof base, kit, rel[i]);
        snprintf(id, sizeof id, "%s", base);
        for (int k = 2, taken = 1; taken; k++) {
            taken = 0;
            for (int j = 0; j < i && !taken; j++) taken = !strcmp(ids[j], id);
            if (taken) snprintf(id, sizeof id, "%s-%d", base, k);
        }
        owner[i] = -1;
        for (int j = 0; j < i && strcmp(id, base); j++) if (!strcmp(ids[j], base)) owner[i] = j;
        ids[i] = strdup(id);
    }
    return ids;
}

// A YAML double-quoted scalar; control characters escaped, so any text reads back as it was.
static void yaml_quoted(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f) fprintf(f, "\\x%02x", c);
        else {
            if (c == '"' || c == '\\') fputc('\\', f);
            fputc(c, f);
        }
    }
    fputc('"', f);
}

// Splits of the files (groups[i] per file): a group already in manifest m keeps its split;
// the new groups are split by gd_assign_splits.
static void assign(const gd_manifest *m, const char *const *groups, int n,
                   unsigned long long seed, double test_fraction, double valid_fraction,
                   const char **splits) {
    const char **fresh = malloc(sizeof(char *) * (size_t)(n ? n : 1));
    const char **fresh_split = malloc(sizeof(char *) * (size_t)(n ? n : 1));
    int *at = malloc(sizeof(int) * (size_t)(n ? n : 1)), n_fresh = 0;
    if (!fresh || !fresh_split || !at) gd_die("out of memory");
    for (int i = 0; i < n; i++) {
        splits[i] = NULL;
        for (int j = 0; m && j < m->n_entries && !splits[i]; j++)
            if (!strcmp(m->entries[j].group, groups[i])) splits[i] = m->entries[j].split;
        if (!splits[i]) { at[n_fresh] = i; fresh[n_fresh++] = groups[i]; }
    }
    if (gd_assign_splits(fresh, n_fresh, seed, test_fraction, valid_fraction, fresh_split))
        gd_die("out of memory");
    for (int k = 0; k < n_fresh; k++) splits[at[k]] = fresh_split[k];
    free(fresh); free(fresh_split); free(at);
}

// "group  N files -> split" per group, in name order.
static void list_groups(FILE *f, char *const *groups, const char **splits, int n) {
    char **names = malloc(sizeof(char *) * (size_t)(n ? n : 1));
    int n_groups = 0;
    if (!names) gd_die("out of memory");
    memcpy(names, groups, sizeof(char *) * (size_t)n);
    qsort(names, (size_t)n, sizeof(char *), cmp_str);
    fprintf(f, "groups (files -> split):\n");
    for (int i = 0, run = 1; i < n; i++, run++) {
        if (i + 1 < n && !strcmp(names[i], names[i + 1])) continue;
        int k = 0;
        while (strcmp(groups[k], names[i])) k++;
        fprintf(f, "  %-40s %4d file%s -> %s\n", names[i], run, run == 1 ? " " : "s", splits[k]);
        run = 0;
        n_groups++;
    }
    fprintf(f, "%d groups\n", n_groups);
    free(names);
}

static void import_usage(void) {
    printf("Usage: gendang data import DIR --kit NAME [options]\n\n"
           "Adds every audio file below DIR to the data manifest, hashing each and recording\n"
           "duration, rate and channels. Existing entries are left as they are. An entry's\n"
           "id is <kit>-<path below DIR> in lower case, runs of other characters as '-';\n"
           "paths that clean to one id get <id>, <id>-2, ... in path order. A file name with\n"
           "a control character (a newline) or bytes that are not UTF-8 is refused.\n\n"
           "  --kit NAME          kit name for the new entries (required)\n"
           "  --group-by REGEX    group = first capture group (or whole match) of REGEX on the\n"
           "                      file's path below DIR (default: the stroke name, below)\n"
           "  --test-fraction F   share of the new groups in test (default 0.2)\n"
           "  --valid-fraction F  share of the new groups in valid (default 0.1)\n"
           "  --instrument NAME   instrument (default: the kit name)\n"
           "  --stroke NAME       stroke (default: \"hit\")\n"
           "  --license TEXT      license (default: \"unknown\")\n"
           "  --seed N            split seed (default 0)\n"
           "  --manifest PATH     manifest to append to (default: %s)\n"
           "  -q, --quiet         " GD_CLI_QUIET_HELP ";\n"
           "                      the list of groups is not printed either\n\n"
           "Default groups: the takes of one stroke belong together, so the group is the\n"
           "file's path below DIR without its extension, cut into words (at anything but\n"
           "letters and digits, and at lower-to-upper case changes), with trailing words\n"
           "dropped while they are a number, v/vel/velocity/rr/layer/l plus digits (v3, rr2,\n"
           "L2), vel/velocity/rr/layer alone, or a dynamics word (ppp pp p mp mf f ff fff,\n"
           "soft(er/est), med(ium), hard(er/est), loud(er/est), ghost); the first word always\n"
           "stays. \"Snare_Hit_v3\", \"snare-hit-rr2\", \"Snare Hit 127\", \"snare_hit_soft\"\n"
           "and \"SnareHit_L2\" are one group, <kit>-snare-hit. Use --group-by when numbers\n"
           "name different drums (\"Tom 1\", \"Tom 2\" would merge).\n\n"
           "Splits are per group: the n groups new to the manifest are ranked by\n"
           "sha256(\"<seed>:<group>\"); the first round(test-fraction n) go to test, the\n"
           "next round(valid-fraction n) to valid, the rest to train; a group already in\n"
           "the manifest keeps its split. The groups are listed on stderr (group, files,\n"
           "split). Exit 1 on unreadable audio or a recording whose sha256 is already in\n"
           "another split, 2 on usage errors.\n",
           pl_data_default_manifest());
}

int pl_data_import(int argc, char **argv) {
    static const struct option opts[] = {
        {"kit", required_argument, 0, 'k'}, {"group-by", required_argument, 0, 'g'},
        {"instrument", required_argument, 0, 'i'}, {"stroke", required_argument, 0, 's'},
        {"license", required_argument, 0, 'l'}, {"seed", required_argument, 0, 'S'},
        {"manifest", required_argument, 0, 'm'}, {"test-fraction", required_argument, 0, 'T'},
        {"valid-fraction", required_argument, 0, 'V'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *kit = NULL, *group_re = NULL, *instrument = NULL, *stroke = "hit";
    const char *license = "unknown", *mpath = pl_data_default_manifest();
    unsigned long long seed = 0;
    double test_fraction = 0.2, valid_fraction = 0.1;
    int c, quiet = 0;
    optind = 1;
    while ((c = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
        switch (c) {
        case 'k': kit = optarg; break;
        case 'g': group_re = optarg; break;
        case 'i': instrument = optarg; break;
        case 's': stroke = optarg; break;
        case 'l': license = optarg; break;
        case 'S': seed = (unsigned long long)gd_opt_int("--seed", optarg, 0, INT64_MAX); break;
        case 'm': mpath = optarg; break;
        case 'T': test_fraction = gd_opt_double("--test-fraction", optarg, 0, 1); break;
        case 'V': valid_fraction = gd_opt_double("--valid-fraction", optarg, 0, 1); break;
        case 'q': quiet = 1; gd_cli_quiet(); break;
        case 'h': import_usage(); return 0;
        default: gd_usage("data import: unknown option");
        }
    }
    if (argc - optind != 1) gd_usage("data import needs exactly one DIR");
    if (!kit) gd_usage("data import needs --kit NAME");
    if (test_fraction + valid_fraction > 1)
        gd_usage("--test-fraction plus --valid-fraction must be at most 1");
    if (!instrument) instrument = kit;
    const char *dir = argv[optind];
    if (!gd_is_dir(dir)) gd_die("%s: not a directory", dir);
    regex_t re;
    if (group_re && regcomp(&re, group_re, REG_EXTENDED))
        gd_usage("--group-by: '%s' is not a valid regular expression", group_re);

    gd_manifest *m = NULL;
    char *old_text = NULL;
    if (gd_path_exists(mpath)) {
        if (gd_manifest_load(&m, mpath)) return 1;
        if (gd_read_file(mpath, &old_text, NULL)) return 1;
    }
    paths files = {0};
    scan(dir, "", &files);
    if (files.n == 0) gd_die("%s: no audio files found", dir);
    qsort(files.v, (size_t)files.n, sizeof(char *), cmp_str);
    int *owner = malloc(sizeof(int) * (size_t)(files.n + 1));
    char *dup = calloc((size_t)files.n + 1, 1);
    if (!owner || !dup) gd_die("out of memory");
    char **ids = assign_ids(kit, files.v, files.n, owner);
    // Files whose id is in the manifest already stay as they are; the rest are new.
    for (int i = 0; i < files.n; i++) {
        for (int j = 0; m && j < m->n_entries && !dup[i]; j++) dup[i] = !strcmp(m->entries[j].id, ids[i]);
        if (!dup[i] && owner[i] >= 0)
            gd_warn("%s: cleans to the id of %s; it gets %s", files.v[i], files.v[owner[i]], ids[i]);
    }
    int n_new = 0, present = 0;
    for (int i = 0; i < files.n; i++) {
        if (dup[i]) { free(files.v[i]); free(ids[i]); present++; }
        else { ids[n_new] = ids[i]; files.v[n_new++] = files.v[i]; }
    }
    free(owner);
    free(dup);
    files.n = n_new;

    // Absolute directory, so entries resolve wherever the manifest is read from.
    char abs_dir[PATH_MAX];
    if (!realpath(dir, abs_dir)) gd_die("%s: cannot resolve path", dir);
    char **groups = calloc((size_t)files.n + 1, sizeof(char *));
    const char **splits = calloc((size_t)files.n + 1, sizeof(char *));
    if (!groups || !splits) gd_die("out of memory");
    for (int i = 0; i < files.n; i++) {
        char g[1040], name[512];
        if (group_re) {
            regmatch_t mt[2];
            if (regexec(&re, files.v[i], 2, mt, 0) != 0)
                gd_die("%s: --group-by '%s' does not match this file", files.v[i], group_re);
            int k = mt[1].rm_so >= 0 ? 1 : 0;
            snprintf(name, sizeof name, "%.*s", (int)(mt[k].rm_eo - mt[k].rm_so),
                     files.v[i] + mt[k].rm_so);
        } else {
            char stem[512];
            snprintf(stem, sizeof stem, "%s", files.v[i]);
            strip_ext(stem);
            pl_stroke_group(stem, name, sizeof name);
        }
        snprintf(g, sizeof g, "%s-%s", kit, name);
        char s[512];
        slug(s, sizeof s, g);
        groups[i] = strdup(s);
    }
    assign(m, (const char *const *)groups, files.n, seed, test_fraction, valid_fraction, splits);
    if (!quiet) list_groups(stderr, groups, splits, files.n);

    char *tmp_path = NULL;
    gd_atomic out;
    if (gd_atomic_open(&out, mpath, "wb")) return 1;
    tmp_path = strdup(out.tmp_path);
    if (old_text) {
        fputs(old_text, out.f);
        if (*old_text && old_text[strlen(old_text) - 1] != '\n') fputc('\n', out.f);
    } else {
        fputs("version: 1\nentries:\n", out.f);
    }
    int added = 0, failed = 0;
    for (int i = 0; i < files.n; i++) {
        char *full = gd_path_join(abs_dir, files.v[i]), *id = ids[i], hex[GD_SHA256_HEX_LEN];
        gd_audio a;
        if (gd_sha256_file(hex, full) || gd_audio_read(&a, full, 0, 0)) {
            failed++;
            free(full);
            continue;
        }
        fprintf(out.f, "  - id: %s\n    path: ", id);
        yaml_quoted(out.f, full);
        fprintf(out.f, "\n    sha256: %s\n    license: ", hex);
        yaml_quoted(out.f, license);
        fputs("\n    kit: ", out.f); yaml_quoted(out.f, kit);
        fputs("\n    instrument: ", out.f); yaml_quoted(out.f, instrument);
        fputs("\n    stroke: ", out.f); yaml_quoted(out.f, stroke);
        fprintf(out.f, "\n    velocity: 1.0\n    group: %s\n    split: %s\n"
                       "    duration_s: %.6f\n    sample_rate: %d\n    channels: %d\n",
                groups[i], splits[i], (double)a.n_frames / a.rate, a.rate, a.n_channels);
        gd_audio_free(&a);
        free(full);
        added++;
    }
    if (failed) {
        gd_atomic_abort(&out);
        gd_die("%d files could not be read; manifest %s left unchanged", failed, mpath);
    }
    fflush(out.f);
    gd_manifest *check = NULL;
    if (gd_manifest_load(&check, tmp_path)) {
        gd_atomic_abort(&out);
        gd_die("%s: appended manifest does not validate ('entries:' must be the last "
               "top-level key); left unchanged", mpath);
    }
    free(check->path);
    check->path = strdup(mpath);   // problems name the manifest, not its temporary copy
    int leaks = check->path ? pl_split_check_labels(check, stderr) : -1;
    gd_manifest_free(check);
    if (leaks) {
        gd_atomic_abort(&out);
        gd_die("%s: the import would put one group or one recording in two splits (above); "
               "left unchanged", mpath);
    }
    if (gd_atomic_commit(&out)) return 1;
    printf("%s: added %d entries (%d already present)\n", mpath, added, present);
    for (int i = 0; i < files.n; i++) { free(files.v[i]); free(groups[i]); free(ids[i]); }
    free(files.v); free(groups); free(ids); free(splits); free(old_text); free(tmp_path);
    if (group_re) regfree(&re);
    gd_manifest_free(m);
    return 0;
}
