/* Lattice expansion with the scorer's states (lattice_rescore.h): layers of the input in order,
 * each layer's surviving output states scored in one batch, then trimmed to the states on a
 * complete path and written out in the order they were expanded (a topological order). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lattice_rescore.h"
#include "lattice_words.h"

/* Pairs per score_batch call: the scorer's scratch grows with the batch (hidden vectors of every
 * pair), and a layer of a big expansion can hold 10^5 pairs; past a few thousand a larger product
 * gains little. */
#define BATCH_MAX 4096

typedef struct xstate {
    rlm_scorer_state lm;
    double alpha;          /* best total from the start */
    int32_t orig;          /* the input state */
    int32_t next;          /* the next output state of the same input state, -1 */
    uint32_t first_arc, n_arcs;
    float eos;             /* log10 P(</s> | h) once expanded, at a final input state */
} xstate;

typedef struct xarc {
    int32_t to;
    uint32_t orig_arc;
    float new_lm;
} xarc;

typedef struct expansion {
    const rlm_scorer *sc;
    const rlm_lattice_rescore_options *o;
    rlm_lattice *in;
    const int32_t *lm_id;
    const double *beta;
    xstate *x;
    size_t nx, capx;
    xarc *arc;
    size_t narc, caparc;
    int32_t *head;         /* per input state: its first output state, -1 */
    int32_t *table;        /* open addressing over (input state, scorer state): output states */
    size_t table_size;
    struct ranked *rank;   /* one layer's output states by estimate */
    size_t cap_rank;
    int32_t *chosen;       /* the expanded output states, in the order of expansion */
    size_t n_chosen, cap_chosen;
    struct batch *b;
} expansion;

void rlm_lattice_rescore_options_init(rlm_lattice_rescore_options *o) {
    memset(o, 0, sizeof *o);
    o->ac_scale = 1, o->lm_weight = 1, o->beam = INFINITY;
}

static int grow(void **a, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 1;
    size_t n = *cap ? 2 * *cap : 64;
    while (n < need) n *= 2;
    void *p = realloc(*a, n * size);
    if (!p) return 0;
    *a = p, *cap = n;
    return 1;
}

static size_t slot_of(const expansion *e, int32_t orig, const rlm_scorer_state *lm) {
    uint64_t h = rlm_scorer_state_hash(lm) ^ ((uint64_t)(uint32_t)orig * 0x9E3779B97F4A7C15ull);
    return (size_t)(h ^ (h >> 29)) & (e->table_size - 1);
}

/* Doubles the table when half full; 0 when out of memory. */
static int rehash(expansion *e) {
    if (2 * (e->nx + 1) <= e->table_size) return 1;
    size_t size = e->table_size ? 2 * e->table_size : 1024;
    int32_t *t = malloc(size * sizeof *t);
    if (!t) return 0;
    memset(t, 0xff, size * sizeof *t);
    free(e->table);
    e->table = t, e->table_size = size;
    for (size_t i = 0; i < e->nx; i++) {
        size_t s = slot_of(e, e->x[i].orig, &e->x[i].lm);
        while (t[s] >= 0) s = (s + 1) & (size - 1);
        t[s] = (int32_t)i;
    }
    return 1;
}

/* The output state (orig, lm), made when new; -1 when out of memory. */
static int32_t find_or_add(expansion *e, int32_t orig, const rlm_scorer_state *lm) {
    if (e->nx >= INT32_MAX - 1 || !rehash(e) || !grow((void **)&e->x, &e->capx, e->nx + 1, sizeof *e->x))
        return -1;
    size_t s = slot_of(e, orig, lm);
    for (; e->table[s] >= 0; s = (s + 1) & (e->table_size - 1)) {
        const xstate *q = &e->x[e->table[s]];
        if (q->orig == orig && rlm_scorer_state_equal(&q->lm, lm)) return e->table[s];
    }
    xstate *q = &e->x[e->nx];
    memset(q, 0, sizeof *q);
    q->lm = *lm, q->alpha = -INFINITY, q->orig = orig, q->next = e->head[orig];
    e->head[orig] = (int32_t)e->nx;
    e->table[s] = (int32_t)e->nx;
    return (int32_t)e->nx++;
}

