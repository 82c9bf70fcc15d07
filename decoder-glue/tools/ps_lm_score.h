/* LM score of a word string with pocketsphinx's own n-gram model, in its log base 1.0001: an
 * independent recomputation that ps_nbest compares with the scores its lattice search
 * accumulates. Part of the ps_nbest demo tool, not of librlm. */
#ifndef RLM_TOOLS_PS_LM_SCORE_H
#define RLM_TOOLS_PS_LM_SCORE_H

#include <stdint.h>

#include <pocketsphinx.h>

/* log P(words[0..n-1] </s> | <s>) under lm, base 1.0001, unweighted (ngram_ng_prob: no
 * language weight, no insertion penalty). Words the model does not know are counted in
 * *n_unknown (their probability is the model's, usually log 0). */
int64_t ps_words_lscore(ngram_model_t *lm, char *const *words, int n, int *n_unknown);

#endif
