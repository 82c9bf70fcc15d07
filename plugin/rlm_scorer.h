/* The scorer: one RNN language model and zero or more ARPA n-gram models, combined per word, behind
 * a state API in KenLM's shape for decoders (beam search, shallow fusion, lattice rescoring).
 *
 * Log base: every score in and out of this header is a log10, as in ARPA files and KenLM. (Kaldi
 * costs are -ln P = -log10 P * ln 10; pocketsphinx scores are log10 P / log10 1.0001.)
 *
 * Combination: rlm_mix_spec (rlm_mix.h), component 0 the RNN, then the n-grams in order; linear
 * P = sum w_i P_i or log-linear log P = sum w_i log P_i (unnormalised). Vocabulary mismatch follows
 * rlm_mix.h exactly: a word a component lacks but another knows gets P_i(<unk> | h) / M_i, M_i the
 * number of union words component i lacks. A word no model knows (an OOV) is scored with each
 * component's full P_i(<unk> | h), mixed, plus options.oov_log10penalty (like rnnlm's and Kaldi's
 * unk penalty: 0 by default; a negative value discourages hypotheses with OOVs).
 *
 * Word ids are the scorer's own, over the union vocabulary: rlm_scorer_word_id maps a spelling;
 * RLM_SCORER_EOS (`</s>`) and RLM_SCORER_UNK (unknown to every model) are fixed; ids of words the
 * RNN knows equal the RNN's ids. An id out of range is scored as RLM_SCORER_UNK.
 *
 * History: the RNN part of a state is its history, the RNN ids since `<s>`, or only the last k
 * (options.history_words > 0, the n-gram approximation of lattice rescoring: the hidden state after
 * `<s>` and those k words). Histories live in a table owned by the scorer; a state names one by a
 * 32-bit id, so equal histories give equal states. Hidden states are kept in a cache keyed by
 * history (bounded by options.cache_bytes, LRU); a state whose entry was evicted is recomputed from
 * its history, so a state stays valid as long as the scorer, until rlm_scorer_clear_histories.
 *
 * Threads: a scorer (and the models under it) may be used from any number of threads at once:
 * the models are read-only, the history table and the cache take their own locks. A state made by
 * one thread may be used by another. */
#ifndef RLM_SCORER_H
#define RLM_SCORER_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_mix.h"
#include "rlm_model.h"
#include "rlm_ngram.h"
#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RLM_SCORER_MAX_NGRAMS 4 /* fewer than rlm_mix's 31, to keep states small */
#define RLM_SCORER_EOS 0
#define RLM_SCORER_UNK 1
#define RLM_SCORER_MAX_HISTORY_WORDS 256 /* largest options.history_words */

typedef struct rlm_scorer rlm_scorer;

/* A value: copy it with `=`, compare with rlm_scorer_state_equal. Nothing in it is owned. */
typedef struct rlm_scorer_state {
    uint32_t history; /* node of the scorer's history table */
    uint32_t n_ngrams;
    rlm_ngram_state ngram[RLM_SCORER_MAX_NGRAMS]; /* entries past n_ngrams are zero */
} rlm_scorer_state;

typedef struct rlm_scorer_options {
    rlm_mix_spec mix;        /* n_weights = 1 + number of n-grams */
    float oov_log10penalty;  /* added to the score of a word no model knows (default 0) */
    size_t cache_bytes;      /* hidden-state cache limit (default 64 MiB; 0 = no cache) */
    int history_words;       /* k: keep only the last k words of history; 0 = all (default),
                                at most RLM_SCORER_MAX_HISTORY_WORDS */
    int cache_shards;        /* locks of the cache (default 16) */
} rlm_scorer_options;

/* Defaults as above, with mix = linear, weight 1 for the RNN alone. */
RLM_API void rlm_scorer_options_init(rlm_scorer_options *o);

/* A scorer over models the caller keeps alive (and frees after rlm_scorer_free); ngrams may be
 * NULL when n_ngrams is 0. A character-level RNN is scored alone (no n-grams): its "words" are
 * its tokens, single characters and RLM_SPACE_TOKEN (CTC shallow fusion, decoder-glue/rlm_ctc.h). */
RLM_API rlm_status rlm_scorer_new(const rlm_model *rnn, const rlm_ngram *const *ngrams,
                                  int n_ngrams, const rlm_scorer_options *opts, rlm_scorer **out,
                                  rlm_error *err);

