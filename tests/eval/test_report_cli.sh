# test_report_cli.sh: gendang-eval report writes metrics.json, report.md, report.html with
# PNG spectrograms, WAV copies for the players (relative paths, nothing fetched from the
# network) and a loss plot from a training log (a torn last line ignored).
source "$(dirname "$0")/../cli/lib.sh"
E=gendang-eval
mkdir -p "$T/ref" "$T/est"
sox -R -n -r 44100 -c 1 "$T/ref/a.wav" synth 0.5 pluck 110 fade 0 0.5 0.4 2>/dev/null
sox -R -n -r 44100 -c 2 "$T/ref/b c.wav" synth 0.4 noise fade 0 0.4 0.39 2>/dev/null
sox "$T/ref/a.wav" "$T/est/a.wav" vol 0.7 lowpass 4000
sox "$T/ref/b c.wav" "$T/est/b c.wav" vol 0.9
# The log's last line is torn (its writer killed mid-row): the report ignores it.
printf 'step,loss_total,loss_kl,lr\n0,5.0,1.0,0.001\n100,3.0,0.8,0.001\n200,2.0,0.7,0.001\n300,1.' > "$T/log.csv"
check_exit "help exits 0" 0 $E report --help
check_exit "missing -o exits 2" 2 $E report "$T/ref" "$T/est"
check "report" $E report -q --log "$T/log.csv" --transfer "$T/est/a.wav" --title "t <&>" -o "$T/out" "$T/ref" "$T/est"
for f in metrics.json report.md report.html img/0000_spec.png img/0001_spec.png img/loss.png \
         audio/0000_ref.wav audio/0000_est.wav audio/0001_ref.wav audio/transfer_00.wav; do
    if [ -s "$T/out/$f" ]; then echo "ok wrote $f"; else echo "FAIL wrote $f"; fi
done
if [ "$(head -c 8 "$T/out/img/0000_spec.png" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ]; then
    echo "ok png signature"; else echo "FAIL png signature"; fi
check_grep "html audio players relative" '<audio controls preload="none" src="audio/0000_ref.wav">' "$T/out/report.html"
check_grep "html images relative" '<img src="img/0001_spec.png"' "$T/out/report.html"
check_grep "html loss plot" 'img/loss.png' "$T/out/report.html"
check_grep "html legend names loss columns" 'loss_kl' "$T/out/report.html"
check_grep "title escaped" '<h1>t &lt;&amp;&gt;</h1>' "$T/out/report.html"
check_grep "clip name with space" 'b c.wav' "$T/out/report.html"
if grep -qE 'https?://|//cdn' "$T/out/report.html"; then echo "FAIL no network references"; else echo "ok no network references"; fi
# every src in the page exists relative to the report folder
missing=0
for s in $(grep -o 'src="[^"]*"' "$T/out/report.html" | sed 's/src="//; s/"$//'); do
    [ -f "$T/out/$s" ] || { echo "  missing $s"; missing=1; }
done
[ $missing = 0 ] && echo "ok all media present" || echo "FAIL all media present"
# the metric definitions ship with the report: a copy of docs/eval-metrics.md, linked
check_grep "html links the definitions" '<a href="eval-metrics.md">eval-metrics.md</a>' "$T/out/report.html"
check_grep "markdown links the definitions" '\[eval-metrics.md\]\(eval-metrics.md\)' "$T/out/report.md"
check_grep "metrics.json names the copy" '"definitions":"eval-metrics.md"' "$T/out/metrics.json"
if cmp -s "$T/out/eval-metrics.md" "${GD_ROOT:-$(pwd)}/docs/eval-metrics.md"; then
    echo "ok definitions copied"; else echo "FAIL definitions copied"; fi
missing=0   # every link target exists relative to the report folder
for s in $(grep -o 'href="[^"]*"' "$T/out/report.html" | sed 's/href="//; s/"$//'); do
    [ -f "$T/out/$s" ] || { echo "  missing $s"; missing=1; }
done
[ $missing = 0 ] && echo "ok all links present" || echo "FAIL all links present"
mkdir -p "$T/lone/bin" && cp "$GD_BIN/gendang-eval" "$T/lone/bin/"   # no docs beside it
check "report without definitions beside the binary" "$T/lone/bin/gendang-eval" report -o "$T/out5" "$T/ref" "$T/est"
check_grep "says so" 'eval-metrics.md not found' "$T/.err"
if grep -q 'href="eval-metrics.md"' "$T/out5/report.html" || [ -e "$T/out5/eval-metrics.md" ]; then
    echo "FAIL no dangling definitions link"; else echo "ok no dangling definitions link"; fi
check_grep "metrics.json pairs" '"n_pairs":2' "$T/out/metrics.json"
check_grep "metrics.json summary" '"summary":\{"rave_mss":\{"n":2' "$T/out/metrics.json"
check_grep "markdown table" '^\| a.wav \|' "$T/out/report.md"
check_exit "bad log exits 1" 1 $E report -q --log "$T/nope.csv" -o "$T/out2" "$T/ref" "$T/est"
check_grep "pairs.jsonl written" '^\{"clip":"a.wav"' "$T/out/pairs.jsonl"
check "compare takes report folders" $E compare "$T/out" "$T/out"
check_grep "same run: no evidence" '^PRIMARY rave_mss: no evidence either way' "$T/.out"
# --compare includes a compare output; a log without *loss* columns plots its numeric columns
$E compare "$T/out" "$T/out" > "$T/cmp.txt"
printf 'step,spectral,kl\n0,3,1\n10,2,0.5\n20,1.5,0.4\n' > "$T/log2.csv"
check "report with --compare" $E report -q --compare "$T/cmp.txt" --log "$T/log2.csv" -o "$T/out3" "$T/ref" "$T/est"
check_grep "compare text in html" '<h2>Comparison: cmp.txt</h2>' "$T/out3/report.html"
check_grep "compare verdict in md" 'PRIMARY rave_mss' "$T/out3/report.md"
check_grep "numeric columns plotted" 'spectral' "$T/out3/report.html"
check_exit "missing --compare file exits 1" 1 $E report -q --compare "$T/none.txt" -o "$T/out4" "$T/ref" "$T/est"
# models (one pairs file per seed) and baselines side by side
genarm() {  # FILE RAVE_SHIFT: 6 clips in 3 groups with the table's metrics
    awk -v s="$2" 'BEGIN { for (i = 0; i < 6; i++)
        printf "{\"clip\":\"c%d.wav\",\"group\":\"g%d\",\"rave_mss\":%.4f,\"decay_t60_err\":%.2f,\"loudness_diff_lu\":%.2f,\"low_energy_share_ref\":0.2,\"low_energy_share_est\":%.2f}\n",
            i, int(i / 2), 10 + s + 0.1 * i, 20 + i, (i % 2 ? -2 : 2), 0.1 + s / 100 }' > "$1"
}
genarm "$T/m1.jsonl" 0; genarm "$T/m2.jsonl" 0.2; genarm "$T/m3.jsonl" -0.2; genarm "$T/near.jsonl" -3
check "report of models and baselines alone" $E report -q --arm "big=$T/m1.jsonl,$T/m2.jsonl,$T/m3.jsonl" \
    --baseline "nearest=$T/near.jsonl" -o "$T/arms"
