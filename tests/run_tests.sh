#!/usr/bin/env bash
# Runs every test the build produced and prints one closing line "N passed, N failed[, N skipped]".
# in the build directory $B (default build, as `make B=dir test` passes it):
#   $B/tests/test_*           unit tests (each prints "NAME: N passed, N failed")
#   $B/san/tests/test_*       the same unit tests under AddressSanitizer + UBSan
#   $B/san/replay/fuzz_*      each fuzz target replayed over tests/data/malformed/<parser>/
#   tests/cli/*.sh            command-line tests; exit 0 pass, 77 skip (with a reason), else fail
set -u
cd "$(dirname "$0")/.."
export RLM_ROOT=$PWD
build=${B:-build}
export RLM=$PWD/$build/rlm
export RLM_SHARED=${RLM_SHARED:-$(cd .. && pwd)/shared}
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
passed=0 failed=0 skipped=0
failures=()

add_counts() { # parse "NAME: N passed, N failed" from a unit-test run
    local line=$1 p f
    p=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' <<<"$line")
    f=$(sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' <<<"$line")
    passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
}

for dir in "$build/tests" "$build/san/tests"; do
    for t in "$dir"/test_*; do
        [ -x "$t" ] || continue
        out=$("$t" 2>"$t.log"); rc=$?
        echo "$dir/${out:-$(basename "$t"): no summary}"
        if [ -z "$out" ] || [ $rc -ne 0 ]; then
            [ -n "$out" ] && add_counts "$out" || failed=$((failed + 1))
            failures+=("$t (log: $t.log)")
        else
            add_counts "$out"
        fi
    done
done

for r in "$build"/san/replay/fuzz_*; do
    [ -x "$r" ] || continue
    name=$(basename "$r"); corpus=tests/data/malformed/${name#fuzz_}
    files=("$corpus"/*)
    if [ -e "${files[0]}" ] && "$r" "${files[@]}" >"$r.log" 2>&1; then
        passed=$((passed + 1)); echo "fuzz replay $name: ${#files[@]} inputs ok"
    else
        failed=$((failed + 1)); failures+=("$r (corpus $corpus, log: $r.log)")
    fi
done

for c in tests/cli/*.sh; do
    [ -f "$c" ] || continue
    log=$build/$(basename "$c" .sh).log
    bash "$c" >"$log" 2>&1; rc=$?
    case $rc in
    0) passed=$((passed + 1)); echo "cli $(basename "$c"): ok" ;;
    77) skipped=$((skipped + 1)); echo "cli $(basename "$c"): skipped: $(tail -n 1 "$log")" ;;
    *) failed=$((failed + 1)); failures+=("$c (log: $log)") ;;
    esac
done

for f in "${failures[@]}"; do echo "FAILED: $f"; done
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
