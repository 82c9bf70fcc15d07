/* Fuzz target: the bytes as a vocabulary text file, as a serialized vocabulary, and as raw text
 * for the normaliser. Whatever parses must survive a round trip unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rlm_text.h"
#include "rlm_vocab.h"

static void round_trip(const rlm_vocab *v, const uint8_t *original, size_t original_size) {
    uint8_t *blob;
    size_t size;
    rlm_vocab *w;
    if (rlm_vocab_serialize(v, &blob, &size, NULL)) return;
    if (original && (size != original_size || memcmp(blob, original, size)))
        abort(); /* the binary form has one encoding per vocabulary */
    if (rlm_vocab_deserialize(blob, size, "fuzz", &w, NULL)) abort();
    if (rlm_vocab_size(w) != rlm_vocab_size(v) ||
        rlm_vocab_num_classes(w) != rlm_vocab_num_classes(v))
        abort();
    for (int32_t i = 0; i < rlm_vocab_size(v); i++)
        if (strcmp(rlm_vocab_token(v, i), rlm_vocab_token(w, i)) ||
            rlm_vocab_count(v, i) != rlm_vocab_count(w, i) ||
            rlm_vocab_class_of(v, i) != rlm_vocab_class_of(w, i) ||
            rlm_vocab_find(w, rlm_vocab_token(v, i), strlen(rlm_vocab_token(v, i))) != i)
            abort();
    rlm_vocab_free(w);
    free(blob);
}

static void check_classes(const rlm_vocab *v) {
    int32_t n = rlm_vocab_size(v), c = rlm_vocab_num_classes(v);
    if (c < 1 || c > n || rlm_vocab_class_begin(v, 0) != 0 || rlm_vocab_class_end(v, c - 1) != n)
        abort();
    for (int32_t k = 0; k < c; k++)
        if (rlm_vocab_class_begin(v, k) >= rlm_vocab_class_end(v, k)) abort(); /* empty class */
}

static void use_vocab(rlm_vocab *v, const uint8_t *data, size_t size) {
    check_classes(v);
    int32_t ids[64];
    size_t n = rlm_vocab_tokenize(v, (const char *)data, size, ids, 64, NULL);
    for (size_t i = 0; i < n && i < 64; i++)
        if (ids[i] < 0 || ids[i] >= rlm_vocab_size(v)) abort();
    if (size && !rlm_vocab_set_num_classes(v, data[0] % 7, NULL)) check_classes(v);
}

static void normalize(const uint8_t *data, size_t size) {
    size_t cap = 2 * size + 1;
    char *out = malloc(cap), *part = malloc(size / 2 + 1);
    size_t n = rlm_text_normalize((const char *)data, size, out, cap, size ? data[0] & 1 : 0);
    if (n > 2 * size || strlen(out) != n) abort();
    size_t m = rlm_text_normalize((const char *)data, size, part, size / 2 + 1,
                                  size ? data[0] & 1 : 0);
    if (m != n || strncmp(part, out, size / 2)) abort();
    free(out);
    free(part);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rlm_vocab *v;
    rlm_error err;
    if (!rlm_vocab_parse_text((const char *)data, size, "fuzz.txt", &v, &err)) {
        round_trip(v, NULL, 0);
        use_vocab(v, data, size);
        rlm_vocab_free(v);
    }
    if (!rlm_vocab_deserialize(data, size, "fuzz.bin", &v, &err)) {
        round_trip(v, data, size);
        use_vocab(v, data, size);
        rlm_vocab_free(v);
    }
    normalize(data, size);
    return 0;
}
