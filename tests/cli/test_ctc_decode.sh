#!/usr/bin/env bash
# rlm ctc-decode: noisy-channel posteriors (scripts/ctc_noisy.py) of six Matthew verses
# (tests/data/ctc/README.md) decoded without an LM and with a small character LSTM trained here on
# 400 Genesis verses: the character error rate (rlm wer --char) must drop; one batch per frame
# and one call per prefix give the same text; a word-level LM runs in word mode; malformed files
# and options give their file:line: field messages and leave no output. Exit 0 pass, 77 skip.
set -u
. "$(dirname "$0")/rnn_common.bash"
command -v python3 >/dev/null || { echo "python3 is needed for scripts/ctc_noisy.py"; exit 77; }
data=$ROOT/tests/data/ctc

python3 "$ROOT/scripts/ctc_noisy.py" "$data/kjv_matthew.txt" "$data/kjv_genesis.txt" "$tmp/ch" --seed 3 2>/dev/null &&
    [ "$(wc -l <"$tmp/ch/ref.txt")" = 6 ] && ok "ctc_noisy.py: 6 utterances" || { bad "ctc_noisy.py"; exit 1; }
"$RLM" train --char --train "$data/kjv_genesis.txt" --valid "$data/kjv_genesis.txt" -o "$tmp/c.bin" \
    --hidden 48 --embed 16 --output full --epochs 3 --batch 16 --bptt 32 --optimizer adam --lr 0.01 \
    --independent-sentences --threads 1 --quiet >/dev/null 2>"$tmp/err" || { bad "train --char"; cat "$tmp/err"; exit 1; }

cer() { "$RLM" wer --char "$tmp/ch/ref.txt" "$1" | sed -n 's/^%CER \([0-9.]*\) .*/\1/p'; }
A="--alphabet $tmp/ch/alphabet.txt $tmp/ch/post.txt --beam 16"
"$RLM" ctc-decode $A -o "$tmp/none.txt" 2>"$tmp/err" && ok "no LM" || { bad "no LM"; cat "$tmp/err"; }
"$RLM" ctc-decode $A --model "$tmp/c.bin" --lm-weight 0.8 --bonus 0.3 -o "$tmp/char.txt" 2>"$tmp/err" &&
    grep -q "char LM, beam 16" "$tmp/err" && ok "char LM (mode from the model)" || { bad "char LM"; cat "$tmp/err"; }
c0=$(cer "$tmp/none.txt"); c1=$(cer "$tmp/char.txt")
echo "CER: no LM $c0%, char LM $c1%"
awk -v a="$c0" -v b="$c1" 'BEGIN { exit !(a > 5 && b < 0.8 * a) }' &&
    ok "the char LM lowers CER ($c0% -> $c1%)" || bad "CER $c0% -> $c1%"
cut -d' ' -f1 "$tmp/char.txt" | cmp -s - <(cut -d' ' -f1 "$tmp/ch/ref.txt") && ok "one line per utterance, in order" || bad "ids"
"$RLM" ctc-decode $A --model "$tmp/c.bin" --lm-weight 0.8 --bonus 0.3 --per-beam 2>"$tmp/err2" |
    cmp -s - "$tmp/char.txt" && ok "--per-beam: the same text" || bad "--per-beam differs"
calls=$(sed -n 's/.* in \([0-9]*\) calls.*/\1/p' "$tmp/err"); frames=$(sed -n 's/.*utterances, \([0-9]*\) frames.*/\1/p' "$tmp/err")
[ -n "$calls" ] && [ "$calls" -le $((frames + 6)) ] && ok "batched: $calls LM calls for $frames frames" || bad "calls $calls, frames $frames"

"$RLM" train --train "$data/kjv_genesis.txt" --valid "$data/kjv_genesis.txt" -o "$tmp/w.bin" --hidden 32 --embed 16 \
    --epochs 2 --optimizer adam --lr 0.01 --threads 1 --quiet >/dev/null 2>&1 || bad "train (word)"
"$RLM" ctc-decode $A --model "$tmp/w.bin" --lm-weight 0.5 --bonus 1 -o "$tmp/word.txt" 2>"$tmp/err" &&
    grep -q "word LM" "$tmp/err" && [ "$(wc -l <"$tmp/word.txt")" = 6 ] && ok "word LM: 6 lines (CER $(cer "$tmp/word.txt")%)" ||
    { bad "word LM"; cat "$tmp/err"; }

# errors: file:line: field, exit 1, no output file
expect_error() { # NAME WANT ARGS...
    local name=$1 want=$2; shift 2
    rm -f "$tmp/out.txt"
    "$RLM" ctc-decode "$@" -o "$tmp/out.txt" >/dev/null 2>"$tmp/e"; local rc=$?
    if [ $rc = 1 ] && grep -qF -- "$want" "$tmp/e" && [ ! -e "$tmp/out.txt" ]; then ok "$name"
    else bad "$name: exit $rc, $(cat "$tmp/e")"; fi
    no_temporaries "$tmp" "$name"
}
M=$ROOT/tests/data/malformed/ctc_posteriors
expect_error "columns" "short_row.txt:3: utterance 'u1': frame 1: 3 columns; expected 4" \
    --alphabet "$ROOT/tests/data/ctc/abc_alphabet.txt" "$M/short_row.txt"
printf '<blank>\na\na\n' >"$tmp/x.txt"
expect_error "alphabet" "x.txt:3: label: 'a' repeats label 1" --alphabet "$tmp/x.txt" "$M/short_row.txt"
"$RLM" ctc-decode --alphabet "$tmp/ch/alphabet.txt" "$tmp/ch/post.txt" --log-base 2 >/dev/null 2>"$tmp/e"
[ $? = 2 ] && grep -q "log-base: '2'; expected e or 10" "$tmp/e" && ok "usage: --log-base" || bad "usage: --log-base"
"$RLM" ctc-decode --alphabet "$tmp/ch/alphabet.txt" "$tmp/ch/post.txt" --lm-mode word >/dev/null 2>"$tmp/e"
[ $? = 2 ] && grep -q "lm-mode needs --model" "$tmp/e" && ok "usage: --lm-mode without --model" || bad "usage: --lm-mode"
exit $fail
