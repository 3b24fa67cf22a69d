// cmd_attribute.c: gendang-train attribute, which training labels a sound's latent frames lie
// nearest to (train/attribute.h), against the floor of labels permuted among training clips.
//
//   gendang-train attribute MODEL --corpus DIR IN.wav [--transfer] [--column C] [-k K]
//                 [--permutations P] [--seed S] [--floor-db D] [-o OUT_DIR] [--json]
//   gendang-train attribute MODEL --corpus DIR --leak RE IN... (one JSON line per input)
#include <getopt.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/cli.h"         // defines: gd_die, gd_usage, gd_opt_*, gd_cli_quiet
#include "core/csv.h"         // defines: gd_csv_*
#include "core/fileio.h"      // defines: gd_atomic_*, gd_path_join, gd_mkdir_p
#include "core/json.h"        // defines: gd_json_*
#include "core/log.h"         // defines: gd_warn
#include "core/sha256.h"      // defines: gd_sha256_file
#include "train/attribute.h"  // defines: rv_attr_*
#include "train/cmds.h"       // defines: rv_cli_*
#include "train/infer.h"      // defines: rv_infer_encode, rv_infer_transfer
#include "train/leak_band.h"  // defines: rv_leak_band_*

static void help(void) {
    printf(
        "Usage: gendang-train attribute MODEL --corpus DIR IN [OPTIONS]\n"
        "       gendang-train attribute MODEL --corpus DIR --leak RE IN... [OPTIONS]\n"
        "Which training labels the sound IN is nearest to in MODEL's latent space: every train\n"
        "clip of DIR/metadata.csv and IN are encoded into latent frames; frames quieter than\n"
        "--floor-db are dropped (silence carries no timbre); each frame of IN takes the labels\n"
        "of its k nearest training frames (Euclidean), and the per-file share of a label is\n"
        "that fraction weighted by the frame's energy. The floor is the same share with the\n"
        "labels permuted among training clips: a share above its 95th percentile means IN is\n"
        "nearer that label than the clips' mere number and length explain. A training clip\n"
        "with the same bytes as IN (same sha256) is left out of the search.\n\n"
        "Options:\n"
        "      --corpus DIR       corpus folder holding metadata.csv (train split used)\n"
        "      --column C         metadata column to label by: label (default), group,\n"
        "                         source_id, instrument (a column of that name, else the\n"
        "                         label up to its '/'), or any other column of metadata.csv\n"
        "      --transfer         also attribute the model's transfer of IN (what is heard)\n"
        "  -k N                   neighbours per frame (default 8)\n"
        "      --permutations P   label permutations for the floor (default 200)\n"
        "      --seed S           permutation and transfer-noise seed (default 0)\n"
        "      --floor-db D       frames below D dBFS (RMS over the frame) are left out\n"
        "                         (default -60)\n"
        "      --block N          latent frames per inference block (default 64)\n"
        "  -o, --output DIR       write DIR/frames.csv (and frames_transfer.csv) and\n"
        "                         DIR/summary.txt or DIR/summary.json\n"
        "      --json             the summary as JSON (stdout and DIR/summary.json)\n"
        "      --lump RE          labels matching RE (case-insensitive extended regular\n"
        "                         expression) count as one label named RE, e.g. --lump bell\n"
        "                         turns dununba1/bell and kenkeni1/bell-mute into \"bell\"\n"
        "      --leak RE          leak mode: IN... are files or folders of audio (e.g. the\n"
        "                         transfers of a model trained without some labels); prints\n"
        "                         one JSON line per file: leak_share (energy share nearest\n"
        "                         to labels matching the extended regular expression RE,\n"
        "                         case-insensitive), leak_chance (its mean under permuted\n"
        "                         labels) and leak_band_share (energy share in the bins where\n"
        "                         the matching train clips are 6 dB above the others)\n"
        "  -q, --quiet            " GD_CLI_QUIET_HELP "\n"
        "  -h, --help             this help\n\n"
        "Exit status: 0 success, 1 runtime failure (bad input, I/O), 2 usage error.\n"
        "The result is the same for the same seed whatever the thread count (OMP_NUM_THREADS).\n");
}

