# test_compare_cli.sh: gendang-eval compare on constructed per-clip results whose answer is
# known: B beats A on rave_mss and si_sdr_db, ties on mel_l1; plus exact small-n p-values.
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
check "compare text" $E compare "$T/a.jsonl" "$T/b.jsonl"
check_grep "primary verdict B better" '^PRIMARY rave_mss: B better by 0\.5 ' "$T/.out"
check_grep "si_sdr B better" '^si_sdr_db: B better by 2 ' "$T/.out"
check_grep "mel_l1 no evidence" '^mel_l1: no evidence either way' "$T/.out"
check_grep "abs level diff: B better" '^loudness_diff_lu: B better by 0\.5' "$T/.out"
check_grep "all-null metric reported" '^f0_err_cents: no clips with values' "$T/.out"
check "compare json" $E compare --json "$T/a.jsonl" "$T/b.jsonl"
check_grep "json fields" '"metric":"rave_mss","primary":true,"n":24,.*"ci95_lo":-0\.5.*"p":' "$T/.out"
cp "$T/.out" "$T/c1.json"
check "same seed, same output" $E compare --json "$T/a.jsonl" "$T/b.jsonl"
if cmp -s "$T/.out" "$T/c1.json"; then echo "ok deterministic"; else echo "FAIL deterministic"; fi
# seeds: two B files averaged per clip
gen "$T/b2.jsonl" -0.3 2 0.1
check "seed files averaged" $E compare "$T/a.jsonl" "$T/b.jsonl,$T/b2.jsonl"
check_grep "average of seeds" '^PRIMARY rave_mss: B better by 0\.4 ' "$T/.out"
# n = 5 all improved: the exact sign-flip p is 0.0625, so no evidence at alpha 0.05
gen "$T/a5.jsonl" 0 0 0 5; gen "$T/b5.jsonl" -0.5 0 0 5
check "n=5" $E compare "$T/a5.jsonl" "$T/b5.jsonl"
check_grep "n=5 exact p 0.0625" 'rave_mss: no evidence either way.*p = 0\.0625' "$T/.out"
gen "$T/a6.jsonl" 0 0 0 6; gen "$T/b6.jsonl" -0.5 0 0 6
check "n=6" $E compare "$T/a6.jsonl" "$T/b6.jsonl"
check_grep "n=6 exact p 0.03125" 'rave_mss: B better.*p = 0\.03125' "$T/.out"
# mismatched clip lists are named
head -n 23 "$T/b.jsonl" > "$T/short.jsonl"
check_exit "mismatched clips exit 1" 1 $E compare "$T/a.jsonl" "$T/short.jsonl"
check_grep "missing clip named" 'c23.wav' "$T/.err"
echo "garbage" > "$T/bad.jsonl"
check_exit "bad input exits 1" 1 $E compare "$T/a.jsonl" "$T/bad.jsonl"
