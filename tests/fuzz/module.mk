# tests/fuzz/module.mk: the libFuzzer targets (tests/fuzz/fuzz_<target>.c) and their replay test.
#
# `make fuzz` (top-level Makefile) builds every object again with clang, ASan, UBSan and
# libFuzzer's coverage in BUILD=build/fuzz and links $(BUILD)/fuzz_<target> here; `make test`
# builds only test_fuzz_replay with the project's compiler, linking the archives below.
FUZZ_TARGETS := wav recipe manifest preset config metadata safetensors ops

# The archive each target's parser lives in (before libgendang.a on the link line).
FUZZ_LIBS_recipe      := $(BUILD)/libpipeline.a
FUZZ_LIBS_manifest    :=
FUZZ_LIBS_preset      := $(BUILD)/libsynth.a
FUZZ_LIBS_config      := $(BUILD)/libtrain.a
FUZZ_LIBS_safetensors := $(BUILD)/libtrain.a
FUZZ_LIBS_ops         := $(BUILD)/libaugment.a
FUZZ_LIBS_ALL := $(sort $(foreach t,$(FUZZ_TARGETS),$(FUZZ_LIBS_$(t))))

$(BUILD)/tests/fuzz/test_fuzz_replay: $(FUZZ_LIBS_ALL)
# libgendang.a again after the stage archives, and LAPACKE for the synth objects.
EXTRA_LDLIBS_fuzz := $(FUZZ_LIBS_ALL) $(BUILD)/libgendang.a $(EXTRA_LDLIBS_synth)

FUZZ_LD = $(CC) $(GD_CFLAGS) $(CFLAGS) -fsanitize=fuzzer $(GD_LDFLAGS) $(LDFLAGS)
$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_LIBS_$$*) $(BUILD)/libgendang.a $$(call flags_check,$$(FUZZ_LD) $$(EXTRA_LDLIBS_synth) $$(LDLIBS))
	@mkdir -p $(dir $@)
	$(FUZZ_LD) $(PROG_DEPFLAGS) -o $@ $(filter %.c %.a,$^) $(EXTRA_LDLIBS_synth) $(LDLIBS)
	@$(call flags_save,$(FUZZ_LD) $(EXTRA_LDLIBS_synth) $(LDLIBS))
