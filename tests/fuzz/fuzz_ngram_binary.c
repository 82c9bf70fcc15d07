/* libFuzzer target: arbitrary bytes as an rlm binary n-gram file. The checksum is skipped so the
 * structural checks (header fields, section bounds, word list) are what the fuzzer exercises; when
 * the image loads, lookups and scoring must stay inside it. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rlm_ngram.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    uint64_t *image = malloc(size + 8); /* the loader needs 8-byte alignment */
    if (!image) return 0;
    memcpy(image, data, size);
    rlm_ngram_options opts;
    rlm_ngram_options_init(&opts);
    for (int verify = 0; verify <= 1; verify++) {
        opts.verify_checksum = verify;
        rlm_ngram *m;
        rlm_error err;
        if (rlm_ngram_open_binary_memory(image, size, "fuzz.bin", &opts, &m, &err) != RLM_OK)
            continue;
        uint32_t v = rlm_ngram_vocab_size(m);
        rlm_ngram_state st;
        rlm_ngram_begin_state(m, &st);
        for (uint32_t w = 0; w < v && w < 64; w++) {
            const char *s = rlm_ngram_word_string(m, w);
            rlm_ngram_word id = s ? rlm_ngram_index(m, s, strlen(s)) : w;
            int len;
            rlm_ngram_score(m, &st, id, &st, &len);
        }
        (void)rlm_ngram_index(m, "the", 3);
        rlm_ngram_close(m);
    }
    free(image);
    return 0;
}
