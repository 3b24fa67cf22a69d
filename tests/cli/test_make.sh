#!/usr/bin/env bash
# test_make.sh: the Makefile never builds stale and never rebuilds for nothing. On a copy of the
# build inputs (the tree's own build/ is left alone), builds a few targets at -O0 without CUDA
# (the train objects and two train tests; with nvcc, two CUDA objects), then checks with
# `make -n`/`make -q` what a touched header, a changed flag or nothing at all rebuilds.
. "$(dirname "$0")/lib.sh" || exit 1
cd "$GD_ROOT"

C=$T/src; mkdir -p "$C"
files() { git ls-files -co --exclude-standard 2>/dev/null ||
    find . \( -path ./build -o -path ./bin -o -path './.*' \) -prune -o -type f -print | cut -c3-; }
files | grep -E '(^|/)(Makefile|[^/]*\.(mk|c|h|cu|cuh|def))$' |
    while read -r f; do [ -e "$f" ] && echo "$f"; done | xargs cp --parents -t "$C"
# The copy is built on its own: no flags or jobserver from a make that runs this test.
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make --no-print-directory -C "$C" CUDA=0 OPT=-O0 "$@"; }
TARGETS=(build/tests/train/test_model build/tests/train/test_nn build/eval/stats.o)
HAVE_NVCC=0; { command -v nvcc || [ -x /usr/local/cuda/bin/nvcc ]; } >/dev/null && HAVE_NVCC=1
CUDA_OBJS=(build/cuda/gpu_model.o build/cuda/act.o)

check "the copy builds the train tests" mk -j2 "${TARGETS[@]}"
[ $HAVE_NVCC = 1 ] && check "the copy builds two CUDA objects" mk -j2 CUDA=1 "${CUDA_OBJS[@]}"

# What `make -n` would compile (-c) and link (-o without -c), one target a line.
built()  { grep -E -- ' -c ' "$1" | grep -oE ' -o [^ ]+' | cut -c5- | sort; }
linked() { grep -vE -- ' -c ' "$1" | grep -E '^[^ ]*(cc|gcc|clang) ' | grep -oE ' -o [^ ]+' | cut -c5- | sort; }
same() { [ "$1" = "$2" ] || { { echo "got:"; echo "$1" | sed 's/^/  /'
    echo "wanted:"; echo "$2" | sed 's/^/  /'; } >&2; return 1; }; }
# The .d files of the objects built above that name header $1 (gcc's and nvcc's own view).
includers() { (cd "$C" && grep -lE "(^| |\./)$1( |$)" $(find build -name '*.d') | sed 's/\.d$/.o/' |
    grep -v '^build/tests/' | sort); }

check "a second make has nothing to do (make -q)" mk -q "${TARGETS[@]}"
mk -n "${TARGETS[@]}" > "$T/noop.txt" 2>&1
check_exit "a second make runs no command" 1 grep -vE "is up to date|Nothing to be done" "$T/noop.txt"
# One .SECONDARY with prerequisites anywhere would keep only those and let make delete the rest.
mk -pq build-summary 2>/dev/null | grep -E '^\.SECONDARY:' > "$T/secondary.txt"
check "the global .SECONDARY has no prerequisites" grep -qxE '\.SECONDARY: *' "$T/secondary.txt"

# Touching train/config.h rebuilds exactly the objects that include it, C and CUDA.
touch -r "$C/train/config.h" "$T/old"; touch "$C/train/config.h"
mk -n "${TARGETS[@]}" > "$T/cfg.txt" 2>&1
check "config.h: the objects that include it, no other" same "$(built "$T/cfg.txt")" "$(includers train/config.h | grep -v '^build/cuda/')"
check_grep "config.h: train/config.o among them" '^build/train/config.o$' <(built "$T/cfg.txt")
check_exit "config.h: no eval, core or nn object" 1 grep -E '^build/(eval|core|train/nn)/' <(built "$T/cfg.txt")
if [ $HAVE_NVCC = 1 ]; then
    mk -n CUDA=1 "${CUDA_OBJS[@]}" > "$T/cfg_cuda.txt" 2>&1
    check "config.h: the CUDA objects that include it" same "$(built "$T/cfg_cuda.txt")" "$(includers train/config.h | grep '^build/cuda/')"
    check_grep "config.h: gpu_model.cu among them (through model.h)" '^build/cuda/gpu_model.o$' <(built "$T/cfg_cuda.txt")
fi
touch -r "$T/old" "$C/train/config.h"

# Touching tests/train/tiny.h relinks the tests that include it and compiles nothing else.
touch -r "$C/tests/train/tiny.h" "$T/old"; touch "$C/tests/train/tiny.h"
mk -n "${TARGETS[@]}" > "$T/tiny.txt" 2>&1
check "tiny.h: test_model relinked, test_nn not, nothing compiled" \
    same "$(built "$T/tiny.txt")|$(linked "$T/tiny.txt")" "|build/tests/train/test_model"
touch -r "$T/old" "$C/tests/train/tiny.h"
check "restored mtimes: nothing to do again" mk -q "${TARGETS[@]}"

# Flags: a changed CFLAGS rebuilds every object; a per-object flag in a module.mk rebuilds
# that object only, is recorded once built, and taking it out rebuilds the object again.
mk -n CFLAGS=-DGD_FLAG_TEST "${TARGETS[@]}" > "$T/cflags.txt" 2>&1
check "CFLAGS: every object rebuilt" same "$(built "$T/cflags.txt")" "$(cd "$C" && find build -name '*.o' -not -path 'build/cuda/*' | sort)"
cp "$C/train/module.mk" "$T/module.mk"
echo '$(BUILD)/train/config.o: CFLAGS += -DGD_FLAG_TEST' >> "$C/train/module.mk"
mk -n "${TARGETS[@]}" > "$T/obj.txt" 2>&1
check "module.mk flag: only train/config.o rebuilt" same "$(built "$T/obj.txt")" build/train/config.o
check_grep "module.mk flag: it is on the command line" '-DGD_FLAG_TEST -MMD -MP -c train/config.c' "$T/obj.txt"
check "module.mk flag: built" mk "${TARGETS[@]}"
check "module.mk flag: then nothing to do" mk -q "${TARGETS[@]}"
cp "$T/module.mk" "$C/train/module.mk"
mk -n "${TARGETS[@]}" > "$T/obj2.txt" 2>&1
check "module.mk flag taken out: train/config.o rebuilt" same "$(built "$T/obj2.txt")" build/train/config.o

# tests/run.sh runs the programs of the test sources there are, not whatever is in the build dir.
R=$T/run; mkdir -p "$R/tests/x" "$R/b/tests/x"
touch "$R/tests/x/test_here.c"
printf '#!/bin/sh\necho "ok %s"\n' here > "$R/b/tests/x/test_here"
printf '#!/bin/sh\necho "ok %s"\n' gone > "$R/b/tests/x/test_gone"
chmod +x "$R/b/tests/x/test_here" "$R/b/tests/x/test_gone"
(cd "$R" && bash "$GD_ROOT/tests/run.sh" b b) > "$T/run.txt" 2>&1
check_grep "run.sh: the test with a source runs" '^1 passed, 0 failed$' "$T/run.txt"
check_exit "run.sh: a program whose source is gone does not" 1 grep -q gone "$T/run.txt"
