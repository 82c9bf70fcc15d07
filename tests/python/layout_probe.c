/* Prints the C layout of the structs the Python binding (decoder-glue/python/rlm.py) mirrors with
 * ctypes, one `struct.field offset` or `struct sizeof N` a line, so test_rlm_binding.py can check
 * every size and offset against rlm.py and a header change fails loudly instead of corrupting
 * memory. Compiled and run by tests/cli/test_python_binding.sh. */
#include <stddef.h>
#include <stdio.h>

#include "rlm_plugin.h"

#define SIZE(T) printf("%s sizeof %zu\n", #T, sizeof(T))
#define FIELD(T, f) printf("%s.%s %zu\n", #T, #f, offsetof(T, f))

int main(void) {
    SIZE(rlm_ngram_state);
    FIELD(rlm_ngram_state, words);
    FIELD(rlm_ngram_state, backoff);
    FIELD(rlm_ngram_state, length);

    SIZE(rlm_scorer_state);
    FIELD(rlm_scorer_state, history);
    FIELD(rlm_scorer_state, n_ngrams);
    FIELD(rlm_scorer_state, ngram);

    SIZE(rlm_scorer_config);
    FIELD(rlm_scorer_config, rnn_path);
    FIELD(rlm_scorer_config, ngram_paths);
    FIELD(rlm_scorer_config, n_ngrams);
    FIELD(rlm_scorer_config, mix);
    FIELD(rlm_scorer_config, oov_log10penalty);
    FIELD(rlm_scorer_config, cache_bytes);
    FIELD(rlm_scorer_config, history_words);

    SIZE(rlm_scorer_cache_stats);
    FIELD(rlm_scorer_cache_stats, hits);
    FIELD(rlm_scorer_cache_stats, misses);
    FIELD(rlm_scorer_cache_stats, insertions);
    FIELD(rlm_scorer_cache_stats, evictions);
    FIELD(rlm_scorer_cache_stats, entries);
    FIELD(rlm_scorer_cache_stats, bytes);
    FIELD(rlm_scorer_cache_stats, limit_bytes);
    FIELD(rlm_scorer_cache_stats, histories);

    typedef struct rlm_api rlm_api;
    printf("RLM_API_VERSION %d\n", RLM_API_VERSION);
    SIZE(rlm_api);
    FIELD(rlm_api, version);
    FIELD(rlm_api, size);
    FIELD(rlm_api, scorer_open);
    FIELD(rlm_api, scorer_open_recipe);
    FIELD(rlm_api, scorer_free);
    FIELD(rlm_api, word_id);
    FIELD(rlm_api, begin);
    FIELD(rlm_api, score);
    FIELD(rlm_api, score_batch);
    FIELD(rlm_api, end);
    FIELD(rlm_api, score_sentence);
    FIELD(rlm_api, state_hash);
    FIELD(rlm_api, state_equal);
    FIELD(rlm_api, cache_stats);
    FIELD(rlm_api, clear_histories);
    FIELD(rlm_api, last_error);
    FIELD(rlm_api, rescore_nbest); /* version 2 */
    return 0;
}
