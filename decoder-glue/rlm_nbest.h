/* N-best lists in memory, and the decoder formats they are read from and written to.
 *
 * One rlm_nbest holds utterances (an id each), each with hypotheses: the words and one number per
 * named score column. Every reader produces this structure and every writer takes it, so a list
 * read in one format can be rescored and written back in the same format with a new column.
 *
 * Log base: every score column of an ASR format holds a log10 probability, higher is better; the
 * reader converts from the file's base and the writer converts back:
 *   Kaldi         costs c = -ln P (ac-cost and lm-cost files)       log10 = -c / ln 10
 *   SRILM plain   `ascore lscore nwords w1 ...` in log10            as is
 *   SRILM 1.0     `NBestList1.0` then `(bytelog) w1 ...`            log10 = b * 1024 / (10000.5 ln 10)
 *                 (SRILM Prob.h BytelogToLogP: bytelog = rint(ln P * 10000.5 / 1024)); the one
 *                 score is the total, read into column "ac" as SRILM's own reader does
 *   pocketsphinx  log base 1.0001 (`utt rank ascore lscore nwords w1 ...`)  log10 = s * log10(1.0001)
 *   TSV           log10                                             as is
 * Moses feature values and the Moses total are kept as given: they are a log-linear model's
 * inputs and output, not probabilities of one base.
 *
 * Columns: every hypothesis of a list has the same columns (Moses: one per feature value, a
 * feature with several values gives several columns of the same name, in order). Well-known
 * names: "ac" (acoustic), "lm" (the decoder's LM), "total" (Moses), "nwords" (SRILM's word
 * count). rlm_nbest_add_column appends a column; writers put added columns where the format has
 * room for them (a Kaldi cost file, a Moses feature, a TSV column).
 *
 * The structs are read by callers; build and change them only through the functions below. */
#ifndef RLM_NBEST_H
#define RLM_NBEST_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rlm_nbest_format {
    RLM_NBEST_KALDI = 0,    /* `utt-rank w1 w2 ...` text (+ `utt-rank cost` ac and lm files) */
    RLM_NBEST_SRILM,        /* one file per utterance: plain or NBestList1.0 */
    RLM_NBEST_MOSES,        /* `id ||| text ||| name= v v name2= v ||| total` */
    RLM_NBEST_POCKETSPHINX, /* `utt rank ascore lscore w1 ...`, log base 1.0001 (our text form) */
    RLM_NBEST_TSV           /* [#header] `utt<TAB>rank<TAB>ac<TAB>lm[<TAB>extra...]<TAB>words` */
} rlm_nbest_format;

typedef struct rlm_nbest_hyp {
    char **words;   /* n_words NUL-terminated words */
    int n_words;
    double *score;  /* one value per column of the list */
    double total;   /* the ranking score: after reading, the format's own (ac + lm, or Moses
                       total); after rlm_nbest_rerank, the new one */
} rlm_nbest_hyp;

typedef struct rlm_nbest_utt {
    char *id;
    rlm_nbest_hyp *hyps;
    size_t n_hyps, cap;
} rlm_nbest_utt;

typedef struct rlm_nbest {
    rlm_nbest_format format;
    int srilm_version;   /* 0 plain, 1 NBestList1.0 */
    int n_columns;
    char **column;       /* column names */
    rlm_nbest_utt *utts;
    size_t n_utts, cap;
    struct rlm_nbest_chunk *arena; /* every string and score array lives here */
} rlm_nbest;

RLM_API rlm_nbest *rlm_nbest_new(rlm_nbest_format format);
RLM_API void rlm_nbest_free(rlm_nbest *nb);

/* "kaldi", "srilm", "moses", "pocketsphinx", "tsv" -> format, or -1. */
RLM_API int rlm_nbest_format_parse(const char *name);
RLM_API const char *rlm_nbest_format_name(rlm_nbest_format f);

/* Building. A column must be added before the first hypothesis, or by rlm_nbest_add_column,
 * which gives every existing hypothesis the value 0 in it. Returns the column index, -1 when out
 * of memory. */
