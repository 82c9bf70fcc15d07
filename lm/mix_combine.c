/* Combining per-token component scores: linear and log-linear mixtures, their perplexities, and
 * the EM estimate of linear weights (SRILM's compute-best-mix). */
#include <math.h>
#include <string.h>

#include "rlm_mix.h"

#define LN10 2.302585092994045684

/* log10 sum_i w_i 10^l_i, computed around the largest term so that probabilities far below
 * double's range (an ARPA file's -100 for <unk>, say) neither underflow nor lose the others. */
static double linear_log10(const double *w, const double *l, int n) {
    double top = -INFINITY;
    for (int i = 0; i < n; i++)
        if (w[i] > 0 && l[i] > top) top = l[i];
    if (top == -INFINITY) return -INFINITY;
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (w[i] > 0) sum += w[i] * exp((l[i] - top) * LN10);
    return top + log10(sum);
}

static void token_scores(const rlm_mix_scores *s, size_t t, double *l) {
    for (int i = 0; i < s->n_models; i++) l[i] = s->log10p[(size_t)i * s->n_tokens + t];
}

static double mix_token(const rlm_mix_scores *s, const rlm_mix_spec *spec, size_t t) {
    double l[RLM_MIX_MAX_MODELS];
    token_scores(s, t, l);
    if (spec->kind == RLM_MIX_LINEAR) return linear_log10(spec->weight, l, s->n_models);
    double sum = 0;
    for (int i = 0; i < s->n_models; i++)
        if (spec->weight[i] != 0) sum += spec->weight[i] * l[i]; /* 0 * -inf stays out */
    return sum;
}

rlm_status rlm_mix_combine(const rlm_mix_scores *s, const rlm_mix_spec *spec, float *per_token,
                           rlm_mix_result *out, rlm_error *err) {
    memset(out, 0, sizeof *out);
    if (spec->n_weights != s->n_models)
        return rlm_fail(err, RLM_E_ARG, "mixture: %d weights for %d models", spec->n_weights,
                        s->n_models);
    out->sentences = s->n_sentences;
    out->tokens = s->n_tokens;
    for (size_t t = 0; t < s->n_tokens; t++) {
        double l = mix_token(s, spec, t);
        if (per_token) per_token[t] = (float)l;
        out->log10prob_unk += l;
        if (s->flags[t] & RLM_MIX_OOV) {
            out->oov++;
            continue;
        }
        out->log10prob += l;
        for (int i = 0; i < s->n_models; i++) out->unk_share[i] += s->unk_share[t] >> i & 1u;
    }
    return RLM_OK;
}

double rlm_mix_perplexity(const rlm_mix_result *r) {
    size_t n = r->tokens - r->oov;
    return n ? pow(10.0, -r->log10prob / (double)n) : NAN;
}

double rlm_mix_perplexity_unk(const rlm_mix_result *r) {
    return r->tokens ? pow(10.0, -r->log10prob_unk / (double)r->tokens) : NAN;
}

void rlm_mix_em_options_init(rlm_mix_em_options *o) {
    memset(o, 0, sizeof *o);
    o->tolerance = 1e-4;
    o->max_iterations = 100;
}

static rlm_status check_weights(const rlm_mix_scores *s, const double *w, rlm_error *err) {
    double sum = 0;
    for (int i = 0; i < s->n_models; i++) {
        if (!(w[i] >= 0 && w[i] <= 1))
            return rlm_fail(err, RLM_E_ARG, "mixture EM: weight %d = %g is not in [0,1]", i + 1,
                            w[i]);
        sum += w[i];
    }
    if (fabs(sum - 1) > 1e-6)
        return rlm_fail(err, RLM_E_ARG, "mixture EM: weights sum to %.9g, not 1", sum);
    return RLM_OK;
}

rlm_status rlm_mix_em_step(const rlm_mix_scores *s, const double *w, int include_oov,
                           double *w_out, double *log10prob, size_t *n_fitted, rlm_error *err) {
    rlm_status st = check_weights(s, w, err);
    if (st) return st;
    const int n = s->n_models;
    double acc[RLM_MIX_MAX_MODELS] = {0}, total = 0;
    size_t fitted = 0;
    for (size_t t = 0; t < s->n_tokens; t++) {
        if (!include_oov && (s->flags[t] & RLM_MIX_OOV)) continue;
        double l[RLM_MIX_MAX_MODELS];
        token_scores(s, t, l);
        double mix = linear_log10(w, l, n);
        if (!isfinite(mix)) continue; /* no component gives it mass: nothing to attribute */
        total += mix;
        fitted++;
        /* posterior of component i: w_i P_i / P, in the log domain for the same range reason */
        for (int i = 0; i < n; i++)
            if (w[i] > 0) acc[i] += w[i] * exp((l[i] - mix) * LN10);
    }
    if (!fitted) return rlm_fail(err, RLM_E_ARG, "mixture EM: no tokens to fit");
    double sum = 0;
    for (int i = 0; i < n; i++) sum += acc[i];
    /* the posteriors of a token sum to 1, so sum == fitted up to rounding; dividing by sum keeps
     * the new weights summing to 1 exactly */
    for (int i = 0; i < n; i++) w_out[i] = acc[i] / sum;
    if (log10prob) *log10prob = total;
    if (n_fitted) *n_fitted = fitted;
    return RLM_OK;
}

rlm_status rlm_mix_em(const rlm_mix_scores *s, double *w, const rlm_mix_em_options *o,
                      int *iterations, double *ppl, rlm_error *err) {
    rlm_mix_em_options defaults;
    if (!o) {
        rlm_mix_em_options_init(&defaults);
        o = &defaults;
    }
    const int n = s->n_models;
    double next[RLM_MIX_MAX_MODELS], lp = 0;
    size_t fitted = 0;
    int it = 0;
    rlm_status st;
    for (;;) {
        st = rlm_mix_em_step(s, w, o->include_oov, next, &lp, &fitted, err);
        if (st) return st;
        double cur_ppl = pow(10.0, -lp / (double)fitted);
        if (o->on_iteration) o->on_iteration(o->ctx, it, w, n, cur_ppl);
        if (it == o->max_iterations) break; /* w has been reported; stop before moving on */
        double change = 0;
        for (int i = 0; i < n; i++) {
            double d = fabs(next[i] - w[i]);
            if (d > change) change = d;
        }
        memcpy(w, next, (size_t)n * sizeof *w);
        it++;
        if (change < o->tolerance) {
            /* the likelihood under the final weights, for the caller and the last report */
            st = rlm_mix_em_step(s, w, o->include_oov, next, &lp, &fitted, err);
            if (st) return st;
            if (o->on_iteration) o->on_iteration(o->ctx, it, w, n, pow(10.0, -lp / (double)fitted));
            break;
        }
    }
    if (iterations) *iterations = it;
    if (ppl) *ppl = pow(10.0, -lp / (double)fitted);
    return RLM_OK;
}
