#!/usr/bin/env bash
# rlm lattice end to end on a hand-written HTK SLF lattice (5 word slots with two choices each,
# a duplicate arc, a [NOISE] arc and a closing </s>: 72 paths), with an LSTM trained here on toy
# English: the acoustically best path is ungrammatical and the LM moves "the man saw the king" to
# the top; with the whole history (--history 0) every path's LM score equals rlm nbest's score of
# its words (lattice rescoring = n-best rescoring of every path); rlm nbest with the same weights
# picks the same 1-best; k = 2 and a beam keep it; the rescored lattice written as Kaldi text and
# read back with its LM score as the old one (--interp 0) gives the same 1-best; rlm wer reads the
# 1-best file; three lattices on 3 threads give one thread's files; usage errors exit 2 and a malformed lattice exits 1 naming file:line.
# Exit 0 pass, 77 skip, else fail.
set -u
. "$(dirname "$0")/rnn_common.bash"

gen_text 3000 7 >"$tmp/train.txt"
gen_text 200 11 >"$tmp/valid.txt"
"$RLM" train --train "$tmp/train.txt" --valid "$tmp/valid.txt" -o "$tmp/m.bin" --cell lstm \
    --embed 32 --hidden 32 --epochs 4 --threads 1 --quiet --independent-sentences \
    >"$tmp/train.log" 2>&1 || { cat "$tmp/train.log"; echo "training failed"; exit 1; }

# acoustic scores (ln) prefer saw/the/king/man/saw, one slot at a time
cat >"$tmp/utt1.slf" <<'EOF'
VERSION=1.0
UTTERANCE=utt1
N=7	L=14
I=0	t=0.00
I=1	t=0.40
I=2	t=0.80
I=3	t=1.20
I=4	t=1.60
I=5	t=2.00
I=6	t=2.10
J=0	S=0	E=1	W=the	a=-2.0
J=1	S=0	E=1	W=saw	a=-1.9
J=2	S=1	E=2	W=man	a=-2.0
J=3	S=1	E=2	W=man	a=-2.3
J=4	S=1	E=2	W=the	a=-1.9
J=5	S=2	E=3	W=saw	a=-2.0
J=6	S=2	E=3	W=king	a=-1.9
J=7	S=2	E=3	W=[NOISE]	a=-1.95
J=8	S=3	E=4	W=the	a=-2.0
J=9	S=3	E=4	W=man	a=-1.9
J=10	S=4	E=5	W=king	a=-2.0
J=11	S=4	E=5	W=saw	a=-1.9
J=12	S=5	E=6	W=</s>	a=-0.1
J=13	S=5	E=6	W=</s>	a=-0.2
EOF
echo "utt1 the man saw the king" >"$tmp/ref.txt"

run() { "$RLM" lattice --format slf "$tmp/utt1.slf" --model "$tmp/m.bin" "$@"; }

# 1. The whole history, LM weight 1: all 144 paths (two </s> arcs) in the n-best list
run -o "$tmp/o0.slf" --history 0 --lm-weight 1 --best "$tmp/b0" --nbest 1000 "$tmp/n0.tsv" 2>"$tmp/e0"
check "exit 0" [ $? -eq 0 ]
[ "$(grep -vc '^#' "$tmp/n0.tsv")" = 144 ] && ok "n-best: all 144 paths" ||
    { bad "n-best: path count"; cat "$tmp/e0"; }
head -1 "$tmp/n0.tsv" | grep -q "^#utt	rank	ac	lm	total	words$" && ok "n-best: TSV header" ||
    bad "n-best: header"
grep -q "RTF 0.* (audio 2.1 s), peak memory" "$tmp/e0" && ok "stats: RTF from the lattice's end time" ||
    { bad "stats line"; cat "$tmp/e0"; }
[ "$(cat "$tmp/b0")" = "utt1 the man saw the king" ] && ok "1-best: the grammatical path" ||
    { bad "1-best"; cat "$tmp/b0"; }

# 2. Each path's LM score = rlm nbest's for its words (whole sentences, </s> included)
"$RLM" nbest --format tsv "$tmp/n0.tsv" --model "$tmp/m.bin" --add-column -o "$tmp/nb.tsv" 2>/dev/null
awk -F'\t' 'NR > 1 { d = $4 - $6; if (d < 0) d = -d; if (d > 1e-4) bad = 1; n++ }
    END { exit bad || n != 144 }' "$tmp/nb.tsv" && ok "lattice LM scores = rlm nbest's, all 144 paths" ||
    { bad "LM scores differ from rlm nbest"; head -5 "$tmp/nb.tsv"; }

# 3. Weights: rlm nbest --lm-weight 3 --wip -0.5 on the paths picks the lattice's 1-best
run -o "$tmp/o3.slf" --lm-weight 3 --wip -0.5 --best "$tmp/b3" 2>/dev/null
"$RLM" nbest --format tsv "$tmp/n0.tsv" --model "$tmp/m.bin" --lm-weight 3 --wip -0.5 \
    -o "$tmp/nb3.tsv" --best "$tmp/nb3.best" 2>/dev/null
