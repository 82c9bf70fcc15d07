#!/usr/bin/env bash
# The ASR demo's decoding pipeline on two short verses: scripts/asr_prepare.sh synthesises them
# with Festival (two different voices), scripts/asr_decode.sh decodes them with pocketsphinx
# through build/ps_nbest. Checks that
#  - the n-best lists are well formed: "utt rank ascore lscore nwords w1 ...", ranks 1..n with
#    n <= 100, integer scores <= 0, nwords = the number of words, no <s>, </s> or fillers, ranks
#    ordered by pocketsphinx's own score, every utterance in the 1-best file;
#  - pocketsphinx's 1-best is in its list, and the recomputed path score equals the score
#    pocketsphinx reports for it (the check lines of the decode log) within rounding;
#  - the 1-best is close to the reference (WER <= 35% over both), the oracle no worse;
#  - rank 1's lscore is the en-us ARPA's log10 probability (rlm ngram query) x 23027, when
#    ../shared/data/lm/en-us.arpa.gz is there;
#  - asr_prepare.sh and asr_decode.sh are idempotent, and ps_nbest rejects a malformed wav.
# Exit 0 pass, 77 skip (pocketsphinx, Festival or sox missing), else fail.
set -u
ROOT=${RLM_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
RLM=${RLM:-$ROOT/build/rlm}
build=$(dirname "$RLM")
missing=""
pkg-config --exists pocketsphinx sphinxbase 2>/dev/null || missing="$missing libpocketsphinx-dev"
[ -d /usr/share/pocketsphinx/model/en-us/en-us ] || missing="$missing pocketsphinx-en-us"
command -v festival >/dev/null || missing="$missing festival"
[ -d /usr/share/festival/voices/us/cmu_us_slt_arctic_hts ] || missing="$missing festvox-us-slt-hts"
[ -d /usr/share/festival/voices/english/kal_diphone ] || missing="$missing festvox-kallpc16k"
[ -d /usr/share/festival/voices/english/ked_diphone ] || missing="$missing festvox-kdlpc16k"
command -v sox >/dev/null || missing="$missing sox"
if [ -n "$missing" ]; then echo "skipped: not installed:$missing (scripts/setup.sh demo)"; exit 77; fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

nice -n 19 make -s -C "$ROOT" B="$build" "$build/ps_nbest" >"$tmp/make.log" 2>&1 ||
    { cat "$tmp/make.log"; echo "FAIL make $build/ps_nbest"; exit 1; }
ps_nbest=$build/ps_nbest
[ -x "$ps_nbest" ] || ps_nbest=$ROOT/$build/ps_nbest

# A two-verse "KJV": the prepare script takes the test set from kjv.test.txt and the dev set
# from kjv.valid.txt, tokenised with punctuation split off as prepare_kjv.sh writes them.
mkdir -p "$tmp/kjv"
printf '%s\n' "and jesus answered and said unto them , ye know not what ye ask ." \
    "blessed are the meek : for they shall inherit the earth ." >"$tmp/kjv/kjv.test.txt"
printf '%s\n' "and the word of god increased ; and the number of the disciples multiplied ." \
    >"$tmp/kjv/kjv.valid.txt"
run_prepare() {
    KJV_DIR=$tmp/kjv PS_NBEST=$ps_nbest ASR_TEST_N=2 ASR_DEV_N=1 \
        bash "$ROOT/scripts/asr_prepare.sh" "$tmp/asr" >"$tmp/prepare.log" 2>&1
}
run_prepare || { cat "$tmp/prepare.log"; echo "FAIL asr_prepare.sh"; exit 1; }
cat "$tmp/prepare.log"
text=$tmp/asr/test/text
[ "$(wc -l <"$text")" -eq 2 ] && ! grep -q '[,.;:]' "$text" &&
    ok "asr_prepare: 2 references without punctuation" || bad "asr_prepare: references: $(cat "$text")"
[ "$(cut -d' ' -f2 "$tmp/asr/test/utt2spk" | sort -u | wc -l)" -eq 2 ] &&
    ok "asr_prepare: two different voices" || bad "asr_prepare: voices: $(cat "$tmp/asr/test/utt2spk")"
for w in $(cut -d' ' -f2 "$tmp/asr/test/wav.scp"); do
    info=$(soxi "$w" 2>/dev/null | grep -E 'Channels|Sample Rate|Precision' | awk '{ printf "%s ", $NF }')
    [ "$info" = "1 16000 16-bit " ] && ok "$(basename "$w"): 16 kHz 16-bit mono" || bad "$(basename "$w"): $info"
done
before=$(ls -l --time-style=+%s.%N "$tmp/asr/test/wav" "$text" | md5sum)
run_prepare && grep -q "all audio was there already" "$tmp/prepare.log" &&
    [ "$(ls -l --time-style=+%s.%N "$tmp/asr/test/wav" "$text" | md5sum)" = "$before" ] &&
    ok "asr_prepare: a second run changes nothing" || bad "asr_prepare: second run: $(cat "$tmp/prepare.log")"

PS_NBEST=$ps_nbest ASR_CHECK=2 bash "$ROOT/scripts/asr_decode.sh" "$tmp/asr" test >"$tmp/decode.out" 2>&1 ||
    { cat "$tmp/decode.out"; echo "FAIL asr_decode.sh"; exit 1; }
nb=$tmp/asr/test.nbest one=$tmp/asr/test.1best
cat "$tmp/asr/test.decode.log"

# One SLF lattice per utterance, with as many node and link lines as its N= and L= say, and the
# 1-best's words among its node words.
for utt in $(cut -d' ' -f1 "$one"); do
    slf=$tmp/asr/lattices/test/$utt.slf
    awk -v one="$one" -v utt="$utt" '
        /^N=/ { split($1, a, "="); split($2, b, "="); n = a[2]; l = b[2] }
        /^I=/ { nodes++; for (i = 1; i <= NF; i++) if ($i ~ /^W=/) w[substr($i, 3)] = 1 }
        /^J=/ { links++ }
        END {
            while ((getline x < one) > 0) if (split(x, f, " ") && f[1] == utt)
                for (i = 2; i in f; i++) if (!(f[i] in w)) missing = missing " " f[i]
            exit !(n > 0 && nodes == n && links == l && missing == "")
        }' "$slf" 2>/dev/null && ok "$utt.slf: N= and L= match its lines, the 1-best words are nodes" ||
        bad "$slf: missing, or counts / words wrong"
done

# Well-formedness, and ranks ordered by pocketsphinx's score (defaults: lw 6.5, bestpathlw 9.5,
# wip 0.65: the word bonus is 9.5/6.5 * log_1.0001(0.65) per word and for </s>).
awk -v one="$one" '
    BEGIN { while ((getline l < one) > 0) { split(l, f, " "); utts[f[1]] = 1 }
            bonus = 9.5 / 6.5 * log(0.65) / log(1.0001) }
    function bad(m) { print "FAIL n-best line " NR ": " m ": " $0; err = 1 }
    {
        if (NF < 5) { bad("fewer than 5 fields"); next }
        if (!($1 in utts)) bad("utterance not in the 1-best file")
        if ($1 != prev) { want = 1; prev = $1; last = "" }
        if ($2 != want++) bad("rank " $2 ", expected " want - 1)
        if ($2 > 100) bad("more than 100 hypotheses")
        if ($3 !~ /^-?[0-9]+$/ || $4 !~ /^-?[0-9]+$/ || $3 > 0 || $4 > 0) bad("scores not integers <= 0")
        if ($5 != NF - 5) bad("nwords " $5 " but " NF - 5 " words")
        for (i = 6; i <= NF; i++) if ($i ~ /^(<.*>|\[.*\]|\+\+.*)$/) bad("filler or sentence mark " $i)
        total = $3 + 9.5 * $4 + bonus * ($5 + 1)
        # 2 units of slack: the tool rounds log(wip) to an integer as pocketsphinx does.
        if (last != "" && total > last + 2) bad("total " total " above the previous rank'"'"'s " last)
        last = total; n++
    }
    END { if (!err) print "ok   " n " n-best lines well formed, ordered by pocketsphinx'"'"'s score"; exit err }' "$nb" || fail=1

while read -r id words; do
    grep -q -- "^$id [0-9]* -*[0-9]* -*[0-9]* [0-9]* $words\$" "$nb" &&
        ok "$id: pocketsphinx's 1-best \"$words\" is in the n-best list" || bad "$id: 1-best \"$words\" not in the list"
done <"$one"
# pocketsphinx rounds each link's score and each word's weighted LM score down to its shifted
# units (1024 of base 1.0001), so its bestpath score may be below ours by up to ~1.5 per word.
grep '^check .*bestpath score' "$tmp/asr/test.decode.log" |
    sed 's/.* nwords \([0-9]*\);.*(difference \([-0-9.]*\)).*/\1 \2/' |
    awk '{ n++; if ($2 < -3 || $2 > 1.5 * ($1 + 1) + 1) { print "FAIL recomputed score differs by " $2; e = 1 } }
         END { if (n != 2) { print "FAIL " n + 0 " score checks in the decode log, expected 2"; e = 1 }
               else if (!e) print "ok   recomputed 1-best scores = pocketsphinx'"'"'s bestpath scores up to its rounding"; exit e }' || fail=1

# WER of the 1-best and of the oracle (the best hypothesis in each list), by edit distance.
wer() { # REF HYP(kaldi text) -> "errors words"
    awk 'function ed(a, na, b, nb,    i, j, d, p, c) {
             for (j = 0; j <= nb; j++) d[0, j] = j
             for (i = 1; i <= na; i++) { d[i, 0] = i
                 for (j = 1; j <= nb; j++) { c = d[i-1, j-1] + (a[i] != b[j])
                     if (d[i-1, j] + 1 < c) c = d[i-1, j] + 1
                     if (d[i, j-1] + 1 < c) c = d[i, j-1] + 1
                     d[i, j] = c } }
             return d[na, nb] }
         NR == FNR { n = split($0, w, " "); nr[$1] = n - 1; for (i = 2; i <= n; i++) r[$1, i - 1] = w[i]; next }
         { id = $1; if (!(id in nr)) next
           n = split($0, w, " "); start = (NF > 4 && $2 ~ /^[0-9]+$/ && $5 == NF - 5) ? 6 : 2
           delete h; m = 0; for (i = start; i <= n; i++) h[++m] = w[i]
           delete a; for (i = 1; i <= nr[id]; i++) a[i] = r[id, i]
           e = ed(a, nr[id], h, m); if (!(id in best) || e < best[id]) best[id] = e }
         END { for (id in nr) { words += nr[id]; errs += (id in best) ? best[id] : nr[id] }
               print errs, words }' "$1" "$2"
}
read -r e1 n1 <<<"$(wer "$text" "$one")"
read -r eo no <<<"$(wer "$text" "$nb")"
echo "1-best: $e1 errors in $n1 words; oracle: $eo errors"
[ $((e1 * 100)) -le $((n1 * 35)) ] && ok "1-best WER <= 35%" || bad "1-best WER $e1/$n1 above 35%"
[ "$eo" -le "$e1" ] && ok "oracle ($eo) <= 1-best ($e1)" || bad "oracle $eo worse than the 1-best $e1"

arpa=${RLM_SHARED:-$ROOT/../shared}/data/lm/en-us.arpa.gz
if [ -r "$arpa" ] && [ -x "$RLM" ]; then
    awk '$2 == 1' "$nb" | cut -d' ' -f6- >"$tmp/rank1.txt"
    "$RLM" ngram query -v sentence "$arpa" <"$tmp/rank1.txt" 2>/dev/null | grep '^Total:' | awk '{ print $2 }' >"$tmp/log10.txt"
    awk '$2 == 1 { print $4 }' "$nb" | paste - "$tmp/log10.txt" |
        awk '{ d = $1 / 23027.0 - $2; if (d < -0.001 || d > 0.001) { print "FAIL lscore " $1 " vs log10 " $2; e = 1 } n++ }
             END { if (n != 2) { print "FAIL " n + 0 " rank-1 LM scores"; e = 1 }
                   else if (!e) print "ok   rank-1 lscore / 23027 = the en-us ARPA log10 probability (rlm ngram query)"; exit e }' || fail=1
else
    echo "(no $arpa: LM scores not compared with the ARPA)"
fi

before=$(md5sum "$nb" "$one")
PS_NBEST=$ps_nbest bash "$ROOT/scripts/asr_decode.sh" "$tmp/asr" test >"$tmp/decode2.out" 2>&1 &&
    grep -q "up to date" "$tmp/decode2.out" && [ "$(md5sum "$nb" "$one")" = "$before" ] &&
    ok "asr_decode: a second run changes nothing" || bad "asr_decode second run: $(cat "$tmp/decode2.out")"

printf 'RIFF\044\0\0\0WAVEfmt \020\0\0\0\001\0\002\0' >"$tmp/bad.wav"
echo "bad $tmp/bad.wav" >"$tmp/bad.scp"
"$ps_nbest" "$tmp/bad.scp" "$tmp/bad.nbest" "$tmp/bad.1best" 2>"$tmp/bad.err"
rc=$?
[ $rc -eq 1 ] && grep -q "bad.wav: fmt: chunk of 4 bytes, expected at least 16" "$tmp/bad.err" &&
    ok "a truncated wav: exit 1, named" || bad "truncated wav: exit $rc: $(cat "$tmp/bad.err")"
echo "only-one-field" >"$tmp/bad2.scp"
"$ps_nbest" "$tmp/bad2.scp" "$tmp/bad.nbest" "$tmp/bad.1best" 2>"$tmp/bad.err"
grep -q "bad2.scp:1: expected \"utt-id path.wav\"" "$tmp/bad.err" &&
    ok "a malformed wav.scp line: named with its line" || bad "malformed wav.scp: $(cat "$tmp/bad.err")"
"$ps_nbest" --n-best 0 a b c 2>"$tmp/bad.err"
rc=$?
[ $rc -eq 2 ] && grep -q -- "--n-best: expected an integer" "$tmp/bad.err" &&
    ok "--n-best 0: usage error" || bad "--n-best 0: exit $rc: $(cat "$tmp/bad.err")"

[ $fail -eq 0 ] && echo "test_ps_nbest: all passed" || echo "test_ps_nbest: FAILED"
exit $fail
