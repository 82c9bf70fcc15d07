/* Fuzz target: the bytes, split at form feeds ('\f') into up to three files, as an n-best list
 * of every format (Kaldi: text, ac costs, lm costs). Whatever parses must be consistent and
 * survive reranking and an added column. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rlm_nbest.h"

static void check(const rlm_nbest *nb) {
    for (size_t u = 0; u < nb->n_utts; u++) {
        if (!nb->utts[u].id) abort();
        for (size_t h = 0; h < nb->utts[u].n_hyps; h++) {
            const rlm_nbest_hyp *hy = &nb->utts[u].hyps[h];
            for (int i = 0; i < hy->n_words; i++)
                if (!hy->words[i][0] || strpbrk(hy->words[i], " \t\n")) abort();
            for (int c = 0; c < nb->n_columns; c++)
                if (hy->score[c] != hy->score[c]) abort(); /* NaN never parses */
        }
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *files[3], *names[3] = {"f.1", "f.2", "f.3"};
    size_t sizes[3];
    int n = 0;
    const char *s = (const char *)data, *end = s + size;
    while (n < 3) {
        const char *ff = n < 2 ? memchr(s, '\f', (size_t)(end - s)) : NULL;
        files[n] = s, sizes[n++] = ff ? (size_t)(ff - s) : (size_t)(end - s);
        if (!ff) break;
        s = ff + 1;
    }
    for (int f = 0; f < 5; f++) {
        rlm_nbest *nb = NULL;
        rlm_error err;
        if (rlm_nbest_parse((rlm_nbest_format)f, files, sizes, names, n, NULL, &nb, &err)) {
            if (nb || !strchr(err.message, ':')) abort();
            continue;
        }
        check(nb);
        if (rlm_nbest_add_column(nb, "rlm") < 0) abort();
        if (rlm_nbest_rerank(nb, 0, nb->n_columns - 1, 0.5, -1, &err)) abort();
        check(nb);
        rlm_nbest_free(nb);
    }
    return 0;
}
