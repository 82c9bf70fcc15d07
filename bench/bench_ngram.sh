#!/usr/bin/env bash
# n-gram model benchmark: load time, peak resident memory and scoring speed of `rlm ngram` for
# the KenLM-built PTB 5-gram and the CMU Sphinx en-us trigram (../shared/data/lm), each read from
# the gzip'ed ARPA text and from our mmap binary, scoring PTB test (82,430 tokens with </s>) and
# a 10x copy of it. Writes bench/results/ngram.tsv and prints it.
#   load_s       time to a usable model, as `rlm ngram` reports it (binary: mmap + checksum)
#   peak_rss_mb  getrusage peak resident set of the whole query process
#   build_binary_s  `rlm ngram build-binary` from the ARPA.gz, wall clock
#   tokens_per_s the query loop: read stdin, split words, look them up, score (summary output)
# KenLM itself is not installable here; its `query` figure on a probing binary of the KN5 on this
# kind of machine (../shared/data/README.md) is printed next to ours.
set -eu
cd "$(dirname "$0")/.."
RLM=${RLM:-build/rlm}
SHARED=${RLM_SHARED:-$(cd .. && pwd)/shared}
KENLM_QUERY_TOKENS_PER_S=7000000
out=bench/results/ngram.tsv
[ -x "$RLM" ] || { echo "bench_ngram: no $RLM (run make)" >&2; exit 1; }
for f in lm/ptb.kn5.arpa.gz lm/en-us.arpa.gz ptb/ptb.test.txt; do
    [ -r "$SHARED/data/$f" ] || { echo "bench_ngram: $SHARED/data/$f is missing" >&2; exit 1; }
done
# OpenBLAS (linked into rlm for the RNN side) otherwise starts spinning worker threads that take
# a core away from this single-threaded benchmark on a 2-core machine.
export OPENBLAS_NUM_THREADS=1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
test1=$SHARED/data/ptb/ptb.test.txt
for _ in 1 2 3 4 5 6 7 8 9 10; do cat "$test1"; done >"$tmp/test10.txt"
date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
machine="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//; s/ *$//'), $(nproc) cores"

printf 'date\tmachine\tmodel\tformat\ttext\ttokens\tload_s\tpeak_rss_mb\ttokens_per_s\tkenlm_query_tokens_per_s\tbuild_binary_s\n' >"$out"
row() { # MODEL FORMAT FILE TEXT-NAME TEXT-FILE
    local err=$tmp/err.txt best=0 line l
    load=999999
    # best of three runs: the machine is shared, and the best run is the least disturbed one
    for _ in 1 2 3; do
        "$RLM" ngram perplexity "$3" <"$5" >/dev/null 2>"$err"
        line=$(grep 'tokens/s' "$err")
        tps=$(sed 's/.*(\([0-9]*\) tokens\/s).*/\1/' <<<"$line")
        if [ "$tps" -gt "$best" ]; then
            best=$tps
            tokens=$(sed 's/.*scored \([0-9]*\) tokens.*/\1/' <<<"$line")
            rss=$(sed 's/.*peak RSS \([0-9.]*\) MB.*/\1/' <<<"$line")
        fi
        l=$(sed -n 's/.* in \([0-9.]*\) s$/\1/p' "$err" | head -n 1)
        load=$(awk -v a="$load" -v b="$l" 'BEGIN { print (b + 0 < a + 0) ? b : a }')
    done
    local ref=- built=-
    [ "$1" = ptb.kn5 ] && [ "$2" = binary ] && ref=$KENLM_QUERY_TOKENS_PER_S
    [ "$2" = binary ] && built=$build_s
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$date" "$machine" "$1" "$2" "$4" \
        "$tokens" "$load" "$rss" "$best" "$ref" "$built" >>"$out"
}
for model in ptb.kn5 en-us; do
    arpa=$SHARED/data/lm/$model.arpa.gz
    bin=$tmp/$model.bin
    start=$(date +%s.%N)
    "$RLM" ngram build-binary "$arpa" "$bin" 2>"$tmp/build.txt"
    build_s=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }')
    echo "$model: build-binary (ARPA.gz in, binary out) $build_s s, binary" \
         "$(($(stat -c %s "$bin") / 1048576)) MB" >&2
    for fmt in arpa.gz binary; do
        file=$arpa
        [ $fmt = binary ] && file=$bin
        row "$model" "$fmt" "$file" ptb.test "$test1"
        row "$model" "$fmt" "$file" ptb.test.x10 "$tmp/test10.txt"
    done
done
column -t -s $'\t' "$out"
