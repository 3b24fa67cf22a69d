// bench.h: `gendang-train bench`: training-step throughput on synthetic input (no corpus), with
// the time split between ops (prof.h). Prints to stdout: one "steps_per_s ..." line, then one
// "op NAME SECONDS FRACTION" line per op.
#ifndef RV_BENCH_H
#define RV_BENCH_H

#include "train/config.h"

int rv_bench(const rv_config *cfg, int batch, int steps);

#endif
