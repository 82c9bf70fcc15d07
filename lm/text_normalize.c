/* rlm_text_normalize: lowercase, split punctuation off words, collapse whitespace. */
#include "rlm_text.h"

#include <string.h>

static int is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

static int is_digit(unsigned char c) { return c >= '0' && c <= '9'; }

/* Length of the punctuation mark at s (1..3 bytes), or 0 when s does not start one. */
static size_t punct_len(const unsigned char *s, size_t avail) {
    if (strchr(",.;:!?()[]{}\"`'", s[0]) && s[0]) return 1;
    if (avail >= 2 && s[0] == 0xC2 && (s[1] == 0xAB || s[1] == 0xBB)) return 2; /* « » */
    if (avail >= 3 && s[0] == 0xE2 && s[1] == 0x80 && s[2] >= 0x98 && s[2] <= 0x9D &&
        s[2] != 0x9A && s[2] != 0x9B)
        return 3; /* ‘ ’ “ ” */
    return 0;
}

static int is_apostrophe(const unsigned char *s, size_t n) {
    return (n == 1 && s[0] == '\'') || (n == 3 && s[2] == 0x99); /* ' or ’ */
}

/* A byte that may continue a word: not whitespace, not the start of a punctuation mark. */
static int word_byte_at(const unsigned char *s, size_t i, size_t len) {
    return i < len && !is_space(s[i]) && !punct_len(s + i, len - i);
}

typedef struct sink {
    char *out;
    size_t cap, n;
    int space; /* a separator is due before the next byte, if anything was written */
} sink;

static void put(sink *k, const unsigned char *s, size_t n) {
    if (k->space && k->n) {
        if (k->n + 1 < k->cap) k->out[k->n] = ' ';
        k->n++;
    }
    k->space = 0;
    for (size_t i = 0; i < n; i++, k->n++) {
        unsigned char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (unsigned char)(c - 'A' + 'a');
        if (k->n + 1 < k->cap) k->out[k->n] = (char)c;
    }
}

size_t rlm_text_normalize(const char *in, size_t len, char *out, size_t cap, int flags) {
    const unsigned char *s = (const unsigned char *)in;
    sink k = {out, cap, 0, 0};
    int in_word = 0; /* the previous byte written belongs to a word */
    for (size_t i = 0; i < len;) {
        if (is_space(s[i]) || s[i] == 0) {
            k.space = 1;
            in_word = 0;
            i++;
            continue;
        }
        size_t p = punct_len(s + i, len - i);
        if (p) {
            int inner = 0;
            if (in_word && (s[i] == '.' || s[i] == ',') && i > 0 && is_digit(s[i - 1]) &&
                i + 1 < len && is_digit(s[i + 1]))
                inner = 1;
            else if (in_word && is_apostrophe(s + i, p))
                inner = word_byte_at(s, i + p, len) || s[i - 1] == 's' || s[i - 1] == 'S';
            if (inner) {
                put(&k, s + i, p);
            } else {
                k.space = 1;
                if (!(flags & RLM_NORMALIZE_DROP_PUNCT)) put(&k, s + i, p);
                k.space = 1;
                in_word = 0;
            }
            i += p;
            continue;
        }
        put(&k, s + i, 1);
        in_word = 1;
        i++;
    }
    if (cap) out[k.n < cap ? k.n : cap - 1] = '\0';
    return k.n;
}
