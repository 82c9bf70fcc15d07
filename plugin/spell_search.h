/* Choosing among spelling candidates with a language model: each token of a sentence has one or
 * more candidates (the token itself first), and the sentence that scores best under the scorer
 * (log10 P of its words and `</s>` from `<s>`, rlm_scorer.h) is chosen. A candidate may be
 * several words separated by single spaces ("a lot"); each is scored.
 *
 * The search is left to right with a beam of `beam` partial sentences, extended by every
 * candidate of the next token; when the candidates' product never exceeds the beam nothing is
 * pruned and the search is exhaustive (the result says so). Ties keep the earlier candidate, so
 * a token stays as it is unless a candidate scores strictly better. */
#ifndef RLM_SPELL_SEARCH_H
#define RLM_SPELL_SEARCH_H

#include <stddef.h>

#include "rlm_scorer.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rlm_spell_slot {
    const char *const *cands; /* n_cands >= 1 candidates; cands[0] is the token as written */
    int n_cands;
} rlm_spell_slot;

typedef struct rlm_spell_result {
    double log10_score; /* of the chosen sentence */
    int exhaustive;     /* 1 when no partial sentence was pruned */
} rlm_spell_result;

/* choice[i] receives the chosen candidate of slot i. beam >= 1. RLM_E_NOMEM, RLM_E_ARG. */
RLM_API rlm_status rlm_spell_search(const rlm_scorer *sc, const rlm_spell_slot *slots, size_t n,
                                    int beam, int *choice, rlm_spell_result *out, rlm_error *err);

/* log10 score of the sentence made of candidate choice[i] of each slot. */
RLM_API double rlm_spell_sentence_score(const rlm_scorer *sc, const rlm_spell_slot *slots,
                                        size_t n, const int *choice);

#ifdef __cplusplus
}
#endif

#endif
