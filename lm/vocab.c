/* The vocabulary object: ids, counts, lookup and the frequency-binned output classes. */
#include "vocab_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

rlm_vocab_options rlm_vocab_default_options(void) {
    rlm_vocab_options o = {0, 1, 0, 0};
    return o;
}

rlm_vocab *rlm_vocab_new_empty(int char_level) {
    rlm_vocab *v = calloc(1, sizeof *v);
    if (v) v->char_level = char_level ? 1 : 0;
    return v;
}

void rlm_vocab_free(rlm_vocab *v) {
    if (!v) return;
    rlm_strtab_free(&v->tokens);
    free(v->counts);
    free(v->class_of);
    free(v->class_start);
    free(v);
}

int32_t rlm_vocab_push(rlm_vocab *v, const char *token, size_t len, int64_t count, int *dup) {
    *dup = 0;
    size_t n = (size_t)v->tokens.n;
    if (n == v->cap_counts) {
        size_t c = n ? 2 * n : 64;
        int64_t *p = realloc(v->counts, c * sizeof *p);
        if (!p) return -1;
        v->counts = p;
        v->cap_counts = c;
    }
    int added;
    int32_t id = rlm_strtab_add(&v->tokens, token, len, &added);
    if (id < 0) return -1;
    if (!added) {
        *dup = 1;
        return -1;
    }
    v->counts[id] = count;
    return id;
}

int32_t rlm_vocab_size(const rlm_vocab *v) { return v->tokens.n; }
int rlm_vocab_is_char_level(const rlm_vocab *v) { return v->char_level; }

int32_t rlm_vocab_find(const rlm_vocab *v, const char *token, size_t len) {
    /* <s> and </s> share id 0: the boundary that ends one sentence starts the next. */
    if (len == 3 && !memcmp(token, "<s>", 3)) return RLM_EOS_ID;
    return rlm_strtab_find(&v->tokens, token, len);
}

int32_t rlm_vocab_id(const rlm_vocab *v, const char *token, size_t len) {
    int32_t id = rlm_vocab_find(v, token, len);
    return id < 0 ? RLM_UNK_ID : id;
}

const char *rlm_vocab_token(const rlm_vocab *v, int32_t id) {
    if (id < 0 || id >= v->tokens.n) return NULL;
    return rlm_strtab_key(&v->tokens, id);
}

int64_t rlm_vocab_count(const rlm_vocab *v, int32_t id) {
    if (id < 0 || id >= v->tokens.n) return -1;
    return v->counts[id];
}

int32_t rlm_vocab_num_classes(const rlm_vocab *v) { return v->num_classes; }

int32_t rlm_vocab_class_of(const rlm_vocab *v, int32_t id) {
    if (id < 0 || id >= v->tokens.n || !v->class_of) return -1;
    return v->class_of[id];
}

int32_t rlm_vocab_class_begin(const rlm_vocab *v, int32_t cls) {
    if (cls < 0 || cls >= v->num_classes) return -1;
    return v->class_start[cls];
}

int32_t rlm_vocab_class_end(const rlm_vocab *v, int32_t cls) {
    if (cls < 0 || cls >= v->num_classes) return -1;
    return v->class_start[cls + 1];
}

rlm_status rlm_vocab_set_classes(rlm_vocab *v, const int32_t *class_of, int32_t num_classes,
                                 rlm_error *err) {
    int32_t n = v->tokens.n;
    int32_t *co = malloc((size_t)(n ? n : 1) * sizeof *co);
    int32_t *cs = malloc(((size_t)num_classes + 1) * sizeof *cs);
    if (!co || !cs) {
        free(co);
        free(cs);
        return rlm_fail(err, RLM_E_NOMEM, "vocabulary: out of memory for %d classes", num_classes);
    }
    memcpy(co, class_of, (size_t)n * sizeof *co);
    for (int32_t c = 0; c <= num_classes; c++) cs[c] = n;
    for (int32_t i = n - 1; i >= 0; i--) cs[co[i]] = i;
    free(v->class_of);
    free(v->class_start);
    v->class_of = co;
    v->class_start = cs;
    v->num_classes = num_classes;
    return RLM_OK;
}

/* Mikolov's rnnlm binning: walk the ids in order, accumulating unigram probability, and start the
 * next class once the running mass passes (c+1)/C. Unlike rnnlm, a class is also started early
 * when the remaining ids would otherwise be too few to give every remaining class one, so no
 * class is ever empty (class_softmax relies on that). */
rlm_status rlm_vocab_set_num_classes(rlm_vocab *v, int32_t num_classes, rlm_error *err) {
    int32_t n = v->tokens.n;
    if (num_classes < 0)
        return rlm_fail(err, RLM_E_ARG, "num_classes: expected a non-negative number, got %d",
                        num_classes);
    if (n == 0) return rlm_fail(err, RLM_E_ARG, "vocabulary: no ids to put into classes");
    if (num_classes == 0) num_classes = (int32_t)lround(sqrt((double)n));
    if (num_classes < 1) num_classes = 1;
    if (num_classes > n) num_classes = n;
    int32_t *co = malloc((size_t)n * sizeof *co);
    if (!co) return rlm_fail(err, RLM_E_NOMEM, "vocabulary: out of memory");
    /* In double: counts read from a file may be large enough for an int64 sum to overflow. */
    double total = 0, cum = 0;
    for (int32_t i = 0; i < n; i++) total += (double)v->counts[i];
    int32_t c = 0;
    for (int32_t i = 0; i < n; i++) {
        co[i] = c;
        cum += (double)v->counts[i];
        /* With no counts at all every id weighs the same. Both sides are correctly rounded
         * quotients, so an exact tie (mass exactly (c+1)/C) stays a tie and does not advance. */
        double mass = total > 0 ? cum / total : (double)(i + 1) / (double)n;
        int must = n - 1 - i <= num_classes - 1 - c;
        if (c < num_classes - 1 && (must || mass > (double)(c + 1) / (double)num_classes)) c++;
    }
    rlm_status s = rlm_vocab_set_classes(v, co, num_classes, err);
    free(co);
    return s;
}