typedef struct {
    const char *name;   // "input" or "transfer"
    const char *file;
    long    F;          // latent frames
    double *energy;     // (F) mean square per frame
    long    n_kept;
    long   *kept;       // (n_kept) frame indices at or above the floor
    int    *nb;         // (n_kept, k)
    double *share, *floor_mean, *floor_p95;   // (n_labels)
} attr_target;

// Mean square of x over each frame's hop samples (zero past n).
static double *frame_energy(const float *x, long n, int hop, long F) {
    double *e = calloc((size_t)F, sizeof(double));
    for (long f = 0; f < F; f++) {
        double s = 0;
        for (long t = f * hop; t < (f + 1) * hop && t < n; t++) s += (double)x[t] * x[t];
        e[f] = s / hop;
    }
    return e;
}

// Latents (F, L) row-major of x; exits on failure.
static float *encode_frames(rv_model *m, const char *model, const char *path, const float *x,
                            long n, long F, int block) {
    int L = m->cfg.latent_size;
    float *z = malloc(sizeof(float) * L * F), *zt = malloc(sizeof(float) * L * F);
    int rc = rv_infer_encode(m, z, x, n, block);
    if (rc) rv_cli_infer_failed(model, path, "encode", rc);
    for (long f = 0; f < F; f++)
        for (int l = 0; l < L; l++) zt[f * L + l] = z[(long)l * F + f];
    free(z);
    return zt;
}

static int find_label(char **labels, int n, const char *s) {
    for (int i = 0; i < n; i++)
        if (!strcmp(labels[i], s)) return i;
    return -1;
}

static int by_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

// The value of column `col` (index c, or -1 for the derived "instrument") in row r.
static char *label_value(const gd_csv *csv, int r, int c, int c_label) {
    if (c >= 0) return strdup(gd_csv_get(csv, r, c));
    const char *s = gd_csv_get(csv, r, c_label), *slash = strchr(s, '/');
    return slash ? strndup(s, (size_t)(slash - s)) : strdup(s);
}

static void write_frames(const char *path, const attr_target *t, const rv_attr_bank *bank,
                         const int *clip_label, char **labels, int n_labels, int k,
                         double frame_s) {
    double *sh = malloc(sizeof(double) * (t->n_kept ? t->n_kept : 1) * n_labels);
    rv_attr_frame_shares(sh, t->nb, t->n_kept, k, bank, clip_label, n_labels);
    gd_atomic a;
    if (gd_atomic_open(&a, path, "w")) gd_die("%s: cannot write", path);
    fputs("time_s,energy_db,kept,top", a.f);
    for (int c = 0; c < n_labels; c++) { fputc(',', a.f); gd_csv_write_field(a.f, labels[c]); }
    fputc('\n', a.f);
    long j = 0;
    for (long f = 0; f < t->F; f++) {
        int kept = j < t->n_kept && t->kept[j] == f;
        fprintf(a.f, "%.6f,%.2f,%d,", f * frame_s, 10 * log10(t->energy[f] + 1e-20), kept);
        if (kept) {
            int top = 0;
            for (int c = 1; c < n_labels; c++)
                if (sh[j * n_labels + c] > sh[j * n_labels + top]) top = c;
            gd_csv_write_field(a.f, labels[top]);
            for (int c = 0; c < n_labels; c++) fprintf(a.f, ",%.4f", sh[j * n_labels + c]);
            j++;
        } else {
            for (int c = 0; c < n_labels; c++) fputc(',', a.f);
        }
        fputc('\n', a.f);
    }
    free(sh);
    if (gd_atomic_commit(&a)) gd_die("%s: cannot write", path);
}

typedef struct {
    const char *model, *corpus, *column;
    int k, n_perm, n_clips, n_excluded, n_labels;
    long n_frames;
    double floor_db;
    uint64_t seed;
    char **labels;
} attr_info;

