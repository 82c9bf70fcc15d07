#!/usr/bin/env bash
# rlm run's lattice job end to end on two hand-written SLF lattices (a directory of them) with a
# toy LSTM and a hand-written unigram ARPA. Each lattice is "the man saw the" then king or dog
# (acoustics prefer king by 0.5 ln = 0.217 log10, the unigram prefers dog by 1.0 log10), then
# </s>; the references end in dog (u1) and horse (u2, in no path). So the unigram system (the
# RNN at mixture weight 0) makes 1 error in 10 words at any LM weight above 0.217 and 2 below:
# tuned on the same lattices it gets 1 sub (10.00%), and at LM weight 1e-6 every system gets 2
# subs (20.00%). The RNN's and the mixture's rows equal rlm lattice + rlm wer run by hand with
# the tuned options (and --oov-penalty, which no word here meets). A second run skips every lattice step; a newer lattice file redoes them.
# Exit 0 pass, 77 skip, else fail.
set -u
source "$(dirname "$0")/rnn_common.bash"
row() { grep "^| $2" "$1" | head -1 | awk -F'|' -v c="$3" '{ gsub(/ /, "", $c); print $c }'; }

gen_text 400 7 >"$tmp/train.txt"
gen_text 50 11 >"$tmp/valid.txt"
"$RLM" train --train "$tmp/train.txt" --valid "$tmp/valid.txt" -o "$tmp/m.bin" --cell lstm \
    --embed 8 --hidden 8 --epochs 1 --threads 1 --quiet >"$tmp/train.log" 2>&1 ||
    { cat "$tmp/train.log"; echo "training failed"; exit 1; }
printf '\\data\\\nngram 1=7\n\n\\1-grams:\n-1.0\t</s>\n-99\t<s>\n-0.5\tthe\n-1.0\tman\n-1.0\tsaw\n-2.0\tking\n-1.0\tdog\n\n\\end\\\n' >"$tmp/uni.arpa"
mkdir -p "$tmp/lat"
for u in u1 u2; do
    {
        printf 'VERSION=1.0\nUTTERANCE=%s\nN=7\tL=7\n' $u
        for i in 0 1 2 3 4 5 6; do printf 'I=%d\tt=%d.00\n' $i $i; done
        printf 'J=0\tS=0\tE=1\tW=the\ta=-1\nJ=1\tS=1\tE=2\tW=man\ta=-1\nJ=2\tS=2\tE=3\tW=saw\ta=-1\n'
        printf 'J=3\tS=3\tE=4\tW=the\ta=-1\nJ=4\tS=4\tE=5\tW=king\ta=-1.0\nJ=5\tS=4\tE=5\tW=dog\ta=-1.5\n'
        printf 'J=6\tS=5\tE=6\tW=</s>\ta=0\n'
    } >"$tmp/lat/$u.slf"
done
printf 'u1 the man saw the dog\nu2 the man saw the horse\n' >"$tmp/ref.txt"

cat >"$tmp/lat.yaml" <<YAML
workdir: out
model: {path: $tmp/m.bin}
ngram:
  - {path: $tmp/uni.arpa, name: uni}
mix: {weights: [0.5, 0.5]}
lattice:
  format: slf
  dev: {inputs: [$tmp/lat], references: $tmp/ref.txt}
  test: {inputs: [$tmp/lat], references: $tmp/ref.txt}
  history: 2
  beam: 50
  oov_penalty: -2
tune: {metric: wer, lm_weight: [0, 2, 0.5], wip: [-1, 1, 0.5]}
report: {path: out/report.md}
YAML

# 1. the plan: per system rlm lattice on dev (scaled by 1/10), rlm tune, rlm lattice on test
"$RLM" run "$tmp/lat.yaml" --dry-run >"$tmp/plan.txt" 2>&1
check "dry run exits 0" [ $? -eq 0 ]
check "plan: dev lattices, unigram alone, scaled by 1/lm_weight" grep -q "1. lattice   rlm lattice --format slf $tmp/lat -o $tmp/out/lattice.ngram1.dev.ark --out-format kaldi --model $tmp/m.bin --ngram $tmp/uni.arpa --mix linear:0,1 --history 2 --beam 5 --oov-penalty -2 --ac-scale 0.1 --lm-weight 1 --wip 0 --nbest 100 $tmp/out/lattice.ngram1.dev.nbest$" "$tmp/plan.txt"
check "plan: tune on the dev lists" grep -q "2. tune      rlm tune --format tsv $tmp/out/lattice.ngram1.dev.nbest --ref $tmp/ref.txt --metric wer --lm-weight 0:2:5 --wip -1:1:5 -o $tmp/out/lattice.ngram1.opts > $tmp/out/lattice.ngram1.tune.txt$" "$tmp/plan.txt"
check "plan: test lattices with tune's options" grep -q "3. lattice   rlm lattice --format slf $tmp/lat -o $tmp/out/lattice.ngram1.test.ark --out-format kaldi --model $tmp/m.bin --ngram $tmp/uni.arpa --mix linear:0,1 --history 2 --beam 50 --oov-penalty -2 --best $tmp/out/lattice.ngram1.test.1best \$(cat $tmp/out/lattice.ngram1.opts)$" "$tmp/plan.txt"
check "plan: the RNN and the mixture" grep -q "9. lattice   rlm lattice .*--model $tmp/m.bin --ngram $tmp/uni.arpa --mix linear:0.5,0.5 --history 2" "$tmp/plan.txt"
check "dry run runs nothing" [ ! -e "$tmp/out" ]

