// cmds.h: gendang-train subcommands that have their own file, and the command-line helpers
// they share with main.c (front-end code: these may exit through gd_die/gd_usage).
#ifndef RV_CMDS_H
#define RV_CMDS_H

#include "train/model.h"

// gendang-train attribute MODEL --corpus DIR IN [options]; argv[0] is "attribute".
int rv_cmd_attribute(int argc, char **argv);
// gendang-train export MODEL --to rave -o DIR and import CKPT -o RUN_DIR (train/cmd_rave.c);
// argv[0] is the command.
int rv_cmd_export(int argc, char **argv);
int rv_cmd_import(int argc, char **argv);

// Loads a model for inference; exits (1) when it does not load or holds NaN/Inf weights.
void rv_cli_load_model(rv_model *m, const char *path);
// Mono samples of an audio file at the model's rate (*n of them; caller frees); exits on error.
float *rv_cli_read_input(const rv_model *m, const char *path, long *n);
// The input files: every file of ins, and every audio file (by extension, sorted) directly
// inside the folders of ins. *n_out of them; the caller frees each and the array.
char **rv_cli_expand_inputs(char **ins, int n_in, int *n_out);
// An inference failure: a non-finite output is the model's fault, anything else the input's.
_Noreturn void rv_cli_infer_failed(const char *model, const char *in, const char *cmd, int rc);

#endif
