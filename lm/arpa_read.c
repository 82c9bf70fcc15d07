/* ARPA reader: streams the text once and builds the probing tables directly.
 *
 * What KenLM accepts, we accept with KenLM's result; what it rejects, we reject with the line:
 * - lines before `\data\` must be blank or start with '#'; nothing but blank lines after `\end\`;
 * - each section must hold exactly the number of n-grams its header line announced;
 * - a positive log10 probability is an error (KenLM's default; IRSTLM used to write them);
 * - a back-off on a highest-order n-gram must be 0; NaN or infinite back-offs are errors;
 * - every word of a longer n-gram must be a 1-gram (`<unk>` excepted), and the context of every
 *   n-gram (its first n-1 words) must be an (n-1)-gram;
 * - `<s>` and `</s>` must be 1-grams; a missing `<unk>` gets opts->unk_log10prob (KenLM: -100);
 * - a missing *suffix* (the last n-1 words of an n-gram, which SRILM's pruning can drop) is
 *   filled in as KenLM's probing model does: a "blank" entry whose probability is the back-off
 *   estimate from the longest suffix that exists, so lookups can still reach the longer n-gram.
 * KenLM does not check for duplicate n-grams (its hash keeps the first copy silently); we refuse
 * them, since which copy was meant is a guess. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>

#include "ngram_internal.h"

typedef struct token {
    const char *s;
    size_t len;
} token;

typedef struct reader {
    ngram_lines *lines;
    const char *name;
    rlm_error *err;
    const rlm_ngram_options *opts;
    rlm_ngram *m;
    ngram_words_builder words;
    char *pushed; /* a line read ahead and given back */
    size_t pushed_len;
} reader;

