#!/usr/bin/env bash
# rlm wer against NIST sclite (Debian sctk) on the same files: the summary percentages of
# `-o sum`, the raw counts of `-o rsum` (corr, sub, del, ins, err, sentence errors) and every
# utterance's (#C #S #D #I) from `-o pralign`, for
#  - tests/data/metrics/{ref,hyp}.txt: hand-written substitutions, deletions, insertions, empty
#    hypotheses, repeated words, alignment ties and mixed case (with sclite's case folding and
#    with -s), words and characters (-c);
#  - 300 random utterances over a 3-word vocabulary (awk, fixed seed), dense in ties;
#  - UTF-8 characters (-e utf-8 -c).
# Exit 0 pass, 77 skip (sclite missing), else fail.
set -u
RLM=${RLM:-build/rlm}
ROOT=${RLM_ROOT:-.}
[ -x "$RLM" ] || { echo "no $RLM (run make)"; exit 77; }
SCLITE=$(command -v sclite || true)
[ -n "$SCLITE" ] || [ ! -x /usr/lib/sctk/bin/sclite ] || SCLITE=/usr/lib/sctk/bin/sclite
[ -n "$SCLITE" ] || { echo "sclite not installed (Debian package sctk; scripts/setup.sh build installs it)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }

to_trn() { # Kaldi text -> sclite TRN (`words (utt-id)`)
    awk '{ id = $1; $1 = ""; sub(/^ /, ""); print $0 " (" id ")" }' "$1"
}
# numbers of the row whose first cell is $2 (Sum/Avg or Sum) in a sclite-style table
row() { grep -E "^ *\| *$2 *\|" "$1" | head -1 | tr '|' ' ' | awk '{ $1 = ""; print }' | xargs; }

compare() { # NAME REF HYP "rlm options" "sclite options"
    local name=$1 ref=$2 hyp=$3 ropt=$4 sopt=$5
    to_trn "$ref" >"$tmp/ref.trn"
    to_trn "$hyp" >"$tmp/hyp.trn"
    # shellcheck disable=SC2086
    "$SCLITE" $sopt -r "$tmp/ref.trn" trn -h "$tmp/hyp.trn" trn -i spu_id -o sum rsum pralign \
        -O "$tmp" -n sc >/dev/null 2>"$tmp/sc.err" || { bad "$name: sclite failed"; cat "$tmp/sc.err"; return; }
    # shellcheck disable=SC2086
    "$RLM" wer --details $ropt "$ref" "$hyp" >"$tmp/rlm.out" 2>"$tmp/rlm.err" ||
        { bad "$name: rlm wer failed"; cat "$tmp/rlm.err"; return; }
    local s_pct s_cnt r_pct r_cnt
    s_pct=$(row "$tmp/sc.sys" 'Sum/Avg'); s_cnt=$(row "$tmp/sc.raw" 'Sum')
    r_pct=$(row "$tmp/rlm.out" 'Sum/Avg'); r_cnt=$(row "$tmp/rlm.out" 'Sum')
    if [ -n "$s_cnt" ] && [ "$s_pct" = "$r_pct" ] && [ "$s_cnt" = "$r_cnt" ]; then
        ok "$name: totals equal sclite's (snt wrd corr sub del ins err s.err: $r_cnt; %: $r_pct)"
    else
        bad "$name: sclite '$s_cnt' / '$s_pct', rlm wer '$r_cnt' / '$r_pct'"
    fi
    # per utterance: "id scores" from both pralign-style outputs
    per_utt() { awk '/^id: / { id = $2 } /^Scores: / { print id, $(NF-3), $(NF-2), $(NF-1), $NF }' "$1" | sort; }
    per_utt "$tmp/sc.pra" >"$tmp/sc.utt"
    per_utt "$tmp/rlm.out" >"$tmp/rlm.utt"
    local n
    n=$(wc -l <"$tmp/rlm.utt")
    if [ "$n" -gt 0 ] && cmp -s "$tmp/sc.utt" "$tmp/rlm.utt"; then
        ok "$name: all $n utterances have sclite's (#C #S #D #I)"
    else
        bad "$name: per-utterance counts differ"; diff "$tmp/sc.utt" "$tmp/rlm.utt" | head -20
    fi
}

data=$ROOT/tests/data/metrics
compare "hand-written, words, case folded" "$data/ref.txt" "$data/hyp.txt" "--ignore-case" ""
compare "hand-written, words, case-sensitive" "$data/ref.txt" "$data/hyp.txt" "" "-s"
compare "hand-written, characters" "$data/ref.txt" "$data/hyp.txt" "--char" "-s -c"

awk 'BEGIN { srand(7); split("a b c", v, " ");
    for (u = 1; u <= 300; u++) {
        for (side = 0; side < 2; side++) {
            n = int(rand() * 7); line = sprintf("rnd-%04d", u);
            for (k = 0; k < n; k++) line = line " " v[1 + int(rand() * 3)];
            print line > (side ? "'"$tmp"'/rnd.hyp" : "'"$tmp"'/rnd.ref")
        } } }'
# an empty reference has no words to score; sclite and rlm wer agree on it, but keep every ref
# non-empty so the percentages stay meaningful
awk 'NF == 1 { $0 = $0 " a" } 1' "$tmp/rnd.ref" >"$tmp/rnd.ref2"
compare "300 random utterances over {a,b,c}" "$tmp/rnd.ref2" "$tmp/rnd.hyp" "" "-s"

printf 'u-1 naïve café\nu-2 über straße\n' >"$tmp/u8.ref"
printf 'u-1 naive cafe\nu-2 uber strasse\n' >"$tmp/u8.hyp"
compare "UTF-8 characters" "$tmp/u8.ref" "$tmp/u8.hyp" "--char" "-s -c -e utf-8"

# the hand-computed totals of the hand-written set, so a change in sclite would show too
if "$RLM" wer --ignore-case "$data/ref.txt" "$data/hyp.txt" | grep -q '^%WER 58.82 \[ 50 / 85, 16 ins, 24 del, 10 sub \]$'; then
    ok "hand-written set: %WER 58.82 [ 50 / 85, 16 ins, 24 del, 10 sub ]"
else
    bad "hand-written set: expected %WER 58.82 [ 50 / 85, 16 ins, 24 del, 10 sub ]"
fi
exit $fail
