/* rlm_recipe_parse / _load / _free: the top level of a recipe, its defaults, and the rules that
 * tie sections together (a step that needs another section says which). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe_sections.h"

static const char *const top_keys[] = {"workdir", "data", "vocab", "model", "train", "ngram",
                                       "mix", "scorer", "nbest", "lattice", "tune", "spell",
                                       "report", NULL};

static void defaults(rlm_recipe *r) {
    r->vocab.opt = rlm_vocab_default_options();
    r->model.cfg = rlm_model_default_config();
    r->train.opt = rlm_train_default_options();
    r->train.opt.learning_rate = NAN; /* rlm train's default for the cell and optimizer */
    r->train.resume = 1;
    r->mix.spec.kind = RLM_MIX_LINEAR;
    r->nbest.lm_weight = 1;
    r->lattice.history = 3, r->lattice.threads = 1, r->lattice.nbest = 100;
    r->lattice.lm_weight = 10; /* near pocketsphinx's own LM scale, as a start for tuning */
    r->scorer.cache_mb = 64; /* rlm_scorer_options_init's cache */
}

/* The shortest %g form of x that reads back as x, so messages show the numbers as written. */
static int shortest(char *buf, size_t cap, double x) {
    int n = 0;
    for (int p = 6; p <= 17; p++)
        if ((n = snprintf(buf, cap, "%.*g", p, x)) >= 0 && strtod(buf, NULL) == x) break;
    return n;
}

/* The mix weights, checked by the same parser as rlm eval's --mix. */
static rlm_status check_mix_weights(const recipe_ctx *c, const ynode *n, rlm_recipe_mix *m,
                                    int n_models) {
    char text[RLM_MIX_MAX_MODELS * 26 + 16];
    size_t len = (size_t)snprintf(text, sizeof text, "%s:",
                                  m->spec.kind == RLM_MIX_LINEAR ? "linear" : "loglinear");
    for (int i = 0; i < m->spec.n_weights; i++) {
        if (i) text[len++] = ',';
        len += (size_t)shortest(text + len, sizeof text - len, m->spec.weight[i]);
    }
    if (m->spec.n_weights != n_models)
        return recipe_at(c, n, "mix.weights", "%d weights for %d models (the RNN first, then each "
                         "n-gram)", m->spec.n_weights, n_models);
    rlm_error e;
    if (rlm_mix_spec_parse(text, n_models, "mix.weights", &m->spec, &e))
        return rlm_fail(c->err, RLM_E_FORMAT, "%s:%d:%d: %s", c->name, n->line, n->column,
                        e.message);
    return RLM_OK;
}

