/* Splits one line of text into the tokens a vocabulary counts and looks up, so that building a
 * vocabulary and tokenizing a corpus agree token for token. Internal to librlm.
 *
 * Word level: tokens are runs of bytes other than ASCII whitespace (space, tab, CR, LF, VT, FF)
 * and NUL. The literal tokens "<s>" and "</s>" are sentence markers some corpora carry; they are
 * dropped, because the end of a line already is the sentence boundary.
 * Character level: each UTF-8 code point is a token; a run of whitespace between two characters
 * is one RLM_SPACE_TOKEN; leading and trailing whitespace give nothing. A byte that does not
 * start a valid UTF-8 sequence (overlong forms, surrogates and values past U+10FFFF included) is
 * a token of its own, flagged invalid. */
#ifndef RLM_TOKEN_ITER_H
#define RLM_TOKEN_ITER_H

#include <stddef.h>

typedef struct rlm_token_iter {
    const char *s;
    size_t len, pos;
    int char_level;
    int emitted; /* a token has been produced: whitespace after it may become "<sp>" */
} rlm_token_iter;

static inline rlm_token_iter rlm_token_iter_init(const char *s, size_t len, int char_level) {
    rlm_token_iter it = {s, len, 0, char_level, 0};
    return it;
}

/* 1 and the next token in tok and tok_len (invalid set for a bad UTF-8 byte), or 0 at the end. */
int rlm_token_next(rlm_token_iter *it, const char **tok, size_t *tok_len, int *invalid);

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when s[0] does not start one. */
size_t rlm_utf8_seq_len(const unsigned char *s, size_t avail);

#endif
