// run_dir.h: the files of a training run folder (`gendang-train fit -o RUN`):
//   model.safetensors        the finished model (with its Adam state), written only when a run
//                            reaches its --steps
//   ckpt_<step>.safetensors  checkpoints on the way: every ckpt_every steps (the newest
//                            RV_RUN_KEEP at or below the current step are kept) and at the
//                            phase-1/phase-2 boundary (kept for good); the periodic ones are
//                            removed when the run finishes
//   log.csv, config.yaml
// Every file is written to a temporary name in the folder and renamed (core/fileio.h), so a
// killed run leaves whole files only (and a temporary one, removed by the next run).
#ifndef RV_RUN_DIR_H
#define RV_RUN_DIR_H

#define RV_RUN_KEEP 2
#define RV_RUN_MODEL "model.safetensors"

typedef struct {
    char *path;   // owned
    long  step;   // from the name (ckpt_<step>) or the header (model.safetensors); -1: unreadable
} rv_run_ckpt;

// The checkpoints in dir, newest (highest step) first, model.safetensors before a ckpt_ of the
// same step and last when its header is unreadable. *out: malloc'd (rv_run_ckpts_free).
int  rv_run_ckpts(const char *dir, rv_run_ckpt **out, int *n);
void rv_run_ckpts_free(rv_run_ckpt *c, int n);
// "dir/ckpt_<step>.safetensors" (malloc'd).
char *rv_run_ckpt_path(const char *dir, long step);
// Removes the ckpt_<step> files of steps <= done but the newest keep of them and keep_step
// (-1: none). Later steps (another run's) are left alone.
void rv_run_prune(const char *dir, long done, int keep, long keep_step);
// Removes model.safetensors and every ckpt_<step> file (a fresh start); returns how many.
int  rv_run_clear(const char *dir);
// Removes the temporary files (NAME.tmp.<pid>.<n>) of the run's files whose writing process
// is gone (a killed run's half-written checkpoint); returns how many.
int  rv_run_remove_stale_tmp(const char *dir);
// Rewrites the log at path (atomically) as header plus, in order, each row that is a whole
// line with the header's number of fields and a step below keep and above the rows kept
// before it. So rows a killed run logged past its last checkpoint, repeated rows and torn
// lines go. No file: writes the header.
int  rv_run_trim_log(const char *path, const char *header, long keep);

#endif
