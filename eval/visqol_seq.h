// visqol_seq.h: ViSQOL for one-shots, which are shorter than the 0.96 s one ViSQOL patch
// needs: the clips' references are joined into one signal, each followed by gap_s of silence,
// and their estimates into another with the same layout (estimate i starts where reference i
// does; cut or zero-padded to reference i's length plus the gap), both mono at 48 kHz
// (libsamplerate's best sinc). ViSQOL then scores the two sequences as one pair
// (docs/eval-metrics.md §2.7). Same clips in the same order on both sides, so the score of
// two runs is comparable only over the same clip list.
#ifndef EV_VISQOL_SEQ_H
#define EV_VISQOL_SEQ_H

#include <stdio.h>

#include "core/json.h"
#include "eval/pairs.h"    // ev_item
#include "eval/visqol.h"

#define EV_VISQOL_GAP_S 0.25   // default silence after each clip

typedef struct {
    ev_visqol_result r;   // the sequence's score (mos NAN with r.why when undefined)
    int    n_clips;
    double gap_s, duration_s;
} ev_visqol_sequence_result;

// Joins items[0..n) (their ref and est files) and scores them. Returns 0, or a GD_ERR_* when
// a file cannot be read (*bad = its item's index; the error is logged with the path) or
// memory runs out (*bad = -1).
int ev_visqol_sequence(ev_visqol_sequence_result *out, const ev_item *items, int n,
                       double gap_s, int *bad);

// The result as a JSON object value: visqol_mos (null and null_reason when undefined), vnsim,
// n_clips, n_patches, gap_s, duration_s.
void ev_visqol_sequence_json(gd_json *j, const ev_visqol_sequence_result *s);
// One human-readable line.
void ev_visqol_sequence_text(FILE *f, const ev_visqol_sequence_result *s);

#endif