# 2. the job; hand-counted unigram row, the others against the commands run by hand
"$RLM" run "$tmp/lat.yaml" >"$tmp/run.txt" 2>&1 || { bad "rlm run exits 0"; cat "$tmp/run.txt"; }
R=$tmp/out/report.md
check "report written" [ -s "$R" ]
no_temporaries "$tmp/out" "report"
check "unigram row: 1 sub in 10 words" grep -q "^| lattice rescoring (n-gram uni) | 10.00 | 1 | 0 | 0 | 10 | .* | --lm-weight .* --history 2 --beam 50 --oov-penalty -2 |$" "$R"
check "unigram 1-best: dog twice" [ "$(cat "$tmp/out/lattice.ngram1.test.1best")" = "$(printf 'u1 the man saw the dog\nu2 the man saw the dog')" ]
for sys in rnn:RNN "mix:interpolated linear:0.5,0.5"; do
    key=${sys%%:*} label=${sys#*:}
    if [ "$key" = rnn ]; then models=(--model "$tmp/m.bin"); else
        models=(--model "$tmp/m.bin" --ngram "$tmp/uni.arpa" --mix linear:0.5,0.5); fi
    "$RLM" lattice --format slf "$tmp/lat" -o "$tmp/$key.dev.ark" --out-format kaldi "${models[@]}" \
        --history 2 --beam 5 --oov-penalty -2 --ac-scale 0.1 --lm-weight 1 --wip 0 --nbest 100 "$tmp/$key.nbest" 2>/dev/null
    "$RLM" tune --format tsv "$tmp/$key.nbest" --ref "$tmp/ref.txt" --metric wer --lm-weight 0:2:5 \
        --wip -1:1:5 -o "$tmp/$key.opts" >/dev/null
    check "$key: tune's options = by hand ($(cat "$tmp/$key.opts"))" cmp -s "$tmp/$key.opts" "$tmp/out/lattice.$key.opts"
    # shellcheck disable=SC2046
    "$RLM" lattice --format slf "$tmp/lat" -o "$tmp/$key.test.ark" --out-format kaldi "${models[@]}" \
        --history 2 --beam 50 --oov-penalty -2 --best "$tmp/$key.1best" $(cat "$tmp/$key.opts") 2>/dev/null
    check "$key: 1-best = by hand" cmp -s "$tmp/$key.1best" "$tmp/out/lattice.$key.test.1best"
    wer=$("$RLM" wer "$tmp/ref.txt" "$tmp/$key.1best" | sed -n 's/^%WER \([^ ]*\).*/\1/p')
    r_wer=$(row "$R" "lattice rescoring ($label)" 3)
    check "$key: row WER $r_wer = rlm wer's $wer" near "${r_wer:-x}" "$wer" 0.005
done
check "the table is printed too" grep -q "^| lattice rescoring (RNN)" "$tmp/run.txt"

# 3. up to date: a second run skips every lattice step; a newer lattice redoes them
"$RLM" run "$tmp/lat.yaml" >"$tmp/run2.txt" 2>&1 || bad "second run exits 0"
check "second run: 9 steps skipped" [ "$(grep -c '\[skip: newer than' "$tmp/run2.txt")" = 9 ]
check "second run: same report row" grep -q "^| lattice rescoring (n-gram uni) | 10.00 | 1 | 0 | 0 | 10 |" "$tmp/out/report.md"
touch -d '+2 seconds' "$tmp/lat/u2.slf"
"$RLM" run "$tmp/lat.yaml" --dry-run >"$tmp/plan3.txt" 2>&1
check "a newer lattice: nothing skipped" [ "$(grep -c '\[skip:' "$tmp/plan3.txt")" = 0 ]

# 4. no tuning, LM weight 1e-6: acoustics alone choose king, 2 subs for every system
sed 's/^  beam: 50/  beam: 50\n  tune: false\n  lm_weight: 0.000001/; s/^workdir: out/workdir: out4/; s|out/report.md|out4/report.md|' \
    "$tmp/lat.yaml" >"$tmp/acoustic.yaml"
"$RLM" run "$tmp/acoustic.yaml" >"$tmp/run4.txt" 2>&1 || { bad "no-tune run exits 0"; cat "$tmp/run4.txt"; }
check "no tune: 3 lattice steps, no tune step" [ "$(grep -c '^  [0-9]*\. lattice' "$tmp/run4.txt")" = 3 ] && ! grep -q "tune  " "$tmp/run4.txt"
check "no tune: every row 2 subs in 10 words" [ "$(grep -c "^| lattice rescoring .* | 20.00 | 2 | 0 | 0 | 10 | .* | --lm-weight 1e-06 --wip 0 --history 2 --beam 50 --oov-penalty -2 |$" "$tmp/out4/report.md")" = 3 ]

# 5. a missing lattice directory is named before anything runs
sed "s|test: {inputs: \[$tmp/lat\]|test: {inputs: [nope]|" "$tmp/lat.yaml" >"$tmp/missing.yaml"
"$RLM" run "$tmp/missing.yaml" >/dev/null 2>"$tmp/missing.err"
check "a missing lattice input exits 1" [ $? -eq 1 ]
check "it is named with line and column" grep -qx "rlm run: $tmp/missing.yaml:9:19: lattice.test.inputs\[0\]: $tmp/nope: No such file or directory" "$tmp/missing.err"
exit $fail
