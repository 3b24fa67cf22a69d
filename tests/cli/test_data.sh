#!/usr/bin/env bash
# test_data.sh: `gendang data verify|info|import` and the front-end's dispatch and errors.
. "$(dirname "$0")/lib.sh"
M=$GD_ROOT/data_manifest.yaml

check_exit "help exits 0" 0 gendang --help
check_exit "no command is a usage error" 2 gendang
check_exit "unknown command exits 2" 2 gendang frobnicate
check_exit "unknown data command exits 2" 2 gendang data frobnicate

check "default manifest verifies" gendang data verify "$M"
check_grep "verify counts all 133 files" "133 files, 133 ok, 0 with problems" "$T/.out"
check_grep "default splits do not leak" "splits ok: no group, sha256 or near-duplicate" "$T/.out"
check "default manifest passes the audit" gendang data audit --top 5 --manifest "$M"
check_grep "default manifest: 15 test groups" "^test +43 +15$" "$T/.out"

# One wrong hash and one missing file: both named, exit 1.
sed -e '0,/sha256: [0-9a-f]*/s//sha256: 0000000000000000000000000000000000000000000000000000000000000000/' \
    -e 's|Djembe2 Bass.wav|Djembe9 Bass.wav|' "$M" > "$T/bad.yaml"
check_exit "bad manifest fails verify" 1 gendang data verify "$T/bad.yaml"
check_grep "wrong hash named" "circafrique-djembe1-bass .*sha256 mismatch" "$T/.out"
check_grep "missing file named" "circafrique-djembe2-bass .*Djembe9 Bass.wav.*missing" "$T/.out"

# YAML syntax error: reported with line and column.
printf 'version: 1\nentries:\n  - id: [unclosed\n' > "$T/syntax.yaml"
check_exit "syntax error exits 1" 1 gendang data verify "$T/syntax.yaml"
check_grep "syntax error has line:column" "syntax.yaml:[0-9]+:[0-9]+: YAML syntax error" "$T/.err"

# Unknown key in an entry: named with its position and the allowed keys.
awk 'NR==12{print "    colour: red"} {print}' "$M" > "$T/unknown.yaml"
check_exit "unknown key exits 1" 1 gendang data verify "$T/unknown.yaml"
check_grep "unknown key named with position" "unknown.yaml:12:5: unknown key 'colour'" "$T/.err"

# Out-of-range values and bad split.
sed '0,/velocity: 1.0/s//velocity: 7/' "$M" > "$T/range.yaml"
check_exit "velocity out of range exits 1" 1 gendang data info "$T/range.yaml"
check_grep "range error says the range" "range.yaml:16:15: entries\[0\]\.velocity: must be in \[0, 1\] \(got 7\)" "$T/.err"

check "info on default manifest" gendang data info "$M"
check_grep "info lists both kits" "circAfrique v4 +27" "$T/.out"
check_grep "info lists splits" "^test +43" "$T/.out"

# Import: own recordings appended, existing entries untouched, groups kept together.
mkdir -p "$T/rec/a" "$T/rec/b"
for i in 1 2 3 4 5; do
    sox -R -n -r 44100 -b 16 "$T/rec/a/kompang_open_$i.wav" synth 0.2 sine $((200 + i * 10)) 2>/dev/null
    sox -R -n -r 48000 -c 2 -b 24 "$T/rec/b/kompang_slap_$i.wav" synth 0.1 pinknoise 2>/dev/null
done
cp "$M" "$T/m.yaml"
check "import appends" gendang data import "$T/rec" --kit kompang --group-by '(open|slap)' --manifest "$T/m.yaml"
check_grep "import reports 10 added" "added 10 entries" "$T/.out"
check "existing entries unchanged" cmp <(head -c "$(stat -c %s "$M")" "$T/m.yaml") "$M"
check "imported manifest verifies" gendang data verify "$T/m.yaml"
check_grep "143 files verified" "143 files, 143 ok" "$T/.out"
splits=$(grep -A12 'id: kompang-a-kompang-open' "$T/m.yaml" | grep 'split:' | sort -u | wc -l)
check "one group, one split" test "$splits" = 1
check "second import adds nothing" gendang data import "$T/rec" --kit kompang --manifest "$T/m.yaml"
check_grep "nothing added twice" "added 0 entries" "$T/.out"
echo "not audio" > "$T/rec/a/broken.wav"
cp "$T/m.yaml" "$T/m2.yaml"
check_exit "unreadable file fails import" 1 gendang data import "$T/rec" --kit kompang --manifest "$T/m.yaml"
check "failed import leaves manifest unchanged" cmp "$T/m.yaml" "$T/m2.yaml"
check_exit "import without --kit is usage" 2 gendang data import "$T/rec"
