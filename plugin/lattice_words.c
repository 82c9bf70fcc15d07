/* Non-words and LM word ids of lattice labels (lattice_words.h). */
#include <stdlib.h>
#include <string.h>

#include "lattice_rescore.h"
#include "lattice_words.h"

const char *const rlm_lattice_default_nonwords[] = {
    "<s>", "</s>", "<sil>", "!NULL", "!SENT_START", "!SENT_END", "[*]", "+*+", NULL};

/* An exact word, or prefix*suffix with the '*' matching one or more characters. */
static int matches(const char *word, size_t len, const char *pattern) {
    const char *star = strchr(pattern, '*');
    if (!star) return strlen(pattern) == len && !memcmp(pattern, word, len);
    size_t pre = (size_t)(star - pattern), suf = strlen(star + 1);
    return len > pre + suf && !memcmp(word, pattern, pre) &&
           !memcmp(word + len - suf, star + 1, suf);
}

int rlm_lattice_is_nonword(const char *word, const char *const *nonwords, int n) {
    size_t len = strlen(word);
    if (!nonwords) {
        nonwords = rlm_lattice_default_nonwords;
        for (n = 0; nonwords[n]; n++) continue;
    }
    for (int i = 0; i < n; i++)
        if (matches(word, len, nonwords[i])) return 1;
    return 0;
}

/* pocketsphinx and HTK dictionaries mark variants "word(2)"; the LM knows "word". */
size_t rlm_lattice_word_length(const char *word) {
    size_t len = strlen(word), i = len;
    if (len < 4 || word[len - 1] != ')') return len;
    for (i = len - 1; i > 0 && word[i - 1] >= '0' && word[i - 1] <= '9'; i--) continue;
    return i >= 2 && i < len - 1 && word[i - 1] == '(' ? i - 1 : len;
}

rlm_status lattice_lm_ids(const rlm_lattice *lat, const char *const *nonwords, int n_nonwords,
                          const rlm_scorer *sc, int32_t **out, rlm_error *err) {
    int32_t bound = rlm_symbols_bound(lat->symbols);
    int32_t *id = malloc(((size_t)bound + 1) * sizeof *id);
    unsigned char *done = calloc((size_t)bound + 1, 1);
    if (!id || !done) {
        free(id), free(done);
        return rlm_fail(err, RLM_E_NOMEM, "lattice %s: out of memory", lat->id);
    }
    for (size_t a = 0; a < lat->n_arcs; a++) {
        int32_t label = lat->arcs[a].word;
        const char *w = label >= 0 && label < bound ? rlm_symbols_word(lat->symbols, label) : NULL;
        if (!w && label != RLM_SYMBOL_EPS)
            return free(id), free(done),
                   rlm_fail(err, RLM_E_FORMAT, "lattice %s: arc %zu: label %ld is not in the "
                            "symbol table", lat->id, a, (long)label);
        if (done[label]) continue;
        done[label] = 1;
        if (label == RLM_SYMBOL_EPS || rlm_lattice_is_nonword(w, nonwords, n_nonwords))
            id[label] = -1;
        else
            id[label] = sc ? rlm_scorer_word_id(sc, w, rlm_lattice_word_length(w)) : 0;
    }
    free(done);
    *out = id;
    return RLM_OK;
}
