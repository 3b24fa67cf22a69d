#!/usr/bin/env bash
# make_classes.sh: two clearly different constructed sound classes for attribution tests.
#   make_classes.sh clip drum|bell I OUT.wav   one clip: drum = a decaying low sine
#                                              (50 + 7 I Hz); bell = three inharmonic high
#                                              partials (f, 2.76 f, 5.40 f; f = 1100 + 90 I Hz)
#   make_classes.sh corpus DIR N_DRUM N_BELL   a gendang corpus (DIR/{train,valid}/*.wav and
#                                              DIR/metadata.csv with the columns of
#                                              core/metadata.h; label drum/low or bell/high,
#                                              group drum or bell): train clips I = 0, 2, ..
#                                              (so odd I are new sounds within the range),
#                                              one valid clip (I = 1) per class
set -eu  # sox -D: no dither, so the clips are the same bytes on every run
clip() {   # clip CLASS I OUT
    local f
    if [ "$1" = drum ]; then
        f=$((50 + 7 * $2))
        sox -D -r 44100 -n -b 16 "$3" synth 0.25 sine $f fade q 0.002 0.25 0.24 gain -3
    else
        f=$((1100 + 90 * $2))
        sox -D -r 44100 -c 3 -n -b 16 "$3" synth 0.25 sine $f sine "$(echo "$f * 2.76" | bc)" \
            sine "$(echo "$f * 5.40" | bc)" remix - fade q 0.002 0.25 0.2 gain -3
    fi
}
if [ "$1" = clip ]; then clip "$2" "$3" "$4"; exit 0; fi
out=$2; nd=$3; nb=$4
mkdir -p "$out/train" "$out/valid"
{
    echo "file_name,split,source_id,group,label,duration_s,sample_rate,sha256,seed,ops"
    for cls in bell drum; do
        n=$nb; stroke=high
        [ $cls = drum ] && { n=$nd; stroke=low; }
        for i in 1 $(seq 0 2 $((2 * n - 2))); do
            split=train; [ "$i" = 1 ] && split=valid
            name=$(printf '%s%02d' $cls "$i")
            clip $cls "$i" "$out/$split/$name.wav"
            sha=$(sha256sum "$out/$split/$name.wav" | cut -d' ' -f1)
            echo "$split/$name.wav,$split,$name,$cls,$cls/$stroke,0.250000,44100,$sha,0,"
        done
    done
} > "$out/metadata.csv"
