#!/usr/bin/env bash
# rlm generate and rlm complete on a word-level model of generated toy text: seeds reproduce and
# differ, --top-k 1 is the greedy path that complete's rank 1 predicts, a temperature <= 0 is a
# usage error, complete's probabilities are descending, <= 1, sum to 1 over the vocabulary and
# match their log10 column and eval --per-word, and stdin gives one block a line.
# Exit 0 pass, 77 skip, anything else fail.
set -u
. "$(dirname "$0")/rnn_common.bash"

gen_text 1500 31 >"$tmp/train.txt"
gen_text 60 32 >"$tmp/valid.txt"
for out in class full; do
    "$RLM" train --train "$tmp/train.txt" --valid "$tmp/valid.txt" -o "$tmp/$out.bin" --output "$out" \
        --hidden 32 --embed 32 --epochs 3 --batch 16 --threads 2 --quiet >/dev/null 2>"$tmp/err" ||
        { bad "train --output $out: exit $?"; cat "$tmp/err"; exit 1; }
done
m=$tmp/class.bin

# ---- generate
gen() { "$RLM" generate --model "$m" "$@" 2>"$tmp/gen.err"; }
gen -n 10 --seed 7 >"$tmp/g7a"; gen -n 10 --seed 7 >"$tmp/g7b"; gen -n 10 --seed 8 >"$tmp/g8"
[ "$(wc -l <"$tmp/g7a")" = 10 ] && ok "generate -n 10: 10 lines" || bad "generate -n 10: $(wc -l <"$tmp/g7a") lines"
cmp -s "$tmp/g7a" "$tmp/g7b" && ok "generate: the same seed, the same sentences" || bad "generate --seed 7 twice differs"
cmp -s "$tmp/g7a" "$tmp/g8" && bad "generate: --seed 7 and 8 gave the same sentences" || ok "generate: another seed, other sentences"
awk 'NR == FNR { for (i = 1; i <= NF; i++) v[$i] = 1; next }
     { for (i = 1; i <= NF; i++) if (!($i in v)) { print "unknown word " $i; exit 1 } }' \
    "$tmp/train.txt" "$tmp/g7a" "$tmp/g8" && ok "generate: only training words" || bad "generate: words outside the vocabulary"
[ "$(awk 'NF' "$tmp/g7a" | wc -l)" -ge 5 ] && ok "generate: sentences are not empty" || bad "generate: mostly empty lines"

gen -n 3 --top-k 1 --seed 1 >"$tmp/k1a"; gen -n 3 --top-k 1 --seed 99 >"$tmp/k1b"
cmp -s "$tmp/k1a" "$tmp/k1b" && [ "$(sort -u "$tmp/k1a" | wc -l)" = 1 ] &&
    ok "generate --top-k 1: one greedy sentence whatever the seed" || { bad "generate --top-k 1 depends on the seed"; cat "$tmp/k1a" "$tmp/k1b"; }
