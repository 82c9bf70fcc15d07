/* Transcript files for scoring: Kaldi-style `utt-id words...` or plain line-aligned text, split
 * into words or UTF-8 code points, and matching hypotheses to references by id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_load.h"
#include "rlm_metrics.h"
#include "strtab.h"

typedef struct transcripts_impl {
    rlm_transcripts pub; /* first, so the public pointer is the impl pointer */
    char *text;          /* every id and token, NUL-terminated */
    const char **tokens; /* all lines' tokens back to back */
    rlm_strtab ids;      /* id -> line index (ids are unique) */
    char *path_copy;
} transcripts_impl;

/* Length of the UTF-8 sequence starting at s (at most n bytes), or 0 when it is invalid
 * (overlong forms, surrogates and values past U+10FFFF included). */
static size_t utf8_len(const unsigned char *s, size_t n) {
    unsigned c = s[0];
    size_t len;
    unsigned min;
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) len = 2, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF) len = 3, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4) len = 4, min = 0x10000;
    else return 0;
    if (n < len) return 0;
    unsigned v = c & (0x3F >> (len - 1));
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) return 0;
        v = v << 6 | (s[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF)) return 0;
    return len;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r'; }

void rlm_transcripts_free(rlm_transcripts *t) {
    transcripts_impl *im = (transcripts_impl *)t;
    if (!im) return;
    free(im->text);
    free(im->tokens);
    free(im->pub.lines);
    rlm_strtab_free(&im->ids);
    free(im->path_copy);
    free(im);
}

/* Appends n bytes and a NUL to the text buffer; returns the offset of the copy. */
static size_t put_text(transcripts_impl *im, size_t *used, const char *s, size_t n) {
    size_t at = *used;
    memcpy(im->text + at, s, n);
    im->text[at + n] = 0;
    *used += n + 1;
    return at;
}