/* beta[s]: the best completion from s with the old LM standing in for the new one; -inf when s
 * reaches no final state. */
static void backward(const rlm_lattice *in, const int32_t *order, const int32_t *lm_id,
                     const rlm_lattice_rescore_options *o, double *beta) {
    const double lw = o->lm_weight + o->old_lm_weight;
    for (int32_t i = in->n_states - 1; i >= 0; i--) {
        const rlm_lattice_state *q = &in->states[order[i]];
        double b = q->is_final ? o->ac_scale * q->final_ac + lw * q->final_lm : -INFINITY;
        for (uint32_t a = q->first_arc; a < q->first_arc + q->n_arcs; a++) {
            const rlm_lattice_arc *arc = &in->arcs[a];
            double v = o->ac_scale * arc->ac + lw * arc->lm + (lm_id[arc->word] >= 0 ? o->wip : 0) +
                       beta[arc->to];
            if (v > b) b = v;
        }
        beta[order[i]] = b;
    }
}

typedef struct ranked {
    double est;
    int32_t x;
} ranked;

static int by_estimate(const void *pa, const void *pb) {
    const ranked *a = pa, *b = pb;
    if (a->est != b->est) return a->est > b->est ? -1 : 1;
    return (a->x > b->x) - (a->x < b->x); /* ties: the older state first, for a fixed order */
}

/* Scratch arrays of one layer's batch. */
typedef struct batch {
    rlm_scorer_state *ins, *outs;
    int32_t *words;
    float *scores;
    size_t n, cap;
} batch;

static int batch_push(batch *b, const rlm_scorer_state *s, int32_t word) {
    if (b->n == b->cap) { /* the four arrays grow together */
        size_t cap = b->cap ? 2 * b->cap : 256;
        void *p;
        if (!(p = realloc(b->ins, cap * sizeof *b->ins))) return 0;
        b->ins = p;
        if (!(p = realloc(b->outs, cap * sizeof *b->outs))) return 0;
        b->outs = p;
        if (!(p = realloc(b->words, cap * sizeof *b->words))) return 0;
        b->words = p;
        if (!(p = realloc(b->scores, cap * sizeof *b->scores))) return 0;
        b->scores = p, b->cap = cap;
    }
    b->ins[b->n] = *s, b->words[b->n++] = word;
    return 1;
}

/* Expands the chosen output states xs[0..n): one score_batch for all their LM words and `</s>`,
 * then their arcs, making the target states. RLM_E_NOMEM on failure. */
