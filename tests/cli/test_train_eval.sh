#!/usr/bin/env bash
# rlm train and rlm eval end to end on a generated toy text: every cell type with both output
# layers trains and leaves no temporary file; eval's numbers agree with each other (ppl recomputed
# from --per-word, --per-sentence sums, token and OOV counts worked out from the text with awk);
# --log writes JSON lines; the same seed and threads give the same bytes; an interrupted run
# resumed with --resume gives the same model as an uninterrupted one. Exit 0 pass, 77 skip.
set -u
. "$(dirname "$0")/rnn_common.bash"

gen_text 400 11 >"$tmp/train.txt"
gen_text 60 12 >"$tmp/valid.txt"
{ gen_text 40 13; echo "the zebra saw a unicorn near the city"; echo "quux"; } >"$tmp/eval.txt"

# eval_checks NAME MODEL TRAIN-TEXT EVAL-TEXT: the summary lines, --per-word and --per-sentence of
# one model agree with each other and with counts taken from the texts.
eval_checks() {
    local name=$1 model=$2 train=$3 text=$4 d=$tmp/eval.$1
    mkdir -p "$d"
    "$RLM" eval --model "$model" "$text" >"$d/sum" 2>"$d/err" || { bad "$name: eval exit $?"; cat "$d/err"; return; }
    "$RLM" eval --model "$model" "$text" --per-word >"$d/word" 2>/dev/null || { bad "$name: eval --per-word"; return; }
    "$RLM" eval --model "$model" "$text" --per-sentence >"$d/sent" 2>/dev/null || { bad "$name: eval --per-sentence"; return; }
    # summary: "TEXT: S sentences, T tokens (words and </s>), O OOV", "log10prob= X ppl= Y ...",
    # "log10prob_with_unk= X ppl_with_unk= Y ..."
    local S T O LP PPL LPU PPLU
    read -r S T O < <(sed -n '1s/.*: \([0-9]*\) sentences, \([0-9]*\) tokens.*, \([0-9]*\) OOV$/\1 \2 \3/p' "$d/sum")
    read -r LP PPL < <(sed -n '2s/^log10prob= \([^ ]*\) ppl= \([^ ]*\) .*/\1 \2/p' "$d/sum")
    read -r LPU PPLU < <(sed -n '3s/^log10prob_with_unk= \([^ ]*\) ppl_with_unk= \([^ ]*\) .*/\1 \2/p' "$d/sum")
    if [ -z "${O:-}" ] || [ -z "${PPL:-}" ] || [ -z "${PPLU:-}" ]; then
        bad "$name: eval summary not in the documented form:"; cat "$d/sum"; return
    fi
    # counts from the text: one </s> a line; OOV = tokens never seen in training (min-count 1)
    local lines words oov
    lines=$(wc -l <"$text"); words=$(wc -w <"$text")
    oov=$(awk 'NR == FNR { for (i = 1; i <= NF; i++) seen[$i] = 1; next }
               { for (i = 1; i <= NF; i++) if (!($i in seen) || $i == "<unk>") n++ } END { print n + 0 }' "$train" "$text")
    [ "$S" = "$lines" ] && [ "$T" = $((words + lines)) ] && [ "$O" = "$oov" ] &&
        ok "$name: $S sentences, $T tokens = words + lines, $O OOV as counted in the text" ||
        bad "$name: eval counts $S sentences, $T tokens, $O OOV; the text has $lines lines, $words words, $oov OOV"
    # --per-word lists the text's tokens in order, OOVs as <unk>, </s> at each line end, a blank
    # line after each sentence
    awk 'NR == FNR { for (i = 1; i <= NF; i++) seen[$i] = 1; next }
         { for (i = 1; i <= NF; i++) print (($i in seen) ? $i : "<unk>"); print "</s>"; print "" }' \
        "$train" "$text" >"$d/want_tokens"
    head -n $((T + S)) "$d/word" | cut -f1 >"$d/got_tokens"
    cmp -s "$d/want_tokens" "$d/got_tokens" && ok "$name: --per-word tokens are the text's, in order" ||
        { bad "$name: --per-word tokens"; diff "$d/want_tokens" "$d/got_tokens" | head -5; }
    # ppl recomputed from --per-word: OOVs out of both the sum and the count
    local re
    re=$(awk -F'\t' 'NF == 2 { all += $2; if ($1 != "<unk>") { s += $2; n++ } else u++ }
                     END { printf "%.6f %.6f %d %.6f %.6f\n", s, 10^(-s / n), u, all, 10^(-all / (n + u)) }' "$d/word")
    read -r s p u a pu <<<"$re"
    near "$s" "$LP" 0.001 && near "$(awk -v a="$p" -v b="$PPL" 'BEGIN { print a / b }')" 1 0.0005 &&
        [ "$u" = "$O" ] && ok "$name: ppl= $PPL = 10^(-sum/n) over the non-<unk> --per-word lines ($p)" ||
        bad "$name: --per-word gives log10prob $s, ppl $p, $u <unk>; summary says $LP, $PPL, $O"
    near "$a" "$LPU" 0.001 && near "$(awk -v a="$pu" -v b="$PPLU" 'BEGIN { print a / b }')" 1 0.0005 &&
        ok "$name: ppl_with_unk= $PPLU from all --per-word lines" ||
        bad "$name: --per-word with <unk> gives $a, $pu; summary says $LPU, $PPLU"
    # --per-sentence: one line a sentence with its token count; the sums are the totals
    awk '{ print NF + 1 }' "$text" >"$d/want_counts"
    cut -f2 "$d/sent" | head -n "$lines" >"$d/got_counts"
    cmp -s "$d/want_counts" "$d/got_counts" && ok "$name: --per-sentence token counts = words + 1 per line" ||
        { bad "$name: --per-sentence counts"; diff "$d/want_counts" "$d/got_counts" | head -5; }
    re=$(awk -F'\t' 'NF == 2 { s += $1; n += $2 } END { printf "%.6f %d\n", s, n }' "$d/sent")
    read -r s n <<<"$re"
    near "$s" "$LPU" 0.001 && [ "$n" = "$T" ] && ok "$name: --per-sentence sums to log10prob_with_unk and tokens" ||
        bad "$name: --per-sentence sums to $s over $n tokens; summary says $LPU over $T"
    # the per-sentence figures are the per-word ones summed sentence by sentence
    awk -F'\t' 'NF == 2 { s += $2 } NF < 2 { printf "%.3f\n", s; s = 0 }' "$d/word" >"$d/ws"
    awk -F'\t' '{ printf "%.3f\n", $1 }' "$d/sent" >"$d/ss"
    awk 'NR == FNR { a[FNR] = $1; next } { d = a[FNR] - $1; if (d > 0.002 || d < -0.002) bad++ }
         END { exit bad > 0 }' "$d/ws" "$d/ss" && ok "$name: each sentence's log10prob = sum of its words'" ||
        bad "$name: --per-sentence and --per-word disagree"
}

# ---- every cell type with both output layers
opts=(--train "$tmp/train.txt" --valid "$tmp/valid.txt" --hidden 16 --embed 16 --epochs 2 --batch 8
      --threads 2 --seed 1 --quiet)
for cell in lstm gru rnn rnn-relu; do
    for out in class full; do
        d=$tmp/$cell-$out; mkdir -p "$d"
        "$RLM" train "${opts[@]}" --cell "$cell" --output "$out" -o "$d/model.bin" >"$d/out" 2>"$d/err"
        rc=$?
        if [ $rc -ne 0 ] || [ ! -s "$d/model.bin" ]; then
            bad "train --cell $cell --output $out: exit $rc"; cat "$d/err"; continue
        fi
        grep -q "best valid ppl" "$d/out" && ok "train --cell $cell --output $out" ||
            bad "train --cell $cell --output $out: no summary line on stdout"
        no_temporaries "$d" "$cell/$out"
        eval_checks "$cell-$out" "$d/model.bin" "$tmp/train.txt" "$tmp/eval.txt"
    done
done

# ---- --log: one JSON object a line, one line an epoch
"$RLM" train "${opts[@]}" --epochs 3 --min-improvement 0.5 -o "$tmp/log.bin" --log "$tmp/log.jsonl" >/dev/null 2>&1 ||
    bad "train --log"
if command -v python3 >/dev/null; then
    python3 -c '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["epoch"] for r in rows] == [1, 2, 3], rows
for r in rows:
    for k in ("train_ppl", "valid_ppl", "best_valid_ppl", "learning_rate"):
        assert isinstance(r[k], (int, float)) and r[k] > 0, (k, r)
    assert isinstance(r["improved"], bool)
assert rows[-1]["best_valid_ppl"] == min(r["valid_ppl"] for r in rows), rows
' "$tmp/log.jsonl" && ok "--log: 3 epochs, 3 valid JSON lines" || { bad "--log JSON"; cat "$tmp/log.jsonl"; }
else
    [ "$(wc -l <"$tmp/log.jsonl")" = 3 ] && ok "--log: 3 lines (python3 absent: JSON not parsed)" || bad "--log lines"
fi

# ---- the same seed and thread count give the same bytes; another seed does not
for i in 1 2; do
    "$RLM" train "${opts[@]}" --seed 5 -o "$tmp/same$i.bin" >/dev/null 2>&1 || bad "train --seed 5 ($i)"
done
"$RLM" train "${opts[@]}" --seed 6 -o "$tmp/other.bin" >/dev/null 2>&1 || bad "train --seed 6"
cmp -s "$tmp/same1.bin" "$tmp/same2.bin" && ok "same seed and --threads: byte-identical models" ||
    bad "same seed and --threads: models differ"
cmp -s "$tmp/same1.bin" "$tmp/other.bin" && bad "--seed 5 and --seed 6 gave the same model" ||
    ok "another seed: another model"

# ---- interrupted and resumed = uninterrupted. The run takes ~1.5 s; SIGINT comes after 0.5 s
# and the trainer stops at its next progress check (every 0.5 s), writing a checkpoint. Wherever it
# stopped, resuming must end at the same bytes.
gen_text 3000 21 >"$tmp/big.txt"
ropts=(--train "$tmp/big.txt" --valid "$tmp/valid.txt" --hidden 32 --embed 32 --epochs 5 --batch 16
       --threads 1 --seed 3 --quiet)
mkdir -p "$tmp/u" "$tmp/r"
t0=$(date +%s.%N)
"$RLM" train "${ropts[@]}" -o "$tmp/u/model.bin" --log "$tmp/u/log" >/dev/null 2>&1 || bad "uninterrupted run"
t1=$(date +%s.%N)
interrupted=0
for after in 0.5 0.25 1; do
    rm -f "$tmp/r"/*
    timeout --preserve-status -s INT "$after" "$RLM" train "${ropts[@]}" -o "$tmp/r/model.bin" \
        --log "$tmp/r/log" >/dev/null 2>"$tmp/r.err"
    rc=$?
    if [ $rc = 130 ] && [ -s "$tmp/r/model.bin.ckpt" ]; then interrupted=1; break; fi
    [ $rc = 0 ] && break # finished before the signal: resuming the final checkpoint is still checked
done
if [ $interrupted = 1 ]; then
    grep -q -- "--resume" "$tmp/r.err" && ok "SIGINT: exit 130, a checkpoint and a --resume hint" ||
        bad "SIGINT: no --resume hint: $(cat "$tmp/r.err")"
else
    echo "note: training was not interrupted (exit $rc); checking resume from its final checkpoint"
fi
no_temporaries "$tmp/r" "interrupted run"
"$RLM" train --resume "$tmp/r/model.bin.ckpt" --train "$tmp/big.txt" --valid "$tmp/valid.txt" \
    -o "$tmp/r/model.bin" --log "$tmp/r/log" --quiet >/dev/null 2>"$tmp/r.err2" ||
    { bad "train --resume: exit $?"; cat "$tmp/r.err2"; }
cmp -s "$tmp/u/model.bin" "$tmp/r/model.bin" &&
    ok "resumed run = uninterrupted run, byte for byte (uninterrupted: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s)" ||
    bad "resumed model differs from the uninterrupted one"
# the epochs of the two logs agree once timings are dropped
for f in u r; do
    sed 's/, "words_per_s": [^,]*, "seconds": [^,]*,/,/' "$tmp/$f/log" >"$tmp/$f/log.cut"
done
cmp -s "$tmp/u/log.cut" "$tmp/r/log.cut" && ok "resumed --log has the uninterrupted run's epochs, none twice" ||
    { bad "resumed --log differs"; diff "$tmp/u/log.cut" "$tmp/r/log.cut"; }
"$RLM" eval --model "$tmp/r/model.bin" "$tmp/valid.txt" >/dev/null 2>&1 && ok "resumed model loads" ||
    bad "resumed model does not load"
no_temporaries "$tmp/r" "resumed run"

# ---- PTB lines, whose literal <unk> counts as an OOV, when ../shared has them
ptb=${RLM_SHARED:-}/data/ptb
if [ -n "${RLM_SHARED:-}" ] && [ -r "$ptb/ptb.train.txt" ]; then
    head -n 300 "$ptb/ptb.train.txt" >"$tmp/ptb.train"
    head -n 50 "$ptb/ptb.valid.txt" >"$tmp/ptb.valid"
    "$RLM" train --train "$tmp/ptb.train" --valid "$tmp/ptb.valid" -o "$tmp/ptb.bin" --hidden 16 \
        --embed 16 --epochs 1 --threads 2 --quiet >/dev/null 2>&1 || bad "train on PTB lines"
    eval_checks ptb "$tmp/ptb.bin" "$tmp/ptb.train" "$tmp/ptb.valid"
else
    echo "note: no \$RLM_SHARED/data/ptb; the PTB part is skipped"
fi
exit $fail
