// cmd_stubs.c: commands not written yet say so and fail (temporary; removed as they land).
#include "eval/cmds.h"

#include "core/cli.h"  // defines: gd_die

int eval_cmd_corpus(int argc, char **argv) { (void)argc; (void)argv; gd_die("corpus: not implemented yet"); }
