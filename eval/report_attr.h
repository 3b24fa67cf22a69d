// report_attr.h: the report's attribution section (eval report --attribution DIR), from the
// folder `gendang-train attribute -o DIR` writes: DIR/frames.csv (and frames_transfer.csv)
// give a timeline image, DIR/summary.txt the table shown under it. Only the files are read;
// eval links no model code.
// Ownership: an ev_attr owns its CSVs and text; ev_attr_free releases them.
#ifndef EV_REPORT_ATTR_H
#define EV_REPORT_ATTR_H

#include <stddef.h>
#include <stdio.h>

#include "core/csv.h"

typedef struct {
    gd_csv *frames[2];   // input, transfer (NULL when absent)
    int     n_labels;    // label columns after time_s,energy_db,kept,top (same in both)
    char   *summary;     // summary.txt text, or NULL
} ev_attr;

// Reads DIR; err (one line naming the file) on a missing frames.csv or a bad header.
int  ev_attr_read(ev_attr *a, const char *dir, char *err, size_t n_err);
void ev_attr_free(ev_attr *a);
// PNG timeline, 720 px wide: one 36 px strip per target, time left to right; a column takes
// the colour (ev_plot_color) of the label with the largest share over its frames, weighted by
// frame energy, faded toward white by its loudness (60 dB below the loudest frame is white);
// columns without a frame above the floor are light grey.
int  ev_attr_plot(const ev_attr *a, const char *png);
// The image img (a path relative to the page), legend and summary in HTML or Markdown; with
// section, under an "Attribution" heading, else (under a transfer example) the summary folded.
void ev_attr_html(FILE *f, const ev_attr *a, const char *img, int section);
void ev_attr_md(FILE *f, const ev_attr *a, const char *img, int section);

#endif
