/* libFuzzer target: arbitrary bytes as an ARPA file (plain, gzip or xz). Must never crash, leak
 * or hang; when the bytes load, scoring every word from <s> and from the empty context must work. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "rlm_ngram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rlm_ngram *m;
    rlm_error err;
    if (rlm_ngram_read_arpa_memory(data, size, "fuzz.arpa", NULL, &m, &err) != RLM_OK) return 0;
    uint32_t v = rlm_ngram_vocab_size(m);
    rlm_ngram_state st, null_st;
    rlm_ngram_begin_state(m, &st);
    rlm_ngram_null_state(m, &null_st);
    for (uint32_t w = 0; w < v && w < 64; w++) {
        int len;
        rlm_ngram_score(m, &st, w, &st, &len);
        rlm_ngram_score(m, &null_st, (w * 7919u) % v, &null_st, &len);
        const char *s = rlm_ngram_word_string(m, w);
        if (s) (void)rlm_ngram_index(m, s, strlen(s));
    }
    (void)rlm_ngram_state_hash(&st);
    rlm_ngram_close(m);
    return 0;
}
