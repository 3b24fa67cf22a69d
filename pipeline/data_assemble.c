// pl_data_assemble.c: `gendang data assemble -o CORPUS DIR...`: the training corpus from
// several corpus folders (sources, augmented, synthesised): audio copied into
// CORPUS/<split>/<part>__<name>.wav, optionally loudness-normalised (EBU R128 integrated
// loudness through libebur128; clips too short for a 400 ms gate are peak-normalised to
// the target plus 14 dB, a drum hit's typical crest; no gain ever pushes a peak above
// -1 dBFS, so normalising never clips), metadata.csv merged with each
// normalisation recorded in `ops` as a gain step, so rows still replay.
#include "pipeline/data_cmds.h" // defines: pl_data_assemble
#include "core/manifest.h"  // defines: gd_split_valid
#include "core/audio.h"         // defines: gd_audio_*
#include "core/cli.h"           // defines: gd_usage, gd_die, gd_opt_double
#include "core/fileio.h"        // defines: gd_mkdir_p, gd_path_join, gd_path_basename
#include "core/log.h"           // defines: gd_error
#include "core/metadata.h"      // defines: gd_meta_*
#include "core/outdir.h"        // defines: gd_outdir_*, gd_corpus_files
#include "core/sha256.h"        // defines: gd_sha256_file

#include <ebur128.h>
#include <getopt.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// Gain in dB that brings a to target LUFS.
static double normalising_gain_db(const gd_audio *a, double target) {
    ebur128_state *st = ebur128_init((unsigned)a->n_channels, (unsigned long)a->rate, EBUR128_MODE_I);
    double lufs = -HUGE_VAL, peak = 0;
    if (st) {
        float *inter = malloc(sizeof(float) * (size_t)(a->n_channels * a->n_frames));
        for (int64_t i = 0; inter && i < a->n_frames; i++)
            for (int c = 0; c < a->n_channels; c++)
                inter[i * a->n_channels + c] = a->data[(size_t)c * a->n_frames + i];
        if (inter) ebur128_add_frames_float(st, inter, (size_t)a->n_frames);
        ebur128_loudness_global(st, &lufs);
        free(inter);
        ebur128_destroy(&st);
    }
    for (int64_t i = 0; i < a->n_channels * a->n_frames; i++) peak = fmax(peak, fabs(a->data[i]));
    if (peak <= 0) return 0;
    double peak_db = 20 * log10(peak);
    double gain = isfinite(lufs) ? target - lufs : (target + 14.0) - peak_db;
    return fmin(gain, -1.0 - peak_db);
}

static void assemble_usage(void) {
    printf("Usage: gendang data assemble -o CORPUS [--loudness LUFS] DIR...\n\n"
           "Merges corpus folders (each with metadata.csv) into CORPUS/<split>/ with one\n"
           "metadata.csv. Files are named <part>__<name>, part being the folder's name.\n"
           "CORPUS must be new, empty or an earlier corpus (it has a metadata.csv); files\n"
           "there that the new metadata.csv does not list are removed.\n\n"
           "  --loudness LUFS   normalise each file to this integrated loudness (e.g. -20)\n"
           "  --splits LIST     comma-separated splits to keep (default train,valid);\n"
           "                    `test` is refused: held-out hits never enter a corpus\n"
           "  --exclude-label RE  leave out rows whose label matches the extended regular\n"
           "                    expression RE (case-insensitive), e.g. 'bell' for an arm\n"
           "                    trained without bell hits; the count left out is printed\n"
           "  -o, --out DIR     the corpus folder\n");
}

