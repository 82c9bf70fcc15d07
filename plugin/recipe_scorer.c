/* The recipe's scorer: the scorer: section (rlm_scorer_options by their recipe names) and
 * rlm_recipe_open_scorer, which loads the recipe's models into a scorer for a decoder. */
#include <stdio.h>
#include <string.h>

#include "recipe_sections.h"
#include "scorer_own.h"

rlm_status recipe_scorer(const recipe_ctx *c, const ynode *n, rlm_recipe_scorer *s) {
    static const char *const keys[] = {"cache_mb", "history_words", "oov_penalty", NULL};
    RECIPE_TRY(recipe_map(c, n, "scorer", keys));
    const ynode *x;
    int64_t i;
    s->present = 1;
    if ((x = recipe_find(n, "cache_mb")))
        RECIPE_TRY(recipe_number(c, x, "scorer.cache_mb", 0, 1 << 20, 0, "in [0, 1048576]",
                                 &s->cache_mb));
    if ((x = recipe_find(n, "history_words"))) {
        RECIPE_TRY(recipe_int(c, x, "scorer.history_words", 0, RLM_SCORER_MAX_HISTORY_WORDS, &i));
        s->history_words = (int)i;
    }
    if ((x = recipe_find(n, "oov_penalty")))
        RECIPE_TRY(recipe_number(c, x, "scorer.oov_penalty", -1e6, 1e6, 0, "in [-1e6, 1e6]",
                                 &s->oov_penalty));
    return RLM_OK;
}

/* The loader's message e after the file's place in the recipe and its key. */
static rlm_status load_error(const rlm_recipe *r, const rlm_recipe_file *f, const char *key,
                             const rlm_error *e, rlm_error *err) {
    if (!f->line) /* a default path (model.bin in the workdir) has no place in the recipe */
        return rlm_fail(err, e->status, "%s: %s: %s", r->source, key, e->message);
    return rlm_fail(err, e->status, "%s:%d:%d: %s: %s", r->source, f->line, f->column, key,
                    e->message);
}

rlm_status rlm_recipe_open_scorer(const rlm_recipe *r, rlm_scorer **out, rlm_error *err) {
    *out = NULL;
    if (!r->model.present)
        return rlm_fail(err, RLM_E_FORMAT, "%s:1:1: model: the scorer needs an RNN: add a model: "
                        "section with its path", r->source);
    if (r->n_ngrams > RLM_SCORER_MAX_NGRAMS) {
        const rlm_recipe_file *f = &r->ngram[RLM_SCORER_MAX_NGRAMS].path;
        return rlm_fail(err, RLM_E_FORMAT, "%s:%d:%d: ngram: %d n-gram models; the scorer "
                        "combines at most %d", r->source, f->line, f->column, r->n_ngrams,
                        RLM_SCORER_MAX_NGRAMS);
    }
    rlm_scorer_options o;
    rlm_scorer_options_init(&o);
    if (r->n_ngrams) {
        if (!r->mix.spec.n_weights)
            return rlm_fail(err, RLM_E_FORMAT, "%s:%d:%d: mix: the scorer needs the weights "
                            "written out (mix.weights); EM weights are estimated by `rlm run` "
                            "(see its report), not here", r->source, r->mix.line, r->mix.column);
        o.mix = r->mix.spec;
    }
    o.cache_bytes = (size_t)(r->scorer.cache_mb * (1 << 20));
    o.history_words = r->scorer.history_words;
    o.oov_log10penalty = (float)r->scorer.oov_penalty;
    rlm_error e = {0};
    rlm_model *rnn = NULL;
    rlm_ngram *ng[RLM_SCORER_MAX_NGRAMS] = {0};
    if (rlm_model_load(r->model.path.path, &rnn, &e))
        return load_error(r, &r->model.path, "model.path", &e, err);
    for (int j = 0; j < r->n_ngrams; j++)
        if (rlm_ngram_open(r->ngram[j].path.path, NULL, &ng[j], &e)) {
            char key[32];
            snprintf(key, sizeof key, "ngram[%d].path", j);
            rlm_model_free(rnn);
            for (int k = 0; k < j; k++) rlm_ngram_close(ng[k]);
            return load_error(r, &r->ngram[j].path, key, &e, err);
        }
    /* the options are checked by the parser, so what fails here is the model (or memory) */
    if (scorer_new_owning(rnn, ng, r->n_ngrams, &o, out, &e))
        return load_error(r, &r->model.path, "model.path", &e, err);
    return RLM_OK;
}