static rlm_status expand(expansion *e, const int32_t *xs, size_t n,
                         rlm_lattice_rescore_stats *stats) {
    batch *b = e->b;
    const rlm_lattice *in = e->in;
    const rlm_lattice_rescore_options *o = e->o;
    b->n = 0;
    for (size_t i = 0; i < n; i++) {
        const rlm_lattice_state *q = &in->states[e->x[xs[i]].orig];
        for (uint32_t a = q->first_arc; a < q->first_arc + q->n_arcs; a++) {
            const rlm_lattice_arc *arc = &in->arcs[a];
            if (isfinite(e->beta[arc->to]) && e->lm_id[arc->word] >= 0 &&
                !batch_push(b, &e->x[xs[i]].lm, e->lm_id[arc->word]))
                return RLM_E_NOMEM;
        }
        if (q->is_final && !batch_push(b, &e->x[xs[i]].lm, RLM_SCORER_EOS)) return RLM_E_NOMEM;
    }
    for (size_t at = 0; at < b->n; at += BATCH_MAX) {
        size_t m = b->n - at < BATCH_MAX ? b->n - at : BATCH_MAX;
        rlm_scorer_score_batch(e->sc, b->ins + at, b->words + at, (int)m, b->outs + at,
                               b->scores + at);
        stats->lm_queries += m, stats->batches++;
    }
    size_t c = 0;
    for (size_t i = 0; i < n; i++) {
        const int32_t from = xs[i];
        const rlm_lattice_state *q = &in->states[e->x[from].orig];
        e->x[from].first_arc = (uint32_t)e->narc;
        for (uint32_t a = q->first_arc; a < q->first_arc + q->n_arcs; a++) {
            const rlm_lattice_arc *arc = &in->arcs[a];
            if (!isfinite(e->beta[arc->to])) continue;
            const int word = e->lm_id[arc->word] >= 0;
            const float lm = word ? b->scores[c] : 0;
            if (isnan(lm)) return RLM_E_NOMEM;
            rlm_scorer_state next = word ? b->outs[c++] : e->x[from].lm;
            int32_t to = find_or_add(e, arc->to, &next);
            if (to < 0 || e->narc >= UINT32_MAX ||
                !grow((void **)&e->arc, &e->caparc, e->narc + 1, sizeof *e->arc))
                return RLM_E_NOMEM;
            double v = e->x[from].alpha + o->ac_scale * arc->ac + o->lm_weight * lm +
                       o->old_lm_weight * arc->lm + (word ? o->wip : 0);
            if (v > e->x[to].alpha) e->x[to].alpha = v;
            e->arc[e->narc++] = (xarc){to, a, lm};
        }
        e->x[from].n_arcs = (uint32_t)e->narc - e->x[from].first_arc;
        if (q->is_final) e->x[from].eos = b->scores[c++];
        if (isnan(e->x[from].eos)) return RLM_E_NOMEM;
    }
    return RLM_OK;
}

/* Input states by layer (longest distance from the start); only states the start reaches and
 * that reach a final state. layer_of[l] .. layer_of[l + 1] index into states. */
static int make_layers(const rlm_lattice *in, const int32_t *order, const double *beta,
                       int32_t *states, int32_t **layer_of, int32_t *n_layers) {
    int32_t ns = in->n_states, *depth = malloc(((size_t)ns + 1) * sizeof *depth);
    if (!depth) return 0;
    for (int32_t s = 0; s < ns; s++) depth[s] = -1;
    depth[in->start] = 0;
    int32_t max_depth = 0;
    for (int32_t i = 0; i < ns; i++) {
        const rlm_lattice_state *q = &in->states[order[i]];
        if (depth[order[i]] < 0) continue;
        for (uint32_t a = q->first_arc; a < q->first_arc + q->n_arcs; a++) {
            int32_t to = in->arcs[a].to, d = depth[order[i]] + 1;
            if (d > depth[to]) depth[to] = d;
            if (d > max_depth) max_depth = d;
        }
    }
    int32_t *count = calloc((size_t)max_depth + 2, sizeof *count);
    if (!count) return free(depth), 0;
    for (int32_t s = 0; s < ns; s++)
        if (depth[s] >= 0 && isfinite(beta[s])) count[depth[s] + 1]++;
    for (int32_t d = 0; d <= max_depth; d++) count[d + 1] += count[d];
    int32_t *at = malloc(((size_t)max_depth + 1) * sizeof *at);
    if (!at) return free(depth), free(count), 0;
    memcpy(at, count, ((size_t)max_depth + 1) * sizeof *at);
    for (int32_t s = 0; s < ns; s++)
        if (depth[s] >= 0 && isfinite(beta[s])) states[at[depth[s]]++] = s;
    free(at);
    free(depth);
    *layer_of = count, *n_layers = max_depth + 1;
    return 1;
}

/* Chooses and expands the output states of input states states[0..n): the beam against the
 * layer's best estimate, then the arc budget, best estimate first. */
