// fit.c: placeholder replaced below.
#include "synth/fit.h"
#include "core/cli.h"
int syn_fit_main(int argc, char **argv) { (void)argc; (void)argv; gd_die("fit: not built yet"); }
