/* Building and checking lattices (rlm_lattice.h). */
#include <stdlib.h>
#include <string.h>

#include "rlm_lattice.h"

/* Doubles *cap until it holds need elements of size `size`; 0 when out of memory. */
static int grow(void **a, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 1;
    size_t n = *cap ? *cap : 16;
    while (n < need) n *= 2;
    void *p = realloc(*a, n * size);
    if (!p) return 0;
    *a = p, *cap = n;
    return 1;
}

rlm_lattice *rlm_lattice_new(const char *id, rlm_symbols *symbols) {
    rlm_lattice *lat = calloc(1, sizeof *lat);
    if (!lat || !(lat->id = strdup(id ? id : ""))) {
        free(lat);
        return NULL;
    }
    lat->symbols = symbols;
    lat->start = -1;
    return lat;
}

void rlm_lattice_free(rlm_lattice *lat) {
    if (!lat) return;
    free(lat->id);
    free(lat->states);
    free(lat->arcs);
    free(lat->seq);
    free(lat);
}

int32_t rlm_lattice_add_state(rlm_lattice *lat) {
    size_t cap = (size_t)lat->cap_states;
    if (lat->n_states == INT32_MAX ||
        !grow((void **)&lat->states, &cap, (size_t)lat->n_states + 1, sizeof *lat->states))
        return -1;
    lat->cap_states = cap > INT32_MAX ? INT32_MAX : (int32_t)cap;
    rlm_lattice_state *s = &lat->states[lat->n_states];
    memset(s, 0, sizeof *s);
    s->time = -1;
    return lat->n_states++;
}

int rlm_lattice_reserve_states(rlm_lattice *lat, int32_t n) {
    while (lat->n_states < n)
        if (rlm_lattice_add_state(lat) < 0) return 0;
    return 1;
}

void rlm_lattice_set_final(rlm_lattice *lat, int32_t state, double ac, double lm) {
    rlm_lattice_state *s = &lat->states[state];
    s->is_final = 1, s->final_ac = ac, s->final_lm = lm;
}

int64_t rlm_lattice_add_arc(rlm_lattice *lat, int32_t from, int32_t to, int32_t word, double ac,
                            double lm) {
    if (!grow((void **)&lat->arcs, &lat->cap_arcs, lat->n_arcs + 1, sizeof *lat->arcs)) return -1;
    rlm_lattice_arc *a = &lat->arcs[lat->n_arcs];
    memset(a, 0, sizeof *a);
    a->from = from, a->to = to, a->word = word, a->ilabel = word, a->ac = ac, a->lm = lm;
    lat->arcs_sorted = 0;
    return (int64_t)lat->n_arcs++;
}

/* Appends ids[0..n) to lat->seq; its offset, or -1 when out of memory. */
static int64_t append_seq(rlm_lattice *lat, const int32_t *ids, uint32_t n) {
    if (lat->n_seq + n > UINT32_MAX ||
        !grow((void **)&lat->seq, &lat->cap_seq, lat->n_seq + n, sizeof *lat->seq))
        return -1;
    if (n) memcpy(lat->seq + lat->n_seq, ids, n * sizeof *ids);
    lat->n_seq += n;
    return (int64_t)(lat->n_seq - n);
}

int rlm_lattice_set_seq(rlm_lattice *lat, size_t arc, const int32_t *ids, uint32_t n) {
    int64_t off = append_seq(lat, ids, n);
    if (off < 0) return 0;
    lat->arcs[arc].seq_off = (uint32_t)off, lat->arcs[arc].seq_len = n;
    return 1;
}

int rlm_lattice_set_final_seq(rlm_lattice *lat, int32_t state, const int32_t *ids, uint32_t n) {
    int64_t off = append_seq(lat, ids, n);
    if (off < 0) return 0;
    lat->states[state].final_seq_off = (uint32_t)off, lat->states[state].final_seq_len = n;
    return 1;
}

