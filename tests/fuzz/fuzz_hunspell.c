/* Fuzz target: every line of the bytes through the hunspell pipe-output parser. Whatever parses
 * must be consistent: near misses only for & and ?, each non-empty without spaces at its ends. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "hunspell_pipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *p = (const char *)data, *end = p + size;
    long no = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        rlm_hunspell_result r;
        no++;
        if (!rlm_hunspell_is_banner(p, len) &&
            rlm_hunspell_parse_line(p, len, "fuzz", no, &r, NULL) == RLM_OK) {
            int with_cands = r.kind == RLM_HUNSPELL_MISS || r.kind == RLM_HUNSPELL_GUESS;
            if (with_cands != (r.n_cands > 0)) abort();
            for (int i = 0; i < r.n_cands; i++) {
                size_t n = strlen(r.cands[i]);
                if (!n || r.cands[i][0] == ' ' || r.cands[i][n - 1] == ' ') abort();
            }
            rlm_hunspell_result_free(&r);
        }
        p += len + 1;
    }
    return 0;
}
