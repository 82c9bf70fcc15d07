/* ARPA back-off n-gram language models, scored exactly as KenLM scores them.
 *
 * Log base: every probability and back-off weight in and out of this API is log10, as in the ARPA
 * file and in KenLM. Convert at your edge (natural log = log10 * ln 10).
 *
 * A model is read from an ARPA file (plain, gzip or xz, detected by magic bytes) or from rlm's own
 * binary n-gram file (`rlm ngram build-binary`), which is mapped with mmap and ready in
 * milliseconds. After loading, a model is immutable and may be shared by any number of threads.
 *
 * Scoring speaks KenLM's State language: a decoder keeps one rlm_ngram_state per hypothesis, starts
 * from rlm_ngram_begin_state() (context `<s>`) or rlm_ngram_null_state() (no context), and calls
 * rlm_ngram_score(model, in, word, out, &len) for each word, `</s>` included. States are small
 * values: copy them with `=`, recombine hypotheses with rlm_ngram_state_equal/_hash. A state holds
 * only the words that can still extend a match (KenLM's minimized right context), so two histories
 * with the same future behaviour give equal states.
 *
 * Word ids are the model's own: 0 is `<unk>` (RLM_NGRAM_UNK), the other words are numbered from 1
 * in the order of the ARPA 1-gram section, which is KenLM's numbering for its probing model. */
#ifndef RLM_NGRAM_H
#define RLM_NGRAM_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Highest n-gram order this build can load (KenLM's default KENLM_MAX_ORDER is 6). */
#define RLM_NGRAM_MAX_ORDER 7

/* The unknown word. A model always has it: if the ARPA file lists no `<unk>`, it gets
 * log10 probability rlm_ngram_options.unk_log10prob (KenLM's default, -100). */
#define RLM_NGRAM_UNK 0u

typedef uint32_t rlm_ngram_word;
typedef struct rlm_ngram rlm_ngram;

/* Right context of a hypothesis: words[0] is the most recent word; backoff[i] is the log10
 * back-off weight of the (i+1)-gram words[i]..words[0]. Only the first `length` entries are
 * meaningful; equality and hashing look at nothing else. */
typedef struct rlm_ngram_state {
    rlm_ngram_word words[RLM_NGRAM_MAX_ORDER - 1];
    float backoff[RLM_NGRAM_MAX_ORDER - 1];
    uint8_t length;
} rlm_ngram_state;

typedef struct rlm_ngram_options {
    /* log10 probability given to `<unk>` when the ARPA file has no `<unk>` 1-gram (KenLM: -100). */
    float unk_log10prob;
    /* Binary files: 1 (default) reads the whole file once to check its checksum; 0 trusts it and
     * only checks the header and section bounds (faster for very large files). */
    int verify_checksum;
} rlm_ngram_options;

/* Fill opts with the defaults above. Passing NULL options to a loader means the same. */
RLM_API void rlm_ngram_options_init(rlm_ngram_options *opts);

/* Load an ARPA file (plain, .gz or .xz by content) or an rlm binary n-gram file. On failure *out is
 * NULL and err holds "path:line: field: what was expected". */
RLM_API rlm_status rlm_ngram_open(const char *path, const rlm_ngram_options *opts, rlm_ngram **out,
                                  rlm_error *err);

/* Read an ARPA model (plain, gzip or xz bytes) from memory; `name` is used in error messages. The
 * buffer is not referenced after the call returns. */
RLM_API rlm_status rlm_ngram_read_arpa_memory(const void *data, size_t size, const char *name,
                                              const rlm_ngram_options *opts, rlm_ngram **out,
                                              rlm_error *err);

/* Use an rlm binary n-gram image that is already in memory (for example embedded in a program).
 * The model points into `data`, which must stay valid, unchanged and 8-byte aligned until
 * rlm_ngram_close(). */
RLM_API rlm_status rlm_ngram_open_binary_memory(const void *data, size_t size, const char *name,
                                                const rlm_ngram_options *opts, rlm_ngram **out,
                                                rlm_error *err);

/* Write the model in rlm's binary format. The write is atomic: a temporary file next to `path` is
 * written, fsync'ed and renamed, so a crash never leaves a partial file under `path`. */
RLM_API rlm_status rlm_ngram_write_binary(const rlm_ngram *model, const char *path, rlm_error *err);

RLM_API void rlm_ngram_close(rlm_ngram *model);

RLM_API int rlm_ngram_order(const rlm_ngram *model);
/* Number of n-grams of order n (1..order) as listed in the ARPA header. */
RLM_API uint64_t rlm_ngram_count(const rlm_ngram *model, int n);
/* Number of word ids (valid ids are 0 .. vocab_size-1). */
RLM_API uint32_t rlm_ngram_vocab_size(const rlm_ngram *model);
/* 1 if the ARPA file listed `<unk>`, 0 if the default unk_log10prob was substituted. */
RLM_API int rlm_ngram_has_unk(const rlm_ngram *model);

/* Map a word to the model's id; unknown words map to RLM_NGRAM_UNK. `len` is the byte length. */
RLM_API rlm_ngram_word rlm_ngram_index(const rlm_ngram *model, const char *word, size_t len);
/* The spelling of an id ("<unk>" for 0), or NULL when the id is out of range. */
RLM_API const char *rlm_ngram_word_string(const rlm_ngram *model, rlm_ngram_word id);
RLM_API rlm_ngram_word rlm_ngram_bos(const rlm_ngram *model); /* `<s>` */
RLM_API rlm_ngram_word rlm_ngram_eos(const rlm_ngram *model); /* `</s>` */

/* Context `<s>` (what a sentence starts from), and the empty context. */
RLM_API void rlm_ngram_begin_state(const rlm_ngram *model, rlm_ngram_state *out);
RLM_API void rlm_ngram_null_state(const rlm_ngram *model, rlm_ngram_state *out);

/* log10 p(word | in) with KenLM's back-off rules; writes the successor state to *out and, when
 * ngram_length is not NULL, the length of the n-gram that matched (1 = unigram). `in` and `out`
 * may point to the same state. Score `</s>` (rlm_ngram_eos) to end a sentence. Ids out of range
 * are scored as RLM_NGRAM_UNK. */
RLM_API float rlm_ngram_score(const rlm_ngram *model, const rlm_ngram_state *in,
                              rlm_ngram_word word, rlm_ngram_state *out, int *ngram_length);

/* Equal states have equal futures: every continuation scores the same from either. */
RLM_API int rlm_ngram_state_equal(const rlm_ngram_state *a, const rlm_ngram_state *b);
RLM_API uint64_t rlm_ngram_state_hash(const rlm_ngram_state *s);

#ifdef __cplusplus
}
#endif

#endif
