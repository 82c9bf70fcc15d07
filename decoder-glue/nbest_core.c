/* The in-memory n-best list: an arena for its strings and scores, building, reranking, and the
 * dispatch from a format to its reader and writer. */
#include <stdlib.h>
#include <string.h>

#include "nbest_internal.h"

typedef struct rlm_nbest_chunk {
    struct rlm_nbest_chunk *next;
    size_t used, cap;
    max_align_t data[];
} nbest_chunk;

static void *arena_alloc(rlm_nbest *nb, size_t n) {
    n = (n + sizeof(max_align_t) - 1) / sizeof(max_align_t) * sizeof(max_align_t);
    nbest_chunk *c = nb->arena;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 65536 ? n : 65536;
        c = malloc(sizeof *c + cap);
        if (!c) return NULL;
        c->next = nb->arena, c->used = 0, c->cap = cap;
        nb->arena = c;
    }
    void *p = (char *)c->data + c->used;
    c->used += n;
    return p;
}

static char *arena_strndup(rlm_nbest *nb, const char *s, size_t n) {
    char *p = arena_alloc(nb, n + 1);
    if (p) memcpy(p, s, n), p[n] = 0;
    return p;
}

rlm_nbest *rlm_nbest_new(rlm_nbest_format format) {
    rlm_nbest *nb = calloc(1, sizeof *nb);
    if (nb) nb->format = format;
    return nb;
}

void rlm_nbest_free(rlm_nbest *nb) {
    if (!nb) return;
    for (size_t i = 0; i < nb->n_utts; i++) free(nb->utts[i].hyps);
    free(nb->utts);
    for (nbest_chunk *c = nb->arena, *next; c; c = next) next = c->next, free(c);
    free(nb);
}

static const char *const format_names[] = {"kaldi", "srilm", "moses", "pocketsphinx", "tsv"};

int rlm_nbest_format_parse(const char *name) {
    for (int i = 0; i < 5; i++)
        if (!strcmp(name, format_names[i])) return i;
    return -1;
}

const char *rlm_nbest_format_name(rlm_nbest_format f) {
    return (unsigned)f < 5 ? format_names[f] : "?";
}

int rlm_nbest_column(const rlm_nbest *nb, const char *name) {
    for (int i = 0; i < nb->n_columns; i++)
        if (!strcmp(nb->column[i], name)) return i;
    return -1;
}

int rlm_nbest_add_column(rlm_nbest *nb, const char *name) {
    int n = nb->n_columns;
    char **names = arena_alloc(nb, (size_t)(n + 1) * sizeof *names);
    char *copy = arena_strndup(nb, name, strlen(name));
    if (!names || !copy) return -1;
    if (n) memcpy(names, nb->column, (size_t)n * sizeof *names);
    names[n] = copy;
    for (size_t u = 0; u < nb->n_utts; u++)
        for (size_t h = 0; h < nb->utts[u].n_hyps; h++) {
            rlm_nbest_hyp *hyp = &nb->utts[u].hyps[h];
            double *s = arena_alloc(nb, (size_t)(n + 1) * sizeof *s);
            if (!s) return -1;
            if (n) memcpy(s, hyp->score, (size_t)n * sizeof *s);
            s[n] = 0;
            hyp->score = s;
        }
    nb->column = names;
    nb->n_columns = n + 1;
    return n;
}

rlm_nbest_utt *rlm_nbest_add_utt(rlm_nbest *nb, const char *id, size_t id_len) {
    if (nb->n_utts == nb->cap) {
        size_t cap = nb->cap ? 2 * nb->cap : 16;
        rlm_nbest_utt *u = realloc(nb->utts, cap * sizeof *u);
        if (!u) return NULL;
        nb->utts = u, nb->cap = cap;
    }
    char *copy = arena_strndup(nb, id, id_len);
    if (!copy) return NULL;
    rlm_nbest_utt *u = &nb->utts[nb->n_utts++];
    memset(u, 0, sizeof *u);
    u->id = copy;
    return u;
}

