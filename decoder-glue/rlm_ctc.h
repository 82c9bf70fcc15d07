/* A reference CTC prefix beam search with shallow fusion of the rlm scorer (rlm_scorer.h).
 *
 * Log base: every score in and out of this header is a log10, like the scorer's. Acoustic models
 * emit natural-log posteriors: convert them (log10 p = ln p / ln 10) before rlm_ctc_decode, or let
 * rlm_ctc_posteriors_parse do it (RLM_CTC_LOG_E).
 *
 * Input: a T x L matrix of per-frame label log10 posteriors, row-major, L = the alphabet size.
 * The alphabet lists the labels in column order: one blank ("<blank>"), optionally one word
 * boundary ("<space>", "<sp>" or " ", written out as a space), the rest are output text (one
 * character each for a character LM, but any UTF-8 string works).
 *
 * Search (Graves 2012, Hannun et al. 2014): each prefix (label sequence after collapsing repeats
 * and removing blanks) keeps P_b and P_nb, the acoustic probability of the frames so far over the
 * alignments that end in a blank and in a non-blank. A frame extends each live prefix by the blank
 * (same prefix), by its own last label (same prefix, or the prefix + that label again after a
 * blank) and by every other label; extensions to equal prefixes are merged by adding
 * probabilities; the best `beam` prefixes by fused score survive. A space at the start or after a
 * space adds nothing to the text (it counts like a blank), so texts have single spaces; at the end
 * a trailing space is dropped, and prefixes that differ only by it are one text whose fused
 * probabilities add (the reported acoustic is then the sum over both, lm that of the better one).
 *
 * Fused score of a prefix: log10(P_b + P_nb) + alpha * lm + beta * n, lm the sum of the LM
 * log10 probabilities of its n scored tokens; at the end alpha * log10 P(</s> | prefix) is added
 * (not counted in n). Modes:
 *   RLM_CTC_LM_CHAR: every label is an LM token as it is emitted (the space is the model's
 *     "<sp>" token; other labels are looked up with rlm_scorer_word_id, unknown ones score as
 *     <unk> with the scorer's OOV penalty); beta is a per-character bonus.
 *   RLM_CTC_LM_WORD: a word is scored when a space or the end completes it; the partial word is
 *     not scored (no look-ahead), beta is a per-word bonus.
 *   RLM_CTC_LM_NONE: the acoustic probability alone (alpha and beta unused).
 * All new (prefix, token) pairs of one frame are scored in one rlm_scorer_score_batch call (the
 * final words and </s> in one call each); a prefix's LM score is computed once, when the prefix
 * is first made.
 *
 * Threads: a decoder is used by one thread at a time; decoders may share one scorer. The scorer's
 * history table grows with every prefix: a long-running caller clears it between utterances
 * (rlm_scorer_clear_histories) when no other decoder uses the scorer. */
#ifndef RLM_CTC_H
#define RLM_CTC_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_scorer.h"
#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Alphabet ---- */

typedef struct rlm_ctc_alphabet {
    char **labels; /* L strings, column order; the space label is stored as " " */
    int n_labels;
    int blank;     /* index of "<blank>" */
    int space;     /* index of the word boundary, -1 when there is none */
} rlm_ctc_alphabet;

/* An alphabet from n labels (copied). Errors (RLM_E_ARG) name the label index: an empty label,
 * whitespace inside a label, a duplicate, no blank or two blanks, two spaces. */
RLM_API rlm_status rlm_ctc_alphabet_new(const char *const *labels, int n, rlm_ctc_alphabet **out,
                                        rlm_error *err);
/* An alphabet file: one label a line in column order (a final line without a newline counts,
 * "\r\n" is accepted); errors (RLM_E_FORMAT) are "path:line: label: ...". */
RLM_API rlm_status rlm_ctc_alphabet_read(const char *path, rlm_ctc_alphabet **out, rlm_error *err);
RLM_API rlm_status rlm_ctc_alphabet_parse(const char *data, size_t len, const char *name,
                                          rlm_ctc_alphabet **out, rlm_error *err);
RLM_API void rlm_ctc_alphabet_free(rlm_ctc_alphabet *a);

/* ---- Posterior files ----
 * Kaldi's text matrix format (copy-matrix ark,t:-), one matrix per utterance:
 *     utt-id  [
 *       -0.01 -5.2 -4.7
 *       -3.1 -0.05 -6.0 ]
 * an id, "[", then one frame a line (L numbers), the last frame's line ending in "]"; "utt [ ]"
 * is an utterance of no frames, and a frame may also start on the "[" line. Numbers are log
 * posteriors (natural log with RLM_CTC_LOG_E, else log10), each at most 1e-3 (a small positive
 * rounding error is accepted) or -inf; every frame has the same L columns (n_labels when it is
 * given, else the first frame's). Errors (RLM_E_FORMAT) are "name:line: field: ...", the field
 * being the utterance id, frame and column. */
