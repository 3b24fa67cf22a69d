#!/usr/bin/env bash
# test_fit.sh: gendang-train end to end on a corpus built from the default data with the tiny
# config: training with falling loss, exact --resume on one thread (also after kill -9, with
# --resume auto), checkpoint verification, encode/decode/transfer (block streaming equals
# one-pass processing), and bad input.
. "$(dirname "$0")/../cli/lib.sh"
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
gt="$GD_BIN/gendang-train"
root=${GD_ROOT:-$(pwd)}
bash "$root/tests/train/make_corpus.sh" "$T/corpus" 6 2
cp "$root/train/configs/tiny.yaml" "$T/tiny.yaml"
sed -i 's/^ckpt_every: .*/ckpt_every: 20/; s/^val_every: .*/val_every: 20/' "$T/tiny.yaml"
sed 's/^ckpt_every: .*/ckpt_every: 5/' "$T/tiny.yaml" > "$T/c5.yaml"

check_exit "help exits 0" 0 "$gt" --help
check_exit "no command exits 2" 2 "$gt"
check_exit "fit without corpus exits 2" 2 "$gt" fit --config tiny --steps 1 -o "$T/x"

check "fit 40 steps" "$gt" fit --corpus "$T/corpus" --config "$T/c5.yaml" --steps 40 -o "$T/full" -q
check_grep "log has 40 rows" '^39,1,' "$T/full/log.csv"
# loss falls: over 150 steps, the mean of the last 10 below 0.8 x the mean of the first 10
check "fit 150 steps" "$gt" fit --corpus "$T/corpus" --config "$T/tiny.yaml" --steps 150 -o "$T/long" -q
check "loss falls" awk -F, 'NR>1 && NR<=11 {a+=$4} NR>141 {b+=$4} END {exit !(b < 0.8*a)}' "$T/long/log.csv"
# --init: the weights of a model, a fresh optimiser and step 0; its first loss is the trained
# model's, well below a fresh start's.
check "fit --init" "$gt" fit --corpus "$T/corpus" --init "$T/long/model.safetensors" --steps 3 -o "$T/init" -q
check "--init starts at step 0 from the trained weights" awk -F, 'FNR==2 && NR==FNR {a=$4} FNR==2 && NR>FNR {b=$4} END {exit !(b < 0.8*a)}' "$T/long/log.csv" "$T/init/log.csv"
check_grep "--init log starts at step 0" '^0,1,' "$T/init/log.csv"
check_exit "--init with --resume exits 2" 2 "$gt" fit --corpus "$T/corpus" --init "$T/long/model.safetensors" --resume --steps 3 -o "$T/init2"
check_exit "--init of another architecture exits 1" 1 "$gt" fit --corpus "$T/corpus" --config small --init "$T/long/model.safetensors" --steps 3 -o "$T/init3"
check_grep "--init mismatch names the tensor" 'model.safetensors: tensor .* (missing|another shape)' "$T/.err"
check_grep "validation loss logged" '^39,1,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[0-9]' "$T/full/log.csv"

check "fit 20 steps" "$gt" fit --corpus "$T/corpus" --config "$T/c5.yaml" --steps 20 -o "$T/part" -q
check "finished run keeps no intermediate checkpoints" test ! -e "$T/part/ckpt_15.safetensors"
# a log with rows past the checkpoint (a duplicate, a later row, a torn last line): dropped
sed -n '$p' "$T/part/log.csv" >> "$T/part/log.csv"
printf '20,1,0.001,9,9,9,9,,,,,1.0\n21,1,0.0' >> "$T/part/log.csv"
check "resume to 40" "$gt" fit --corpus "$T/corpus" --steps 40 --resume -o "$T/part" -q
cut -d, -f1-8 "$T/full/log.csv" > "$T/a.csv"; cut -d, -f1-8 "$T/part/log.csv" > "$T/b.csv"
check "resume reproduces the uninterrupted losses (stale and torn rows dropped)" cmp "$T/a.csv" "$T/b.csv"
check "resumed checkpoint equals uninterrupted" cmp "$T/full/model.safetensors" "$T/part/model.safetensors"

# kill -9 mid-run: no model.safetensors until the run finishes; --resume auto continues from
# the newest checkpoint and ends byte-identical to the uninterrupted run
check "--resume auto in an empty folder starts fresh" "$gt" fit --corpus "$T/corpus" --config "$T/c5.yaml" --steps 2 --resume auto -o "$T/fresh"
check_grep "  ... and says so" 'no checkpoint .*; starting from step 0' "$T/.err"
"$gt" fit --corpus "$T/corpus" --config "$T/c5.yaml" --steps 40 -o "$T/kill" -q 2>/dev/null & pid=$!
for _ in $(seq 2000); do
    ls "$T/kill"/ckpt_*.safetensors >/dev/null 2>&1 && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.005
