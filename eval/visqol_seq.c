// visqol_seq.c: ViSQOL over a sequence of one-shots (visqol_seq.h).
#include "eval/visqol_seq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/audio.h"   // defines: gd_audio_read
#include "core/error.h"
#include "eval/eval.h"    // defines: ev_downmix

// Mono mix of path at 48 kHz (malloc'd) and its length, or NULL (the read error is logged).
static float *read_mono48k(const char *path, int64_t *n, int *rc) {
    gd_audio a = {0};
    if ((*rc = gd_audio_read(&a, path, EV_VISQOL_RATE, 0))) return NULL;
    float *m = ev_downmix(&a);
    *n = a.n_frames;
    gd_audio_free(&a);
    if (!m) *rc = GD_ERR_NOMEM;
    return m;
}

int ev_visqol_sequence(ev_visqol_sequence_result *out, const ev_item *items, int n,
                       double gap_s, int *bad) {
    memset(out, 0, sizeof *out);
    out->r.mos = NAN;
    out->r.why = "no clips";
    out->gap_s = gap_s;
    *bad = -1;
    int64_t gap = (int64_t)llround(gap_s * EV_VISQOL_RATE), len = 0, cap = 0;
    double *ref = NULL, *est = NULL;
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        int64_t nr, ne;
        float *r = read_mono48k(items[i].ref, &nr, &rc), *e = r ? read_mono48k(items[i].est, &ne, &rc) : NULL;
        if (!r || !e) { free(r); free(e); *bad = i; break; }
        int64_t slot = nr + gap;
        if (len + slot > cap) {
            int64_t nc = (len + slot) * 2;
            double *a = realloc(ref, sizeof(double) * nc), *b = a ? realloc(est, sizeof(double) * nc) : NULL;
            if (a) ref = a;
            if (b) est = b;
            if (!a || !b) { free(r); free(e); rc = GD_ERR_NOMEM; break; }
            cap = nc;
        }
        for (int64_t k = 0; k < slot; k++) {
            ref[len + k] = k < nr ? r[k] : 0.0;
            est[len + k] = k < ne ? e[k] : 0.0;
        }
        len += slot;
        free(r); free(e);
    }
    if (!rc && n > 0) {
        out->n_clips = n;
        out->duration_s = (double)len / EV_VISQOL_RATE;
        rc = ev_visqol_48k(&out->r, ref, len, est, len);
    }
    free(ref); free(est);
    return rc;
}

void ev_visqol_sequence_json(gd_json *j, const ev_visqol_sequence_result *s) {
    gd_json_begin_object(j);
    gd_json_key(j, "visqol_mos");
    if (s->r.why) gd_json_null(j); else gd_json_number(j, s->r.mos);
    if (s->r.why) { gd_json_key(j, "null_reason"); gd_json_string(j, s->r.why); }
    gd_json_key(j, "vnsim");
    if (s->r.why) gd_json_null(j); else gd_json_number(j, s->r.vnsim);
    gd_json_key(j, "n_clips"); gd_json_int(j, s->n_clips);
    gd_json_key(j, "n_patches"); gd_json_int(j, s->r.n_patches);
    gd_json_key(j, "gap_s"); gd_json_number(j, s->gap_s);
    gd_json_key(j, "duration_s"); gd_json_number(j, s->duration_s);
    gd_json_end_object(j);
}

void ev_visqol_sequence_text(FILE *f, const ev_visqol_sequence_result *s) {
    if (s->r.why) fprintf(f, "visqol_mos (sequence of %d clips): null (%s)\n", s->n_clips, s->r.why);
    else fprintf(f, "visqol_mos (sequence of %d clips, %.1f s, gaps %.2f s): %.4f\n", s->n_clips,
                 s->duration_s, s->gap_s, s->r.mos);
}
