/* rlm_scorer_rescore: the hypotheses of one utterance advance position by position; the distinct
 * (state, word) pairs of a position, which are the prefix-tree nodes of that depth, go through one
 * rlm_scorer_score_batch, so a shared prefix is scored once and every score takes the scorer's
 * one path (cache, mixture, OOV penalty, history_words). */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "rlm_scorer.h"

#define NO_PAIR SIZE_MAX

rlm_status rlm_scorer_rescore(const rlm_scorer *sc, const int32_t *const *hyps,
                              const size_t *lens, size_t n, double *lm, rlm_error *err) {
    if (!n) return RLM_OK;
    if (n > INT_MAX) return rlm_fail(err, RLM_E_ARG, "rescore: %zu hypotheses, at most %d", n, INT_MAX);
    size_t max_len = 0, slots = 16;
    for (size_t i = 0; i < n; i++)
        if (lens[i] > max_len) max_len = lens[i];
    while (slots < 2 * n) slots *= 2;
    rlm_scorer_state *state = malloc(n * sizeof *state), *ins = malloc(n * sizeof *ins);
    rlm_scorer_state *outs = malloc(n * sizeof *outs);
    int32_t *words = malloc(n * sizeof *words);
    float *scores = malloc(n * sizeof *scores);
    size_t *pair = malloc(n * sizeof *pair), *slot = malloc(slots * sizeof *slot);
    rlm_status st = state && ins && outs && words && scores && pair && slot ? RLM_OK : RLM_E_NOMEM;
    for (size_t i = 0; !st && i < n; i++) rlm_scorer_begin(sc, &state[i]), lm[i] = 0;
    for (size_t d = 0; !st && d <= max_len; d++) { /* position d of every hypothesis, `</s>` last */
        size_t m = 0;
        for (size_t s = 0; s < slots; s++) slot[s] = NO_PAIR;
        for (size_t i = 0; i < n; i++) {
            if (lens[i] < d) continue;
            const int32_t w = d < lens[i] ? hyps[i][d] : RLM_SCORER_EOS;
            size_t s = (size_t)(rlm_scorer_state_hash(&state[i]) ^
                                (uint64_t)(uint32_t)w * 0x9e3779b97f4a7c15u) & (slots - 1);
            while (slot[s] != NO_PAIR &&
                   !(words[slot[s]] == w && rlm_scorer_state_equal(&ins[slot[s]], &state[i])))
                s = (s + 1) & (slots - 1);
            if (slot[s] == NO_PAIR) slot[s] = m, ins[m] = state[i], words[m++] = w;
            pair[i] = slot[s];
        }
        rlm_scorer_score_batch(sc, ins, words, (int)m, outs, scores);
        for (size_t k = 0; k < m; k++)
            if (isnan(scores[k])) st = RLM_E_NOMEM; /* the scorer's only failure */
        for (size_t i = 0; !st && i < n; i++)
            if (lens[i] >= d) lm[i] += scores[pair[i]], state[i] = outs[pair[i]];
    }
    free(slot), free(pair), free(scores), free(words), free(outs), free(ins), free(state);
    return st ? rlm_fail(err, st, "rescore: out of memory") : RLM_OK;
}
