# gendang: one top-level Makefile. Objects go under build/, tools under bin/.
#
#   make            build every tool (runs `make deps` first)
#   make test       unit tests, CLI tests, reference tests; ends with "N passed, N failed"
#   make demo       the main job on the default data
#   make bench      speed/quality against sox, rubberband, PyTorch (makes its own venv)
#   make sanitize   ASan+UBSan build in build/san running the whole test suite
#   make fuzz FUZZ_S=N   libFuzzer targets (clang, build/fuzz) for the parsers of user files,
#                   N seconds each (default 60; 0 only builds); new inputs go to tests/fuzz/corpus/<target>/
#   make install PREFIX=...   copy bin/ to PREFIX/bin
#
# Every directory X in TOOL_DIRS builds bin/gendang-X from X/**/*.c (main.c holds main);
# pipeline/ builds bin/gendang. tests/X/test_*.c link against build/libX.a (X's objects
# without main.o) and libgendang. A directory may add rules in its own X/module.mk.

.SUFFIXES:
.SECONDEXPANSION:
# Objects and archives made through pattern chains are kept, not deleted as intermediates.
# This is the only .SECONDARY: one with prerequisites anywhere (a module.mk) would turn this
# "everything" into "only those", and a second `make` would rebuild what the first deleted.
.SECONDARY:
# A recipe that fails leaves no half-written target behind to look up to date.
.DELETE_ON_ERROR:
SHELL       := /bin/bash
CC          ?= cc
ifeq ($(CC),cc)
CC          := gcc
endif
BUILD       ?= build
BIN         ?= bin
PREFIX      ?= /usr/local
DEPS_ROOT   ?=

WARN        := -Wall -Wextra -Wpedantic
ifdef CI
WARN        += -Werror
endif
OPT         ?= -O2
SAN_FLAGS   := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
# GD_CFLAGS/GD_LDFLAGS are ours; CFLAGS/LDFLAGS from the command line are added, not replacing.
GD_CFLAGS   := -std=c11 $(OPT) -g $(WARN) -fopenmp -D_GNU_SOURCE -I. $(if $(SAN),$(SAN_FLAGS))
GD_LDFLAGS  := -fopenmp $(if $(SAN),$(SAN_FLAGS))

# Dependencies: plain flags (not pkg-config) so a dependency root unpacked from .debs
# (DEPS_ROOT=.deps/root, see DEVICE notes) works the same as the system.
ifneq ($(DEPS_ROOT),)
GD_CFLAGS  += -I$(DEPS_ROOT)/usr/include -I$(DEPS_ROOT)/usr/include/x86_64-linux-gnu \
           -I$(DEPS_ROOT)/usr/include/x86_64-linux-gnu/openblas-pthread
GD_LDFLAGS += -L$(DEPS_ROOT)/usr/lib/x86_64-linux-gnu \
           -L$(DEPS_ROOT)/usr/lib/x86_64-linux-gnu/openblas-pthread \
           -Wl,-rpath,$(abspath $(DEPS_ROOT))/usr/lib/x86_64-linux-gnu \
           -Wl,-rpath,$(abspath $(DEPS_ROOT))/usr/lib/x86_64-linux-gnu/openblas-pthread
else
GD_CFLAGS  += -I/usr/include/x86_64-linux-gnu/openblas-pthread
endif
LDLIBS  := -lsndfile -lsamplerate -lfftw3f_threads -lfftw3f -lfftw3 -lyaml -lebur128 -lopenblas -lpng -lcrypto -lm

DEB_PKGS := build-essential libsndfile1-dev libsamplerate0-dev libfftw3-dev libyaml-dev \
            libebur128-dev libopenblas-dev liblapacke-dev libpng-dev libssl-dev \
            sox rubberband-cli hydrogen-drumkits python3 python3-venv espeak-ng

