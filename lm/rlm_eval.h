/* Perplexity of a text under an RNN model, counted the way SRILM and KenLM report it.
 *
 * Every sentence contributes its words and its `</s>`. A token the vocabulary maps to `<unk>`
 * (an OOV, or a literal `<unk>` in the text) is an OOV: it is excluded from the main figure and
 * counted separately; the with-<unk> figure includes it (the convention for closed-vocabulary
 * corpora such as Mikolov's Penn Treebank, where published perplexities count `<unk>`).
 * Log base: log10 throughout, as ARPA tools print it. */
#ifndef RLM_EVAL_H
#define RLM_EVAL_H

#include <stddef.h>

#include "rlm_model.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rlm_eval_result {
    size_t sentences;
    size_t tokens;        /* words + `</s>`, OOVs included */
    size_t oov;           /* tokens scored as <unk> */
    double log10prob;     /* sum over tokens that are not OOV */
    double log10prob_unk; /* sum over all tokens, OOVs included */
} rlm_eval_result;

/* Perplexity excluding OOVs: 10^(-log10prob / (tokens - oov)). */
RLM_API double rlm_eval_perplexity(const rlm_eval_result *r);
/* Perplexity including OOVs: 10^(-log10prob_unk / tokens). */
RLM_API double rlm_eval_perplexity_unk(const rlm_eval_result *r);

/* Scores a corpus (rlm_corpus_load) as the model was trained: one stream whose state carries
 * across sentences, or restarted at every sentence for independent-sentence models. The first
 * sentence starts from the begin state (rlm_model_begin). If per_token is not NULL it receives
 * log10 P of each of the corpus's n_ids tokens. */
RLM_API rlm_status rlm_model_eval_corpus(const rlm_model *m, const rlm_corpus *c,
                                         float *per_token, rlm_eval_result *out, rlm_error *err);

#ifdef __cplusplus
}
#endif

#endif
