/* Lattice rescoring with the scorer (rlm_scorer.h): expand a word lattice (decoder-glue's
 * rlm_lattice.h) with the scorer's LM states, give every arc the new LM score, and read the best
 * paths off the result.
 *
 * Log base: every score is log10 (higher is better), as in rlm_lattice.h and rlm_scorer.h.
 *
 * Path score, the same shape as `rlm nbest` / `rlm tune` (total = base + W * lm + P * words with
 * --replace-lm), with the decoder's LM score optionally kept in part:
 *     total = A * ac + W * new_lm + K * old_lm + P * words
 * summed over a path's arcs and its final state: A = ac_scale, W = lm_weight, K = old_lm_weight
 * (0 = the decoder's LM score is removed, the default; 1 = kept whole), P = wip, words = the
 * path's LM words. new_lm is the scorer's log10 P(word | history) of each LM word and
 * log10 P(</s> | history) at the final state.
 *
 * LM words: an arc whose label is RLM_SYMBOL_EPS or a non-word (the `nonwords` set) has no LM
 * score, does not change the history and does not count as a word; its ac and old lm still count.
 * A non-word entry is a word ("<sil>") or a pattern with one '*' ("[*]" matches "[NOISE]",
 * "+*+" matches "+BREATH+"). A pronunciation variant "word(2)" is scored as "word".
 *
 * Expansion: states of the output are pairs (input state, scorer state). Two paths reaching one
 * input state merge when their scorer states are equal, that is when they share the last k words
 * (the scorer's options.history_words; 0 = the whole history, which never merges two different
 * word sequences) and their n-gram states. With no beam and no arc limit the output holds every
 * input path from the start to a final state, each with its exact score under the scorer: for
 * k = 0 the score rlm_scorer_score_sentence gives its words. Non-deterministic input (two arcs with
 * one word from one state) gives parallel arcs; input states that reach no final state are
 * dropped, and so is every output state that reaches no final state.
 *
 * Order and batching: the input states are grouped in layers by their longest distance (in arcs)
 * from the start, so no arc joins two states of one layer; the layers are expanded in order, and
 * every (scorer state, word) pair leaving the kept output states of one layer, `</s>` of its final
 * states included, goes through one rlm_scorer_score_batch (in chunks of 4096 pairs, which bounds
 * the scorer's scratch memory).
 *
 * Pruning, at each layer, before its states are expanded. Each output state q = (s, h) gets the
 * estimate alpha(q) + beta(s): alpha is the best total of a path from the start to q in the output
 * (Viterbi, with the new scores), beta the best completion from s in the input lattice with the
 * decoder's LM score standing in for the new one ((W + K) * old_lm). States whose estimate is
 * below the layer's best estimate minus `beam` are not expanded. Then the survivors, best estimate
 * first, are expanded while the arcs made so far plus theirs stay within max_arcs; the layer's
 * best is always expanded, so a complete path always survives and the output has at most
 * max_arcs + (input arcs) arcs before trimming. The estimate is a heuristic (the new LM may score a
 * path better than the old one did), so a beam can lose the best path; a path whose states all
 * survive keeps its exact score. */
#ifndef RLM_LATTICE_RESCORE_H
#define RLM_LATTICE_RESCORE_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_lattice.h"
#include "rlm_scorer.h"
#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The non-words by default: "<s>", "</s>", "<sil>", "!NULL", "!SENT_START", "!SENT_END",
 * "[*]", "+*+" (NULL-terminated). */
RLM_API extern const char *const rlm_lattice_default_nonwords[];

/* 1 when `word` is in the set (n entries; nonwords NULL = the default set). */
RLM_API int rlm_lattice_is_nonword(const char *word, const char *const *nonwords, int n);

/* The length of word without a pronunciation-variant suffix "(digits)": "the(2)" -> 3. */
RLM_API size_t rlm_lattice_word_length(const char *word);

