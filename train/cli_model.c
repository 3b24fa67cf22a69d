// cli_model.c: model loading and audio input shared by the gendang-train commands.
#include "train/cmds.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "core/audio.h"       // defines: gd_audio_read, gd_audio_info_read
#include "core/cli.h"         // defines: gd_die
#include "core/error.h"       // defines: gd_strerror
#include "core/fileio.h"      // defines: gd_is_dir, gd_path_join
#include "core/log.h"         // defines: gd_info
#include "train/checkpoint.h" // defines: rv_ckpt_load
#include "train/infer.h"      // defines: rv_infer_nonfinite_tensor

// A model saved from a diverged run would only decode to NaN, so it is refused here, before
// anything is written.
void rv_cli_load_model(rv_model *m, const char *path) {
    int rc = rv_ckpt_load(path, m, NULL, NULL, 0);
    if (rc) { rv_model_free(m); gd_die("%s: cannot load model (%s)", path, gd_strerror(rc)); }
    const char *bad = rv_infer_nonfinite_tensor(m);
    if (bad) gd_die("%s: unusable model: tensor %s holds NaN or Inf", path, bad);
}

_Noreturn void rv_cli_infer_failed(const char *model, const char *in, const char *cmd, int rc) {
    if (rc == GD_ERR_NUMERIC)
        gd_die("%s: the model's %s output for %s is not finite (NaN or Inf); nothing written",
               model, cmd, in);
    gd_die("%s: %s failed (%s)", in, cmd, gd_strerror(rc));
}

float *rv_cli_read_input(const rv_model *m, const char *path, long *n) {
    gd_audio_info info;
    if (gd_audio_info_read(path, &info)) gd_die("%s: cannot read audio", path);
    if (info.rate != m->cfg.sample_rate)
        gd_info("%s: %d Hz resampled to the model's %d Hz", path, info.rate, m->cfg.sample_rate);
    gd_audio a;
    int rc = gd_audio_read(&a, path, m->cfg.sample_rate, 1);
    if (rc) gd_die("%s: cannot decode (%s)", path, gd_strerror(rc));
    *n = a.n_frames;
    return a.data;
}

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

char **rv_cli_expand_inputs(char **ins, int n_in, int *n_out) {
    char **files = NULL;
    int nf = 0;
    for (int i = 0; i < n_in; i++) {
        int first = nf;
        if (gd_is_dir(ins[i])) {
            DIR *d = opendir(ins[i]);
            if (!d) gd_die("%s: cannot open folder", ins[i]);
            for (struct dirent *e; (e = readdir(d));) {
                if (e->d_name[0] == '.' || !gd_audio_is_audio_name(e->d_name)) continue;
                char *p = gd_path_join(ins[i], e->d_name);
                if (gd_is_dir(p)) { free(p); continue; }
                files = realloc(files, sizeof(char *) * (nf + 1));
                files[nf++] = p;
            }
            closedir(d);
            qsort(files + first, nf - first, sizeof(char *), by_name);
        } else {
            files = realloc(files, sizeof(char *) * (nf + 1));
            files[nf++] = strdup(ins[i]);
        }
    }
    *n_out = nf;
    return files;
}
