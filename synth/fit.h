// fit.h: modal fitting of recorded hits (matrix pencil on band-split, decimated signals).
#ifndef SYN_FIT_H
#define SYN_FIT_H

// The `fit` command (argv[0] = "fit"); exits like a main (0, 1 runtime, 2 usage).
int syn_fit_main(int argc, char **argv);

#endif