/* Files and options in one struct, for decoders that do not link the model API. */
typedef struct rlm_scorer_config {
    const char *rnn_path;           /* an rlm model file */
    const char *const *ngram_paths; /* ARPA (plain, .gz, .xz) or rlm n-gram binaries */
    int n_ngrams;
    const char *mix;        /* "linear:0.5", "loglinear:0.7,0.3" (rlm_mix_spec_parse); NULL =
                               the RNN alone (only without n-grams) */
    float oov_log10penalty;
    size_t cache_bytes;     /* 0 = the default, 64 MiB */
    int history_words;      /* 0 = full history */
} rlm_scorer_config;

/* Loads the files and makes a scorer that owns them. */
RLM_API rlm_status rlm_scorer_open(const rlm_scorer_config *cfg, rlm_scorer **out,
                                   rlm_error *err);
RLM_API void rlm_scorer_free(rlm_scorer *sc);

/* Scorer id of a word (byte length len); RLM_SCORER_UNK when no model knows it. "</s>" and "<s>"
 * give RLM_SCORER_EOS. */
RLM_API int32_t rlm_scorer_word_id(const rlm_scorer *sc, const char *word, size_t len);
RLM_API int32_t rlm_scorer_vocab_size(const rlm_scorer *sc); /* ids are 0 .. size-1 */

/* The state at the start of a sentence (after `<s>`). */
RLM_API void rlm_scorer_begin(const rlm_scorer *sc, rlm_scorer_state *out);
/* log10 of the combined P(word | in); writes the successor to *out (out may equal in). Returns
 * NAN only when memory runs out. */
RLM_API float rlm_scorer_score(const rlm_scorer *sc, const rlm_scorer_state *in, int32_t word,
                               rlm_scorer_state *out);
/* log10 P(</s> | in). */
RLM_API float rlm_scorer_end(const rlm_scorer *sc, const rlm_scorer_state *in);
/* scores[i] = rlm_scorer_score(sc, &ins[i], words[i], &outs[i]) for i < n, with one matrix product
 * per layer for the hidden states missing from the cache and one for the output layer. outs may be
 * ins (in place) or any other array: all inputs are read before an output is written. */
RLM_API void rlm_scorer_score_batch(const rlm_scorer *sc, const rlm_scorer_state *ins,
                                    const int32_t *words, int n, rlm_scorer_state *outs,
                                    float *scores);
/* Total log10 score of n words and `</s>` from the begin state; per_word (may be NULL) receives
 * the n + 1 scores. */
RLM_API double rlm_scorer_score_sentence(const rlm_scorer *sc, const int32_t *words, size_t n,
                                         float *per_word);

/* lm[i] = the log10 score of hypothesis i of one utterance, hyps[i] holding lens[i] scorer ids
 * (no `<s>`, no `</s>`): what rlm_scorer_score_sentence gives it, to float rounding (the batched
 * products sum in another order, about 1e-5 relative), with the same options (mixture, OOV
 * penalty, history_words). Hypotheses share the work of their common prefixes: at each position
 * the distinct (state, word) pairs, one per prefix-tree node, go through one
 * rlm_scorer_score_batch. Each prefix becomes a history of the scorer (see
 * rlm_scorer_clear_histories). RLM_E_NOMEM leaves lm undefined. */
RLM_API rlm_status rlm_scorer_rescore(const rlm_scorer *sc, const int32_t *const *hyps,
                                      const size_t *lens, size_t n, double *lm, rlm_error *err);

/* Equal states have equal futures (same history, within k words when k > 0, and equal n-gram
 * states); equal states have equal hashes. Only states of one scorer compare. */
RLM_API int rlm_scorer_state_equal(const rlm_scorer_state *a, const rlm_scorer_state *b);
RLM_API uint64_t rlm_scorer_state_hash(const rlm_scorer_state *s);

typedef struct rlm_scorer_cache_stats {
    uint64_t hits, misses;  /* hidden-state lookups */
    uint64_t insertions, evictions;
    uint64_t entries, bytes, limit_bytes;
    uint64_t histories;     /* nodes in the history table (about 24 bytes each) */
} rlm_scorer_cache_stats;

RLM_API void rlm_scorer_cache_stats_get(const rlm_scorer *sc, rlm_scorer_cache_stats *out);

/* Forgets every history, so the table stops growing in a long-running decoder: call it between
 * utterances when no thread holds or uses a state of this scorer (every earlier state becomes
 * invalid; the cache is kept, its keys are word sequences). */
RLM_API void rlm_scorer_clear_histories(rlm_scorer *sc);

#ifdef __cplusplus
}
#endif

#endif
