/* Parsing and checking a mixture specification such as "linear:0.5" or "loglinear:0.7,0.3". */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "rlm_mix.h"

/* Sum of linear weights may be off by this much, so weights printed with a few decimals (as
 * rlm mix-weights prints them) are accepted as they are. */
#define SUM_TOLERANCE 1e-4

rlm_status rlm_mix_spec_parse(const char *text, int n_models, const char *what,
                              rlm_mix_spec *out, rlm_error *err) {
    memset(out, 0, sizeof *out);
    if (n_models < 1 || n_models > RLM_MIX_MAX_MODELS)
        return rlm_fail(err, RLM_E_ARG, "%s: %d models; a mixture has 1 to %d", what, n_models,
                        RLM_MIX_MAX_MODELS);
    const char *colon = strchr(text, ':');
    size_t kind_len = colon ? (size_t)(colon - text) : strlen(text);
    if (kind_len == 6 && !strncmp(text, "linear", 6))
        out->kind = RLM_MIX_LINEAR;
    else if (kind_len == 9 && !strncmp(text, "loglinear", 9))
        out->kind = RLM_MIX_LOGLINEAR;
    else
        return rlm_fail(err, RLM_E_ARG,
                        "%s: '%s': expected linear:W or loglinear:W (W = weight of the first "
                        "model, or a comma list with one weight per model)", what, text);
    if (!colon || !colon[1])
        return rlm_fail(err, RLM_E_ARG, "%s: '%s': missing weights after '%.*s:'", what, text,
                        (int)kind_len, text);

    const char *p = colon + 1;
    int n = 0;
    for (;;) {
        if (n == RLM_MIX_MAX_MODELS)
            return rlm_fail(err, RLM_E_ARG, "%s: '%s': more than %d weights", what, text,
                            RLM_MIX_MAX_MODELS);
        char *end;
        errno = 0;
        double w = strtod(p, &end);
        if (end == p || errno || !isfinite(w) || (*end && *end != ','))
            return rlm_fail(err, RLM_E_ARG, "%s: weight %d: '%.*s' is not a number", what, n + 1,
                            (int)strcspn(p, ","), p);
        if (out->kind == RLM_MIX_LINEAR && (w < 0 || w > 1))
            return rlm_fail(err, RLM_E_ARG, "%s: weight %d: %g: linear weights must be in [0,1]",
                            what, n + 1, w);
        out->weight[n++] = w;
        if (!*end) break;
        p = end + 1;
    }
    /* One number for a two-model mixture is the common case (`--mix linear:0.5`); with more
     * models it would be ambiguous how to share the rest, so a full list is required. */
    if (n == 1 && n_models == 2) {
        out->weight[1] = 1.0 - out->weight[0];
        n = 2;
    }
    if (n != n_models)
        return rlm_fail(err, RLM_E_ARG,
                        "%s: '%s': %d weight%s for %d models; give one weight per model, in the "
                        "order RNN, then each --ngram", what, text, n, n == 1 ? "" : "s",
                        n_models);
    out->n_weights = n;
    if (out->kind == RLM_MIX_LINEAR) {
        double sum = 0;
        for (int i = 0; i < n; i++) sum += out->weight[i];
        if (fabs(sum - 1.0) > SUM_TOLERANCE)
            return rlm_fail(err, RLM_E_ARG, "%s: '%s': linear weights sum to %g, not 1", what,
                            text, sum);
        for (int i = 0; i < n; i++) out->weight[i] /= sum;
    }
    return RLM_OK;
}
