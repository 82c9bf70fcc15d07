/* Vocabularies: word-level or character-level, with frequency-binned output classes.
 *
 * Ids: 0 is `</s>`, 1 is `<unk>`, 2.. are the kept tokens in descending count (ties broken by
 * byte order, so a build is deterministic). `<s>` is not a separate id: as in Mikolov's rnnlm the
 * sentence boundary `</s>` (id 0) is also the input that starts a sentence, so looking up "<s>"
 * returns 0. A model never predicts `<s>`, so no probability mass is spent on it.
 *
 * Character level: a token is one UTF-8 code point, and the space between words is the token
 * RLM_SPACE_TOKEN ("<sp>"), so word boundaries are modelled and a line can be rebuilt.
 *
 * Splitting a line (the same in build, tokenize and corpus_load): word-level tokens are runs of
 * bytes other than ASCII whitespace (space, tab, CR, LF, VT, FF) and NUL, so CRLF text reads
 * like LF text. At word level the literal "<unk>" is the <unk> id (PTB writes it for its own
 * OOVs) and the literal markers "<s>" and "</s>" are dropped (the line end is the boundary). At
 * character level a run of whitespace between characters is one "<sp>", leading and trailing
 * whitespace give nothing, and each byte of invalid UTF-8 is <unk>. A line with no tokens is
 * not a sentence.
 *
 * Counts: `</s>` counts the sentences; `<unk>` counts the literal <unk>s, the invalid UTF-8
 * bytes and every occurrence of the tokens the min_count / max_size cut-offs removed.
 *
 * Classes (for the class-factored softmax): ids are binned in id order into num_classes classes of
 * about equal unigram probability mass, as Mikolov's rnnlm does, so every class is a contiguous
 * id range [class_begin(c), class_end(c)). */
#ifndef RLM_VOCAB_H
#define RLM_VOCAB_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RLM_EOS_ID 0
#define RLM_UNK_ID 1
#define RLM_SPACE_TOKEN "<sp>"

typedef struct rlm_vocab rlm_vocab;

typedef struct rlm_vocab_options {
    int char_level;      /* 0: whitespace-separated words; 1: UTF-8 code points + "<sp>" */
    int64_t min_count;   /* keep tokens seen at least this often (default 1) */
    int64_t max_size;    /* keep at most this many ids in all, specials included; 0 = no limit */
    int32_t num_classes; /* output classes; 0 = sqrt of the vocabulary size */
} rlm_vocab_options;

/* Defaults: word level, min_count 1, no size limit, num_classes 0 (sqrt). */
RLM_API rlm_vocab_options rlm_vocab_default_options(void);

/* Count the tokens of a text file (one sentence a line) and build a vocabulary. */
RLM_API rlm_status rlm_vocab_build(const char *text_path, const rlm_vocab_options *opt,
                                   rlm_vocab **out, rlm_error *err);

/* A vocabulary file a user can read and edit: a header line "#rlm-vocab v1 word|char classes=N"
 * then one line per id: "id<TAB>token<TAB>count<TAB>class". */
RLM_API rlm_status rlm_vocab_write(const rlm_vocab *v, const char *path, rlm_error *err);
RLM_API rlm_status rlm_vocab_read(const char *path, rlm_vocab **out, rlm_error *err);
/* rlm_vocab_read on text already in memory; `name` stands for the file name in messages. */
RLM_API rlm_status rlm_vocab_parse_text(const char *text, size_t size, const char *name,
                                        rlm_vocab **out, rlm_error *err);

/* The same content as a compact binary blob, for embedding in model files. deserialize checks
 * every length against size and names `what` (e.g. "model.bin: vocabulary") in its errors. */
RLM_API rlm_status rlm_vocab_serialize(const rlm_vocab *v, uint8_t **out, size_t *size,
                                       rlm_error *err);
RLM_API rlm_status rlm_vocab_deserialize(const uint8_t *data, size_t size, const char *what,
                                         rlm_vocab **out, rlm_error *err);

RLM_API void rlm_vocab_free(rlm_vocab *v);

RLM_API int32_t rlm_vocab_size(const rlm_vocab *v);
RLM_API int rlm_vocab_is_char_level(const rlm_vocab *v);
/* Id of a token, or -1 when it is not in the vocabulary. "<s>" gives RLM_EOS_ID. */
RLM_API int32_t rlm_vocab_find(const rlm_vocab *v, const char *token, size_t len);
/* Like find, but unknown tokens give RLM_UNK_ID. */
RLM_API int32_t rlm_vocab_id(const rlm_vocab *v, const char *token, size_t len);
RLM_API const char *rlm_vocab_token(const rlm_vocab *v, int32_t id);
RLM_API int64_t rlm_vocab_count(const rlm_vocab *v, int32_t id);

RLM_API int32_t rlm_vocab_num_classes(const rlm_vocab *v);
RLM_API int32_t rlm_vocab_class_of(const rlm_vocab *v, int32_t id);
RLM_API int32_t rlm_vocab_class_begin(const rlm_vocab *v, int32_t cls);
RLM_API int32_t rlm_vocab_class_end(const rlm_vocab *v, int32_t cls);
/* Re-bin the ids into num_classes classes (0 = round(sqrt(size)); more than size is clamped to
 * size), e.g. when a model is trained with another class count than the vocabulary file has. */
RLM_API rlm_status rlm_vocab_set_num_classes(rlm_vocab *v, int32_t num_classes, rlm_error *err);

/* Split one line (no trailing newline needed) into ids, mapping unknown tokens to RLM_UNK_ID.
 * Writes at most cap ids and returns how many tokens the line has (which may exceed cap: call
 * again with a bigger buffer). No `</s>` is appended. If oov is not NULL it receives the number of
 * tokens that were not in the vocabulary. Invalid UTF-8 at character level maps to <unk>. */
RLM_API size_t rlm_vocab_tokenize(const rlm_vocab *v, const char *line, size_t len, int32_t *ids,
                                  size_t cap, size_t *oov);

/* A whole text as one id stream: each line's tokens followed by RLM_EOS_ID. Empty lines are
 * skipped. */
typedef struct rlm_corpus {
    int32_t *ids;
    size_t n_ids;
    size_t n_sentences;
    size_t n_oov; /* tokens mapped to <unk> because the vocabulary lacks them */
} rlm_corpus;

RLM_API rlm_status rlm_corpus_load(const rlm_vocab *v, const char *text_path, rlm_corpus *out,
                                   rlm_error *err);
RLM_API void rlm_corpus_free(rlm_corpus *c);

#ifdef __cplusplus
}
#endif

#endif
