/* An insert-only table of byte strings: each distinct string gets the next index (0, 1, ...), so
 * the table doubles as the id map of a vocabulary. Internal to librlm (not installed). */
#ifndef RLM_STRTAB_H
#define RLM_STRTAB_H

#include <stddef.h>
#include <stdint.h>

typedef struct rlm_strtab {
    char *bytes;     /* every key, NUL-terminated, back to back (offsets survive realloc) */
    size_t n_bytes, cap_bytes;
    size_t *off;     /* off[i]: start of key i in bytes */
    size_t *len;     /* len[i]: its length without the NUL */
    size_t cap_off, cap_len;
    int32_t n;       /* keys stored */
    int32_t *slots;  /* open addressing, linear probing; slot holds index + 1, 0 when empty */
    size_t n_slots;  /* a power of two, at least 2 * n */
} rlm_strtab;

/* All-zero is an empty table; free releases it and leaves it empty again. */
void rlm_strtab_free(rlm_strtab *t);
/* Index of the key, or -1. */
int32_t rlm_strtab_find(const rlm_strtab *t, const char *s, size_t len);
/* Index of the key, added when new (*added = 1); -1 when out of memory or the table is full. */
int32_t rlm_strtab_add(rlm_strtab *t, const char *s, size_t len, int *added);

static inline const char *rlm_strtab_key(const rlm_strtab *t, int32_t i) {
    return t->bytes + t->off[i];
}

#endif
