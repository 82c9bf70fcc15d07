/* rlm_recipe_check_files: every input the recipe names exists and can be read, before any step
 * runs (a typo in the last step's file name should not wait for a two-hour training). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rlm_recipe.h"

static rlm_status check(const rlm_recipe *r, const rlm_recipe_file *f, const char *key,
                        rlm_error *err) {
    if (!f->path) return RLM_OK;
    struct stat st;
    const char *why = NULL;
    if (stat(f->path, &st) || access(f->path, R_OK)) why = strerror(errno);
    else if (S_ISDIR(st.st_mode)) why = "is a directory, not a file";
    if (!why) return RLM_OK;
    return rlm_fail(err, RLM_E_IO, "%s:%d:%d: %s: %s: %s", r->source, f->line, f->column, key,
                    f->path, why);
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
        snprintf(key, sizeof key, "ngram[%d].path", i);
        if (check(r, &r->ngram[i].path, key, err)) return RLM_E_IO;
    }
    for (int i = 0; i < r->nbest.n_inputs; i++) {
        snprintf(key, sizeof key, "nbest.inputs[%d]", i);
        if (check(r, &r->nbest.inputs[i], key, err)) return RLM_E_IO;
    }
    return check(r, &r->nbest.references, "nbest.references", err);
}
