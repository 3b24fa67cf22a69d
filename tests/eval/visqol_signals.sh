#!/usr/bin/env bash
# visqol_signals.sh DIR: writes the ViSQOL validation signals to DIR (48 kHz mono 32-bit float
# WAV, repeatable: sox -R everywhere) and prints one line per pair: "name ref.wav est.wav".
# Two references: hits synthesised by sox (always available) and hits of the Hydrogen kit
# Millo_MultiLayered2 (hydrogen-drumkits, skipped when absent), each joined with gaps into a
# few seconds, then degraded. tests/eval/visqol_ref.py scores the pairs with visqol-python;
# tests/eval/test_visqol_ref.sh with gendang-eval.
set -euo pipefail
D=$1
mkdir -p "$D"
S="sox -R -V1"
F="-r 48000 -c 1 -b 32 -e floating-point"

# drum-like one-shots from sox alone: sine sweep kick, noise snare, hat, pluck tom, clap
$S -n $F "$D/k.wav" synth 0.45 sine 160-45 fade 0 0.45 0.4
$S -n $F "$D/sn.wav" synth 0.3 whitenoise synth 0.3 sine mix 190 fade 0 0.3 0.28 vol 0.6
$S -n $F "$D/h.wav" synth 0.12 whitenoise highpass 7000 fade 0 0.12 0.11 vol 0.5
$S -n $F "$D/t.wav" synth 0.6 pluck 110 fade 0 0.6 0.5
$S -n $F "$D/c.wav" synth 0.2 pinknoise bandpass 1200 800 fade 0 0.2 0.18
$S -n $F "$D/gap.wav" trim 0 0.25
parts=()
for x in k h sn h k k sn h t c k h sn t; do parts+=("$D/$x.wav" "$D/gap.wav"); done
$S "${parts[@]}" $F "$D/synth_ref.wav"
bases=(synth)

K="/usr/share/hydrogen/data/drumkits/Millo_MultiLayered2"
if [ -f "$K/bd_01.flac" ]; then
    parts=()
    for x in bd_03 hhclosed_02 jsnare_03 hhclosed_02 bd_03 tom_02 floortom_02 clap_02 \
             rim_02 hhopen_01 bd_05 rsnare_04 crash_02; do
        $S "$K/$x.flac" $F "$D/$x.wav"
        parts+=("$D/$x.wav" "$D/gap.wav")
    done
    $S "${parts[@]}" $F "$D/kit_ref.wav"
    bases+=(kit)
fi

for b in "${bases[@]}"; do
    R="$D/${b}_ref.wav"
    len=$(soxi -D "$R")
    $S -n $F "$D/${b}_wn.wav" synth "$len" whitenoise vol 0.03
    $S -n $F "$D/${b}_pn.wav" synth "$len" pinknoise vol 0.003
    cp "$R" "$D/${b}_ident.wav"
    $S "$R" $F "$D/${b}_gain.wav" vol 0.5
    $S "$R" $F "$D/${b}_lp3k.wav" lowpass 3000
    $S "$R" $F "$D/${b}_lp8k.wav" lowpass 8000
    $S "$R" $F "$D/${b}_hp300.wav" highpass 300
    $S -m "$R" "$D/${b}_wn.wav" $F "$D/${b}_noise30.wav"
    $S -m "$R" "$D/${b}_pn.wav" $F "$D/${b}_noise50.wav"
    $S "$R" $F "$D/${b}_pitch.wav" pitch 40
    $S "$R" -b 8 -e unsigned-integer -D "$D/${b}_u8.wav"
    $S "$D/${b}_u8.wav" $F "$D/${b}_8bit.wav"
    $S "$R" $F "$D/${b}_tel.wav" rate 8000 rate 48000
    $S "$R" $F "$D/${b}_reverb.wav" reverb 40
    $S "$R" $F "$D/${b}_od.wav" overdrive 15
    $S "$R" $F "$D/${b}_late.wav" pad 0.15 0
    $S "$R" $F "$D/${b}_tempo.wav" tempo 1.02
    for e in ident gain lp3k lp8k hp300 noise30 noise50 pitch 8bit tel reverb od late tempo; do
        echo "${b}_$e $R $D/${b}_$e.wav"
    done
done
