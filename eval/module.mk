# eval/module.mk: extra build settings for the eval stage (included by the top-level Makefile).
# The metric loops are hot (spectrogram magnitudes, logs, mel projections): let GCC vectorise
# them (-O3) and use the sqrt instruction without errno bookkeeping (nothing reads errno).
# -ffp-contract=off keeps the AVX2 clones of the GD_SIMD kernels (simd.h) bit-identical to
# the baseline ones (no FMA contraction anywhere).
$(BUILD)/eval/%.o: CFLAGS += $(if $(SAN),,-O3) -fno-math-errno -ffp-contract=off
# LAPACKE (dsyevd) for the Frechet distance's symmetric eigenproblems.
EXTRA_LDLIBS_eval := -llapacke -llapack
# The pair-suite profiler (eval/lab/prof_pair.c, a development tool); make bench runs its
# --floor mode (bench/bench_eval.sh).
$(BUILD)/lab/prof_pair: eval/lab/prof_pair.c $(BUILD)/libeval.a $(BUILD)/libgendang.a $$(call flags_check,$$(PROG_CC) $(EXTRA_LDLIBS_eval) $$(LDLIBS))
	@mkdir -p $(dir $@)
	$(PROG_CC) $(PROG_DEPFLAGS) -o $@ $(filter %.c %.a,$^) $(EXTRA_LDLIBS_eval) $(LDLIBS)
	@$(call flags_save,$(PROG_CC) $(EXTRA_LDLIBS_eval) $(LDLIBS))
