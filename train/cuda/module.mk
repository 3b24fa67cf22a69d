# train/cuda/module.mk: the CUDA backend, built when nvcc is found (or CUDA=1;
# CUDA=0 turns it off). Sanitizer builds (SAN=1) leave it out: ASan and the CUDA runtime do
# not mix, and the stub (train/cuda/cuda_stub.c) keeps the link whole.
#
#   build/cuda/*.o          nvcc objects of train/cuda/*.cu (-O3, sm_90 SASS + compute_90 PTX)
#   build/libtrain_cuda.a   their archive, linked into bin/gendang-train (and tests/train/*)
#   build/cuda/parity_cuda  per-op parity CPU vs GPU          } `make test-cuda-run` runs
#   build/cuda/parity_model model step / phase 2 / PyTorch ref } both
#   build/cuda/bench_step   step timing of the GPU model (scripts/device_cuda.sh)
#
# CUDA_ARCH overrides the -gencode list. Without a GPU the test program prints
# "skipped: no GPU (reason)" and exits 0.

CUDA ?=
ifeq ($(CUDA),1)
NVCC := $(or $(NVCC),$(wildcard /usr/local/cuda/bin/nvcc))
endif
ifeq ($(CUDA),0)
NVCC :=
endif
GD_CUDA := $(if $(and $(NVCC),$(if $(SAN),,1)),1,)

CUDA_HOME  ?= $(patsubst %/bin/nvcc,%,$(NVCC))
CUDA_ARCH  ?= -gencode arch=compute_90,code=sm_90 -gencode arch=compute_90,code=compute_90
NVCC_FLAGS := -O3 -std=c++17 $(CUDA_ARCH) -lineinfo -I. -Xcompiler -fopenmp,-Wall,-Wextra \
              $(if $(DEPS_ROOT),-I$(DEPS_ROOT)/usr/include -I$(DEPS_ROOT)/usr/include/x86_64-linux-gnu \
              -I$(DEPS_ROOT)/usr/include/x86_64-linux-gnu/openblas-pthread,-I/usr/include/x86_64-linux-gnu/openblas-pthread)
ifdef CI
NVCC_FLAGS += -Werror all-warnings
endif
CUDA_LIBS  := -L$(CUDA_HOME)/lib64 -Wl,-rpath,$(CUDA_HOME)/lib64 -lcufft -lcublas -lcudart -lstdc++

CUDA_SRCS := $(sort $(wildcard train/cuda/*.cu))
CUDA_OBJS := $(patsubst train/cuda/%.cu,$(BUILD)/cuda/%.o,$(CUDA_SRCS))

.PHONY: test-cuda-run cuda-info

ifeq ($(GD_CUDA),1)

# Header dependencies from nvcc itself (-MMD -MP, in build/cuda/X.d), as for the C objects.
$(BUILD)/cuda/%.o: train/cuda/%.cu $$(call flags_check,$$(NVCC) $$(NVCC_FLAGS))
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCC_FLAGS) -MMD -MP -MF $(@:.o=.d) -c $< -o $@
	@$(call flags_save,$(NVCC) $(NVCC_FLAGS))

$(BUILD)/libtrain_cuda.a: $(CUDA_OBJS) $$(call flags_check,$(AR) $(CUDA_OBJS))
	rm -f $@; $(AR) rcs $@ $(CUDA_OBJS)
	@$(call flags_save,$(AR) $(CUDA_OBJS))

# The stub compiles empty when the real backend is linked (the changed flags rebuild it when
# CUDA is turned on or off).
$(BUILD)/train/cuda/cuda_stub.o: GD_CFLAGS += -DGD_HAVE_CUDA

# gendang-train and the train tests: the CUDA archive, then libtrain/libgendang again for what
# the CUDA objects use, then the CUDA libraries.
$(BIN)/gendang-train: $(BUILD)/libtrain_cuda.a
EXTRA_LDLIBS_train += $(BUILD)/libtrain_cuda.a $(BUILD)/libtrain.a $(BUILD)/libgendang.a $(CUDA_LIBS)
$(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/train/test_*.c)): $(BUILD)/libtrain_cuda.a

CUDA_PROG_LIBS = $(BUILD)/libtrain.a $(BUILD)/libtrain_cuda.a $(BUILD)/libtrain.a $(BUILD)/libtrain_f64.a \
    $(BUILD)/libgendang.a $(CUDA_LIBS) $(LDLIBS)
CUDA_PROG_CC = $(PROG_CC) -I$(CUDA_HOME)/include
CUDA_PROG_DEPS = $(BUILD)/libtrain.a $(BUILD)/libtrain_cuda.a $(BUILD)/libgendang.a $(BUILD)/libtrain_f64.a \
    $$(call flags_check,$$(CUDA_PROG_CC) $$(CUDA_PROG_LIBS))
CUDA_PROG_LINK = $(CUDA_PROG_CC) $(PROG_DEPFLAGS) -o $@ $< $(CUDA_PROG_LIBS)

$(BUILD)/cuda/parity_%: tests/cuda/parity_%.c $(CUDA_PROG_DEPS)
	@mkdir -p $(dir $@)
	$(CUDA_PROG_LINK)
	@$(call flags_save,$(CUDA_PROG_CC) $(CUDA_PROG_LIBS))

$(BUILD)/cuda/bench_step: train/cuda/lab/bench_step.c $(CUDA_PROG_DEPS)
	@mkdir -p $(dir $@)
	$(CUDA_PROG_LINK)
	@$(call flags_save,$(CUDA_PROG_CC) $(CUDA_PROG_LIBS))

build: $(BUILD)/cuda/parity_cuda $(BUILD)/cuda/parity_model $(BUILD)/cuda/bench_step

test-cuda-run: $(BUILD)/cuda/parity_cuda $(BUILD)/cuda/parity_model
	@rc=0; for t in $^; do $$t || rc=1; done; exit $$rc

cuda-info:
	@echo "cuda: ✓ nvcc $(NVCC) (CUDA_HOME $(CUDA_HOME)); objects: $(notdir $(CUDA_OBJS))"

else

test-cuda-run:
	@echo "test-cuda: skipped: $(if $(SAN),sanitizer build,no nvcc (CUDA backend not built))"

cuda-info:
	@echo "cuda: ✗ $(if $(SAN),off in sanitizer builds,nvcc not found; GPU trainer not built)"

endif

# Binaries for the GPU machine's fallback (scripts/device_cuda.sh uses them if its own build
# fails): copied into .deps/prebuilt, which travels with the .deps carry.
.PHONY: cuda-prebuilt
cuda-prebuilt: $(BUILD)/cuda/parity_cuda $(BUILD)/cuda/parity_model $(BUILD)/cuda/bench_step \
               $(BIN)/gendang-train
	@mkdir -p .deps/prebuilt && cp $^ .deps/prebuilt/ && echo "cuda-prebuilt: $^ -> .deps/prebuilt/"