static void write_text(FILE *f, const attr_info *in, const attr_target *t, int n_t) {
    fprintf(f, "attribution against %s (column %s; %d train clips%s, %ld frames above %.0f dBFS;"
            " k=%d, %d permutations, seed %llu)\n", in->corpus, in->column, in->n_clips,
            in->n_excluded ? ", the one equal to the input left out" : "", in->n_frames,
            in->floor_db, in->k, in->n_perm, (unsigned long long)in->seed);
    for (int i = 0; i < n_t; i++) {
        fprintf(f, "\n%s: %s (%ld of %ld frames above the floor)\n", t[i].name, t[i].file,
                t[i].n_kept, t[i].F);
        fprintf(f, "%-24s %8s %11s %10s %6s\n", "label", "share", "floor_mean", "floor_p95", "above");
        for (int c = 0; c < in->n_labels; c++)
            fprintf(f, "%-24s %8.4f %11.4f %10.4f %6s\n", in->labels[c], t[i].share[c],
                    t[i].floor_mean[c], t[i].floor_p95[c],
                    t[i].share[c] > t[i].floor_p95[c] ? "yes" : "no");
        for (int c = 0; c < in->n_labels; c++)
            if (t[i].share[c] > t[i].floor_p95[c])
                fprintf(f, "%.0f %% of the %s's energy is nearest to %s frames (chance: %.0f %%,"
                        " 95th percentile %.0f %%).\n", 100 * t[i].share[c],
                        i ? "transfer output" : "input", in->labels[c], 100 * t[i].floor_mean[c],
                        100 * t[i].floor_p95[c]);
    }
}

static void write_json(FILE *f, const attr_info *in, const attr_target *t, int n_t) {
    gd_json j;
    gd_json_init(&j, f);
    gd_json_begin_object(&j);
    gd_json_key(&j, "model"); gd_json_string(&j, in->model);
    gd_json_key(&j, "corpus"); gd_json_string(&j, in->corpus);
    gd_json_key(&j, "column"); gd_json_string(&j, in->column);
    gd_json_key(&j, "k"); gd_json_int(&j, in->k);
    gd_json_key(&j, "permutations"); gd_json_int(&j, in->n_perm);
    gd_json_key(&j, "seed"); gd_json_int(&j, (int64_t)in->seed);
    gd_json_key(&j, "floor_db"); gd_json_number(&j, in->floor_db);
    gd_json_key(&j, "train_clips"); gd_json_int(&j, in->n_clips);
    gd_json_key(&j, "excluded_clips"); gd_json_int(&j, in->n_excluded);
    gd_json_key(&j, "train_frames"); gd_json_int(&j, in->n_frames);
    gd_json_key(&j, "targets");
    gd_json_begin_array(&j);
    for (int i = 0; i < n_t; i++) {
        gd_json_begin_object(&j);
        gd_json_key(&j, "name"); gd_json_string(&j, t[i].name);
        gd_json_key(&j, "file"); gd_json_string(&j, t[i].file);
        gd_json_key(&j, "frames"); gd_json_int(&j, t[i].F);
        gd_json_key(&j, "kept_frames"); gd_json_int(&j, t[i].n_kept);
        gd_json_key(&j, "labels");
        gd_json_begin_array(&j);
        for (int c = 0; c < in->n_labels; c++) {
            gd_json_begin_object(&j);
            gd_json_key(&j, "label"); gd_json_string(&j, in->labels[c]);
            gd_json_key(&j, "share"); gd_json_number(&j, t[i].share[c]);
            gd_json_key(&j, "floor_mean"); gd_json_number(&j, t[i].floor_mean[c]);
            gd_json_key(&j, "floor_p95"); gd_json_number(&j, t[i].floor_p95[c]);
            gd_json_key(&j, "above_floor"); gd_json_bool(&j, t[i].share[c] > t[i].floor_p95[c]);
            gd_json_end_object(&j);
        }
        gd_json_end_array(&j);
        gd_json_end_object(&j);
    }
    gd_json_end_array(&j);
    gd_json_end_object(&j);
    fputc('\n', f);
}

typedef struct {
    const char *model, *corpus, *column;
    const char *lump;            // --lump RE: labels matching RE become one label named RE
    regex_t     lump_re;
    int k, n_perm, block;
    double floor_db, floor_ms;   // dBFS, and the same as a linear mean square
    uint64_t seed;
} attr_opts;

// The training side: train rows of the corpus, their frames (the bank) and labels.
typedef struct {
    gd_csv *csv;
    char   *meta_path;
    int     n_rows, n_excluded, *rows;   // rows searched (csv row indices)
    rv_attr_bank bank;
    char  **vals, **labels;              // (n_rows) label of each row; (n_labels) distinct, sorted
    int     n_labels, *clip_label;       // (n_rows) index into labels
} attr_corpus;

