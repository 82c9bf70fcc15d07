/* N-best rescoring with prefix sharing: the LM score of every hypothesis of every utterance.
 *
 * Log base: every score in and out is log10. A hypothesis' LM score is the sum over its words
 * and the closing `</s>` of the (mixed) log10 probability, the sentence starting from `<s>`
 * (rlm_model_begin / rlm_ngram_begin_state), as rlm_model_score_sentence scores it.
 *
 * The RNN side: the hypotheses of one utterance form a prefix tree over their word ids (`</s>`
 * included); each node is scored once. A thread takes a few consecutive utterances at a time
 * (a forest of their trees): the nodes with children of one depth go through one
 * rlm_model_step_batch call (one sgemm per layer), then all nodes through
 * rlm_model_log10prob_batch calls of up to 2048 rows. The batched products sum in another order
 * than one-at-a-time scoring, so scores agree with rlm_model_score_sentence to float rounding
 * (about 1e-5 relative), not bit for bit.
 * n-gram models are scored per hypothesis with rlm_ngram_score (cheap). With more than one
 * component the per-token scores are combined as lm/rlm_mix.h defines (linear or log-linear,
 * the union-vocabulary rule for words a component lacks), so a hypothesis scores what `rlm eval
 * --mix` gives its sentence with an independent-sentence model.
 *
 * Utterances run in parallel on `threads` threads; the models are shared read-only and every
 * thread has its own states. */
#ifndef RLM_NBEST_RESCORE_H
#define RLM_NBEST_RESCORE_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_mix.h"
#include "rlm_model.h"
#include "rlm_ngram.h"
#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rlm_rescore_models {
    const rlm_model *rnn;           /* may be NULL (n-grams only); word-level */
    const rlm_ngram *const *ngrams; /* n_ngrams models after the RNN */
    int n_ngrams;
    rlm_mix_spec mix;               /* one weight per component (RNN first); unused with one */
} rlm_rescore_models;

typedef struct rlm_rescore_hyp {
    const char *const *words;
    int n_words;
    double lm; /* out: log10 LM score */
} rlm_rescore_hyp;

typedef struct rlm_rescore_utt {
    rlm_rescore_hyp *hyps;
    size_t n_hyps;
} rlm_rescore_utt;

typedef struct rlm_rescore_stats {
    uint64_t tokens;     /* words + `</s>` of all hypotheses: the work without sharing */
    uint64_t rnn_nodes;  /* prefix-tree nodes the RNN scored (each once) */
    uint64_t rnn_steps;  /* states stepped (nodes with children) */
    uint64_t batches;    /* batched calls (steps: one per depth of a forest; scores: per block) */
} rlm_rescore_stats;

/* Scores every hypothesis (writing hyps[i].lm); threads < 1 means 1. stats may be NULL. */
RLM_API rlm_status rlm_nbest_rescore(const rlm_rescore_models *m, rlm_rescore_utt *utts,
                                     size_t n_utts, int threads, rlm_rescore_stats *stats,
                                     rlm_error *err);

#ifdef __cplusplus
}
#endif

#endif
