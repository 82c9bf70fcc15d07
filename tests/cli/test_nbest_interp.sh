#!/usr/bin/env bash
# rlm tune --old-lm -o, applied by rlm nbest: the options tune writes make `rlm nbest` rank
# exactly as tune's --best did. tests/data/tune/interp_nbest.tsv holds the decoder's LM column
# lm; the new score is uni.arpa's (a unigram: log10 P of each word and of </s>, -1), so
#   u1  "a x": new -1.2 - 0.9 - 1 = -3.1, old -3    "a b" (right): new -3.5, old -2
#   u2  "c d": new -1.1 - 1.4 - 1 = -3.5, old -2    "c f" (right): new -3.1, old -2.5
# With equal acoustic scores and lengths, total = W * ((1 - a) * old + a * new) + const picks
# the right u1 iff -2 - 1.5a > -3 - 0.1a (a < 1/1.4 = 0.714) and the right u2 iff
# -2.5 - 0.6a > -2 - 1.5a (a > 5/9 = 0.556): WER 0 only for 0.556 < a < 0.714, so neither LM
# alone (a = 0 or 1) gets both. Exit 0 pass, 77 skip, else fail.
set -u
. "$(dirname "$0")/rnn_common.bash"
D=$ROOT/tests/data/tune
nbest() { "$RLM" nbest --format tsv "$D/interp_nbest.tsv" --ngram "$D/uni.arpa" --add-column "$@"; }

# 1. the interpolation a = 0 and a = 1 each get one utterance wrong (hand-computed above)
nbest -o "$tmp/a0.tsv" --best "$tmp/a0.1best" --old-lm lm --interp 0 2>/dev/null
[ "$(cat "$tmp/a0.1best")" = $'u1 a b\nu2 c d' ] && ok "a = 0 (the decoder's LM): u2 wrong" ||
    { bad "a = 0"; cat "$tmp/a0.1best"; }
nbest -o "$tmp/a1.tsv" --best "$tmp/a1.1best" --old-lm lm --interp 1 2>/dev/null
[ "$(cat "$tmp/a1.1best")" = $'u1 a x\nu2 c f' ] && ok "a = 1 (the new LM): u1 wrong" ||
    { bad "a = 1"; cat "$tmp/a1.1best"; }
nbest -o "$tmp/a6.tsv" --best "$tmp/a6.1best" --old-lm lm --interp 0.6 2>/dev/null
[ "$(cat "$tmp/a6.1best")" = $'u1 a b\nu2 c f' ] && ok "a = 0.6: both right" ||
    { bad "a = 0.6"; cat "$tmp/a6.1best"; }
nbest -o "$tmp/w.tsv" --best "$tmp/w.1best" 2>/dev/null
cmp -s "$tmp/w.1best" "$tmp/a1.1best" && ok "without --old-lm the ranking is a = 1's" || bad "no --old-lm"

# 2. tune on the rescored lists, then rlm nbest with tune's options: tune's 1-best, byte for byte
nbest -o "$tmp/r.tsv" 2>/dev/null
"$RLM" tune --format tsv "$tmp/r.tsv" --ref "$D/interp_nbest.ref" --old-lm lm -o "$tmp/best.opts" \
    --best "$tmp/tune.1best" >"$tmp/t.out" 2>"$tmp/t.err"
check "tune --old-lm -o: exit 0" [ $? -eq 0 ]
best=$(grep '^best:' "$tmp/t.out")
a=$(sed -n 's/.* a=\([^ ]*\) WER=\([^ ]*\).*/\1 \2/p' <<<"$best")
awk -v a="${a% *}" -v e="${a#* }" 'BEGIN { exit !(a > 5 / 9 && a < 1 / 1.4 && e == 0) }' &&
    ok "tune: best a inside (0.556, 0.714) with WER 0 ($best)" || { bad "tune: $best"; cat "$tmp/t.err"; }
grep -Eq '^--lm-weight [-0-9.e]+ --wip [-0-9.e]+ --old-lm lm --interp 0\.[0-9]+$' "$tmp/best.opts" &&
    ok "tune -o writes --old-lm lm --interp A ($(cat "$tmp/best.opts"))" || { bad "options"; cat "$tmp/best.opts"; }
no_temporaries "$tmp" "tune -o"
# shellcheck disable=SC2046
nbest -o "$tmp/n.tsv" --best "$tmp/nbest.1best" $(cat "$tmp/best.opts") 2>"$tmp/n.err"
check "rlm nbest accepts tune's options" [ $? -eq 0 ]
cmp -s "$tmp/nbest.1best" "$tmp/tune.1best" && ok "rlm nbest's 1-best = tune's --best" ||
    { bad "1-best files differ"; diff "$tmp/nbest.1best" "$tmp/tune.1best"; cat "$tmp/n.err"; }
cmp -s "$tmp/nbest.1best" "$tmp/a6.1best" && ok "and it is the right one in both utterances" ||
    bad "tuned 1-best"

# 3. usage errors exit 2, a missing column exits 1 naming it
nbest -o "$tmp/x.tsv" --old-lm lm 2>"$tmp/e.err"
[ $? -eq 2 ] && grep -q -- "--old-lm COL and --interp A go together" "$tmp/e.err" &&
    ok "usage: --old-lm without --interp" || { bad "usage: --old-lm alone"; cat "$tmp/e.err"; }
nbest -o "$tmp/x.tsv" --old-lm lm --interp 1.5 2>"$tmp/e.err"
[ $? -eq 2 ] && grep -q -- "--interp: expected A in \[0, 1\]" "$tmp/e.err" &&
    ok "usage: --interp 1.5" || { bad "usage: --interp range"; cat "$tmp/e.err"; }
"$RLM" nbest --format tsv "$D/interp_nbest.tsv" --ngram "$D/uni.arpa" -o "$tmp/x.tsv" \
    --old-lm lm --interp 0.5 2>"$tmp/e.err"
[ $? -eq 2 ] && grep -q -- "--replace-lm overwrites that column" "$tmp/e.err" &&
    ok "usage: --old-lm lm with --replace-lm" || { bad "usage: replace"; cat "$tmp/e.err"; }
nbest -o "$tmp/x.tsv" --old-lm nosuch --interp 0.5 2>"$tmp/e.err"
[ $? -eq 1 ] && grep -q "interp_nbest.tsv: the lists have no column 'nosuch' (--old-lm)" "$tmp/e.err" &&
    ok "input: an unknown --old-lm column is named" || { bad "input: column"; cat "$tmp/e.err"; }
[ ! -e "$tmp/x.tsv" ] && ok "no output after an error" || bad "output written after an error"
exit $fail