rlm_status rlm_transcripts_parse(const char *data, size_t len, const char *name, int flags,
                                 rlm_transcripts **out, rlm_error *err) {
    *out = NULL;
    transcripts_impl *im = calloc(1, sizeof *im);
    if (!im || !(im->path_copy = strdup(name))) {
        free(im);
        return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    }
    im->pub.path = im->path_copy;
    /* Every token (a word, or a code point of at most 4 bytes) takes its bytes plus a NUL; a
     * plain line's id takes at most 21 bytes; so 2 * len + 22 * lines bounds the text. */
    size_t n_nl = 1, n_tok_max = len + 1; /* at most one token per byte */
    for (size_t i = 0; i < len; i++) n_nl += data[i] == '\n';
    size_t text_cap = 2 * len + 22 * n_nl + 1;
    im->text = malloc(text_cap);
    size_t *tok_off = malloc(n_tok_max * sizeof *tok_off);
    size_t *line_tok = malloc((n_nl + 1) * sizeof *line_tok); /* first token of each line */
    size_t *line_id = malloc(n_nl * sizeof *line_id);
    int64_t *line_no = malloc(n_nl * sizeof *line_no);
    rlm_status st = RLM_OK;
    if (!im->text || !tok_off || !line_tok || !line_id || !line_no) {
        st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
        goto done;
    }
    size_t used = 0, n_tok = 0, n_lines = 0, pos = 0;
    int64_t line = 0;
    while (pos < len) {
        line++;
        size_t end = pos;
        while (end < len && data[end] != '\n') end++;
        size_t p = pos, start = pos;
        pos = end < len ? end + 1 : end;
        if (memchr(data + p, 0, end - p)) {
            st = rlm_fail(err, RLM_E_FORMAT, "%s:%lld: text: a NUL byte", name, (long long)line);
            goto done;
        }
        while (p < end && is_space(data[p])) p++;
        if (flags & RLM_TRN_PLAIN) {
            char id[24];
            int n = snprintf(id, sizeof id, "%lld", (long long)line);
            line_id[n_lines] = put_text(im, &used, id, (size_t)n);
        } else {
            if (p == end) {
                st = rlm_fail(err, RLM_E_FORMAT, "%s:%lld: utterance id: expected `utt-id words...`, got a blank line",
                              name, (long long)line);
                goto done;
            }
            size_t q = p;
            while (q < end && !is_space(data[q])) q++;
            line_id[n_lines] = put_text(im, &used, data + p, q - p);
            p = q;
        }
        line_tok[n_lines] = n_tok;
        line_no[n_lines] = line;
        while (p < end) {
            while (p < end && is_space(data[p])) p++;
            if (p == end) break;
            size_t q = p;
            while (q < end && !is_space(data[q])) q++;
            if (flags & RLM_TRN_CHARS) {
                for (size_t c = p; c < q;) {
                    size_t l = utf8_len((const unsigned char *)data + c, q - c);
                    if (!l) {
                        st = rlm_fail(err, RLM_E_FORMAT, "%s:%lld: text: invalid UTF-8 at byte %zu of the line",
                                      name, (long long)line, c - start + 1);
                        goto done;
                    }
                    tok_off[n_tok++] = put_text(im, &used, data + c, l);
                    c += l;
                }
            } else {
                tok_off[n_tok++] = put_text(im, &used, data + p, q - p);
            }
            p = q;
        }
        n_lines++;
    }
    line_tok[n_lines] = n_tok;
    im->tokens = malloc((n_tok ? n_tok : 1) * sizeof *im->tokens);
    im->pub.lines = malloc((n_lines ? n_lines : 1) * sizeof *im->pub.lines);
    if (!im->tokens || !im->pub.lines) {
        st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
        goto done;
    }
    for (size_t i = 0; i < n_tok; i++) im->tokens[i] = im->text + tok_off[i];
    for (size_t i = 0; i < n_lines; i++) {
        rlm_transcript_line *l = &im->pub.lines[i];
        l->id = im->text + line_id[i];
        l->tokens = im->tokens + line_tok[i];
        l->n_tokens = line_tok[i + 1] - line_tok[i];
        l->line = line_no[i];
        int added = 0;
        int32_t k = rlm_strtab_add(&im->ids, l->id, strlen(l->id), &added);
        if (k < 0) {
            st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
            goto done;
        }
        if (!added) {
            st = rlm_fail(err, RLM_E_FORMAT, "%s:%lld: utterance id: '%s' again (first on line %lld)",
                          name, (long long)l->line, l->id, (long long)line_no[k]);
            goto done;
        }
    }
    im->pub.n_lines = n_lines;
done:
    free(tok_off);
    free(line_tok);
    free(line_id);
    free(line_no);
    if (st) {
        rlm_transcripts_free(&im->pub);
        return st;
    }
    *out = &im->pub;
    return RLM_OK;
}

rlm_status rlm_transcripts_read(const char *path, int flags, rlm_transcripts **out,
                                rlm_error *err) {
    *out = NULL;
    size_t len;
    char *buf = glue_load_file(path, &len, err);
    if (!buf) return err ? err->status : RLM_E_IO;
    rlm_status st = rlm_transcripts_parse(buf, len, path, flags, out, err);
    free(buf);
    return st;
}

ptrdiff_t rlm_transcripts_find(const rlm_transcripts *t, const char *id) {
    const transcripts_impl *im = (const transcripts_impl *)t;
    return rlm_strtab_find(&im->ids, id, strlen(id));
}

rlm_status rlm_transcripts_match(const rlm_transcripts *ref, const rlm_transcripts *hyp,
                                 size_t *hyp_of_ref, rlm_error *err) {
    for (size_t i = 0; i < ref->n_lines; i++) {
        ptrdiff_t k = rlm_transcripts_find(hyp, ref->lines[i].id);
        if (k < 0)
            return rlm_fail(err, RLM_E_FORMAT, "%s:%lld: utterance id: '%s' has no hypothesis in %s",
                            ref->path, (long long)ref->lines[i].line, ref->lines[i].id, hyp->path);
        hyp_of_ref[i] = (size_t)k;
    }
    for (size_t i = 0; i < hyp->n_lines; i++)
        if (rlm_transcripts_find(ref, hyp->lines[i].id) < 0)
            return rlm_fail(err, RLM_E_FORMAT, "%s:%lld: utterance id: '%s' has no reference in %s",
                            hyp->path, (long long)hyp->lines[i].line, hyp->lines[i].id, ref->path);
    return RLM_OK;
}
