#include "strtab.h"

#include <stdlib.h>
#include <string.h>

/* FNV-1a: short keys (words, characters) dominate, and it has no setup cost. */
static uint64_t hash_bytes(const char *s, size_t len) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ull;
    }
    return h ^ (h >> 29);
}

void rlm_strtab_free(rlm_strtab *t) {
    free(t->bytes);
    free(t->off);
    free(t->len);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static int key_equals(const rlm_strtab *t, int32_t i, const char *s, size_t len) {
    return t->len[i] == len && memcmp(t->bytes + t->off[i], s, len) == 0;
}

int32_t rlm_strtab_find(const rlm_strtab *t, const char *s, size_t len) {
    if (!t->n_slots) return -1;
    size_t mask = t->n_slots - 1;
    for (size_t j = hash_bytes(s, len) & mask;; j = (j + 1) & mask) {
        int32_t k = t->slots[j];
        if (!k) return -1;
        if (key_equals(t, k - 1, s, len)) return k - 1;
    }
}

static int rehash(rlm_strtab *t, size_t n_slots) {
    int32_t *slots = calloc(n_slots, sizeof *slots);
    if (!slots) return -1;
    for (int32_t i = 0; i < t->n; i++) {
        size_t j = hash_bytes(rlm_strtab_key(t, i), t->len[i]) & (n_slots - 1);
        while (slots[j]) j = (j + 1) & (n_slots - 1);
        slots[j] = i + 1;
    }
    free(t->slots);
    t->slots = slots;
    t->n_slots = n_slots;
    return 0;
}

static int grow(void **p, size_t elem, size_t *cap, size_t need) {
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem) return -1;
        c *= 2;
    }
    void *q = realloc(*p, c * elem);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

int32_t rlm_strtab_add(rlm_strtab *t, const char *s, size_t len, int *added) {
    if (added) *added = 0;
    int32_t i = rlm_strtab_find(t, s, len);
    if (i >= 0) return i;
    if (t->n == INT32_MAX - 1 || len > SIZE_MAX - t->n_bytes - 1) return -1;
    /* Keep the load factor at most 1/2 so probes stay short. */
    if ((size_t)(t->n + 1) * 2 > t->n_slots && rehash(t, t->n_slots ? t->n_slots * 2 : 64))
        return -1;
    if (grow((void **)&t->off, sizeof *t->off, &t->cap_off, (size_t)t->n + 1) ||
        grow((void **)&t->len, sizeof *t->len, &t->cap_len, (size_t)t->n + 1))
        return -1;
    if (grow((void **)&t->bytes, 1, &t->cap_bytes, t->n_bytes + len + 1)) return -1;
    memcpy(t->bytes + t->n_bytes, s, len);
    t->bytes[t->n_bytes + len] = '\0';
    t->off[t->n] = t->n_bytes;
    t->len[t->n] = len;
    t->n_bytes += len + 1;
    size_t mask = t->n_slots - 1, j = hash_bytes(s, len) & mask;
    while (t->slots[j]) j = (j + 1) & mask;
    t->slots[j] = ++t->n;
    if (added) *added = 1;
    return t->n - 1;
}