static rlm_status run_layer(expansion *e, const int32_t *states, int32_t n,
                            rlm_lattice_rescore_stats *stats) {
    size_t m = 0;
    double best = -INFINITY;
    for (int32_t i = 0; i < n; i++)
        for (int32_t x = e->head[states[i]]; x >= 0; x = e->x[x].next) {
            if (!grow((void **)&e->rank, &e->cap_rank, m + 1, sizeof *e->rank)) return RLM_E_NOMEM;
            double est = e->x[x].alpha + e->beta[states[i]];
            e->rank[m++] = (ranked){est, x};
            if (est > best) best = est;
        }
    size_t kept = 0;
    for (size_t i = 0; i < m; i++)
        if (e->rank[i].est >= best - e->o->beam) e->rank[kept++] = e->rank[i];
    stats->pruned_beam += m - kept;
    qsort(e->rank, kept, sizeof *e->rank, by_estimate);
    const size_t first = e->n_chosen;
    size_t planned = e->narc;
    for (size_t i = 0; i < kept; i++) {
        uint32_t out = e->in->states[e->x[e->rank[i].x].orig].n_arcs;
        if (i > 0 && e->o->max_arcs && planned + out > e->o->max_arcs) {
            stats->pruned_arcs++;
            continue;
        }
        planned += out;
        if (!grow((void **)&e->chosen, &e->cap_chosen, e->n_chosen + 1, sizeof *e->chosen))
            return RLM_E_NOMEM;
        e->chosen[e->n_chosen++] = e->rank[i].x;
    }
    return expand(e, e->chosen + first, e->n_chosen - first, stats);
}

/* The output: expanded states on a complete path, in the order of expansion. */
static rlm_status write_out(const expansion *e, rlm_lattice **out, rlm_lattice_rescore_stats *stats,
                            rlm_error *err) {
    const rlm_lattice *in = e->in;
    const rlm_lattice_rescore_options *o = e->o;
    int32_t *id = malloc((e->nx ? e->nx : 1) * sizeof *id);
    rlm_lattice *lat = rlm_lattice_new(in->id, in->symbols);
    if (!id || !lat) goto nomem;
    for (size_t i = 0; i < e->nx; i++) id[i] = -1;
    for (size_t i = e->n_chosen; i-- > 0;) { /* useful: final, or an arc to a useful state */
        const xstate *q = &e->x[e->chosen[i]];
        int useful = in->states[q->orig].is_final;
        for (uint32_t a = q->first_arc; !useful && a < q->first_arc + q->n_arcs; a++)
            useful = id[e->arc[a].to] >= 0;
        id[e->chosen[i]] = useful ? 0 : -1;
    }
    for (size_t i = 0; i < e->n_chosen; i++)
        if (id[e->chosen[i]] >= 0 && (id[e->chosen[i]] = rlm_lattice_add_state(lat)) < 0) goto nomem;
    if (lat->n_states == 0 && rlm_lattice_add_state(lat) < 0) goto nomem;
    lat->start = 0;
    for (size_t i = 0; i < e->n_chosen; i++) {
        const xstate *q = &e->x[e->chosen[i]];
        const int32_t from = id[e->chosen[i]];
        if (from < 0) continue;
        const rlm_lattice_state *s = &in->states[q->orig];
        lat->states[from].time = s->time;
        if (s->is_final)
            rlm_lattice_set_final(lat, from, s->final_ac,
                                  o->lm_weight * q->eos + o->old_lm_weight * s->final_lm);
        for (uint32_t a = q->first_arc; a < q->first_arc + q->n_arcs; a++) {
            if (id[e->arc[a].to] < 0) continue;
            const rlm_lattice_arc *ia = &in->arcs[e->arc[a].orig_arc];
            int64_t k = rlm_lattice_add_arc(lat, from, id[e->arc[a].to], ia->word, ia->ac,
                                            o->lm_weight * e->arc[a].new_lm + o->old_lm_weight * ia->lm);
            if (k < 0 || (ia->seq_len && !rlm_lattice_set_seq(lat, (size_t)k, in->seq + ia->seq_off,
                                                                ia->seq_len)))
                goto nomem;
            lat->arcs[k].ilabel = ia->ilabel;
        }
    }
    free(id);
    stats->out_states = (uint64_t)lat->n_states, stats->out_arcs = lat->n_arcs;
    *out = lat;
    return RLM_OK;
nomem:
    free(id);
    rlm_lattice_free(lat);
    return rlm_fail(err, RLM_E_NOMEM, "lattice %s: out of memory writing the expanded lattice",
                    in->id);
}

