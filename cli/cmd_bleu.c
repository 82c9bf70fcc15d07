/* rlm bleu: corpus BLEU-4 of hypothesis translations against one reference each, as sacreBLEU
 * --tokenize none computes it (decoder-glue/rlm_metrics.h), and per-sentence smoothed BLEU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "rlm_metrics.h"

static const char usage_text[] =
    "usage: rlm bleu [--plain] [--smooth exp|none] [--sentences] REF HYP\n"
    "Corpus BLEU-4 of HYP against REF (one reference per segment; tokens are the space-separated\n"
    "words as given: tokenise both files first). Prints sacreBLEU's line:\n"
    "  BLEU = score p1/p2/p3/p4 (BP = bp ratio = hyp/ref hyp_len = c ref_len = r)\n"
    "REF and HYP hold `utt-id word word ...` lines (Kaldi text) matched by id, or with --plain\n"
    "one segment a line, matched by line number.\n"
    "  --smooth exp   sacreBLEU's default: the k-th order without any match gets precision\n"
    "                 1 / (2^k * total) (the default here too)\n"
    "  --smooth none  multi-bleu.perl: an order without any match makes BLEU 0\n"
    "  --sentences    also print each segment's add-one smoothed BLEU (Lin & Och 2004), as\n"
    "                 used for reranking: `id<TAB>bleu`\n";

int cmd_bleu(int argc, char **argv) {
    int plain = 0, sentences = 0;
    const char *smooth_name = "exp";
    const arg_spec specs[] = {
        {"--plain", ARG_FLAG, &plain},
        {"--smooth", ARG_STRING, &smooth_name},
        {"--sentences", ARG_FLAG, &sentences},
    };
    const char *pos[2] = {NULL, NULL};
    int n_pos;
    int rc = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], pos, 2, &n_pos,
                                usage_text);
    if (rc >= 0) return rc;
    if (n_pos != 2) return args_usage_error("bleu", usage_text, "%s", "expected REF and HYP");
    rlm_bleu_smooth smooth;
    if (!strcmp(smooth_name, "exp")) smooth = RLM_BLEU_SMOOTH_EXP;
    else if (!strcmp(smooth_name, "none")) smooth = RLM_BLEU_SMOOTH_NONE;
    else return args_usage_error("bleu", usage_text, "--smooth: expected exp or none, got '%s'",
                                 smooth_name);
    rlm_error err;
    rlm_transcripts *ref = NULL, *hyp = NULL;
    size_t *match = NULL;
    rc = 1;
    if (rlm_transcripts_read(pos[0], plain ? RLM_TRN_PLAIN : 0, &ref, &err) ||
        rlm_transcripts_read(pos[1], plain ? RLM_TRN_PLAIN : 0, &hyp, &err))
        goto fail;
    if (!(match = malloc((ref->n_lines ? ref->n_lines : 1) * sizeof *match))) {
        rlm_fail(&err, RLM_E_NOMEM, "out of memory");
        goto fail;
    }
    if (rlm_transcripts_match(ref, hyp, match, &err)) goto fail;
    rlm_bleu_stats total;
    memset(&total, 0, sizeof total);
    for (size_t i = 0; i < ref->n_lines; i++) {
        const rlm_transcript_line *r = &ref->lines[i], *h = &hyp->lines[match[i]];
        rlm_bleu_stats s;
        rlm_bleu_segment(r->tokens, r->n_tokens, h->tokens, h->n_tokens, &s);
        if (sentences) printf("%s\t%.4f\n", r->id, rlm_bleu_sentence_smoothed(&s));
        rlm_bleu_add(&total, &s);
    }
    double p[RLM_BLEU_ORDER], bp;
    double bleu = rlm_bleu_score(&total, smooth, p, &bp);
    printf("BLEU = %.2f %.1f/%.1f/%.1f/%.1f (BP = %.3f ratio = %.3f hyp_len = %lld ref_len = %lld)\n",
           bleu, p[0], p[1], p[2], p[3], bp,
           total.ref_len ? (double)total.hyp_len / (double)total.ref_len : 0.0,
           (long long)total.hyp_len, (long long)total.ref_len);
    rc = 0;
fail:
    if (rc) fprintf(stderr, "rlm bleu: %s\n", err.message);
    free(match);
    rlm_transcripts_free(ref);
    rlm_transcripts_free(hyp);
    return rc;
}
