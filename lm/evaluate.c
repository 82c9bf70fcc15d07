/* Corpus perplexity with the unrolled network (batch of one stream, chunks of EVAL_STEPS), so
 * evaluation runs the same code as training and is fast: the input products of a chunk are one
 * sgemm. */
#include <math.h>

#include "net.h"
#include "rlm_eval.h"
#include "softmax.h"

#define EVAL_STEPS 64
double rlm_eval_perplexity(const rlm_eval_result *r) {
    size_t n = r->tokens - r->oov;
    return n ? pow(10.0, -r->log10prob / (double)n) : NAN;
}

double rlm_eval_perplexity_unk(const rlm_eval_result *r) {
    return r->tokens ? pow(10.0, -r->log10prob_unk / (double)r->tokens) : NAN;
}

rlm_status rlm_model_eval_corpus(const rlm_model *m, const rlm_corpus *c, float *per_token,
                                 rlm_eval_result *out, rlm_error *err) {
    *out = (rlm_eval_result){0};
    out->sentences = c->n_sentences;
    rlm_net net;
    rlm_status s = rlm_net_init(&net, m, 1, EVAL_STEPS, 0, err);
    if (s != RLM_OK) return s;
    int32_t x[EVAL_STEPS];
    uint8_t reset[EVAL_STEPS];
    float lp[EVAL_STEPS];
    const int independent = m->cfg.independent_sentences;
    /* Inputs are the previous token, `</s>` before the first: the begin state. */
    for (size_t pos = 0; pos < c->n_ids; pos += EVAL_STEPS) {
        const size_t len = c->n_ids - pos < EVAL_STEPS ? c->n_ids - pos : EVAL_STEPS;
        rlm_net_set_steps(&net, (int)len);
        for (size_t t = 0; t < len; t++) {
            x[t] = pos + t == 0 ? RLM_EOS_ID : c->ids[pos + t - 1];
            reset[t] = pos + t == 0 || (independent && x[t] == RLM_EOS_ID);
        }
        rlm_net_forward(&net, x, c->ids + pos, reset, NULL, lp);
        for (size_t t = 0; t < len; t++) {
            double l10 = lp[t] * RLM_LN_TO_LOG10;
            if (per_token) per_token[pos + t] = (float)l10;
            out->log10prob_unk += l10;
            if (c->ids[pos + t] == RLM_UNK_ID)
                out->oov++;
            else
                out->log10prob += l10;
        }
        out->tokens += len;
    }
    rlm_net_free(&net);
    return RLM_OK;
}
