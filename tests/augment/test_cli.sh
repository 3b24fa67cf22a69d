#!/usr/bin/env bash
# test_cli.sh: gendang-augment from the command line: ops errors (exit 2 with a caret at the
# offending character), ranges, bad input (exit 1), run reproducibility across thread
# counts, split refusal, replay bit-exactness.
. "$(dirname "$0")/../cli/lib.sh"
A=gendang-augment
D="/usr/share/hydrogen/data/drumkits/circAfrique v4"

# fixtures: two short hits made with sox (a Debian dependency of the project)
mkdir -p "$T/in/djembe" "$T/in/test"
sox -R -D -n -r 44100 -b 16 -c 1 "$T/in/djembe/hit1.wav" synth 0.3 pluck 220 fade 0 0.3 0.25 2>/dev/null
sox -R -D -n -r 44100 -b 16 -c 2 "$T/in/djembe/hit2.wav" synth 0.4 noise fade 0 0.4 0.39 vol 0.3 2>/dev/null
cp "$T/in/djembe/hit1.wav" "$T/in/test/held.wav"
mkdir -p "$T/train"; cp "$T/in/djembe/"*.wav "$T/train/"

check help $A --help
check_grep help-lists-effects 'reverb' "$T/.out"
check pitch-help $A pitch --help
check version $A --version

# ops string errors point at the offending character
check_exit malformed-ops 2 $A chain --ops 'pitch:semitones=2|gain:db=-3|reverb:rt60=0.4,,wet=0.2' "$T/train/hit1.wav" -o "$T/o.wav"
check_grep malformed-ops-pos 'character 46' "$T/.err"
check_grep malformed-ops-caret '^ {47}\^' "$T/.err"
check_exit unknown-effect 2 $A chain --ops 'gain:db=1|pitc:semitones=2' "$T/train/hit1.wav" -o "$T/o.wav"
check_grep unknown-effect-msg "unknown effect 'pitc'" "$T/.err"
check_exit bad-number 2 $A chain --ops 'gain:db=-3x' "$T/train/hit1.wav" -o "$T/o.wav"
check_exit bad-dist 2 $A chain --ops 'gain:db=uniform(1)' "$T/train/hit1.wav" -o "$T/o.wav"
check_exit range 2 $A pitch --semitones 40 "$T/train/hit1.wav" -o "$T/o.wav"
check_grep range-msg 'out of range \[-24, 24\]' "$T/.err"
check_exit range-dist 2 $A chain --ops 'stretch:ratio=uniform(0.5,3)' "$T/train/hit1.wav" -o "$T/o.wav"
check_grep range-dist-msg 'out of range \[0.5, 2\]' "$T/.err"
check_exit bad-prob 2 $A chain --ops 'gain@1.5:db=1' "$T/train/hit1.wav" -o "$T/o.wav"
check_exit enum 2 $A pitch --semitones 2 --mode fancy "$T/train/hit1.wav" -o "$T/o.wav"
check_exit no-output 2 $A pitch --semitones 2 "$T/train/hit1.wav"

# single effects and chains
check pitch-pv $A pitch --semitones 3 --mode pv "$T/train/hit1.wav" -o "$T/p.wav"
check_grep pitch-pv-len '13230 samples' <(soxi "$T/p.wav")
check stretch $A stretch --ratio 1.25 "$T/train/hit1.wav" -o "$T/s.wav"
check_grep stretch-len '16538 samples' <(soxi "$T/s.wav")
check chain $A chain --ops 'pitch:semitones=2|gain:db=-3|reverb:rt60=0.4,wet=0.2' --seed 3 "$T/train/hit2.wav" -o "$T/c.wav"
check_grep chain-resolved 'reverb:rt60=0.4,wet=0.2,seed=[0-9]+' "$T/.out"
check_grep chain-stereo 'Channels *: 2' <(soxi "$T/c.wav")

# bad input: empty, all-zero, NaN, missing
sox -R -D -n -r 44100 -c 1 -b 16 "$T/empty.wav" trim 0 0 2>/dev/null
sox -R -D -n -r 44100 -c 1 -b 16 "$T/zero.wav" trim 0 0.1 2>/dev/null
printf 'RIFF\x34\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x03\x00\x01\x00\x44\xac\x00\x00\x10\xb1\x02\x00\x04\x00\x20\x00data\x10\x00\x00\x00\x00\x00\x00\x00\x00\x00\xc0\x7f\x00\x00\x80\x3f\x00\x00\x00\x00' > "$T/nan.wav"
check_exit empty 1 $A gain --db 1 "$T/empty.wav" -o "$T/o.wav"
check_exit all-zero 1 $A gain --db 1 "$T/zero.wav" -o "$T/o.wav"
check_grep all-zero-msg 'zero.wav.*all zeros' "$T/.err"
check_exit nan 1 $A gain --db 1 "$T/nan.wav" -o "$T/o.wav"
check_grep nan-msg 'nan.wav' "$T/.err"
check_exit missing 1 $A gain --db 1 "$T/nope.wav" -o "$T/o.wav"