/* Rules between sections, and the defaults that depend on other sections. */
static rlm_status cross_check(const recipe_ctx *c, const ynode *root, rlm_recipe *r) {
    const ynode *x;
    if ((x = recipe_find(root, "train"))) {
        if (!r->data.train.path || !r->data.valid.path)
            return recipe_at(c, x, "train", "needs data.train and data.valid (or data.kjv)");
        r->model.present = 1; /* the defaults when there is no model section */
    }
    if (r->model.present && !r->model.path.path) {
        if (!r->train.present)
            return recipe_at(c, recipe_find(root, "model"), "model",
                             "give path (the model to read), or a train: section to make one");
        if (!(r->model.path.path = recipe_join(r->workdir.path, "model.bin")))
            return rlm_fail(c->err, RLM_E_NOMEM, "out of memory");
    }
    if ((x = recipe_find(root, "vocab")) && !r->train.present && !r->vocab.path.path)
        return recipe_at(c, x, "vocab", "nothing to do: give path (a vocabulary file to build) or "
                         "a train: section that uses it");
    const int n_models = r->model.present + r->n_ngrams;
    if ((x = recipe_find(root, "mix"))) {
        if (n_models < 2)
            return recipe_at(c, x, "mix", "a mixture needs at least two models (model: and "
                             "ngram:), this recipe has %d", n_models);
        const ynode *w = recipe_find(x, "weights");
        if (w) RECIPE_TRY(check_mix_weights(c, w, &r->mix, n_models));
        else if (r->mix.spec.kind != RLM_MIX_LINEAR)
            return recipe_at(c, x, "mix", "a log-linear mixture needs weights (EM estimates "
                             "linear weights only)");
        else if (!r->data.valid.path)
            return recipe_at(c, x, "mix", "no weights: they are estimated by EM on data.valid, "
                             "which the recipe does not give");
    } else if (n_models > 1) {
        return recipe_at(c, recipe_find(root, "ngram"), "ngram", "%d models: add a mix: section "
                         "to say how to combine them", n_models);
    }
    if ((x = recipe_find(root, "scorer")) && !r->model.present)
        return recipe_at(c, x, "scorer", "needs a model (model:): the scorer is an RNN, with the "
                         "n-grams and mix it may add");
    if ((x = recipe_find(root, "nbest")) && !n_models)
        return recipe_at(c, x, "nbest", "needs a model (model:) or n-gram models (ngram:) to "
                         "rescore with");
    for (int i = 0; i < r->n_ngrams; i++)
        if (r->ngram[i].build.present && !r->ngram[i].build.text.path && !r->data.train.path) {
            const ynode *g = recipe_find(root, "ngram");
            char key[32];
            snprintf(key, sizeof key, "ngram[%d].build", i);
            return recipe_at(c, recipe_find(g->item[i], "build"), key,
                             "give text (the training text), or data.train");
        }
    if ((x = recipe_find(root, "lattice"))) {
        const ynode *t = recipe_find(x, "tune");
        if (!r->model.present)
            return recipe_at(c, x, "lattice", "needs a model (model:): rlm lattice scores with an "
                             "RNN (and the n-grams and mix)");
        if (r->lattice.tune && !r->tune.present)
            return recipe_at(c, t ? t : x, "lattice.tune", "needs a tune: section (its metric and "
                             "grids)");
        if (r->lattice.tune && !r->lattice.dev.references.path)
            return recipe_at(c, t ? t : x, "lattice.tune", "needs lattice.dev with inputs and "
                             "references (the lattices to tune on)");
    }
    if ((x = recipe_find(root, "tune"))) {
        if (!r->nbest.present && !r->lattice.present)
            return recipe_at(c, x, "tune", "needs an nbest: or lattice: section (what to tune "
                             "on)");
        if (r->nbest.present && !r->nbest.dev.references.path)
            return recipe_at(c, x, "tune", "needs nbest.dev with inputs and references (the "
                             "lists to tune on)");
        if (r->tune.mix_weight.present && !r->mix.present)
            return recipe_at(c, recipe_find(x, "mix_weight"), "tune.mix_weight",
                             "needs a mix: section");
    }
    if ((x = recipe_find(root, "spell"))) {
        if (!r->model.present)
            return recipe_at(c, x, "spell", "needs a model (model:): rlm spell ranks the "
                             "candidates with an RNN");
        if (!r->spell.output.path &&
            !(r->spell.output.path = recipe_join(r->workdir.path, "spell.out.txt")))
            return rlm_fail(c->err, RLM_E_NOMEM, "out of memory");
    }
    return RLM_OK;
}

static rlm_status parse_tree(const recipe_ctx *c, const ynode *root, rlm_recipe *r) {
    if (!root) return rlm_fail(c->err, RLM_E_FORMAT, "%s:1:1: the recipe is empty", c->name);
    RECIPE_TRY(recipe_map(c, root, "recipe", top_keys));
    const ynode *x;
    if ((x = recipe_find(root, "workdir"))) RECIPE_TRY(recipe_path(c, x, "workdir", &r->workdir));
    else if (!(r->workdir.path = strdup(r->dir)))
        return rlm_fail(c->err, RLM_E_NOMEM, "out of memory");
    if ((x = recipe_find(root, "data"))) RECIPE_TRY(recipe_data(c, x, &r->data));
    if ((x = recipe_find(root, "vocab"))) RECIPE_TRY(recipe_vocab(c, x, &r->vocab));
    if ((x = recipe_find(root, "model"))) RECIPE_TRY(recipe_model(c, x, &r->model));
    if ((x = recipe_find(root, "train"))) RECIPE_TRY(recipe_train(c, x, &r->train));
    if ((x = recipe_find(root, "ngram"))) RECIPE_TRY(recipe_ngrams(c, x, r));
    if ((x = recipe_find(root, "mix"))) RECIPE_TRY(recipe_mix(c, x, &r->mix));
    if ((x = recipe_find(root, "scorer"))) RECIPE_TRY(recipe_scorer(c, x, &r->scorer));
    if ((x = recipe_find(root, "nbest"))) RECIPE_TRY(recipe_nbest(c, x, &r->nbest));
    if ((x = recipe_find(root, "lattice"))) RECIPE_TRY(recipe_lattice(c, x, &r->lattice));
    if ((x = recipe_find(root, "tune"))) RECIPE_TRY(recipe_tune(c, x, &r->tune));
    if ((x = recipe_find(root, "spell"))) RECIPE_TRY(recipe_spell(c, x, &r->spell));
    if ((x = recipe_find(root, "report"))) {
        static const char *const keys[] = {"path", NULL};
        RECIPE_TRY(recipe_map(c, x, "report", keys));
        const ynode *p = recipe_find(x, "path");
        if (!p) return recipe_at(c, x, "report", "missing key \"path\"");
        RECIPE_TRY(recipe_path(c, p, "report.path", &r->report.path));
        r->report.present = 1;
    }
    return cross_check(c, root, r);
}

