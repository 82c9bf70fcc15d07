#!/usr/bin/env bash
# RNN LM benchmark on Penn Treebank (Mikolov's 10k-word version in ../shared/data/ptb): trains each
# configuration below (or reuses bench/models/NAME.bin with its training log when present and
# BENCH_RETRAIN is unset), evaluates it on the test text, and writes bench/results/rnn.tsv.
# Perplexities count <unk> as a word, as published PTB figures do.
#
# OpenBLAS 0.3.21 does not know this machine's processor and falls back to its generic Prescott
# kernels unless OPENBLAS_CORETYPE is set; these machines are meant to set it to Haswell (the
# reference figures in ../shared/data/README.md were measured so). A value already set is left
# alone; an unset one gets that documented value, here only, never in tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rlm=$root/build/rlm
shared=${RLM_SHARED:-$(cd "$root/.." && pwd)/shared}
ptb=$shared/data/ptb
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}
models=$root/bench/models
out=$root/bench/results/rnn.tsv
mkdir -p "$models" "$(dirname "$out")"
if [ ! -f "$ptb/ptb.train.txt" ]; then
    echo "bench_rnn: $ptb/ptb.train.txt not found; skipped" >&2
    exit 0
fi

# name | training options. Learning rates: SGD on the mean loss of a chunk, clipped at norm 0.25.
# The last is the best model found for a 2-hour budget on 2 cores: one wide LSTM layer with tied
# embeddings (Press & Wolf 2017) and dropout 0.5 (Zaremba et al. 2014), as many epochs as fit.
configs=(
    "rnn200-class|--cell rnn --hidden 200 --embed 200 --lr 5 --batch 64 --bptt 20 --epochs 30"
    "lstm200-class|--cell lstm --hidden 200 --embed 200 --lr 20 --batch 64 --bptt 20 --epochs 30"
    "best-lstm650-tied|--cell lstm --hidden 650 --embed 650 --tied --dropout 0.5 --lr 20 --batch 64 --bptt 35 --epochs 40 --max-minutes ${BEST_MINUTES:-120}"
)
# BENCH_ONLY='rnn200-class|lstm200-class' runs only the named configurations
if [ -n "${BENCH_ONLY:-}" ]; then
    mapfile -t configs < <(printf '%s\n' "${configs[@]}" | grep -E "^(${BENCH_ONLY})\|")
fi

machine="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"
threads=$(nproc)
sgemm=$root/build/bench/sgemm_gflops

# FLOPs of one training token (forward + backward = 3x forward) from the configuration:
# each layer's products G*H x (in + H), and the output layer: classes + the expected class size
# V/C (classes hold equal probability mass), or V for the full softmax.
flops_per_token() { # cell layers embed hidden V C
    awk -v cell="$1" -v L="$2" -v E="$3" -v H="$4" -v V="$5" -v C="$6" 'BEGIN {
        g = (cell == "lstm") ? 4 : (cell == "gru") ? 3 : 1; f = 0
        for (l = 0; l < L; l++) { inp = (l == 0) ? E : H; f += 2 * g * H * (inp + H) }
        f += (C > 0) ? 2 * H * (C + V / C) : 2 * H * V
        printf "%.0f", 3 * f }'
}
opt() { # value of option $2 in string $1, or default $3
    local v
    v=$(sed -n "s/.*$2 \([^ ]*\).*/\1/p" <<<"$1")
    echo "${v:-$3}"
}