# run: same bytes whatever the thread count; replay bit-exact
OPS='pitch:semitones=uniform(-3,3)|gain:db=normal(-3,2),bright=0.5|filter@0.5:type=choice(lowpass,peak),freq=loguniform(2000,12000),db=3|reverb@0.5:rt60=loguniform(0.2,0.8),wet=0.2|noise:snr=uniform(30,60),color=choice(white,pink,brown)|mix@0.3:file=@pool,offset=uniform(0,30),db=-9'
check run1 env OMP_NUM_THREADS=1 $A run --in "$T/train" --ops "$OPS" --n 4 --seed 42 --out "$T/r1"
check run2 env OMP_NUM_THREADS=2 $A run --in "$T/train" --ops "$OPS" --n 4 --seed 42 --out "$T/r2"
check run-threads-identical diff -r "$T/r1" "$T/r2"
check_grep run-rows '^train/hit2_a003.wav,train,hit2,' "$T/r1/metadata.csv"
check_exit run-8-rows 0 test "$(wc -l < "$T/r1/metadata.csv")" = 9
check run-other-seed env OMP_NUM_THREADS=2 $A run --in "$T/train" --ops "$OPS" --n 4 --seed 43 --out "$T/r3"
check_exit run-seed-matters 1 cmp -s "$T/r1/train/hit1_a000.wav" "$T/r3/train/hit1_a000.wav"
check replay $A replay "$T/r1/metadata.csv" --out "$T/rp"
check replay-bit-exact diff -r "$T/r1/train" "$T/rp/train"
check replay-meta diff "$T/r1/metadata.csv" "$T/rp/metadata.csv"

# splits: test sources refused unless --split says so
check_exit run-refuses-test 1 $A run --in "$T/in" --ops 'gain:db=1' --n 1 --seed 1 --out "$T/rx"
check_grep run-refuses-msg "test/held.wav.*refusing.*'test'" "$T/.err"
check_exit run-refuses-nothing-written 1 test -e "$T/rx/metadata.csv"
check run-split-explicit $A run --in "$T/in" --ops 'gain:db=1' --n 1 --seed 1 --split train,test --out "$T/ry"
check_grep run-split-row '^test/test_held_a000.wav,test,' "$T/ry/metadata.csv"
check_exit run-needs-seed 2 $A run --in "$T/train" --ops 'gain:db=1' --n 1 --out "$T/rz"
check_exit run-bad-ops 2 $A run --in "$T/train" --ops 'gain:db=1|' --n 1 --seed 1 --out "$T/rz"
# a write refused by the file system (size limit) is blamed on the output, with the reason
check_exit run-write-fails 1 bash -c "ulimit -f 8; trap '' XFSZ; $A run --in '$T/train' --ops 'gain:db=1' --n 1 --seed 1 --out '$T/rw'"
cp "$T/.err" "$T/rw.err"
check_grep run-write-fails-output-named "rw/train/hit[12]_a000.wav: cannot write: File too large" "$T/rw.err"
check_exit run-write-fails-input-not-blamed 1 grep -q "train/hit[12].wav:" "$T/rw.err"
# -o NAME.flac writes FLAC; another format's extension is refused
check flac-out $A gain --db -1 "$T/in/djembe/hit1.wav" -o "$T/g.flac"
check_grep flac-out-is-flac "^fLaC$" <(head -c 4 "$T/g.flac"; echo)
check_exit ogg-out-refused 1 $A gain --db -1 "$T/in/djembe/hit1.wav" -o "$T/g.ogg"
check_grep ogg-out-msg "g.ogg: cannot write .ogg files" "$T/.err"

# slice: three plucks 0.5 s apart (stereo, mixed down) -> three hits and their rows
sox -R -D -n -r 44100 -b 16 -c 2 "$T/three.wav" synth 0.3 pluck 220 fade 0 0.3 0.25 pad 0.2 0 repeat 2 2>/dev/null
check slice $A slice "$T/three.wav" --out "$T/sl" --label pluck
check_grep slice-count '^3 hits' "$T/.out"
check_exit slice-rows 0 test "$(grep -c '^train/three_h00[0-2].wav,train,three,three,pluck,' "$T/sl/metadata.csv")" = 3
check_exit slice-silent 1 $A slice "$T/zero.wav" --out "$T/sl2"
check_exit slice-bad-split 2 $A slice "$T/three.wav" --out "$T/sl2" --split holdout

