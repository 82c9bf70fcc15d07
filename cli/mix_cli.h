/* Shared by rlm eval and rlm mix-weights: the repeatable --ngram option, loading the models of a
 * mixture, and scoring a text with all of them (lm/rlm_mix.h). */
#ifndef RLM_CLI_MIX_CLI_H
#define RLM_CLI_MIX_CLI_H

#include "rlm_mix.h"

typedef struct mix_models {
    const char *rnn_path; /* NULL: n-gram models only */
    const char *ngram_paths[RLM_MIX_MAX_MODELS];
    int n_ngrams;
    rlm_model *rnn;
    rlm_ngram *ngrams[RLM_MIX_MAX_MODELS];
} mix_models;

/* Moves every "--ngram PATH" out of argv (which keeps the other arguments, in order, for
 * args_parse) into m->ngram_paths. Returns the new argc, or -1 after printing what was wrong. */
int mix_take_ngram_options(const char *cmd, int argc, char **argv, mix_models *m);

/* Loads m->rnn_path (if set) and every n-gram model; prints "rlm CMD: message" and returns 1
 * on failure, 0 on success. */
int mix_load(const char *cmd, mix_models *m);
int mix_n_models(const mix_models *m);
/* Component i's file name, for reports: the RNN first, then the n-grams. */
const char *mix_component_name(const mix_models *m, int i);
void mix_free(mix_models *m);

#endif