printf 'date\tmachine\tconfig\tcell\tlayers\thidden\toutput\tdropout\tepochs\ttrain_minutes\ttrain_words_per_s\teval_words_per_s\tvalid_ppl\ttest_ppl\ttrain_gflops\tsgemm_gflops\tsgemm_fraction\topenblas_core\n' >"$out.tmp"
for entry in "${configs[@]}"; do
    name=${entry%%|*}
    args=${entry#*|}
    model=$models/$name.bin
    log=$models/$name.log
    if [ -n "${BENCH_RETRAIN:-}" ] || [ ! -f "$model" ] || [ ! -f "$log.done" ]; then
        echo "bench_rnn: training $name: rlm train $args" >&2
        rm -f "$log" "$log.done"
        # shellcheck disable=SC2086
        "$rlm" train --train "$ptb/ptb.train.txt" --valid "$ptb/ptb.valid.txt" -o "$model" \
            --log "$log" $args >"$log.summary"
        touch "$log.done"
    fi
    cell=$(opt "$args" --cell lstm)
    layers=$(opt "$args" --layers 1)
    hidden=$(opt "$args" --hidden 200)
    embed=$(opt "$args" --embed 200)
    batch=$(opt "$args" --batch 32)
    dropout=$(opt "$args" --dropout 0)
    output=$(opt "$args" --output class)
    epochs=$(wc -l <"$log")
    train_min=$(awk -F'"seconds": ' '{split($2, a, ","); s += a[1]} END {printf "%.1f", s / 60}' "$log")
    wps=$(awk -F'"words_per_s": ' '{split($2, a, ","); s += a[1]; n++} END {printf "%.0f", s / n}' "$log")
    valid=$(awk -F'"best_valid_ppl": ' '{split($2, a, ","); v = a[1]} END {printf "%.2f", v}' "$log")
    t0=$(date +%s.%N)
    evalout=$("$rlm" eval --model "$model" "$ptb/ptb.test.txt")
    t1=$(date +%s.%N)
    test_ppl=$(sed -n 's/.*ppl_with_unk= \([0-9.]*\).*/\1/p' <<<"$evalout")
    tokens=$(sed -n 's/.*sentences, \([0-9]*\) tokens.*/\1/p' <<<"$evalout")
    eval_wps=$(awk -v n="$tokens" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}')
    V=10000
    C=$(awk -v v=$V 'BEGIN {printf "%d", sqrt(v) + 0.5}')
    fpt=$(flops_per_token "$cell" "$layers" "$embed" "$hidden" $V $C)
    gates=$(case $cell in (lstm) echo 4 ;; (gru) echo 3 ;; (*) echo 1 ;; esac)
    share=$(( (batch + threads - 1) / threads ))
    # the recurrent step product of one thread's share: the shape training repeats most
    peak=$(OPENBLAS_NUM_THREADS=1 "$sgemm" "$share" $((gates * hidden)) "$hidden" 1 | cut -f6)
    core=$(OPENBLAS_NUM_THREADS=1 "$sgemm" 8 8 8 0.01 | cut -f5)
    gflops=$(awk -v f="$fpt" -v w="$wps" 'BEGIN {printf "%.1f", f * w * 1e-9}')
    frac=$(awk -v g="$gflops" -v p="$peak" -v t="$threads" 'BEGIN {printf "%.2f", g / (p * t)}')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$machine" "$name" "$cell" "$layers" "$hidden" "$output" \
        "$dropout" "$epochs" "$train_min" "$wps" "$eval_wps" "$valid" "$test_ppl" "$gflops" \
        "$peak" "$frac" "$core" >>"$out.tmp"
done
mv "$out.tmp" "$out"
column -t -s $'\t' "$out"
cat <<'REF'

Reference on this kind of machine (../shared/data/README.md; test perplexity, <unk> counted):
  Mikolov rnnlm 0.3e, hidden 100, 100 classes, bptt 4   39.5k words/s (1 core)   test 150.7
  rnnlm 0.4b (Cantab fork), same settings                88k words/s (1 core)     test 149.4
  faster-rnnlm GRU 128, NCE 20                           74-86k words/s           test 132.1
  faster-rnnlm GRU 128, hierarchical softmax             108-114k words/s         test 163.0
  KenLM 5-gram (Kneser-Ney)                                                       test 141.19
  Published: Mikolov RNNLM 124.7; Zaremba LSTM medium 82.7, large 78.4 (GPU)
sgemm_gflops is one thread's OpenBLAS rate on the recurrent step's shape; sgemm_fraction is the
training FLOP rate over (that rate x threads).
REF
