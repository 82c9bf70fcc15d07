#!/usr/bin/env bash
# A character-level model (rlm train --char) on generated UTF-8 text with two- and three-byte
# characters (é ü — 東京): the vocabulary holds code points, eval counts one token per character,
# <sp> between words and </s> per line, and an unseen character as an OOV; generate prints valid
# UTF-8 made of the training characters; complete ranks single characters. Exit 0 pass, 77 skip.
set -u
. "$(dirname "$0")/rnn_common.bash"
command -v python3 >/dev/null || { echo "python3 is needed to count UTF-8 characters"; exit 77; }

# words_text LINES SEED: 2..7 words a line from a list with multi-byte characters
words_text() {
    awk -v n="$1" -v x="$2" '
    function r(k) { x = (x * 16807) % 2147483647; return int(x / 2147483647 * k) + 1 }
    BEGIN {
        nw = split("café über alles — 東京 naïve crème brûlée zurück fluss the city", w)
        for (i = 0; i < n; i++) {
            k = 1 + r(6); s = w[r(nw)]
            for (j = 1; j < k; j++) s = s " " w[r(nw)]
            print s
        }
    }'
}
words_text 300 5 >"$tmp/train.txt"
words_text 30 6 >"$tmp/valid.txt"

"$RLM" train --char --train "$tmp/train.txt" --valid "$tmp/valid.txt" -o "$tmp/c.bin" --hidden 32 \
    --embed 16 --epochs 6 --batch 4 --optimizer adam --lr 0.01 --threads 1 --quiet >"$tmp/out" 2>"$tmp/err"
rc=$?
[ $rc = 0 ] && [ -s "$tmp/c.bin" ] && ok "train --char" || { bad "train --char: exit $rc"; cat "$tmp/err"; exit 1; }
no_temporaries "$tmp" "train --char"

# the vocabulary: one id per code point of the text, <sp> for the space
"$RLM" vocab build --char "$tmp/train.txt" -o "$tmp/v.txt" 2>/dev/null || bad "vocab build --char"
python3 - "$tmp/train.txt" "$tmp/v.txt" <<'PY' && ok "vocab --char: the text's code points, <sp>, </s>, <unk>" || bad "vocab --char"
import sys
chars = set(open(sys.argv[1], encoding="utf-8").read()) - {"\n", " "}
toks = [l.rstrip("\n").split("\t")[1] for l in open(sys.argv[2], encoding="utf-8") if not l.startswith("#")]
assert set(toks) == chars | {"<sp>", "</s>", "<unk>"}, set(toks) ^ (chars | {"<sp>", "</s>", "<unk>"})
assert {"é", "ü", "—", "東", "京"} <= set(toks)
PY

# eval: tokens = characters + one <sp> between words + one </s> a line; an unseen ß is an OOV
cp "$tmp/valid.txt" "$tmp/eval.txt"; echo "straße city" >>"$tmp/eval.txt"
"$RLM" eval --model "$tmp/c.bin" "$tmp/eval.txt" >"$tmp/sum" 2>"$tmp/err" || { bad "eval: exit $?"; cat "$tmp/err"; }
"$RLM" eval --model "$tmp/c.bin" "$tmp/eval.txt" --per-word >"$tmp/word" 2>/dev/null || bad "eval --per-word"
python3 - "$tmp/eval.txt" "$tmp/sum" "$tmp/word" <<'PY' && ok "eval --char: token and OOV counts, per-character log10 probs, ppl" || bad "eval --char"
import math, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]
known = set(open(sys.argv[1].replace("eval.txt", "train.txt"), encoding="utf-8").read())
want = []
for l in lines:
    for i, w in enumerate(l.split()):
        if i: want.append("<sp>")
        want += [c if c in known else "<unk>" for c in w]
    want += ["</s>", ""]
summary = open(sys.argv[2], encoding="utf-8").read()
m = re.search(r": (\d+) sentences, (\d+) tokens .*, (\d+) OOV\n", summary)
assert m, summary
S, T, O = map(int, m.groups())
assert (S, T, O) == (len(lines), len(want) - len(lines), 1), ((S, T, O), len(lines), len(want))
rows = open(sys.argv[3], encoding="utf-8").read().split("\n")[: len(want)]
got = [r.split("\t")[0] for r in rows]
assert got == want, [(a, b) for a, b in zip(got, want) if a != b][:5]
lp = [float(r.split("\t")[1]) for r in rows if r and not r.startswith("<unk>")]
ppl = float(re.search(r"^log10prob= \S+ ppl= (\S+)", summary, re.M).group(1))
assert abs(10 ** (-sum(lp) / len(lp)) / ppl - 1) < 5e-4, (10 ** (-sum(lp) / len(lp)), ppl)
assert ppl < 10, "the model learned nothing: ppl %g" % ppl
PY

# generate: valid UTF-8, only training characters and spaces; the same seed, the same text
"$RLM" generate --model "$tmp/c.bin" -n 20 --seed 4 --max-tokens 60 >"$tmp/gen" 2>"$tmp/err" ||
    { bad "generate: exit $?"; cat "$tmp/err"; }
"$RLM" generate --model "$tmp/c.bin" -n 20 --seed 4 --max-tokens 60 2>/dev/null | cmp -s - "$tmp/gen" &&
    ok "generate --char: same seed, same text" || bad "generate --char: same seed, other text"
python3 - "$tmp/train.txt" "$tmp/gen" <<'PY' && ok "generate --char: 20 lines of training characters" || { bad "generate --char"; cat "$tmp/gen"; }
import sys
known = set(open(sys.argv[1], encoding="utf-8").read())
text = open(sys.argv[2], "rb").read().decode("utf-8")  # raises on a split multi-byte character
lines = text.split("\n")[:-1]
assert len(lines) == 20, len(lines)
assert sum(len(l) for l in lines) > 40, lines
bad = set(text) - known
assert not bad, bad
PY
"$RLM" generate --model "$tmp/c.bin" -n 3 --prefix "naï" --seed 1 >"$tmp/genp" 2>/dev/null &&
    [ "$(grep -c '^naï' "$tmp/genp")" = 3 ] && ok "generate --char --prefix naï: every line continues it" ||
    { bad "generate --prefix naï"; cat "$tmp/genp"; }

# complete: single characters; after "caf" the only continuation in the text is é, after 東 it is 京
for case in "caf é" "東 京" "naï v"; do
    set -- $case
    "$RLM" complete --model "$tmp/c.bin" --top-k 5 "$1" >"$tmp/comp" 2>"$tmp/err" || { bad "complete $1: exit $?"; continue; }
    python3 - "$tmp/comp" "$2" <<'PY' && ok "complete --char '$1': top is '$2', 5 single characters, descending" || { bad "complete '$1'"; cat "$tmp/comp"; }
import sys
rows = [l.split("\t") for l in open(sys.argv[1], encoding="utf-8").read().split("\n")[:-1]]
assert [r[0] for r in rows] == ["1", "2", "3", "4", "5"], rows
assert rows[0][1] == sys.argv[2], rows[0]
assert all(len(r[1]) == 1 or r[1] in ("<sp>", "</s>", "<unk>") for r in rows), rows
p = [float(r[2]) for r in rows]
assert p == sorted(p, reverse=True) and p[0] > 0.5 and sum(p) <= 1 + 1e-5, p
PY
done
exit $fail