done
kill -9 $pid 2>/dev/null; wait $pid 2>/dev/null
check "killed mid-run: a checkpoint and no final model" bash -c "ls '$T/kill'/ckpt_*.safetensors && test ! -e '$T/kill/model.safetensors'"
check "rerun with --resume auto" "$gt" fit --corpus "$T/corpus" --config "$T/c5.yaml" --steps 40 --resume auto -o "$T/kill"
check_grep "  ... says which checkpoint it resumed" 'resuming .*/ckpt_[0-9]+\.safetensors at step [1-9]' "$T/.err"
check "  ... leaving no half-written file" bash -c "! ls '$T/kill'/*.tmp.* 2>/dev/null"
check "killed + resumed model equals uninterrupted" cmp "$T/full/model.safetensors" "$T/kill/model.safetensors"
cut -d, -f1-8 "$T/kill/log.csv" > "$T/k.csv"
check "killed + resumed log equals uninterrupted (no duplicate rows)" cmp "$T/a.csv" "$T/k.csv"
check "--resume auto of a finished run trains nothing" "$gt" fit --corpus "$T/corpus" --config "$T/c5.yaml" --steps 40 --resume auto -o "$T/kill"
check_grep "  ... resumes at the last step" 'resuming .*model\.safetensors at step 40' "$T/.err"
check "  ... and leaves the model as it was" cmp "$T/full/model.safetensors" "$T/kill/model.safetensors"
check_exit "--resume auto needs --config" 2 "$gt" fit --corpus "$T/corpus" --steps 40 --resume auto -o "$T/kill"
check_exit "--resume other is a usage error" 2 "$gt" fit --corpus "$T/corpus" --steps 40 --resume=latest -o "$T/kill"

# plain --resume keeps the run's --seed
check "seed 7, 15 steps" "$gt" fit --corpus "$T/corpus" --config "$T/c5.yaml" --seed 7 --steps 15 -o "$T/s7a" -q
check "seed 7, 10 steps" "$gt" fit --corpus "$T/corpus" --config "$T/c5.yaml" --seed 7 --steps 10 -o "$T/s7b" -q
check "  ... resumed to 15 without --seed" "$gt" fit --corpus "$T/corpus" --steps 15 --resume -o "$T/s7b" -q
check "  ... equals the uninterrupted seed-7 run" cmp "$T/s7a/model.safetensors" "$T/s7b/model.safetensors"

# same seed, same thread count (2): byte-identical checkpoints
check "2-thread run A" env OMP_NUM_THREADS=2 "$gt" fit --corpus "$T/corpus" --config "$T/tiny.yaml" --steps 10 -o "$T/t2a" -q
check "2-thread run B" env OMP_NUM_THREADS=2 "$gt" fit --corpus "$T/corpus" --config "$T/tiny.yaml" --steps 10 -o "$T/t2b" -q
check "2-thread runs are byte-identical" cmp "$T/t2a/model.safetensors" "$T/t2b/model.safetensors"

# phase 2 (discriminators, encoder frozen, D every 4th step) and resume across the boundary
sed 's/^phase_1_duration: .*/phase_1_duration: 20/; s/^ckpt_every: .*/ckpt_every: 10/' "$T/tiny.yaml" > "$T/p2.yaml"
check "fit into phase 2" "$gt" fit --corpus "$T/corpus" --config "$T/p2.yaml" --steps 34 -o "$T/p2full" -q
check_grep "phase-2 generator rows log adversarial and FM" '^21,2,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,-?[0-9.e-]+,[0-9.e-]+,,' "$T/p2full/log.csv"
check_grep "phase-2 discriminator rows every 4th step" '^24,2,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,,,[0-9.]+,' "$T/p2full/log.csv"
check "phase-boundary checkpoint kept" test -f "$T/p2full/ckpt_20.safetensors"
check "fit 27 steps" "$gt" fit --corpus "$T/corpus" --config "$T/p2.yaml" --steps 27 -o "$T/p2part" -q
check "resume in phase 2" "$gt" fit --corpus "$T/corpus" --steps 34 --resume -o "$T/p2part" -q
# (column 8, valid, differs: a run also validates at its last step)
cut -d, -f1-7,9-11 "$T/p2full/log.csv" > "$T/a2.csv"; cut -d, -f1-7,9-11 "$T/p2part/log.csv" > "$T/b2.csv"
check "phase-2 resume reproduces the losses" cmp "$T/a2.csv" "$T/b2.csv"

