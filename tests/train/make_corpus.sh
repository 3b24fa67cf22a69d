#!/usr/bin/env bash
# make_corpus.sh OUT_DIR [N_TRAIN] [N_VALID]: a small gendang corpus from the default data
# (hydrogen-drumkits circAfrique v4 one-shots), without the augment stage: the WAVs are
# copied into OUT_DIR/{train,valid}/ and OUT_DIR/metadata.csv is written with the columns of
# core/metadata.h (file_name, split, source_id, group, label, duration_s, sample_rate, sha256,
# seed, ops), rows sorted by file_name.
set -eu
out=$1; ntrain=${2:-6}; nvalid=${3:-2}
kit="/usr/share/hydrogen/data/drumkits/circAfrique v4"
[ -d "$kit" ] || { echo "make_corpus.sh: $kit not found (apt-get install hydrogen-drumkits)" >&2; exit 1; }
mkdir -p "$out/train" "$out/valid"
rows=$(mktemp)
i=0
while IFS= read -r f; do
    base=$(basename "$f" .wav | tr 'A-Z ' 'a-z_')
    if [ $i -lt "$ntrain" ]; then split=train; elif [ $i -lt $((ntrain + nvalid)) ]; then split=valid; else break; fi
    cp "$f" "$out/$split/$base.wav"
    dur=$(soxi -D "$out/$split/$base.wav"); rate=$(soxi -r "$out/$split/$base.wav")
    sha=$(sha256sum "$out/$split/$base.wav" | cut -d' ' -f1)
    printf '%s/%s.wav,%s,%s,%s,%s,%.6f,%s,%s,0,\n' "$split" "$base" "$split" "$base" "$base" \
        "${base%_*}" "$dur" "$rate" "$sha" >> "$rows"
    i=$((i + 1))
done < <(ls "$kit"/*.wav | sort)
{ echo "file_name,split,source_id,group,label,duration_s,sample_rate,sha256,seed,ops"; sort "$rows"; } > "$out/metadata.csv"
rm -f "$rows"
