/* The scorer's union vocabulary (internal): scorer ids and, per id, each component's id. */
#ifndef RLM_SCORER_WORDS_H
#define RLM_SCORER_WORDS_H

#include "rlm_scorer.h"

typedef struct scorer_words {
    const rlm_model *rnn;
    const rlm_ngram *ngram[RLM_SCORER_MAX_NGRAMS];
    int n_ngrams;
    int32_t rnn_size;                     /* ids below it are the RNN's own */
    int32_t size;                         /* all ids, unused slots included */
    uint32_t base[RLM_SCORER_MAX_NGRAMS]; /* id of n-gram j's word g: rnn_size + base[j] + g */
    int32_t *rnn_id;                      /* per id: the RNN's id (RLM_UNK_ID when it lacks it) */
    rlm_ngram_word *ngram_id;             /* [id * n_ngrams + j] */
    uint32_t *known;                      /* per id: bit i when component i knows it; 0 for
                                             RLM_SCORER_UNK and for unused slots */
    float log10_missing[1 + RLM_SCORER_MAX_NGRAMS]; /* log10 M_i (0 when M_i = 0) */
} scorer_words;

rlm_status scorer_words_init(scorer_words *w, const rlm_model *rnn, const rlm_ngram *const *ngrams,
                             int n_ngrams, rlm_error *err);
void scorer_words_free(scorer_words *w);
int32_t scorer_words_find(const scorer_words *w, const char *word, size_t len);
/* The id itself, or RLM_SCORER_UNK for ids out of range and unused slots. */
static inline int32_t scorer_words_valid(const scorer_words *w, int32_t id) {
    return id == RLM_SCORER_EOS || (id > RLM_SCORER_UNK && id < w->size && w->known[id]) ? id
                                                                                         : RLM_SCORER_UNK;
}

#endif
