/* The n best paths of a lattice (lattice_rescore.h): each state keeps its n best (score, back
 * pointer) pairs, filled in topological order; a source's pairs are sorted, so the first one that
 * does not fit into a target's list ends that arc's candidates. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lattice_rescore.h"
#include "lattice_words.h"

#define NONE UINT32_MAX

typedef struct entry {
    double score;
    uint32_t back; /* the arc into the state (NONE at the start); in the final list, the state */
    uint32_t rank; /* the rank of the pair at the arc's source this one extends */
} entry;

typedef struct klist {
    entry *e;
    uint32_t n, cap;
} klist;

void rlm_lattice_weights_init(rlm_lattice_weights *w) {
    memset(w, 0, sizeof *w);
    w->ac_scale = 1, w->lm_scale = 1;
}

/* Inserts after the pairs that score at least as well (the earlier found wins a tie); 0 when the
 * list is full of better or equal pairs, -1 when out of memory. */
static int insert(klist *l, size_t n, double score, uint32_t back, uint32_t rank) {
    uint32_t at = l->n;
    while (at > 0 && l->e[at - 1].score < score) at--;
    if (at >= n) return 0;
    if (l->n == l->cap && l->cap < n) {
        uint32_t cap = l->cap ? 2 * l->cap : 4;
        if (cap > n) cap = (uint32_t)n;
        entry *e = realloc(l->e, cap * sizeof *e);
        if (!e) return -1;
        l->e = e, l->cap = cap;
    }
    uint32_t keep = l->n < n ? l->n : (uint32_t)n - 1;
    memmove(l->e + at + 1, l->e + at, (keep - at) * sizeof *l->e);
    l->e[at] = (entry){score, back, rank};
    l->n = keep + 1;
    return 1;
}

void rlm_lattice_paths_free(rlm_lattice_paths *p) {
    free(p->path);
    free(p->arcs);
    memset(p, 0, sizeof *p);
}

/* Follows the back pointers of a final pair into out->arcs and fills the next path. */
static void backtrack(const rlm_lattice *lat, const klist *lists, const entry *fin,
                      const int32_t *lm_id, rlm_lattice_paths *out, size_t *used) {
    rlm_lattice_path *p = &out->path[out->n];
    const rlm_lattice_state *fs = &lat->states[fin->back];
    p->total = fin->score, p->ac = fs->final_ac, p->lm = fs->final_lm, p->n_words = 0;
    p->first = *used;
    uint32_t s = fin->back, r = fin->rank;
    while (lists[s].e[r].back != NONE) {
        const entry *e = &lists[s].e[r];
        const rlm_lattice_arc *a = &lat->arcs[e->back];
        out->arcs[(*used)++] = e->back;
        p->ac += a->ac, p->lm += a->lm, p->n_words += lm_id[a->word] >= 0;
        s = (uint32_t)a->from, r = e->rank;
    }
    p->n = *used - p->first;
    for (size_t i = 0; i < p->n / 2; i++) { /* collected last arc first */
        size_t t = out->arcs[p->first + i];
        out->arcs[p->first + i] = out->arcs[p->first + p->n - 1 - i];
        out->arcs[p->first + p->n - 1 - i] = t;
    }
    out->n++;
}

rlm_status rlm_lattice_nbest(rlm_lattice *lat, const rlm_lattice_weights *w, size_t n,
                             rlm_lattice_paths *out, rlm_error *err) {
    memset(out, 0, sizeof *out);
    if (lat->start < 0 || lat->start >= lat->n_states)
        return rlm_fail(err, RLM_E_FORMAT, "lattice %s: no start state", lat->id);
    if (n == 0 || n > UINT32_MAX / 2)
        return rlm_fail(err, RLM_E_ARG, "lattice %s: n-best size %zu out of range", lat->id, n);
    if (lat->n_arcs >= NONE)
        return rlm_fail(err, RLM_E_ARG, "lattice %s: too many arcs", lat->id);
    size_t ns = (size_t)lat->n_states;
    int32_t *order = malloc((ns + 1) * sizeof *order), *lm_id = NULL;
    klist *lists = calloc(ns + 1, sizeof *lists), fin = {0};
    rlm_status st = order && lists ? RLM_OK
                                   : rlm_fail(err, RLM_E_NOMEM, "lattice %s: out of memory", lat->id);
    if (!st) st = rlm_lattice_topsort(lat, order, err);
    if (!st) st = lattice_lm_ids(lat, w->nonwords, w->n_nonwords, NULL, &lm_id, err);
    int ok = !st && insert(&lists[lat->start], n, 0, NONE, 0) > 0;
    for (size_t i = 0; ok && i < ns; i++) {
        const uint32_t s = (uint32_t)order[i];
        const klist *from = &lists[s];
        const rlm_lattice_state *q = &lat->states[s];
        for (uint32_t a = q->first_arc; ok && from->n && a < q->first_arc + q->n_arcs; a++) {
            const rlm_lattice_arc *arc = &lat->arcs[a];
            double add = w->ac_scale * arc->ac + w->lm_scale * arc->lm +
                         (lm_id[arc->word] >= 0 ? w->wip : 0);
            for (uint32_t r = 0; r < from->n; r++) {
                int got = insert(&lists[arc->to], n, from->e[r].score + add, a, r);
                if (got < 0) ok = 0;
                if (got <= 0) break;
            }
        }
        if (q->is_final) {
            double add = w->ac_scale * q->final_ac + w->lm_scale * q->final_lm;
            for (uint32_t r = 0; ok && r < from->n; r++) {
                int got = insert(&fin, n, from->e[r].score + add, s, r);
                if (got < 0) ok = 0;
                if (got <= 0) break;
            }
        }
    }
    if (!st && !ok) st = rlm_fail(err, RLM_E_NOMEM, "lattice %s: out of memory", lat->id);
    size_t total_arcs = 0;
    for (uint32_t k = 0; !st && k < fin.n; k++) { /* path lengths, for one allocation */
        uint32_t s = fin.e[k].back, r = fin.e[k].rank;
        for (; lists[s].e[r].back != NONE; total_arcs++) {
            const entry *e = &lists[s].e[r];
            s = (uint32_t)lat->arcs[e->back].from, r = e->rank;
        }
    }
    if (!st && fin.n) {
        out->path = malloc(fin.n * sizeof *out->path);
        out->arcs = malloc((total_arcs ? total_arcs : 1) * sizeof *out->arcs);
        if (!out->path || !out->arcs) {
            rlm_lattice_paths_free(out);
            st = rlm_fail(err, RLM_E_NOMEM, "lattice %s: out of memory", lat->id);
        }
    }
    size_t used = 0;
    for (uint32_t k = 0; !st && k < fin.n; k++)
        backtrack(lat, lists, &fin.e[k], lm_id, out, &used);
    for (size_t i = 0; lists && i < ns; i++) free(lists[i].e);
    free(lists);
    free(fin.e);
    free(order);
    free(lm_id);
    return st;
}
