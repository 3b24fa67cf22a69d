// render.c: renders N strokes of a preset in parallel and writes audio + metadata.csv.
#include "synth/render.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "core/audio.h"     // defines: gd_audio, gd_audio_write
#include "core/error.h"     // defines: GD_ERR_*
#include "core/fileio.h"    // defines: gd_mkdir_p, gd_path_join, gd_path_exists
#include "core/log.h"       // defines: gd_error
#include "core/metadata.h"  // defines: gd_meta
#include "core/outdir.h"    // defines: gd_outdir_*, gd_corpus_files
#include "core/progress.h"  // defines: gd_progress
#include "core/rng.h"       // defines: gd_rng
#include "core/sha256.h"    // defines: gd_sha256_file

typedef struct {
    char  file_name[256];
    char  label[160];
    char  sha[GD_SHA256_HEX_LEN];
    char  ops[1024];
    double duration_s;
    int   err;
} item_out;

static void render_item(const syn_preset *p, const syn_render_opts *o, const syn_zeros *z,
                        syn_voice *v, float *buf, int64_t cap, int i, item_out *r) {
    char id[128];
    snprintf(id, sizeof id, "%s#%d", p->name, i);
    gd_rng rng;
    gd_rng_init(&rng, o->seed, gd_rng_stream_id("synth", id));
    syn_stroke s;
    int si;
    syn_preset_draw(p, &rng, &s, &si, r->ops, sizeof r->ops);
    if (o->rate) s.rate = o->rate;
    int64_t n = (int64_t)(s.duration_s * s.rate + 0.5);
    if (n > cap) n = cap;
    r->err = syn_render(buf, n, &s, z, v, o->seed, gd_rng_stream_id("synth-render", id));
    if (r->err) { gd_error("%s: render failed: %s", id, gd_strerror(r->err)); return; }
    snprintf(r->file_name, sizeof r->file_name, "%s/%s_%05d_%s.wav", o->split, p->name, i,
             p->strokes[si].name);
    for (char *c = r->file_name; *c; c++) if (*c == ' ') *c = '_';
    snprintf(r->label, sizeof r->label, "%s/%s", p->name, p->strokes[si].name);
    r->duration_s = (double)n / s.rate;
    char *path = gd_path_join(o->out_dir, r->file_name);
    gd_audio a = {buf, 1, n, s.rate};
    gd_write_opts wo = gd_write_opts_default();
    wo.dither_seed = o->seed ^ gd_rng_stream_id("synth-dither", id);
    r->err = path ? gd_audio_write(path, &a, &wo, NULL) : GD_ERR_NOMEM;
    if (!r->err) r->err = gd_sha256_file(r->sha, path);
    free(path);
}

static void drop_row(gd_meta *m, int at) {
    gd_meta_row *old = &m->rows[at];
    free(old->file_name); free(old->split); free(old->source_id); free(old->group);
    free(old->label); free(old->sha256); free(old->ops);
    m->n_rows--;
    memmove(old, old + 1, sizeof *old * (size_t)(m->n_rows - at));
}

int syn_render_corpus(const syn_preset *p, const syn_render_opts *o) {
    int rate = o->rate ? o->rate : p->rate;
    int64_t cap = (int64_t)(p->duration_s * rate + 1);
    if (o->own && gd_outdir_claim(o->out_dir, gd_corpus_files)) return GD_ERR_ARG;
    char *sub = gd_path_join(o->out_dir, o->split);
    int err = sub && gd_mkdir_p(sub) == 0 ? 0 : GD_ERR_IO;
    if (err) gd_error("%s: cannot create folder", sub ? sub : o->out_dir);
    free(sub);
    if (err) return err;
    syn_zeros z;
    if (syn_zeros_init(&z, 80)) return GD_ERR_NOMEM;
    item_out *res = calloc((size_t)o->n, sizeof *res);
    if (!res) { syn_zeros_free(&z); return GD_ERR_NOMEM; }
    gd_progress prog;
    gd_progress_init(&prog, "synth", o->n);
    #pragma omp parallel
    {
        syn_voice *v = NULL;
        float *buf = malloc(sizeof(float) * (size_t)cap);
        int ok = buf && syn_voice_init(&v, p->n_modes > 0 ? p->n_modes : 8, cap) == 0;
        #pragma omp for schedule(dynamic, 1)
        for (int i = 0; i < o->n; i++) {
            if (ok) render_item(p, o, &z, v, buf, cap, o->first + i, &res[i]);
            else res[i].err = GD_ERR_NOMEM;
            gd_progress_add(&prog, 1);
        }
        syn_voice_free(v);
        free(buf);
    }
    gd_progress_finish(&prog);
    syn_zeros_free(&z);
    for (int i = 0; i < o->n && !err; i++) err = res[i].err;
    // metadata: merge with an existing metadata.csv
    char *mpath = gd_path_join(o->out_dir, "metadata.csv");
    // shards merge one at a time: an flock on the output folder itself (no lock file left)
    int lock = open(o->out_dir, O_RDONLY | O_DIRECTORY);
    if (lock >= 0) flock(lock, LOCK_EX);
    gd_meta *m = NULL;
    if (!err) err = gd_path_exists(mpath) ? gd_meta_read(&m, mpath) : gd_meta_init(&m);
    char src[96];
    snprintf(src, sizeof src, "synth:%s", p->name);
    for (int i = 0; o->own && !err && i < m->n_rows; i++)   // the preset's rows of an earlier run
        if (!strcmp(m->rows[i].source_id, src) && !strcmp(m->rows[i].split, o->split))
            drop_row(m, i--);
    for (int i = 0; i < o->n && !err; i++) {
        gd_meta_row row = {res[i].file_name, (char *)o->split, src, src, res[i].label,
                           res[i].duration_s, rate, res[i].sha, o->seed, res[i].ops};
        int at = gd_meta_find(m, res[i].file_name);
        if (at >= 0) drop_row(m, at);   // replace a row from an earlier run of the same item
        err = gd_meta_append(m, &row);
    }
    if (!err) err = gd_meta_write(m, mpath);
    if (!err && o->own) err = gd_outdir_prune_meta(o->out_dir, m, gd_corpus_files);
    if (err) gd_error("%s: not written: %s", mpath, gd_strerror(err));
    gd_meta_free(m);
    if (lock >= 0) { flock(lock, LOCK_UN); close(lock); }
    free(mpath);
    free(res);
    return err;
}
