#!/usr/bin/env bash
# rlm tune on hand-made TSV n-best lists whose optimum is known by construction
# (tests/data/tune/dev.tsv, all scores log10, total = ac + w * lm + p * words):
#   utt1: the correct hypothesis wins iff w > 1.3   utt2: iff w < 1.5 (tie at 1.5: the wrong one)
#   utt3: the correct (longer) one wins iff p > 0.5  utt4: iff p < 0.7 (an insertion otherwise)
# so WER is 0 exactly for 1.3 < w < 1.5 and 0.5 < p < 0.7, and 2 errors in 13 words at w = p = 0.
# interp.tsv: with w = 1, p = 0, the interpolation a between columns lm and rlm is right iff
# 0.3 < a < 0.6. Then the independent cross-check: tune on lists rescored by `rlm nbest` (a
# hand-written unigram ARPA), write the best options, let `rlm nbest` apply them, and `rlm wer` /
# `rlm bleu` on its 1-best must print the metric tune reported. Exit 0 pass, 77 skip, else fail.
set -u
. "$(dirname "$0")/rnn_common.bash"
D=$ROOT/tests/data/tune

# 1. the known optimum, reached by the default grid (steps of 0.2 hit w = 1.4, p = 0.6)
"$RLM" tune --format tsv "$D/dev.tsv" --ref "$D/dev.ref" >"$tmp/t1.out" 2>"$tmp/t1.err"
check "wer: exit 0" [ $? -eq 0 ]
best=$(grep '^best:' "$tmp/t1.out")
w=$(sed -n 's/.*lm_weight=\([^ ]*\).*/\1/p' <<<"$best"); p=$(sed -n 's/.* wip=\([^ ]*\).*/\1/p' <<<"$best")
wer=$(sed -n 's/.* WER=\([^ ]*\).*/\1/p' <<<"$best")
awk -v w="$w" -v p="$p" -v e="$wer" 'BEGIN { exit !(w > 1.3 && w < 1.5 && p > 0.5 && p < 0.7 && e == 0) }' &&
    ok "wer: best point inside 1.3 < w < 1.5, 0.5 < p < 0.7 with WER 0 ($best)" || bad "wer: best point: $best"
grep -qx $'0\t0\t15.3846\tgrid' "$tmp/t1.out" && ok "wer: table row w=0 p=0 is 2/13 = 15.3846%" ||
    bad "wer: row 0 0"
grep -qx $'1.6\t0.6\t7.6923\tgrid' "$tmp/t1.out" && ok "wer: past w = 1.5 utt2 goes wrong: 1/13" ||
    bad "wer: row 1.6 0.6"
"$RLM" tune --format tsv "$D/dev.tsv" --ref "$D/dev.ref" --lm-weight 1.5:1.5:1 --wip 0.6:0.6:1 >"$tmp/t1b.out"
grep -q '^best:.* WER=7.6923' "$tmp/t1b.out" && ok "wer: the tie at w = 1.5 goes to the first (wrong) hypothesis" ||
    bad "wer: tie at 1.5"
rows=$(grep -c $'\tgrid$' "$tmp/t1.out")
check "wer: the table lists the 11 x 11 grid ($rows rows)" [ "$rows" -eq 121 ]
grep -q $'\tlocal$' "$tmp/t1.out" && ok "wer: the local search follows the grid" || bad "wer: no local points"

# 2. interpolation of two LM columns
"$RLM" tune --format tsv "$D/interp.tsv" --ref "$D/interp.ref" --lm rlm --old-lm lm \
    --lm-weight 1:1:1 --wip 0:0:1 >"$tmp/t2.out" 2>&1
a=$(sed -n 's/^best:.* a=\([^ ]*\) WER=\([^ ]*\).*/\1 \2/p' "$tmp/t2.out")
awk -v a="${a% *}" -v e="${a#* }" 'BEGIN { exit !(a > 0.3 && a < 0.6 && e == 0) }' &&
    ok "interp: best a inside (0.3, 0.6) with WER 0 ($a)" || { bad "interp: $a"; cat "$tmp/t2.out"; }
grep -qx $'1\t0\t0\t25.0000\tgrid' "$tmp/t2.out" && ok "interp: a = 0 leaves u1 wrong: 1 of 4 words" ||
    bad "interp: row a=0"