RLM_API int rlm_nbest_add_column(rlm_nbest *nb, const char *name);
/* Index of the first column called name, or -1. */
RLM_API int rlm_nbest_column(const rlm_nbest *nb, const char *name);
RLM_API rlm_nbest_utt *rlm_nbest_add_utt(rlm_nbest *nb, const char *id, size_t id_len);
/* Appends a hypothesis with a copy of the words (each of lens[i] bytes) and zero scores. */
RLM_API rlm_nbest_hyp *rlm_nbest_add_hyp(rlm_nbest *nb, rlm_nbest_utt *u,
                                         const char *const *words, const size_t *lens, int n);
/* Splits text (len bytes) at runs of spaces and tabs and adds the words as a hypothesis. */
RLM_API rlm_nbest_hyp *rlm_nbest_add_hyp_text(rlm_nbest *nb, rlm_nbest_utt *u, const char *text,
                                              size_t len);

/* total = base + lm_weight * score[lm_col] + wip * n_words for every hypothesis, where base is
 * column base_col (the acoustic score; Moses: its total), then sorts each utterance's hypotheses
 * by total, best first (stable: ties keep their order). All log10 for the ASR formats. A column
 * of -1 counts as 0. RLM_E_NOMEM leaves the order as it was. */
RLM_API rlm_status rlm_nbest_rerank(rlm_nbest *nb, int base_col, int lm_col, double lm_weight,
                                    double wip, rlm_error *err);
/* Sorts each utterance's hypotheses by the totals they hold, best first (stable), as
 * rlm_nbest_rerank does after setting them. RLM_E_NOMEM leaves the order as it was. */
RLM_API rlm_status rlm_nbest_sort(rlm_nbest *nb, rlm_error *err);

/* ---- Readers: `paths` as the format takes them; every error names file:line: field ----
 *   kaldi:        TEXT [AC_COSTS [LM_COSTS]]; with a symbol table (words.txt), TEXT holds
 *                 integer word ids
 *   srilm:        one file per utterance; its id is the file name without directory and
 *                 without a trailing ".gz", ".nbest" or ".txt"
 *   moses, pocketsphinx, tsv: one or more files, read in order */
typedef struct rlm_nbest_read_options {
    const char *symbols; /* Kaldi words.txt (`word id` per line), or NULL for words as text */
} rlm_nbest_read_options;

RLM_API rlm_status rlm_nbest_read(rlm_nbest_format f, const char *const *paths, int n_paths,
                                  const rlm_nbest_read_options *opt, rlm_nbest **out,
                                  rlm_error *err);

/* The same from memory: files[i] holds sizes[i] bytes and is called names[i] in messages. */
RLM_API rlm_status rlm_nbest_parse(rlm_nbest_format f, const char *const *files,
                                   const size_t *sizes, const char *const *names, int n_files,
                                   const rlm_nbest_read_options *opt, rlm_nbest **out,
                                   rlm_error *err);

/* ---- Writers: atomic (each file appears whole or not at all) ----
 *   kaldi:        OUT (text), OUT.ac and OUT.lm (costs, -ln), OUT.NAME for any other column
 *   srilm:        OUT is a directory (created if missing): one file ID per utterance; plain
 *                 `ac lm nwords words`, or NBestList1.0 with the bytelog of the total
 *   moses:        OUT; an added column becomes a feature `NAME= value` before the total
 *   pocketsphinx: OUT; ac and lm written back in base 1.0001 (rounded to integers)
 *   tsv:          OUT, with a `#` header naming the columns
 * Hypotheses are written in their current order and ranked from 1 (Kaldi: `utt-1`, ...; Moses
 * keeps the id, which is the sentence number). */
RLM_API rlm_status rlm_nbest_write(const rlm_nbest *nb, const char *out, rlm_error *err);

/* `utt w1 w2 ...` with each utterance's first hypothesis (Kaldi-style text), atomically. */
RLM_API rlm_status rlm_nbest_write_best(const rlm_nbest *nb, const char *path, rlm_error *err);

#ifdef __cplusplus
}
#endif

#endif
