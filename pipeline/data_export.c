// pl_data_export.c: `gendang data export`: selected manifest recordings of one split, checked
// against their sha256, converted to the corpus rate and channel count, written as a
// corpus folder (audio + metadata.csv). This is the `sources` stage of a recipe.
#include "pipeline/data_cmds.h" // defines: pl_data_export
#include "core/manifest.h"  // defines: gd_manifest_*
#include "core/audio.h"         // defines: gd_audio_*
#include "core/cli.h"           // defines: gd_usage, gd_die, gd_opt_int
#include "core/fileio.h"        // defines: gd_mkdir_p, gd_path_join
#include "core/log.h"           // defines: gd_error
#include "core/metadata.h"      // defines: gd_meta_*
#include "core/outdir.h"        // defines: gd_outdir_*, gd_corpus_files
#include "core/rng.h"           // defines: gd_rng_stream_id
#include "core/sha256.h"        // defines: gd_sha256_file

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILTER 64

typedef struct { const char *v[MAX_FILTER]; int n; } filter;

static void filter_add(filter *f, const char *s, const char *opt) {
    if (f->n == MAX_FILTER) gd_usage("%s given more than %d times", opt, MAX_FILTER);
    f->v[f->n++] = s;
}

static int filter_pass(const filter *f, const char *s) {
    if (f->n == 0) return 1;
    for (int i = 0; i < f->n; i++) if (!strcmp(f->v[i], s)) return 1;
    return 0;
}

static void export_usage(void) {
    printf("Usage: gendang data export --split SPLIT -o DIR [options]\n\n"
           "Writes the manifest's recordings of one split (optionally filtered) to DIR as a\n"
           "corpus folder: DIR/<id>.wav (24-bit) and DIR/metadata.csv. Each source's sha256 is\n"
           "checked before it is read. DIR must be new, empty or an earlier corpus folder (it\n"
           "has a metadata.csv); files there that the new metadata.csv does not list are\n"
           "removed.\n\n"
           "  --split train|valid|test   which split (required)\n"
           "  --kit NAME                 keep only this kit (repeatable)\n"
           "  --instrument NAME          keep only this instrument (repeatable)\n"
           "  --stroke NAME              keep only this stroke (repeatable)\n"
           "  --rate HZ                  output rate (default 44100)\n"
           "  --channels N               1 or 2 (default 1)\n"
           "  --manifest PATH            default: %s\n"
           "  --allow-empty              an empty selection writes an empty metadata.csv\n"
           "  -o, --out DIR              output folder\n",
           pl_data_default_manifest());
}

int pl_data_export(int argc, char **argv) {
    static const struct option opts[] = {
        {"split", required_argument, 0, 's'}, {"kit", required_argument, 0, 'k'},
        {"instrument", required_argument, 0, 'i'}, {"stroke", required_argument, 0, 't'},
        {"rate", required_argument, 0, 'r'}, {"channels", required_argument, 0, 'c'},
        {"manifest", required_argument, 0, 'm'}, {"out", required_argument, 0, 'o'},
        {"allow-empty", no_argument, 0, 'e'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    int allow_empty = 0;
    const char *split = NULL, *out = NULL, *mpath = pl_data_default_manifest();
    filter kits = {0}, insts = {0}, strokes = {0};
    int rate = 44100, channels = 1, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 's': split = optarg; break;
        case 'k': filter_add(&kits, optarg, "--kit"); break;
        case 'i': filter_add(&insts, optarg, "--instrument"); break;
        case 't': filter_add(&strokes, optarg, "--stroke"); break;
        case 'r': rate = (int)gd_opt_int("--rate", optarg, 8000, 384000); break;
        case 'c': channels = (int)gd_opt_int("--channels", optarg, 1, 2); break;
        case 'm': mpath = optarg; break;
        case 'o': out = optarg; break;
        case 'e': allow_empty = 1; break;
        case 'h': export_usage(); return 0;
        default: gd_usage("data export: unknown option");
        }
    }
    if (optind != argc) gd_usage("data export: unexpected argument '%s'", argv[optind]);
    if (!split || !gd_split_valid(split)) gd_usage("--split must be train, valid or test");
    if (!out) gd_usage("data export needs -o DIR");
    gd_manifest *m;
    if (gd_manifest_load(&m, mpath)) return 1;
    int n_sel = 0;
    int *sel = calloc((size_t)m->n_entries + 1, sizeof(int));
    for (int i = 0; i < m->n_entries; i++) {
        const gd_manifest_entry *e = &m->entries[i];
        if (!strcmp(e->split, split) && filter_pass(&kits, e->kit) &&
            filter_pass(&insts, e->instrument) && filter_pass(&strokes, e->stroke))
            sel[n_sel++] = i;
    }
    if (n_sel == 0 && !allow_empty) gd_die("%s: no %s recordings match the filters", mpath, split);
    if (gd_outdir_claim(out, gd_corpus_files)) { free(sel); gd_manifest_free(m); return 1; }
    gd_meta *meta;
    gd_meta_init(&meta);
    gd_meta_row *rows = calloc((size_t)n_sel, sizeof *rows);
    char **names = calloc((size_t)n_sel, sizeof(char *)), **hashes = calloc((size_t)n_sel, sizeof(char *));
    char **labels = calloc((size_t)n_sel, sizeof(char *));
    int failed = 0;
#pragma omp parallel for schedule(dynamic) reduction(+ : failed)
    for (int k = 0; k < n_sel; k++) {
        const gd_manifest_entry *e = &m->entries[sel[k]];
        char hex[GD_SHA256_HEX_LEN], name[600];
        gd_audio a;
        if (gd_sha256_file(hex, e->full_path)) { failed++; continue; }
        if (strcmp(hex, e->sha256)) {
            gd_error("%s: sha256 mismatch with the manifest (%s); run `gendang data verify`",
                     e->full_path, mpath);
            failed++;
            continue;
        }
        if (gd_audio_read(&a, e->full_path, rate, channels)) { failed++; continue; }
        snprintf(name, sizeof name, "%s.wav", e->id);
        char *path = gd_path_join(out, name);
        gd_write_opts o = gd_write_opts_default();
        o.dither_seed = gd_rng_stream_id("export", e->id);   // independent dither per file
        if (gd_audio_write(path, &a, &o, NULL) || gd_sha256_file(hex, path)) failed++;
        names[k] = strdup(name);
        hashes[k] = strdup(hex);
        size_t ll = strlen(e->instrument) + strlen(e->stroke) + 2;
        labels[k] = malloc(ll);
        snprintf(labels[k], ll, "%s/%s", e->instrument, e->stroke);
        rows[k] = (gd_meta_row){names[k], e->split, e->id, e->group, labels[k],
                                (double)a.n_frames / rate, rate, hashes[k], 0, ""};
        gd_audio_free(&a);
        free(path);
    }
    int err = failed;
    for (int k = 0; k < n_sel && !err; k++) err = gd_meta_append(meta, &rows[k]);
    char *mp = gd_path_join(out, "metadata.csv");
    if (!err) err = gd_meta_write(meta, mp);
    if (!err) err = gd_outdir_prune_meta(out, meta, gd_corpus_files);
    if (!err) printf("%s: %d %s recordings at %d Hz, %d channel(s)\n", out, n_sel, split, rate, channels);
    for (int k = 0; k < n_sel; k++) { free(names[k]); free(hashes[k]); free(labels[k]); }
    free(names); free(hashes); free(labels); free(rows); free(sel); free(mp);
    gd_meta_free(meta);
    gd_manifest_free(m);
    if (failed) gd_die("%d recordings could not be exported", failed);
    return err ? 1 : 0;
}