// Reads the corpus's train rows (those with a sha256 in skip left out), encodes them into the
// bank and collects labels; with band, adds every clip to it (match: its label matches re).
static void corpus_load(attr_corpus *c, rv_model *m, const attr_opts *o,
                        char (*skip)[GD_SHA256_HEX_LEN], int n_skip, rv_leak_band *band,
                        const regex_t *re) {
    memset(c, 0, sizeof *c);
    c->meta_path = gd_path_join(o->corpus, "metadata.csv");
    if (!gd_path_exists(c->meta_path)) gd_die("%s: no corpus here (metadata.csv missing)", o->corpus);
    if (gd_csv_read(&c->csv, c->meta_path)) gd_die("%s: cannot read", c->meta_path);
    gd_csv *csv = c->csv;
    int c_file = gd_csv_col(csv, "file_name"), c_split = gd_csv_col(csv, "split");
    int c_sha = gd_csv_col(csv, "sha256"), c_label = gd_csv_col(csv, "label");
    int c_col = gd_csv_col(csv, o->column);
    if (c_file < 0 || c_split < 0) gd_die("%s: needs the columns file_name and split", c->meta_path);
    if (c_col < 0 && !(strcmp(o->column, "instrument") == 0 && c_label >= 0))
        gd_die("%s: no column '%s'", c->meta_path, o->column);
    c->rows = malloc(sizeof(int) * (csv->n_rows + 1));
    for (int r = 0; r < csv->n_rows; r++) {
        if (strcmp(gd_csv_get(csv, r, c_split), "train")) continue;
        int same = 0;
        for (int i = 0; i < n_skip && c_sha >= 0; i++) same |= !strcmp(gd_csv_get(csv, r, c_sha), skip[i]);
        if (same) { c->n_excluded++; continue; }
        c->rows[c->n_rows++] = r;
    }
    if (!c->n_rows)
        gd_die("%s: no train rows%s", c->meta_path, c->n_excluded ? " besides the input itself" : "");
    c->vals = malloc(sizeof(char *) * c->n_rows);
    for (int i = 0; i < c->n_rows; i++) {
        c->vals[i] = label_value(csv, c->rows[i], c_col, c_label);
        if (o->lump && !regexec(&o->lump_re, c->vals[i], 0, NULL, 0)) {
            free(c->vals[i]);
            c->vals[i] = strdup(o->lump);
        }
    }

    // The bank: every training frame above the floor, in row order.
    int hop = rv_config_hop(&m->cfg), L = m->cfg.latent_size;
    rv_attr_bank *bank = &c->bank;
    bank->L = L;
    float *bz = NULL;
    int *bclip = NULL;
    long cap = 0;
    for (int i = 0; i < c->n_rows; i++) {
        char *p = gd_path_join(o->corpus, gd_csv_get(csv, c->rows[i], c_file));
        long n;
        float *x = rv_cli_read_input(m, p, &n);
        long F = (n + hop - 1) / hop;
        float *z = encode_frames(m, o->model, p, x, n, F, o->block);
        double *e = frame_energy(x, n, hop, F);
        for (long f = 0; f < F; f++) {
            if (e[f] < o->floor_ms) continue;
            if (bank->n == cap) {
                cap = cap ? 2 * cap : 4096;
                bz = realloc(bz, sizeof(float) * cap * L);
                bclip = realloc(bclip, sizeof(int) * cap);
                if (!bz || !bclip) gd_die("out of memory");
            }
            memcpy(bz + bank->n * L, z + f * L, sizeof(float) * L);
            bclip[bank->n++] = i;
        }
        if (band && rv_leak_band_add(band, x, n, !regexec(re, c->vals[i], 0, NULL, 0)))
            gd_die("out of memory");
        free(x); free(z); free(e); free(p);
    }
    if (!bank->n) gd_die("%s: no train frame above %.0f dBFS (--floor-db)", o->corpus, o->floor_db);
    bank->z = bz;
    bank->clip_of = bclip;

    // Labels: the distinct values over the clips searched, sorted.
    c->labels = malloc(sizeof(char *) * c->n_rows);
    c->clip_label = malloc(sizeof(int) * c->n_rows);
    for (int i = 0; i < c->n_rows; i++)
        if (find_label(c->labels, c->n_labels, c->vals[i]) < 0) c->labels[c->n_labels++] = c->vals[i];
    qsort(c->labels, c->n_labels, sizeof(char *), by_str);
    for (int i = 0; i < c->n_rows; i++) c->clip_label[i] = find_label(c->labels, c->n_labels, c->vals[i]);
}

