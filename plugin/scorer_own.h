/* Scorers that own their models (internal): rlm_scorer_open and the recipe loader
 * (scorer_recipe.c) load the files themselves and hand the models over. */
#ifndef RLM_SCORER_OWN_H
#define RLM_SCORER_OWN_H

#include "rlm_scorer.h"

/* rlm_scorer_new over rnn and ngrams[0..n_ngrams) (n_ngrams 0..RLM_SCORER_MAX_NGRAMS), which
 * the scorer then owns: they are freed by rlm_scorer_free, or here when this fails. */
rlm_status scorer_new_owning(rlm_model *rnn, rlm_ngram **ngrams, int n_ngrams,
                             const rlm_scorer_options *o, rlm_scorer **out, rlm_error *err);

#endif
