#!/usr/bin/env bash
# rlm spell end to end: an LSTM trained here on a small domain text (tests/data/spell/
# corpus_templates.txt, each line repeated with a few prefixes) chooses among hunspell's near
# misses by context: "shep" becomes sheep, ship or shop, "fiesh" fish or fresh, "sael" sail,
# "caot" coat or cart, although hunspell lists she, fish, seal and coat first. Correct sentences
# and tokens without near misses stay as they are; --details prints every candidate's sentence
# score (log10) and the chosen one's equals rlm eval's. Skips (77) without hunspell + en_US.
set -u
. "$(dirname "$0")/rnn_common.bash"
command -v hunspell >/dev/null || { echo "hunspell is not installed (Debian hunspell)"; exit 77; }
echo | hunspell -a -d en_US >/dev/null 2>&1 ||
    { echo "hunspell's en_US dictionary is not installed (Debian hunspell-en-us)"; exit 77; }
D=$ROOT/tests/data/spell

for pre in "" "in the morning" "every day" "yesterday" "at dawn" "on sunday" "that year" \
    "then" "often" "once"; do
    sed "s/^/$pre /; s/^ //" "$D/corpus_templates.txt"
done >"$tmp/train.txt"
head -n 36 "$tmp/train.txt" >"$tmp/valid.txt"
"$RLM" train --train "$tmp/train.txt" --valid "$tmp/valid.txt" -o "$tmp/m.bin" --cell lstm \
    --embed 32 --hidden 32 --epochs 40 --optimizer adam --lr 0.01 --min-improvement 1.0 --threads 1 \
    --quiet --independent-sentences \
    >"$tmp/train.log" 2>&1 || { cat "$tmp/train.log"; echo "training failed"; exit 1; }

cat >"$tmp/in.txt" <<'TXT'
the farmer fed the shep in the field
the sailor sailed the shep across the sea
she bought bread at the shep in town
the fisherman caught a fiesh in the river
the baker sold fiesh bread every morning
the sailor raised the sael of the boat
he wore a caot in the cold winter
the farmer drove the caot along the road
the cat slept by the warm fire
* the abcxyzqq slept by the warm fire
TXT
cat >"$tmp/want.txt" <<'TXT'
the farmer fed the sheep in the field
the sailor sailed the ship across the sea
she bought bread at the shop in town
the fisherman caught a fish in the river
the baker sold fresh bread every morning
the sailor raised the sail of the boat
he wore a coat in the cold winter
the farmer drove the cart along the road
the cat slept by the warm fire
* the abcxyzqq slept by the warm fire
TXT
"$RLM" spell --model "$tmp/m.bin" "$tmp/in.txt" >"$tmp/out.txt" 2>"$tmp/err.txt"
check "exit 0" [ $? -eq 0 ]
paste -d'\n' "$tmp/want.txt" "$tmp/out.txt" | paste - - | awk -F'\t' '
    $1 == $2 { print "ok   " $1; next } { print "FAIL want: " $1 "\n     got:  " $2; bad = 1 } END { exit bad }' &&
    ok "every sentence as wanted" || bad "corrections"
grep -q "10 sentences, 8 tokens with near misses, 8 changed; search exhaustive in 10 sentences" "$tmp/err.txt" &&
    ok "summary: 8 tokens with near misses, all changed, exhaustive" || { bad "summary"; cat "$tmp/err.txt"; }

# stdin, --details: the chosen candidate carries '*', and its sentence score is rlm eval's
head -n 2 "$tmp/in.txt" | "$RLM" spell --model "$tmp/m.bin" --details >"$tmp/d.txt" 2>/dev/null
[ "$(grep -c '^#' "$tmp/d.txt")" -eq 2 ] && ok "details: one line per misspelled token" || { bad "details"; cat "$tmp/d.txt"; }
score=$(awk -F'\t' 'NR == 2 { n = split($4, c, " "); for (i = 1; i <= n; i++) if (c[i] ~ /^\*/) { sub(/.*=/, "", c[i]); print c[i] } }' "$tmp/d.txt")
head -n 1 "$tmp/d.txt" >"$tmp/one.txt"
eval_score=$("$RLM" eval --model "$tmp/m.bin" --per-sentence "$tmp/one.txt" 2>/dev/null | head -n 1 | cut -f1)
near "$score" "$eval_score" 0.001 && ok "details: chosen sentence's log10 $score = rlm eval's $eval_score" ||
    { bad "details: score $score vs rlm eval $eval_score"; cat "$tmp/d.txt"; }
grep -q $'^#\t5\tshep\tshep=[^ ]* she=' "$tmp/d.txt" && ok "details: the token itself is the first candidate" ||
    bad "details: candidate order"

# --beam 1 is greedy and no longer exhaustive; --max-cands 0 changes nothing
"$RLM" spell --model "$tmp/m.bin" --beam 1 "$tmp/in.txt" >/dev/null 2>"$tmp/b.err"
grep -q "search exhaustive in 2 sentences" "$tmp/b.err" && ok "beam 1: only the 2 sentences without choices are exhaustive" ||
    { bad "beam 1"; cat "$tmp/b.err"; }
"$RLM" spell --model "$tmp/m.bin" --max-cands 0 "$tmp/in.txt" >"$tmp/z.txt" 2>/dev/null
cmp -s "$tmp/z.txt" "$tmp/in.txt" && ok "--max-cands 0: the input unchanged" || bad "--max-cands 0"

# errors
"$RLM" spell "$tmp/in.txt" >/dev/null 2>&1
check "usage: no --model exits 2" [ $? -eq 2 ]
"$RLM" spell --model "$tmp/m.bin" --dict xx_NONE "$tmp/in.txt" >/dev/null 2>"$tmp/e.err"
[ $? -eq 1 ] && grep -q "hunspell -a -d xx_NONE: ended without its banner line" "$tmp/e.err" &&
    ok "a missing dictionary is a clear error" || { bad "missing dictionary"; cat "$tmp/e.err"; }
"$RLM" spell --model "$tmp/m.bin" --hunspell /nonexistent/hunspell "$tmp/in.txt" >/dev/null 2>"$tmp/e.err"
check "a missing hunspell program exits 1" [ $? -eq 1 ]
exit $fail
