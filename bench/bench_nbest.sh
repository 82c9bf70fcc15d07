#!/usr/bin/env bash
# N-best rescoring throughput (tokens = hypothesis words + </s>, per second) of the prefix tree
# with batched RNN calls and threads (plugin/nbest_rescore.h) against scoring each hypothesis
# alone word by word (rlm_model_log10prob + rlm_model_step), on the same lists:
#  - real lists: the pocketsphinx 100-best lists of the KJV demo (data/asr/test.nbest, the first
#    NBEST_ASR_UTTS = 150 utterances) with its LSTM data/kjv/lstm.bin (`make demo` makes both);
#  - synthetic PTB lists with the models of bench_rnn.sh (bench/models/): for each of the first
#    NBEST_SENTENCES (200; 20 for the large 650 model) PTB test sentences, the sentence itself
#    and 99 variants with 1-3 words replaced at random positions by random words of the test
#    text (awk's Park-Miller generator, seed 12345).
# Each mode is its own process (so peak RSS is its own); seconds are wall clock, cpu_seconds the
# process CPU time (all threads): on this shared machine the wall clock also counts other jobs.
# Writes bench/results/nbest.tsv, or nbest-CORETYPE.tsv when OPENBLAS_CORETYPE is set to another
# kernel than the default Haswell (e.g. SkylakeX: AVX-512, which helps sgemm more than sgemv).
# Rows whose model or lists are missing are skipped (said so); with none at all it exits 0.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
SHARED=${RLM_SHARED:-$(cd .. && pwd)/shared}
ptb=$SHARED/data/ptb/ptb.test.txt
threads=${NBEST_THREADS:-$(nproc)}
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell} OPENBLAS_NUM_THREADS=1
mkdir -p "$B/bench" bench/results
${CC:-gcc} -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -Ilm -Iplugin -Idecoder-glue \
    -o "$B/bench/bench_nbest" bench/bench_nbest.c "$B/librlm.a" -lopenblas -lyaml -lz -llzma -lpthread -lm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
out=bench/results/nbest.tsv
[ "$OPENBLAS_CORETYPE" = Haswell ] || out=bench/results/nbest-$OPENBLAS_CORETYPE.tsv
machine="$(nproc)-core $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
printf 'date\tmachine\tblas\tmodel\tlists\tmode\tthreads\tutterances\thypotheses\ttokens\trnn_evaluations\tsaved_by_prefix_tree\tseconds\tcpu_seconds\ttokens_per_s\ttokens_per_cpu_s\tspeedup\tcpu_speedup\tmax_abs_diff_log10\tpeak_rss_mib\n' >"$out.tmp"
rows=0

# run MODEL FORMAT LIST UTTS LISTS_LABEL: alone, then the tree on 1 and on $threads threads
run() {
    local label
    label="$(date -u +%Y-%m-%dT%H:%MZ)	$machine	OpenBLAS $OPENBLAS_CORETYPE	${1#bench/models/}	$5"
    "$B/bench/bench_nbest" "$1" "$2" "$3" "$4" alone 1 "$tmp/ref" "$label" >>"$out.tmp"
    "$B/bench/bench_nbest" "$1" "$2" "$3" "$4" tree 1 "$tmp/ref" "$label" >>"$out.tmp"
    if [ "$threads" -gt 1 ]; then
        "$B/bench/bench_nbest" "$1" "$2" "$3" "$4" tree "$threads" "$tmp/ref" "$label" >>"$out.tmp"
    fi
    rows=$((rows + 1))
}

if [ -f data/asr/test.nbest ] && [ -f data/kjv/lstm.bin ]; then
    run data/kjv/lstm.bin pocketsphinx data/asr/test.nbest "${NBEST_ASR_UTTS:-150}" \
        "KJV pocketsphinx 100-best (data/asr/test.nbest)"
else
    echo "bench_nbest: KJV rows skipped: data/asr/test.nbest or data/kjv/lstm.bin missing (make demo)"
fi

# synthetic 100-best lists of the first $1 PTB test sentences, into $2
synthetic() {
    head -n "$1" "$ptb" | awk -v x=12345 -v nbest=100 '
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
        }' >"$2"
}

if [ -f "$ptb" ]; then
    n=${NBEST_SENTENCES:-200}
    synthetic "$n" "$tmp/ptb.tsv"
    for model in rnn200-class lstm200-class best-lstm650-tied; do
        f=bench/models/$model.bin
        [ -f "$f" ] || { echo "bench_nbest: $model skipped: $f missing (run bench/bench_rnn.sh)"; continue; }
        # the 650 model is ~20x the work per token: fewer sentences keep its run near 2 minutes
        u=$n; [ "$model" = best-lstm650-tied ] && u=${NBEST_SENTENCES_650:-20}
        run "$f" tsv "$tmp/ptb.tsv" "$u" "PTB synthetic 100-best"
    done
else
    echo "bench_nbest: PTB rows skipped: $ptb missing"
fi

if [ "$rows" -eq 0 ]; then
    rm -f "$out.tmp"
    echo "bench_nbest: skipped: no model with lists"
    exit 0
fi
mv "$out.tmp" "$out"
cat "$out"
