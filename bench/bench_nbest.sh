#!/usr/bin/env bash
# N-best rescoring throughput (tokens = hypothesis words + </s>, per second) of the prefix tree
# with batched RNN calls and threads (plugin/nbest_rescore.h) against scoring each hypothesis
# alone word by word, with the PTB model bench/models/rnn200-class.bin (bench_rnn.sh trains it).
# The lists are synthetic 100-best lists: for each of the first NBEST_SENTENCES (default 200) PTB
# test sentences, the sentence itself and 99 variants with 1-3 words replaced at random
# positions by random words of the test text (awk's Park-Miller generator, seed 12345).
# Writes bench/results/nbest.tsv. Skips (exit 0, says so) without the model or PTB.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
SHARED=${RLM_SHARED:-$(cd .. && pwd)/shared}
model=${NBEST_MODEL:-bench/models/rnn200-class.bin}
ptb=$SHARED/data/ptb/ptb.test.txt
[ -f "$model" ] || { echo "bench_nbest: skipped: $model missing (run bench/bench_rnn.sh)"; exit 0; }
[ -f "$ptb" ] || { echo "bench_nbest: skipped: $ptb missing"; exit 0; }
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell} OPENBLAS_NUM_THREADS=1
mkdir -p "$B/bench" bench/results
${CC:-gcc} -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Ilm -Iplugin -Idecoder-glue \
    -o "$B/bench/bench_nbest" bench/bench_nbest.c "$B/librlm.a" -lopenblas -lyaml -lz -llzma -lpthread -lm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
head -n "${NBEST_SENTENCES:-200}" "$ptb" | awk -v x=12345 -v nbest=100 '
    function r(k) { x = (x * 16807) % 2147483647; return int(x / 2147483647 * k) + 1 }
    { line[NR] = $0; for (i = 1; i <= NF; i++) if (!($i in seen)) { seen[$i] = 1; vocab[++nv] = $i } }
    END {
        for (s = 1; s <= NR; s++) {
            n = split(line[s], w, " ")
            for (h = 1; h <= nbest; h++) {
                for (i = 1; i <= n; i++) v[i] = w[i]
                if (h > 1) for (k = r(3); k > 0; k--) v[r(n)] = vocab[r(nv)]
                out = v[1]; for (i = 2; i <= n; i++) out = out " " v[i]
                printf "s%d\t%d\t%.1f\t-1\t%s\n", s, h, -0.1 * h, out
            }
        }
    }' >"$tmp/nbest.tsv"
out=bench/results/nbest.tsv
machine="$(nproc)-core $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
printf 'date\tmachine\tmodel\tmode\tthreads\tutterances\thypotheses\ttokens\trnn_evaluations\tseconds\ttokens_per_s\tspeedup\tmax_abs_diff_log10\n' >"$out.tmp"
"$B/bench/bench_nbest" "$model" "$tmp/nbest.tsv" "${NBEST_THREADS:-$(nproc)}" \
    "$(date -u +%Y-%m-%dT%H:%MZ)	$machine	$(basename "$model")" >>"$out.tmp"
mv "$out.tmp" "$out"
cat "$out"
