/* LM score of a word string (see ps_lm_score.h). */
#include "ps_lm_score.h"

#include <string.h>

int64_t ps_words_lscore(ngram_model_t *lm, char *const *words, int n, int *n_unknown)
{
    /* History newest first, as ngram_ng_prob wants it; its length is the model's order - 1. */
    enum { MAX_HIST = 8 };
    int32 hist[MAX_HIST];
    int order = ngram_model_get_size(lm);
    int max_hist = order - 1 < MAX_HIST ? order - 1 : MAX_HIST;
    int n_hist = 0, n_used;
    int32 unk = ngram_unknown_wid(lm);
    int64_t total = 0;
    *n_unknown = 0;
    if (max_hist > 0) hist[n_hist++] = ngram_wid(lm, "<s>");
    for (int i = 0; i <= n; i++) {
        int32 wid = ngram_wid(lm, i < n ? words[i] : "</s>");
        if (wid == unk || wid < 0) ++*n_unknown;
        total += ngram_ng_prob(lm, wid, hist, n_hist, &n_used);
        if (max_hist == 0) continue;
        memmove(hist + 1, hist, (size_t)(max_hist - 1) * sizeof hist[0]);
        hist[0] = wid;
        if (n_hist < max_hist) n_hist++;
    }
    return total;
}
