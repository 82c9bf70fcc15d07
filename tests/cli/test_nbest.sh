#!/usr/bin/env bash
# rlm nbest end to end: an LSTM trained here on toy English moves the grammatical hypotheses of
# the hand-written Kaldi lists in tests/data/nbest to the top; its LM costs equal rlm eval's
# sentence scores; the same lists converted to every other format (SRILM, pocketsphinx, TSV,
# Moses) give the same 1-best; integer ids with words.txt read as words; threads change nothing;
# usage errors exit 2 and bad input exits 1 naming file:line: field, leaving no output.
# Exit 0 pass, 77 skip, else fail.
set -u
. "$(dirname "$0")/rnn_common.bash"
D=$ROOT/tests/data/nbest
ln10=2.302585092994046

gen_text 3000 7 >"$tmp/train.txt"
gen_text 200 11 >"$tmp/valid.txt"
"$RLM" train --train "$tmp/train.txt" --valid "$tmp/valid.txt" -o "$tmp/m.bin" --cell lstm \
    --embed 32 --hidden 32 --epochs 4 --threads 1 --quiet --independent-sentences \
    >"$tmp/train.log" 2>&1 || { cat "$tmp/train.log"; echo "training failed"; exit 1; }

want="utt1 the man saw the king
utt2 a dog found the city
utt3 his horse left her house"

# 1. Kaldi: the decoder's 1-best (rank 1) is ungrammatical in utt1 and utt2; after rescoring
#    the grammatical hypotheses win, utt3 stays.
"$RLM" nbest --format kaldi "$D/kaldi.text" "$D/kaldi.ac" "$D/kaldi.lm" --model "$tmp/m.bin" \
    -o "$tmp/k.text" --best "$tmp/k.1best" 2>"$tmp/k.err"
check "kaldi: exit 0" [ $? -eq 0 ]
[ "$(cat "$tmp/k.1best")" = "$want" ] && ok "kaldi: 1-best changes as expected" ||
    { bad "kaldi: 1-best"; cat "$tmp/k.1best"; }
grep -q "1-best changed in 2 utterances" "$tmp/k.err" && ok "kaldi: 2 utterances changed" ||
    { bad "kaldi: changed count"; cat "$tmp/k.err"; }
# reranked in order of total = ac + lm (log10), ranks renumbered from 1
awk -v l="$ln10" 'NR == FNR { ac[$1] = $2; next } { t = -(ac[$1] + $2) / l; split($1, k, "-")
    if (k[1] == u && t > last + 1e-9) bad = 1; u = k[1]; last = t } END { exit bad }' \
    "$tmp/k.text.ac" "$tmp/k.text.lm" && ok "kaldi: hypotheses sorted by total" || bad "kaldi: order"
# the acoustic costs travel with their hypotheses
ac_best=$(awk '$1 == "utt1-1" { print $2 }' "$tmp/k.text.ac")
check "kaldi: utt1's new first hypothesis keeps its acoustic cost 250.75" near "$ac_best" 250.75 1e-9

# 2. The new LM cost of each hypothesis is -ln 10 times rlm eval's sentence log10 probability.
cut -d' ' -f2- "$tmp/k.text" >"$tmp/hyps.txt"
"$RLM" eval --model "$tmp/m.bin" --per-sentence "$tmp/hyps.txt" 2>/dev/null | head -n "$(wc -l <"$tmp/hyps.txt")" |
    cut -f1 >"$tmp/eval.txt"
paste "$tmp/eval.txt" <(cut -d' ' -f2 "$tmp/k.text.lm") | awk -v l="$ln10" '
    { d = $1 * l + $2; if (d < 0) d = -d; if (d > 1e-4 * (1 + $2)) bad = 1; n++ }
    END { exit bad || n != 10 }' && ok "kaldi: LM costs = -ln 10 x rlm eval per sentence" ||
    { bad "kaldi: LM costs vs rlm eval"; paste "$tmp/eval.txt" "$tmp/k.text.lm"; }

# 3. Integer ids with a symbol table, and threads: the same output byte for byte
"$RLM" nbest --format kaldi "$D/kaldi.ids" "$D/kaldi.ac" "$D/kaldi.lm" --symbols "$D/kaldi.words.txt" \
    --model "$tmp/m.bin" --threads 3 -o "$tmp/i.text" --best "$tmp/i.1best" 2>/dev/null
cmp -s "$tmp/i.1best" "$tmp/k.1best" && cmp -s "$tmp/i.text.lm" "$tmp/k.text.lm" &&
    ok "kaldi: word ids + words.txt, 3 threads: same output" || bad "kaldi: ids/threads differ"

# 4. The same lists in the other formats (converted here with awk; log10 = -cost / ln 10)
awk -v l="$ln10" 'FILENAME == ARGV[1] { ac[$1] = -$2 / l; next } FILENAME == ARGV[2] { lm[$1] = -$2 / l; next }
    { key = $1; split(key, k, "-"); $1 = ""; sub(/^ /, "")
      printf "%s\t%s\t%.12g\t%.12g\t%s\n", k[1], k[2], ac[key], lm[key], $0 }' \
    "$D/kaldi.ac" "$D/kaldi.lm" "$D/kaldi.text" >"$tmp/in.tsv"
