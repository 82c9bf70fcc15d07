/* The versioned function table of rlm_plugin.h. Messages are kept per thread, so threads opening
 * scorers at once read their own. */
#include <stdio.h>
#include <string.h>

#include "rlm_plugin.h"
#include "rlm_recipe.h"

static _Thread_local rlm_error last;
static _Thread_local char reason[160];

static rlm_status scorer_open(const rlm_scorer_config *cfg, rlm_scorer **out) {
    last.message[0] = '\0';
    return rlm_scorer_open(cfg, out, &last);
}

static rlm_status scorer_open_recipe(const char *recipe_path, rlm_scorer **out) {
    *out = NULL;
    last.message[0] = '\0';
    if (!recipe_path) return rlm_fail(&last, RLM_E_ARG, "scorer_open_recipe: no recipe path");
    rlm_recipe *r;
    rlm_status st = rlm_recipe_load(recipe_path, &r, &last);
    if (st) return st;
    st = rlm_recipe_open_scorer(r, out, &last);
    rlm_recipe_free(r);
    return st;
}

static rlm_status rescore_nbest(const rlm_scorer *sc, const int32_t *const *hyps,
                                const size_t *lens, size_t n, double *lm) {
    last.message[0] = '\0';
    return rlm_scorer_rescore(sc, hyps, lens, n, lm, &last);
}

static const char *last_error(void) { return last.message; }

static const struct rlm_api api = {
    .version = RLM_API_VERSION,
    .size = sizeof(struct rlm_api),
    .scorer_open = scorer_open,
    .scorer_open_recipe = scorer_open_recipe,
    .scorer_free = rlm_scorer_free,
    .word_id = rlm_scorer_word_id,
    .begin = rlm_scorer_begin,
    .score = rlm_scorer_score,
    .score_batch = rlm_scorer_score_batch,
    .end = rlm_scorer_end,
    .score_sentence = rlm_scorer_score_sentence,
    .state_hash = rlm_scorer_state_hash,
    .state_equal = rlm_scorer_state_equal,
    .cache_stats = rlm_scorer_cache_stats_get,
    .clear_histories = rlm_scorer_clear_histories,
    .last_error = last_error,
    .rescore_nbest = rescore_nbest,
};

const struct rlm_api *rlm_get_api(int version) {
    if (version < 1 || version > RLM_API_VERSION) {
        snprintf(reason, sizeof reason,
                 "rlm_get_api: version %d requested; this library serves versions 1 to %d",
                 version, RLM_API_VERSION);
        return NULL;
    }
    reason[0] = '\0';
    return &api;
}

const char *rlm_get_api_reason(void) { return reason; }
