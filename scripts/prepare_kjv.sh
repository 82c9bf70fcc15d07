#!/usr/bin/env bash
# Prepares the King James Bible as LM data: one verse a line, tokenised by `rlm tokenize`
# (lowercase, punctuation split off), split by book as DESIGN.md fixes it:
#   test  = Matthew, Mark, Luke, John      valid = Acts, Romans      train = every other book
# usage: scripts/prepare_kjv.sh [OUTDIR]   (default data/kjv) -> OUTDIR/kjv.{train,valid,test}.txt
# Needs `bible` (Debian bible-kjv; scripts/setup.sh demo installs it) and build/rlm (or $RLM).
# Idempotent: does nothing when the three files exist and are newer than this script. Atomic:
# everything is written in a temporary directory inside OUTDIR and moved into place at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/data/kjv}
rlm=${RLM:-$root/build/rlm}
self=$root/scripts/prepare_kjv.sh
splits="train valid test"

counts() {
    for s in $splits; do
        wc -l -w <"$out/kjv.$s.txt" | awk -v s="$s" '{printf "kjv.%-5s %6d verses %8d words\n", s, $1, $2}'
    done
}

fresh=1
for s in $splits; do
    [ "$out/kjv.$s.txt" -nt "$self" ] || fresh=0
done
if [ $fresh -eq 1 ]; then
    echo "prepare_kjv: $out is up to date"
    counts
    exit 0
fi

command -v bible >/dev/null || { echo "prepare_kjv: 'bible' not found (apt-get install bible-kjv)" >&2; exit 1; }
[ -x "$rlm" ] || { echo "prepare_kjv: $rlm not found (run make first)" >&2; exit 1; }
mkdir -p "$out"
tmp=$(mktemp -d "$out/.prepare_kjv.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# `bible` starts each verse with its reference ("Ge1:1 In the beginning ..."; book codes such as
# Mat, Acts, 1Cor) and, on a terminal, may wrap long verses onto lines without one: join those to
# their verse, then keep "BOOK<TAB>TEXT" so the split can be made after tokenising.
bible -f "Genesis1:1-Revelation22:21" </dev/null |
    awk 'BEGIN { OFS = "\t" }
         /^[1-3]?[A-Za-z]+[0-9]+:[0-9]+( |$)/ {
             if (book != "") print book, text
             ref = $1; book = ref; sub(/[0-9]+:[0-9]+$/, "", book)
             text = substr($0, length(ref) + 2); next }
         { sub(/^[ \t]+/, ""); if ($0 != "") text = text " " $0 }
         END { if (book != "") print book, text }' >"$tmp/verses.tsv"

n=$(wc -l <"$tmp/verses.tsv")
[ "$n" -gt 30000 ] || { echo "prepare_kjv: expected ~31102 verses from bible, got $n" >&2; exit 1; }

# rlm tokenize keeps lines one to one, so the book column can be pasted back on.
cut -f 2 "$tmp/verses.tsv" | "$rlm" tokenize --keep-punct >"$tmp/text.txt"
cut -f 1 "$tmp/verses.tsv" | paste - "$tmp/text.txt" |
    awk -F '\t' -v dir="$tmp" '
        $1 ~ /^(Mat|Mark|Luke|John)$/ { print $2 > (dir "/kjv.test.txt"); next }
        $1 ~ /^(Acts|Rom)$/ { print $2 > (dir "/kjv.valid.txt"); next }
        { print $2 > (dir "/kjv.train.txt") }'

for s in $splits; do
    [ -s "$tmp/kjv.$s.txt" ] || { echo "prepare_kjv: split $s came out empty" >&2; exit 1; }
done
for s in $splits; do mv -f "$tmp/kjv.$s.txt" "$out/kjv.$s.txt"; done
echo "prepare_kjv: wrote $out/kjv.{train,valid,test}.txt"
counts
