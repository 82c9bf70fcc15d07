#!/usr/bin/env bash
# scripts/mt_nbest.py (the MT recipe's lists) on a few verses, when Apertium and its four
# English pairs are installed: the lists read as Moses lists (rlm tune), every total is the
# script's weights times the features, lists are sorted and distinct, every round trip shows up,
# the references are the qualifying verses in file order, runs are deterministic, and an
# up-to-date set is kept while other options remake it.
# Exit 0 pass, 77 skip, else fail.
set -u
. "$(dirname "$0")/rnn_common.bash"
command -v python3 >/dev/null || { echo "skip: no python3"; exit 77; }
for m in eng-spa spa-eng eng-cat cat-eng en-gl gl-en en-eo eo-en; do
    [ -r "/usr/share/apertium/modes/$m.mode" ] ||
        { echo "skip: Apertium mode $m not installed (scripts/setup.sh demo)"; exit 77; }
done
gen() { python3 "$ROOT/scripts/mt_nbest.py" --kjv "$tmp/kjv" --rlm "$RLM" "$@"; }

mkdir -p "$tmp/kjv"
cat >"$tmp/kjv/kjv.valid.txt" <<'EOF'
and the word of god increased ; and the number of the disciples multiplied in jerusalem greatly .
amen .
grace be to you and peace from god our father , and the lord jesus christ .
for i am not ashamed of the gospel of christ : for it is the power of god unto salvation .
EOF
cat >"$tmp/kjv/kjv.test.txt" <<'EOF'
blessed are they that mourn : for they shall be comforted .
and he opened his mouth , and taught them , saying ,
EOF

gen --out "$tmp/mt" --dev-n 3 --test-n 2 2>"$tmp/gen.err"
check "exit 0" [ $? -eq 0 ]
# "amen ." has 2 tokens (< 6): the other three dev verses qualify, ids 0..2 in file order
sed -n '1p;3p;4p' "$tmp/kjv/kjv.valid.txt" | awk '{ print NR - 1, $0 }' >"$tmp/dev.want"
check "dev references: the qualifying verses, ids 0..2" cmp -s "$tmp/dev.want" "$tmp/mt/dev.ref"
awk '{ print NR - 1, $0 }' "$tmp/kjv/kjv.test.txt" >"$tmp/test.want"
check "test references: ids 0..1" cmp -s "$tmp/test.want" "$tmp/mt/test.ref"

for s in dev test; do
    L=$tmp/mt/$s.nbest
    "$RLM" tune --format moses "$L" --ref "$tmp/mt/$s.ref" --metric bleu --lm WordPenalty0 \
        --lm-weight 0:0:1 --wip 0:0:1 --best "$tmp/$s.1best" >/dev/null 2>"$tmp/$s.err"
    check "$s: rlm tune reads the lists" [ $? -eq 0 ]
    # the lists' own first hypotheses, as rlm tune chose them with zero weights
    awk -F' [|][|][|] ' 'BEGIN { p = "x" } $1 != p { print $1, $2; p = $1 }' "$L" >"$tmp/$s.first"
    check "$s: 1-best at weight 0 = each list's first line" cmp -s "$tmp/$s.first" "$tmp/$s.1best"
    # total = 1 .8 .6 .4 (Pivot0) . .5 .5 (LexSel0) . .2 (Unknown0) . -.1 (WordPenalty0)
    awk -F' [|][|][|] ' 'BEGIN { id = "x" }  # ids are numbers: "x" never equals one
        { split($3, f, " "); if (f[1] != "Pivot0=" || f[6] != "LexSel0=" || f[9] != "Unknown0=" ||
              f[11] != "WordPenalty0=") { print "features: " $0; bad = 1 }
          t = f[2] + .8 * f[3] + .6 * f[4] + .4 * f[5] + .5 * (f[7] + f[8]) + .2 * f[10] - .1 * f[12]
          if (t - $4 > 5e-5 || $4 - t > 5e-5) { print "total: " $0; bad = 1 }
          if (f[2] + f[3] + f[4] + f[5] != 1) { print "one-hot: " $0; bad = 1 }
          if (f[12] != -split($2, w, " ")) { print "word penalty: " $0; bad = 1 }
          if ($1 == id && $4 > last + 1e-9) { print "order: " $0; bad = 1 }
          if (seen[$1 SUBSEP $2]++) { print "duplicate: " $0; bad = 1 }
          for (p = 2; p <= 5; p++) if (f[p]) pivot[p] = 1
          n[$1]++; id = $1; last = $4 }
        END { for (i in n) if (n[i] > 100) bad = 1; for (p = 2; p <= 5; p++) if (!pivot[p]) bad = 1
              exit bad }' "$L" >"$tmp/$s.bad"
    check "$s: totals = weights . features, sorted, distinct, every round trip present" [ $? -eq 0 ]
    [ -s "$tmp/$s.bad" ] && head -5 "$tmp/$s.bad"
done
max=$(awk -F' [|][|][|] ' '{ n[$1]++ } END { for (i in n) if (n[i] > m) m = n[i]; print m }' "$tmp/mt/dev.nbest")
check "lexical variants: a dev verse has ${max:-0} > 4 candidates" [ "${max:-0}" -gt 4 ]

gen --out "$tmp/mt2" --dev-n 3 --test-n 2 2>/dev/null
check "deterministic" cmp -s "$tmp/mt/dev.nbest" "$tmp/mt2/dev.nbest"
touch -d '2 seconds ago' "$tmp/mt/dev.nbest"
before=$(stat -c %Y "$tmp/mt/dev.nbest")
gen --out "$tmp/mt" --dev-n 3 --test-n 1 2>"$tmp/gen2.err"
check "same options: the set is kept" [ "$(stat -c %Y "$tmp/mt/dev.nbest")" = "$before" ]
check "other options: the set is remade" [ "$(wc -l <"$tmp/mt/test.ref")" -eq 1 ]
check "no temporaries" [ -z "$(ls -A "$tmp/mt" | grep -v '^\(dev\|test\)\.\(nbest\|ref\|params\)$')" ]
exit $fail