m="$T/full/model.safetensors"
src="$T/corpus/valid/djembe3_bass.wav"
sox "$src" -r 22050 "$T/in22k.wav" 2>/dev/null
check "transfer (22.05 kHz input)" "$gt" transfer "$m" "$T/in22k.wav" -o "$T/out.wav" -q
check_grep "transfer output is 44.1 kHz" '^44100$' <(soxi -r "$T/out.wav")
check "transfer in 1-frame blocks" "$gt" transfer "$m" "$T/in22k.wav" -o "$T/out1.wav" --block 1 -q
check "blocks join exactly (max diff < 1e-4)" bash -c \
    "sox -m -v 1 '$T/out.wav' -v -1 '$T/out1.wav' -n stat 2>&1 | awk '/Maximum amplitude/ {f = 1; ok = (\$3 < 1e-4)} END {exit !(f && ok)}'"
check "transfer a folder into a folder" "$gt" transfer "$m" "$T/corpus/valid" -o "$T/xdir" -q
check "folder transfer writes one WAV per input" test -f "$T/xdir/djembe3_bass.wav" -a -f "$T/xdir/djembe3_slap.wav"
check "transfer one file into a folder (-o without .wav)" "$gt" transfer "$m" "$src" -o "$T/xdir2" -q
check "  ... written as DIR/<name>.wav" test -f "$T/xdir2/djembe3_bass.wav"
# --device cuda without a GPU: tests/train/test_device.sh
check "info" "$gt" info "$m"
check_grep "info lists the step" '^step	40$' "$T/.out"
check_grep "info prints one field" '^2048$|^128$' <("$gt" info "$m" hop)
check "encode" "$gt" encode "$m" "$src" -o "$T/z.csv" -q
check_grep "latents have z0..z7" '^frame,time_s,z0,z1,z2,z3,z4,z5,z6,z7$' "$T/z.csv"
check "decode" "$gt" decode "$m" "$T/z.csv" -o "$T/dec.wav" -q
check "transfer of the source" "$gt" transfer "$m" "$src" -o "$T/tr.wav" -q
sox "$T/dec.wav" "$T/dec_cut.wav" trim 0 "$(soxi -s "$T/tr.wav")s" 2>/dev/null
# away from the file's edges (3000 samples > the tiny receptive field): decode sees zero
# latents outside the file where transfer sees the encoder's response to the edge
check "decode(encode(x)) equals transfer(x) inside the file (same per-frame noise)" bash -c \
    "sox -m -v 1 '$T/tr.wav' -v -1 '$T/dec_cut.wav' -n trim 3000s -3000s stat 2>&1 | awk '/Maximum amplitude/ {f = 1; ok = (\$3 < 1e-4)} END {exit !(f && ok)}'"

# files shorter than the crop are padded, not dropped (one-shots < 1 s, crop 1.5 s)
sed 's/^n_signal: .*/n_signal: 65536/' "$T/tiny.yaml" > "$T/long.yaml"
check "short files padded to the crop" "$gt" fit --corpus "$T/corpus" --config "$T/long.yaml" --steps 2 -o "$T/long"
check_grep "all 6 train files used" 'corpus .*: 6 train, 2 valid files' "$T/.err"