# sequence: loops of at least 6 s from the sliced hits, same seed same bytes
check sequence env OMP_NUM_THREADS=2 $A sequence --in "$T/sl" --out "$T/sq" --n 2 --seed 9 --swing 0.1
check sequence-again env OMP_NUM_THREADS=1 $A sequence --in "$T/sl" --out "$T/sq2" --n 2 --seed 9 --swing 0.1
check sequence-identical diff -r "$T/sq" "$T/sq2"
check_grep sequence-row '^train/loop_001.wav,train,sequence,sequence,loop,([6-9]|[1-9][0-9])\.' "$T/sq/metadata.csv"
# every sequence row replays bit-exactly (resolved record + sequence_hits.csv), also from a
# random pattern; the replayed folder compares byte for byte and replays again
check sequence-rand $A sequence --in "$T/sl" --out "$T/sqr" --n 3 --seed 4 --tempo 100:140 --vel-sd 3
check_grep sequence-record 'rr=[0-9]+,seed=[0-9]+,pattern=[Xxo.]+' "$T/sqr/metadata.csv"
check sequence-replay $A replay "$T/sqr/metadata.csv" --out "$T/sqr_re"
check sequence-replay-same cmp "$T/sqr/train/loop_002.wav" "$T/sqr_re/train/loop_002.wav"
check sequence-replay-fixed $A replay "$T/sq/metadata.csv" --out "$T/sq_re"
check sequence-replay-diff diff -r -x '*.csv' "$T/sq" "$T/sq_re"
check sequence-replay-twice $A replay "$T/sqr_re/metadata.csv" --out "$T/sqr_re2"
sed -i 's/seed=[0-9]*,/seed=1,/' "$T/sqr_re2/metadata.csv"
check_exit sequence-replay-tampered 1 $A replay "$T/sqr_re2/metadata.csv" --out "$T/sqr_re3"
check_exit sequence-bad-pattern 1 $A sequence --in "$T/sl" --out "$T/sq3" --n 1 --seed 1 --pattern 'x.x?'
check_exit sequence-refuses-test 1 $A sequence --in "$T/in" --out "$T/sq4" --n 1 --seed 1

# an empty train split (data export --allow-empty) gives an empty corpus, not a failure
mkdir -p "$T/empty_in"; head -1 "$T/r1/metadata.csv" > "$T/empty_in/metadata.csv" 2>/dev/null || true
check run-empty $A run --in "$T/empty_in/metadata.csv" --ops 'gain:db=1' --n 2 --seed 1 --out "$T/re"
check_exit run-empty-meta 0 test "$(wc -l < "$T/re/metadata.csv")" = 1
# headroom: a chain that would clip is scaled to a 0.98 peak, and replays bit-exactly
check run-hot $A run --in "$T/train" --ops 'gain:db=24' --n 1 --seed 1 --out "$T/rh"
check_exit run-hot-noclip 1 grep -q clipped "$T/.err"
check replay-hot $A replay "$T/rh/metadata.csv" --out "$T/rh2"

# resume: a restarted run reuses finished items and regenerates a missing one identically
cp -r "$T/r1" "$T/r4"; rm "$T/r4/train/hit1_a002.wav" "$T/r4/metadata.csv"
check run-resume env OMP_NUM_THREADS=2 $A run --in "$T/train" --ops "$OPS" --n 4 --seed 42 --out "$T/r4"
check_grep run-resume-reused '7 of 8 items reused' "$T/.err"
check run-resume-identical diff -r "$T/r1" "$T/r4"

# shards fan out, a final unsharded run merges them (every item reused), same bytes as r1
check run-shard1 $A run --in "$T/train" --ops "$OPS" --n 4 --seed 42 --out "$T/r5" --shard 1/2
check run-shard2 $A run --in "$T/train" --ops "$OPS" --n 4 --seed 42 --out "$T/r5" --shard 2/2
check_exit run-shard-rows 0 test "$(wc -l < "$T/r5/metadata.shard-2-of-2.csv")" = 5
check run-shard-merge $A run --in "$T/train" --ops "$OPS" --n 4 --seed 42 --out "$T/r5"
check_grep run-shard-merge-reused '8 of 8 items reused' "$T/.err"
check run-shard-identical cmp "$T/r1/metadata.csv" "$T/r5/metadata.csv"
check_exit run-shard-bad 2 $A run --in "$T/train" --ops 'gain:db=1' --n 1 --seed 1 --out "$T/r6" --shard 3/2

# inputs listed in a metadata.csv are checked against their sha256 before use
mkdir -p "$T/chk"; cp -r "$T/r1/train" "$T/chk/"; cp "$T/r1/metadata.csv" "$T/chk/"
check run-from-meta $A run --in "$T/chk/metadata.csv" --ops 'gain:db=-1' --n 1 --seed 1 --out "$T/rc1"
sox -R -D -n -r 44100 -b 16 -c 1 "$T/chk/train/hit1_a000.wav" synth 0.1 sine 300 2>/dev/null
check_exit run-checksum 1 $A run --in "$T/chk/metadata.csv" --ops 'gain:db=-1' --n 1 --seed 1 --out "$T/rc2"
check_grep run-checksum-msg 'hit1_a000.wav: sha256 differs' "$T/.err"
