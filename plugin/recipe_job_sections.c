/* The recipe sections of n-gram models and their mixture: ngram, mix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe_sections.h"

/* build: {tool: irstlm, order: N, text: FILE}: the n-gram model is made by a step. */
static rlm_status ngram_build(const recipe_ctx *c, const ynode *n, const char *key,
                              rlm_recipe_ngram *g) {
    static const char *const keys[] = {"tool", "order", "text", NULL};
    static const char *const tools[] = {"irstlm", NULL};
    char k[48];
    const ynode *x;
    int tool;
    int64_t order = 3;
    RECIPE_TRY(recipe_map(c, n, key, keys));
    snprintf(k, sizeof k, "%s.tool", key);
    if (!(x = recipe_find(n, "tool"))) return recipe_at(c, n, key, "missing key \"tool\"");
    RECIPE_TRY(recipe_enum(c, x, k, tools, &tool));
    snprintf(k, sizeof k, "%s.order", key);
    if ((x = recipe_find(n, "order"))) RECIPE_TRY(recipe_int(c, x, k, 1, 10, &order));
    snprintf(k, sizeof k, "%s.text", key);
    if ((x = recipe_find(n, "text"))) RECIPE_TRY(recipe_path(c, x, k, &g->build.text));
    g->build.present = 1, g->build.order = (int)order;
    return RLM_OK;
}

rlm_status recipe_ngrams(const recipe_ctx *c, const ynode *n, rlm_recipe *r) {
    static const char *const keys[] = {"path", "name", "build", NULL};
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
        snprintf(key, sizeof key, "ngram[%d].build", i);
        if ((x = recipe_find(e, "build"))) RECIPE_TRY(ngram_build(c, x, key, g));
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
    m->present = 1, m->line = n->line, m->column = n->column;
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