rlm_nbest_hyp *rlm_nbest_add_hyp(rlm_nbest *nb, rlm_nbest_utt *u, const char *const *words,
                                 const size_t *lens, int n) {
    if (u->n_hyps == u->cap) {
        size_t cap = u->cap ? 2 * u->cap : 8;
        rlm_nbest_hyp *h = realloc(u->hyps, cap * sizeof *h);
        if (!h) return NULL;
        u->hyps = h, u->cap = cap;
    }
    size_t bytes = 0;
    for (int i = 0; i < n; i++) bytes += lens[i] + 1;
    char **w = arena_alloc(nb, (size_t)(n ? n : 1) * sizeof *w);
    char *text = arena_alloc(nb, bytes ? bytes : 1);
    double *s = arena_alloc(nb, (size_t)(nb->n_columns ? nb->n_columns : 1) * sizeof *s);
    if (!w || !text || !s) return NULL;
    for (int i = 0; i < n; i++) {
        memcpy(text, words[i], lens[i]);
        text[lens[i]] = 0;
        w[i] = text;
        text += lens[i] + 1;
    }
    memset(s, 0, (size_t)nb->n_columns * sizeof *s);
    rlm_nbest_hyp *h = &u->hyps[u->n_hyps++];
    h->words = w, h->n_words = n, h->score = s, h->total = 0;
    return h;
}

rlm_nbest_hyp *rlm_nbest_add_hyp_text(rlm_nbest *nb, rlm_nbest_utt *u, const char *text,
                                      size_t len) {
    size_t n = 0, pos = 0, tl;
    const char *tok;
    while (nbest_field(text, len, &pos, &tok, &tl)) n++;
    const char **w = malloc((n ? n : 1) * sizeof *w);
    size_t *l = malloc((n ? n : 1) * sizeof *l);
    rlm_nbest_hyp *h = NULL;
    if (w && l) {
        n = pos = 0;
        while (nbest_field(text, len, &pos, &tok, &tl)) w[n] = tok, l[n++] = tl;
        h = rlm_nbest_add_hyp(nb, u, w, l, (int)n);
    }
    free(w);
    free(l);
    return h;
}

typedef struct rank_key {
    double total;
    size_t i;
} rank_key;

/* best first; equal totals keep their order, so reranking is deterministic */
static int by_total(const void *a, const void *b) {
    const rank_key *x = a, *y = b;
    if (x->total != y->total) return x->total < y->total ? 1 : -1;
    return (x->i > y->i) - (x->i < y->i);
}

rlm_status rlm_nbest_rerank(rlm_nbest *nb, int base_col, int lm_col, double lm_weight,
                            double wip, rlm_error *err) {
    for (size_t u = 0; u < nb->n_utts; u++) {
        rlm_nbest_utt *ut = &nb->utts[u];
        for (size_t i = 0; i < ut->n_hyps; i++) {
            rlm_nbest_hyp *h = &ut->hyps[i];
            h->total = (base_col >= 0 ? h->score[base_col] : 0) +
                       (lm_col >= 0 ? lm_weight * h->score[lm_col] : 0) + wip * h->n_words;
        }
    }
    return rlm_nbest_sort(nb, err);
}

rlm_status rlm_nbest_sort(rlm_nbest *nb, rlm_error *err) {
    for (size_t u = 0; u < nb->n_utts; u++) {
        rlm_nbest_utt *ut = &nb->utts[u];
        if (ut->n_hyps < 2) continue;
        rank_key *key = malloc(ut->n_hyps * sizeof *key);
        rlm_nbest_hyp *copy = malloc(ut->n_hyps * sizeof *copy);
        if (!key || !copy) {
            free(key);
            free(copy);
            return rlm_fail(err, RLM_E_NOMEM, "n-best: out of memory");
        }
        memcpy(copy, ut->hyps, ut->n_hyps * sizeof *copy);
        for (size_t i = 0; i < ut->n_hyps; i++) key[i].total = copy[i].total, key[i].i = i;
        qsort(key, ut->n_hyps, sizeof *key, by_total);
        for (size_t i = 0; i < ut->n_hyps; i++) ut->hyps[i] = copy[key[i].i];
        free(key);
        free(copy);
    }
    return RLM_OK;
}
