/* Grid search plus shrinking-step coordinate descent over score weights (plugin/rlm_tune.h). */
#include <stdlib.h>
#include <string.h>

#include "rlm_tune.h"

typedef struct search {
    const rlm_tune_problem *p;
    const rlm_tune_options *o;
    rlm_tune_result *r;
    size_t cap;
    double *sums;
    int max_evals;
} search;

static int better(const rlm_tune_problem *p, double a, double b) {
    return p->maximize ? a > b : a < b;
}

/* Metric at params; appends the point to the table. -1 when out of memory. */
static int evaluate(search *s, const double *params, int local, double *metric) {
    const rlm_tune_problem *p = s->p;
    memset(s->sums, 0, (size_t)p->n_stats * sizeof *s->sums);
    for (size_t u = 0; u < p->n_utts; u++) {
        size_t best = p->utt_start[u];
        double best_score = 0;
        for (size_t h = p->utt_start[u]; h < p->utt_start[u + 1]; h++) {
            double sc = p->score(p->features + h * (size_t)p->n_features, params, p->score_ctx);
            if (h == p->utt_start[u] || sc > best_score) best = h, best_score = sc;
        }
        if (p->utt_start[u] == p->utt_start[u + 1]) continue; /* no hypothesis: nothing to add */
        for (int k = 0; k < p->n_stats; k++) s->sums[k] += p->stats[best * (size_t)p->n_stats + k];
    }
    *metric = p->metric(s->sums, p->metric_ctx);
    if (s->r->n_table == s->cap) {
        size_t cap = s->cap ? 2 * s->cap : 64;
        rlm_tune_point *t = realloc(s->r->table, cap * sizeof *t);
        if (!t) return -1;
        s->r->table = t, s->cap = cap;
    }
    rlm_tune_point *pt = &s->r->table[s->r->n_table++];
    memset(pt, 0, sizeof *pt);
    memcpy(pt->params, params, (size_t)s->o->n_dims * sizeof *params);
    pt->metric = *metric;
    pt->local = local;
    return 0;
}

static double grid_value(const rlm_tune_dim *d, int i) {
    return d->grid == 1 ? d->lo : d->lo + (d->hi - d->lo) * i / (d->grid - 1);
}

rlm_status rlm_tune_search(const rlm_tune_problem *p, const rlm_tune_options *o,
                           rlm_tune_result *out, rlm_error *err) {
    memset(out, 0, sizeof *out);
    if (o->n_dims < 1 || o->n_dims > RLM_TUNE_MAX_DIMS)
        return rlm_fail(err, RLM_E_ARG, "tune: %d weights to search, expected 1..%d", o->n_dims,
                        RLM_TUNE_MAX_DIMS);
    size_t n_grid = 1;
    for (int d = 0; d < o->n_dims; d++) {
        const rlm_tune_dim *dm = &o->dim[d];
        if (!(dm->lo <= dm->hi) || dm->grid < 1 || dm->grid > 1000)
            return rlm_fail(err, RLM_E_ARG, "tune: %s: expected lo <= hi and 1..1000 grid points, got [%g, %g] with %d",
                            dm->name ? dm->name : "weight", dm->lo, dm->hi, dm->grid);
        n_grid *= (size_t)dm->grid;
    }
    if (n_grid > 1000000)
        return rlm_fail(err, RLM_E_ARG, "tune: %zu grid points, at most 1000000", n_grid);
    search s = {p, o, out, 0, calloc((size_t)p->n_stats + 1, sizeof(double)),
                o->max_evals > 0 ? o->max_evals : 10000};
    if (!s.sums) return rlm_fail(err, RLM_E_NOMEM, "tune: out of memory");
    double params[RLM_TUNE_MAX_DIMS] = {0}, best[RLM_TUNE_MAX_DIMS] = {0}, best_metric = 0, m;
    /* the grid, first dimension slowest */
    for (size_t g = 0; g < n_grid; g++) {
        size_t rest = g;
        for (int d = o->n_dims - 1; d >= 0; d--) {
            params[d] = grid_value(&o->dim[d], (int)(rest % (size_t)o->dim[d].grid));
            rest /= (size_t)o->dim[d].grid;
        }
        if (evaluate(&s, params, 0, &m)) goto nomem;
        if (g == 0 || better(p, m, best_metric)) best_metric = m, memcpy(best, params, sizeof best);
    }
    /* coordinate descent: try +-step on each weight, move on a strict improvement; halve every
     * step after a pass without one */
    double step[RLM_TUNE_MAX_DIMS], min_step[RLM_TUNE_MAX_DIMS];
    double frac = o->min_step_fraction > 0 ? o->min_step_fraction : 1e-3;
    for (int d = 0; d < o->n_dims; d++) {
        const rlm_tune_dim *dm = &o->dim[d];
        double range = dm->hi - dm->lo;
        step[d] = (dm->grid > 1 ? range / (dm->grid - 1) : range) / 2;
        min_step[d] = frac * range;
    }
    for (;;) {
        int active = 0, moved = 0;
        for (int d = 0; d < o->n_dims; d++) {
            if (!(step[d] >= min_step[d]) || step[d] <= 0) continue;
            active = 1;
            for (int sign = 1; sign >= -1; sign -= 2) {
                if (out->n_table >= (size_t)s.max_evals) goto done;
                memcpy(params, best, sizeof params);
                params[d] = best[d] + sign * step[d];
                if (params[d] > o->dim[d].hi) params[d] = o->dim[d].hi;
                if (params[d] < o->dim[d].lo) params[d] = o->dim[d].lo;
                if (params[d] == best[d]) continue;
                if (evaluate(&s, params, 1, &m)) goto nomem;
                if (better(p, m, best_metric)) {
                    best_metric = m, memcpy(best, params, sizeof best), moved = 1;
                    break;
                }
            }
        }
        if (!active) break;
        if (!moved)
            for (int d = 0; d < o->n_dims; d++) step[d] /= 2;
    }
done:
    memcpy(out->best.params, best, sizeof best);
    out->best.metric = best_metric;
    free(s.sums);
    return RLM_OK;
nomem:
    free(s.sums);
    rlm_tune_result_free(out);
    return rlm_fail(err, RLM_E_NOMEM, "tune: out of memory");
}

void rlm_tune_result_free(rlm_tune_result *r) {
    free(r->table);
    memset(r, 0, sizeof *r);
}
