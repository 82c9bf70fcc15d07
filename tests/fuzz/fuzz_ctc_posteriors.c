/* Fuzz target: the bytes as a CTC posterior file (rlm_ctc.h), natural-log and log10, with the
 * columns free and fixed to 4; whatever parses is decoded over {blank, a, b, space} without an LM
 * and must give scores that are not NaN and not above frames * log10 4, hypotheses best first,
 * and texts of the alphabet only. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rlm_ctc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *labels[] = {"<blank>", "a", "b", "<space>"};
    rlm_ctc_alphabet *a = NULL;
    if (rlm_ctc_alphabet_new(labels, 4, &a, NULL)) abort();
    rlm_ctc_options o;
    rlm_ctc_options_init(&o);
    o.beam = 4;
    rlm_ctc_decoder *d = NULL;
    if (rlm_ctc_decoder_new(a, NULL, &o, &d, NULL)) abort();
    for (int k = 0; k < 4; k++) {
        rlm_ctc_posteriors *p = NULL;
        if (rlm_ctc_posteriors_parse((const char *)data, size, "fuzz", k & 1 ? 4 : 0,
                                     k & 2 ? RLM_CTC_LOG_E : 0, &p, NULL))
            continue;
        if (!p->n_utts) abort();
        for (size_t u = 0; u < p->n_utts && p->n_labels == 4; u++) {
            const rlm_ctc_utterance *x = &p->utts[u];
            for (int64_t i = 0; i < x->frames * 4; i++)
                if (isnan(x->log10post[i]) || x->log10post[i] > 0) abort();
            if (rlm_ctc_decode(d, x->log10post, x->frames, 4, NULL)) abort();
            for (int i = 0; i < rlm_ctc_decoder_n_hyps(d); i++) {
                const rlm_ctc_hyp *h = rlm_ctc_decoder_hyp(d, i);
                /* rows need not sum to 1, but no probability exceeds 1: at most L^frames */
                if (isnan(h->total) || h->total > (double)x->frames * log10(4.0) + 1e-3) abort();
                if (i && h->total > rlm_ctc_decoder_hyp(d, i - 1)->total) abort();
                if (strspn(h->text, "ab ") != strlen(h->text)) abort();
            }
        }
        rlm_ctc_posteriors_free(p);
    }
    rlm_ctc_decoder_free(d);
    rlm_ctc_alphabet_free(a);
    return 0;
}
