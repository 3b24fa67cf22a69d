# augment/module.mk: extra build settings for the augment stage (included by the top-level Makefile).
# The effect loops are hot (phase vocoder bins, resampler dot products, filters, convolution):
# let GCC vectorise them (-O3) and use the sqrt instruction without errno bookkeeping (nothing
# reads errno) and if-convert selects around divisions (no FP traps are used; values are
# unchanged). No -ffast-math: results must not depend on reassociation the compiler picks.
$(BUILD)/augment/%.o: CFLAGS += $(if $(SAN),,-O3) -fno-math-errno -fno-trapping-math
