# test_compare_cli.sh: gendang-eval compare on constructed per-clip results whose answer is
# known: B beats A on rave_mss and si_sdr_db, ties on mel_l1; exact small-n p-values; seeds
# (a verdict needs the between-seed test too; one seed gives none unless asked), groups,
# and the nearest-training-hit baseline.
source "$(dirname "$0")/../cli/lib.sh"
E=gendang-eval
gen() {  # gen FILE SHIFT_MSS SHIFT_SDR JITTER [N]
    awk -v s="$2" -v q="$3" -v j="$4" -v n="${5:-24}" 'BEGIN {
        for (i = 0; i < n; i++) {
            base = 1 + (i % 7) * 0.1; sgn = (i % 2) ? 1 : -1;
            printf "{\"clip\":\"c%02d.wav\",\"rave_mss\":%.6f,\"mel_l1\":%.6f,\"si_sdr_db\":%.6f,\"loudness_diff_lu\":%.3f,\"f0_err_cents\":null}\n",
                i, base + s + 0.01 * (i % 3), base + j * sgn, 10 + q + 0.1 * (i % 4), (i % 2 ? 1 : -1) * (1 + s)
        }
        print "{\"summary\":{}}" }' > "$1"
}
gen "$T/a.jsonl" 0 0 0
gen "$T/b.jsonl" -0.5 2 0.1
check_exit "help exits 0" 0 $E compare --help
check_exit "one arg exits 2" 2 $E compare "$T/a.jsonl"
check_exit "bad primary exits 2" 2 $E compare --primary nope "$T/a.jsonl" "$T/b.jsonl"
check "compare text" $E compare --allow-single-seed "$T/a.jsonl" "$T/b.jsonl"
check_grep "primary verdict B better" '^PRIMARY rave_mss: B better by 0\.5 ' "$T/.out"
check_grep "si_sdr B better" '^si_sdr_db: B better by 2 ' "$T/.out"
check_grep "mel_l1 no evidence" '^mel_l1: no evidence either way' "$T/.out"
check_grep "abs level diff: B better" '^loudness_diff_lu: B better by 0\.5' "$T/.out"
check_grep "all-null metric reported" '^f0_err_cents: no clips with values' "$T/.out"
check "compare json" $E compare --allow-single-seed --json "$T/a.jsonl" "$T/b.jsonl"
check_grep "json fields" '"metric":"rave_mss","primary":true,"n":24,.*"ci95_lo":-0\.5.*"p":' "$T/.out"
cp "$T/.out" "$T/c1.json"
check "same seed, same output" $E compare --allow-single-seed --json "$T/a.jsonl" "$T/b.jsonl"
if cmp -s "$T/.out" "$T/c1.json"; then echo "ok deterministic"; else echo "FAIL deterministic"; fi
# seeds: two B files averaged per clip
gen "$T/b2.jsonl" -0.3 2 0.1
check "seed files averaged" $E compare --allow-single-seed "$T/a.jsonl" "$T/b.jsonl,$T/b2.jsonl"
check_grep "average of seeds" '^PRIMARY rave_mss: B better by 0\.4 ' "$T/.out"
# n = 5 all improved: the exact sign-flip p is 0.0625, so no evidence at alpha 0.05
gen "$T/a5.jsonl" 0 0 0 5; gen "$T/b5.jsonl" -0.5 0 0 5
check "n=5" $E compare --allow-single-seed "$T/a5.jsonl" "$T/b5.jsonl"
check_grep "n=5 exact p 0.0625" 'rave_mss: no evidence either way.*p = 0\.0625' "$T/.out"
gen "$T/a6.jsonl" 0 0 0 6; gen "$T/b6.jsonl" -0.5 0 0 6
check "n=6" $E compare --allow-single-seed "$T/a6.jsonl" "$T/b6.jsonl"
check_grep "n=6 exact p 0.03125" 'rave_mss: B better.*p = 0\.03125' "$T/.out"
# mismatched clip lists are named
head -n 23 "$T/b.jsonl" > "$T/short.jsonl"
check_exit "mismatched clips exit 1" 1 $E compare "$T/a.jsonl" "$T/short.jsonl"
check_grep "missing clip named" 'c23.wav' "$T/.err"
echo "garbage" > "$T/bad.jsonl"
check_exit "bad input exits 1" 1 $E compare "$T/a.jsonl" "$T/bad.jsonl"
# one seed per arm: the seed spread is unmeasured, so no verdict without --allow-single-seed
check "single seed" $E compare "$T/a.jsonl" "$T/b.jsonl"
check_grep "single seed said plainly" '^seed spread unmeasured: each arm has a single seed' "$T/.out"
check_grep "single seed: no verdict" '^PRIMARY rave_mss: no verdict: seed spread unmeasured: each arm has 1 seed; the clip test alone says B better by 0\.5 ' "$T/.out"
check_grep "per-arm line" '^arm B: 1 seed, 24 clips' "$T/.out"
check "single seed json" $E compare --json "$T/a.jsonl" "$T/b.jsonl"
check_grep "json decision no verdict" '"metric":"rave_mss".*"decision":"no verdict"' "$T/.out"

