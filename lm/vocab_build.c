/* Building a vocabulary from a text: count tokens, order them, apply the cut-offs, bin classes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "token_iter.h"
#include "vocab_impl.h"

typedef struct counted {
    const char *tok;
    size_t len;
    int64_t count;
} counted;

/* Count descending, then bytes ascending (as strcmp: a prefix sorts first), so a build does not
 * depend on hash order. */
static int by_count_then_bytes(const void *pa, const void *pb) {
    const counted *a = pa, *b = pb;
    if (a->count != b->count) return a->count > b->count ? -1 : 1;
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->tok, b->tok, n);
    if (c) return c;
    return (a->len > b->len) - (a->len < b->len);
}

typedef struct counter {
    rlm_strtab tab;
    int64_t *counts;
    size_t cap;
    int64_t unk, sentences;
} counter;

static int count_token(counter *k, const char *tok, size_t len) {
    int32_t i = rlm_strtab_add(&k->tab, tok, len, NULL);
    if (i < 0) return -1;
    if ((size_t)i >= k->cap) {
        size_t c = k->cap ? 2 * k->cap : 1024;
        int64_t *p = realloc(k->counts, c * sizeof *p);
        if (!p) return -1;
        memset(p + k->cap, 0, (c - k->cap) * sizeof *p);
        k->counts = p;
        k->cap = c;
    }
    k->counts[i]++;
    return 0;
}

static rlm_status count_file(FILE *f, const char *path, int char_level, counter *k,
                             rlm_error *err) {
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    rlm_status s = RLM_OK;
    while ((n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        rlm_token_iter it = rlm_token_iter_init(line, (size_t)n, char_level);
        const char *tok;
        size_t len;
        int invalid, any = 0;
        while (rlm_token_next(&it, &tok, &len, &invalid)) {
            any = 1;
            /* The literal <unk> (PTB writes it for its own OOVs) is our <unk>, not a new word. */
            if (invalid || (!char_level && len == 5 && !memcmp(tok, "<unk>", 5))) {
                k->unk++;
            } else if (count_token(k, tok, len)) {
                s = rlm_fail(err, RLM_E_NOMEM, "%s:%ld: out of memory counting tokens", path,
                             lineno);
                goto done;
            }
        }
        k->sentences += any;
    }
    if (ferror(f))
        s = rlm_fail(err, RLM_E_IO, "%s:%ld: read error: %s", path, lineno + 1, strerror(errno));
done:
    free(line);
    return s;
}

static rlm_status check_options(const rlm_vocab_options *o, rlm_error *err) {
    if (o->min_count < 0)
        return rlm_fail(err, RLM_E_ARG, "min_count: expected a non-negative number, got %lld",
                        (long long)o->min_count);
    if (o->max_size < 0 || o->max_size == 1)
        return rlm_fail(err, RLM_E_ARG,
                        "max_size: expected 0 (no limit) or at least 2 (the specials), got %lld",
                        (long long)o->max_size);
    if (o->num_classes < 0)
        return rlm_fail(err, RLM_E_ARG, "num_classes: expected a non-negative number, got %d",
                        o->num_classes);
    return RLM_OK;
}

static rlm_status make_vocab(counter *k, const rlm_vocab_options *o, rlm_vocab **out,
                             rlm_error *err) {
    int32_t n = k->tab.n;
    counted *all = malloc((size_t)(n ? n : 1) * sizeof *all);
    rlm_vocab *v = rlm_vocab_new_empty(o->char_level);
    if (!all || !v) goto nomem;
    for (int32_t i = 0; i < n; i++)
        all[i] = (counted){rlm_strtab_key(&k->tab, i), k->tab.len[i], k->counts[i]};
    qsort(all, (size_t)n, sizeof *all, by_count_then_bytes);
    int64_t min_count = o->min_count > 0 ? o->min_count : 1;
    int64_t room = o->max_size ? o->max_size - 2 : INT64_MAX;
    int32_t kept = 0;
    while (kept < n && kept < room && all[kept].count >= min_count) kept++;
    int64_t unk = k->unk;
    for (int32_t i = kept; i < n; i++) unk += all[i].count; /* cut tokens become <unk> */
    int dup;
    if (rlm_vocab_push(v, "</s>", 4, k->sentences, &dup) < 0 ||
        rlm_vocab_push(v, "<unk>", 5, unk, &dup) < 0)
        goto nomem;
    for (int32_t i = 0; i < kept; i++)
        if (rlm_vocab_push(v, all[i].tok, all[i].len, all[i].count, &dup) < 0) goto nomem;
    free(all);
    rlm_status s = rlm_vocab_set_num_classes(v, o->num_classes, err);
    if (s) {
        rlm_vocab_free(v);
        return s;
    }
    *out = v;
    return RLM_OK;
nomem:
    free(all);
    rlm_vocab_free(v);
    return rlm_fail(err, RLM_E_NOMEM, "vocabulary: out of memory for %d tokens", n);
}

rlm_status rlm_vocab_build(const char *text_path, const rlm_vocab_options *opt, rlm_vocab **out,
                           rlm_error *err) {
    rlm_vocab_options o = opt ? *opt : rlm_vocab_default_options();
    *out = NULL;
    rlm_status s = check_options(&o, err);
    if (s) return s;
    FILE *f = fopen(text_path, "rb");
    if (!f) return rlm_fail(err, RLM_E_IO, "%s: cannot open: %s", text_path, strerror(errno));
    counter k;
    memset(&k, 0, sizeof k);
    s = count_file(f, text_path, o.char_level, &k, err);
    fclose(f);
    if (!s) s = make_vocab(&k, &o, out, err);
    rlm_strtab_free(&k.tab);
    free(k.counts);
    return s;
}
