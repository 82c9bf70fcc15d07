/* A symbol table: words <-> integer labels, as OpenFst and Kaldi keep them in words.txt
 * (`word id` a line, id 0 conventionally `<eps>`). Lattice readers and writers share one table,
 * so a rescorer maps each label to its LM word once, not once per arc.
 *
 * Ids need not be dense (Kaldi tables may skip numbers); rlm_symbols_add gives a new word the id
 * one above the largest in use. */
#ifndef RLM_SYMBOLS_H
#define RLM_SYMBOLS_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

#define RLM_SYMBOL_EPS 0 /* the empty label; its word is "<eps>" in a new table */
/* The largest id a table takes: ids index arrays, so a stray huge id in a file must not make
 * the table allocate gigabytes; 2^24 - 1 is above any vocabulary's size. */
#define RLM_SYMBOL_MAX_ID ((1 << 24) - 1)

typedef struct rlm_symbols rlm_symbols;

/* A table holding only `<eps>` = 0; NULL when out of memory. */
RLM_API rlm_symbols *rlm_symbols_new(void);
RLM_API void rlm_symbols_free(rlm_symbols *s);

/* Reads a text symbol table (`word id` a line, spaces or tabs; blank lines skipped). A word
 * given two ids or an id given two words is an error naming file:line. The table need not list
 * `<eps>`; when it does not, 0 is left free. */
RLM_API rlm_status rlm_symbols_read(const char *path, rlm_symbols **out, rlm_error *err);
/* Writes every word in id order, `word\tid` a line, atomically. */
RLM_API rlm_status rlm_symbols_write(const rlm_symbols *s, const char *path, rlm_error *err);

/* The id of a word, or -1. */
RLM_API int32_t rlm_symbols_find(const rlm_symbols *s, const char *word, size_t len);
/* The id of a word, added with the next free id when new; -1 when out of memory. */
RLM_API int32_t rlm_symbols_add(rlm_symbols *s, const char *word, size_t len);
/* Gives `word` the id `id` (0 .. RLM_SYMBOL_MAX_ID). RLM_E_ARG when the word has another id or the id another
 * word; setting an existing pair again is fine. */
RLM_API rlm_status rlm_symbols_set(rlm_symbols *s, const char *word, size_t len, int32_t id,
                                   rlm_error *err);
/* The word of an id, or NULL when no word has it. */
RLM_API const char *rlm_symbols_word(const rlm_symbols *s, int32_t id);
/* One above the largest id in use (ids run 0 .. bound - 1, with gaps). */
RLM_API int32_t rlm_symbols_bound(const rlm_symbols *s);

#ifdef __cplusplus
}
#endif

#endif
