// seqsrc.c: what `augment replay` needs to regenerate a row: the dither seed formula and the
// sources table augment_sources.csv (for every command), and the loops of `augment sequence`.
//
// The sequence command writes OUT/sequence_hits.csv, the hits in the order they were given to
// the renderer: columns index, input (absolute path), input_sha256, instrument (index into
// the sorted instrument names), rate (the rate all hits were read at). Every loop row of
// OUT/augment_sources.csv names "@sequence_hits.csv" as its input with that table's sha256,
// channels 1 and the format. Replay reads the table, checks every hit's checksum, reads the
// hits mono at the recorded rate and renders the row's ops (the resolved record, see
// sequence.h) with the dither seed of the sequence command.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "augment/run.h"        // defines: aug_seq_hits_write, aug_seq_replay_row, aug_sources_write
#include "augment/sequence.h"   // defines: aug_sequence_render
#include "core/audio.h"         // defines: gd_audio_*
#include "core/csv.h"           // defines: gd_csv_*
#include "core/error.h"         // defines: GD_ERR_*
#include "core/fileio.h"        // defines: gd_atomic_*, gd_path_*
#include "core/log.h"           // defines: gd_error
#include "core/rng.h"           // defines: gd_rng_stream_id
#include "core/sha256.h"        // defines: gd_sha256_file

int aug_seq_hits_write(const char *out_dir, char *const *paths, char *const *shas,
                       const int *instrument, int n, int rate, char *sha) {
    char *p = gd_path_join(out_dir, "sequence_hits.csv");
    gd_atomic at;
    int rc = gd_atomic_open(&at, p, "w");
    if (!rc) {
        const char *hdr[] = {"index", "input", "input_sha256", "instrument", "rate"};
        gd_csv_write_row(at.f, hdr, 5);
        for (int i = 0; i < n; i++) {
            char idx[16], ins[16], rt[16];
            snprintf(idx, sizeof idx, "%d", i);
            snprintf(ins, sizeof ins, "%d", instrument[i]);
            snprintf(rt, sizeof rt, "%d", rate);
            const char *row[] = {idx, paths[i], shas[i], ins, rt};
            gd_csv_write_row(at.f, row, 5);
        }
        rc = gd_atomic_commit(&at);
    }
    if (!rc) rc = gd_sha256_file(sha, p);
    if (rc) gd_error("%s: cannot write", p);
    free(p);
    return rc;
}

int aug_seq_replay_row(const char *meta_dir, const char *list_ref, const char *list_sha,
                       const char *file_name, const char *ops, uint64_t seed, int format,
                       const char *out_dir, char *sha) {
    char *lp = gd_path_join(meta_dir, list_ref + (list_ref[0] == '@'));
    gd_csv *t = NULL;
    char got[GD_SHA256_HEX_LEN];
    int rc = gd_sha256_file(got, lp);
    if (!rc && strcmp(got, list_sha)) {
        gd_error("%s: checksum differs from the sequence run's; cannot replay %s", lp, file_name);
        rc = GD_ERR_CHECKSUM;
    }
    if (!rc && (rc = gd_csv_read(&t, lp))) gd_error("%s: cannot read", lp);
    int c_in = -1, c_sha = -1, c_ins = -1, c_rate = -1;
    if (!rc) {
        c_in = gd_csv_col(t, "input"); c_sha = gd_csv_col(t, "input_sha256");
        c_ins = gd_csv_col(t, "instrument"); c_rate = gd_csv_col(t, "rate");
        if (c_in < 0 || c_sha < 0 || c_ins < 0 || c_rate < 0 || t->n_rows == 0) {
            gd_error("%s: missing columns or rows", lp);
            rc = GD_ERR_FORMAT;
        }
    }
    int n = rc ? 0 : t->n_rows, n_inst = 0, rate = rc ? 0 : atoi(gd_csv_get(t, 0, c_rate));
    gd_audio *aud = calloc((size_t)(n ? n : 1), sizeof *aud);
    aug_seq_hit *hits = calloc((size_t)(n ? n : 1), sizeof *hits);
    if (!aud || !hits) rc = GD_ERR_NOMEM;
    for (int i = 0; i < n && !rc; i++) {
        const char *in = gd_csv_get(t, i, c_in);
        if ((rc = gd_sha256_file(got, in))) { gd_error("%s: cannot read", in); break; }
        if (strcmp(got, gd_csv_get(t, i, c_sha))) {
            gd_error("%s: checksum differs from the sequence run's input; cannot replay %s", in, file_name);
            rc = GD_ERR_CHECKSUM;
            break;
        }
        if ((rc = gd_audio_read(&aud[i], in, rate, 1))) break;
        hits[i] = (aug_seq_hit){aud[i].data, aud[i].n_frames, atoi(gd_csv_get(t, i, c_ins))};
        if (hits[i].instrument < 0 || hits[i].instrument >= n) { rc = GD_ERR_FORMAT; break; }
        if (hits[i].instrument + 1 > n_inst) n_inst = hits[i].instrument + 1;
    }
    float *y = NULL;
    int64_t ny = 0;
    if (!rc) rc = aug_sequence_render(&y, &ny, ops, hits, n, n_inst, rate);
    char *path = gd_path_join(out_dir, file_name), *dir = gd_path_dirname(path);
    if (!rc) rc = gd_mkdir_p(dir);
    if (!rc) {
        gd_audio a = {y, 1, ny, rate};
        gd_write_opts w = gd_write_opts_default();
        w.format = (gd_sample_format)format;
        w.dither_seed = aug_dither_seed(file_name, seed);
        rc = gd_audio_write(path, &a, &w, NULL);
    }
    if (!rc) rc = gd_sha256_file(sha, path);
    for (int i = 0; i < n; i++) gd_audio_free(&aud[i]);
    free(aud); free(hits); free(y); free(path); free(dir); free(lp);
    gd_csv_free(t);
    return rc;
}

uint64_t aug_dither_seed(const char *file_name, uint64_t seed) {
    return gd_rng_stream_id("dither", file_name) ^ seed;
}

int aug_sources_write(const char *path, const gd_meta *m, const char *const *inputs,
                      const char *const *input_sha, const int *channels, const int *formats) {
    gd_atomic at;
    int rc = gd_atomic_open(&at, path, "w");
    if (rc) return rc;
    const char *hdr[] = {"file_name", "input", "input_sha256", "channels", "format"};
    gd_csv_write_row(at.f, hdr, 5);
    for (int i = 0; i < m->n_rows; i++) {
        char ch[16], fmt[16];
        snprintf(ch, sizeof ch, "%d", channels[i]);
        snprintf(fmt, sizeof fmt, "%d", formats[i]);
        const char *row[] = {m->rows[i].file_name, inputs[i], input_sha[i], ch, fmt};
        gd_csv_write_row(at.f, row, 5);
    }
    return gd_atomic_commit(&at);
}