# NaN/Inf: stop, keep the last good checkpoint, say so; resume from it
check_exit "NaN loss stops with exit 1" 1 "$gt" fit --corpus "$T/corpus" --config "$T/c5.yaml" --steps 20 --debug-nan-at 12 -o "$T/nan"
check_grep "NaN reported with the last good checkpoint" 'non-finite loss at step 12; stopped. Last good checkpoint: .*ckpt_10.safetensors \(step 10\); continue with --resume' "$T/.err"
check "NaN stop leaves no final model" test ! -e "$T/nan/model.safetensors"
cp -r "$T/nan" "$T/nan2"; cp -r "$T/nan" "$T/nan3"
check "resume after NaN continues from step 10" "$gt" fit --corpus "$T/corpus" --steps 14 --resume -o "$T/nan"
check_grep "resumed at step 10" 'resuming .*ckpt_10.safetensors at step 10' "$T/.err"
# checkpoints are verified before resuming: a truncated file, or a non-finite value (a NaN
# written into the last float of ckpt_10) is skipped with a note, and the next older is used
cp "$T/nan2/ckpt_10.safetensors" "$T/nan2/ckpt_12.safetensors"
truncate -s -100 "$T/nan2/ckpt_12.safetensors"
printf '\000\000\300\177' | dd of="$T/nan2/ckpt_10.safetensors" bs=1 seek=$(( $(stat -c %s "$T/nan2/ckpt_10.safetensors") - 4 )) conv=notrunc 2>/dev/null
check "resume skips a truncated checkpoint and one holding a NaN" "$gt" fit --corpus "$T/corpus" --steps 14 --resume -o "$T/nan2"
check_grep "  ... naming the size mismatch" 'skipping .*ckpt_12.safetensors: .*bytes, the header describes' "$T/.err"
check_grep "  ... naming the non-finite tensor" 'skipping .*ckpt_10.safetensors: tensor .* holds a non-finite value' "$T/.err"
check_grep "  ... and resumes the older one" 'resuming .*ckpt_5.safetensors at step 5' "$T/.err"
check "  ... ending where the NaN-free run ends" cmp "$T/nan/model.safetensors" "$T/nan2/model.safetensors"
# --resume auto resumes only a checkpoint of this run's config (and seed)
check "--resume auto with another config starts fresh" "$gt" fit --corpus "$T/corpus" --config "$T/tiny.yaml" --steps 6 --resume auto -o "$T/nan3"
check_grep "  ... naming why" 'skipping .*ckpt_5.safetensors: trained with another config' "$T/.err"
check_grep "  ... and what it did" 'starting from step 0' "$T/.err"
# starting over keeps the earlier run's checkpoints until this run writes its first
check_exit "a new run stopped before its first checkpoint" 1 "$gt" fit --corpus "$T/corpus" --config "$T/c5.yaml" --steps 10 --debug-nan-at 2 -o "$T/nan3"
check_grep "  ... says to start over" 'No checkpoint of this run yet; rerun without --resume' "$T/.err"
check "  ... and leaves the earlier run's model" test -s "$T/nan3/model.safetensors"

# bad input
check_exit "missing corpus exits 1" 1 "$gt" fit --corpus "$T/nope" --config tiny --steps 1 -o "$T/y" -q
printf 'file_name,split,source_id,group,label,duration_s,sample_rate,sha256,seed,ops\nvalid/a.wav,valid,a,a,a,1,44100,x,0,\n' > "$T/novalid.csv"
mkdir -p "$T/c2"; cp "$T/novalid.csv" "$T/c2/metadata.csv"
check_exit "no train rows exits 1" 1 "$gt" fit --corpus "$T/c2" --config tiny --steps 1 -o "$T/y" -q
printf 'capacity: 8\nbogus_key: 3\n' > "$T/bad.yaml"
check_exit "unknown config key exits 1" 1 "$gt" fit --corpus "$T/corpus" --config "$T/bad.yaml" --steps 1 -o "$T/y"
check_grep "unknown key named with line" 'bad.yaml:2:1: unknown key .bogus_key.' "$T/.err"
printf 'n_signal: 8000\n' > "$T/bad2.yaml"
check_exit "crop not a multiple of the stride exits 1" 1 "$gt" fit --corpus "$T/corpus" --config "$T/bad2.yaml" --steps 1 -o "$T/y"
check_grep "stride named" 'not a multiple of the total stride 2048' "$T/.err"
head -c 3000 "$m" > "$T/trunc.safetensors"
check_exit "truncated checkpoint exits 1" 1 "$gt" transfer "$T/trunc.safetensors" "$src" -o "$T/z.wav"
check_exit "foreign file as checkpoint exits 1" 1 "$gt" transfer "$src" "$src" -o "$T/z.wav"
cp "$T/corpus/train/djembe1_bass.wav" "$T/c3.wav"
mkdir -p "$T/c3/train"; cp "$T/corpus/metadata.csv" "$T/c3/"; cp "$T/corpus/train/"*.wav "$T/c3/train/"
echo garbage > "$T/c3/train/djembe1_tone.wav"
check "undecodable file skipped" "$gt" fit --corpus "$T/c3" --config tiny --steps 2 -o "$T/r3"
check_grep "skipped file named" 'djembe1_tone.wav: cannot decode; skipped' "$T/.err"
check_exit "undecodable file fatal with --strict" 1 "$gt" fit --corpus "$T/c3" --config tiny --steps 2 --strict -o "$T/r4"