# The bench's peers beyond sox and rubberband: Debian's numpy, scipy and PyTorch (never
# needed by `make test` or CI).
BENCH_PKGS := python3-numpy python3-scipy python3-torch

# `make fuzz` builds with clang's libFuzzer (and clang's OpenMP runtime for -fopenmp); never
# needed by `make test` or CI, which replay the fuzz corpora with $(CC).
FUZZ_PKGS := clang libomp-dev

NVCC := $(shell command -v nvcc 2>/dev/null)

TOOL_DIRS := augment synth train eval
LIB_DIRS  := core pipeline $(TOOL_DIRS)

.PHONY: all deps build build-summary test test-rave demo bench sanitize fuzz clean install check-headers test-cuda
.DEFAULT_GOAL := all

all: deps
	@$(MAKE) --no-print-directory build-summary

# --------------------------------------------------------------------------- deps
# Installs what is missing with apt-get when root (otherwise prints the command), then makes
# the data files that modules list in DEPS_DATA (eval: the aisfx weights).
.PHONY: deps-pkgs
deps: deps-pkgs
	@$(if $(strip $(DEPS_DATA)),$(MAKE) --no-print-directory $(DEPS_DATA),true)
deps-pkgs:
	@missing=""; for p in $(DEB_PKGS) $(EXTRA_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "deps: installing$$missing"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null || exit 1; \
	else \
	  echo "deps: missing packages; run as root:"; \
	  echo "  sudo apt-get install -y$$missing"; exit 1; \
	fi

# --------------------------------------------------------------------------- sources
srcs_of     = $(shell find $(1) -name '*.c' -not -path '*/lab/*' 2>/dev/null | sort)
objs_of     = $(patsubst %.c,$(BUILD)/%.o,$(call srcs_of,$(1)))
libobjs_of  = $(filter-out $(BUILD)/$(1)/main.o,$(call objs_of,$(1)))

CORE_OBJS := $(call objs_of,core)
TEST_SRCS := $(shell find tests -name 'test_*.c' 2>/dev/null | sort)
TEST_BINS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(TEST_SRCS))
TOOLS     := $(BIN)/gendang $(foreach d,$(TOOL_DIRS),$(if $(wildcard $(d)/main.c),$(BIN)/gendang-$(d)))

# Staleness: every object and program records its header dependencies (gcc/nvcc -MMD -MP, in
# X.d next to X.o, or P.d for a program P compiled and linked in one step) and the command
# flags that made it (in T.flags, written after a successful build). A target whose recorded
# flags differ from the ones its rule would use now, or that has none, is rebuilt: changing
# OPT, SAN, CI, CFLAGS, LDFLAGS, DEPS_ROOT or a module.mk's per-object flags rebuilds exactly
# what they reach. The check runs in the prerequisite list (secondary expansion), where target
# and pattern-specific variables are already set, so it sees the flags the recipe will use.
.PHONY: FORCE
flags_file  = $(if $(filter $(BIN)/%,$@),$(BUILD)/flags/$(notdir $@),$@).flags
str_eq      = $(and $(findstring $(1),$(2)),$(findstring $(2),$(1)))
# (strip: make 4.3's $(file <) sometimes keeps the file's last newline)
flags_check = $(if $(call str_eq,$(strip $(file <$(flags_file))),$(strip $(1))),,FORCE)
flags_save  = mkdir -p $(dir $(flags_file)); printf '%s\n' '$(subst ','\'',$(strip $(1)))' > $(flags_file)
# A program compiled and linked in one step from its .c (tests, lab tools): compiler and link
# flags, and where its header dependencies go.
PROG_CC       = $(CC) $(GD_CFLAGS) $(CFLAGS) $(GD_LDFLAGS) $(LDFLAGS)
PROG_DEPFLAGS = -MMD -MP -MF $@.d -MT $@

