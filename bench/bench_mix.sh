#!/usr/bin/env bash
# Interpolation benchmark: perplexity on PTB test (ptb.test.txt) of each trained PTB model of
# bench_rnn.sh (bench/models/*.bin, or the space-separated list $RNN_MODELS) mixed with the KenLM Kneser-Ney 5-gram
# (../shared/data/lm/ptb.kn5.arpa.gz): each model alone, linear at weight 0.5 (Mikolov's setting),
# linear at the weight EM finds on ptb.valid.txt (rlm mix-weights), and log-linear at 0.5 (an
# unnormalised score, marked so). Writes bench/results/mix.tsv and prints it.
#   test_ppl         perplexity with the <unk> tokens counted: PTB is a closed-vocabulary corpus and
#                    published figures (KenLM's 141.19, Mikolov's 118.0) count them
#   test_ppl_no_unk  the SRILM figure, OOVs (here: <unk>) left out
#   reference_ppl    the published figure for the same setting (../shared/data/README.md)
#   seconds          wall clock of the whole rlm eval run (loading both models included)
# With no trained model the RNN rows are skipped with a message and the n-gram row is still
# written, so `make bench` goes on.
set -eu
cd "$(dirname "$0")/.."
RLM=${RLM:-build/rlm}
SHARED=${RLM_SHARED:-$(cd .. && pwd)/shared}
RNN_MODELS=${RNN_MODELS:-$(ls bench/models/*.bin 2>/dev/null | tr '\n' ' ')}
KN5_REFERENCE=141.2   # Mikolov's published KN5 (KenLM query: 141.19)
MIX_REFERENCE=118.0   # Mikolov's rnnlm, hidden 100, + KN5, linear 0.5
out=bench/results/mix.tsv
[ -x "$RLM" ] || { echo "bench_mix: no $RLM (run make)" >&2; exit 1; }
kn5=$SHARED/data/lm/ptb.kn5.arpa.gz
test=$SHARED/data/ptb/ptb.test.txt
valid=$SHARED/data/ptb/ptb.valid.txt
for f in "$kn5" "$test" "$valid"; do
    [ -r "$f" ] || { echo "bench_mix: $f is missing" >&2; exit 1; }
done
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
machine="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//; s/ *$//'), $(nproc) cores"

printf 'date\tmachine\tmodel\tngram\tmix\tweight\ttuned_on\ttest_ppl\ttest_ppl_no_unk\treference_ppl\tseconds\n' >"$tmp/mix.tsv"
field() { sed -n "s/.*$2= \([-0-9.e+naif]*\).*/\1/p" "$1" | head -1; }
row() { # MODEL-NAME NGRAM-NAME MIX WEIGHT TUNED-ON REFERENCE EVAL-ARGS...
    local name=$1 ngram=$2 mix=$3 weight=$4 tuned=$5 ref=$6
    shift 6
    local start end
    start=$(date +%s.%N)
    "$RLM" eval "$@" "$test" >"$tmp/eval.txt" 2>"$tmp/eval.err" ||
        { cat "$tmp/eval.err" >&2; exit 1; }
    end=$(date +%s.%N)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$date" "$machine" "$name" "$ngram" "$mix" \
        "$weight" "$tuned" "$(field "$tmp/eval.txt" ppl_with_unk)" "$(field "$tmp/eval.txt" ppl)" \
        "$ref" "$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')" >>"$tmp/mix.tsv"
}

row - ptb.kn5 none - - "$KN5_REFERENCE" --ngram "$kn5"
[ -n "$RNN_MODELS" ] ||
    echo "bench_mix: no trained RNN in bench/models (run bench_rnn.sh first); RNN rows skipped" >&2
for RNN_MODEL in $RNN_MODELS; do
    model_name=$(basename "$RNN_MODEL" .bin)
    row "$model_name" - none - - - --model "$RNN_MODEL"
    row "$model_name" ptb.kn5 linear 0.5 - "$MIX_REFERENCE" --model "$RNN_MODEL" --ngram "$kn5" --mix linear:0.5
    # EM on valid with the <unk> tokens fitted, as the test figure counts them
    "$RLM" mix-weights --model "$RNN_MODEL" --ngram "$kn5" --include-unk "$valid" >"$tmp/em.txt" \
        2>"$tmp/em.err" || { cat "$tmp/em.err" >&2; exit 1; }
    spec=$(sed -n 's/^--mix //p' "$tmp/em.txt")
    w=${spec#linear:}
    w=${w%%,*}
    echo "bench_mix: $model_name, EM on ptb.valid: $(grep '^weights after' "$tmp/em.txt"), $(grep '^dev ppl' "$tmp/em.txt")" >&2
    row "$model_name" ptb.kn5 linear "$w" ptb.valid - --model "$RNN_MODEL" --ngram "$kn5" --mix "$spec"
    row "$model_name" ptb.kn5 "loglinear(unnormalised)" 0.5 - - --model "$RNN_MODEL" --ngram "$kn5" --mix loglinear:0.5
done
mv "$tmp/mix.tsv" "$out"
column -t -s $'\t' "$out"
echo "reference: Mikolov's rnnlm (hidden 100) + KN5, linear 0.5: $MIX_REFERENCE; KN5 alone: $KN5_REFERENCE"
