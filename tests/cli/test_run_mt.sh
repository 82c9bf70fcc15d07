#!/usr/bin/env bash
# rlm run's MT path (recipes/mt-moses.yaml's shape) end to end on hand-written Moses n-best lists
# of toy English: an LSTM trained here, weights tuned on dev for BLEU, the test lists rescored,
# and the report's BLEU rows checked against values counted by hand. In both lists the
# "decoder" (the Moses totals) prefers a locally reordered hypothesis in some sentences; the
# reference is always in the list. Also: the dev lists that rlm tune reads keep the decoder's
# Moses totals (rlm nbest writes the new total there, which tune would count as its base).
# Exit 0 pass, 77 skip, else fail.
set -u
. "$(dirname "$0")/rnn_common.bash"
row() { grep "^| $2" "$1" | head -1 | awk -F'|' -v c="$3" '{ gsub(/ /, "", $c); print $c }'; }

gen_text 3000 7 >"$tmp/train.txt"
gen_text 200 11 >"$tmp/valid.txt"
"$RLM" train --train "$tmp/train.txt" --valid "$tmp/valid.txt" -o "$tmp/m.bin" --cell lstm \
    --embed 32 --hidden 32 --epochs 4 --threads 1 --quiet --independent-sentences \
    >"$tmp/train.log" 2>&1 || { cat "$tmp/train.log"; echo "training failed"; exit 1; }

f="LM0= -12.5 TM0= -1 -2.5 -1 -2 Distortion0= 0 WordPenalty0= -5"
cat >"$tmp/dev.nbest" <<EOF
0 ||| the old man took horse a ||| $f ||| 2.0
0 ||| the old man took a horse ||| $f ||| 1.6
0 ||| old the man took a horse ||| $f ||| 1.0
1 ||| her servant heard the prophet ||| $f ||| 2.0
1 ||| servant her heard the prophet ||| $f ||| 1.5
2 ||| my child that built house ||| $f ||| 1.8
2 ||| my child built that house ||| $f ||| 1.7
2 ||| child my built that house ||| $f ||| 0.5
EOF
printf '0 the old man took a horse\n1 her servant heard the prophet\n2 my child built that house\n' >"$tmp/dev.ref"
cat >"$tmp/test.nbest" <<EOF
0 ||| the king loved his house ||| $f ||| 1.5
0 ||| the king loved house his ||| $f ||| 1.2
0 ||| king the loved his house ||| $f ||| 0.9
1 ||| a woman my found horse ||| $f ||| 1.4
1 ||| a woman found my horse ||| $f ||| 1.1
1 ||| woman a found my horse ||| $f ||| 0.7
EOF
printf '0 the king loved his house\n1 a woman found my horse\n' >"$tmp/test.ref"
cat >"$tmp/mt.yaml" <<YAML
workdir: out
model: {path: m.bin}
nbest:
  format: moses
  dev: {inputs: [dev.nbest], references: dev.ref}
  test: {inputs: [test.nbest], references: test.ref}
tune: {metric: bleu, lm_weight: [0, 2, 0.5], wip: [0, 0, 1]}
report: {path: out/report.md}
YAML

# 1. the plan: dev rescored with weight 0 (Moses totals kept), tuned for BLEU
"$RLM" run "$tmp/mt.yaml" --dry-run >"$tmp/plan.txt" 2>&1
check "dry run exits 0" [ $? -eq 0 ]
check "plan: dev rescored as a new feature, totals kept" grep -q "1. nbest     rlm nbest --format moses $tmp/dev.nbest --model $tmp/m.bin --add-column -o $tmp/out/nbest.rnn.dev --lm-weight 0 --wip 0$" "$tmp/plan.txt"
check "plan: tuned for BLEU" grep -q "2. tune      rlm tune --format moses $tmp/out/nbest.rnn.dev --ref $tmp/dev.ref --metric bleu --lm-weight 0:2:5 --wip 0:0:1 " "$tmp/plan.txt"

# 2. the job
"$RLM" run "$tmp/mt.yaml" >"$tmp/run.txt" 2>&1 || { bad "rlm run exits 0"; cat "$tmp/run.txt"; }
R=$tmp/out/report.md
check "report written" [ -s "$R" ]
no_temporaries "$tmp/out" "report"
# every hypothesis of the rescored dev lists still has its Moses total, and a feature rlm=
awk -F' [|][|][|] ' 'NR == FNR { t[$1 " " $2] = $4; next }
    !(($1 " " $2) in t) || t[$1 " " $2] + 0 != $4 + 0 || $3 !~ / rlm= -[0-9.]+$/ { bad = 1 }
    END { exit bad || FNR != 8 }' "$tmp/dev.nbest" "$tmp/out/nbest.rnn.dev" &&
    ok "dev lists keep the Moses totals and gain rlm=" || { bad "dev lists' totals"; cat "$tmp/out/nbest.rnn.dev"; }
w=$(sed -n 's/^--lm-weight \([^ ]*\) --wip .*/\1/p' "$tmp/out/nbest.rnn.opts")
check "tuned LM weight ${w:-none} > 0" awk -v w="${w:-0}" 'BEGIN { exit !(w > 0) }'
check "tune reached dev BLEU 100" grep -q "^best: .* BLEU=100.0000 (3 utterances" "$tmp/out/nbest.rnn.tune.txt"
check "the RNN's test 1-best is the references" cmp -s "$tmp/test.ref" "$tmp/out/nbest.rnn.test.1best"
bleu=$("$RLM" bleu "$tmp/test.ref" "$tmp/out/nbest.rnn.test.1best" | sed -n 's/^BLEU = \([^ ]*\).*/\1/p')
check "rlm bleu on the chosen 1-best: ${bleu:-none} = 100.00" [ "$bleu" = "100.00" ]
check "RNN row: BLEU 100.00 = rlm bleu's" [ "$(row "$R" "RNN rescoring" 8)" = "${bleu:-x}" ]
# baseline: sentence 0 exact; sentence 1 "a woman my found horse" against "a woman found my
# horse": n-gram matches 5/5 + 5/5, 4/4 + 1/4, 3/3 + 0/3, 2/2 + 0/2, so
# BLEU = 100 * (1 * 5/8 * 3/6 * 2/4)^(1/4) = 62.87 (lengths equal: no brevity penalty); sclite
# aligns it as one deletion and one insertion (cost 6 < two substitutions' 8): WER 2/10
check "baseline row: WER 20.00 (1 del, 1 ins), BLEU 62.87" grep -q "^| baseline 1-best (the lists' ranking) | 20.00 | 0 | 1 | 1 | 10 | 62.87 |" "$R"
check "oracle row by sentence BLEU: 100.00" grep -q "^| n-best oracle (best sentence BLEU per utterance) | 0.00 | 0 | 0 | 0 | 10 | 100.00 |" "$R"
check "the table says the weights were tuned for BLEU" grep -q "for BLEU by rlm tune" "$R"
exit $fail
