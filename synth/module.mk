# synth/module.mk: extra rules for the synth stage.
# LAPACK (through LAPACKE/OpenBLAS) for the matrix-pencil mode fitter.
EXTRA_LDLIBS_synth := -llapacke
