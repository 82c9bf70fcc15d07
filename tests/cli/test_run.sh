#!/usr/bin/env bash
# rlm run: a tiny recipe trains an LSTM and evaluates it with an n-gram mixture end to end; its
# perplexity table agrees with rlm eval and rlm mix-weights run by hand; a second run reuses the
# model; --dry-run prints the plan and runs nothing; bad recipes fail with FILE:LINE:COLUMN;
# an n-best recipe rescores with the RNN, the n-gram and the mixture (report rows checked).
# Exit 0 pass, 77 skip, else fail.
set -u
source "$(dirname "$0")/rnn_common.bash"
given_near() { [ -n "$1" ] && [ -n "$2" ] && near "$@"; } # no vacuous pass on empty fields
field() { sed -n "s/.*$2= \([-0-9.e+naif]*\).*/\1/p" "$1" | head -1; }
arpa=$(cd "$ROOT" && pwd)/tests/data/mix/tiny.arpa

gen_text 300 7 >"$tmp/train.txt"; gen_text 40 11 >"$tmp/valid.txt"; gen_text 40 13 >"$tmp/test.txt"
cat >"$tmp/tiny.yaml" <<YAML
workdir: out
data: {train: train.txt, valid: valid.txt, test: test.txt}
model: {cell: lstm, embed: 16, hidden: 16}
train: {epochs: 2, batch: 4, bptt: 5, threads: 1, seed: 3}
ngram:
  - {path: $arpa, name: tiny}
mix: {kind: linear}
report: {path: out/report.md}
YAML

# 1. --dry-run: the plan, nothing made
"$RLM" run "$tmp/tiny.yaml" --dry-run >"$tmp/plan.txt" 2>&1
check "dry run exits 0" [ $? -eq 0 ]
check "dry run prints the train command" grep -q "1. train     rlm train .*--embed 16 --hidden 16 .*-o $tmp/out/model.bin" "$tmp/plan.txt"
check "dry run prints the EM and eval steps" grep -q "mix-weights rlm mix-weights --model" "$tmp/plan.txt"
check "dry run trains nothing" [ ! -e "$tmp/out/model.bin" ]

# 2. the whole job
"$RLM" run "$tmp/tiny.yaml" >"$tmp/run.txt" 2>&1 || { bad "rlm run exits 0"; cat "$tmp/run.txt"; }
check "model trained" [ -f "$tmp/out/model.bin" ]
check "report written" grep -q "^| mixture linear:" "$tmp/out/report.md"
no_temporaries "$tmp/out" "report"
rnn=$(awk '$1 == "rnn" {print $3}' "$tmp/run.txt")
ng=$(awk '$1 == "ngram" {print $3}' "$tmp/run.txt")
mixp=$(awk '$1 == "mixture" {print $3}' "$tmp/run.txt")
"$RLM" eval --model "$tmp/out/model.bin" "$tmp/test.txt" >"$tmp/e1.txt"
"$RLM" mix-weights --model "$tmp/out/model.bin" --ngram "$arpa" "$tmp/valid.txt" >"$tmp/w.txt" 2>/dev/null
mix=$(sed -n 's/^--mix //p' "$tmp/w.txt")
"$RLM" eval --model "$tmp/out/model.bin" --ngram "$arpa" --mix "$mix" "$tmp/test.txt" >"$tmp/e3.txt" 2>/dev/null
check "rnn row = rlm eval ($rnn)" given_near "$rnn" "$(field "$tmp/e1.txt" ppl)" 1e-3
# in a mixture the n-gram scores the RNN's words it lacks with a share of P(<unk>) (lm/rlm_mix.h),
# so its row is rlm eval's "model 2" line of the mixture, not the n-gram alone
check "n-gram row = rlm eval --mix's model 2 ($ng)" given_near "$ng" "$(grep '^model 2 ' "$tmp/e3.txt" | sed -n 's/.*ppl= \([0-9.]*\).*/\1/p')" 1e-3
check "mixture row = rlm eval --mix with rlm mix-weights' EM weights ($mixp)" given_near "$mixp" "$(field "$tmp/e3.txt" ppl)" 1e-2