enum { RLM_CTC_LOG_E = 1 };

typedef struct rlm_ctc_utterance {
    char *id;
    int64_t frames;
    float *log10post; /* frames x n_labels, log10 */
    int64_t line;     /* where the id is */
} rlm_ctc_utterance;

typedef struct rlm_ctc_posteriors {
    rlm_ctc_utterance *utts;
    size_t n_utts;
    int n_labels;
} rlm_ctc_posteriors;

/* n_labels: the expected columns, or 0 to take the first frame's count. */
RLM_API rlm_status rlm_ctc_posteriors_parse(const char *data, size_t len, const char *name,
                                            int n_labels, int flags, rlm_ctc_posteriors **out,
                                            rlm_error *err);
RLM_API rlm_status rlm_ctc_posteriors_read(const char *path, int n_labels, int flags,
                                           rlm_ctc_posteriors **out, rlm_error *err);
RLM_API void rlm_ctc_posteriors_free(rlm_ctc_posteriors *p);

/* ---- Decoder ---- */

typedef enum rlm_ctc_lm_mode {
    RLM_CTC_LM_NONE = 0,
    RLM_CTC_LM_CHAR,
    RLM_CTC_LM_WORD
} rlm_ctc_lm_mode;

typedef struct rlm_ctc_options {
    int beam;                 /* prefixes kept after each frame (default 16) */
    int top_k;                /* per frame, try only the k most probable non-blank labels;
                                 0 = all (default) */
    float min_log10post;      /* per frame, skip non-blank labels below this log10 posterior
                                 (default -INFINITY: none) */
    rlm_ctc_lm_mode lm_mode;  /* default RLM_CTC_LM_NONE */
    float lm_weight;          /* alpha (default 1) */
    float bonus;              /* beta, log10 per scored token (default 0) */
    int per_beam_scoring;     /* 1: one rlm_scorer_score call per pair instead of one batch per
                                 frame (same results up to rounding; for benchmarks) */
} rlm_ctc_options;

RLM_API void rlm_ctc_options_init(rlm_ctc_options *o);

typedef struct rlm_ctc_decoder rlm_ctc_decoder;

/* A decoder over an alphabet and a scorer the caller keeps alive (sc may be NULL only with
 * RLM_CTC_LM_NONE). RLM_E_ARG for a bad option (beam < 1, top_k < 0, NaN weights) or a word
 * mode without a space label. */
RLM_API rlm_status rlm_ctc_decoder_new(const rlm_ctc_alphabet *a, const rlm_scorer *sc,
                                       const rlm_ctc_options *o, rlm_ctc_decoder **out,
                                       rlm_error *err);
RLM_API void rlm_ctc_decoder_free(rlm_ctc_decoder *d);

typedef struct rlm_ctc_hyp {
    const char *text;   /* labels concatenated, the space label as " " */
    double total;       /* fused log10 score, end of sentence included */
    double acoustic;    /* log10 (P_b + P_nb) of the final frame */
    double lm;          /* log10 LM probability of the scored tokens and </s> (0 without LM) */
    int32_t n_tokens;   /* tokens the bonus counted (characters or words) */
} rlm_ctc_hyp;

/* Decodes frames x n_labels log10 posteriors (n_labels must be the alphabet's). Afterwards
 * rlm_ctc_decoder_hyp(d, 0 .. rlm_ctc_decoder_n_hyps(d) - 1) are the final prefixes, best first
 * (at most beam); they stay valid until the next decode. RLM_E_NOMEM when memory runs out (also
 * inside the scorer). */
RLM_API rlm_status rlm_ctc_decode(rlm_ctc_decoder *d, const float *log10post, int64_t frames,
                                  int n_labels, rlm_error *err);
RLM_API int rlm_ctc_decoder_n_hyps(const rlm_ctc_decoder *d);
RLM_API const rlm_ctc_hyp *rlm_ctc_decoder_hyp(const rlm_ctc_decoder *d, int i);

/* Counters since the decoder was made. */
typedef struct rlm_ctc_stats {
    uint64_t frames;
    uint64_t prefixes;      /* distinct prefixes made */
    uint64_t lm_pairs;      /* (state, token) pairs scored */
    uint64_t lm_calls;      /* rlm_scorer_score_batch calls (batched) or rlm_scorer_score calls
                               (per_beam_scoring) */
    uint64_t lm_frames;     /* frames that needed an LM score: with batching, lm_calls equals
                               lm_frames plus the end-of-utterance calls */
} rlm_ctc_stats;

RLM_API void rlm_ctc_decoder_stats(const rlm_ctc_decoder *d, rlm_ctc_stats *out);

#ifdef __cplusplus
}
#endif

#endif
