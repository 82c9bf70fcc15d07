/* The recipe sections of the jobs that use the models: nbest, lattice, tune, spell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe_sections.h"

/* {inputs: [files], references: file} under nbest.dev or nbest.test (and lattice.*, where
 * max_inputs bounds the list: rlm run passes it on one command line). */
static rlm_status nbest_set(const recipe_ctx *c, const ynode *n, const char *key, int max_inputs,
                            rlm_recipe_nbest_set *s) {
    static const char *const keys[] = {"inputs", "references", NULL};
    char k[48];
    const ynode *x;
    RECIPE_TRY(recipe_map(c, n, key, keys));
    s->present = 1;
    if (!(x = recipe_find(n, "inputs"))) return recipe_at(c, n, key, "missing key \"inputs\"");
    snprintf(k, sizeof k, "%s.inputs", key);
    if (x->kind != YNODE_SEQUENCE || !x->n)
        return recipe_at(c, x, k, "expected a list of file names, got %s",
                         x->kind == YNODE_SEQUENCE ? "an empty list" : recipe_yaml_kind_name(x));
    if (max_inputs && x->n > max_inputs)
        return recipe_at(c, x->item[max_inputs], k, "at most %d inputs (give a directory)",
                         max_inputs);
    if (!(s->inputs = calloc((size_t)x->n, sizeof *s->inputs)))
        return rlm_fail(c->err, RLM_E_NOMEM, "out of memory");
    for (; s->n_inputs < x->n; s->n_inputs++) {
        snprintf(k, sizeof k, "%s.inputs[%d]", key, s->n_inputs);
        RECIPE_TRY(recipe_path(c, x->item[s->n_inputs], k, &s->inputs[s->n_inputs]));
    }
    snprintf(k, sizeof k, "%s.references", key);
    if ((x = recipe_find(n, "references"))) RECIPE_TRY(recipe_path(c, x, k, &s->references));
    return RLM_OK;
}

rlm_status recipe_nbest(const recipe_ctx *c, const ynode *n, rlm_recipe_nbest *b) {
    static const char *const keys[] = {"format", "dev", "test", "lm_weight", "wip", NULL};
    static const char *const formats[] = {"kaldi", "srilm", "moses", "pocketsphinx", "tsv", NULL};
    RECIPE_TRY(recipe_map(c, n, "nbest", keys));
    const ynode *x;
    int e;
    b->present = 1;
    if (!(x = recipe_find(n, "format"))) return recipe_at(c, n, "nbest", "missing key \"format\"");
    RECIPE_TRY(recipe_enum(c, x, "nbest.format", formats, &e));
    b->format = (rlm_recipe_nbest_format)e, b->format_name = formats[e];
    if ((x = recipe_find(n, "dev"))) RECIPE_TRY(nbest_set(c, x, "nbest.dev", 0, &b->dev));
    if (!(x = recipe_find(n, "test")))
        return recipe_at(c, n, "nbest", "missing key \"test\" (the lists to rescore)");
    RECIPE_TRY(nbest_set(c, x, "nbest.test", 0, &b->test));
    if ((x = recipe_find(n, "lm_weight")))
        RECIPE_TRY(recipe_number(c, x, "nbest.lm_weight", -1e6, 1e6, 0, "in [-1e6, 1e6]",
                                 &b->lm_weight));
    if ((x = recipe_find(n, "wip")))
        RECIPE_TRY(recipe_number(c, x, "nbest.wip", -1e6, 1e6, 0, "in [-1e6, 1e6]", &b->wip));
    return RLM_OK;
}

/* Keys are rlm lattice's option names (with _); tune, nbest, lm_weight and wip say how the
 * weights are tuned (rlm_recipe.h). */
