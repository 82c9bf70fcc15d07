/* Beam search over spelling candidates (spell_search.h). */
#include <stdlib.h>
#include <string.h>

#include "spell_search.h"

typedef struct partial {
    rlm_scorer_state state;
    double score;
    size_t order; /* position before sorting, for stable ties */
    int *choice;  /* the candidates so far */
} partial;

/* Scores the words of one candidate from *st onwards; returns their log10 sum. */
static double score_cand(const rlm_scorer *sc, rlm_scorer_state *st, const char *cand) {
    double s = 0;
    for (const char *p = cand; *p;) {
        const char *e = strchr(p, ' ');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len) s += rlm_scorer_score(sc, st, rlm_scorer_word_id(sc, p, len), st);
        p += len + (e != NULL);
    }
    return s;
}

static int by_score(const void *a, const void *b) {
    const partial *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

rlm_status rlm_spell_search(const rlm_scorer *sc, const rlm_spell_slot *slots, size_t n,
                            int beam, int *choice, rlm_spell_result *out, rlm_error *err) {
    if (beam < 1) return rlm_fail(err, RLM_E_ARG, "beam: expected at least 1, not %d", beam);
    int max_c = 1;
    for (size_t i = 0; i < n; i++) {
        if (slots[i].n_cands < 1) return rlm_fail(err, RLM_E_ARG, "token %zu has no candidate", i);
        if (slots[i].n_cands > max_c) max_c = slots[i].n_cands;
    }
    const size_t cap = (size_t)beam * (size_t)max_c, row = n ? n : 1;
    partial *cur = calloc(cap, sizeof *cur), *next = calloc(cap, sizeof *next);
    int *cur_c = calloc(cap * row, sizeof *cur_c), *next_c = calloc(cap * row, sizeof *next_c);
    if (!cur || !next || !cur_c || !next_c) {
        free(cur), free(next), free(cur_c), free(next_c);
        return rlm_fail(err, RLM_E_NOMEM, "out of memory");
    }
    size_t n_cur = 1;
    rlm_scorer_begin(sc, &cur[0].state);
    cur[0].score = 0, cur[0].choice = cur_c;
    out->exhaustive = 1;
    for (size_t i = 0; i < n; i++) {
        size_t n_next = 0;
        for (size_t h = 0; h < n_cur; h++)
            for (int c = 0; c < slots[i].n_cands; c++, n_next++) {
                partial *p = &next[n_next];
                p->state = cur[h].state;
                p->score = cur[h].score + score_cand(sc, &p->state, slots[i].cands[c]);
                p->order = n_next;
                p->choice = next_c + n_next * row;
                memcpy(p->choice, cur[h].choice, i * sizeof *p->choice);
                p->choice[i] = c;
            }
        qsort(next, n_next, sizeof *next, by_score);
        if (n_next > (size_t)beam) n_next = (size_t)beam, out->exhaustive = 0;
        /* the survivors' choices move to the cur buffer so next_c is free for the next token */
        for (size_t h = 0; h < n_next; h++) {
            cur[h] = next[h];
            memcpy(cur_c + h * row, next[h].choice, (i + 1) * sizeof *cur_c);
            cur[h].choice = cur_c + h * row;
        }
        n_cur = n_next;
    }
    size_t best = 0;
    double best_s = 0;
    for (size_t h = 0; h < n_cur; h++) {
        double s = cur[h].score + rlm_scorer_end(sc, &cur[h].state);
        if (h == 0 || s > best_s) best = h, best_s = s;
    }
    memcpy(choice, cur[best].choice, n * sizeof *choice);
    out->log10_score = best_s;
    free(cur), free(next), free(cur_c), free(next_c);
    return RLM_OK;
}

double rlm_spell_sentence_score(const rlm_scorer *sc, const rlm_spell_slot *slots, size_t n,
                                const int *choice) {
    rlm_scorer_state st;
    rlm_scorer_begin(sc, &st);
    double s = 0;
    for (size_t i = 0; i < n; i++) s += score_cand(sc, &st, slots[i].cands[choice[i]]);
    return s + rlm_scorer_end(sc, &st);
}
