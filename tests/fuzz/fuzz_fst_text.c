/* Fuzz target: the bytes as a text FST, with words (a small symbol table) and with integer
 * labels; whatever parses goes through the lattice conversion and, when acyclic, the n-best. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fst_use.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rlm_symbols *words = rlm_symbols_new();
    const char *w[] = {"a", "b", "c", "<s>", "</s>"};
    for (int i = 0; i < 5; i++) rlm_symbols_add(words, w[i], strlen(w[i]));
    rlm_fst_text_options with_words = {words, words, RLM_FST_TROPICAL};
    rlm_fst_text_options ints = {NULL, NULL, RLM_FST_LOG};
    rlm_fst *f;
    rlm_error err;
    if (!rlm_fst_parse_text((const char *)data, size, "fuzz.txt", &with_words, &f, &err)) {
        fuzz_use_fst(f);
        rlm_fst_free(f);
    }
    if (!rlm_fst_parse_text((const char *)data, size, "fuzz.txt", &ints, &f, &err)) {
        fuzz_use_fst(f);
        rlm_fst_free(f);
    }
    rlm_symbols_free(words);
    return 0;
}