rlm_status recipe_lattice(const recipe_ctx *c, const ynode *n, rlm_recipe_lattice *l) {
    static const char *const keys[] = {"format", "dev", "test", "history", "beam", "max_arcs",
                                       "threads", "tune", "nbest", "lm_weight", "wip",
                                       "oov_penalty", NULL};
    static const char *const formats[] = {"slf", "kaldi", "fst", "fst-text", NULL};
    RECIPE_TRY(recipe_map(c, n, "lattice", keys));
    const ynode *x;
    int e;
    int64_t i;
    l->present = 1;
    if (!(x = recipe_find(n, "format")))
        return recipe_at(c, n, "lattice", "missing key \"format\"");
    RECIPE_TRY(recipe_enum(c, x, "lattice.format", formats, &e));
    l->format_name = formats[e];
    if ((x = recipe_find(n, "dev")))
        RECIPE_TRY(nbest_set(c, x, "lattice.dev", RLM_RECIPE_MAX_LATTICE_INPUTS, &l->dev));
    if (!(x = recipe_find(n, "test")))
        return recipe_at(c, n, "lattice", "missing key \"test\" (the lattices to rescore)");
    RECIPE_TRY(nbest_set(c, x, "lattice.test", RLM_RECIPE_MAX_LATTICE_INPUTS, &l->test));
    if ((x = recipe_find(n, "history"))) {
        RECIPE_TRY(recipe_int(c, x, "lattice.history", 0, RLM_SCORER_MAX_HISTORY_WORDS, &i));
        l->history = (int)i;
    }
    if ((x = recipe_find(n, "beam")))
        RECIPE_TRY(recipe_number(c, x, "lattice.beam", 0, 1e6, RECIPE_LO_OPEN, "in (0, 1e6]",
                                 &l->beam));
    if ((x = recipe_find(n, "max_arcs"))) {
        RECIPE_TRY(recipe_int(c, x, "lattice.max_arcs", 0, INT64_C(1) << 40, &i));
        l->max_arcs = (long long)i;
    }
    if ((x = recipe_find(n, "threads"))) {
        RECIPE_TRY(recipe_int(c, x, "lattice.threads", 1, 256, &i));
        l->threads = (int)i;
    }
    l->tune = l->dev.present;
    if ((x = recipe_find(n, "tune"))) RECIPE_TRY(recipe_bool(c, x, "lattice.tune", &l->tune));
    if ((x = recipe_find(n, "nbest"))) {
        RECIPE_TRY(recipe_int(c, x, "lattice.nbest", 1, 100000, &i));
        l->nbest = (int)i;
    }
    if ((x = recipe_find(n, "lm_weight")))
        RECIPE_TRY(recipe_number(c, x, "lattice.lm_weight", 0, 1e6, RECIPE_LO_OPEN,
                                 "in (0, 1e6]", &l->lm_weight));
    if ((x = recipe_find(n, "wip")))
        RECIPE_TRY(recipe_number(c, x, "lattice.wip", -1e6, 1e6, 0, "in [-1e6, 1e6]", &l->wip));
    if ((x = recipe_find(n, "oov_penalty")))
        RECIPE_TRY(recipe_number(c, x, "lattice.oov_penalty", -1e6, 1e6, 0, "in [-1e6, 1e6]",
                                 &l->oov_penalty));
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

/* Keys are rlm spell's option names (with _). */
rlm_status recipe_spell(const recipe_ctx *c, const ynode *n, rlm_recipe_spell *s) {
    static const char *const keys[] = {"input", "references", "dict", "beam", "max_cands",
                                       "oov_penalty", "output", NULL};
    RECIPE_TRY(recipe_map(c, n, "spell", keys));
    const ynode *x;
    int64_t i;
    s->present = 1;
    if (!(x = recipe_find(n, "input")))
        return recipe_at(c, n, "spell", "missing key \"input\" (the sentences to correct)");
    RECIPE_TRY(recipe_path(c, x, "spell.input", &s->input));
    if ((x = recipe_find(n, "references")))
        RECIPE_TRY(recipe_path(c, x, "spell.references", &s->references));
    if ((x = recipe_find(n, "output"))) RECIPE_TRY(recipe_path(c, x, "spell.output", &s->output));
    if ((x = recipe_find(n, "dict"))) RECIPE_TRY(recipe_string(c, x, "spell.dict", &s->dict));
    if ((x = recipe_find(n, "beam"))) {
        RECIPE_TRY(recipe_int(c, x, "spell.beam", 1, 1000000, &i));
        s->beam = (int)i;
    }
    if ((x = recipe_find(n, "max_cands"))) {
        RECIPE_TRY(recipe_int(c, x, "spell.max_cands", 1, 1000, &i));
        s->max_cands = (int)i;
    }
    if ((x = recipe_find(n, "oov_penalty")))
        RECIPE_TRY(recipe_number(c, x, "spell.oov_penalty", -1e6, 1e6, 0, "in [-1e6, 1e6]",
                                 &s->oov_penalty));
    return RLM_OK;
}
