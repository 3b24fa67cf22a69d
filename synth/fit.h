// fit.h: the `fit` command: modal fit of recorded hits into a preset (see modal_fit.h).
#ifndef SYN_FIT_H
#define SYN_FIT_H

#include "synth/preset.h"

// Loads a preset by name or path, or exits (1) naming the presets available.
typedef syn_preset *(*syn_preset_loader)(const char *name);

// The `fit` command (argv[0] = "fit"); returns an exit status (0, 1 runtime, 2 usage) or exits.
int syn_fit_main(int argc, char **argv, syn_preset_loader load);

#endif
