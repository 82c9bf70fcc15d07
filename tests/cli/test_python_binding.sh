#!/usr/bin/env bash
# The Python binding (decoder-glue/python/rlm.py) and its decoder adapters (rlm_adapters.py):
# tests/python/test_rlm_binding.py checks the ctypes structs against the C header (layout_probe.c)
# and the Python scores against `rlm eval --per-word` of a tiny GRU, alone and mixed with an ARPA
# model; then the Python example of README.md's "Using rlm from decoders" runs as written.
# Exit 0 pass, 77 skip (no python3), else fail.
set -u
command -v python3 >/dev/null || { echo "python3 not installed"; exit 77; }
. "$(dirname "$0")/rnn_common.bash"
export RLM_LIBRARY=$(cd "$(dirname "$RLM")" && pwd)/librlm.so
[ -e "$RLM_LIBRARY" ] || { bad "no $RLM_LIBRARY next to $RLM (run make)"; exit 1; }
ROOT=$(cd "$ROOT" && pwd)
export RLM_ROOT=$ROOT RLM_TEST_DIR=$tmp PYTHONPATH=$ROOT/decoder-glue/python
arpa=$ROOT/tests/data/mix/tiny.arpa

${CC:-cc} -std=c11 -I"$ROOT/lm" -I"$ROOT/plugin" -o "$tmp/probe" "$ROOT/tests/python/layout_probe.c" &&
    "$tmp/probe" >"$tmp/layout.txt" || bad "compile and run tests/python/layout_probe.c"

# RNN words a b d e g; tiny.arpa's a b c f; z and <unk> no model knows (as in test_mix.sh)
printf 'a b d\nb a e g\nd e a b\ng a b\na d e g\nb a b d\n' >"$tmp/train.txt"
printf 'a c d\nz a\n<unk> b e\nb b a c\n' >"$tmp/text.txt"
cp "$arpa" "$tmp/tiny.arpa"
"$RLM" train --train "$tmp/train.txt" --valid "$tmp/train.txt" -o "$tmp/rnn.bin" --cell gru \
    --embed 8 --hidden 8 --epochs 3 --batch 2 --bptt 4 --threads 1 --independent-sentences \
    --quiet >"$tmp/train.log" 2>&1 || { cat "$tmp/train.log"; bad "train a tiny GRU"; exit 1; }
"$RLM" eval --model "$tmp/rnn.bin" --per-word "$tmp/text.txt" >"$tmp/rnn.pw" &&
    "$RLM" eval --model "$tmp/rnn.bin" --ngram "$arpa" --mix loglinear:0.6 --per-word \
        "$tmp/text.txt" >"$tmp/loglinear.pw" &&
    "$RLM" eval --model "$tmp/rnn.bin" --ngram "$arpa" --mix linear:0.3 --per-word \
        "$tmp/text.txt" >"$tmp/linear.pw" || bad "rlm eval --per-word"

check "python3 tests/python/test_rlm_binding.py" python3 "$ROOT/tests/python/test_rlm_binding.py"

# README.md's examples in "Using rlm from decoders", in a directory holding the model.bin and
# lm.arpa they name: the Python one as written, the C one inside a main()
readme_block() { # LANG: the first ```LANG block of the section
    awk -v lang="$1" '/^## Using rlm from decoders/ { s = 1 } s && $0 == "```" lang { p = 1; next }
                      p && /^```/ { exit } p' "$ROOT/README.md"
}
ex=$tmp/readme
mkdir -p "$ex" && cp "$tmp/rnn.bin" "$ex/model.bin" && cp "$arpa" "$ex/lm.arpa"
readme_block python >"$ex/example.py"
if [ "$(wc -l <"$ex/example.py")" -ge 5 ] && (cd "$ex" && python3 example.py) >"$ex/py.out" 2>&1 &&
    grep -Eq '^-[0-9.]+ -?[0-9.]+$' "$ex/py.out"; then
    ok "README Python example runs: $(cat "$ex/py.out")"
else
    bad "README Python example"; cat "$ex/example.py" "$ex/py.out" 2>/dev/null
fi
{ printf '#include <dlfcn.h>\n#include <stdio.h>\n#include "rlm_plugin.h"\nint main(void) {\n'
  readme_block c; printf 'return 0;\n}\n'; } >"$ex/example.c"
if ${CC:-cc} -std=c11 -Wall -Werror -I"$ROOT/lm" -I"$ROOT/plugin" -o "$ex/example" "$ex/example.c" -ldl &&
    (cd "$ex" && LD_LIBRARY_PATH=$(dirname "$RLM_LIBRARY") ./example) >"$ex/c.out" 2>&1 &&
    grep -Eq '^-[0-9.]+$' "$ex/c.out"; then
    ok "README C example runs: $(cat "$ex/c.out")"
else
    bad "README C example"; cat "$ex/example.c" "$ex/c.out" 2>/dev/null
fi
exit $fail
