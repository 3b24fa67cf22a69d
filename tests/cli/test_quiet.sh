#!/usr/bin/env bash
# test_quiet.sh: -q/--quiet means the same in every command (core/cli.h gd_cli_quiet): no
# progress or info on stderr, warnings and errors still printed, and the same --help line.
. "$(dirname "$0")/lib.sh"
K="/usr/share/hydrogen/data/drumkits/circAfrique v4"
hit=$(ls "$K"/*.wav | sort | head -1)
want="no progress or info on stderr \(warnings and errors still shown\)"

# Every command that takes -q says the same about it.
for cmd in "gendang-augment --help" "gendang-augment run --help" "gendang-augment pitch --help" "gendang-synth --help" \
           "gendang-train --help" "gendang-train attribute --help" "gendang-eval pair --help" \
           "gendang-eval nearest --help" "gendang-eval corpus --help" "gendang-eval report --help" \
           "gendang-train export --help" "gendang-train import --help" "gendang data import --help"; do
    $cmd > "$T/help.txt" 2>&1
    check_grep "$cmd: -q means the common thing" "$want" "$T/help.txt"
done

# Errors are printed under -q (augment used to drop them with its messages).
sox -D -n -r 44100 -c 1 -b 16 "$T/silent.wav" trim 0 0.2
check_exit "augment -q: silent noise file fails" 1 \
    gendang-augment noise --file "$T/silent.wav" --snr 10 -q "$hit" -o "$T/n.wav"
check_grep "augment -q: the error is still printed" "noise file .* is silent" "$T/.err"

# Info is not: an import lists its groups and counts without -q, nothing on stderr with it.
mkdir -p "$T/rec"
cp "$hit" "$T/rec/a open.wav"; cp "$hit" "$T/rec/b slap.wav"
check "import without -q" gendang data import "$T/rec" --kit k --manifest "$T/m1.yaml"
check_grep "import without -q lists groups on stderr" "." "$T/.err"
check "import -q" gendang data import "$T/rec" --kit k --manifest "$T/m2.yaml" -q
cp "$T/.err" "$T/q.err"
check_exit "import -q: stderr empty" 0 test ! -s "$T/q.err"