static rlm_status check_options(const rlm_lattice_rescore_options *o, const char *id,
                                rlm_error *err) {
    if (!isfinite(o->ac_scale) || !isfinite(o->lm_weight) || !isfinite(o->old_lm_weight) ||
        !isfinite(o->wip))
        return rlm_fail(err, RLM_E_ARG, "lattice %s: ac_scale, lm_weight, old_lm_weight and wip "
                        "must be finite", id);
    if (!(o->beam > 0))
        return rlm_fail(err, RLM_E_ARG, "lattice %s: beam must be positive (INFINITY for none), "
                        "not %g", id, o->beam);
    return RLM_OK;
}

rlm_status rlm_lattice_rescore(const rlm_scorer *sc, rlm_lattice *in,
                               const rlm_lattice_rescore_options *o, rlm_lattice **out,
                               rlm_lattice_rescore_stats *stats, rlm_error *err) {
    rlm_lattice_rescore_stats dummy;
    if (!stats) stats = &dummy;
    memset(stats, 0, sizeof *stats);
    *out = NULL;
    rlm_status st = check_options(o, in->id, err);
    if (st) return st;
    if (in->start < 0 || in->start >= in->n_states)
        return rlm_fail(err, RLM_E_FORMAT, "lattice %s: no start state", in->id);
    const size_t ns = (size_t)in->n_states;
    expansion e = {0};
    batch b = {0};
    e.sc = sc, e.o = o, e.in = in, e.b = &b;
    int32_t *order = malloc(ns * sizeof *order), *layered = malloc(ns * sizeof *layered);
    int32_t *lm_id = NULL, *layer_of = NULL, n_layers = 0;
    double *beta = malloc(ns * sizeof *beta);
    e.head = malloc(ns * sizeof *e.head);
    if (!order || !layered || !beta || !e.head) {
        st = rlm_fail(err, RLM_E_NOMEM, "lattice %s: out of memory", in->id);
        goto done;
    }
    if ((st = rlm_lattice_topsort(in, order, err)) ||
        (st = lattice_lm_ids(in, o->nonwords, o->n_nonwords, sc, &lm_id, err)))
        goto done;
    e.lm_id = lm_id, e.beta = beta;
    backward(in, order, lm_id, o, beta);
    if (!make_layers(in, order, beta, layered, &layer_of, &n_layers)) {
        st = rlm_fail(err, RLM_E_NOMEM, "lattice %s: out of memory", in->id);
        goto done;
    }
    for (size_t s = 0; s < ns; s++) e.head[s] = -1;
    if (isfinite(beta[in->start])) {
        rlm_scorer_state begin;
        rlm_scorer_begin(sc, &begin);
        int32_t x0 = find_or_add(&e, in->start, &begin);
        if (x0 >= 0) e.x[x0].alpha = 0;
        st = x0 < 0 ? RLM_E_NOMEM : RLM_OK;
    }
    for (int32_t l = 0; !st && l < n_layers && e.nx; l++)
        st = run_layer(&e, layered + layer_of[l], layer_of[l + 1] - layer_of[l], stats);
    if (st) {
        st = rlm_fail(err, st, "lattice %s: out of memory expanding (%zu states, %zu arcs)", in->id,
                      e.nx, e.narc);
        goto done;
    }
    stats->expanded_states = e.nx, stats->expanded_arcs = e.narc;
    st = write_out(&e, out, stats, err);
done:
    free(order), free(layered), free(beta), free(lm_id), free(layer_of);
    free(e.x), free(e.arc), free(e.head), free(e.table), free(e.rank), free(e.chosen);
    free(b.ins), free(b.outs), free(b.words), free(b.scores);
    return st;
}
