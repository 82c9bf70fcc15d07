/* The plugin ABI for decoders: one entry point, rlm_get_api(version), returns a table of function
 * pointers (in the manner of sqlite3_api_routines and redismodule.h), so a decoder can dlopen
 * librlm.so and look up a single symbol.
 *
 * Versioning: fields are only ever appended, never moved, removed or changed in type. A table of
 * version N serves every caller asking for 1..N (the same table: a caller built against version
 * v's header reads only the fields of 1..v, which sit where they always did); rlm_get_api returns
 * NULL for a version this library cannot serve (0, negative, or newer than RLM_API_VERSION), and
 * rlm_get_api_reason() then says why. `size` is sizeof the table the library has, so a caller
 * can check a field exists with RLM_API_HAS(api, field).
 *   version 1: open (config struct or recipe), word ids, begin/score/batch/end/sentence, state
 *              hash and equality, cache statistics, clear histories, free, last error
 *   version 2: rescore_nbest
 *
 * Log base: every score is log10 (see rlm_scorer.h for the state API, word ids and threads).
 * Errors: functions returning rlm_status keep the message for the calling thread, read with
 * last_error(). */
#ifndef RLM_PLUGIN_H
#define RLM_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_scorer.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RLM_API_VERSION 2

struct rlm_api {
    int version;  /* RLM_API_VERSION of the library */
    size_t size;  /* sizeof(struct rlm_api) in the library */
    /* version 1 */
    rlm_status (*scorer_open)(const rlm_scorer_config *cfg, rlm_scorer **out);
    /* The scorer a YAML recipe describes (rlm_recipe_open_scorer: model, ngram, mix and scorer
     * sections); errors name the recipe's file:line:column and key. */
    rlm_status (*scorer_open_recipe)(const char *recipe_path, rlm_scorer **out);
    void (*scorer_free)(rlm_scorer *sc);
    int32_t (*word_id)(const rlm_scorer *sc, const char *word, size_t len);
    void (*begin)(const rlm_scorer *sc, rlm_scorer_state *out);
    float (*score)(const rlm_scorer *sc, const rlm_scorer_state *in, int32_t word,
                   rlm_scorer_state *out);
    void (*score_batch)(const rlm_scorer *sc, const rlm_scorer_state *ins, const int32_t *words,
                        int n, rlm_scorer_state *outs, float *scores);
    float (*end)(const rlm_scorer *sc, const rlm_scorer_state *in);
    double (*score_sentence)(const rlm_scorer *sc, const int32_t *words, size_t n,
                             float *per_word);
    uint64_t (*state_hash)(const rlm_scorer_state *s);
    int (*state_equal)(const rlm_scorer_state *a, const rlm_scorer_state *b);
    void (*cache_stats)(const rlm_scorer *sc, rlm_scorer_cache_stats *out);
    void (*clear_histories)(rlm_scorer *sc);
    const char *(*last_error)(void); /* the calling thread's last failure message, or "" */
    /* version 2 */
    /* An utterance's n hypotheses, hyps[i] holding lens[i] word ids (no <s>, no </s>): lm[i] =
     * the log10 score_sentence gives it (to float rounding), shared prefixes scored once, each
     * position's distinct prefixes in one batch (rlm_scorer_rescore). Histories stay in the scorer
     * until clear_histories. */
    rlm_status (*rescore_nbest)(const rlm_scorer *sc, const int32_t *const *hyps,
                                const size_t *lens, size_t n, double *lm);
};

/* 1 when the table api (from any library version) has the field. */
#define RLM_API_HAS(api, field)                                                                  \
    ((api)->size >= offsetof(struct rlm_api, field) + sizeof((api)->field))

/* The function table for `version`, or NULL (see rlm_get_api_reason). */
RLM_API const struct rlm_api *rlm_get_api(int version);
/* Why the calling thread's last rlm_get_api returned NULL ("" after a success). */
RLM_API const char *rlm_get_api_reason(void);

/* The entry point's type, for dlsym: (rlm_get_api_fn)dlsym(lib, "rlm_get_api"). */
typedef const struct rlm_api *(*rlm_get_api_fn)(int version);

#ifdef __cplusplus
}
#endif

#endif
