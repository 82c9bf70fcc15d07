/* Interpolating an RNN language model with one or more ARPA n-gram models.
 *
 * Log base: every probability in and out of this header is a log10, as in ARPA files, KenLM and
 * the rest of rlm. Weights are plain numbers (not logs).
 *
 * Components: component 0 is the RNN when there is one, then the n-gram models in the order given
 * (an n-gram-only mixture has no RNN). Per token t of a text:
 *   linear      P(t) = sum_i w_i P_i(t)             w_i >= 0, sum_i w_i = 1 (SRILM `ngram -mix-lm
 *                                                   -lambda`, rnnlm `-lm-prob -lambda`). A true
 *                                                   probability: its perplexity is a perplexity.
 *   log-linear  log P(t) = sum_i w_i log P_i(t)     any finite w_i (Kaldi lattice rescoring, ESPnet
 *                                                   shallow fusion; negative weights allow
 *                                                   density-ratio fusion). NOT normalised: the
 *                                                   scores of all words do not sum to 1, so the
 *                                                   "perplexity" of a log-linear mixture is a
 *                                                   figure of merit for tuning, not a perplexity,
 *                                                   and cannot be compared with one.
 *
 * Text: one sentence a line, split as rlm_vocab_tokenize does at word level (runs of
 * non-whitespace; literal <s> and </s> dropped; blank lines are not sentences); every sentence
 * ends with a `</s>` token. The RNN scores the whole text with rlm_model_eval_corpus (its state
 * carries across sentences unless the model was trained with independent_sentences); each n-gram
 * model starts every sentence from rlm_ngram_begin_state and carries its state within it.
 *
 * Vocabulary mismatch. The union vocabulary is every word known to at least one component
 * (`<s>`, `</s>` and `<unk>` aside). For component i, M_i is the number of union words it lacks.
 *   - A token known to component i: P_i(t) is the component's own probability.
 *   - A token component i lacks but another component knows: the component's P_i(<unk> | h) is
 *     the probability of the whole class of words it does not know, so it is divided evenly among
 *     the M_i union words it lacks: P_i(t) = P_i(<unk> | h) / M_i. Each component then is a
 *     normalised distribution over the union vocabulary, so a linear mixture is one too, and a
 *     model's mass for unknown words is neither thrown away nor given in full to each of them.
 *     This is Kaldi's treatment of Mikolov's rnnlm (utils/rnnlm_compute_scores.sh scores such a
 *     word as P(<RNN_UNK> | h) * unk.probs[w]) with a uniform in-class distribution, because
 *     neither model file keeps the counts that unk.probs is made of. SRILM (shared vocabulary,
 *     `ngram -mix-lm`) and rnnlm (`-lm-prob`) give such a word probability 0 under the model that
 *     lacks it; the rule here reduces to theirs when the model gives `<unk>` no mass, as an ARPA
 *     file without `<unk>` does (rlm_ngram_options.unk_log10prob, -100 by default).
 *     Such tokens are counted per component (rlm_mix_result.unk_share) and are ordinary tokens of
 *     the perplexity. The reverse case (the n-gram lacks a word the RNN knows) is the same rule.
 *   - A token no component knows (a literal `<unk>` included) is an OOV, as in SRILM and KenLM:
 *     it is excluded from the perplexity and counted (rlm_mix_result.oov). The with-<unk> figure
 *     includes it, scored with each component's full P_i(<unk> | h) (the convention for
 *     closed-vocabulary corpora such as Mikolov's PTB, where published perplexities count <unk>).
 * With one component (an RNN alone, an n-gram alone) every figure equals that model's own
 * (rlm eval, rlm ngram perplexity). */
#ifndef RLM_MIX_H
#define RLM_MIX_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_model.h"
#include "rlm_ngram.h"
#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* At most this many components (one RNN and up to 31 n-gram models). */
#define RLM_MIX_MAX_MODELS 32

typedef enum rlm_mix_kind {
    RLM_MIX_LINEAR = 0,   /* P = sum w_i P_i */
    RLM_MIX_LOGLINEAR = 1 /* log P = sum w_i log P_i, unnormalised */
} rlm_mix_kind;

typedef struct rlm_mix_spec {
    rlm_mix_kind kind;
    int n_weights;
    double weight[RLM_MIX_MAX_MODELS]; /* component order: RNN (if any), then n-grams */
} rlm_mix_spec;

/* Parses "linear:W" or "loglinear:W" (W = weight of component 0, the other of two components gets
 * 1 - W), or a comma list with one weight per component, "linear:0.5,0.3,0.2". Linear weights
 * must lie in [0,1] and sum to 1 within 1e-4 (then they are rescaled to sum exactly to 1);
 * log-linear weights may be any finite numbers. `what` names the argument in error messages
 * (e.g. "--mix"). */
RLM_API rlm_status rlm_mix_spec_parse(const char *text, int n_models, const char *what,
                                      rlm_mix_spec *out, rlm_error *err);

/* Per-token log10 probabilities of every component on one text, after the vocabulary rule. */
#define RLM_MIX_EOS 1u /* the token is a sentence's `</s>` */
#define RLM_MIX_OOV 2u /* no component knows the token */

