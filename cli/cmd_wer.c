/* rlm wer: word (or character) error rate of hypothesis transcripts against references, counted
 * as NIST sclite counts it (decoder-glue/rlm_metrics.h), with sclite's summary table and, on
 * request, its per-utterance alignments. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "rlm_metrics.h"

static const char usage_text[] =
    "usage: rlm wer [--plain] [--char] [--ignore-case] [--details] REF HYP\n"
    "Word error rate of HYP against REF: Levenshtein alignment with NIST sclite's weights\n"
    "(substitution 4, insertion 3, deletion 3) and tie-breaking, so the counts of substitutions,\n"
    "deletions and insertions equal sclite's. Prints sclite's summary row (percent, then counts)\n"
    "and Kaldi's `%WER` line.\n"
    "REF and HYP hold `utt-id word word ...` lines (Kaldi text), matched by id: an id missing on\n"
    "either side is an error naming the file and line.\n"
    "  --plain        REF and HYP are plain text, one sentence a line, matched by line number\n"
    "  --char         character error rate: align the UTF-8 characters of the words (spaces are\n"
    "                 not characters, as with sclite -c)\n"
    "  --ignore-case  ASCII letters compare case-insensitively (sclite's default; without this\n"
    "                 option words compare exactly, as sclite -s and Kaldi's compute-wer do)\n"
    "  --details      print each utterance's alignment first, as sclite -o pralign does\n";

/* Column width of an aligned pair: the longer word (bytes; '*' fill for the missing side). */
static size_t pair_width(const char *r, const char *h) {
    size_t a = r ? strlen(r) : 0, b = h ? strlen(h) : 0;
    return a > b ? a : b;
}

static void put_cell(const char *w, size_t width, int upper) {
    size_t n = 0;
    if (!w) {
        for (; n < width; n++) putchar('*');
    } else {
        for (; w[n]; n++) putchar(upper ? toupper((unsigned char)w[n]) : w[n]);
    }
    for (; n < width; n++) putchar(' ');
    putchar(' ');
}

static void print_alignment(const rlm_transcript_line *ref, const rlm_transcript_line *hyp,
                            const rlm_wer_counts *c, const rlm_align_step *s, size_t n) {
    static const char eval[] = " SDI";
    printf("id: (%s)\nScores: (#C #S #D #I) %lld %lld %lld %lld\n", ref->id, (long long)c->corr,
           (long long)c->sub, (long long)c->del, (long long)c->ins);
    for (int row = 0; row < 3; row++) {
        fputs(row == 0 ? "REF:  " : row == 1 ? "HYP:  " : "Eval: ", stdout);
        for (size_t k = 0; k < n; k++) {
            const char *r = s[k].ref >= 0 ? ref->tokens[s[k].ref] : NULL;
            const char *h = s[k].hyp >= 0 ? hyp->tokens[s[k].hyp] : NULL;
            size_t w = pair_width(r, h);
            int err = s[k].op != RLM_EDIT_CORR;
            if (row == 0) put_cell(r, w, err);
            else if (row == 1) put_cell(h, w, err);
            else printf("%c%*s ", eval[s[k].op], (int)(w ? w - 1 : 0), "");
        }
        putchar('\n');
    }
    putchar('\n');
}

static double pct(int64_t a, int64_t b) { return b ? 100.0 * (double)a / (double)b : 0.0; }

static void print_summary(const char *ref, const char *hyp, int chars, const rlm_wer_counts *t) {
    int64_t err = t->sub + t->del + t->ins, n = t->ref_words;
    printf("rlm wer: %s against %s (%s; sclite weights: substitution 4, insertion 3, deletion 3)\n",
           hyp, ref, chars ? "characters" : "words");
    printf(",-------------------------------------------------------------------.\n"
           "|         | # Snt  # Wrd |  Corr    Sub    Del    Ins    Err  S.Err |\n"
           "|---------+--------------+-------------------------------------------|\n");
    printf("| Sum/Avg |%6lld %6lld | %5.1f  %5.1f  %5.1f  %5.1f  %5.1f  %5.1f |\n",
           (long long)t->sentences, (long long)n, pct(t->corr, n), pct(t->sub, n),
           pct(t->del, n), pct(t->ins, n), pct(err, n),
           pct(t->sentences_with_errors, t->sentences));
    printf("| Sum     |%6lld %6lld | %5lld  %5lld  %5lld  %5lld  %5lld  %5lld |\n",
           (long long)t->sentences, (long long)n, (long long)t->corr, (long long)t->sub,
           (long long)t->del, (long long)t->ins, (long long)err,
           (long long)t->sentences_with_errors);
    printf("`-------------------------------------------------------------------'\n");
    printf("%%%s %.2f [ %lld / %lld, %lld ins, %lld del, %lld sub ]\n", chars ? "CER" : "WER",
           rlm_wer_percent(t), (long long)err, (long long)n, (long long)t->ins,
           (long long)t->del, (long long)t->sub);
}

int cmd_wer(int argc, char **argv) {
    int plain = 0, chars = 0, fold = 0, details = 0;
    const arg_spec specs[] = {
        {"--plain", ARG_FLAG, &plain},
        {"--char", ARG_FLAG, &chars},
        {"--ignore-case", ARG_FLAG, &fold},
        {"--details", ARG_FLAG, &details},
    };
    const char *pos[2] = {NULL, NULL};
    int n_pos;
    int rc = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], pos, 2, &n_pos,
                                usage_text);
    if (rc >= 0) return rc;
    if (n_pos != 2) return args_usage_error("wer", usage_text, "%s", "expected REF and HYP");
    int flags = (plain ? RLM_TRN_PLAIN : 0) | (chars ? RLM_TRN_CHARS : 0);
    rlm_error err;
    rlm_transcripts *ref = NULL, *hyp = NULL;
    size_t *match = NULL;
    rlm_align_step *steps = NULL;
    rc = 1;
    if (rlm_transcripts_read(pos[0], flags, &ref, &err) ||
        rlm_transcripts_read(pos[1], flags, &hyp, &err))
        goto fail;
    if (!(match = malloc((ref->n_lines ? ref->n_lines : 1) * sizeof *match))) {
        rlm_fail(&err, RLM_E_NOMEM, "out of memory");
        goto fail;
    }
    if (rlm_transcripts_match(ref, hyp, match, &err)) goto fail;
    rlm_wer_counts total = {0};
    for (size_t i = 0; i < ref->n_lines; i++) {
        const rlm_transcript_line *r = &ref->lines[i], *h = &hyp->lines[match[i]];
        rlm_wer_counts c;
        size_t n_steps = 0;
        if (details) {
            free(steps);
            if (!(steps = malloc((r->n_tokens + h->n_tokens + 1) * sizeof *steps))) {
                rlm_fail(&err, RLM_E_NOMEM, "out of memory");
                goto fail;
            }
        }
        if (rlm_wer_align(r->tokens, r->n_tokens, h->tokens, h->n_tokens,
                          fold ? RLM_WER_FOLD_CASE : 0, &c, details ? steps : NULL, &n_steps,
                          &err))
            goto fail;
        if (details) print_alignment(r, h, &c, steps, n_steps);
        rlm_wer_add(&total, &c);
    }
    print_summary(pos[0], pos[1], chars, &total);
    rc = 0;
fail:
    if (rc) fprintf(stderr, "rlm wer: %s\n", err.message);
    free(steps);
    free(match);
    rlm_transcripts_free(ref);
    rlm_transcripts_free(hyp);
    return rc;
}
