/* One reader per top-level section of a recipe (internal; recipe_parse.c calls them). Each
 * checks its keys, types and ranges, and fills its part of the recipe. */
#ifndef RLM_RECIPE_SECTIONS_H
#define RLM_RECIPE_SECTIONS_H

#include "recipe_values.h"

rlm_status recipe_data(const recipe_ctx *c, const ynode *n, rlm_recipe_data *d);
rlm_status recipe_vocab(const recipe_ctx *c, const ynode *n, rlm_recipe_vocab *v);
rlm_status recipe_model(const recipe_ctx *c, const ynode *n, rlm_recipe_model *m);
rlm_status recipe_train(const recipe_ctx *c, const ynode *n, rlm_recipe_train *t);
rlm_status recipe_ngrams(const recipe_ctx *c, const ynode *n, rlm_recipe *r);
rlm_status recipe_mix(const recipe_ctx *c, const ynode *n, rlm_recipe_mix *m);
rlm_status recipe_scorer(const recipe_ctx *c, const ynode *n, rlm_recipe_scorer *s);
rlm_status recipe_nbest(const recipe_ctx *c, const ynode *n, rlm_recipe_nbest *b);
rlm_status recipe_lattice(const recipe_ctx *c, const ynode *n, rlm_recipe_lattice *l);
rlm_status recipe_tune(const recipe_ctx *c, const ynode *n, rlm_recipe_tune *t);
rlm_status recipe_spell(const recipe_ctx *c, const ynode *n, rlm_recipe_spell *s);

#define RECIPE_TRY(x)                  \
    do {                               \
        rlm_status recipe_s_ = (x);    \
        if (recipe_s_) return recipe_s_; \
    } while (0)

#endif
