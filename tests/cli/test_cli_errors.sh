#!/usr/bin/env bash
# Bad input to rlm train/eval/generate/complete gives an exit status of 1 (bad data) or 2 (bad
# usage), a message that names the file, option or field at fault, and never a crash: missing,
# empty, truncated, corrupted and foreign model files; unknown options and malformed numbers;
# missing or empty texts; out-of-range model settings. Exit 0 pass, 77 skip, anything else fail.
set -u
. "$(dirname "$0")/rnn_common.bash"

gen_text 200 41 >"$tmp/train.txt"
gen_text 30 42 >"$tmp/valid.txt"
"$RLM" train --train "$tmp/train.txt" --valid "$tmp/valid.txt" -o "$tmp/m.bin" --hidden 8 --embed 8 \
    --epochs 1 --batch 8 --threads 1 --quiet >/dev/null 2>"$tmp/err" || { bad "train: exit $?"; cat "$tmp/err"; exit 1; }

# expect NAME STATUS PATTERN COMMAND...: COMMAND exits with STATUS and its stderr matches PATTERN
# (grep -E); a status above 128 (a signal, a sanitizer abort) is always a failure.
expect() {
    local name=$1 want=$2 pat=$3; shift 3
    "$@" >"$tmp/out" 2>"$tmp/msg" </dev/null
    local rc=$? msg
    msg=$(grep -v '^usage:\|^ ' "$tmp/msg" | head -n 1)
    if [ $rc -ge 128 ]; then bad "$name: crashed (exit $rc): $msg"
    elif [ "$rc" != "$want" ]; then bad "$name: exit $rc, want $want: $msg"
    elif [ -n "$pat" ] && ! grep -Eq -- "$pat" "$tmp/msg"; then bad "$name: message does not match /$pat/: $msg"
    else ok "$name: exit $rc: $msg"; fi
}
T=(--train "$tmp/train.txt" --valid "$tmp/valid.txt" -o "$tmp/x.bin" --hidden 8 --embed 8 --epochs 1
   --batch 8 --threads 1 --quiet)

# ---- model files
expect "eval, missing model" 1 "none\.bin.*(No such file|cannot open)" "$RLM" eval --model "$tmp/none.bin" "$tmp/valid.txt"
size=$(stat -c %s "$tmp/m.bin")
for n in 0 10 100 $((size / 2)) $((size - 1)); do
    head -c "$n" "$tmp/m.bin" >"$tmp/cut$n.bin"
    expect "eval, model cut to $n of $size bytes" 1 "cut$n\.bin: " "$RLM" eval --model "$tmp/cut$n.bin" "$tmp/valid.txt"
done
cp "$tmp/m.bin" "$tmp/flip.bin"
printf '\377' | dd of="$tmp/flip.bin" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
expect "eval, one byte changed" 1 "flip\.bin: .*(checksum|corrupt)" "$RLM" eval --model "$tmp/flip.bin" "$tmp/valid.txt"
expect "generate, one byte changed" 1 "flip\.bin: " "$RLM" generate --model "$tmp/flip.bin"
expect "complete, model cut short" 1 "cut100\.bin: " "$RLM" complete --model "$tmp/cut100.bin" the
expect "eval, a text file as --model" 1 "train\.txt: .*(magic|not an rlm model)" "$RLM" eval --model "$tmp/train.txt" "$tmp/valid.txt"
expect "complete, a directory as --model" 1 "$tmp" "$RLM" complete --model "$tmp" the
expect "train --resume, a model without training state" 1 "m\.bin: .*training state" \
    "$RLM" train --resume "$tmp/m.bin" --train "$tmp/train.txt" --valid "$tmp/valid.txt" -o "$tmp/x.bin"
expect "train --resume, missing checkpoint" 1 "none\.ckpt" \
    "$RLM" train --resume "$tmp/none.ckpt" --train "$tmp/train.txt" --valid "$tmp/valid.txt" -o "$tmp/x.bin"

# ---- usage: unknown options, malformed numbers, missing values and arguments (exit 2)
expect "train, unknown option" 2 "'--hidden-size'" "$RLM" train "${T[@]}" --hidden-size 8
expect "eval, unknown option" 2 "'--per-token'" "$RLM" eval --model "$tmp/m.bin" --per-token "$tmp/valid.txt"
expect "generate, unknown option" 2 "'--temp'" "$RLM" generate --model "$tmp/m.bin" --temp 1
expect "complete, unknown option" 2 "'-k'" "$RLM" complete --model "$tmp/m.bin" -k 3 the
expect "train --hidden abc" 2 "--hidden.*abc" "$RLM" train "${T[@]}" --hidden abc
expect "train --epochs 1.5" 2 "--epochs.*1\.5" "$RLM" train "${T[@]}" --epochs 1.5
expect "train --seed -1" 2 "--seed" "$RLM" train "${T[@]}" --seed -1
expect "train --hidden 99999999999" 2 "--hidden" "$RLM" train "${T[@]}" --hidden 99999999999
expect "train --dropout x" 2 "--dropout" "$RLM" train "${T[@]}" --dropout x
expect "train --lr nan" 2 "--lr" "$RLM" train "${T[@]}" --lr nan
expect "train --hidden (no value)" 2 "--hidden" "$RLM" train "${T[@]}" --hidden
expect "train --cell lsmt" 2 "--cell.*lsmt" "$RLM" train "${T[@]}" --cell lsmt
expect "train --output softmax" 2 "--output.*softmax" "$RLM" train "${T[@]}" --output softmax
expect "train --optimizer rmsprop" 2 "--optimizer" "$RLM" train "${T[@]}" --optimizer rmsprop
expect "generate -n x" 2 "-n.*'x'" "$RLM" generate --model "$tmp/m.bin" -n x
expect "complete --top-k 2x" 2 "--top-k" "$RLM" complete --model "$tmp/m.bin" --top-k 2x the
expect "eval, two texts" 2 "unexpected" "$RLM" eval --model "$tmp/m.bin" "$tmp/valid.txt" "$tmp/train.txt"
expect "eval without --model" 2 "--model" "$RLM" eval "$tmp/valid.txt"
expect "generate without --model" 2 "--model" "$RLM" generate
expect "train without --train" 2 "--train" "$RLM" train --valid "$tmp/valid.txt" -o "$tmp/x.bin"
expect "train without -o" 2 "-o" "$RLM" train --train "$tmp/train.txt" --valid "$tmp/valid.txt"

