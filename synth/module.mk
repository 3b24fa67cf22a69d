# synth/module.mk: extra rules for the synth stage.
# LAPACK (through LAPACKE/OpenBLAS) for the matrix-pencil mode fitter.
EXTRA_LDLIBS_synth := -llapacke
# Keep the archive and objects (they are intermediates of pattern rules and would be deleted).
.SECONDARY: $(BUILD)/libsynth.a $(call objs_of,synth)