/* A counting sort by source state: stable, and linear in arcs + states. */
rlm_status rlm_lattice_sort_arcs(rlm_lattice *lat, rlm_error *err) {
    if (lat->arcs_sorted) return RLM_OK;
    size_t ns = (size_t)lat->n_states;
    rlm_lattice_arc *sorted = malloc((lat->n_arcs ? lat->n_arcs : 1) * sizeof *sorted);
    uint32_t *next = calloc(ns + 1, sizeof *next);
    if (!sorted || !next || lat->n_arcs > UINT32_MAX) {
        free(sorted);
        free(next);
        return rlm_fail(err, RLM_E_NOMEM, "lattice %s: out of memory sorting arcs", lat->id);
    }
    for (size_t i = 0; i < ns; i++) lat->states[i].n_arcs = 0;
    for (size_t a = 0; a < lat->n_arcs; a++) lat->states[lat->arcs[a].from].n_arcs++;
    uint32_t at = 0;
    for (size_t i = 0; i < ns; i++) {
        lat->states[i].first_arc = next[i] = at;
        at += lat->states[i].n_arcs;
    }
    for (size_t a = 0; a < lat->n_arcs; a++) sorted[next[lat->arcs[a].from]++] = lat->arcs[a];
    free(lat->arcs);
    free(next);
    lat->arcs = sorted;
    lat->cap_arcs = lat->n_arcs ? lat->n_arcs : 1;
    lat->arcs_sorted = 1;
    return RLM_OK;
}

/* Kahn's algorithm: a state is placed once every arc into it has been seen. */
rlm_status rlm_lattice_topsort(rlm_lattice *lat, int32_t *order, rlm_error *err) {
    rlm_status st = rlm_lattice_sort_arcs(lat, err);
    if (st) return st;
    size_t ns = (size_t)lat->n_states;
    uint32_t *indegree = calloc(ns ? ns : 1, sizeof *indegree);
    if (!indegree) return rlm_fail(err, RLM_E_NOMEM, "lattice %s: out of memory", lat->id);
    for (size_t a = 0; a < lat->n_arcs; a++) indegree[lat->arcs[a].to]++;
    size_t head = 0, tail = 0;
    for (size_t s = 0; s < ns; s++)
        if (!indegree[s]) order[tail++] = (int32_t)s;
    while (head < tail) {
        const rlm_lattice_state *s = &lat->states[order[head++]];
        for (uint32_t a = s->first_arc; a < s->first_arc + s->n_arcs; a++)
            if (--indegree[lat->arcs[a].to] == 0) order[tail++] = lat->arcs[a].to;
    }
    free(indegree);
    if (tail != ns)
        return rlm_fail(err, RLM_E_FORMAT, "lattice %s: has a cycle (%zu of %zu states are on or "
                        "after one); lattices must be acyclic", lat->id, ns - tail, ns);
    return RLM_OK;
}

rlm_status rlm_lattice_check(rlm_lattice *lat, const char *where, rlm_error *err) {
    if (lat->start < 0 || lat->start >= lat->n_states)
        return rlm_fail(err, RLM_E_FORMAT, "%s: lattice %s: no start state", where, lat->id);
    int32_t bound = rlm_symbols_bound(lat->symbols);
    for (size_t i = 0; i < lat->n_arcs; i++) {
        const rlm_lattice_arc *a = &lat->arcs[i];
        if (a->from < 0 || a->from >= lat->n_states || a->to < 0 || a->to >= lat->n_states)
            return rlm_fail(err, RLM_E_FORMAT, "%s: lattice %s: arc %zu: state out of range",
                            where, lat->id, i);
        if (a->word < 0 || a->word >= bound || !rlm_symbols_word(lat->symbols, a->word))
            return rlm_fail(err, RLM_E_FORMAT, "%s: lattice %s: arc %zu: label %ld is not in "
                            "the symbol table", where, lat->id, i, (long)a->word);
    }
    int32_t *order = malloc(((size_t)lat->n_states + 1) * sizeof *order);
    if (!order) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", where);
    rlm_error e;
    rlm_status st = rlm_lattice_topsort(lat, order, &e);
    free(order);
    return st ? rlm_fail(err, st, "%s: %s", where, e.message) : RLM_OK;
}

int rlm_lattice_list_push(rlm_lattice_list *l, rlm_lattice *lat) {
    if (!grow((void **)&l->lat, &l->cap, l->n + 1, sizeof *l->lat)) return 0;
    l->lat[l->n++] = lat;
    return 1;
}

void rlm_lattice_list_free(rlm_lattice_list *l) {
    for (size_t i = 0; i < l->n; i++) rlm_lattice_free(l->lat[i]);
    free(l->lat);
    memset(l, 0, sizeof *l);
}
