# eval/module.mk: extra build settings for the eval stage (included by the top-level Makefile).
# The metric loops are hot (spectrogram magnitudes, logs, mel projections): let GCC vectorise
# them (-O3) and use the sqrt instruction without errno bookkeeping (nothing reads errno).
# -ffp-contract=off keeps the AVX2 clones of the GD_SIMD kernels (simd.h) bit-identical to
# the baseline ones (no FMA contraction anywhere).
$(BUILD)/eval/%.o: CFLAGS += $(if $(SAN),,-O3) -fno-math-errno -ffp-contract=off
# LAPACKE (dsyevd) for the Frechet distance's symmetric eigenproblems. The aisfx embedding
# reads its weights with the trainer's safetensors reader (train/safetensors.c, which needs
# only core), archived on its own; it follows libgendang.a on every eval link line, so
# libgendang is named again after it.
EV_ST_LIB := $(BUILD)/eval_st/libst.a
$(EV_ST_LIB): $(BUILD)/train/safetensors.o $$(call flags_check,$(AR) $(BUILD)/train/safetensors.o)
	@mkdir -p $(dir $@)
	rm -f $@; $(AR) rcs $@ $(BUILD)/train/safetensors.o
	@$(call flags_save,$(AR) $(BUILD)/train/safetensors.o)
$(BIN)/gendang-eval $(BUILD)/lab/prof_pair $(filter $(BUILD)/tests/eval/%,$(TEST_BINS)): $(EV_ST_LIB)
EXTRA_LDLIBS_eval := $(BUILD)/libgendang.a -llapacke -llapack
# The pair-suite profiler (eval/lab/prof_pair.c, a development tool); make bench runs its
# --floor mode (bench/bench_eval.sh).
$(BUILD)/lab/prof_pair: eval/lab/prof_pair.c $(BUILD)/libeval.a $(BUILD)/libgendang.a $$(call flags_check,$$(PROG_CC) $(EXTRA_LDLIBS_eval) $$(LDLIBS))
	@mkdir -p $(dir $@)
	$(PROG_CC) $(PROG_DEPFLAGS) -o $@ $(filter %.c %.a,$^) $(EXTRA_LDLIBS_eval) $(LDLIBS)
	@$(call flags_save,$(PROG_CC) $(EXTRA_LDLIBS_eval) $(LDLIBS))
# The aiSFX embeddings as CSV (eval/lab/aisfx_dump.c, a development tool): the input of
# scripts/aisfx_ref.py --compare.
$(BUILD)/lab/aisfx_dump: eval/lab/aisfx_dump.c $(BUILD)/libeval.a $(BUILD)/libgendang.a $(EV_ST_LIB) $$(call flags_check,$$(PROG_CC) $(EXTRA_LDLIBS_eval) $$(LDLIBS))
	@mkdir -p $(dir $@)
	$(PROG_CC) $(PROG_DEPFLAGS) -o $@ $(filter %.c %.a,$^) $(EXTRA_LDLIBS_eval) $(LDLIBS)
	@$(call flags_save,$(PROG_CC) $(EXTRA_LDLIBS_eval) $(LDLIBS))

# The aisfx embedding's weights (eval/aisfx.h, eval/NOTICE-aisfx.md): `make deps` fetches the
# aisfx 0.1.2 wheel from PyPI with pip (the only step that needs the network), checks its
# sha256, and converts its checkpoint.pth to safetensors without torch
# (scripts/aisfx_weights.py); the result must have the sha256 eval/aisfx.h expects. Without
# the network this warns and goes on: everything builds, and `corpus --embed aisfx` and
# tests/eval/test_aisfx say the weights are missing.
AISFX_DIR     := .deps/models
AISFX_WHEEL   := $(AISFX_DIR)/aisfx-0.1.2-py2.py3-none-any.whl
AISFX_WEIGHTS := $(AISFX_DIR)/aisfx-0.1.2.safetensors
AISFX_WHEEL_SHA256 := bfe219950715af179e9a1653e7117cc1852baef267cd6596c42cad74afe1d194
DEPS_DATA += aisfx-weights
.PHONY: aisfx-weights
aisfx-weights:
	@set -e; sum() { sha256sum "$$1" 2>/dev/null | cut -d' ' -f1; }; \
	want=$$(sed -n 's/^#define EV_AISFX_WEIGHTS_SHA256 "\(.*\)"/\1/p' eval/aisfx.h); \
	if [ "$$(sum $(AISFX_WEIGHTS))" = "$$want" ]; then exit 0; fi; \
	mkdir -p $(AISFX_DIR); \
	if [ "$$(sum $(AISFX_WHEEL))" != "$(AISFX_WHEEL_SHA256)" ]; then \
	  echo "aisfx-weights: fetching aisfx==0.1.2 from PyPI"; \
	  pip="python3 -m pip"; \
	  if ! python3 -m pip --version >/dev/null 2>&1; then \
	    python3 -m venv $(AISFX_DIR)/pip-venv && pip=$(AISFX_DIR)/pip-venv/bin/pip; fi; \
	  $$pip download -q --no-deps --only-binary :all: --retries 1 --timeout 20 -d $(AISFX_DIR) aisfx==0.1.2 \
	    || { echo "aisfx-weights: WARNING: cannot download aisfx 0.1.2 (no network?); corpus --embed aisfx and its test need it"; exit 0; }; \
	  [ "$$(sum $(AISFX_WHEEL))" = "$(AISFX_WHEEL_SHA256)" ] \
	    || { echo "aisfx-weights: $(AISFX_WHEEL): sha256 is not the one of aisfx 0.1.2"; exit 1; }; \
	fi; \
	python3 scripts/aisfx_weights.py $(AISFX_WHEEL) $(AISFX_WEIGHTS).new; \
	[ "$$(sum $(AISFX_WEIGHTS).new)" = "$$want" ] \
	  || { rm -f $(AISFX_WEIGHTS).new; echo "aisfx-weights: converted weights differ from eval/aisfx.h's sha256"; exit 1; }; \
	mv $(AISFX_WEIGHTS).new $(AISFX_WEIGHTS)