static void corpus_free(attr_corpus *c) {
    for (int i = 0; i < c->n_rows; i++) free(c->vals[i]);
    free(c->vals); free(c->labels); free(c->clip_label); free(c->rows); free(c->meta_path);
    free((float *)c->bank.z); free((int *)c->bank.clip_of);
    gd_csv_free(c->csv);
}

// Attributes the n samples x (the sound of file `path`) to the corpus's labels: fills a.
// Returns 0, or 1 (a left empty) when no frame of x is above the floor.
static int attribute_sound(attr_target *a, rv_model *m, const attr_corpus *c, const attr_opts *o,
                           const char *path, const float *x, long n) {
    int hop = rv_config_hop(&m->cfg), L = m->cfg.latent_size, k = o->k;
    long F = (n + hop - 1) / hop;
    memset(a, 0, sizeof *a);
    a->file = path;
    a->F = F;
    float *z = encode_frames(m, o->model, path, x, n, F, o->block);
    a->energy = frame_energy(x, n, hop, F);
    a->kept = malloc(sizeof(long) * F);
    float *q = malloc(sizeof(float) * F * L);
    double *qe = malloc(sizeof(double) * F);
    for (long f = 0; f < F; f++) {
        if (a->energy[f] < o->floor_ms) continue;
        memcpy(q + a->n_kept * L, z + f * L, sizeof(float) * L);
        qe[a->n_kept] = a->energy[f];
        a->kept[a->n_kept++] = f;
    }
    free(z);
    if (!a->n_kept) {
        free(q); free(qe); free(a->energy); free(a->kept);
        a->energy = NULL; a->kept = NULL;
        return 1;
    }
    int nl = c->n_labels;
    a->nb = malloc(sizeof(int) * a->n_kept * k);
    a->share = malloc(sizeof(double) * nl);
    a->floor_mean = malloc(sizeof(double) * nl);
    a->floor_p95 = malloc(sizeof(double) * nl);
    if (rv_attr_neighbours(a->nb, &c->bank, q, a->n_kept, k)) gd_die("out of memory");
    rv_attr_summary(a->share, a->nb, qe, a->n_kept, k, &c->bank, c->clip_label, nl);
    if (rv_attr_floor(a->floor_mean, a->floor_p95, a->nb, qe, a->n_kept, k, &c->bank,
                      c->clip_label, c->n_rows, nl, o->n_perm, o->seed))
        gd_die("out of memory");
    free(q); free(qe);
    return 0;
}

static void target_free(attr_target *a) {
    free(a->energy); free(a->kept); free(a->nb);
    free(a->share); free(a->floor_mean); free(a->floor_p95);
}