# `build` has no recipe of its own, so that `make -q build` answers whether anything is stale;
# `make`, `make test` and `make sanitize` build through build-summary, which says what was built.
build: $(TOOLS) $(TEST_BINS)
build-summary: build
	@echo "built: $(notdir $(TOOLS)) ($(words $(TEST_BINS)) test programs)"; \
	if [ -n "$(NVCC)" ]; then echo "cuda: nvcc found ($(NVCC))"; else echo "cuda: nvcc not found; GPU trainer not built"; fi

CC_O = $(CC) $(GD_CFLAGS) $(CFLAGS)
$(BUILD)/%.o: %.c $$(call flags_check,$$(CC_O))
	@mkdir -p $(dir $@)
	$(CC_O) -MMD -MP -c $< -o $@
	@$(call flags_save,$(CC_O))

# Archives are remade whole, and also when their member list changes (a source removed).
$(BUILD)/libgendang.a: $(CORE_OBJS) $$(call flags_check,$(AR) $(CORE_OBJS))
	@mkdir -p $(dir $@)
	rm -f $@; $(AR) rcs $@ $(CORE_OBJS)
	@$(call flags_save,$(AR) $(CORE_OBJS))

$(BUILD)/lib%.a: $$(call libobjs_of,$$*) $$(call flags_check,$(AR) $$(call libobjs_of,$$*))
	@mkdir -p $(dir $@)
	rm -f $@; $(AR) rcs $@ $(call libobjs_of,$*)
	@$(call flags_save,$(AR) $(call libobjs_of,$*))

CC_LD = $(CC) $(GD_LDFLAGS) $(LDFLAGS)
$(BIN)/gendang: $(BUILD)/pipeline/main.o $(BUILD)/libpipeline.a $(BUILD)/libgendang.a $$(call flags_check,$$(CC_LD) $$(LDLIBS))
	@mkdir -p $(BIN)
	$(CC_LD) -o $@ $(filter %.o %.a,$^) $(LDLIBS)
	@$(call flags_save,$(CC_LD) $(LDLIBS))

$(BIN)/gendang-%: $(BUILD)/%/main.o $(BUILD)/lib%.a $(BUILD)/libgendang.a $$(call flags_check,$$(CC_LD) $$(EXTRA_LDLIBS_$$*) $$(LDLIBS))
	@mkdir -p $(BIN)
	$(CC_LD) -o $@ $(filter %.o %.a,$^) $(EXTRA_LDLIBS_$*) $(LDLIBS)
	@$(call flags_save,$(CC_LD) $(EXTRA_LDLIBS_$*) $(LDLIBS))

# tests/X/test_foo.c links libX (if X is a code directory) and libgendang; tests/fuzz/module.mk
# names the archives its replay test needs. Only the test's own source is compiled ($<): the
# .c files it includes (test_fuzz_replay.c includes every fuzz target) come back from its .d
# file as prerequisites and must not be compiled a second time.
test_dir = $(firstword $(subst /, ,$(patsubst $(BUILD)/tests/%,%,$(1))))
TEST_LIBS = $(EXTRA_LDLIBS_$(call test_dir,$@)) $(LDLIBS)
$(BUILD)/tests/%: tests/%.c $$(if $$(filter-out core cli fuzz,$$(call test_dir,$$@)),$(BUILD)/lib$$(call test_dir,$$@).a) $(BUILD)/libgendang.a $$(call flags_check,$$(PROG_CC) $$(TEST_LIBS))
	@mkdir -p $(dir $@)
	$(PROG_CC) $(PROG_DEPFLAGS) -o $@ $< $(filter %.a,$^) $(TEST_LIBS)
	@$(call flags_save,$(PROG_CC) $(TEST_LIBS))

