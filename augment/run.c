// run.c: `augment run` and `augment replay` (see run.h).
//
// Work items are (input hit, variant k); they run in parallel (OpenMP, dynamic schedule)
// and each derives everything random from its own counter-based stream, so output bytes do
// not depend on OMP_NUM_THREADS or scheduling. Rows are collected per item and written once,
// sorted, by gd_meta_write.
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "augment/augment.h"   // defines: aug_spec_*
#include "augment/run.h"       // defines: aug_run_opts, aug_dither_seed, aug_sources_write
#include "core/audio.h"        // defines: gd_audio_*
#include "core/csv.h"          // defines: gd_csv_*
#include "core/error.h"        // defines: GD_ERR_*
#include "core/fileio.h"       // defines: gd_atomic_*, gd_mkdir_p, gd_path_*
#include "core/log.h"          // defines: gd_error, gd_info
#include "core/metadata.h"     // defines: gd_meta_*
#include "core/outdir.h"       // defines: gd_outdir_*
#include "core/progress.h"     // defines: gd_progress_*
#include "core/rng.h"          // defines: gd_rng_*
#include "core/sha256.h"       // defines: gd_sha256_*

typedef aug_input input;
typedef struct { input *v; int n, cap; } input_list;

static void inputs_free(input_list *l) {
    for (int i = 0; i < l->n; i++) {
        free(l->v[i].path); free(l->v[i].id); free(l->v[i].split);
        free(l->v[i].source_id); free(l->v[i].group); free(l->v[i].label); free(l->v[i].sha256);
    }
    free(l->v);
}

static char *dupstr(const char *s) {
    char *d = malloc(strlen(s) + 1);
    if (d) strcpy(d, s);
    return d;
}

static char *abspath(const char *p) {
    char buf[PATH_MAX];
    return dupstr(realpath(p, buf) ? buf : p);
}

