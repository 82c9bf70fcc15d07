/* rlm run's scoring: 1-best files, and the baseline and oracle of n-best lists (run_score.h). */
#include "run_score.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rlm_nbest.h"

/* One hypothesis against one reference, added to *sum; its counts in *one when not NULL. */
static int add_pair(const rlm_transcript_line *ref, const char *const *hyp, size_t n_hyp,
                    run_score *sum, rlm_wer_counts *one) {
    rlm_error err = {0};
    rlm_wer_counts c;
    rlm_bleu_stats b;
    if (rlm_wer_align(ref->tokens, ref->n_tokens, hyp, n_hyp, 0, &c, NULL, NULL, &err)) {
        fprintf(stderr, "rlm run: %s\n", err.message);
        return 1;
    }
    rlm_bleu_segment(ref->tokens, ref->n_tokens, hyp, n_hyp, &b);
    if (sum) rlm_wer_add(&sum->wer, &c), rlm_bleu_add(&sum->bleu, &b);
    if (one) *one = c;
    return 0;
}

int run_score_file(const char *ref, const char *hyp, int flags, run_score *out) {
    rlm_transcripts *r = NULL, *h = NULL;
    rlm_error err = {0};
    size_t *match = NULL;
    int rc = 1;
    memset(out, 0, sizeof *out);
    if (rlm_transcripts_read(ref, flags, &r, &err) || rlm_transcripts_read(hyp, flags, &h, &err))
        goto done;
    if (!(match = malloc((r->n_lines + 1) * sizeof *match))) {
        fprintf(stderr, "rlm run: out of memory\n");
        goto done;
    }
    if (rlm_transcripts_match(r, h, match, &err)) goto done;
    rc = 0;
    for (size_t i = 0; !rc && i < r->n_lines; i++) {
        const rlm_transcript_line *l = &h->lines[match[i]];
        rc = add_pair(&r->lines[i], l->tokens, l->n_tokens, out, NULL);
    }
done:
    if (err.message[0]) fprintf(stderr, "rlm run: %s\n", err.message);
    free(match);
    rlm_transcripts_free(r);
    rlm_transcripts_free(h);
    return rc;
}

/* The oracle: the hypothesis with the fewest errors (rlm_wer_align), or with by_bleu the highest
 * smoothed sentence BLEU (corpus BLEU does not decompose into sentences; this is the usual
 * approximation). */
static int oracle_hyp(const rlm_transcript_line *ref, const rlm_nbest_utt *u, int by_bleu,
                      size_t *best) {
    double top = 0;
    for (size_t k = 0; k < u->n_hyps; k++) {
        const rlm_nbest_hyp *h = &u->hyps[k];
        const char *const *w = (const char *const *)h->words;
        rlm_wer_counts c;
        rlm_bleu_stats b;
        if (add_pair(ref, w, (size_t)h->n_words, NULL, &c)) return 1;
        rlm_bleu_segment(ref->tokens, ref->n_tokens, w, (size_t)h->n_words, &b);
        double v = by_bleu ? rlm_bleu_sentence_smoothed(&b) : -(double)(c.sub + c.del + c.ins);
        if (!k || v > top) top = v, *best = k;
    }
    return 0;
}

int run_score_lists(const char *format, const char *const *inputs, int n_inputs,
                    const char *ref, int by_bleu, run_score *baseline, run_score *oracle) {
    rlm_nbest *nb = NULL;
    rlm_transcripts *r = NULL;
    rlm_nbest_read_options opt = {0};
    rlm_error err = {0};
    char *seen = NULL;
    int rc = 1, fmt = rlm_nbest_format_parse(format);
    memset(baseline, 0, sizeof *baseline), memset(oracle, 0, sizeof *oracle);
    if (fmt < 0 || rlm_nbest_read((rlm_nbest_format)fmt, inputs, n_inputs, &opt, &nb, &err) ||
        rlm_transcripts_read(ref, 0, &r, &err))
        goto done;
    if (!(seen = calloc(r->n_lines + 1, 1))) goto done;
    rc = 0;
    for (size_t i = 0; !rc && i < nb->n_utts; i++) {
        const rlm_nbest_utt *u = &nb->utts[i];
        ptrdiff_t j = rlm_transcripts_find(r, u->id);
        if (j < 0) {
            fprintf(stderr, "rlm run: %s: utterance '%s' of the n-best lists has no reference\n",
                    ref, u->id);
            rc = 1;
            break;
        }
        seen[j] = 1;
        size_t best = 0;
        const rlm_nbest_hyp *h = &u->hyps[0];
        rc = !u->n_hyps || add_pair(&r->lines[j], (const char *const *)h->words,
                                    (size_t)h->n_words, baseline, NULL) ||
             oracle_hyp(&r->lines[j], u, by_bleu, &best);
        if (rc) break;
        h = &u->hyps[best];
        rc = add_pair(&r->lines[j], (const char *const *)h->words, (size_t)h->n_words, oracle,
                      NULL);
    }
    for (size_t j = 0; !rc && j < r->n_lines; j++)
        if (!seen[j]) {
            fprintf(stderr, "rlm run: %s:%lld: utterance '%s' has no n-best list\n", ref,
                    (long long)r->lines[j].line, r->lines[j].id);
            rc = 1;
        }
done:
    if (err.message[0]) fprintf(stderr, "rlm run: %s\n", err.message);
    free(seen);
    rlm_nbest_free(nb);
    rlm_transcripts_free(r);
    return rc;
}
