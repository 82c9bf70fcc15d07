/* Scoring recognition and translation output: word (and character) error rate the way NIST
 * sclite counts it, corpus BLEU-4 the way sacreBLEU computes it, sentence-level smoothed BLEU for
 * reranking, and the transcript files they are read from.
 *
 * WER: Levenshtein alignment with sclite's weights (src/sclite/word.c wwd_WORD: correct 0,
 * insertion 3, deletion 3, substitution 4) and sclite's tie-breaking (src/sclite/net_dp.c: at
 * each cell a substitution or match wins when it costs no more than the deletion and the
 * insertion; else a deletion when it costs less than the insertion; else the insertion). The
 * sub/del/ins counts, not only their sum, therefore equal sclite's. Words compare as bytes
 * (case-sensitive, like Kaldi's compute-wer; sclite folds ASCII case unless given -s: pass
 * RLM_WER_FOLD_CASE for that). sclite's special tokens ("@", "(optional)" words, fragments) have
 * no special meaning here.
 *
 * BLEU: one reference per segment; clipped n-gram matches for n = 1..4 summed over the corpus,
 * brevity penalty exp(1 - r/c) when c < r, geometric mean of the four precisions. Smoothing:
 * RLM_BLEU_SMOOTH_EXP is sacreBLEU's default ('exp', also for corpus BLEU: the k-th order with
 * no match gets precision 1 / (2^k * total)); RLM_BLEU_SMOOTH_NONE is multi-bleu.perl's (any
 * order without a match makes BLEU 0). Both give 0 when no n-gram of any order matches, as
 * sacreBLEU does. Scores are in [0, 100]. */
#ifndef RLM_METRICS_H
#define RLM_METRICS_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Word error rate ---- */

typedef struct rlm_wer_counts {
    int64_t corr, sub, del, ins; /* aligned pairs of each kind */
    int64_t ref_words, hyp_words;
    int64_t sentences, sentences_with_errors;
} rlm_wer_counts;

typedef enum rlm_edit { RLM_EDIT_CORR = 0, RLM_EDIT_SUB, RLM_EDIT_DEL, RLM_EDIT_INS } rlm_edit;

typedef struct rlm_align_step {
    rlm_edit op;
    int32_t ref; /* index of the reference word, -1 for an insertion */
    int32_t hyp; /* index of the hypothesis word, -1 for a deletion */
} rlm_align_step;

enum { RLM_WER_FOLD_CASE = 1 /* ASCII letters compare case-insensitively, as sclite's default */ };

/* Aligns one sentence. Fills *counts (sentences = 1) and, when steps is not NULL, the alignment
 * from the first word on (room for n_ref + n_hyp steps) with its length in *n_steps. RLM_E_NOMEM
 * when the (n_ref+1) x (n_hyp+1) table cannot be allocated. */
RLM_API rlm_status rlm_wer_align(const char *const *ref, size_t n_ref, const char *const *hyp,
                                 size_t n_hyp, int flags, rlm_wer_counts *counts,
                                 rlm_align_step *steps, size_t *n_steps, rlm_error *err);

/* sum += c, field by field. */
RLM_API void rlm_wer_add(rlm_wer_counts *sum, const rlm_wer_counts *c);

/* 100 * (sub + del + ins) / ref_words; with no reference words 0 when there is no error, else
 * 100 per inserted word (an error rate without a denominator has no better value). */
RLM_API double rlm_wer_percent(const rlm_wer_counts *c);

/* ---- BLEU ---- */

#define RLM_BLEU_ORDER 4

/* The sufficient statistics of one segment or, summed, of a corpus. */
typedef struct rlm_bleu_stats {
    int64_t match[RLM_BLEU_ORDER]; /* clipped matches of n-grams of order n+1 */
    int64_t total[RLM_BLEU_ORDER]; /* n-grams of order n+1 in the hypothesis */
    int64_t hyp_len, ref_len;
} rlm_bleu_stats;

typedef enum rlm_bleu_smooth { RLM_BLEU_SMOOTH_EXP = 0, RLM_BLEU_SMOOTH_NONE } rlm_bleu_smooth;

/* Statistics of one hypothesis against one reference (tokens compared as bytes). */
RLM_API void rlm_bleu_segment(const char *const *ref, size_t n_ref, const char *const *hyp,
                              size_t n_hyp, rlm_bleu_stats *out);
RLM_API void rlm_bleu_add(rlm_bleu_stats *sum, const rlm_bleu_stats *s);

/* Corpus BLEU from summed statistics, in [0, 100]. precision (may be NULL) receives the four
 * precisions in percent as used (after smoothing), bp (may be NULL) the brevity penalty. */
RLM_API double rlm_bleu_score(const rlm_bleu_stats *s, rlm_bleu_smooth smooth,
                              double precision[RLM_BLEU_ORDER], double *bp);

/* Sentence-level BLEU with add-one smoothing of orders 2..4 (Lin & Och 2004, "ORANGE"):
 * p_n = (match_n + 1) / (total_n + 1) for n > 1, p_1 unsmoothed; the usual brevity penalty.
 * In [0, 100]; 0 when the hypothesis is empty or has no unigram match. */
RLM_API double rlm_bleu_sentence_smoothed(const rlm_bleu_stats *s);

/* ---- Transcript files ----
 * Kaldi style (default): `utt-id word word ...` per line, the id first, words after it (an id
 * alone is an empty transcript); a blank line is an error. Plain (RLM_TRN_PLAIN): one sentence a
 * line, ids "1", "2", ... by line number, blank lines are empty sentences. Words are separated by
 * spaces and tabs; a final line without a newline counts; "\r\n" line ends are accepted.
 * RLM_TRN_CHARS splits every word into its UTF-8 code points (for CER; spaces are not tokens,
 * as with sclite -c); invalid UTF-8 is then an error naming file, line and byte. */
enum { RLM_TRN_PLAIN = 1, RLM_TRN_CHARS = 2 };

typedef struct rlm_transcript_line {
    const char *id;
    const char *const *tokens;
    size_t n_tokens;
    int64_t line; /* 1-based line number in the file */
} rlm_transcript_line;

typedef struct rlm_transcripts {
    const char *path;
    rlm_transcript_line *lines;
    size_t n_lines;
} rlm_transcripts;

RLM_API rlm_status rlm_transcripts_read(const char *path, int flags, rlm_transcripts **out,
                                        rlm_error *err);
/* The same from memory (len bytes, called name in messages). */
RLM_API rlm_status rlm_transcripts_parse(const char *data, size_t len, const char *name, int flags,
                                         rlm_transcripts **out, rlm_error *err);
RLM_API void rlm_transcripts_free(rlm_transcripts *t);

/* Index of the line with this id, or -1 (a hash lookup). */
RLM_API ptrdiff_t rlm_transcripts_find(const rlm_transcripts *t, const char *id);

/* Matches hypotheses to references by id: hyp_of_ref[i] = index in hyp of ref line i. Errors
 * (RLM_E_FORMAT) name the file and line: a duplicate id in either file, a reference id missing
 * from hyp, a hyp id missing from ref. hyp_of_ref has ref->n_lines entries. */
RLM_API rlm_status rlm_transcripts_match(const rlm_transcripts *ref, const rlm_transcripts *hyp,
                                         size_t *hyp_of_ref, rlm_error *err);

#ifdef __cplusplus
}
#endif

#endif
