/* The parser of hunspell's pipe-interface output lines (hunspell_pipe.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hunspell_pipe.h"

#define SHOWN 60 /* bytes of a bad line quoted in a message */

static rlm_status bad(const char *name, long no, const char *line, size_t len, const char *what,
                      rlm_error *err) {
    char q[SHOWN + 1];
    size_t n = len < SHOWN ? len : SHOWN;
    for (size_t i = 0; i < n; i++) q[i] = (line[i] >= 32 && line[i] < 127) ? line[i] : '?';
    q[n] = '\0';
    return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: hunspell output: %s in '%s%s'", name, no, what, q,
                    len > SHOWN ? "..." : "");
}

int rlm_hunspell_is_banner(const char *line, size_t len) {
    return len >= 4 && !memcmp(line, "@(#)", 4);
}

/* A decimal number >= 0 at *p (advanced past it); -1 when there is none. */
static long number(char **p) {
    if (**p < '0' || **p > '9') return -1;
    errno = 0;
    char *end;
    long v = strtol(*p, &end, 10);
    if (errno) return -1;
    *p = end;
    return v;
}

rlm_status rlm_hunspell_parse_line(const char *line, size_t len, const char *name, long no,
                                   rlm_hunspell_result *out, rlm_error *err) {
    memset(out, 0, sizeof *out);
    out->offset = -1;
    if (len && line[len - 1] == '\r') len--;
    if (memchr(line, '\0', len)) return bad(name, no, line, len, "a NUL byte", err);
    if (len == 0) return RLM_OK; /* RLM_HUNSPELL_END */
    if (len == 1 && line[0] == '*') return out->kind = RLM_HUNSPELL_OK, RLM_OK;
    if (len == 1 && line[0] == '-') return out->kind = RLM_HUNSPELL_COMPOUND, RLM_OK;
    const char c = line[0];
    if (!strchr("+&?#", c) || len < 3 || line[1] != ' ' || line[2] == ' ')
        return bad(name, no, line, len, "expected '*', '+ ROOT', '-', '& ...', '? ...' or '# ...'", err);
    char *s = malloc(len + 1);
    if (!s) return rlm_fail(err, RLM_E_NOMEM, "out of memory");
    memcpy(s, line, len);
    s[len] = '\0';
    out->storage_ = s;
    char *p = s + 2, *word = p;
    if (c == '+') {
        if (strchr(word, ' ')) goto bad_root;
        out->kind = RLM_HUNSPELL_ROOT, out->word = word;
        return RLM_OK;
    }
    char *sp = strchr(word, ' ');
    if (!sp) goto bad_fields;
    *sp = '\0', p = sp + 1;
    long n_cands = 0;
    if (c != '#' && ((n_cands = number(&p)) < 0 || *p++ != ' ')) goto bad_count;
    if ((out->offset = number(&p)) < 0) goto bad_offset;
    out->word = word;
    if (c == '#') {
        if (*p) goto bad_fields;
        out->kind = RLM_HUNSPELL_NONE;
        return RLM_OK;
    }
    out->kind = c == '&' ? RLM_HUNSPELL_MISS : RLM_HUNSPELL_GUESS;
    if (p[0] != ':' || p[1] != ' ' || !p[2] || n_cands < 1) goto bad_list;
    p += 2;
    /* near misses are separated by ", "; one may hold single spaces but is never empty */
    long found = 1;
    for (char *q = p; (q = strstr(q, ", ")); q += 2) found++;
    if (found != n_cands) goto bad_list_count;
    out->cands = malloc((size_t)found * sizeof *out->cands);
    if (!out->cands) {
        rlm_hunspell_result_free(out);
        return rlm_fail(err, RLM_E_NOMEM, "out of memory");
    }
    for (long i = 0; i < found; i++) {
        char *q = strstr(p, ", ");
        if (q) *q = '\0';
        if (!*p || *p == ' ' || p[strlen(p) - 1] == ' ') goto bad_cand;
        out->cands[out->n_cands++] = p;
        p = q ? q + 2 : p + strlen(p);
    }
    return RLM_OK;

    const char *what;
bad_root: what = "'+ ROOT' with a space in ROOT"; goto fail;
bad_fields: what = "expected WORD then the offset"; goto fail;
bad_count: what = "expected the number of near misses after the word"; goto fail;
bad_offset: what = "expected the offset (a number)"; goto fail;
bad_list: what = "expected ': ' and at least one near miss after the offset"; goto fail;
bad_list_count: what = "the number of near misses differs from the count"; goto fail;
bad_cand: what = "an empty near miss, or one with a space at an end"; goto fail;
fail:
    rlm_hunspell_result_free(out);
    return bad(name, no, line, len, what, err);
}

void rlm_hunspell_result_free(rlm_hunspell_result *r) {
    free(r->cands);
    free(r->storage_);
    memset(r, 0, sizeof *r);
    r->offset = -1;
}
