#!/usr/bin/env bash
# rlm tokenize and rlm vocab on hand-written lines, against expected output written out here.
# Exit 0 pass, 77 skip, anything else fail.
set -u
. "$(dirname "$0")/rnn_common.bash"

expect() { # NAME EXPECTED-FILE ACTUAL-FILE
    if cmp -s "$2" "$3"; then echo "ok   $1"; else echo "FAIL $1"; diff "$2" "$3"; fail=1; fi
}

printf '%s\n' \
    "In the beginning God created the heaven and the earth." \
    "And God said, Let there be light: and there was light." \
    "  The LORD's  fathers' house;	(selah)  " \
    "\"Is it I?\" don't 'quoted' 3.5 1,000 burnt-offering!" \
    "" \
    "ÉCOLE “Hi” end" >"$tmp/in.txt"
printf 'windows line\r\n' >>"$tmp/in.txt"

# Only ASCII letters are lowercased (the É of ÉCOLE stays); a line that was empty stays empty.
printf '%s\n' \
    "in the beginning god created the heaven and the earth ." \
    "and god said , let there be light : and there was light ." \
    "the lord's fathers' house ; ( selah )" \
    "\" is it i ? \" don't ' quoted ' 3.5 1,000 burnt-offering !" \
    "" \
    "École “ hi ” end" \
    "windows line" >"$tmp/keep.txt"
"$RLM" tokenize <"$tmp/in.txt" >"$tmp/out.txt" || { echo "FAIL tokenize exit $?"; fail=1; }
expect "tokenize (punctuation kept)" "$tmp/keep.txt" "$tmp/out.txt"

printf '%s\n' \
    "in the beginning god created the heaven and the earth" \
    "and god said let there be light and there was light" \
    "the lord's fathers' house selah" \
    "is it i don't quoted 3.5 1,000 burnt-offering" \
    "" \
    "École hi end" \
    "windows line" >"$tmp/drop.txt"
"$RLM" tokenize --drop-punct <"$tmp/in.txt" >"$tmp/out2.txt" || { echo "FAIL --drop-punct"; fail=1; }
expect "tokenize --drop-punct" "$tmp/drop.txt" "$tmp/out2.txt"

"$RLM" tokenize --bogus </dev/null >/dev/null 2>&1
rc=$?; [ $rc -eq 2 ] && echo "ok   usage error exits 2" || { echo "FAIL usage error exit $rc"; fail=1; }

# rlm vocab build on the tokenised text: "the" (4 times) is the first ordinary id, and with
# --min-count 2 the singletons fall into <unk>.
"$RLM" vocab build "$tmp/out.txt" -o "$tmp/v.txt" --min-count 2 --classes 2 2>/dev/null ||
    { echo "FAIL vocab build"; fail=1; }
head -n 3 "$tmp/v.txt" | cut -f 1-3 >"$tmp/vhead.txt"
printf '#rlm-vocab v1 word classes=2\n0\t</s>\t6\n1\t<unk>\t%s\n' \
    "$(tr ' ' '\n' <"$tmp/out.txt" | grep -v '^$' | sort | uniq -c | awk '$1 < 2 { n += $1 } END { print n }')" \
    >"$tmp/vwant.txt"
expect "vocab build counts </s> and <unk>" "$tmp/vwant.txt" "$tmp/vhead.txt"
[ "$(sed -n 4p "$tmp/v.txt" | cut -f 2,3)" = "$(printf 'the\t4')" ] && echo "ok   vocab build: the = id 2" ||
    { echo "FAIL vocab build: line 4 is $(sed -n 4p "$tmp/v.txt")"; fail=1; }
"$RLM" vocab show "$tmp/v.txt" --top 1 >"$tmp/show.txt" && grep -q "^2	the	4	" "$tmp/show.txt" &&
    echo "ok   vocab show" || { echo "FAIL vocab show"; cat "$tmp/show.txt"; fail=1; }

printf '#rlm-vocab v1 word classes=1\n0\t</s>\t1\t0\n1\t<unk>\tx\t0\n' >"$tmp/bad.txt"
msg=$("$RLM" vocab show "$tmp/bad.txt" 2>&1 >/dev/null); rc=$?
[ $rc -eq 1 ] && [[ $msg == *"bad.txt:3: count: expected a non-negative integer"* ]] &&
    echo "ok   malformed vocab: exit 1 with file:line" || { echo "FAIL malformed vocab: $rc $msg"; fail=1; }
exit $fail
