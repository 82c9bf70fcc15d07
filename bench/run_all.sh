#!/usr/bin/env bash
# Runs the benchmarks in turn (bench_mix needs the models bench_rnn trains); each writes its table
# to bench/results/NAME.tsv and prints it. Stops at the first benchmark that fails.
set -eu
cd "$(dirname "$0")/.."
for b in bench/bench_ngram.sh bench/bench_rnn.sh bench/bench_nbest.sh bench/bench_mix.sh bench/bench_scorer.sh bench/bench_lattice.sh bench/bench_ctc.sh; do
    echo "== $b"
    bash "$b"
done
