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

$(BUILD)/cuda/%.o: train/cuda/%.cu train/cuda/common.cuh train/cuda/gnet.cuh train/cuda/gdisc.cuh train/cuda/rv_cuda.h train/cuda/gpu_model.h
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCC_FLAGS) -c $< -o $@

$(BUILD)/libtrain_cuda.a: $(CUDA_OBJS)
	rm -f $@; $(AR) rcs $@ $^

# The stub compiles empty when the real backend is linked.
$(BUILD)/train/cuda/cuda_stub.o: GD_CFLAGS += -DGD_HAVE_CUDA
$(BUILD)/train/cuda/cuda_stub.o: $(BUILD)/cuda/.enabled

$(BUILD)/cuda/.enabled:
	@mkdir -p $(dir $@); rm -f $(BUILD)/cuda/.disabled; touch $@

# gendang-train and the train tests: the CUDA archive, then libtrain/libgendang again for what
# the CUDA objects use, then the CUDA libraries.
$(BIN)/gendang-train: $(BUILD)/libtrain_cuda.a
EXTRA_LDLIBS_train += $(BUILD)/libtrain_cuda.a $(BUILD)/libtrain.a $(BUILD)/libgendang.a $(CUDA_LIBS)
$(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/train/test_*.c)): $(BUILD)/libtrain_cuda.a

CUDA_TEST_LINK = $(GD_CFLAGS) $(CFLAGS) -I$(CUDA_HOME)/include $(GD_LDFLAGS) $(LDFLAGS) -o $@ $< \
    $(BUILD)/libtrain.a $(BUILD)/libtrain_cuda.a $(BUILD)/libtrain.a $(BUILD)/libtrain_f64.a \
    $(BUILD)/libgendang.a $(CUDA_LIBS) $(LDLIBS)

$(BUILD)/cuda/parity_%: tests/cuda/parity_%.c tests/cuda/cuda_test.h tests/test.h $(BUILD)/libtrain.a $(BUILD)/libtrain_cuda.a $(BUILD)/libgendang.a $(BUILD)/libtrain_f64.a
	@mkdir -p $(dir $@)
	$(CC) $(CUDA_TEST_LINK)

$(BUILD)/cuda/bench_step: train/cuda/lab/bench_step.c $(BUILD)/libtrain.a $(BUILD)/libtrain_cuda.a $(BUILD)/libgendang.a $(BUILD)/libtrain_f64.a
	@mkdir -p $(dir $@)
	$(CC) $(CUDA_TEST_LINK)

build: $(BUILD)/cuda/parity_cuda $(BUILD)/cuda/parity_model $(BUILD)/cuda/bench_step

test-cuda-run: $(BUILD)/cuda/parity_cuda $(BUILD)/cuda/parity_model
	@rc=0; for t in $^; do $$t || rc=1; done; exit $$rc

cuda-info:
	@echo "cuda: ✓ nvcc $(NVCC) (CUDA_HOME $(CUDA_HOME)); objects: $(notdir $(CUDA_OBJS))"

else

$(BUILD)/train/cuda/cuda_stub.o: $(BUILD)/cuda/.disabled
$(BUILD)/cuda/.disabled:
	@mkdir -p $(dir $@); rm -f $(BUILD)/cuda/.enabled; touch $@

test-cuda-run:
	@echo "test-cuda: skipped: $(if $(SAN),sanitizer build,no nvcc (CUDA backend not built))"

cuda-info:
	@echo "cuda: ✗ $(if $(SAN),off in sanitizer builds,nvcc not found; GPU trainer not built)"

endif

.PRECIOUS: $(BUILD)/libtrain_cuda.a $(BUILD)/cuda/%.o

# Binaries for the GPU machine's fallback (scripts/device_cuda.sh uses them if its own build
# fails): copied into .deps/prebuilt, which travels with the .deps carry.
.PHONY: cuda-prebuilt
cuda-prebuilt: $(BUILD)/cuda/parity_cuda $(BUILD)/cuda/parity_model $(BUILD)/cuda/bench_step \
               $(BIN)/gendang-train
	@mkdir -p .deps/prebuilt && cp $^ .deps/prebuilt/ && echo "cuda-prebuilt: $^ -> .deps/prebuilt/"
