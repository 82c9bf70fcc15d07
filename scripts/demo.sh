#!/usr/bin/env bash
# The demo `make demo` runs: prepare the King James Bible (split by book as DESIGN.md fixes it),
# train a small LSTM for a few minutes (or reuse the one trained before) and show what it does
# (test perplexity, sampled verses, completions); then the main job: held-out verses spoken by
# Festival and decoded by pocketsphinx into 100-best lists, rescored with the LSTM, an IRSTLM
# n-gram and pocketsphinx's own LM (recipes/asr-pocketsphinx.yaml), with the WER table; and
# machine translation: Apertium's round-trip translations of held-out verses as Moses n-best
# lists (scripts/mt_nbest.py), reranked with weights tuned for BLEU (recipes/mt-moses.yaml); and
# shallow fusion: a character and the word LSTM inside a CTC beam search (scripts/ctc_demo.sh).
#   DEMO_MINUTES  training budget in minutes (default 4)
#   DEMO_RETRAIN  set to train again even if data/kjv/lstm.bin is up to date
#   ASR_TEST_N, ASR_DEV_N  utterances in the ASR test and dev sets (default 300 and 200)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
rlm=$root/build/rlm
data=$root/data/kjv
model=$data/lstm.bin
# OpenBLAS 0.3.21 falls back to slow generic kernels on processors it does not know unless
# OPENBLAS_CORETYPE is set; these machines are meant to set Haswell. A set value is left alone.
export OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-Haswell}

echo "== 1. The King James Bible, one verse a line, tokenised (lowercase, punctuation split off)"
RLM=$rlm "$root/scripts/prepare_kjv.sh" "$data"

echo
echo "== 2. A word-level LSTM (embedding 128, hidden 256, class softmax), ${DEMO_MINUTES:-4} minutes at most"
if [ -n "${DEMO_RETRAIN:-}" ] || [ ! -f "$model" ] || [ "$data/kjv.train.txt" -nt "$model" ]; then
    "$rlm" train --train "$data/kjv.train.txt" --valid "$data/kjv.valid.txt" -o "$model" \
        --cell lstm --embed 128 --hidden 256 --dropout 0.2 --batch 64 --bptt 20 --lr 20 \
        --epochs 20 --max-minutes "${DEMO_MINUTES:-4}" --log "$data/lstm.log" --progress
else
    echo "(reusing $model, trained before: DEMO_RETRAIN=1 make demo trains it again)"
fi

echo
echo "== 3. Perplexity on the held-out gospels (Matthew, Mark, Luke, John)"
"$rlm" eval --model "$model" "$data/kjv.test.txt"

echo
echo "== 4. Five sampled verses (temperature 0.8, top 50 words, seed 7)"
"$rlm" generate --model "$model" -n 5 --temperature 0.8 --top-k 50 --seed 7

echo
echo "== 5. Sampled continuations of \"and jesus said unto\""
"$rlm" generate --model "$model" -n 3 --prefix "and jesus said unto" --temperature 0.7 --seed 3

echo
for prefix in "and god said" "the lord is my"; do
    echo "== 6. The five most probable next words after \"$prefix\" (probability, log10)"
    "$rlm" complete --model "$model" --top-k 5 "$prefix"
    echo
done

echo "== 7. Speech: held-out verses synthesised by Festival, decoded by pocketsphinx (100-best)"
"$root/scripts/asr_prepare.sh" "$root/data/asr"
"$root/scripts/asr_decode.sh" "$root/data/asr"

echo
echo "== 8. Rescoring the 100-best lists (weights tuned for WER on the dev verses): rlm run recipes/asr-pocketsphinx.yaml"
"$rlm" run "$root/recipes/asr-pocketsphinx.yaml"

echo
echo "== 9. Machine translation: held-out verses translated by Apertium into Spanish, Catalan, Galician"
echo "   and Esperanto and back, as Moses n-best lists, reranked (weights tuned for BLEU): rlm run recipes/mt-moses.yaml"
python3 "$root/scripts/mt_nbest.py" --kjv "$data" --out "$root/data/mt" --rlm "$rlm"
"$rlm" run "$root/recipes/mt-moses.yaml"

echo
echo "== 10. Shallow fusion: a CTC beam search over noisy character posteriors of held-out verses,"
echo "   without an LM, with a character LSTM and with the word LSTM: scripts/ctc_demo.sh"
RLM=$rlm "$root/scripts/ctc_demo.sh"