int pl_data_assemble(int argc, char **argv) {
    static const struct option opts[] = {
        {"loudness", required_argument, 0, 'l'}, {"splits", required_argument, 0, 's'},
        {"exclude-label", required_argument, 0, 'x'},
        {"out", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *out = NULL, *splits = "train,valid", *exclude = NULL;
    double lufs = 0;
    int normalise = 0, c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "o:h", opts, NULL)) != -1) {
        switch (c) {
        case 'l': lufs = gd_opt_double("--loudness", optarg, -70, 0); normalise = 1; break;
        case 's': splits = optarg; break;
        case 'x': exclude = optarg; break;
        case 'o': out = optarg; break;
        case 'h': assemble_usage(); return 0;
        default: gd_usage("data assemble: unknown option");
        }
    }
    if (!out) gd_usage("data assemble needs -o CORPUS");
    if (optind == argc) gd_usage("data assemble needs at least one input folder");
    if (strstr(splits, "test")) gd_usage("--splits: the test split never enters a training corpus");
    regex_t exclude_re;
    if (exclude && regcomp(&exclude_re, exclude, REG_EXTENDED | REG_ICASE | REG_NOSUB))
        gd_usage("--exclude-label: '%s' is not a valid extended regular expression", exclude);
    if (gd_outdir_claim(out, gd_corpus_files)) return 1;
    int n_excluded = 0;
    gd_meta *all;
    gd_meta_init(&all);
    int failed = 0;
    for (int d = optind; d < argc && !failed; d++) {
        char *mp = gd_path_join(argv[d], "metadata.csv");
        gd_meta *in;
        if (gd_meta_read(&in, mp)) { free(mp); failed = 1; break; }
        free(mp);
        char part[256];
        snprintf(part, sizeof part, "%s", gd_path_basename(argv[d]));
        if (!*part) snprintf(part, sizeof part, "part%d", d - optind);
        int *keep = calloc((size_t)in->n_rows + 1, sizeof(int));
        for (int r = 0; r < in->n_rows; r++) {
            const char *s = in->rows[r].split;
            if (!gd_split_valid(s)) {
                gd_error("%s/metadata.csv: row %d has split '%s'", argv[d], r + 2, s);
                failed = 1;
            }
            char needle[16];
            snprintf(needle, sizeof needle, "%s", s);
            keep[r] = !strcmp(s, "test") ? 0 : strstr(splits, needle) != NULL;
            if (keep[r] && exclude && !regexec(&exclude_re, in->rows[r].label, 0, NULL, 0)) {
                keep[r] = 0;
                n_excluded++;
            }
        }
        gd_meta_row *rows = calloc((size_t)in->n_rows + 1, sizeof *rows);
#pragma omp parallel for schedule(dynamic) reduction(+ : failed)
        for (int r = 0; r < in->n_rows; r++) {
            if (!keep[r] || failed) continue;
            gd_meta_row *src = &in->rows[r];
            char *ip = gd_path_join(argv[d], src->file_name), name[1200], hex[GD_SHA256_HEX_LEN];
            char flat[800];
            snprintf(flat, sizeof flat, "%s", src->file_name);
            for (char *p = flat; *p; p++) if (*p == '/') *p = '_';
            snprintf(name, sizeof name, "%s/%s__%s", src->split, part, flat);
            char *op = gd_path_join(out, name), *dir = gd_path_dirname(op);
            gd_audio a;
            double gain_db = 0;
            if (gd_mkdir_p(dir) || gd_audio_read(&a, ip, 0, 0)) { failed++; goto next; }
            if (normalise) {
                gain_db = normalising_gain_db(&a, lufs);
                float g = (float)pow(10.0, gain_db / 20);
                for (int64_t i = 0; i < a.n_channels * a.n_frames; i++) a.data[i] *= g;
            }
            if (gd_audio_write(op, &a, NULL, NULL) || gd_sha256_file(hex, op)) failed++;
            else {
                char ops[2048];
                if (normalise)
                    snprintf(ops, sizeof ops, "%s%sgain:db=%.4f", src->ops, *src->ops ? "|" : "", gain_db);
                else
                    snprintf(ops, sizeof ops, "%s", src->ops);
                rows[r] = *src;
                rows[r].file_name = strdup(name);
                rows[r].sha256 = strdup(hex);
                rows[r].ops = strdup(ops);
                rows[r].duration_s = (double)a.n_frames / a.rate;
                rows[r].sample_rate = a.rate;
            }
            gd_audio_free(&a);
        next:
            free(ip); free(op); free(dir);
        }
        for (int r = 0; r < in->n_rows; r++) {
            if (rows[r].file_name && !failed) gd_meta_append(all, &rows[r]);
            free(rows[r].file_name); free(rows[r].sha256); free(rows[r].ops);
        }
        free(rows);
        free(keep);
        gd_meta_free(in);
    }
    int err = failed;
    char *mp = gd_path_join(out, "metadata.csv");
    if (!err && all->n_rows == 0) {
        gd_error("%s: no rows to assemble", out);
        err = 1;
    }
    if (!err) err = gd_meta_write(all, mp);
    if (!err) err = gd_outdir_prune_meta(out, all, gd_corpus_files);
    if (!err) printf("%s: %d files\n", out, all->n_rows);
    if (!err && exclude) printf("%s: %d files left out (label matches '%s')\n", out, n_excluded, exclude);
    if (exclude) regfree(&exclude_re);
    free(mp);
    gd_meta_free(all);
    return err ? 1 : 0;
}
