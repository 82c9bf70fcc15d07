#!/usr/bin/env bash
# rlm eval --ngram/--mix and rlm mix-weights: the n-gram alone gives rlm ngram perplexity's
# figures; a mixture with weight 1 on the RNN gives rlm eval's RNN figures; per-word output adds
# up to the total; malformed --mix arguments are usage errors with a clear message; EM weights
# printed by mix-weights are accepted by rlm eval and reproduce the dev perplexity.
# Exit 0 pass, 77 skip, else fail.
set -u
RLM=${RLM:-build/rlm}
ROOT=${RLM_ROOT:-.}
SHARED=${RLM_SHARED:-$ROOT/../shared}
[ -x "$RLM" ] || { echo "no $RLM (run make)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
field() { # FILE KEY: the number after "KEY= " on the first line that has it
    sed -n "s/.*$2= \([-0-9.e+naif]*\).*/\1/p" "$1" | head -1
}
near() { # A B TOL
    awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= t) }'
}

arpa=$ROOT/tests/data/mix/tiny.arpa
small=$ROOT/tests/data/ngram/small.arpa

# 1. n-gram alone = rlm ngram perplexity (text without blank lines: rlm eval, like rlm_corpus_load,
#    does not count them as sentences, while rlm ngram scores them as KenLM does)
printf 'a c d\nz a\n<unk> b e\nb b a c\n' >"$tmp/text.txt"
for lm in "$arpa" "$small"; do
    "$RLM" eval --ngram "$lm" "$tmp/text.txt" >"$tmp/e.txt" 2>"$tmp/e.err" || bad "eval --ngram $lm exits 0"
    "$RLM" ngram perplexity "$lm" <"$tmp/text.txt" >"$tmp/p.txt" 2>/dev/null
    inc=$(sed -n 's/^Perplexity including OOVs:\t//p' "$tmp/p.txt")
    exc=$(sed -n 's/^Perplexity excluding OOVs:\t//p' "$tmp/p.txt")
    oov=$(sed -n 's/^OOVs:\t//p' "$tmp/p.txt")
    if near "$(field "$tmp/e.txt" ppl)" "$exc" 1e-3 && near "$(field "$tmp/e.txt" ppl_with_unk)" "$inc" 1e-3 &&
        grep -q " $oov OOV\$" "$tmp/e.txt"; then
        ok "eval --ngram $(basename "$lm") = ngram perplexity ($exc, $inc, $oov OOV)"
    else
        bad "eval --ngram $(basename "$lm"): got"; cat "$tmp/e.txt"; echo "want"; cat "$tmp/p.txt"
    fi
done

# 2. a tiny RNN over the words of the text (a b d e g; the n-gram knows a b c f)
printf 'a b d\nb a e g\nd e a b\ng a b\n' >"$tmp/train.txt"
"$RLM" train --train "$tmp/train.txt" --valid "$tmp/train.txt" -o "$tmp/rnn.bin" --cell rnn \
    --embed 8 --hidden 8 --epochs 2 --batch 2 --bptt 4 --threads 1 --quiet >"$tmp/train.log" 2>&1 ||
    { cat "$tmp/train.log"; bad "train a tiny RNN"; exit 1; }
printf 'a b d\nb a e g\n' >"$tmp/known.txt"
"$RLM" eval --model "$tmp/rnn.bin" "$tmp/known.txt" >"$tmp/rnn.txt" 2>&1
"$RLM" eval --model "$tmp/rnn.bin" --ngram "$arpa" --mix linear:1 "$tmp/known.txt" >"$tmp/mix1.txt" 2>&1
if [ "$(head -3 "$tmp/rnn.txt")" = "$(head -3 "$tmp/mix1.txt")" ]; then
    ok "--mix linear:1 on words the RNN knows = the RNN alone"
else
    bad "--mix linear:1 differs from the RNN alone"; cat "$tmp/rnn.txt" "$tmp/mix1.txt"
fi

"$RLM" eval --model "$tmp/rnn.bin" --ngram "$arpa" --mix linear:0.4 --per-word --per-sentence \
    "$tmp/text.txt" >"$tmp/pw.txt" 2>&1 || bad "eval --mix linear:0.4 --per-word exits 0"
total=$(field "$tmp/pw.txt" log10prob_with_unk)
sum=$(awk -F'\t' 'NF == 2 && $1 !~ /^-?[0-9]/ { s += $2 } END { printf "%.6f", s }' "$tmp/pw.txt")
words=$(awk -F'\t' 'NF == 2 && $1 !~ /^-?[0-9]/' "$tmp/pw.txt" | wc -l)
if near "$sum" "$total" 1e-3 && [ "$words" -eq 16 ] && grep -q '^<unk>	' "$tmp/pw.txt"; then
    ok "--per-word of a mixture: 16 tokens summing to log10prob_with_unk $total"
else
    bad "--per-word of a mixture: $words tokens, sum $sum, total $total"; cat "$tmp/pw.txt"
fi
# z and <unk> are unknown to both models: 2 OOVs; c (the RNN lacks it) twice, d and e (the n-gram
# lacks them) once each
grep -q ' 2 OOV$' "$tmp/pw.txt" && grep -q '^mix= linear:0.4,0.6 ' "$tmp/pw.txt" &&
    grep -q "^model 1 .*unk_share= 2 tokens (P(<unk>) divided among 2 words" "$tmp/pw.txt" &&
    grep -q "^model 2 .*unk_share= 2 tokens (P(<unk>) divided among 3 words" "$tmp/pw.txt" &&
    ok "mixture report: OOVs, weights, unk shares" || { bad "mixture report"; cat "$tmp/pw.txt"; }