# ---- texts
: >"$tmp/empty.txt"
expect "train, missing training text" 1 "nothere\.txt.*(No such file|cannot open)" \
    "$RLM" train "${T[@]}" --train "$tmp/nothere.txt"
expect "train, missing validation text" 1 "nothere\.txt" "$RLM" train "${T[@]}" --valid "$tmp/nothere.txt"
expect "train, empty training text" 1 "empty\.txt|training text" "$RLM" train "${T[@]}" --train "$tmp/empty.txt"
expect "train, empty validation text" 1 "empty\.txt|validation text" "$RLM" train "${T[@]}" --valid "$tmp/empty.txt"
expect "train, missing --vocab file" 1 "nothere\.voc" "$RLM" train "${T[@]}" --vocab "$tmp/nothere.voc"
expect "train, -o in a missing directory" 1 "nodir/x\.bin" "$RLM" train "${T[@]}" -o "$tmp/nodir/x.bin"
[ -e "$tmp/x.bin" ] && bad "a failed train left $tmp/x.bin" || ok "no failed run left a model file"
no_temporaries "$tmp" "failed runs"
expect "eval, missing text" 1 "nothere\.txt" "$RLM" eval --model "$tmp/m.bin" "$tmp/nothere.txt"

# an empty text has no perplexity: either an error naming it, or 0 sentences
"$RLM" eval --model "$tmp/m.bin" "$tmp/empty.txt" >"$tmp/out" 2>"$tmp/msg"; rc=$?
if [ $rc = 0 ] && grep -q ": 0 sentences, 0 tokens" "$tmp/out"; then ok "eval, empty text: 0 sentences, 0 tokens"
elif [ $rc = 1 ] && grep -q "empty\.txt" "$tmp/msg"; then ok "eval, empty text: $(cat "$tmp/msg")"
else bad "eval, empty text: exit $rc: $(cat "$tmp/out" "$tmp/msg")"; fi

# a text of unknown words only: every word an OOV, only the </s> in the perplexity
printf 'zebra unicorn\nquux\n' >"$tmp/unk.txt"
"$RLM" eval --model "$tmp/m.bin" "$tmp/unk.txt" >"$tmp/out" 2>"$tmp/msg"; rc=$?
[ $rc = 0 ] && grep -q ": 2 sentences, 5 tokens (words and </s>), 3 OOV$" "$tmp/out" &&
    grep -Eq '^log10prob= -[0-9.]+ ppl= [0-9.]+ ' "$tmp/out" &&
    ok "eval, unknown words only: 3 OOV of 5 tokens, a finite ppl over the 2 </s>" ||
    bad "eval, unknown words only: exit $rc: $(cat "$tmp/out" "$tmp/msg")"
# a binary file as a text: scored as (odd) words, no crash
expect "eval, the model file as a text" 0 "" "$RLM" eval --model "$tmp/m.bin" "$tmp/m.bin"

# ---- model settings out of range (exit 1 or 2, naming the field)
expect_bad_setting() { # NAME PATTERN ARGS...
    local name=$1 pat=$2; shift 2
    "$RLM" train "${T[@]}" "$@" >/dev/null 2>"$tmp/msg" </dev/null
    local rc=$?
    if [ $rc = 1 ] || [ $rc = 2 ]; then
        grep -Eqi -- "$pat" "$tmp/msg" && ok "$name: exit $rc: $(head -n 1 "$tmp/msg")" ||
            bad "$name: message does not name /$pat/: $(head -n 1 "$tmp/msg")"
    else
        bad "$name: exit $rc: $(head -n 1 "$tmp/msg")"
    fi
}
expect_bad_setting "--tied with embed 8, hidden 16" "tied" --tied --embed 8 --hidden 16
expect_bad_setting "--dropout 1.5" "dropout" --dropout 1.5
expect_bad_setting "--dropout -0.1" "dropout" --dropout -0.1
expect_bad_setting "--layers 0" "layers" --layers 0
expect_bad_setting "--layers 9" "layers" --layers 9
expect_bad_setting "--hidden 0" "hidden" --hidden 0
expect_bad_setting "--embed -3" "embed" --embed -3
expect_bad_setting "--batch 0" "batch" --batch 0
expect_bad_setting "--bptt 0" "bptt" --bptt 0
expect_bad_setting "--classes -4" "classes" --classes -4
expect_bad_setting "--batch larger than the text" "batch" --batch 100000
# tied with equal sizes is fine
"$RLM" train "${T[@]}" --tied --embed 8 --hidden 8 >/dev/null 2>&1 && ok "--tied with embed = hidden trains" ||
    bad "--tied with embed = hidden fails"
exit $fail