/* How a path is scored when reading paths off a lattice: A * ac + lm_scale * lm + P * words. */
typedef struct rlm_lattice_weights {
    double ac_scale;              /* A, default 1 */
    double lm_scale;              /* default 1 */
    double wip;                   /* P per LM word, default 0 */
    const char *const *nonwords;  /* NULL = rlm_lattice_default_nonwords */
    int n_nonwords;
} rlm_lattice_weights;

typedef struct rlm_lattice_rescore_options {
    double ac_scale;      /* A, default 1 */
    double lm_weight;     /* W, default 1 */
    double old_lm_weight; /* K, default 0 */
    double wip;           /* P, default 0 */
    double beam;          /* log10, > 0; default INFINITY (no pruning) */
    size_t max_arcs;      /* 0 = no limit (default) */
    const char *const *nonwords; /* NULL = rlm_lattice_default_nonwords */
    int n_nonwords;
} rlm_lattice_rescore_options;

RLM_API void rlm_lattice_rescore_options_init(rlm_lattice_rescore_options *o);
RLM_API void rlm_lattice_weights_init(rlm_lattice_weights *w);

typedef struct rlm_lattice_rescore_stats {
    uint64_t expanded_states, expanded_arcs; /* made during the expansion, before trimming */
    uint64_t pruned_beam, pruned_arcs;       /* output states not expanded: beam, max_arcs */
    uint64_t lm_queries, batches;            /* (state, word) pairs scored, score_batch calls */
    uint64_t out_states, out_arcs;
} rlm_lattice_rescore_stats;

/* Expands `in` (arcs get sorted) into a new lattice *out over the same symbol table, in
 * topological order. Each output arc keeps its input arc's word, ilabel, ac and transition ids,
 * and gets lm = W * new_lm + K * old_lm; final states keep final_ac and get final_lm =
 * W * log10 P(</s> | h) + K * old final_lm; times are kept. So its paths total A * ac + lm +
 * P * words, which is what rlm_lattice_nbest with lm_scale 1 ranks by. An input with no path to
 * a final state gives an output with a start state and nothing else. Errors: RLM_E_FORMAT for a
 * cycle or a missing start (naming the utterance), RLM_E_ARG for options, RLM_E_NOMEM. The scorer
 * gains histories (rlm_scorer_clear_histories between lattices in a long run). stats may be
 * NULL. */
RLM_API rlm_status rlm_lattice_rescore(const rlm_scorer *sc, rlm_lattice *in,
                                       const rlm_lattice_rescore_options *o, rlm_lattice **out,
                                       rlm_lattice_rescore_stats *stats, rlm_error *err);

/* One path from the start to a final state: its arcs (indices into lat->arcs, in order) and its
 * sums; ac and lm include the final state's scores. */
typedef struct rlm_lattice_path {
    double total, ac, lm;
    int32_t n_words;   /* LM words */
    size_t first, n;   /* arcs paths->arcs[first .. first + n) */
} rlm_lattice_path;

typedef struct rlm_lattice_paths {
    rlm_lattice_path *path; /* best first */
    size_t n;
    size_t *arcs;
} rlm_lattice_paths;

/* The n best paths of an acyclic lattice (arcs get sorted), exactly: every state keeps its n best
 * (score, back pointer) pairs, states in topological order. Ties: among equal totals the path
 * found first wins (states in topological order, a state's arcs in their order, then its own
 * ranks), so the result does not depend on memory layout. Fewer than n when the lattice has
 * fewer paths; none when no final state is reachable. Free with rlm_lattice_paths_free. */
RLM_API rlm_status rlm_lattice_nbest(rlm_lattice *lat, const rlm_lattice_weights *w, size_t n,
                                     rlm_lattice_paths *out, rlm_error *err);
RLM_API void rlm_lattice_paths_free(rlm_lattice_paths *p);

#ifdef __cplusplus
}
#endif

#endif
