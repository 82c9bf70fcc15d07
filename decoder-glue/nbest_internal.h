/* Shared by the n-best readers and writers (internal): a line cursor over a file in memory,
 * number parsing with file:line: field errors, and the per-format entry points. */
#ifndef RLM_NBEST_INTERNAL_H
#define RLM_NBEST_INTERNAL_H

#include <stdio.h>

#include "file_load.h"
#include "rlm_nbest.h"

/* Scores are printed with SRILM's precision, enough to read back what was read. */
#define NBEST_FMT "%.15g"
#define NBEST_LN10 2.302585092994045684
/* log10(1.0001): pocketsphinx's log base; SRILM's bytelog scale 1024 / (10000.5 ln 10) */
#define NBEST_PS_LOG10 4.342727686266485e-05
#define NBEST_BYTELOG_LOG10 (1024.0 / 10000.5 / NBEST_LN10)

typedef struct nbest_file {
    const char *data, *name;
    size_t size, pos;
    long line;      /* number of the line last returned, from 1 */
} nbest_file;

static inline nbest_file nbest_file_init(const char *data, size_t size, const char *name) {
    nbest_file f = {data, name, size, 0, 0};
    return f;
}

/* The next line without its "\n" (and "\r"); 0 at the end. A NUL byte is an error. */
int nbest_next_line(nbest_file *f, const char **line, size_t *len, rlm_error *err,
                    rlm_status *st);

/* Next field of s[*pos..len) separated by spaces/tabs; 0 when none is left. */
int nbest_field(const char *s, size_t len, size_t *pos, const char **tok, size_t *tok_len);

/* A finite number that fills the token; else an RLM_E_FORMAT "name:line: field: expected a
 * number, got 'tok'". */
rlm_status nbest_number(const nbest_file *f, const char *field, const char *tok, size_t len,
                        double *out, rlm_error *err);

/* The utterance a hypothesis of `rank` (from 1) belongs to: the last one when `id` is its id,
 * else a new one. Ranks must run 1, 2, 3, ... within an utterance; `field` names the rank in
 * the error. */
rlm_status nbest_utt_for_rank(rlm_nbest *nb, const nbest_file *f, const char *field,
                              const char *id, size_t id_len, long rank, rlm_nbest_utt **u,
                              rlm_error *err);

/* An integer rank >= 1 that fills the token. */
rlm_status nbest_rank(const nbest_file *f, const char *field, const char *tok, size_t len,
                      long *out, rlm_error *err);

/* Fixed column layout of an ASR format: "ac" then "lm". */
int nbest_add_ac_lm(rlm_nbest *nb);

rlm_status nbest_parse_kaldi(rlm_nbest *nb, nbest_file *files, int n, const char *symbols,
                             rlm_error *err);
rlm_status nbest_parse_srilm(rlm_nbest *nb, nbest_file *files, int n, rlm_error *err);
rlm_status nbest_parse_moses(rlm_nbest *nb, nbest_file *files, int n, rlm_error *err);
rlm_status nbest_parse_pocketsphinx(rlm_nbest *nb, nbest_file *files, int n, rlm_error *err);
rlm_status nbest_parse_tsv(rlm_nbest *nb, nbest_file *files, int n, rlm_error *err);

rlm_status nbest_write_kaldi(const rlm_nbest *nb, const char *out, rlm_error *err);
rlm_status nbest_write_srilm(const rlm_nbest *nb, const char *out, rlm_error *err);
rlm_status nbest_write_moses(const rlm_nbest *nb, const char *out, rlm_error *err);
rlm_status nbest_write_pocketsphinx(const rlm_nbest *nb, const char *out, rlm_error *err);
rlm_status nbest_write_tsv(const rlm_nbest *nb, const char *out, rlm_error *err);

/* Writes "w1 w2 ..." of a hypothesis. */
void nbest_put_words(FILE *f, const rlm_nbest_hyp *h);


#endif