"$RLM" eval --model "$tmp/rnn.bin" --ngram "$arpa" --mix loglinear:0.4 "$tmp/text.txt" >"$tmp/ll.txt" 2>&1 &&
    grep -q 'unnormalised' "$tmp/ll.txt" && ok "log-linear mixture carries its caveat" ||
    { bad "log-linear mixture"; cat "$tmp/ll.txt"; }

# 3. usage errors: exit 2 and a message that says what is wrong
usage_error() { # EXPECTED-MESSAGE ARGS...
    local want=$1; shift
    "$RLM" "$@" >"$tmp/u.out" 2>"$tmp/u.err"; local rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$want" "$tmp/u.err"; then ok "rlm $* -> $want"
    else bad "rlm $*: exit $rc, stderr:"; cat "$tmp/u.err"; fi
}
m=(--model "$tmp/rnn.bin" --ngram "$arpa")
usage_error "--mix: 'linear': missing weights" eval "${m[@]}" --mix linear "$tmp/text.txt"
usage_error "--mix: 'sum:0.5': expected linear:W or loglinear:W" eval "${m[@]}" --mix sum:0.5 "$tmp/text.txt"
usage_error "--mix: weight 1: 'x' is not a number" eval "${m[@]}" --mix linear:x "$tmp/text.txt"
usage_error "--mix: weight 1: 1.5: linear weights must be in [0,1]" eval "${m[@]}" --mix linear:1.5 "$tmp/text.txt"
usage_error "--mix: 'linear:0.5,0.6': linear weights sum to 1.1, not 1" eval "${m[@]}" --mix linear:0.5,0.6 "$tmp/text.txt"
usage_error "--mix: 'linear:0.5': 1 weight for 3 models" eval "${m[@]}" --ngram "$small" --mix linear:0.5 "$tmp/text.txt"
usage_error "2 models: say how to mix them with --mix" eval "${m[@]}" "$tmp/text.txt"
usage_error "--mix needs at least one --ngram" eval --model "$tmp/rnn.bin" --mix linear:0.5 "$tmp/text.txt"
usage_error "--ngram needs a value" eval --model "$tmp/rnn.bin" --ngram
usage_error "--model or --ngram is required" eval "$tmp/text.txt"
usage_error "need at least two models" mix-weights --ngram "$arpa" "$tmp/text.txt"
usage_error "missing DEVTEXT" mix-weights "${m[@]}"
usage_error "--init: weight 1: 'a' is not a number" mix-weights "${m[@]}" --init a,b "$tmp/text.txt"
"$RLM" eval --ngram "$tmp/missing.arpa" "$tmp/text.txt" >/dev/null 2>"$tmp/u.err"
[ $? -eq 1 ] && grep -q 'missing.arpa' "$tmp/u.err" && ok "missing n-gram file: exit 1, named" ||
    { bad "missing n-gram file"; cat "$tmp/u.err"; }

# 4. mix-weights: the weights it prints are a valid --mix and give the dev perplexity it printed
"$RLM" mix-weights "${m[@]}" "$tmp/text.txt" >"$tmp/w.txt" 2>&1 || bad "mix-weights exits 0"
spec=$(sed -n 's/^--mix //p' "$tmp/w.txt")
dev=$(sed -n 's/^dev ppl= \([0-9.]*\).*/\1/p' "$tmp/w.txt")
grep -q '^iteration 0: dev ppl= ' "$tmp/w.txt" || bad "mix-weights prints iterations"
"$RLM" eval "${m[@]}" --mix "$spec" "$tmp/text.txt" >"$tmp/we.txt" 2>&1
if [ -n "$spec" ] && near "$(field "$tmp/we.txt" ppl)" "$dev" 1e-2; then
    ok "mix-weights -> --mix $spec reproduces dev ppl $dev"
else
    bad "mix-weights round trip (spec '$spec', dev '$dev')"; cat "$tmp/w.txt" "$tmp/we.txt"
fi
# dev perplexity never rises from one iteration to the next
awk '/^iteration/ { p = $4 + 0; if (n++ && p > last + 1e-4) bad = 1; last = p } END { exit bad }' \
    "$tmp/w.txt" && ok "EM dev perplexity does not rise" || { bad "EM dev perplexity rose"; cat "$tmp/w.txt"; }

# 5. PTB: the KN5 through rlm eval gives KenLM's published figures
kn5=$SHARED/data/lm/ptb.kn5.arpa.gz
if [ -f "$kn5" ]; then
    "$RLM" eval --ngram "$kn5" "$SHARED/data/ptb/ptb.test.txt" >"$tmp/kn5.txt" 2>&1
    near "$(field "$tmp/kn5.txt" ppl_with_unk)" 141.19 0.01 && near "$(field "$tmp/kn5.txt" ppl)" 161.85 0.01 &&
        ok "eval --ngram ptb.kn5 on PTB test: 141.19 with <unk>, 161.85 without (KenLM)" ||
        { bad "eval --ngram ptb.kn5"; cat "$tmp/kn5.txt"; }
else
    echo "note: $kn5 absent; PTB check not run"
fi
exit $fail