rlm_status rlm_recipe_parse(const char *text, size_t size, const char *name, rlm_recipe **out,
                            rlm_error *err) {
    *out = NULL;
    rlm_recipe *r = calloc(1, sizeof *r);
    if (!r || !(r->source = strdup(name)) || !(r->dir = strdup(name))) {
        rlm_recipe_free(r);
        return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    }
    char *slash = strrchr(r->dir, '/');
    if (!slash) strcpy(r->dir, ".");
    else slash[slash == r->dir] = '\0'; /* "/x.yaml" lives in "/" */
    defaults(r);
    recipe_ctx c = {name, r->dir, err};
    ynode *root;
    rlm_status s = recipe_yaml_parse(text, size, name, &root, err);
    if (!s) s = parse_tree(&c, root, r);
    recipe_yaml_free(root);
    if (s) {
        rlm_recipe_free(r);
        return s;
    }
    *out = r;
    return RLM_OK;
}

rlm_status rlm_recipe_load(const char *path, rlm_recipe **out, rlm_error *err) {
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return rlm_fail(err, RLM_E_IO, "%s: %s", path, strerror(errno));
    char *buf = malloc(RLM_RECIPE_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, RLM_RECIPE_MAX_BYTES + 1, f) : 0;
    int bad = !buf || ferror(f);
    fclose(f);
    rlm_status s;
    if (bad) s = rlm_fail(err, buf ? RLM_E_IO : RLM_E_NOMEM, "%s: cannot read it", path);
    else if (n > RLM_RECIPE_MAX_BYTES)
        s = rlm_fail(err, RLM_E_FORMAT, "%s: larger than %d bytes: not a recipe", path,
                     RLM_RECIPE_MAX_BYTES);
    else s = rlm_recipe_parse(buf, n, path, out, err);
    free(buf);
    return s;
}

static void free_file(rlm_recipe_file *f) { free(f->path); }

void rlm_recipe_free(rlm_recipe *r) {
    if (!r) return;
    free(r->source);
    free(r->dir);
    free_file(&r->workdir);
    rlm_recipe_file *files[] = {&r->data.train, &r->data.valid, &r->data.test, &r->data.kjv_dir,
                                &r->vocab.path, &r->model.path, &r->nbest.dev.references,
                                &r->nbest.test.references, &r->lattice.dev.references,
                                &r->lattice.test.references, &r->spell.input,
                                &r->spell.references, &r->spell.output, &r->report.path};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) free_file(files[i]);
    for (int i = 0; i < r->n_ngrams; i++) {
        free_file(&r->ngram[i].path);
        free_file(&r->ngram[i].build.text);
        free(r->ngram[i].name);
    }
    rlm_recipe_nbest_set *sets[] = {&r->nbest.dev, &r->nbest.test, &r->lattice.dev,
                                    &r->lattice.test};
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < sets[k]->n_inputs; i++) free_file(&sets[k]->inputs[i]);
        free(sets[k]->inputs);
    }
    free(r->spell.dict);
    free(r);
}
