#include "token_iter.h"

#include <string.h>

#include "rlm_vocab.h"

static int is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' || c == 0;
}

size_t rlm_utf8_seq_len(const unsigned char *s, size_t avail) {
    if (avail == 0) return 0;
    unsigned c = s[0];
    if (c < 0x80) return 1;
    size_t n;
    unsigned lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) n = 2;
    else if (c == 0xE0) n = 3, lo = 0xA0;              /* no overlong 3-byte forms */
    else if (c == 0xED) n = 3, hi = 0x9F;              /* no UTF-16 surrogates */
    else if (c >= 0xE1 && c <= 0xEF) n = 3;
    else if (c == 0xF0) n = 4, lo = 0x90;              /* no overlong 4-byte forms */
    else if (c >= 0xF1 && c <= 0xF3) n = 4;
    else if (c == 0xF4) n = 4, hi = 0x8F;              /* nothing past U+10FFFF */
    else return 0;
    if (avail < n || s[1] < lo || s[1] > hi) return 0;
    for (size_t i = 2; i < n; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    return n;
}

static int is_marker(const char *t, size_t n) {
    return (n == 3 && !memcmp(t, "<s>", 3)) || (n == 4 && !memcmp(t, "</s>", 4));
}

int rlm_token_next(rlm_token_iter *it, const char **tok, size_t *tok_len, int *invalid) {
    const unsigned char *s = (const unsigned char *)it->s;
    *invalid = 0;
    for (;;) {
        size_t start = it->pos;
        while (it->pos < it->len && is_space(s[it->pos])) it->pos++;
        if (it->pos == it->len) return 0;
        if (it->char_level) {
            if (it->pos > start && it->emitted) {
                /* Leave pos on the next character: it is the token after the space. */
                it->emitted = 0;
                *tok = RLM_SPACE_TOKEN;
                *tok_len = sizeof RLM_SPACE_TOKEN - 1;
                return 1;
            }
            size_t n = rlm_utf8_seq_len(s + it->pos, it->len - it->pos);
            if (n == 0) {
                n = 1;
                *invalid = 1;
            }
            *tok = it->s + it->pos;
            *tok_len = n;
            it->pos += n;
            it->emitted = 1;
            return 1;
        }
        size_t b = it->pos;
        while (it->pos < it->len && !is_space(s[it->pos])) it->pos++;
        if (is_marker(it->s + b, it->pos - b)) continue;
        *tok = it->s + b;
        *tok_len = it->pos - b;
        return 1;
    }
}
