#!/usr/bin/env bash
# rlm run's n-best job end to end on the hand-made lists of tests/data/tune (known optimum: see
# test_tune.sh) with the hand-written unigram ARPA: tune on dev, rescore test, and a report
# table whose numbers equal rlm tune / rlm nbest / rlm wer / rlm bleu run by hand, and whose
# baseline and oracle rows are counted by hand below. A second run skips the steps that are up to
# date, and a newer recipe redoes them. Also: a missing list is named with
# file:line:column before anything runs; what rlm run cannot drive fails plainly.
# Exit 0 pass, 77 skip, else fail.
set -u
source "$(dirname "$0")/rnn_common.bash"
D=$(cd "$ROOT" && pwd)/tests/data/tune
row() { grep "^| $2" "$1" | head -1 | awk -F'|' -v c="$3" '{ gsub(/ /, "", $c); print $c }'; }

cat >"$tmp/nb.yaml" <<YAML
workdir: out
ngram:
  - {path: $D/uni.arpa, name: uni}
nbest:
  format: tsv
  dev: {inputs: [$D/dev.tsv], references: $D/dev.ref}
  test: {inputs: [$D/dev.tsv], references: $D/dev.ref}
tune: {metric: wer, lm_weight: [0, 2, 0.2], wip: [-1, 1, 0.2]}
report: {path: out/report.md}
YAML

# 1. the plan: rlm nbest, rlm tune, rlm nbest with tune's options; nothing run
"$RLM" run "$tmp/nb.yaml" --dry-run >"$tmp/plan.txt" 2>&1
check "dry run exits 0" [ $? -eq 0 ]
check "plan: rescore dev" grep -q "1. nbest     rlm nbest --format tsv $D/dev.tsv --ngram $D/uni.arpa --replace-lm -o $tmp/out/nbest.ngram1.dev$" "$tmp/plan.txt"
check "plan: tune with the recipe's grids" grep -q "2. tune      rlm tune --format tsv $tmp/out/nbest.ngram1.dev --ref $D/dev.ref --metric wer --lm-weight 0:2:11 --wip -1:1:11 -o $tmp/out/nbest.ngram1.opts" "$tmp/plan.txt"
check "plan: rescore test with tune's options" grep -q "3. nbest .*--best $tmp/out/nbest.ngram1.test.1best \$(cat $tmp/out/nbest.ngram1.opts)$" "$tmp/plan.txt"
check "dry run runs nothing" [ ! -e "$tmp/out" ]

# 2. the job, and the same commands by hand
"$RLM" run "$tmp/nb.yaml" >"$tmp/run.txt" 2>&1 || { bad "rlm run exits 0"; cat "$tmp/run.txt"; }
R=$tmp/out/report.md
check "report written" [ -s "$R" ]
no_temporaries "$tmp/out" "report"
"$RLM" nbest --format tsv "$D/dev.tsv" --ngram "$D/uni.arpa" --replace-lm -o "$tmp/dev.tsv" 2>/dev/null
"$RLM" tune --format tsv "$tmp/dev.tsv" --ref "$D/dev.ref" --metric wer --lm-weight 0:2:11 --wip -1:1:11 -o "$tmp/best.opts" >/dev/null
check "tune's options = rlm tune by hand ($(cat "$tmp/best.opts"))" cmp -s "$tmp/best.opts" "$tmp/out/nbest.ngram1.opts"
# shellcheck disable=SC2046
"$RLM" nbest --format tsv "$D/dev.tsv" --ngram "$D/uni.arpa" --replace-lm -o "$tmp/test.tsv" --best "$tmp/test.1best" $(cat "$tmp/best.opts") 2>/dev/null
check "1-best = rlm nbest by hand" cmp -s "$tmp/test.1best" "$tmp/out/nbest.ngram1.test.1best"
wer=$("$RLM" wer "$D/dev.ref" "$tmp/test.1best" | sed -n 's/^%WER \([^ ]*\).*/\1/p')
bleu=$("$RLM" bleu "$D/dev.ref" "$tmp/test.1best" | sed -n 's/^BLEU = \([^ ]*\).*/\1/p')
r_wer=$(row "$R" "n-gram rescoring (uni)" 3); r_bleu=$(row "$R" "n-gram rescoring (uni)" 8)
check "n-gram row WER $r_wer = rlm wer's $wer" near "${r_wer:-x}" "$wer" 0.005
check "n-gram row BLEU $r_bleu = rlm bleu's $bleu" near "${r_bleu:-x}" "$bleu" 0.005
check "n-gram row names tune's weights" grep -q "^| n-gram rescoring (uni) |.*| $(cat "$tmp/best.opts") |$" "$R"
# baseline = rank 1 of each list: a x c (1 sub), d e g (1 sub), g h i (1 del), k l m n o (2 ins)
check "baseline row: 5 errors in 13 words (38.46%)" grep -q "^| baseline 1-best (the lists' ranking) | 38.46 | 2 | 1 | 2 | 13 |" "$R"
# every list holds its reference: the oracle is perfect
check "oracle row: 0 errors, BLEU 100" grep -q "^| n-best oracle (fewest errors per utterance) | 0.00 | 0 | 0 | 0 | 13 | 100.00 |" "$R"
check "the table is printed too" grep -q "^| baseline 1-best" "$tmp/run.txt"
cp "$R" "$tmp/report1.md"
"$RLM" run "$tmp/nb.yaml" >"$tmp/run2.txt" 2>&1 || bad "second run exits 0"
check "second run: its 3 steps skipped" [ "$(grep -c '\[skip: newer than' "$tmp/run2.txt")" = 3 ]
check "second run: the same report" cmp -s "$R" "$tmp/report1.md"
touch -d '+2 seconds' "$tmp/nb.yaml"
"$RLM" run "$tmp/nb.yaml" --dry-run >"$tmp/plan3.txt" 2>&1
check "a newer recipe: nothing skipped" [ "$(grep -c '\[skip:' "$tmp/plan3.txt")" = 0 ]

# 3. errors before anything runs
sed "s|test: {inputs: \[$D/dev.tsv\]|test: {inputs: [nope.tsv]|" "$tmp/nb.yaml" >"$tmp/missing.yaml"
"$RLM" run "$tmp/missing.yaml" >/dev/null 2>"$tmp/missing.err"
check "a missing list exits 1" [ $? -eq 1 ]
check "a missing list is named with line and column" grep -qx "rlm run: $tmp/missing.yaml:7:19: nbest.test.inputs\[0\]: $tmp/nope.tsv: No such file or directory" "$tmp/missing.err"
sed 's/^tune: .*/tune: {metric: wer, mix_weight: [0, 1, 0.5]}/; s/^report:.*/mix: {weights: [0.5, 0.5]}/' "$tmp/nb.yaml" |
    sed "s|^  - {path: $D/uni.arpa, name: uni}|&\n  - {path: $D/uni.arpa, name: uni2}|" >"$tmp/mixw.yaml"
"$RLM" run "$tmp/mixw.yaml" >"$tmp/mixw.out" 2>&1
check "tune.mix_weight exits 1" [ $? -eq 1 ]
check "tune.mix_weight is named NOT AVAILABLE" grep -q "tune      NOT AVAILABLE: tune.mix_weight" "$tmp/mixw.out"
exit $fail