# 3. a second run reuses the up-to-date model
before=$(stat -c %Y.%N "$tmp/out/model.bin" 2>/dev/null || stat -c %Y "$tmp/out/model.bin")
"$RLM" run "$tmp/tiny.yaml" >"$tmp/run2.txt" 2>&1
check "second run exits 0" [ $? -eq 0 ]
check "second run skips training" grep -q "\[skip: the model is newer than the recipe and the texts\]" "$tmp/run2.txt"
check "model untouched" [ "$before" = "$(stat -c %Y.%N "$tmp/out/model.bin" 2>/dev/null || stat -c %Y "$tmp/out/model.bin")" ]

# 4. a bad recipe: exit 1, the message with file, line and column, nothing run
printf 'data: {train: train.txt, valid: valid.txt}\ntrain:\n  hidden: 200\n' >"$tmp/bad.yaml"
"$RLM" run "$tmp/bad.yaml" >"$tmp/bad.out" 2>"$tmp/bad.err"; rc=$?
check "bad recipe exits 1" [ $rc -eq 1 ]
check "bad recipe message" grep -qx "rlm run: $tmp/bad.yaml:3:3: train: unknown key \"hidden\" (known: optimizer, lr, batch, bptt, epochs, max_minutes, threads, seed, resume)" "$tmp/bad.err"
printf 'data: {train: train.txt, valid: nope.txt}\ntrain: {}\n' >"$tmp/missing.yaml"
"$RLM" run "$tmp/missing.yaml" --dry-run >/dev/null 2>"$tmp/missing.err"
check "missing file named with line and column" grep -qx "rlm run: $tmp/missing.yaml:1:33: data.valid: $tmp/nope.txt: No such file or directory" "$tmp/missing.err"
"$RLM" run >/dev/null 2>&1
check "no recipe is a usage error (2)" [ $? -eq 2 ]

# 5. n-best rescoring with the trained RNN, the n-gram and their mixture (hand-made Kaldi lists
# of the same toy English, tests/data/nbest/README): every system gets a row, and the mixture's
# equals rlm wer on the 1-best rlm nbest writes with the options rlm tune wrote
N=$(cd "$ROOT" && pwd)/tests/data/nbest
printf 'utt1 the man saw the king\nutt2 a dog found the city\nutt3 his horse left her house\n' >"$tmp/nb.ref"
cat >"$tmp/nbest.yaml" <<YAML
workdir: out
model: {path: out/model.bin}
ngram: [{path: $arpa, name: tiny}]
mix: {kind: linear, weights: [0.5, 0.5]}
nbest:
  format: kaldi
  dev: {inputs: [$N/kaldi.text, $N/kaldi.ac, $N/kaldi.lm], references: nb.ref}
  test: {inputs: [$N/kaldi.text, $N/kaldi.ac, $N/kaldi.lm], references: nb.ref}
tune: {metric: wer, lm_weight: [0, 2, 0.5], wip: [-1, 1, 0.5]}
report: {path: out/nbest.md}
YAML
"$RLM" run "$tmp/nbest.yaml" >"$tmp/nb.out" 2>&1 || { bad "n-best recipe exits 0"; cat "$tmp/nb.out"; }
check "tune reads the rescored Kaldi text and cost files" grep -q "rlm tune --format kaldi $tmp/out/nbest.mix.dev $tmp/out/nbest.mix.dev.ac $tmp/out/nbest.mix.dev.lm --ref" "$tmp/nb.out"
for r in "baseline 1-best" "n-gram rescoring (tiny)" "RNN rescoring" "interpolated rescoring (linear:0.5,0.5)" "n-best oracle"; do
    check "row: $r" grep -qF "| $r" "$tmp/out/nbest.md"
done
m=$(grep -F "| interpolated rescoring" "$tmp/out/nbest.md" | awk -F'|' '{ gsub(/ /, "", $3); print $3 }')
w=$("$RLM" wer "$tmp/nb.ref" "$tmp/out/nbest.mix.test.1best" | sed -n 's/^%WER \([^ ]*\).*/\1/p')
check "mixture row WER $m = rlm wer's $w" given_near "$m" "$w" 0.005
exit $fail