-include $(wildcard */module.mk */*/module.mk)
# Header dependencies of everything built in $(BUILD) (not of the sanitizer or fuzz builds nested in it).
-include $(shell find $(BUILD) \( -path $(BUILD)/san -o -path $(BUILD)/fuzz \) -prune -o -name '*.d' -print 2>/dev/null)

# --------------------------------------------------------------------------- test
test: deps
	@$(MAKE) --no-print-directory build-summary
	@tests/run.sh $(BUILD) $(BIN)

# test-rave: gendang <-> acids-rave 2.3.1 (export, import, forward parity, round trip, rave
# export); needs the venv of scripts/rave_export.sh, skips with a message without it.
test-rave: $(TOOLS)
	@tests/train/rave_interop.sh

sanitize:
	@$(MAKE) --no-print-directory deps
	@$(MAKE) --no-print-directory BUILD=build/san BIN=build/san/bin OPT=-O1 SAN=1 build-summary
	@ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  GD_SANITIZE=1 tests/run.sh build/san build/san/bin

# fuzz: every object rebuilt with clang, ASan, UBSan and libFuzzer's coverage in build/fuzz, one
# program per parser of user files (tests/fuzz/module.mk), each run FUZZ_S seconds on its corpus.
FUZZ_S ?= 60
FUZZ_SAN := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
fuzz:
	@$(MAKE) --no-print-directory deps EXTRA_PKGS="$(FUZZ_PKGS)"
	@$(MAKE) --no-print-directory BUILD=build/fuzz BIN=build/fuzz/bin CC=clang OPT=-O1 SAN=1 \
	  SAN_FLAGS="$(FUZZ_SAN)" $(foreach t,$(FUZZ_TARGETS),build/fuzz/fuzz_$(t))
	@tests/fuzz/fuzz.sh build/fuzz $(FUZZ_S) $(FUZZ_TARGETS)

check-headers:
	@for h in $$(find core pipeline $(TOOL_DIRS) -name '*.h' | sort); do \
	  echo '#include "'$$h'"' | $(CC) -std=c11 -Wpedantic -Werror -Wall -I. \
	    -I/usr/include/x86_64-linux-gnu/openblas-pthread -x c -fsyntax-only - || { echo "header $$h"; exit 1; }; \
	done; echo "headers ok"

demo: all
	@scripts/demo.sh

bench: all $(BUILD)/lab/prof_pair
	@$(MAKE) --no-print-directory deps EXTRA_PKGS="$(BENCH_PKGS)"
	@bench/run.sh

# test-cuda: parity of every op and of the model, CPU against GPU (train/cuda/module.mk's
# test-cuda-run); prints "skipped" and exits 0 without nvcc or without a GPU.
test-cuda: deps
	@if [ -z "$(NVCC)" ]; then echo "test-cuda: skipped: no nvcc"; else $(MAKE) --no-print-directory test-cuda-run; fi

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(TOOLS) $(DESTDIR)$(PREFIX)/bin/
	install -d $(DESTDIR)$(PREFIX)/share/gendang/synth/presets $(DESTDIR)$(PREFIX)/share/gendang/train/configs
	install -m 644 synth/presets/*.yaml $(DESTDIR)$(PREFIX)/share/gendang/synth/presets/
	install -m 644 train/configs/*.yaml $(DESTDIR)$(PREFIX)/share/gendang/train/configs/
	install -d $(DESTDIR)$(PREFIX)/share/gendang/scripts
	install -m 755 scripts/rave_ckpt.py scripts/rave_export.sh $(DESTDIR)$(PREFIX)/share/gendang/scripts/
	install -d $(DESTDIR)$(PREFIX)/share/gendang/docs
	install -m 644 docs/*.md $(DESTDIR)$(PREFIX)/share/gendang/docs/
	@if [ -f .deps/models/aisfx-0.1.2.safetensors ]; then \
	  install -d $(DESTDIR)$(PREFIX)/share/gendang/models && \
	  install -m 644 .deps/models/aisfx-0.1.2.safetensors eval/NOTICE-aisfx.md $(DESTDIR)$(PREFIX)/share/gendang/models/; fi

clean:
	rm -rf $(BUILD) $(BIN)