cmp -s "$tmp/b3" "$tmp/nb3.best" && ok "1-best = rlm nbest's with --lm-weight 3 --wip -0.5" ||
    { bad "1-best vs rlm nbest"; cat "$tmp/b3" "$tmp/nb3.best"; }

# 4. k = 2 and a beam: the same 1-best, a smaller lattice
run -o "$tmp/o2.slf" --history 2 --beam 5 --best "$tmp/b2" 2>"$tmp/e2"
cmp -s "$tmp/b2" "$tmp/b0" && ok "--history 2 --beam 5: same 1-best" || { bad "k=2 1-best"; cat "$tmp/b2"; }
out0=$(sed -n 's/.*, out \([0-9]*\);.*/\1/p' "$tmp/e0"); out2=$(sed -n 's/.*, out \([0-9]*\);.*/\1/p' "$tmp/e2")
[ -n "$out0" ] && [ -n "$out2" ] && [ "$out2" -lt "$out0" ] && ok "k=2 + beam: $out2 arcs < $out0" ||
    { bad "k=2 size"; cat "$tmp/e0" "$tmp/e2"; }

# 5. Written as Kaldi text, read back: its LM score is the new one, so --interp 0 (the old score
#    only) ranks the same
run -o "$tmp/o.ark" --out-format kaldi --out-symbols "$tmp/words.txt" --lm-weight 1 \
    --best "$tmp/b1" 2>/dev/null
"$RLM" lattice --format kaldi "$tmp/o.ark" --symbols "$tmp/words.txt" --model "$tmp/m.bin" \
    --interp 0 -o "$tmp/again.ark" --best "$tmp/bk" 2>"$tmp/ek"
[ $? -eq 0 ] && cmp -s "$tmp/bk" "$tmp/b1" && ok "kaldi round trip: same 1-best with --interp 0" ||
    { bad "kaldi round trip"; cat "$tmp/ek" "$tmp/bk" "$tmp/b1"; }
"$RLM" wer "$tmp/ref.txt" "$tmp/b1" 2>/dev/null | grep -q "%WER 0.00" && ok "rlm wer reads the 1-best" ||
    bad "rlm wer"

# 6. Threads: three lattices on 1 and 3 threads give the same files byte for byte
for u in 2 3 4; do sed "s/^UTTERANCE=utt1/UTTERANCE=utt$u/; s/a=-2.0\$/a=-2.$u/" "$tmp/utt1.slf" >"$tmp/utt$u.slf"; done
for n in 1 3; do
    mkdir -p "$tmp/dir$n"
    "$RLM" lattice --format slf "$tmp"/utt[234].slf --model "$tmp/m.bin" -o "$tmp/dir$n" --threads $n \
        --history 0 --best "$tmp/t$n.best" --nbest 5 "$tmp/t$n.tsv" 2>"$tmp/t$n.err" || cat "$tmp/t$n.err"
done
[ "$(ls "$tmp/dir3" | wc -l)" = 3 ] && cmp -s "$tmp/t1.best" "$tmp/t3.best" && cmp -s "$tmp/t1.tsv" "$tmp/t3.tsv" &&
    diff -r "$tmp/dir1" "$tmp/dir3" >/dev/null && [ "$(wc -l <"$tmp/t3.best")" = 3 ] &&
    ok "--threads 3: the same outputs as one thread" || { bad "--threads"; cat "$tmp/t3.err"; }

# 7. Errors
run -o "$tmp/x" --beam 0 2>/dev/null; check "--beam 0: exit 2" [ $? -eq 2 ]
"$RLM" lattice --format slf "$tmp/utt1.slf" -o "$tmp/x" 2>/dev/null; check "no --model: exit 2" [ $? -eq 2 ]
run -o "$tmp/x" --nbest 0 "$tmp/n" 2>/dev/null; check "--nbest 0: exit 2" [ $? -eq 2 ]
sed 's/^J=5.*/J=5	S=2	E=99	W=saw	a=-2.0/' "$tmp/utt1.slf" >"$tmp/bad.slf"
"$RLM" lattice --format slf "$tmp/bad.slf" --model "$tmp/m.bin" -o "$tmp/bad.out" --best "$tmp/bad.best" 2>"$tmp/ebad"
[ $? -eq 1 ] && grep -q "bad.slf:" "$tmp/ebad" && [ ! -e "$tmp/bad.out" ] && [ ! -e "$tmp/bad.best" ] &&
    ok "bad lattice: exit 1 naming the file, no output" || { bad "bad lattice"; cat "$tmp/ebad"; }
no_temporaries "$tmp" "outputs"
exit $fail
