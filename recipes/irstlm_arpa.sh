#!/usr/bin/env bash
# An ARPA n-gram model from a tokenised text with IRSTLM (Debian irstlm), for rlm run's
# `ngram: [{path: OUT, build: {tool: irstlm, order: N, text: TEXT}}]`:
#   add-start-end.sh (wrap each sentence in <s> </s>), build-lm.sh (modified shift-beta
#   smoothing, IRSTLM's improved Kneser-Ney: -s improved-kneser-ney), compile-lm --text=yes
#   (ARPA, log10), gzip'ed when OUT ends in .gz.
# usage: recipes/irstlm_arpa.sh TEXT ORDER OUT          Atomic: OUT appears whole or not at all.
set -euo pipefail
[ $# -eq 3 ] || { echo "usage: irstlm_arpa.sh TEXT ORDER OUT" >&2; exit 2; }
text=$1 order=$2 out=$3
export IRSTLM=${IRSTLM:-/usr/lib/irstlm}
bin=$IRSTLM/bin
[ -x "$bin/build-lm.sh" ] || { echo "irstlm_arpa: $bin/build-lm.sh not found (apt-get install irstlm)" >&2; exit 1; }
[ -r "$text" ] || { echo "irstlm_arpa: $text: not readable" >&2; exit 1; }
tmp=$(mktemp -d "$(dirname "$out")/.irstlm.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
"$bin/add-start-end.sh" <"$text" >"$tmp/text"
# build-lm.sh writes its temporary files under -t; one split keeps the counts in one process
"$bin/build-lm.sh" -i "$tmp/text" -n "$order" -o "$tmp/lm.ilm.gz" -k 1 -s improved-kneser-ney \
    -t "$tmp/stat" >"$tmp/build.log" 2>&1 || { cat "$tmp/build.log" >&2; exit 1; }
"$bin/compile-lm" --text=yes "$tmp/lm.ilm.gz" "$tmp/lm.arpa" >"$tmp/compile.log" 2>&1 ||
    { cat "$tmp/compile.log" >&2; exit 1; }
case $out in
*.gz) gzip -c "$tmp/lm.arpa" >"$tmp/out" ;;
*) mv "$tmp/lm.arpa" "$tmp/out" ;;
esac
mv "$tmp/out" "$out"
echo "irstlm_arpa: $out: order $order from $(wc -l <"$text") sentences"
