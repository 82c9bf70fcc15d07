#!/usr/bin/env bash
# Runs every bench/bench_*.sh in turn; each writes its table to bench/results/NAME.tsv and prints
# it. Stops at the first benchmark that fails.
set -eu
cd "$(dirname "$0")/.."
for b in bench/bench_*.sh; do
    echo "== $b"
    bash "$b"
done
