/* Lattices <-> OpenFst FSTs, and the paths of an n-best FST (rlm_fst.h). One FST weight per arc
 * is the combined cost; it is split into ac and lm by a share and summed back when writing. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fst_internal.h"

#define LN10 2.302585092994045684

static const rlm_lattice_fst_options default_options = {0.0, 0, RLM_FST_TROPICAL, NULL, NULL};

/* Merges the FST's output symbols into the caller's table: same ids, or an error. */
static rlm_status merge_symbols(const rlm_fst *f, rlm_symbols *symbols, const char *where,
                                rlm_error *err) {
    rlm_symbols *own;
    rlm_status st = rlm_fst_get_symbols(f, 1, &own, err);
    for (int32_t id = 0; !st && own && id < rlm_symbols_bound(own); id++) {
        const char *w = rlm_symbols_word(own, id);
        rlm_error e;
        if (w && rlm_symbols_set(symbols, w, strlen(w), id, &e))
            st = rlm_fail(err, RLM_E_FORMAT, "%s: the FST's output symbol table and the words "
                          "given disagree: %s", where, e.message);
    }
    rlm_symbols_free(own);
    return st;
}

/* Gives every output label without a word the word spelt like its number. */
static rlm_status number_words(const rlm_fst *f, rlm_symbols *symbols, const char *where,
                               rlm_error *err) {
    for (int32_t s = 0; s < rlm_fst_num_states(f); s++) {
        size_t na = rlm_fst_num_arcs(f, s);
        for (size_t i = 0; i < na; i++) {
            int32_t label = rlm_fst_get_arc(f, s, i).olabel;
            if (label > RLM_SYMBOL_MAX_ID)
                return rlm_fail(err, RLM_E_FORMAT, "%s: label %ld is beyond any vocabulary "
                                "(ids up to %d); give a words.txt", where, (long)label,
                                RLM_SYMBOL_MAX_ID);
            char w[16];
            int n = snprintf(w, sizeof w, "%ld", (long)label);
            rlm_error e;
            if (!rlm_symbols_word(symbols, label) && rlm_symbols_set(symbols, w, (size_t)n, label, &e))
                return rlm_fail(err, e.status, "%s: label %ld: %s", where, (long)label, e.message);
        }
    }
    return RLM_OK;
}

rlm_status rlm_lattice_from_fst(const rlm_fst *f, const char *id, rlm_symbols *symbols,
                                const char *where, const rlm_lattice_fst_options *opt,
                                rlm_lattice **out, rlm_error *err) {
    *out = NULL;
    if (!opt) opt = &default_options;
    double ac = opt->ac_share, lm = 1.0 - opt->ac_share;
    if (!(ac >= 0.0 && ac <= 1.0))
        return rlm_fail(err, RLM_E_ARG, "%s: acoustic share %g is not in [0, 1]", where, ac);
    rlm_status st = merge_symbols(f, symbols, where, err);
    if (st) return st;
    if (opt->open_labels && (st = number_words(f, symbols, where, err))) return st;
    rlm_lattice *lat = rlm_lattice_new(id, symbols);
    int32_t n = rlm_fst_num_states(f);
    if (!lat || !rlm_lattice_reserve_states(lat, n)) {
        rlm_lattice_free(lat);
        return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", where);
    }
    lat->start = rlm_fst_start(f);
    for (int32_t s = 0; s < n && !st; s++) {
        float w = rlm_fst_final(f, s);
        if (w != INFINITY) rlm_lattice_set_final(lat, s, ac * -w / LN10, lm * -w / LN10);
        size_t na = rlm_fst_num_arcs(f, s);
        for (size_t i = 0; i < na && !st; i++) {
            rlm_fst_arc a = rlm_fst_get_arc(f, s, i);
            double score = -(double)a.weight / LN10;
            int64_t k = rlm_lattice_add_arc(lat, s, a.nextstate, a.olabel, ac * score, lm * score);
            if (k < 0) st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", where);
            else lat->arcs[k].ilabel = a.ilabel;
        }
    }
    if (!st) st = rlm_lattice_check(lat, where, err);
    if (st) {
        rlm_lattice_free(lat);
        return st;
    }
    *out = lat;
    return RLM_OK;
}

