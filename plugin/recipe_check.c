/* rlm_recipe_check_files: every input the recipe names exists and can be read, before any step
 * runs (a typo in the last step's file name should not wait for a two-hour training). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rlm_recipe.h"

static rlm_status check_path(const rlm_recipe *r, const rlm_recipe_file *f, const char *key,
                             int dir_ok, rlm_error *err) {
    if (!f->path) return RLM_OK;
    struct stat st;
    const char *why = NULL;
    if (stat(f->path, &st) || access(f->path, R_OK)) why = strerror(errno);
    else if (S_ISDIR(st.st_mode) && !dir_ok) why = "is a directory, not a file";
    if (!why) return RLM_OK;
    return rlm_fail(err, RLM_E_IO, "%s:%d:%d: %s: %s: %s", r->source, f->line, f->column, key,
                    f->path, why);
}

static rlm_status check(const rlm_recipe *r, const rlm_recipe_file *f, const char *key,
                        rlm_error *err) {
    return check_path(r, f, key, 0, err);
}

rlm_status rlm_recipe_check_files(const rlm_recipe *r, rlm_error *err) {
    char key[32];
    if (!r->data.kjv_dir.path) { /* the KJV texts are made by the data step */
        if (check(r, &r->data.train, "data.train", err) ||
            check(r, &r->data.valid, "data.valid", err) || check(r, &r->data.test, "data.test", err))
            return RLM_E_IO;
    }
    if (!r->train.present && check(r, &r->model.path, "model.path", err)) return RLM_E_IO;
    for (int i = 0; i < r->n_ngrams; i++) {
        const rlm_recipe_ngram *g = &r->ngram[i];
        snprintf(key, sizeof key, "ngram[%d].build.text", i);
        if (!g->build.present) snprintf(key, sizeof key, "ngram[%d].path", i);
        /* a model the recipe builds is no input; its text is, unless a step makes it */
        const rlm_recipe_file *f = g->build.present ? &g->build.text : &g->path;
        if (f->path && !(r->data.kjv_dir.path && !strcmp(f->path, r->data.train.path)) &&
            check(r, f, key, err))
            return RLM_E_IO;
    }
    static const char *const set_names[] = {"nbest.dev", "nbest.test", "lattice.dev",
                                            "lattice.test"};
    const rlm_recipe_nbest_set *sets[] = {&r->nbest.dev, &r->nbest.test, &r->lattice.dev,
                                          &r->lattice.test};
    for (int k = 0; k < 4; k++) {
        for (int i = 0; i < sets[k]->n_inputs; i++) {
            snprintf(key, sizeof key, "%s.inputs[%d]", set_names[k], i);
            if (check_path(r, &sets[k]->inputs[i], key, k >= 2, err)) return RLM_E_IO;
        }
        snprintf(key, sizeof key, "%s.references", set_names[k]);
        if (check(r, &sets[k]->references, key, err)) return RLM_E_IO;
    }
    if (check(r, &r->spell.input, "spell.input", err)) return RLM_E_IO;
    return check(r, &r->spell.references, "spell.references", err);
}