static int add_input(input_list *l, const char *path, const char *id, const char *split,
                     const char *source_id, const char *group, const char *label, const char *sha) {
    if (l->n == l->cap) {
        int nc = l->cap ? 2 * l->cap : 64;
        input *nv = realloc(l->v, nc * sizeof *nv);
        if (!nv) return GD_ERR_NOMEM;
        l->v = nv;
        l->cap = nc;
    }
    input *in = &l->v[l->n++];
    in->path = abspath(path); in->id = dupstr(id); in->split = dupstr(split);
    in->source_id = dupstr(source_id); in->group = dupstr(group); in->label = dupstr(label);
    in->sha256 = dupstr(sha);
    return 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

// Lists audio files under dir/rel recursively, sorted, into l (split from the folder names).
static int scan_dir(input_list *l, const char *root, const char *rel) {
    char *dir = rel[0] ? gd_path_join(root, rel) : dupstr(root);
    DIR *d = opendir(dir);
    if (!d) { gd_error("%s: cannot open folder", dir); free(dir); return GD_ERR_IO; }
    char **names = NULL;
    int n = 0, cap = 0, rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.') continue;
        if (n == cap) { cap = cap ? 2 * cap : 32; names = realloc(names, cap * sizeof *names); }
        names[n++] = dupstr(de->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (int i = 0; i < n && !rc; i++) {
        char *r = rel[0] ? gd_path_join(rel, names[i]) : dupstr(names[i]);
        char *full = gd_path_join(root, r);
        if (gd_is_dir(full)) {
            rc = scan_dir(l, root, r);
        } else if (gd_audio_is_audio_name(names[i])) {
            const char *split = "train";
            for (const char *p = r; *p;) {   // a folder named test/ or valid/ sets the split
                const char *s = strchr(p, '/');
                if (!s) break;
                if (s - p == 4 && !strncmp(p, "test", 4)) split = "test";
                if (s - p == 5 && !strncmp(p, "valid", 5)) split = "valid";
                p = s + 1;
            }
            char stem[512];
            snprintf(stem, sizeof stem, "%s", r);
            char *dot = strrchr(stem, '.');
            if (dot) *dot = 0;
            rc = add_input(l, full, r, split, stem, stem, "", "");
        }
        free(r);
        free(full);
    }
    for (int i = 0; i < n; i++) free(names[i]);
    free(names);
    free(dir);
    return rc;
}

static int list_inputs(input_list *l, const char *in) {
    char *meta = NULL;
    if (gd_is_dir(in)) {
        char *m = gd_path_join(in, "metadata.csv");
        if (gd_path_exists(m)) meta = m;
        else { free(m); return scan_dir(l, in, ""); }
    } else {
        meta = dupstr(in);
    }
    gd_meta *m;
    int rc = gd_meta_read(&m, meta);
    if (!rc) {
        char *base = gd_path_dirname(meta);
        for (int i = 0; i < m->n_rows && !rc; i++) {
            const gd_meta_row *r = &m->rows[i];
            char *p = gd_path_join(base, r->file_name);
            rc = add_input(l, p, r->file_name, r->split, r->source_id, r->group, r->label, r->sha256);
            free(p);
        }
        free(base);
        gd_meta_free(m);
    }
    free(meta);
    return rc;
}

int aug_split_allowed(const char *splits, const char *split) {
    size_t n = strlen(split);
    for (const char *p = splits; *p;) {
        const char *c = strchr(p, ',');
        size_t len = c ? (size_t)(c - p) : strlen(p);
        if (len == n && !strncmp(p, split, n)) return 1;
        if (!c) break;
        p = c + 1;
    }
    return 0;
}

// Reads, applies the resolved ops, writes out_dir/file_name. Fills sha (hex), frames.
static int render(const char *in_path, const char *ops, const char *out_dir, const char *file_name,
                  uint64_t seed, int rate, int channels, int format, char *sha, int64_t *frames,
                  int *rate_out) {
    aug_spec *s = NULL;
    aug_parse_err err;
    int rc = aug_spec_parse(&s, ops, &err);
    if (rc) { gd_error("ops '%s': %s", ops, err.msg); return rc; }
    gd_audio a;
    if ((rc = gd_audio_read(&a, in_path, rate, channels))) { aug_spec_free(s); return rc; }
    rc = aug_spec_apply(&a, s);
    aug_spec_free(s);
    float pk = 0;   // headroom rule (run and replay alike): never let the writer clip
    for (int64_t i = 0; !rc && i < a.n_frames * a.n_channels; i++) pk = fmaxf(pk, fabsf(a.data[i]));
    if (pk > 1.0f)
        for (int64_t i = 0; i < a.n_frames * a.n_channels; i++) a.data[i] *= 0.98f / pk;
    char *path = gd_path_join(out_dir, file_name);
    char *dir = gd_path_dirname(path);
    const char *culprit = in_path;   // the file a failure is reported against
    if (!rc) {
        culprit = dir;
        rc = gd_mkdir_p(dir);
    }
    if (!rc) {
        culprit = path;   // writing and hashing the output
        gd_write_opts w = gd_write_opts_default();
        w.format = (gd_sample_format)format;
        w.dither_seed = aug_dither_seed(file_name, seed);
        int64_t clipped = 0;
        rc = gd_audio_write(path, &a, &w, &clipped);
    }
    if (!rc) rc = gd_sha256_file(sha, path);
    *frames = a.n_frames;
    *rate_out = a.rate;
    if (rc) gd_error("%s: %s", culprit, gd_strerror(rc));
    gd_audio_free(&a);
    free(path);
    free(dir);
    return rc;
}

// ---------------------------------------------------------------------------- resume journal
// OUT/.journal/<key> records "sha256 frames rate" of a finished item, keyed by the sha256 of
// everything that determines its bytes (input checksum, resolved ops, seed, rate, channels,
// format, file name, code version: v2 since the sinc resampler default and the new dither
// stream changed the bytes, v3 since the block-form filters and the lane noise did). A restarted run reuses an item when its journal entry
// exists and the file on disk still has that checksum.

static int journal_key(char *key, const char *in_sha, const char *ops, const aug_run_opts *o,
                       const char *name) {
    char buf[8192];
    int n = snprintf(buf, sizeof buf, "augment-v3|%s|%s|%llu|%d|%d|%d|%s", in_sha, ops,
                     (unsigned long long)o->seed, o->rate, o->channels, o->format, name);
    if (n < 0 || n >= (int)sizeof buf) return GD_ERR_ARG;
    return gd_sha256_hex(key, buf, (size_t)n);
}

static int journal_check(const char *out, const char *key, const char *name, char *sha,
                         int64_t *frames, int *rate) {
    char rel[128], *jp, *data = NULL, *op;
    size_t len;
    snprintf(rel, sizeof rel, ".journal/%s", key);
    jp = gd_path_join(out, rel);
    int ok = 0;
    if (gd_path_exists(jp) && !gd_read_file(jp, &data, &len)) {
        char want[GD_SHA256_HEX_LEN], got[GD_SHA256_HEX_LEN];
        long long fr;
        int rt;
        op = gd_path_join(out, name);
        if (sscanf(data, "%64s %lld %d", want, &fr, &rt) == 3 && gd_path_exists(op) &&
            !gd_sha256_file(got, op) && !strcmp(want, got)) {
            memcpy(sha, got, GD_SHA256_HEX_LEN);
            *frames = fr;
            *rate = rt;
            ok = 1;
        }
        free(op);
    }
    free(data);
    free(jp);
    return ok;
}

static int journal_write(const char *out, const char *key, const char *sha, int64_t frames, int rate) {
    char rel[128];
    snprintf(rel, sizeof rel, ".journal/%s", key);
    char *jp = gd_path_join(out, rel), *dir = gd_path_dirname(jp);
    gd_atomic at;
    int rc = gd_mkdir_p(dir);
    if (!rc) rc = gd_atomic_open(&at, jp, "w");
    if (!rc) {
        fprintf(at.f, "%s %lld %d\n", sha, (long long)frames, rate);
        rc = gd_atomic_commit(&at);
    }
    free(jp);
    free(dir);
    return rc;
}

// Markers of an augment folder, and its files besides the audio that metadata.csv lists.
static const char *const own_files[] = {"metadata.csv", ".journal", "augment_sources.csv", NULL};

// After a whole run: removes every file metadata.csv does not list (earlier runs' items,
// merged shards' tables, temporaries) and the journal entries of items no longer made.
static int prune(const char *out, const gd_meta *m, char (*jkeys)[GD_SHA256_HEX_LEN], int64_t n) {
    int rc = gd_outdir_prune_meta(out, m, own_files);
    const char **keys = malloc(sizeof *keys * (size_t)(n + 1));
    if (!rc && !keys) rc = GD_ERR_NOMEM;
    for (int64_t i = 0; !rc && i < n; i++) keys[i] = jkeys[i];
    char *jdir = gd_path_join(out, ".journal");
    if (!rc && gd_is_dir(jdir)) rc = gd_outdir_prune(jdir, keys, (int)n, NULL);
    free(jdir);
    free(keys);
    return rc;
}

int aug_inputs_read(aug_input **out, int *n, const char *in) {
    input_list l = {0};
    int rc = list_inputs(&l, in);
    if (rc) { inputs_free(&l); return rc; }
    *out = l.v;
    *n = l.n;
    return 0;
}

void aug_inputs_free(aug_input *v, int n) {
    input_list l = {v, n, n};
    inputs_free(&l);
}

int aug_run(const aug_run_opts *o) {
    input_list l = {0};
    int rc = list_inputs(&l, o->in);
    if (!rc && l.n == 0) gd_warn("%s: no audio inputs; writing an empty corpus", o->in);
    const char *splits = o->splits && o->splits[0] ? o->splits : "train";
    for (int i = 0; i < l.n && !rc; i++)
        if (!aug_split_allowed(splits, l.v[i].split)) {
            gd_error("%s: refusing to augment a '%s' source (only %s allowed; pass --split %s,%s "
                     "if you really mean it)", l.v[i].id, l.v[i].split, splits, splits, l.v[i].split);
            rc = GD_ERR_LEAK;
        }
    aug_spec *spec = NULL;
    aug_parse_err perr;
    if (!rc && (rc = aug_spec_parse(&spec, o->ops, &perr)))
        gd_error("ops: %s at character %d", perr.msg, perr.pos + 1);
    // A whole run owns the folder (it prunes it at the end); shards share it and never prune.
    int whole = o->shard_n <= 1;
    if (!rc && whole) rc = gd_outdir_claim(o->out, own_files);
    if (rc) { aug_spec_free(spec); inputs_free(&l); return rc; }
    char **pool = malloc((l.n + 1) * sizeof *pool), **in_sha = calloc(l.n + 1, sizeof *in_sha);
    for (int i = 0; i < l.n; i++) pool[i] = l.v[i].path;
    aug_ctx ctx = {(const char *const *)pool, l.n};
    int64_t n_items = (int64_t)l.n * o->n;
    gd_meta_row *rows = calloc((size_t)n_items + 1, sizeof *rows);
    int *item_rc = calloc((size_t)n_items + 1, sizeof(int));
    char (*jkeys)[GD_SHA256_HEX_LEN] = calloc((size_t)n_items + 1, sizeof *jkeys);
    gd_progress prog;
    gd_progress_init(&prog, "augment", n_items);
    for (int i = 0; i < l.n && !rc; i++) {   // input checksums (once per input)
        in_sha[i] = malloc(GD_SHA256_HEX_LEN);
        rc = gd_sha256_file(in_sha[i], l.v[i].path);
        if (!rc && l.v[i].sha256[0] && strcmp(in_sha[i], l.v[i].sha256)) {
            gd_error("%s: sha256 differs from its metadata row (file changed since it was listed)",
                     l.v[i].path);
            rc = GD_ERR_CHECKSUM;
        }
    }
    int64_t n_reused = 0;
    if (!rc) {
#pragma omp parallel for schedule(dynamic, 1)
        for (int64_t it = 0; it < n_items; it++) {
            if (o->shard_n > 1 && it % o->shard_n != o->shard_k - 1) continue;   // another shard's
            const input *in = &l.v[it / o->n];
            int k = (int)(it % o->n);
            char name[1024], stem[768], *res = NULL, sha[GD_SHA256_HEX_LEN];
            snprintf(name, sizeof name, "%s#%d", in->id, k);
            gd_rng rng;
            gd_rng_init(&rng, o->seed, gd_rng_stream_id("augment", name));
            int r = aug_spec_resolve(&res, spec, &rng, &ctx);
            snprintf(stem, sizeof stem, "%s", in->id);
            char *dot = strrchr(stem, '.');
            if (dot) *dot = 0;
            for (char *p = stem; *p; p++)
                if (*p == '/' || isspace((unsigned char)*p)) *p = '_';
            snprintf(name, sizeof name, "%s/%s_a%03d.wav", in->split, stem, k);
            int64_t frames = 0;
            int rate = 0;
            char jkey[GD_SHA256_HEX_LEN];
            if (!r) r = journal_key(jkey, in_sha[it / o->n], res, o, name);
            if (!r) memcpy(jkeys[it], jkey, sizeof jkey);
            if (!r && journal_check(o->out, jkey, name, sha, &frames, &rate)) {
#pragma omp atomic
                n_reused++;
            } else if (!r) {
                r = render(in->path, res, o->out, name, o->seed, o->rate, o->channels, o->format,
                           sha, &frames, &rate);
                if (!r) r = journal_write(o->out, jkey, sha, frames, rate);
            }
            if (!r) {
                gd_meta_row *row = &rows[it];
                row->file_name = dupstr(name);
                row->split = in->split; row->source_id = in->source_id;
                row->group = in->group; row->label = in->label;
                row->duration_s = rate ? (double)frames / rate : 0;
                row->sample_rate = rate;
                row->sha256 = dupstr(sha);
                row->seed = o->seed;
                row->ops = res;
                res = NULL;
            }
            free(res);
            item_rc[it] = r;
            gd_progress_add(&prog, 1);
        }
        gd_progress_finish(&prog);
        for (int64_t it = 0; it < n_items && !rc; it++) rc = item_rc[it];
        if (n_reused) gd_info("augment: %lld of %lld items reused from an earlier run", (long long)n_reused,
                              (long long)n_items);
    }
    gd_meta *m = NULL;
    const char **src_of = NULL, **sha_of = NULL;
    int *ch_of = NULL, *fmt_of = NULL;
    if (!rc) rc = gd_meta_init(&m);
    for (int64_t it = 0; it < n_items && !rc; it++)
        if (rows[it].file_name) rc = gd_meta_append(m, &rows[it]);
    if (!rc) {   // sources table in gd_meta_write's order (sorted by file_name, stable)
        gd_meta *sorted = m;
        src_of = calloc(m->n_rows + 1, sizeof *src_of);
        sha_of = calloc(m->n_rows + 1, sizeof *sha_of);
        ch_of = calloc(m->n_rows + 1, sizeof *ch_of);
        fmt_of = calloc(m->n_rows + 1, sizeof *fmt_of);
        (void)sorted;
        char mname[96], sname[96];
        if (o->shard_n > 1) {
            snprintf(mname, sizeof mname, "metadata.shard-%d-of-%d.csv", o->shard_k, o->shard_n);
            snprintf(sname, sizeof sname, "augment_sources.shard-%d-of-%d.csv", o->shard_k, o->shard_n);
        } else {
            snprintf(mname, sizeof mname, "metadata.csv");
            snprintf(sname, sizeof sname, "augment_sources.csv");
        }
        char *mp = gd_path_join(o->out, mname);
        rc = gd_mkdir_p(o->out);
        if (!rc) rc = gd_meta_write(m, mp);
        gd_meta *back = NULL;
        if (!rc) rc = gd_meta_read(&back, mp);
        for (int i = 0; !rc && i < back->n_rows; i++) {
            int64_t it = -1;
            for (int64_t j = 0; j < n_items; j++)
                if (rows[j].file_name && !strcmp(rows[j].file_name, back->rows[i].file_name)) { it = j; break; }
            src_of[i] = l.v[it / o->n].path;
            sha_of[i] = in_sha[it / o->n];
            ch_of[i] = o->channels;
            fmt_of[i] = o->format;
        }
        char *sp = gd_path_join(o->out, sname);
        if (!rc) rc = aug_sources_write(sp, back, src_of, sha_of, ch_of, fmt_of);
        if (!rc && whole) rc = prune(o->out, back, jkeys, n_items);
        if (!rc) gd_info("augment: wrote %d files and %s", back->n_rows, mp);
        gd_meta_free(back);
        free(sp);
        free(mp);
    }
    for (int64_t it = 0; it < n_items; it++) {
        free(rows[it].file_name); free(rows[it].sha256); free(rows[it].ops);
    }
    for (int i = 0; i < l.n; i++) free(in_sha[i]);
    free(in_sha); free(src_of); free(sha_of); free(ch_of); free(fmt_of);
    free(rows); free(item_rc); free(pool); free(jkeys);
    gd_meta_free(m);
    aug_spec_free(spec);
    inputs_free(&l);
    return rc;
}

// Copies the file at path to dir/name (atomically). 0 or GD_ERR_*.
static int copy_into(const char *path, const char *dir, const char *name) {
    char *to = gd_path_join(dir, name), *data = NULL;
    size_t len = 0;
    gd_atomic at;
    int rc = gd_read_file(path, &data, &len);
    if (!rc && !(rc = gd_atomic_open(&at, to, "wb"))) {
        fwrite(data, 1, len, at.f);
        rc = gd_atomic_commit(&at);
    }
    free(data);
    free(to);
    return rc;
}

int aug_replay(const char *meta_path, const char *out_dir) {
    gd_meta *m = NULL;
    gd_csv *src = NULL;
    int rc = gd_meta_read(&m, meta_path);
    char *base = gd_path_dirname(meta_path);
    char *sp = gd_path_join(base, "augment_sources.csv");
    if (!rc && (rc = gd_csv_read(&src, sp))) gd_error("%s: replay needs the sources table written by run", sp);
    int c_fn = -1, c_in = -1, c_sha = -1, c_ch = -1, c_fmt = -1;
    if (!rc) {
        c_fn = gd_csv_col(src, "file_name"); c_in = gd_csv_col(src, "input");
        c_sha = gd_csv_col(src, "input_sha256"); c_ch = gd_csv_col(src, "channels");
        c_fmt = gd_csv_col(src, "format");
        if (c_fn < 0 || c_in < 0 || c_sha < 0 || c_ch < 0 || c_fmt < 0) {
            gd_error("%s: missing columns", sp);
            rc = GD_ERR_FORMAT;
        }
    }
    int *row_src = NULL, *item_rc = NULL;
    if (!rc) {
        row_src = malloc((m->n_rows + 1) * sizeof(int));
        item_rc = calloc(m->n_rows + 1, sizeof(int));
        for (int i = 0; i < m->n_rows && !rc; i++) {
            row_src[i] = -1;
            for (int j = 0; j < src->n_rows; j++)
                if (!strcmp(gd_csv_get(src, j, c_fn), m->rows[i].file_name)) { row_src[i] = j; break; }
            if (row_src[i] < 0) {
                gd_error("%s: no source for %s", sp, m->rows[i].file_name);
                rc = GD_ERR_FORMAT;
            }
        }
    }
    if (!rc) {
#pragma omp parallel for schedule(dynamic, 1)
        for (int i = 0; i < m->n_rows; i++) {
            const gd_meta_row *r = &m->rows[i];
            int j = row_src[i];
            const char *in = gd_csv_get(src, j, c_in);
            char sha[GD_SHA256_HEX_LEN];
            if (in[0] == '@') {   // a loop of `augment sequence`: its hits table (seqsrc.c)
                int e = aug_seq_replay_row(base, in, gd_csv_get(src, j, c_sha), r->file_name, r->ops,
                                           r->seed, atoi(gd_csv_get(src, j, c_fmt)), out_dir, sha);
                if (!e && strcmp(sha, r->sha256)) {
                    gd_error("%s: replayed audio differs from the recorded sha256", r->file_name);
                    e = GD_ERR_CHECKSUM;
                }
                item_rc[i] = e;
                continue;
            }
            int e = gd_sha256_file(sha, in);
            if (!e && strcmp(sha, gd_csv_get(src, j, c_sha))) {
                gd_error("%s: checksum differs from the run's input; cannot replay %s", in, r->file_name);
                e = GD_ERR_CHECKSUM;
            }
            int64_t frames;
            int rate;
            if (!e) e = render(in, r->ops, out_dir, r->file_name, r->seed, r->sample_rate,
                               atoi(gd_csv_get(src, j, c_ch)), atoi(gd_csv_get(src, j, c_fmt)),
                               sha, &frames, &rate);
            if (!e && strcmp(sha, r->sha256)) {
                gd_error("%s: replayed audio differs from the recorded sha256", r->file_name);
                e = GD_ERR_CHECKSUM;
            }
            item_rc[i] = e;
        }
        for (int i = 0; i < m->n_rows && !rc; i++) rc = item_rc[i];
    }
    if (!rc) {
        char *mp = gd_path_join(out_dir, "metadata.csv");
        rc = gd_meta_write(m, mp);
        free(mp);
        // the tables beside metadata.csv, so the replayed folder replays too
        if (!rc) rc = copy_into(sp, out_dir, "augment_sources.csv");
        char *hp = gd_path_join(base, "sequence_hits.csv");
        if (!rc && gd_path_exists(hp)) rc = copy_into(hp, out_dir, "sequence_hits.csv");
        free(hp);
    }
    free(row_src); free(item_rc); free(sp); free(base);
    gd_csv_free(src);
    gd_meta_free(m);
    return rc;
}