rlm_status rlm_lattice_to_fst(const rlm_lattice *lat, const rlm_lattice_fst_options *opt,
                              rlm_fst **out, rlm_error *err) {
    *out = NULL;
    if (!opt) opt = &default_options;
    rlm_fst *f = rlm_fst_new(opt->semiring);
    if (!f) return rlm_fail(err, RLM_E_NOMEM, "lattice %s: out of memory", lat->id);
    rlm_status st = RLM_OK;
    for (int32_t s = 0; s < lat->n_states && !st; s++)
        if (rlm_fst_add_state(f) < 0) st = rlm_fail(err, RLM_E_NOMEM, "lattice %s: out of memory", lat->id);
    int acceptor = 1;
    for (size_t i = 0; i < lat->n_arcs && !st; i++) {
        const rlm_lattice_arc *a = &lat->arcs[i];
        double lm = opt->arc_lm ? opt->arc_lm[i] : a->lm;
        rlm_fst_arc arc = {a->ilabel, a->word, (float)(-(a->ac + lm) * LN10), a->to};
        acceptor &= a->ilabel == a->word;
        st = rlm_fst_add_arc(f, a->from, arc, err);
    }
    for (int32_t s = 0; s < lat->n_states && !st; s++) {
        const rlm_lattice_state *ls = &lat->states[s];
        double lm = opt->final_lm ? opt->final_lm[s] : ls->final_lm;
        if (ls->is_final) st = rlm_fst_set_final(f, s, (float)(-(ls->final_ac + lm) * LN10), err);
    }
    if (!st && lat->start >= 0) st = rlm_fst_set_start(f, lat->start, err);
    if (!st) st = rlm_fst_set_symbols(f, 1, lat->symbols, err);
    if (!st && acceptor) st = rlm_fst_set_symbols(f, 0, lat->symbols, err);
    if (st) {
        rlm_fst_free(f);
        return st;
    }
    *out = f;
    return RLM_OK;
}

/* ---- Paths ---- */

typedef struct path_walk {
    const rlm_fst *f;
    size_t max_paths;
    int32_t *labels;      /* the current path's output labels */
    size_t depth, cap;
    rlm_fst_path *paths;
    size_t n, cap_paths;
} path_walk;

static int push_label(path_walk *w, int32_t label) {
    if (w->depth == w->cap) {
        size_t cap = w->cap ? 2 * w->cap : 64;
        int32_t *p = realloc(w->labels, cap * sizeof *p);
        if (!p) return 0;
        w->labels = p, w->cap = cap;
    }
    w->labels[w->depth++] = label;
    return 1;
}

static int emit(path_walk *w, double cost) {
    if (w->n == w->cap_paths) {
        size_t cap = w->cap_paths ? 2 * w->cap_paths : 16;
        rlm_fst_path *p = realloc(w->paths, cap * sizeof *p);
        if (!p) return 0;
        w->paths = p, w->cap_paths = cap;
    }
    rlm_fst_path *p = &w->paths[w->n];
    p->olabels = malloc((w->depth ? w->depth : 1) * sizeof *p->olabels);
    if (!p->olabels) return 0;
    if (w->depth) memcpy(p->olabels, w->labels, w->depth * sizeof *p->olabels);
    p->n_labels = w->depth, p->cost = cost;
    w->n++;
    return 1;
}

/* Depth-first; `steps` bounds the walk, so a cycle or a DAG with very many paths ends with an
 * error instead of running forever. Returns 0 when out of memory, -1 past the bound. */
static int walk(path_walk *w, int32_t s, double cost, size_t *steps) {
    if (w->n >= w->max_paths) return 1;
    if (++*steps > 10 * (w->max_paths + 1) * (size_t)(rlm_fst_num_states(w->f) + 1)) return -1;
    float fin = rlm_fst_final(w->f, s);
    if (fin != INFINITY && !emit(w, cost + fin)) return 0;
    size_t na = rlm_fst_num_arcs(w->f, s);
    for (size_t i = 0; i < na && w->n < w->max_paths; i++) {
        rlm_fst_arc a = rlm_fst_get_arc(w->f, s, i);
        size_t depth = w->depth;
        if (a.olabel != 0 && !push_label(w, a.olabel)) return 0;
        int r = walk(w, a.nextstate, cost + a.weight, steps);
        w->depth = depth;
        if (r <= 0) return r;
    }
    return 1;
}

/* Insertion sort by cost: stable, so equal costs keep the depth-first order; n is an n-best's. */
static void sort_by_cost(rlm_fst_path *p, size_t n) {
    for (size_t i = 1; i < n; i++) {
        rlm_fst_path x = p[i];
        size_t j = i;
        for (; j > 0 && p[j - 1].cost > x.cost; j--) p[j] = p[j - 1];
        p[j] = x;
    }
}

rlm_status rlm_fst_paths(const rlm_fst *f, size_t max_paths, rlm_fst_path **paths,
                         size_t *n_paths, rlm_error *err) {
    *paths = NULL, *n_paths = 0;
    path_walk w = {f, max_paths, NULL, 0, 0, NULL, 0, 0};
    size_t steps = 0;
    int32_t start = rlm_fst_start(f);
    int r = start == RLM_FST_NO_STATE || max_paths == 0 ? 1 : walk(&w, start, 0.0, &steps);
    free(w.labels);
    if (r <= 0) {
        rlm_fst_paths_free(w.paths, w.n);
        return r == 0 ? rlm_fail(err, RLM_E_NOMEM, "fst paths: out of memory")
                      : rlm_fail(err, RLM_E_ARG, "fst paths: the FST has a cycle or too many "
                                 "paths to list (expected a shortest-path result)");
    }
    sort_by_cost(w.paths, w.n);
    *paths = w.paths, *n_paths = w.n;
    return RLM_OK;
}

void rlm_fst_paths_free(rlm_fst_path *paths, size_t n_paths) {
    for (size_t i = 0; i < n_paths; i++) free(paths[i].olabels);
    free(paths);
}
