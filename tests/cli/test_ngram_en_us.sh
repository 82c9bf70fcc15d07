#!/usr/bin/env bash
# rlm ngram on the CMU Sphinx US English trigram (../shared/data/lm/en-us.arpa.gz: 3.7M n-grams,
# no <unk>, not written by us): build the binary from the ARPA, then check every log10 probability
# of 40 PTB sentences (plus one with an unknown word) against an independent back-off scorer
# written in awk below, which reads the ARPA text itself. Exit 0 pass, 77 skip, else fail.
set -u
. "$(dirname "$0")/rnn_common.bash"
shared=${RLM_SHARED:-}
lm=$shared/data/lm/en-us.arpa.gz
if [ -z "$shared" ] || [ ! -r "$lm" ]; then echo "skipped: RLM_SHARED/data/lm/en-us.arpa.gz is absent"; exit 77; fi

"$RLM" ngram build-binary "$lm" "$tmp/en-us.bin" 2>"$tmp/build.err" || { cat "$tmp/build.err"; exit 1; }
cat "$tmp/build.err"
grep -q "missing <unk>; substituting log10 probability -100" "$tmp/build.err" ||
    { echo "FAIL: no warning about the missing <unk>"; fail=1; }

{ head -n 40 "$shared/data/ptb/ptb.test.txt"; echo "the qwxzvk of the zzyzzq zzyzzq market"; } >"$tmp/s.txt"
"$RLM" ngram query "$tmp/en-us.bin" <"$tmp/s.txt" 2>"$tmp/query.err" >"$tmp/ours.txt"
cat "$tmp/query.err"

# Reference: p(w | h) = prob(h w) if listed, else backoff(h) + p(w | h without its first word);
# an unknown word has log10 probability -100 (KenLM's default when the file has no <unk>).
zcat "$lm" | awk -v sents="$tmp/s.txt" '
BEGIN {
    while ((getline line < sents) > 0) { n = split(line, w, " "); for (i = 1; i <= n; i++) want[w[i]] = 1 }
    want["<s>"] = 1; want["</s>"] = 1
}
/^\\[0-9]-grams:/ { order = substr($0, 2, 1) + 0; next }
/^\\end\\/ { order = 0 }
order > 0 && NF > order {
    key = $2; ok = ($2 in want)
    for (i = 3; i <= order + 1 && ok; i++) { ok = ($i in want); key = key " " $i }
    if (ok) { p[key] = $1; if (NF > order + 1) b[key] = $(order + 2) }
}
function lp(ctx, w,    key, k) {
    key = (ctx == "" ? w : ctx " " w)
    if (key in p) return p[key]
    if (ctx == "") return -100
    k = index(ctx, " ")
    return ((ctx in b) ? b[ctx] : 0) + lp(k ? substr(ctx, k + 1) : "", w)
}
END {
    close(sents)
    while ((getline line < sents) > 0) {
        n = split(line, w, " "); w[++n] = "</s>"; h1 = ""; h2 = "<s>"
        for (i = 1; i <= n; i++) {
            printf "%.6f\n", lp(h1 == "" ? h2 : h1 " " h2, w[i])
            h1 = h2; h2 = w[i] # an unknown word stays in the context: it has no n-grams
        }
    }
}' | sed 's/^-0\.000000$/0.000000/' >"$tmp/ref.txt"

grep -v -e '^Perplexity' -e '^OOVs:' -e '^Tokens:' -e '^log10' "$tmp/ours.txt" |
    sed 's/Total: .* OOV: [0-9]*$//' | tr '\t' '\n' | grep . | awk '{printf "%.6f\n", $3}' |
    sed 's/^-0\.000000$/0.000000/' >"$tmp/ours_probs.txt"
tokens=$(wc -l <"$tmp/ref.txt")
worst=$(paste "$tmp/ref.txt" "$tmp/ours_probs.txt" | awk '{d = $1 - $2; if (d < 0) d = -d; if (d > m) m = d} END {print m + 0}')
if [ "$tokens" -gt 800 ] && [ "$(wc -l <"$tmp/ours_probs.txt")" = "$tokens" ] &&
   awk -v m="$worst" 'BEGIN { exit !(m <= 2e-4) }'; then
    echo "ok   $tokens tokens agree with the awk back-off scorer (largest difference $worst)"
else
    echo "FAIL: $tokens reference tokens, $(wc -l <"$tmp/ours_probs.txt") ours, largest difference $worst"
    paste "$tmp/ref.txt" "$tmp/ours_probs.txt" | awk '$1 - $2 > 2e-4 || $2 - $1 > 2e-4' | head
    fail=1
fi
grep -q "qwxzvk=0 1 -10[0-9]" "$tmp/ours.txt" || { echo "FAIL: unknown word not scored near -100"; fail=1; }
exit $fail
