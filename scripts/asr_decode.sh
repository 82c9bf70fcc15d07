#!/usr/bin/env bash
# Decodes the ASR demo's audio (scripts/asr_prepare.sh) with pocketsphinx into n-best lists:
#   OUTDIR/S.nbest  "utt-id rank ascore lscore nwords w1 ..." up to ASR_NBEST (100) per utterance,
#                   scores in pocketsphinx's log base 1.0001 (decoder-glue/tools/ps_nbest.c)
#   OUTDIR/S.1best  "utt-id w1 ..." pocketsphinx's own best path
#   OUTDIR/lattices/S/UTT.slf  the word lattices in HTK SLF (ln acoustic and decoder LM scores),
#                   for `rlm lattice`
#   OUTDIR/S.decode.log  ps_nbest's score checks and timing; S.nbest.log pocketsphinx's own log
# for S in dev and test (or the sets named as arguments after OUTDIR).
# usage: scripts/asr_decode.sh [OUTDIR [SET...]]     (default data/asr, dev test)
# Idempotent: a set is decoded again only when its wav.scp or build/ps_nbest is newer than its
# n-best list. Atomic: ps_nbest writes both outputs under temporary names and renames them.
# Extra pocketsphinx options can be given in PS_NBEST_ARGS (for example "-beam 1e-60").
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/data/asr}
[ $# -gt 0 ] && shift
sets=${*:-dev test}
ps_nbest=${PS_NBEST:-$root/build/ps_nbest}
[ -x "$ps_nbest" ] || { echo "asr_decode: $ps_nbest not found (make build/ps_nbest)" >&2; exit 1; }

for set in $sets; do
    scp=$out/$set/wav.scp
    [ -r "$scp" ] || { echo "asr_decode: $scp not found (scripts/asr_prepare.sh)" >&2; exit 1; }
    nbest=$out/$set.nbest
    lat=$out/lattices/$set
    if [ -s "$nbest" ] && [ -s "$out/$set.1best" ] && [ "$nbest" -nt "$scp" ] && [ "$nbest" -nt "$ps_nbest" ] &&
        [ "$(find "$lat" -name '*.slf' 2>/dev/null | wc -l)" -eq "$(grep -c . "$scp")" ]; then
        echo "asr_decode: $nbest is up to date"
        continue
    fi
    echo "asr_decode: decoding $(wc -l <"$scp") $set utterances into $nbest and $lat/" >&2
    mkdir -p "$lat"
    # shellcheck disable=SC2086
    if ! nice -n 19 "$ps_nbest" --n-best "${ASR_NBEST:-100}" --check "${ASR_CHECK:-3}" \
        --lattice-dir "$lat" ${PS_NBEST_ARGS:-} "$scp" "$nbest" "$out/$set.1best" 2>"$out/$set.decode.log"; then
        cat "$out/$set.decode.log" >&2
        echo "asr_decode: ps_nbest failed on $scp" >&2
        exit 1
    fi
    tail -n 1 "$out/$set.decode.log"
done
