#!/usr/bin/env bash
# rlm ngram: query output on the hand-written tests/data/ngram/small.arpa (values worked out in
# tests/test_ngram.c), binary round trip, usage and error exits, and KenLM's own query output on
# PTB (../shared/data/golden) reproduced byte for byte. Exit 0 pass, 77 skip, else fail.
set -u
. "$(dirname "$0")/rnn_common.bash"
expect() { # NAME EXPECTED-FILE ACTUAL-FILE
    if cmp -s "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1"; diff "$2" "$3" | head; fail=1; fi
}
small=$ROOT/tests/data/ngram/small.arpa
printf 'a b c\nb b\nb c a c zzz\n\n' >"$tmp/in.txt"
T=$'\t'
cat >"$tmp/want.txt" <<WANT
a=3 2 -0.4${T}b=4 3 -0.1${T}c=5 3 -0.2${T}</s>=2 2 -0.5${T}Total: -1.2 OOV: 0
b=4 1 -1.4${T}b=4 1 -1.1${T}</s>=2 1 -1${T}Total: -3.5 OOV: 0
b=4 1 -1.4${T}c=5 2 -0.6${T}a=3 2 -0.45${T}c=5 3 -0.05${T}zzz=0 1 -2.1${T}</s>=2 1 -0.8${T}Total: -5.4 OOV: 1
</s>=2 1 -1.3${T}Total: -1.3 OOV: 0
Perplexity including OOVs:${T}6.52057239570455
Perplexity excluding OOVs:${T}5.1925971430143765
OOVs:${T}1
Tokens:${T}14
log10 probability of the text:${T}-11.400000095367432
WANT
"$RLM" ngram query "$small" <"$tmp/in.txt" >"$tmp/got.txt" 2>"$tmp/err.txt"
expect "query small.arpa" "$tmp/want.txt" "$tmp/got.txt"

"$RLM" ngram build-binary "$small" "$tmp/small.bin" 2>/dev/null || { echo "FAIL build-binary"; fail=1; }
"$RLM" ngram query "$tmp/small.bin" <"$tmp/in.txt" >"$tmp/got_bin.txt" 2>/dev/null
expect "query small.bin = query small.arpa" "$tmp/want.txt" "$tmp/got_bin.txt"
ls "$tmp" | grep -q '\.tmp\.' && { echo "FAIL build-binary left a temporary file"; fail=1; }

"$RLM" ngram query -v sentence "$small" <"$tmp/in.txt" 2>/dev/null | head -1 >"$tmp/got_s.txt"
echo "Total: -1.2 OOV: 0" >"$tmp/want_s.txt"
expect "query -v sentence" "$tmp/want_s.txt" "$tmp/got_s.txt"
"$RLM" ngram perplexity -n "$small" <<<"a b" 2>/dev/null | head -1 >"$tmp/got_p.txt"
echo "Perplexity including OOVs:${T}3.1622776601683795" >"$tmp/want_p.txt" # 10^((0.7+0.3)/2): a, then "a b"
expect "perplexity -n (no <s>, no </s>)" "$tmp/want_p.txt" "$tmp/got_p.txt"

exit_code() { "$@" >/dev/null 2>&1 </dev/null; echo $?; }
[ "$(exit_code "$RLM" ngram)" = 2 ] || { echo "FAIL: no subcommand should exit 2"; fail=1; }
[ "$(exit_code "$RLM" ngram query -v loud "$small")" = 2 ] || { echo "FAIL: bad -v should exit 2"; fail=1; }
[ "$(exit_code "$RLM" ngram query)" = 2 ] || { echo "FAIL: missing LM should exit 2"; fail=1; }
[ "$(exit_code "$RLM" ngram query "$tmp/none.arpa")" = 1 ] || { echo "FAIL: missing file should exit 1"; fail=1; }
bad=$ROOT/tests/data/malformed/arpa/duplicate.arpa
msg=$("$RLM" ngram query "$bad" </dev/null 2>&1 >/dev/null)
case $msg in *"duplicate.arpa:20: 2-gram \"b c\": listed twice"*) echo "ok   error message names file:line";;
*) echo "FAIL error message: $msg"; fail=1;; esac

shared=${RLM_SHARED:-}
if [ -z "$shared" ] || [ ! -r "$shared/data/lm/ptb.kn5.arpa.gz" ]; then
    [ $fail = 0 ] && { echo "skipped the KenLM golden comparison: RLM_SHARED/data is absent"; exit 77; }
    exit 1
fi
head -n 300 "$shared/data/ptb/ptb.test.txt" >"$tmp/ptb300.txt"
"$RLM" ngram query "$shared/data/lm/ptb.kn5.arpa.gz" <"$tmp/ptb300.txt" 2>/dev/null |
    grep -v -e '^Perplexity' -e '^OOVs:' -e '^Tokens:' -e '^log10' |
    sed 's/Total: .* OOV: [0-9]*$//' | tr -d '\n' >"$tmp/ptb300.query"
expect "KenLM query -v word golden, byte for byte" "$shared/data/golden/ptb.kn5.query-word.test300.txt" "$tmp/ptb300.query"
"$RLM" ngram perplexity "$shared/data/lm/ptb.kn5.arpa.gz" <"$shared/data/ptb/ptb.test.txt" 2>/dev/null |
    head -2 | cut -f2 | awk '{printf "%.2f\n", $1}' >"$tmp/ppl.txt"
printf '141.19\n161.85\n' >"$tmp/ppl_want.txt" # KenLM's figures in shared/data/README.md
expect "PTB test perplexity = KenLM's" "$tmp/ppl_want.txt" "$tmp/ppl.txt"
exit $fail
