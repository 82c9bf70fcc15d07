/* Normalising raw English text into the tokens a word-level vocabulary expects.
 *
 * A generic text operation (no file format): ASCII letters are lowercased (other bytes, UTF-8
 * included, are left alone); punctuation , . ; : ! ? ( ) [ ] { } " ` and quotes (ASCII ' and
 * the UTF-8 quotes U+2018 U+2019 U+201C U+201D U+00AB U+00BB) become tokens of their own; runs of
 * whitespace become one space; leading and trailing whitespace go.
 *
 * What stays inside a word, and why:
 *  - an apostrophe between two word characters ("lord's", "don't", "o'clock"): it is part of the
 *    word, and a language model should see "lord's" as one token, as PTB does not but most
 *    ASR vocabularies (CMUdict, Kaldi's) do;
 *  - a word-final apostrophe after s ("fathers'", the plural possessive, 210 times in the King
 *    James Bible); the price is that a closing single quote after an s stays attached;
 *  - '.' and ',' between two digits ("3.5", "1,000"), so numbers stay whole;
 *  - hyphens and every other byte ("burnt-offering", "&", "/").
 * Any other apostrophe is a quote and is split off. */
#ifndef RLM_TEXT_H
#define RLM_TEXT_H

#include <stddef.h>

#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

enum {
    RLM_NORMALIZE_DROP_PUNCT = 1 /* drop the punctuation tokens instead of keeping them */
};

/* Normalise one line of len bytes (a newline in it counts as whitespace). Writes at most cap
 * bytes including a terminating NUL (nothing when cap is 0) and returns the length of the whole
 * result without the NUL, as snprintf does; the result is never longer than 2 * len. */
RLM_API size_t rlm_text_normalize(const char *in, size_t len, char *out, size_t cap, int flags);

#ifdef __cplusplus
}
#endif

#endif
