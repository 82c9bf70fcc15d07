#!/usr/bin/env bash
# Lattice rescoring speed and size (rlm lattice, plugin/lattice_rescore.h) on real pocketsphinx
# lattices: the first LATTICE_COUNT (default 20) HTK SLF lattices of data/asr/lattices/dev (made
# by the ASR demo from Festival speech of KJV verses), rescored with the demo's KJV LSTM
# (data/kjv/lstm.bin) for history k = 2, 3, 4 and the whole history (0), each with the beams
# LATTICE_BEAMS (default "10 20", log10) and at most LATTICE_MAX_ARCS (default 500000) arcs per
# lattice. Weights: data/asr/rescore/nbest.rnn.opts (what rlm tune chose for the RNN on the dev
# n-best lists), else --lm-weight 10.
# Columns: input arcs, arcs made by the expansion, arcs of the rescored lattices, LM queries,
# seconds of rescoring (reading and writing excluded), input arcs per second, real-time factor
# against the audio (the lattices' last node times), peak resident memory of the process, and
# the WER of the 1-best against data/asr/dev/text (these utterances only); load1 is the machine's
# 1-minute load average at the start of the row (the machine is shared).
# Writes bench/results/lattice.tsv. Skips (exit 0, says so) without the lattices or the model.
set -eu
cd "$(dirname "$0")/.."
B=${B:-build}
RLM=${RLM:-$B/rlm}
dir=${LATTICE_DIR:-data/asr/lattices/dev}
model=${LATTICE_MODEL:-data/kjv/lstm.bin}
ref=${LATTICE_REF:-data/asr/dev/text}
count=${LATTICE_COUNT:-20} beams=${LATTICE_BEAMS:-10 20} max_arcs=${LATTICE_MAX_ARCS:-500000}
opts_file=data/asr/rescore/nbest.rnn.opts
[ -d "$dir" ] && ls "$dir"/*.slf >/dev/null 2>&1 ||
    { echo "bench_lattice: skipped: no SLF lattices in $dir (the ASR demo makes them)"; exit 0; }
[ -f "$model" ] || { echo "bench_lattice: skipped: $model missing (make demo trains it)"; exit 0; }
[ -x "$RLM" ] || { echo "bench_lattice: $RLM missing (run make)"; exit 1; }
weights=${LATTICE_WEIGHTS:-$(cat "$opts_file" 2>/dev/null || echo --lm-weight 10)}
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell} OPENBLAS_NUM_THREADS=1
out=bench/results/lattice.tsv
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$out.tmp"' EXIT
mkdir -p "$tmp/out" # SLF: one file per lattice in a directory
ls "$dir"/*.slf | head -n "$count" >"$tmp/files"
sed 's|.*/||; s|\.slf$||' "$tmp/files" >"$tmp/ids"
awk 'NR == FNR { want[$1] = 1; next } $1 in want' "$tmp/ids" "$ref" >"$tmp/ref"

mkdir -p bench/results
machine="$(nproc)-core $(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -n 1)"
stamp=$(date -u +%Y-%m-%dT%H:%MZ)
printf 'date\tmachine\tload1\tmodel\tweights\tlattices\thistory\tbeam\tmax_arcs\tarcs_in\texpanded_arcs\tout_arcs\tlm_queries\tseconds\tarcs_per_s\taudio_s\trtf\tpeak_mb\twer\n' >"$out.tmp"
field() { sed -n "s|.*$1.*|\\1|p" "$tmp/err"; } # a value of the stats line
for beam in $beams; do for k in 2 3 4 0; do
    load=$(cut -d' ' -f1 /proc/loadavg)
    # shellcheck disable=SC2086 # the weights are options
    nice -n 19 "$RLM" lattice --format slf $(cat "$tmp/files") -o "$tmp/out" --model "$model" \
        $weights --history "$k" --beam "$beam" --max-arcs "$max_arcs" --best "$tmp/best" 2>"$tmp/err" ||
        { cat "$tmp/err"; exit 1; }
    wer=$("$RLM" wer "$tmp/ref" "$tmp/best" | sed -n 's/^%WER \([0-9.]*\).*/\1/p')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' \
        "$stamp" "$machine" "$load" "$(basename "$model")" "$weights" "$(field ' \([0-9]*\) lattices,')" \
        "$k" "$beam" "$max_arcs" "$(field 'arcs in \([0-9]*\),')" "$(field 'expanded \([0-9]*\),')" \
        "$(field ', out \([0-9]*\);')" "$(field '; \([0-9]*\) LM queries')" "$(field '; \([0-9.]*\) s,')" \
        "$(field ' s, \([0-9]*\) arcs/s')" "$(field '(audio \([0-9.]*\) s)')" "$(field 'RTF \([0-9.]*\)')" \
        "$(field 'peak memory \([0-9.]*\) MB')" "$wer" >>"$out.tmp"
done; done
mv "$out.tmp" "$out"
cat "$out"
