// cli_model.c: model loading and audio input shared by the gendang-train commands.
#include "train/cmds.h"

#include "core/audio.h"       // defines: gd_audio_read, gd_audio_info_read
#include "core/cli.h"         // defines: gd_die
#include "core/error.h"       // defines: gd_strerror
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