typedef struct rlm_mix_scores {
    int n_models;              /* components */
    size_t n_tokens;           /* words and `</s>` of all sentences */
    size_t n_sentences;
    float *log10p;             /* log10p[i * n_tokens + t]: log10 P_i(token t) */
    uint8_t *flags;            /* per token: RLM_MIX_EOS, RLM_MIX_OOV */
    uint32_t *unk_share;       /* per token: bit i set when component i scored it with
                                  P_i(<unk>) / M_i (the token is known to another component) */
    uint64_t missing_types[RLM_MIX_MAX_MODELS]; /* M_i */
    uint64_t union_types;      /* words of the union vocabulary */
    char *spellings;           /* the tokens, each NUL-terminated ("</s>" for sentence ends) */
    size_t *spelling_at;       /* per token: offset of its spelling in `spellings` */
} rlm_mix_scores;

/* The counts of the vocabulary rule above: the size of the union vocabulary, and for each
 * component (the RNN first when rnn is not NULL, then the n-grams) M_i, the union words it lacks
 * (missing has one entry per component). */
RLM_API void rlm_mix_count_missing(const rlm_model *rnn, const rlm_ngram *const *ngrams,
                                   int n_ngrams, uint64_t *union_size, uint64_t *missing);

/* Scores the text file at `path` with `rnn` (may be NULL) and the n-gram models. The RNN must be
 * word-level (RLM_E_UNSUPPORTED otherwise: a character model cannot be matched word for word).
 * Free the result with rlm_mix_scores_free. */
RLM_API rlm_status rlm_mix_score_file(const rlm_model *rnn, const rlm_ngram *const *ngrams,
                                      int n_ngrams, const char *path, rlm_mix_scores *out,
                                      rlm_error *err);
RLM_API void rlm_mix_scores_free(rlm_mix_scores *s);

/* Figures of a mixture, counted as rlm_eval_result counts them. */
typedef struct rlm_mix_result {
    size_t sentences;
    size_t tokens;        /* words + `</s>`, OOVs included */
    size_t oov;           /* tokens no component knows */
    double log10prob;     /* sum over tokens that are not OOV */
    double log10prob_unk; /* sum over all tokens */
    size_t unk_share[RLM_MIX_MAX_MODELS]; /* non-OOV tokens component i scored with a share of
                                             its <unk> mass */
} rlm_mix_result;

/* Combines the components per token with spec (spec->n_weights must equal s->n_models). If
 * per_token is not NULL it receives the n_tokens mixed log10 probabilities. */
RLM_API rlm_status rlm_mix_combine(const rlm_mix_scores *s, const rlm_mix_spec *spec,
                                   float *per_token, rlm_mix_result *out, rlm_error *err);

/* 10^(-log10prob / (tokens - oov)), and 10^(-log10prob_unk / tokens); NaN with no tokens. */
RLM_API double rlm_mix_perplexity(const rlm_mix_result *r);
RLM_API double rlm_mix_perplexity_unk(const rlm_mix_result *r);

/* ---- Linear weights by EM (SRILM's compute-best-mix) ----
 * One step: with r_i(t) = w_i P_i(t) / sum_j w_j P_j(t), the new weight is the mean of r_i(t)
 * over the tokens. Every step raises (never lowers) the likelihood of the tokens, and the
 * likelihood is concave in w, so the iteration approaches the best weights. */
typedef struct rlm_mix_em_options {
    double tolerance;   /* stop when no weight changes by more than this (default 1e-4) */
    int max_iterations; /* and after this many steps at most (default 100) */
    int include_oov;    /* 1: also fit the OOV tokens, scored by P_i(<unk>) (closed-vocabulary
                           corpora such as PTB); 0 (default): SRILM's choice, OOVs left out */
    /* Called with the weights after 0, 1, 2, ... steps (the last call has the final weights)
     * and their perplexity on the fitted tokens; may be NULL. */
    void (*on_iteration)(void *ctx, int iteration, const double *weights, int n, double ppl);
    void *ctx;
} rlm_mix_em_options;

RLM_API void rlm_mix_em_options_init(rlm_mix_em_options *o);

/* One EM step from w (n_models weights, >= 0, summing to 1) to w_out; *log10prob receives the
 * log10 likelihood of the fitted tokens under w and *n_fitted their number (either may be NULL). */
RLM_API rlm_status rlm_mix_em_step(const rlm_mix_scores *s, const double *w, int include_oov,
                                   double *w_out, double *log10prob, size_t *n_fitted,
                                   rlm_error *err);

/* Iterates rlm_mix_em_step from the weights in w (NULL entries are not allowed; pass 1/n each for
 * SRILM's default start) and leaves the final weights in w. *iterations receives the number of
 * steps taken and *ppl the perplexity of the fitted tokens under the final weights (either may
 * be NULL). */
RLM_API rlm_status rlm_mix_em(const rlm_mix_scores *s, double *w, const rlm_mix_em_options *o,
                              int *iterations, double *ppl, rlm_error *err);

#ifdef __cplusplus
}
#endif

#endif