// Leak mode: one JSON line per input file (see --help).
static int leak_main(rv_model *m, attr_opts *o, const char *pattern, char **ins, int n_in) {
    regex_t re;
    if (regcomp(&re, pattern, REG_EXTENDED | REG_ICASE | REG_NOSUB))
        gd_usage("--leak: '%s' is not a valid extended regular expression", pattern);
    int nf;
    char **files = rv_cli_expand_inputs(ins, n_in, &nf);
    if (!nf) gd_die("%s: no audio files", ins[0]);
    char (*sha)[GD_SHA256_HEX_LEN] = malloc(sizeof *sha * nf);
    for (int i = 0; i < nf; i++)
        if (gd_sha256_file(sha[i], files[i])) gd_die("%s: cannot read", files[i]);
    rv_leak_band band;
    if (rv_leak_band_init(&band)) gd_die("out of memory");
    attr_corpus c;
    corpus_load(&c, m, o, sha, nf, &band, &re);
    if (o->k > c.bank.n) o->k = (int)c.bank.n;
    if (rv_leak_band_finish(&band))
        gd_die("%s: %s train clips match '%s'; the leak needs both kinds", c.meta_path,
               band.n_match ? "all" : "no", pattern);
    unsigned char *match = malloc((size_t)c.n_labels);
    for (int l = 0; l < c.n_labels; l++) match[l] = !regexec(&re, c.labels[l], 0, NULL, 0);
    gd_info("%s: %d train clips, %d of %d labels match '%s'; band: %d of %d bins", o->corpus,
            c.n_rows, (int)(band.n_match), c.n_labels, pattern, band.n_in_band, band.n_bins);
    for (int i = 0; i < nf; i++) {
        long n;
        float *x = rv_cli_read_input(m, files[i], &n);
        attr_target a;
        int silent = attribute_sound(&a, m, &c, o, files[i], x, n);
        double share = 0, chance = 0;
        for (int l = 0; l < c.n_labels && !silent; l++)
            if (match[l]) { share += a.share[l]; chance += a.floor_mean[l]; }
        gd_json j;
        gd_json_init(&j, stdout);
        gd_json_begin_object(&j);
        gd_json_key(&j, "clip"); gd_json_string(&j, gd_path_basename(files[i]));
        gd_json_key(&j, "file"); gd_json_string(&j, files[i]);
        gd_json_key(&j, "leak_share"); gd_json_number(&j, silent ? NAN : share);
        gd_json_key(&j, "leak_chance"); gd_json_number(&j, silent ? NAN : chance);
        gd_json_key(&j, "leak_band_share"); gd_json_number(&j, rv_leak_band_share(&band, x, n));
        gd_json_key(&j, "frames"); gd_json_int(&j, a.F);
        gd_json_key(&j, "kept_frames"); gd_json_int(&j, a.n_kept);
        gd_json_end_object(&j);
        fputc('\n', stdout);
        if (silent) gd_warn("%s: no frame above %.0f dBFS (--floor-db); leak_share null", files[i], o->floor_db);
        target_free(&a);
        free(x); free(files[i]);
    }
    if (fflush(stdout) || ferror(stdout)) gd_die("stdout: write error");
    free(files); free(sha); free(match);
    corpus_free(&c);
    rv_leak_band_free(&band);
    regfree(&re);
    return 0;
}