static rlm_status bad(reader *r, const char *fmt, ...) RLM_PRINTF(2, 3);
static rlm_status bad(reader *r, const char *fmt, ...) {
    char what[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return rlm_fail(r->err, RLM_E_FORMAT, "%s:%llu: %s", r->name,
                    (unsigned long long)ngram_lines_number(r->lines), what);
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

static int is_blank(const char *s, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (!is_space(s[i])) return 0;
    return 1;
}

static size_t trim_right(const char *s, size_t len) {
    while (len && is_space(s[len - 1])) len--;
    return len;
}

/* Next line; at the end of input *line is NULL. */
static rlm_status next_line(reader *r, char **line, size_t *len) {
    if (r->pushed) {
        *line = r->pushed;
        *len = r->pushed_len;
        r->pushed = NULL;
        return RLM_OK;
    }
    return ngram_lines_next(r->lines, line, len, r->err);
}

static rlm_status next_nonblank(reader *r, char **line, size_t *len) {
    rlm_status s;
    while (!(s = next_line(r, line, len)) && *line && is_blank(*line, *len)) {}
    return s;
}

/* Fields of an n-gram line, separated by blanks and tabs (KenLM also splits words on '\r'). */
static int split(const char *s, size_t len, token *out, int max) {
    int n = 0;
    size_t i = 0;
    for (;;) {
        while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r')) i++;
        if (i == len) return n;
        if (n == max) return max + 1;
        out[n].s = s + i;
        while (i < len && s[i] != ' ' && s[i] != '\t' && s[i] != '\r') i++;
        out[n].len = (size_t)(s + i - out[n].s);
        n++;
    }
}

static rlm_status read_data_header(reader *r) {
    char *line;
    size_t len;
    rlm_status s;
    while (!(s = next_line(r, &line, &len)) && line && (is_blank(line, len) || line[0] == '#')) {}
    if (s) return s;
    if (!line) return bad(r, "\\data\\: the file ends before the ARPA header");
    len = trim_right(line, len);
    if (len == 6 && !memcmp(line, "\\data\\", 6)) return RLM_OK;
    if (len >= 12 && !memcmp(line, "mmap lm http", 12))
        return bad(r, "\\data\\: this is a KenLM binary file; give rlm the ARPA file instead");
    return bad(r, "\\data\\: expected the ARPA header line \\data\\, got \"%.60s\"", line);
}

/* "ngram N=COUNT" with decimal N and COUNT (blanks allowed around '=' and at the end). */
static int parse_uint(const char **p, const char *end, uint64_t *v) {
    const char *s = *p;
    while (s < end && is_space(*s)) s++;
    const char *digits = s;
    *v = 0;
    for (; s < end && *s >= '0' && *s <= '9'; s++) {
        if (*v > (UINT64_MAX - 9) / 10) return 0;
        *v = *v * 10 + (uint64_t)(*s - '0');
    }
    *p = s;
    return s > digits;
}

static int parse_count_line(const char *line, size_t len, uint64_t *n, uint64_t *c) {
    const char *p = line, *end = line + len;
    if (len < 6 || memcmp(line, "ngram ", 6)) return 0;
    p += 6;
    if (!parse_uint(&p, end, n)) return 0;
    while (p < end && is_space(*p)) p++;
    if (p == end || *p++ != '=') return 0;
    if (!parse_uint(&p, end, c)) return 0;
    return is_blank(p, (size_t)(end - p));
}

static rlm_status read_counts(reader *r) {
    rlm_ngram *m = r->m;
    char *line;
    size_t len;
    rlm_status s;
    double bytes_needed = 0;
    for (;;) {
        if ((s = next_line(r, &line, &len))) return s;
        if (!line) return bad(r, "ngram counts: the file ends inside the \\data\\ section");
        if (is_blank(line, len)) {
            if (m->order) break;
            continue;
        }
        if (line[0] == '\\' && m->order) {
            r->pushed = line, r->pushed_len = len;
            break;
        }
        uint64_t n, c;
        if (!parse_count_line(line, len, &n, &c))
            return bad(r, "ngram count: expected \"ngram N=COUNT\", got \"%.60s\"", line);
        if (n != (uint64_t)m->order + 1)
            return bad(r, "ngram count: expected the count of %d-grams (orders must be consecutive "
                          "from 1), got \"%.60s\"", m->order + 1, line);
        if (n > RLM_NGRAM_MAX_ORDER) {
            bad(r, "ngram count: order %d is higher than this build supports (%d)", (int)n,
                RLM_NGRAM_MAX_ORDER);
            return r->err->status = RLM_E_UNSUPPORTED;
        }
        if (n == 1 && (c == 0 || c > 0xfffffff0u))
            return bad(r, "ngram 1: %llu 1-grams is not a usable vocabulary size",
                       (unsigned long long)c);
        m->order = (int)n;
        m->counts[n] = c;
        /* Every n-gram line takes at least 2n+2 bytes ("0 a b\n"), so a count the input cannot
         * hold is an error now rather than a huge allocation. */
        bytes_needed += (double)c * (double)(2 * n + 2);
        if (bytes_needed > (double)ngram_lines_size_bound(r->lines))
            return bad(r, "ngram count: the header announces %llu %d-grams, more than the input "
                          "can hold", (unsigned long long)c, (int)n);
    }
    return RLM_OK;
}

static rlm_status read_section_header(reader *r, int n) {
    char *line;
    size_t len;
    rlm_status s = next_nonblank(r, &line, &len);
    if (s) return s;
    char want[32];
    snprintf(want, sizeof want, "\\%d-grams:", n);
    if (!line) return bad(r, "%s: the file ends before this section", want);
    len = trim_right(line, len);
    if (len != strlen(want) || memcmp(line, want, len))
        return bad(r, "%s: expected this section header, got \"%.60s\"", want, line);
    return RLM_OK;
}

/* Next n-gram line of a section holding `count`, or NULL after the last one. */
static rlm_status section_line(reader *r, int n, uint64_t done, uint64_t count, token *f,
                               int *fields) {
    char *line;
    size_t len;
    rlm_status s = next_nonblank(r, &line, &len);
    if (s) return s;
    if (done == count) {
        if (line && line[0] != '\\')
            return bad(r, "%d-grams: more lines than the %llu the header announced", n,
                       (unsigned long long)count);
        r->pushed = line, r->pushed_len = len;
        *fields = 0;
        return RLM_OK;
    }
    if (!line || line[0] == '\\')
        return bad(r, "%d-grams: the header announced %llu but the section %s after %llu", n,
                   (unsigned long long)count, line ? "ends" : "is truncated",
                   (unsigned long long)done);
    *fields = split(line, len, f, n + 2);
    if (*fields < n + 1 || *fields > n + 2)
        return bad(r, "%d-gram: expected a log10 probability, %d word%s and an optional back-off, "
                      "got \"%.80s\"", n, n, n > 1 ? "s" : "", line);
    return RLM_OK;
}

static rlm_status parse_weights(reader *r, int n, const token *f, int fields, float *prob,
                                float *backoff) {
    if (!ngram_parse_float(f[0].s, f[0].len, prob) || isnan(*prob))
        return bad(r, "%d-gram probability: expected a log10 number, got \"%.*s\"", n,
                   (int)(f[0].len > 40 ? 40 : f[0].len), f[0].s);
    if (*prob > 0)
        return bad(r, "%d-gram probability: positive log10 probability %g (KenLM rejects it "
                      "too; an old IRSTLM bug)", n, (double)*prob);
    *prob = -fabsf(*prob); /* 0 reads back as -0, as KenLM prints it */
    *backoff = -0.0f;
    if (fields == n + 2) {
        const token *b = &f[n + 1];
        if (!ngram_parse_float(b->s, b->len, backoff) || isnan(*backoff) || isinf(*backoff))
            return bad(r, "%d-gram back-off: expected a finite log10 number, got \"%.*s\"", n,
                       (int)(b->len > 40 ? 40 : b->len), b->s);
        if (*backoff == 0.0f) *backoff = -0.0f; /* no extension until a longer n-gram says so */
        if (n == r->m->order && *backoff != 0.0f)
            return bad(r, "%d-gram back-off: %g given for a highest-order n-gram", n,
                       (double)*backoff);
    }
    return RLM_OK;
}

static rlm_status read_unigrams(reader *r) {
    rlm_ngram *m = r->m;
    rlm_status s = ngram_words_begin(&r->words, m, m->counts[1], r->err);
    if (s) return s;
    if ((s = read_section_header(r, 1))) return s;
    token f[3];
    int fields;
    for (uint64_t done = 0;; done++) {
        if ((s = section_line(r, 1, done, m->counts[1], f, &fields))) return s;
        if (!fields) break;
        float prob, backoff;
        if ((s = parse_weights(r, 1, f, fields, &prob, &backoff))) return s;
        rlm_ngram_word id;
        int dup;
        if ((s = ngram_words_add(&r->words, f[1].s, f[1].len, &id, &dup, r->err)))
            return bad(r, "1-gram: %s", r->err->message);
        if (dup)
            return bad(r, "1-gram \"%.*s\": listed twice", (int)(f[1].len > 60 ? 60 : f[1].len),
                       f[1].s);
        m->unigrams[id].prob = prob;
        m->unigrams[id].backoff = backoff;
    }
    rlm_ngram_word id;
    if (!ngram_words_lookup(m, "<s>", 3, &id))
        return bad(r, "1-grams: no <s> entry (KenLM requires <s> and </s>)");
    m->bos = id;
    if (!ngram_words_lookup(m, "</s>", 4, &id))
        return bad(r, "1-grams: no </s> entry (KenLM requires <s> and </s>)");
    m->eos = id;
    return RLM_OK;
}

static void ngram_text(const token *f, int n, char *out, size_t cap) {
    size_t used = 0;
    out[0] = '\0';
    for (int i = 1; i <= n && used + 1 < cap; i++)
        used += (size_t)snprintf(out + used, cap - used, "%s%.*s", i > 1 ? " " : "",
                                 (int)(f[i].len > 40 ? 40 : f[i].len), f[i].s);
}

/* Fill in the probabilities of blank suffixes of orders basis+1 .. n-1 of the n-gram whose words,
 * last first, are ids[0..n-1]: each is the back-off estimate built up from the basis n-gram, as the
 * scorer would have computed it without the blank. Contexts used this way become "extending". */
static void fill_blanks(rlm_ngram *m, int n, int basis, const rlm_ngram_word *ids,
                        const uint64_t *suffix_key, const uint64_t *context_key) {
    float prob = basis == 1 ? m->unigrams[ids[0]].prob
                            : ngram_table_find(&m->tables[basis], suffix_key[basis])->prob;
    for (int k = basis + 1; k < n; k++) {
        /* The context of the k-word suffix is ids[1..k-1], a (k-1)-gram. */
        float *backoff = NULL;
        if (k - 1 == 1) {
            backoff = &m->unigrams[ids[1]].backoff;
        } else {
            ngram_entry *c = ngram_table_find_mut(&m->tables[k - 1], context_key[k - 1]);
            if (c) backoff = &c->backoff;
        }
        if (backoff) {
            ngram_set_extension(backoff);
            prob += *backoff;
        }
        ngram_table_find_mut(&m->tables[k], suffix_key[k])->prob = prob;
    }
}

/* ARPA writers sort n-grams, so a word often repeats at the same position on the next line;
 * remembering the last word per position skips most hash lookups (a third of the load time). */
typedef struct word_cache {
    char text[24];
    size_t len;
    rlm_ngram_word id;
} word_cache;

static rlm_status read_ngrams(reader *r, int n) {
    rlm_ngram *m = r->m;
    rlm_status s;
    if ((s = ngram_table_init(&m->tables[n], m->counts[n], r->err))) return s;
    if ((s = read_section_header(r, n))) return s;
    token f[RLM_NGRAM_MAX_ORDER + 2];
    rlm_ngram_word ids[RLM_NGRAM_MAX_ORDER];       /* ids[0] is the last word */
    uint64_t suffix_key[RLM_NGRAM_MAX_ORDER + 1];  /* [k]: the last k words */
    uint64_t context_key[RLM_NGRAM_MAX_ORDER + 1]; /* [k]: the k words before the last */
    int fields;
    char text[400];
    word_cache cache[RLM_NGRAM_MAX_ORDER];
    memset(cache, 0, sizeof cache);
    for (int i = 0; i < n; i++) cache[i].len = SIZE_MAX;
    for (uint64_t done = 0;; done++) {
        if ((s = section_line(r, n, done, m->counts[n], f, &fields))) return s;
        if (!fields) break;
        float prob, backoff;
        if ((s = parse_weights(r, n, f, fields, &prob, &backoff))) return s;
        for (int i = 0; i < n; i++) {
            const token *w = &f[n - i];
            word_cache *c = &cache[i];
            if (w->len == c->len && !memcmp(w->s, c->text, w->len)) {
                ids[i] = c->id;
                continue;
            }
            if (w->len == 5 && (!memcmp(w->s, "<unk>", 5) || !memcmp(w->s, "<UNK>", 5))) {
                ids[i] = RLM_NGRAM_UNK;
            } else if (!ngram_words_lookup(m, w->s, w->len, &ids[i])) {
                ngram_text(f, n, text, sizeof text);
                return bad(r, "%d-gram \"%s\": word \"%.*s\" is not a 1-gram", n, text,
                           (int)(w->len > 60 ? 60 : w->len), w->s);
            }
            if (w->len <= sizeof c->text) {
                memcpy(c->text, w->s, w->len);
                c->len = w->len;
                c->id = ids[i];
            }
        }
        suffix_key[1] = ids[0];
        context_key[1] = ids[1];
        for (int k = 2; k <= n; k++) suffix_key[k] = ngram_key_extend(suffix_key[k - 1], ids[k - 1]);
        for (int k = 2; k < n; k++) context_key[k] = ngram_key_extend(context_key[k - 1], ids[k]);

        int found;
        if (!ngram_table_find_or_insert(&m->tables[n], suffix_key[n], prob, backoff, &found,
                                        r->err))
            return r->err->status;
        if (found) {
            ngram_text(f, n, text, sizeof text);
            return bad(r, "%d-gram \"%s\": listed twice", n, text);
        }
        /* Make sure every suffix exists, adding blanks down to the longest one present. */
        int basis = 1;
        for (int k = n - 1; k >= 2; k--) {
            if (!ngram_table_find_or_insert(&m->tables[k], suffix_key[k], 0.0f, -0.0f, &found,
                                            r->err))
                return r->err->status;
            if (found) {
                basis = k;
                break;
            }
        }
        if (basis < n - 1) fill_blanks(m, n, basis, ids, suffix_key, context_key);
        /* The context must exist; it now extends to the right, so states keep it. */
        if (n == 2) {
            ngram_set_extension(&m->unigrams[ids[1]].backoff);
        } else {
            ngram_entry *c = ngram_table_find_mut(&m->tables[n - 1], context_key[n - 1]);
            if (!c) {
                ngram_text(f, n, text, sizeof text);
                return bad(r, "%d-gram \"%s\": its context (the first %d words) is not a %d-gram",
                           n, text, n - 1, n - 1);
            }
            ngram_set_extension(&c->backoff);
        }
    }
    return RLM_OK;
}

static rlm_status read_end(reader *r) {
    char *line;
    size_t len;
    rlm_status s = next_nonblank(r, &line, &len);
    if (s) return s;
    if (!line) return bad(r, "\\end\\: the file ends without the closing \\end\\ line");
    len = trim_right(line, len);
    if (len != 5 || memcmp(line, "\\end\\", 5))
        return bad(r, "\\end\\: expected \\end\\ after the %d-grams, got \"%.60s\"", r->m->order,
                   line);
    if ((s = next_nonblank(r, &line, &len))) return s;
    if (line) return bad(r, "\\end\\: text after \\end\\: \"%.60s\"", line);
    return RLM_OK;
}

rlm_status ngram_read_arpa(ngram_lines *lines, const rlm_ngram_options *opts, rlm_ngram **out,
                           rlm_error *err) {
    rlm_error local;
    reader r = {.lines = lines, .name = ngram_lines_name(lines), .err = err ? err : &local,
                .opts = opts};
    *out = NULL;
    r.m = ngram_model_new();
    if (!r.m) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", r.name);
    rlm_status s = read_data_header(&r);
    if (!s) s = read_counts(&r);
    if (!s) s = read_unigrams(&r);
    for (int n = 2; !s && n <= r.m->order; n++) s = read_ngrams(&r, n);
    if (!s) s = read_end(&r);
    if (s) {
        rlm_ngram_close(r.m);
        return s;
    }
    if (!r.m->has_unk) {
        /* KenLM: default probability, and +0.0 back-off, so a state after <unk> keeps it. */
        r.m->unigrams[RLM_NGRAM_UNK].prob = -fabsf(opts->unk_log10prob);
        r.m->unigrams[RLM_NGRAM_UNK].backoff = 0.0f;
    }
    *out = r.m;
    return RLM_OK;
}