awk -F'\t' -v p=4.342727686266485e-05 '{ printf "%s %s %.0f %.0f %d %s\n", $1, $2, $3 / p, $4 / p, split($5, w, " "), $5 }' \
    "$tmp/in.tsv" >"$tmp/in.ps"
mkdir -p "$tmp/srilm"
awk -F'\t' -v d="$tmp/srilm" '{ printf "%.12g %.12g %d %s\n", $3, $4, split($5, w, " "), $5 > (d "/" $1 ".nbest") }' "$tmp/in.tsv"
for f in tsv pocketsphinx srilm; do
    case $f in tsv) in=("$tmp/in.tsv") ;; pocketsphinx) in=("$tmp/in.ps") ;; srilm) in=("$tmp/srilm/"*) ;; esac
    "$RLM" nbest --format $f "${in[@]}" --model "$tmp/m.bin" -o "$tmp/out.$f" --best "$tmp/$f.1best" 2>"$tmp/$f.err"
    [ $? -eq 0 ] && [ "$(cat "$tmp/$f.1best")" = "$want" ] && ok "$f: same 1-best as kaldi" ||
        { bad "$f: 1-best"; cat "$tmp/$f.err" "$tmp/$f.1best"; }
done
head -1 "$tmp/out.tsv" | grep -q "^#utt	rank	ac	lm	words$" && ok "tsv: header written" || bad "tsv: header"
grep -c . "$tmp/out.srilm/utt2" | grep -qx 4 && ok "srilm: one file per utterance" || bad "srilm: files"
"$RLM" nbest --format tsv "$tmp/in.tsv" --model "$tmp/m.bin" --add-column -o "$tmp/add.tsv" 2>/dev/null
head -1 "$tmp/add.tsv" | grep -q "^#utt	rank	ac	lm	rlm	words$" && ok "tsv --add-column: a column rlm" ||
    bad "tsv --add-column"

# Moses: acoustic score as the Moses total, the decoder's LM as a feature; the new score is a feature
awk -F'\t' '{ n = $1; sub(/utt/, "", n); printf "%d ||| %s ||| LM0= %.12g ||| %.12g\n", n, $5, $4, $3 }' \
    "$tmp/in.tsv" >"$tmp/in.moses"
"$RLM" nbest --format moses "$tmp/in.moses" --model "$tmp/m.bin" -o "$tmp/out.moses" --best "$tmp/moses.1best" 2>"$tmp/moses.err"
[ "$(cut -d' ' -f2- "$tmp/moses.1best")" = "$(cut -d' ' -f2- <<<"$want")" ] && ok "moses: same 1-best" ||
    { bad "moses: 1-best"; cat "$tmp/moses.err" "$tmp/moses.1best"; }
head -1 "$tmp/out.moses" | grep -q '^1 ||| the man saw the king ||| LM0= [-0-9.e]* rlm= [-0-9.e]* ||| ' &&
    ok "moses: new feature rlm= before the total" || { bad "moses: line"; head -1 "$tmp/out.moses"; }

# 5. Errors: usage errors exit 2; bad input exits 1 with file:line: field and writes nothing
expect() { # NAME STATUS PATTERN COMMAND...
    local name=$1 want=$2 pat=$3; shift 3
    "$@" >"$tmp/o" 2>"$tmp/e"; local rc=$?
    if [ $rc -eq "$want" ] && grep -q -- "$pat" "$tmp/e"; then ok "$name"; else bad "$name (exit $rc)"; cat "$tmp/e"; fi
}
expect "no --format" 2 "format is required" "$RLM" nbest "$tmp/in.tsv" --model "$tmp/m.bin" -o "$tmp/x"
expect "unknown format" 2 "unknown format 'htk'" "$RLM" nbest --format htk "$tmp/in.tsv" --model "$tmp/m.bin" -o "$tmp/x"
expect "moses --replace-lm" 2 "no LM column" "$RLM" nbest --format moses "$tmp/in.moses" --replace-lm --model "$tmp/m.bin" -o "$tmp/x"
expect "srilm --add-column" 2 "no room" "$RLM" nbest --format srilm "$tmp/srilm/utt1.nbest" --add-column --model "$tmp/m.bin" -o "$tmp/x"
expect "no model" 2 "give --model" "$RLM" nbest --format tsv "$tmp/in.tsv" -o "$tmp/x"
expect "two models, no --mix" 2 "need --mix" "$RLM" nbest --format tsv "$tmp/in.tsv" --model "$tmp/m.bin" --ngram "$ROOT/tests/data/mix/tiny.arpa" -o "$tmp/x"
printf 'utt1-1 1\nutt1-3 2\n' >"$tmp/bad.ac"
expect "cost file out of step" 1 "bad.ac:2: key: 'utt1-3' does not match the text's 'utt1-2'" \
    "$RLM" nbest --format kaldi "$D/kaldi.text" "$tmp/bad.ac" --model "$tmp/m.bin" -o "$tmp/x"
check "failed run leaves no output" [ ! -e "$tmp/x" ]
no_temporaries "$tmp" "failed runs"
exit $fail
