/* Fuzz target: the bytes as a recipe (parsed from memory). A rejected recipe must say where
 * (NAME:LINE:COLUMN or NAME:) and leave nothing allocated; an accepted one must have the
 * invariants the run steps rely on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rlm_recipe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rlm_recipe *r;
    rlm_error err = {0};
    if (rlm_recipe_parse((const char *)data, size, "dir/fuzz.yaml", &r, &err)) {
        if (r || strncmp(err.message, "dir/fuzz.yaml:", 14)) abort();
        return 0;
    }
    if (!r->workdir.path || (r->train.present && (!r->data.train.path || !r->data.valid.path)))
        abort();
    if (r->model.present && !r->model.path.path) abort();
    if (r->mix.spec.n_weights && r->mix.spec.n_weights != r->model.present + r->n_ngrams) abort();
    if (r->n_ngrams >= RLM_MIX_MAX_MODELS || (r->nbest.present && r->nbest.test.n_inputs < 1)) abort();
    if ((r->scorer.present && !r->model.present) || !(r->scorer.cache_mb >= 0) ||
        r->scorer.history_words < 0 || r->scorer.history_words > RLM_SCORER_MAX_HISTORY_WORDS)
        abort();
    rlm_recipe_check_files(r, &err);
    rlm_recipe_free(r);
    return 0;
}
