// cmds.h: the gendang-eval subcommands (command-line front ends; they may exit through
// gd_die/gd_usage like main.c) and helpers they share.
#ifndef EV_CMDS_H
#define EV_CMDS_H

#include <stdio.h>

#include "eval/eval.h"
#include "eval/pairs.h"

int ev_cmd_pair(int argc, char **argv);
int ev_cmd_compare(int argc, char **argv);
int ev_cmd_report(int argc, char **argv);
int ev_cmd_corpus(int argc, char **argv);
int ev_cmd_nearest(int argc, char **argv);

// Evaluates every item (OpenMP over items). Returns -1 when all succeeded, else the index of
// the first item that failed (its error was logged with the path).
int ev_run_items(ev_pair_result *res, const ev_item *items, int n, const ev_pair_opts *o);

// Writes the per-metric summary as a JSON object value (keys: metric names).
void ev_write_summary_json(gd_json *j, const ev_pair_result *res, int n);
// Writes a human-readable summary table (metric, n, mean, median, sd, min, max).
void ev_write_summary_text(FILE *f, const ev_pair_result *res, int n);

#endif
