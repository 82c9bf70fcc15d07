#!/usr/bin/env bash
# Shallow fusion in a CTC beam search on the King James Bible: held-out verses (Matthew..John)
# turned into noisy per-frame character posteriors (scripts/ctc_noisy.py: confusable pairs such
# as e/a, i/l, m/n, u/v win a third of the time), decoded by `rlm ctc-decode` with no LM, with a
# character-level LSTM, and with the word-level LSTM of the main demo (data/kjv/lstm.bin, when
# present); prints CER and WER (rlm wer, counted as sclite does) for each.
#   CTC_N        verses (default 100, the first of kjv.test.txt that the alphabet covers)
#   CTC_MINUTES  training budget of the character LSTM (default 6): no epoch starts that would
#                end after it, but the first always runs: one epoch over kjv.train.txt (3.6M
#                characters) took 8.5 minutes (7.1k characters/s, one thread, nice 19, on the
#                loaded 2-core machine) and reached validation perplexity 3.95 per character
#   CTC_RETRAIN  set to train the character LSTM again even if data/kjv/char-lstm.bin is up to date
# Needs data/kjv from scripts/prepare_kjv.sh, build/rlm (or $RLM) and python3.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rlm=${RLM:-$root/build/rlm}
data=$root/data/kjv
out=$data/ctc
char_model=$data/char-lstm.bin
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}

echo "== CTC shallow fusion: ${CTC_N:-100} held-out verses as noisy character posteriors"
python3 "$root/scripts/ctc_noisy.py" "$data/kjv.test.txt" "$data/kjv.train.txt" "$out" \
    --lines "${CTC_N:-100}" --seed 1

echo "-- a character-level LSTM (embedding 32, hidden 128, full softmax), ${CTC_MINUTES:-6} minutes at most"
if [ -n "${CTC_RETRAIN:-}" ] || [ ! -f "$char_model" ] || [ "$data/kjv.train.txt" -nt "$char_model" ]; then
    nice -n 19 "$rlm" train --char --train "$data/kjv.train.txt" --valid "$data/kjv.valid.txt" \
        -o "$char_model" --cell lstm --embed 32 --hidden 128 --output full --optimizer adam \
        --lr 0.01 --batch 32 --bptt 32 --epochs 20 --max-minutes "${CTC_MINUTES:-6}" \
        --independent-sentences --threads 1 --log "$data/char-lstm.log" --quiet
else
    echo "(reusing $char_model: CTC_RETRAIN=1 trains it again)"
fi

# decode NAME ARGS...: hypotheses into $out/NAME.txt, the decoder's summary line kept
decode() {
    local name=$1; shift
    nice -n 19 "$rlm" ctc-decode --alphabet "$out/alphabet.txt" "$out/post.txt" --beam 16 "$@" \
        -o "$out/$name.txt" 2>"$out/$name.log"
}
rate() { "$rlm" wer "$@" | sed -n 's/^%[CW]ER \([0-9.]*\) .*/\1/p'; }

decode none
decode char --model "$char_model" --lm-weight 0.8 --bonus 0.3
rows=("no LM|none" "char LSTM (alpha 0.8, beta 0.3/char)|char")
if [ -f "$data/lstm.bin" ]; then
    decode word --model "$data/lstm.bin" --lm-weight 0.5 --bonus 1.5 --oov-penalty -3
    rows+=("word LSTM (alpha 0.5, beta 1.5/word, OOV -3)|word")
else
    echo "(no $data/lstm.bin: scripts/demo.sh trains the word-level LSTM)"
fi

printf '\n%-48s %7s %7s %10s\n' "LM fused into the CTC beam search (beam 16)" "CER %" "WER %" "frames/s"
for r in "${rows[@]}"; do
    label=${r%|*} name=${r#*|}
    fps=$(sed -n 's/.* s, \([0-9]*\) frames\/s.*/\1/p' "$out/$name.log")
    printf '%-48s %7s %7s %10s\n' "$label" "$(rate --char "$out/ref.txt" "$out/$name.txt")" \
        "$(rate "$out/ref.txt" "$out/$name.txt")" "$fps"
done
echo
echo "three verses (reference / no LM / char LSTM):"
for u in utt0001 utt0002 utt0003; do
    for f in ref none char; do grep "^$u " "$out/$f.txt" | cut -d' ' -f2- | sed "s/^/  $f: /"; done
done
