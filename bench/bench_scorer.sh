#!/usr/bin/env bash
# Shallow-fusion load on the scorer (plugin/rlm_scorer.h): 1000 beams x 50 steps with the PTB model
# bench/models/rnn200-class.bin (bench_rnn.sh trains it), batched against one call per beam; writes
# bench/results/scorer.tsv. The last column, the sum of all scores, is equal across modes when the
# two paths agree. Skips (exit 0, says so) without the model.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
model=${SCORER_MODEL:-bench/models/rnn200-class.bin}
[ -f "$model" ] || { echo "bench_scorer: skipped: $model missing (run bench/bench_rnn.sh)"; exit 0; }
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell} OPENBLAS_NUM_THREADS=1
mkdir -p "$B/bench" bench/results
${CC:-gcc} -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Ilm -Iplugin -o "$B/bench/bench_scorer" \
    bench/bench_scorer.c "$B/librlm.a" -lopenblas -lyaml -lz -llzma -lpthread -lm
out=bench/results/scorer.tsv
tmp=$out.tmp.$$
machine="$(nproc)-core $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
printf 'date\tmachine\tmodel\tmode\tbeams\tsteps\tseconds\tsteps_per_s\twords_per_s\tcache_hit_rate\tcache_mib\thistories\tscore_sum\n' > "$tmp"
"$B/bench/bench_scorer" "$model" "${BEAMS:-1000}" "${STEPS:-50}" \
    "$(date -u +%Y-%m-%dT%H:%MZ)	$machine	$(basename "$model")" >> "$tmp"
mv "$tmp" "$out"
cat "$out"
