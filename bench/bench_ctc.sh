#!/usr/bin/env bash
# CTC shallow fusion (decoder-glue/rlm_ctc.h): beam-search steps (frames) per second of
# `rlm ctc-decode` with the LM scored in one rlm_scorer_score_batch per frame against one
# rlm_scorer_score call per (prefix, token), for the character LSTM data/kjv/char-lstm.bin
# (scripts/ctc_demo.sh trains it) and the word LSTM data/kjv/lstm.bin (scripts/demo.sh), at two
# beam widths (the 8 most probable labels tried per frame), on noisy-channel posteriors of
# CTC_BENCH_N (default 30) held-out verses (scripts/ctc_noisy.py).
# Both modes must write the same hypotheses (checked; the run fails otherwise). Writes
# bench/results/ctc.tsv. Skips a model that is missing (says so).
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
rlm=$B/rlm
data=data/kjv
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell} OPENBLAS_NUM_THREADS=1
[ -f "$data/kjv.test.txt" ] || { echo "bench_ctc: skipped: $data missing (run scripts/prepare_kjv.sh)"; exit 0; }
work=$B/bench/ctc
mkdir -p "$work" bench/results
python3 scripts/ctc_noisy.py "$data/kjv.test.txt" "$data/kjv.train.txt" "$work" --lines "${CTC_BENCH_N:-30}" --seed 2
out=bench/results/ctc.tsv
tmp=$out.tmp.$$
machine="$(nproc)-core $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
now=$(date -u +%Y-%m-%dT%H:%MZ)
printf 'date\tmachine\tlm\tbeam\tscoring\tutterances\tframes\tlm_pairs\tlm_calls\tseconds\tframes_per_s\tsame_output\n' >"$tmp"
# the weights of scripts/ctc_demo.sh
for model in "$data/char-lstm.bin" "$data/lstm.bin"; do
    [ -f "$model" ] || { echo "bench_ctc: skipped $model (missing)"; continue; }
    weights="--lm-weight 0.8 --bonus 0.3"
    [ "$model" = "$data/lstm.bin" ] && weights="--lm-weight 0.5 --bonus 1.5 --oov-penalty -3"
    for beam in 8 32; do
        for mode in batched per-beam; do
            flag=; [ $mode = per-beam ] && flag=--per-beam
            "$rlm" ctc-decode --alphabet "$work/alphabet.txt" "$work/post.txt" --model "$model" \
                $weights --beam $beam --top-k 8 $flag -o "$work/$mode.txt" 2>"$work/$mode.log"
        done
        same=yes
        cmp -s "$work/batched.txt" "$work/per-beam.txt" || same=no
        for mode in batched per-beam; do
            # "N utterances, F frames, ..., P LM pairs in C calls; S s, ..."
            sed -n 's/.*: \([0-9]*\) utterances, \([0-9]*\) frames, .* \([0-9]*\) LM pairs in \([0-9]*\) calls; \([0-9.]*\) s,.*/\1 \2 \3 \4 \5/p' \
                "$work/$mode.log" | awk -v d="$now" -v m="$machine" -v lm="$(basename "$model")" \
                -v b=$beam -v mode=$mode -v same=$same 'BEGIN { OFS = "\t" }
                { print d, m, lm, b, mode, $1, $2, $3, $4, $5, sprintf("%.1f", $2 / $5), same }' >>"$tmp"
        done
        [ $same = yes ] || { cat "$tmp"; echo "bench_ctc: $model beam $beam: batched and per-beam outputs differ" >&2; rm -f "$tmp"; exit 1; }
    done
done
mv "$tmp" "$out"
cat "$out"