# greedy = complete's rank 1 at every step: feed every prefix of the sentence to complete on stdin
read -r -a greedy <"$tmp/k1a"
{ p=""; echo; for w in "${greedy[@]}"; do p="${p:+$p }$w"; echo "$p"; done; } >"$tmp/prefixes"
"$RLM" complete --model "$m" --top-k 1 <"$tmp/prefixes" | awk -F'\t' 'NF == 4 { print $2 }' >"$tmp/top1"
{ printf '%s\n' "${greedy[@]}"; echo "</s>"; } >"$tmp/want_top1"
if [ ${#greedy[@]} = 100 ]; then # stopped by --max-tokens (default 100), not by </s>
    sed -i '$d' "$tmp/want_top1" "$tmp/top1"
fi
cmp -s "$tmp/want_top1" "$tmp/top1" && ok "generate --top-k 1 follows complete's rank 1 at each of ${#greedy[@]} steps, then </s>" ||
    { bad "greedy sentence vs complete rank 1"; diff "$tmp/want_top1" "$tmp/top1" | head; }

gen -n 4 --prefix "the old king" --seed 3 >"$tmp/gp"
[ "$(grep -c '^the old king\( \|$\)' "$tmp/gp")" = 4 ] && ok "generate --prefix: every line continues it" ||
    { bad "generate --prefix"; cat "$tmp/gp"; }
gen -n 20 --max-tokens 3 --seed 5 >"$tmp/gm"
awk 'NF > 3 { exit 1 }' "$tmp/gm" && [ "$(wc -l <"$tmp/gm")" = 20 ] && ok "generate --max-tokens 3: no line longer" ||
    { bad "generate --max-tokens 3"; cat "$tmp/gm"; }
[ -z "$(gen -n 0)" ] && ok "generate -n 0 prints nothing" || bad "generate -n 0 printed something"

usage() { # NAME WORD ARGS...: exit 2 with a message that contains WORD
    local name=$1 word=$2; shift 2
    local msg rc
    msg=$("$@" 2>&1 >/dev/null </dev/null); rc=$?
    [ $rc = 2 ] && grep -qi -- "$word" <<<"$msg" && ok "$name: exit 2 naming $word" ||
        bad "$name: exit $rc, message: $(head -1 <<<"$msg")"
}
usage "generate --temperature 0" temperature "$RLM" generate --model "$m" --temperature 0
usage "generate --temperature -1" temperature "$RLM" generate --model "$m" --temperature -1
usage "generate --temperature x" --temperature "$RLM" generate --model "$m" --temperature x
usage "generate --top-k -1" count "$RLM" generate --model "$m" --top-k -1
usage "complete --top-k 0" top-k "$RLM" complete --model "$m" --top-k 0
usage "complete two prefixes" unexpected "$RLM" complete --model "$m" "the" "a"

# ---- complete
check_block() { # NAME FILE K: ranks 1..K, p in (0,1] descending, 10^log10 = p
    awk -F'\t' -v k="$3" '
        NF != 4 || $1 != NR || $3 <= 0 || $3 > 1 || (NR > 1 && $3 > prev) { bad = 1 }
        { prev = $3; d = 10^$4 - $3; if (d < 0) d = -d; if (d > 1e-6 + 1e-5 * $3) bad = 1 }
        END { exit bad || NR != k }' "$2" && ok "$1" || { bad "$1"; cat "$2"; }
}
for out in class full; do
    "$RLM" complete --model "$tmp/$out.bin" --top-k 5 "the old" >"$tmp/c5" 2>"$tmp/err" || bad "complete: exit $?"
    check_block "complete ($out): 5 ranks, probabilities descending in (0,1], log10 column = log10 p" "$tmp/c5" 5
    "$RLM" complete --model "$tmp/$out.bin" --top-k 100000 "the old" >"$tmp/call" 2>/dev/null
    V=$(wc -l <"$tmp/call")
    awk -F'\t' '{ s += 10^$4 } END { d = s - 1; exit !(d < 1e-4 && d > -1e-4) }' "$tmp/call" &&
        ok "complete ($out): --top-k beyond the vocabulary lists all $V ids, summing to 1" ||
        bad "complete ($out): probabilities over $V ids do not sum to 1"
    cmp -s <(head -n 5 "$tmp/call") "$tmp/c5" && ok "complete ($out): --top-k 5 is the head of the full list" ||
        bad "complete ($out): --top-k 5 is not the head of the full list"
done
# after "the" comes an adjective or a noun, never another determiner or </s>
"$RLM" complete --model "$m" --top-k 3 "the" | cut -f2 | grep -qx -e the -e a -e '</s>' &&
    bad "complete 'the': a determiner or </s> in the top 3" || ok "complete 'the': top 3 are adjectives or nouns"

printf 'the old\n\nmy dog saw\n' >"$tmp/stdin"
"$RLM" complete --model "$m" --top-k 4 <"$tmp/stdin" >"$tmp/blocks" 2>/dev/null || bad "complete from stdin: exit $?"
{ while IFS= read -r p; do
      if [ -n "$p" ]; then "$RLM" complete --model "$m" --top-k 4 "$p"; else "$RLM" complete --model "$m" --top-k 4 ""; fi
      echo
  done <"$tmp/stdin"; } >"$tmp/blocks_want" 2>/dev/null
[ "$(grep -c '^$' "$tmp/blocks")" = 3 ] && cmp -s "$tmp/blocks" "$tmp/blocks_want" &&
    ok "complete from stdin: 3 lines, 3 blocks, each as for the prefix given alone" ||
    { bad "complete from stdin"; diff "$tmp/blocks_want" "$tmp/blocks"; }
"$RLM" complete --model "$m" "the zebra" >/dev/null 2>"$tmp/err"
grep -q "unknown" "$tmp/err" && ok "complete: an unknown prefix word is reported" || bad "complete: unknown prefix word not reported"

# complete's log10 for each next word = eval --per-word's for that word (incremental = batched)
head -n 1 "$tmp/valid.txt" >"$tmp/one.txt"
"$RLM" eval --model "$m" --per-word "$tmp/one.txt" | awk -F'\t' 'NF == 2' >"$tmp/pw"
read -r -a words <"$tmp/one.txt"
{ p=""; echo; for w in "${words[@]}"; do p="${p:+$p }$w"; echo "$p"; done; } >"$tmp/prefixes"
"$RLM" complete --model "$m" --top-k 100000 <"$tmp/prefixes" 2>/dev/null >"$tmp/all"
awk -F'\t' 'NR == FNR { tok[FNR] = $1; lp[FNR] = $2; n = FNR; next }
    NF == 0 { b++; next }
    $2 == tok[b + 1] { d = $4 - lp[b + 1]; if (d < 0) d = -d; if (d > 2e-4) bad++; found++ }
    END { exit bad || found != n }' "$tmp/pw" "$tmp/all" &&
    ok "complete's log10 of each next word = eval --per-word (${#words[@]} words and </s>)" ||
    { bad "complete and eval --per-word disagree"; cat "$tmp/pw"; }
exit $fail
