#!/usr/bin/env bash
# Shallow-fusion load on the scorer (plugin/rlm_scorer.h): 1000 beams x 50 steps, batched (one
# rlm_scorer_score_batch per step) against one rlm_scorer_score call per beam, with the PTB models
# of bench_rnn.sh (bench/models/rnn200-class.bin, lstm200-class.bin) and the KJV demo's LSTM
# (data/kjv/lstm.bin, `make demo`) when present; SCORER_MODEL=FILE runs that model only. Each
# mode is its own process (peak RSS is its own); seconds are wall clock, cpu_seconds the process
# CPU time: on this shared machine the wall clock also counts other jobs. Writes
# bench/results/scorer.tsv. The last column, the sum of all scores, is equal across modes when
# the two paths agree. Skips (exit 0, says so) without any model.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
if [ -n "${SCORER_MODEL:-}" ]; then
    models=$SCORER_MODEL
else
    models="bench/models/rnn200-class.bin bench/models/lstm200-class.bin data/kjv/lstm.bin"
fi
present=
for m in $models; do [ -f "$m" ] && present="$present $m"; done
[ -n "$present" ] || { echo "bench_scorer: skipped: no model ($models; run bench/bench_rnn.sh)"; exit 0; }
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell} OPENBLAS_NUM_THREADS=1
mkdir -p "$B/bench" bench/results
${CC:-gcc} -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Ilm -Iplugin -o "$B/bench/bench_scorer" \
    bench/bench_scorer.c "$B/librlm.a" -lopenblas -lyaml -lz -llzma -lpthread -lm
out=bench/results/scorer.tsv
tmp=$out.tmp.$$
machine="$(nproc)-core $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
printf 'date\tmachine\tmodel\tmode\tbeams\tsteps\tseconds\tcpu_seconds\tsteps_per_s\twords_per_s\twords_per_cpu_s\tcache_hit_rate\tcache_mib\thistories\tpeak_rss_mib\tscore_sum\n' > "$tmp"
for model in $present; do
    for mode in batched single; do
        "$B/bench/bench_scorer" "$model" "${BEAMS:-1000}" "${STEPS:-50}" "$mode" \
            "$(date -u +%Y-%m-%dT%H:%MZ)	$machine	${model#bench/models/}" >> "$tmp"
    done
done
mv "$tmp" "$out"
cat "$out"