check_grep "table row: seeds, clips, groups, mean +- seed SD" '^\| big \| model \| 3 \| 6 \| 3 \| 10\.25 ± 0\.2 \| 22\.5 ± 0 \| 2 ± 0 \| 0\.2 ± 0 \| 0\.1 ± 0 \|$' "$T/arms/report.md"
check_grep "baseline row" '^\| nearest \| baseline \| 1 \| 6 \| 3 \| 7\.25 \|' "$T/arms/report.md"
check_grep "low-frequency share columns" 'low_energy_share_ref \| low_energy_share_est' "$T/arms/report.md"
check_grep "below-baseline sentence" '^Model big is below baseline nearest on rave_mss: 10\.25 \(mean of 3 seeds; seed SD 0\.2\) against 7\.25 on the same 6 clips' "$T/arms/report.md"
check_grep "html table" '<td>big</td><td>model</td><td>3</td><td>6</td><td>3</td><td>10\.25 ± 0\.2</td>' "$T/arms/report.html"
check_grep "html sentence" '<p>Model big is below baseline nearest' "$T/arms/report.html"
check_grep "metrics.json section" '"models_and_baselines":\[\{"name":"big","kind":"model",.*"seeds":3,"clips":6,"groups":3,"metrics":\{"rave_mss":\{"n":6,"mean":10\.25,"seed_sd":0\.2' "$T/arms/metrics.json"
genarm "$T/far.jsonl" 5
check "report with pairs and a baseline" $E report -q --arm "one=$T/m1.jsonl" --baseline "far=$T/far.jsonl" -o "$T/arms2" "$T/ref" "$T/est"
check_grep "pairs still reported" '^\| a.wav \|' "$T/arms2/report.md"
check_grep "one seed said" 'Model one beats baseline far on rave_mss: 10\.25 \(one seed: training noise unmeasured\) against 15\.25' "$T/arms2/report.md"
check_exit "--arm without NAME= exits 2" 2 $E report -q --arm "$T/m1.jsonl" -o "$T/arms3"
check_exit "missing arm file exits 1" 1 $E report -q --arm "x=$T/none.jsonl" -o "$T/arms3"
check_exit "neither pairs nor arms exits 2" 2 $E report -q -o "$T/arms3"
# --attribution DIR: the folder `gendang-train attribute -o` writes (hand-made here)
mkdir -p "$T/attr"
printf 'time_s,energy_db,kept,top,bell/high,drum/low\n0,0,1,drum/low,0.25,0.75\n0.1,-70,0,,,\n' > "$T/attr/frames.csv"
printf '0,0,1,bell/high,1,0\n0.1,-70,0,,,\n' | cat <(head -1 "$T/attr/frames.csv") - > "$T/attr/frames_transfer.csv"
printf 'input: x.wav\n75 %% of the input<s energy is nearest to drum/low frames\n' > "$T/attr/summary.txt"
check "report --attribution" $E report -q --attribution "$T/attr" -o "$T/at" "$T/ref" "$T/est"
check "  ... timeline image" test -s "$T/at/img/attribution.png"
check_grep "  ... html section with the image" '<h2>Attribution</h2>' "$T/at/report.html"
check_grep "  ... html legend names the labels" 'background:#d62728"></span>drum/low' "$T/at/report.html"
check_grep "  ... html says there is a transfer strip" 'bottom strip: the model.s transfer' "$T/at/report.html"
check_grep "  ... html summary escaped" 'input&lt;s energy is nearest to drum/low' "$T/at/report.html"
check_grep "  ... markdown section" '^## Attribution' "$T/at/report.md"
check_exit "--attribution without frames.csv exits 1" 1 $E report -q --attribution "$T/none" -o "$T/at2" "$T/ref" "$T/est"
check_grep "  ... naming the file" 'none/frames.csv: no such file' "$T/.err"
check "  ... before writing anything" test ! -e "$T/at2"
