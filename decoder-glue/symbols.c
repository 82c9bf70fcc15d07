/* Symbol tables (rlm_symbols.h): the words live in a string table (lm/strtab.h) whose own
 * indices are dense; two arrays translate between those and the file's possibly sparse ids. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "nbest_internal.h"
#include "rlm_symbols.h"
#include "strtab.h"

struct rlm_symbols {
    rlm_strtab words;
    int32_t *id_of;   /* strtab index -> id */
    int32_t *word_of; /* id -> strtab index, -1 when unused */
    int32_t bound, cap_words, cap_ids;
};

static int grow_i32(int32_t **a, int32_t *cap, int32_t need, int fill) {
    if (need <= *cap) return 1;
    int32_t n = *cap ? *cap : 64;
    while (n < need) {
        if (n > INT32_MAX / 2) return 0;
        n *= 2;
    }
    int32_t *p = realloc(*a, (size_t)n * sizeof *p);
    if (!p) return 0;
    if (fill) memset(p + *cap, 0xff, (size_t)(n - *cap) * sizeof *p); /* every entry -1 */
    *a = p, *cap = n;
    return 1;
}

rlm_symbols *rlm_symbols_new(void) {
    rlm_symbols *s = calloc(1, sizeof *s);
    if (s && rlm_symbols_set(s, "<eps>", 5, RLM_SYMBOL_EPS, NULL) == RLM_OK) return s;
    rlm_symbols_free(s);
    return NULL;
}

void rlm_symbols_free(rlm_symbols *s) {
    if (!s) return;
    rlm_strtab_free(&s->words);
    free(s->id_of);
    free(s->word_of);
    free(s);
}

int32_t rlm_symbols_find(const rlm_symbols *s, const char *word, size_t len) {
    int32_t i = rlm_strtab_find(&s->words, word, len);
    return i < 0 ? -1 : s->id_of[i];
}

const char *rlm_symbols_word(const rlm_symbols *s, int32_t id) {
    if (id < 0 || id >= s->bound || s->word_of[id] < 0) return NULL;
    return rlm_strtab_key(&s->words, s->word_of[id]);
}

int32_t rlm_symbols_bound(const rlm_symbols *s) { return s->bound; }

rlm_status rlm_symbols_set(rlm_symbols *s, const char *word, size_t len, int32_t id,
                           rlm_error *err) {
    if (id < 0 || id > RLM_SYMBOL_MAX_ID)
        return rlm_fail(err, RLM_E_ARG, "symbol id %ld out of range (0 to %ld)", (long)id,
                        (long)RLM_SYMBOL_MAX_ID);
    int32_t have = rlm_symbols_find(s, word, len);
    if (have == id) return RLM_OK;
    if (have >= 0)
        return rlm_fail(err, RLM_E_ARG, "word '%.*s' has id %ld already, not %ld",
                        (int)(len > 60 ? 60 : len), word, (long)have, (long)id);
    if (id < s->bound && s->word_of[id] >= 0)
        return rlm_fail(err, RLM_E_ARG, "id %ld is word '%s' already, not '%.*s'", (long)id,
                        rlm_symbols_word(s, id), (int)(len > 60 ? 60 : len), word);
    if (!grow_i32(&s->word_of, &s->cap_ids, id + 1, 1) ||
        !grow_i32(&s->id_of, &s->cap_words, s->words.n + 1, 0))
        return rlm_fail(err, RLM_E_NOMEM, "symbol table: out of memory");
    int added;
    int32_t i = rlm_strtab_add(&s->words, word, len, &added);
    if (i < 0) return rlm_fail(err, RLM_E_NOMEM, "symbol table: out of memory");
    s->id_of[i] = id;
    s->word_of[id] = i;
    if (id >= s->bound) s->bound = id + 1;
    return RLM_OK;
}

int32_t rlm_symbols_add(rlm_symbols *s, const char *word, size_t len) {
    int32_t id = rlm_symbols_find(s, word, len);
    if (id >= 0) return id;
    return rlm_symbols_set(s, word, len, s->bound, NULL) == RLM_OK ? s->bound - 1 : -1;
}

rlm_status rlm_symbols_read(const char *path, rlm_symbols **out, rlm_error *err) {
    *out = NULL;
    size_t size;
    char *text = glue_load_file(path, &size, err);
    if (!text) return err ? err->status : RLM_E_IO;
    rlm_symbols *s = calloc(1, sizeof *s);
    rlm_status st = s ? RLM_OK : rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", path);
    nbest_file f = nbest_file_init(text, size, path);
    const char *line, *w, *id, *rest;
    size_t len, wl, il, rl, pos;
    while (st == RLM_OK && nbest_next_line(&f, &line, &len, err, &st)) {
        pos = 0;
        if (!nbest_field(line, len, &pos, &w, &wl)) continue;
        long v;
        if (!nbest_field(line, len, &pos, &id, &il) || nbest_field(line, len, &pos, &rest, &rl)) {
            st = rlm_fail(err, RLM_E_FORMAT, "%s:%ld: id: expected 'word id'", path, f.line);
            break;
        }
        if (il == 1 && id[0] == '0') v = 0;
        else if ((st = nbest_rank(&f, "id", id, il, &v, err))) break;
        if (v > RLM_SYMBOL_MAX_ID) {
            st = rlm_fail(err, RLM_E_FORMAT, "%s:%ld: id: %ld is above the largest id, %ld", path,
                          f.line, v, (long)RLM_SYMBOL_MAX_ID);
            break;
        }
        rlm_error e;
        if (rlm_symbols_set(s, w, wl, (int32_t)v, &e))
            st = rlm_fail(err, e.status == RLM_E_ARG ? RLM_E_FORMAT : e.status, "%s:%ld: %s",
                          path, f.line, e.message);
    }
    free(text);
    if (st) {
        rlm_symbols_free(s);
        return st;
    }
    *out = s;
    return RLM_OK;
}

rlm_status rlm_symbols_write(const rlm_symbols *s, const char *path, rlm_error *err) {
    rlm_atomic_file af;
    rlm_status st = rlm_atomic_open(&af, path, err);
    if (st) return st;
    for (int32_t id = 0; id < s->bound; id++) {
        const char *w = rlm_symbols_word(s, id);
        if (w) fprintf(af.f, "%s\t%ld\n", w, (long)id);
    }
    return rlm_atomic_commit(&af, err);
}
