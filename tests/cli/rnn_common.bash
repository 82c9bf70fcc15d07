# Sourced by the command-line tests (tests/cli/test_train_eval.sh, test_ngram.sh and friends); not
# a test.
# Sets RLM, ROOT, tmp (removed on exit) and fail, and defines the helpers they share.
RLM=${RLM:-build/rlm}
ROOT=${RLM_ROOT:-.}
[ -x "$RLM" ] || { echo "no $RLM (run make)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0

ok() { echo "ok   $*"; }
bad() { echo "FAIL $*"; fail=1; }
check() { # NAME COMMAND...: pass when the command succeeds
    local name=$1; shift
    if "$@"; then ok "$name"; else bad "$name"; fi
}

# gen_text LINES SEED: deterministic toy English, ~9 words a line over 40 words, from a
# Park-Miller generator written out in awk so that mawk and gawk print the same text.
gen_text() {
    awk -v n="$1" -v x="$2" '
    function r(k) { x = (x * 16807) % 2147483647; return int(x / 2147483647 * k) + 1 }
    function np(  s) { s = det[r(8)]; if (r(3) == 1) s = s " " adj[r(6)]; return s " " noun[r(12)] }
    BEGIN {
        split("the a my his her one every that", det)
        split("old young great small good wise", adj)
        split("man woman king child dog horse city house river mountain servant prophet", noun)
        split("saw found loved took built left heard followed", verb)
        split("in on near under beside", prep)
        for (i = 0; i < n; i++) {
            s = np() " " verb[r(8)] " " np()
            if (r(2) == 1) s = s " " prep[r(5)] " " np()
            if (r(4) == 1) s = s " and " np() " " verb[r(8)] " " np()
            print s
        }
    }'
}

# no_temporaries DIR NAME: fails when an atomic write left DIR/*.tmp.* behind
no_temporaries() {
    if ls -A "$1" | grep -q '\.tmp\.'; then bad "$2: temporary files left: $(ls -A "$1" | grep '\.tmp\.')"
    else ok "$2: no temporary files left"; fi
}

# near A B TOL: |A - B| <= TOL
near() { awk -v a="$1" -v b="$2" -v t="$3" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= t) }'; }
