#!/usr/bin/env bash
# test_lock.sh: one `gendang run` per output folder. A second run on a folder whose lock is
# held exits 1 naming the holder and does no work; the kernel drops the lock with its
# holder (kill -9 leaves nothing stale); a run writes who holds the lock.
. "$GD_ROOT/tests/cli/lib.sh"
cd "$GD_ROOT"

printf 'name: l\nseed: 1\nout: %s\nsources:\n  kits: ["circAfrique v4"]\n  instruments: [djembe1]\n' \
    "$T/out" > "$T/l.yaml"
L="$T/out/.gendang/lock"
mkdir -p "$T/out/.gendang"
# Another run holds the lock (flock(1) standing in for it, the holder line written as a run does).
flock -o "$L" sleep 60 & holder=$!
echo "pid $holder on otherhost since 2024-01-01 10:00:00" > "$L"
for _ in $(seq 100); do flock -n "$L" true || break; sleep 0.05; done
check_exit "a second run on the same folder exits 1" 1 gendang run "$T/l.yaml"
check_grep "it names the holder in one line" \
    "out: another .gendang run. is working in this folder \(pid $holder on otherhost since 2024-01-01 10:00:00\); wait for it or stop it$" "$T/.err"
check "one line" test "$(wc -l < "$T/.err")" = 1
check "it did no work" test ! -e "$T/out/sources"
true & gone=$!; wait $gone
echo "pid $gone on otherhost since 2024-01-01 10:00:00" > "$L"
check_exit "held by steps of a run that has exited" 1 gendang run "$T/l.yaml"
check_grep "says so" "pid $gone .*; that process has exited but steps it started still run\)" "$T/.err"
check "--dry-run takes no lock" gendang run "$T/l.yaml" --dry-run
kill -9 $holder; wait $holder 2>/dev/null
check "the lock went with its killed holder: the run proceeds" gendang run "$T/l.yaml"
check "the run made its sources" test -s "$T/out/sources/train/metadata.csv"
check_grep "the lock file names the run that held it" "^pid [0-9]+ on .+ since [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9:]{8}$" "$L"
# A cache key's temporary left by a killed run is removed by the next run.
touch "$T/out/.gendang/keys/sources_train.key.tmp.99999.0"
check "rerun" gendang run "$T/l.yaml"
check "stale key temporary removed" test ! -e "$T/out/.gendang/keys/sources_train.key.tmp.99999.0"