# three seeds per arm: FILE EFFECT OFFSET NOISE_SEED [GROUPS]: rave_mss = clip effect + EFFECT
# + OFFSET (the seed's training noise, common to every clip) + small clip x seed noise
genseed() {
    awk -v e="$2" -v o="$3" -v k="$4" -v g="${5:-0}" 'BEGIN {
        for (i = 0; i < 24; i++) {
            grp = g ? sprintf(",\"group\":\"g%d\"", int(i / 3)) : ""
            printf "{\"clip\":\"c%02d.wav\"%s,\"rave_mss\":%.6f,\"mel_l1\":%.6f}\n", i, grp,
                10 + (i % 7) * 0.5 + e + o + 0.02 * sin(i * 7.1 + k * 3.3), 2 + 0.02 * sin(i * 5.3 + k)
        } }' > "$1"
}
genseed "$T/s1.jsonl" 0 -0.05 1; genseed "$T/s2.jsonl" 0 0 2; genseed "$T/s3.jsonl" 0 0.05 3
genseed "$T/s4.jsonl" -0.5 0.04 4; genseed "$T/s5.jsonl" -0.5 -0.05 5; genseed "$T/s6.jsonl" -0.5 0.01 6
A3="$T/s1.jsonl,$T/s2.jsonl,$T/s3.jsonl"; B3="$T/s4.jsonl,$T/s5.jsonl,$T/s6.jsonl"
check "3 seeds, small spread" $E compare "$A3" "$B3"
check_grep "small seed spread: verdict" '^PRIMARY rave_mss: B better by 0\.4998 .*seeds: Welch p = 0\.000227[0-9]* \(df 4\.0\), two-level 95% CI \[-0\.57[0-9]*, -0\.42' "$T/.out"
check_grep "per-arm seeds" '^arm A: 3 seeds, 24 clips' "$T/.out"
check_grep "seed SD in the table" '^rave_mss +24 +11\.37 +0\.04988 +10\.88 +0\.04638$' "$T/.out"
if grep -q 'unmeasured' "$T/.out"; then echo "FAIL no single-seed note"; else echo "ok no single-seed note"; fi
genseed "$T/l1.jsonl" 0 -1 1; genseed "$T/l2.jsonl" 0 0 2; genseed "$T/l3.jsonl" 0 1 3
genseed "$T/l4.jsonl" -0.5 0.8 4; genseed "$T/l5.jsonl" -0.5 -1 5; genseed "$T/l6.jsonl" -0.5 0.2 6
check "3 seeds, large spread" $E compare "$T/l1.jsonl,$T/l2.jsonl,$T/l3.jsonl" "$T/l4.jsonl,$T/l5.jsonl,$T/l6.jsonl"
check_grep "large seed spread: no evidence, seed tests named" '^PRIMARY rave_mss: no evidence either way \(between-seed test failed; two-level CI includes 0\)' "$T/.out"
check_grep "  ... although the clip test passes" '^PRIMARY rave_mss: .*95% CI \[-0\.5[0-9]*, -0\.4' "$T/.out"
check "json with seeds" $E compare --json "$A3" "$B3"
check_grep "json seed fields" '"metric":"rave_mss".*"seeds_a":3,"seeds_b":3,.*"seed_sd_a":0\.0498.*"p_seed":.*"ci95_two_level_lo":.*"decision":"B better"' "$T/.out"
# groups: 8 groups of 3 clips are the resampling units
genseed "$T/g1.jsonl" 0 -0.05 1 1; genseed "$T/g4.jsonl" -0.5 0.04 4 1
check "groups" $E compare "$T/g1.jsonl,$T/s2.jsonl,$T/s3.jsonl" "$T/g4.jsonl,$T/s5.jsonl,$T/s6.jsonl"
check_grep "groups counted" '^arm A: 3 seeds, 24 clips, 8 groups' "$T/.out"
check_grep "exact over 8 groups" 'rave_mss: B better.*p = 0\.007812,.*\(8 groups\)' "$T/.out"
sed 's/"g1"/"gX"/' "$T/g4.jsonl" > "$T/gbad.jsonl"
check_exit "conflicting groups exit 1" 1 $E compare "$T/g1.jsonl" "$T/gbad.jsonl"
check_grep "conflict named" 'clip c03.wav: group g1 in .* but gX in' "$T/.err"
# baseline: a trivial model better than both arms refuses the verdict (exit 0); --force gives it
genseed "$T/base.jsonl" -3 0 9
check "below baseline" $E compare --baseline "$T/base.jsonl" "$A3" "$B3"
check_grep "baseline mean shown" '^baseline \(nearest training hit\): .*base.jsonl: mean rave_mss 8\.374 on 24 clips; A 11\.37 \(below baseline\), B 10\.88 \(below baseline\)$' "$T/.out"
check_grep "verdict refused" '^PRIMARY rave_mss: no verdict: model below baseline \(nearest training hit\) \(A and B below it on rave_mss; the tests alone: B better by 0\.4998\)' "$T/.out"
check_grep "secondary refused too" '^mel_l1: no verdict: model below baseline' "$T/.out"
check "--force" $E compare --force --baseline "$T/base.jsonl" "$A3" "$B3"
check_grep "forced verdict marked" '^PRIMARY rave_mss: B better by 0\.4998 .*\[forced: A and B below the baseline\]' "$T/.out"
genseed "$T/base2.jsonl" 1 0 9
check "above baseline" $E compare --baseline "$T/base2.jsonl" "$A3" "$B3"
check_grep "both above the baseline: verdict" '^PRIMARY rave_mss: B better by 0\.4998 ' "$T/.out"
genseed "$T/base3.jsonl" -0.25 0 9
check "A below baseline" $E compare --baseline "$T/base3.jsonl" "$A3" "$B3"
check_grep "one arm below is enough" '^PRIMARY rave_mss: no verdict: model below baseline \(nearest training hit\) \(A below it' "$T/.out"
check "baseline json" $E compare --json --baseline "$T/base.jsonl" "$A3" "$B3"
check_grep "json baseline fields" '"metric":"rave_mss".*"mean_baseline":8\.37[0-9]*,"n_baseline":24,"below_baseline_a":true,"below_baseline_b":true.*"decision":"no verdict"' "$T/.out"
head -n 20 "$T/base.jsonl" > "$T/base_short.jsonl"
check_exit "baseline missing clips exits 1" 1 $E compare --baseline "$T/base_short.jsonl" "$A3" "$B3"