# 3. cross-check with rlm nbest + rlm wer / rlm bleu
"$RLM" nbest --format tsv "$D/dev.tsv" --ngram "$D/uni.arpa" --add-column -o "$tmp/r.tsv" 2>/dev/null
"$RLM" tune --format tsv "$tmp/r.tsv" --ref "$D/dev.ref" -o "$tmp/best.opts" --best "$tmp/tune.1best" >"$tmp/t3.out"
check "cross: tune on rlm nbest's output: exit 0" [ $? -eq 0 ]
grep -q '^best:.* lm=rlm' "$tmp/t3.out" && ok "cross: the added column rlm is the default LM" || bad "cross: column"
no_temporaries "$tmp" "cross: -o and --best"
# shellcheck disable=SC2046
"$RLM" nbest --format tsv "$D/dev.tsv" --ngram "$D/uni.arpa" --add-column -o "$tmp/n.tsv" \
    --best "$tmp/nbest.1best" $(cat "$tmp/best.opts") 2>/dev/null
check "cross: rlm nbest accepts the options file" [ $? -eq 0 ]
cmp -s "$tmp/nbest.1best" "$tmp/tune.1best" && ok "cross: rlm nbest's 1-best = tune's --best" ||
    bad "cross: 1-best files differ"
t_wer=$(sed -n 's/^best:.* WER=\([^ ]*\).*/\1/p' "$tmp/t3.out")
r_wer=$("$RLM" wer "$D/dev.ref" "$tmp/nbest.1best" | sed -n 's/^%WER \([^ ]*\).*/\1/p')
near "$t_wer" "$r_wer" 0.005 && ok "cross: tune's WER $t_wer = rlm wer's $r_wer" || bad "cross: WER $t_wer vs $r_wer"
"$RLM" tune --format tsv "$tmp/r.tsv" --ref "$D/dev.ref" --metric bleu -o "$tmp/bleu.opts" >"$tmp/t4.out"
# shellcheck disable=SC2046
"$RLM" nbest --format tsv "$D/dev.tsv" --ngram "$D/uni.arpa" --add-column -o "$tmp/b.tsv" \
    --best "$tmp/bleu.1best" $(cat "$tmp/bleu.opts") 2>/dev/null
t_bleu=$(sed -n 's/^best:.* BLEU=\([^ ]*\).*/\1/p' "$tmp/t4.out")
r_bleu=$("$RLM" bleu "$D/dev.ref" "$tmp/bleu.1best" | sed -n 's/^BLEU = \([^ ]*\).*/\1/p')
near "$t_bleu" "$r_bleu" 0.005 && ok "cross: tune's BLEU $t_bleu = rlm bleu's $r_bleu" || bad "cross: BLEU $t_bleu vs $r_bleu"
"$RLM" tune --format tsv "$D/dev.tsv" --ref "$D/dev.ref" --metric bleu >"$tmp/t5.out"
grep -q '^best: lm_weight=1.4 wip=0.6 BLEU=100.0000' "$tmp/t5.out" && ok "bleu: the known optimum gives BLEU 100" ||
    { bad "bleu: known optimum"; tail -n 1 "$tmp/t5.out"; }

# 4. errors: usage errors exit 2, bad input exits 1 naming the file
"$RLM" tune --format tsv "$D/dev.tsv" --ref "$D/dev.ref" --lm-weight 2:1:5 >/dev/null 2>"$tmp/e.err"
check "usage: --lm-weight 2:1:5 exits 2" [ $? -eq 2 ]
"$RLM" tune --format tsv "$D/interp.tsv" --ref "$D/interp.ref" --lm rlm --old-lm lm --lm-weight 1:1:1 \
    --wip 0:0:1 -o "$tmp/x" >/dev/null 2>&1
[ $? -eq 0 ] && grep -Eq '^--lm-weight 1 --wip 0 --old-lm lm --interp 0\.[345][0-9]*$' "$tmp/x" &&
    ok "-o with --old-lm writes the interpolation for rlm nbest (test_nbest_interp.sh)" ||
    { bad "-o with --old-lm"; cat "$tmp/x"; }
"$RLM" tune --format tsv "$D/dev.tsv" --ref "$D/interp.ref" >/dev/null 2>"$tmp/e.err"
[ $? -eq 1 ] && grep -q "interp.ref: utterance 'utt1' of the n-best lists has no reference" "$tmp/e.err" &&
    ok "input: a missing reference names the file and utterance" || { bad "input: missing ref"; cat "$tmp/e.err"; }
"$RLM" tune --format tsv "$D/dev.tsv" --ref "$D/dev.ref" --lm nosuch >/dev/null 2>"$tmp/e.err"
[ $? -eq 1 ] && grep -q "no column 'nosuch'" "$tmp/e.err" && ok "input: an unknown column is named" ||
    bad "input: unknown column"
exit $fail
