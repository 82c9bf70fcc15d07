#include "prefix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int read_prefix(const rlm_model *m, rlm_state *s, const char *prefix) {
    rlm_model_begin(m, s);
    if (!prefix || !*prefix) return 0;
    const rlm_vocab *v = rlm_model_vocab(m);
    size_t len = strlen(prefix), oov = 0;
    int32_t *ids = malloc((len + 1) * sizeof *ids); /* never more tokens than bytes */
    if (!ids) return -1;
    size_t n = rlm_vocab_tokenize(v, prefix, len, ids, len + 1, &oov);
    for (size_t i = 0; i < n; i++) rlm_model_step(m, s, ids[i], s);
    free(ids);
    return (int)oov;
}

void print_token(const rlm_vocab *v, int32_t id, int first) {
    const char *t = rlm_vocab_token(v, id);
    if (rlm_vocab_is_char_level(v))
        fputs(strcmp(t, RLM_SPACE_TOKEN) ? t : " ", stdout);
    else
        printf("%s%s", first ? "" : " ", t);
}
