/* Fuzz target: the bytes as a transcript file (Kaldi, plain, words, UTF-8 characters), then every
 * line aligned with the first (WER) and scored with BLEU. Whatever parses must be consistent:
 * the counts add up to the sentence lengths and BLEU stays within [0, 100]. */
#include <stdint.h>
#include <stdlib.h>

#include "rlm_metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    for (int flags = 0; flags < 4; flags++) {
        rlm_transcripts *t;
        if (rlm_transcripts_parse((const char *)data, size, "fuzz", flags, &t, NULL)) continue;
        for (size_t i = 0; i < t->n_lines && t->n_lines; i++) {
            const rlm_transcript_line *a = &t->lines[0], *b = &t->lines[i];
            if (rlm_transcripts_find(t, b->id) != (ptrdiff_t)i) abort();
            rlm_wer_counts c;
            if (rlm_wer_align(a->tokens, a->n_tokens, b->tokens, b->n_tokens, flags & 1, &c, NULL,
                              NULL, NULL))
                continue;
            if (c.corr + c.sub + c.del != (int64_t)a->n_tokens ||
                c.corr + c.sub + c.ins != (int64_t)b->n_tokens)
                abort();
            rlm_bleu_stats s;
            rlm_bleu_segment(a->tokens, a->n_tokens, b->tokens, b->n_tokens, &s);
            double x = rlm_bleu_score(&s, RLM_BLEU_SMOOTH_EXP, NULL, NULL);
            double y = rlm_bleu_sentence_smoothed(&s);
            if (!(x >= 0 && x <= 100.0000001) || !(y >= 0 && y <= 100.0000001)) abort();
        }
        rlm_transcripts_free(t);
    }
    return 0;
}
