/* The recipe sections that use language models: ngram, mix, nbest, tune. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe_sections.h"

rlm_status recipe_ngrams(const recipe_ctx *c, const ynode *n, rlm_recipe *r) {
    static const char *const keys[] = {"path", "name", NULL};
    if (n->kind != YNODE_SEQUENCE)
        return recipe_at(c, n, "ngram", "expected a list of {path, name} entries, got %s",
                         recipe_yaml_kind_name(n));
    if (!n->n) return recipe_at(c, n, "ngram", "expected at least one n-gram model");
    if (n->n > RLM_MIX_MAX_MODELS - 1)
        return recipe_at(c, n->item[RLM_MIX_MAX_MODELS - 1], "ngram", "at most %d n-gram models",
                         RLM_MIX_MAX_MODELS - 1);
    for (int i = 0; i < n->n; i++) {
        const ynode *e = n->item[i], *x;
        rlm_recipe_ngram *g = &r->ngram[r->n_ngrams++];
        char key[32];
        snprintf(key, sizeof key, "ngram[%d]", i);
        RECIPE_TRY(recipe_map(c, e, key, keys));
        if (!(x = recipe_find(e, "path"))) return recipe_at(c, e, key, "missing key \"path\"");
        snprintf(key, sizeof key, "ngram[%d].path", i);
        RECIPE_TRY(recipe_path(c, x, key, &g->path));
        snprintf(key, sizeof key, "ngram[%d].name", i);
        if ((x = recipe_find(e, "name"))) {
            RECIPE_TRY(recipe_string(c, x, key, &g->name));
        } else {
            const char *slash = strrchr(g->path.path, '/');
            if (!(g->name = strdup(slash ? slash + 1 : g->path.path)))
                return rlm_fail(c->err, RLM_E_NOMEM, "out of memory");
        }
    }
    return RLM_OK;
}

rlm_status recipe_mix(const recipe_ctx *c, const ynode *n, rlm_recipe_mix *m) {
    static const char *const keys[] = {"kind", "weights", NULL};
    static const char *const kinds[] = {"linear", "loglinear", NULL};
    RECIPE_TRY(recipe_map(c, n, "mix", keys));
    const ynode *x;
    int e;
    m->present = 1;
    if ((x = recipe_find(n, "kind"))) {
        RECIPE_TRY(recipe_enum(c, x, "mix.kind", kinds, &e));
        m->spec.kind = e ? RLM_MIX_LOGLINEAR : RLM_MIX_LINEAR;
    }
    if (!(x = recipe_find(n, "weights"))) return RLM_OK;
    if (x->kind != YNODE_SEQUENCE || !x->n)
        return recipe_at(c, x, "mix.weights", "expected a list of numbers, got %s",
                         x->kind == YNODE_SEQUENCE ? "an empty list" : recipe_yaml_kind_name(x));
    if (x->n > RLM_MIX_MAX_MODELS)
        return recipe_at(c, x, "mix.weights", "at most %d weights", RLM_MIX_MAX_MODELS);
    for (int i = 0; i < x->n; i++) {
        char key[32];
        snprintf(key, sizeof key, "mix.weights[%d]", i);
        RECIPE_TRY(recipe_number(c, x->item[i], key, -1e6, 1e6, 0, "in [-1e6, 1e6]",
                                 &m->spec.weight[i]));
    }
    m->spec.n_weights = x->n;
    return RLM_OK;
}

rlm_status recipe_nbest(const recipe_ctx *c, const ynode *n, rlm_recipe_nbest *b) {
    static const char *const keys[] = {"format", "inputs", "references", "lm_weight", "wip",
                                       "output", NULL};
    static const char *const formats[] = {"kaldi", "srilm", "moses", "pocketsphinx", "tsv", NULL};
    RECIPE_TRY(recipe_map(c, n, "nbest", keys));
    const ynode *x;
    int e;
    b->present = 1;
    if (!(x = recipe_find(n, "format"))) return recipe_at(c, n, "nbest", "missing key \"format\"");
    RECIPE_TRY(recipe_enum(c, x, "nbest.format", formats, &e));
    b->format = (rlm_recipe_nbest_format)e, b->format_name = formats[e];
    if (!(x = recipe_find(n, "inputs"))) return recipe_at(c, n, "nbest", "missing key \"inputs\"");
    if (x->kind != YNODE_SEQUENCE || !x->n)
        return recipe_at(c, x, "nbest.inputs", "expected a list of file names, got %s",
                         x->kind == YNODE_SEQUENCE ? "an empty list" : recipe_yaml_kind_name(x));
    if (!(b->inputs = calloc((size_t)x->n, sizeof *b->inputs)))
        return rlm_fail(c->err, RLM_E_NOMEM, "out of memory");
    for (; b->n_inputs < x->n; b->n_inputs++) {
        char key[32];
        snprintf(key, sizeof key, "nbest.inputs[%d]", b->n_inputs);
        RECIPE_TRY(recipe_path(c, x->item[b->n_inputs], key, &b->inputs[b->n_inputs]));
    }
    if ((x = recipe_find(n, "references")))
        RECIPE_TRY(recipe_path(c, x, "nbest.references", &b->references));
    if ((x = recipe_find(n, "output"))) RECIPE_TRY(recipe_path(c, x, "nbest.output", &b->output));
    if ((x = recipe_find(n, "lm_weight")))
        RECIPE_TRY(recipe_number(c, x, "nbest.lm_weight", -1e6, 1e6, 0, "in [-1e6, 1e6]",
                                 &b->lm_weight));
    if ((x = recipe_find(n, "wip")))
        RECIPE_TRY(recipe_number(c, x, "nbest.wip", -1e6, 1e6, 0, "in [-1e6, 1e6]", &b->wip));
    return RLM_OK;
}

/* [lo, hi, step] with lo <= hi, step > 0 and at most 10000 grid points. */
static rlm_status range(const recipe_ctx *c, const ynode *n, const char *key, rlm_recipe_range *r) {
    if (n->kind != YNODE_SEQUENCE || n->n != 3)
        return recipe_at(c, n, key, "expected [lo, hi, step], got %s",
                         n->kind == YNODE_SEQUENCE ? "a list of another length"
                                                   : recipe_yaml_kind_name(n));
    double *v[3] = {&r->lo, &r->hi, &r->step};
    for (int i = 0; i < 3; i++)
        RECIPE_TRY(recipe_number(c, n->item[i], key, -1e6, 1e6, 0, "in [-1e6, 1e6]", v[i]));
    if (r->hi < r->lo) return recipe_at(c, n, key, "hi %g is below lo %g", r->hi, r->lo);
    if (!(r->step > 0) || (r->hi - r->lo) / r->step > 10000)
        return recipe_at(c, n->item[2], key, "step %g: expected > 0 and at most 10000 points",
                         r->step);
    r->present = 1;
    return RLM_OK;
}

rlm_status recipe_tune(const recipe_ctx *c, const ynode *n, rlm_recipe_tune *t) {
    static const char *const keys[] = {"metric", "lm_weight", "wip", "mix_weight", NULL};
    static const char *const metrics[] = {"wer", "bleu", NULL};
    RECIPE_TRY(recipe_map(c, n, "tune", keys));
    const ynode *x;
    t->present = 1;
    if (!(x = recipe_find(n, "metric"))) return recipe_at(c, n, "tune", "missing key \"metric\"");
    RECIPE_TRY(recipe_enum(c, x, "tune.metric", metrics, &t->bleu));
    if ((x = recipe_find(n, "lm_weight"))) RECIPE_TRY(range(c, x, "tune.lm_weight", &t->lm_weight));
    if ((x = recipe_find(n, "wip"))) RECIPE_TRY(range(c, x, "tune.wip", &t->wip));
    if ((x = recipe_find(n, "mix_weight")))
        RECIPE_TRY(range(c, x, "tune.mix_weight", &t->mix_weight));
    if (!t->lm_weight.present && !t->wip.present && !t->mix_weight.present)
        return recipe_at(c, n, "tune", "nothing to tune: give lm_weight, wip or mix_weight");
    return RLM_OK;
}
