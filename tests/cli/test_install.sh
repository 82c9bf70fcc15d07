#!/usr/bin/env bash
# make install into a temporary prefix: every installed header compiles on its own from the
# install directory (in C and in C++, so the extern "C" guards hold), a program linking the
# installed librlm.so through rlm.pc runs, and rlm.pc names the library. Uses the build the
# tests run from (B), so nothing is rebuilt. Exit 0 pass, 77 skip, else fail.
set -u
source "$(dirname "$0")/rnn_common.bash"
B=${B:-$(dirname "$RLM")}
command -v pkg-config >/dev/null || { echo "pkg-config missing"; exit 77; }
make -s -C "$ROOT" B="$B" install PREFIX="$tmp/prefix" >"$tmp/install.log" 2>&1 ||
    { cat "$tmp/install.log"; echo "FAIL make install"; exit 1; }
inc=$tmp/prefix/include/rlm
n=0
for h in "$inc"/*.h; do
    n=$((n + 1))
    printf '#include "%s"\nint main(void) { return 0; }\n' "$(basename "$h")" >"$tmp/one.c"
    gcc -std=c11 -Wall -Werror -I"$inc" -c "$tmp/one.c" -o "$tmp/one.o" 2>"$tmp/cc.err" &&
        g++ -std=c++17 -Wall -Werror -x c++ -I"$inc" -c "$tmp/one.c" -o "$tmp/one.o" 2>>"$tmp/cc.err" ||
        bad "$(basename "$h") does not compile alone: $(head -3 "$tmp/cc.err")"
done
check "$n headers installed, each compiles alone in C and C++" [ "$n" -ge 15 ]
for h in rlm_plugin.h rlm_scorer.h rlm_nbest.h rlm_lattice_io.h rlm_ctc.h rlm_tune.h; do
    check "$h installed" [ -f "$inc/$h" ]
done
cat >"$tmp/use.c" <<'C'
#include <stdio.h>
#include "rlm_plugin.h"
int main(void) {
    const struct rlm_api *api = rlm_get_api(RLM_API_VERSION);
    if (!api) return 1;
    printf("%d\n", api->version);
    return 0;
}
C
export PKG_CONFIG_PATH=$tmp/prefix/lib/pkgconfig
# shellcheck disable=SC2046
gcc -std=c11 "$tmp/use.c" -o "$tmp/use" $(pkg-config --cflags --libs rlm) 2>"$tmp/link.err" ||
    bad "linking through rlm.pc: $(head -3 "$tmp/link.err")"
check "a program built with rlm.pc runs and sees the plugin table" \
    [ "$(LD_LIBRARY_PATH=$tmp/prefix/lib "$tmp/use" 2>/dev/null)" = "$(grep -o 'RLM_API_VERSION [0-9]*' "$inc/rlm_plugin.h" | cut -d' ' -f2)" ]
exit $fail