int rv_cmd_attribute(int argc, char **argv) {
    enum { O_CORPUS = 256, O_COLUMN, O_TRANSFER, O_PERM, O_SEED, O_FLOOR, O_BLOCK, O_JSON, O_LEAK, O_LUMP };
    static const struct option opts[] = {
        {"corpus", required_argument, 0, O_CORPUS}, {"column", required_argument, 0, O_COLUMN},
        {"transfer", no_argument, 0, O_TRANSFER}, {"permutations", required_argument, 0, O_PERM},
        {"seed", required_argument, 0, O_SEED}, {"floor-db", required_argument, 0, O_FLOOR},
        {"block", required_argument, 0, O_BLOCK}, {"json", no_argument, 0, O_JSON},
        {"leak", required_argument, 0, O_LEAK}, {"lump", required_argument, 0, O_LUMP},
        {"output", required_argument, 0, 'o'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    attr_opts o = {.column = "label", .k = 8, .n_perm = 200, .block = 64, .floor_db = -60};
    const char *out = NULL, *leak = NULL;
    int json = 0, transfer = 0, ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "k:o:qh", opts, NULL)) != -1) {
        switch (ch) {
        case O_CORPUS: o.corpus = optarg; break;
        case O_COLUMN: o.column = optarg; break;
        case O_TRANSFER: transfer = 1; break;
        case O_PERM: o.n_perm = (int)gd_opt_int("--permutations", optarg, 1, 100000); break;
        case O_SEED: o.seed = (uint64_t)gd_opt_int("--seed", optarg, 0, 9000000000000000000LL); break;
        case O_FLOOR: o.floor_db = gd_opt_double("--floor-db", optarg, -200, 0); break;
        case O_BLOCK: o.block = (int)gd_opt_int("--block", optarg, 1, 100000); break;
        case O_JSON: json = 1; break;
        case O_LEAK: leak = optarg; break;
        case O_LUMP: o.lump = optarg; break;
        case 'k': o.k = (int)gd_opt_int("-k", optarg, 1, 10000); break;
        case 'o': out = optarg; break;
        case 'q': gd_cli_quiet(); break;
        case 'h': help(); return 0;
        default: gd_usage("attribute: unknown option (see attribute --help)");
        }
    }
    if (!o.corpus) gd_usage("attribute needs --corpus DIR");
    if (leak && (transfer || out || json)) gd_usage("--leak prints JSON lines; it takes no --transfer, -o or --json");
    if (leak ? argc - optind < 2 : argc - optind != 2)
        gd_usage(leak ? "attribute --leak needs MODEL and at least one input" : "attribute needs MODEL and one input file");
    if (o.lump && regcomp(&o.lump_re, o.lump, REG_EXTENDED | REG_ICASE | REG_NOSUB))
        gd_usage("--lump: '%s' is not a valid extended regular expression", o.lump);
    if (o.lump && leak) gd_usage("--lump and --leak do not go together (--leak sums its labels already)");
    o.model = argv[optind];
    o.floor_ms = pow(10, o.floor_db / 10);
    rv_model m;
    if (leak) {
        rv_cli_load_model(&m, o.model);
        int rc = leak_main(&m, &o, leak, argv + optind + 1, argc - optind - 1);
        rv_model_free(&m);
        return rc;
    }
    const char *in_path = argv[optind + 1];
    char in_sha[1][GD_SHA256_HEX_LEN];
    if (gd_sha256_file(in_sha[0], in_path)) gd_die("%s: cannot read", in_path);
    rv_cli_load_model(&m, o.model);
    attr_corpus c;
    corpus_load(&c, &m, &o, in_sha, 1, NULL, NULL);
    if (o.k > c.bank.n) o.k = (int)c.bank.n;

    // Targets: the input and, with --transfer, the model's transfer of it.
    attr_target t[2];
    int n_t = transfer ? 2 : 1, hop = rv_config_hop(&m.cfg);
    long n_in;
    float *x_in = rv_cli_read_input(&m, in_path, &n_in);
    for (int i = 0; i < n_t; i++) {
        float *x = x_in;
        if (i) {
            x = malloc(sizeof(float) * ((n_in + hop - 1) / hop) * hop);
            int rc = rv_infer_transfer(&m, x, x_in, n_in, o.block, o.seed);
            if (rc) rv_cli_infer_failed(o.model, in_path, "transfer", rc);
        }
        int silent = attribute_sound(&t[i], &m, &c, &o, in_path, x, n_in);
        t[i].name = i ? "transfer" : "input";
        if (i) free(x);
        if (silent && i) {   // a near-silent model: nothing it outputs carries timbre
            gd_warn("%s: the model's transfer of it has no frame above %.0f dBFS (--floor-db);"
                    " not attributed", in_path, o.floor_db);
            n_t = 1;
            break;
        }
        if (silent) gd_die("%s: no frame above %.0f dBFS (--floor-db)", in_path, o.floor_db);
    }

    attr_info info = {o.model, o.corpus, o.column, o.k, o.n_perm, c.n_rows, c.n_excluded,
                      c.n_labels, c.bank.n, o.floor_db, o.seed, c.labels};
    if (out) {
        if (gd_mkdir_p(out)) gd_die("%s: cannot create the folder", out);
        double frame_s = (double)hop / m.cfg.sample_rate;
        for (int i = 0; i < n_t; i++) {
            char *p = gd_path_join(out, i ? "frames_transfer.csv" : "frames.csv");
            write_frames(p, &t[i], &c.bank, c.clip_label, c.labels, c.n_labels, o.k, frame_s);
            free(p);
        }
        char *p = gd_path_join(out, json ? "summary.json" : "summary.txt");
        gd_atomic a;
        if (gd_atomic_open(&a, p, "w")) gd_die("%s: cannot write", p);
        if (json) write_json(a.f, &info, t, n_t);
        else write_text(a.f, &info, t, n_t);
        if (gd_atomic_commit(&a)) gd_die("%s: cannot write", p);
        free(p);
    }
    if (json) write_json(stdout, &info, t, n_t);
    else write_text(stdout, &info, t, n_t);

    for (int i = 0; i < n_t; i++) target_free(&t[i]);
    free(x_in);
    corpus_free(&c);
    rv_model_free(&m);
    if (o.lump) regfree(&o.lump_re);
    return 0;
}
