/* Kaldi text lattice archives, as `lattice-copy ark:in ark,t:out` writes them (kaldi-lattice.cc,
 * OpenFst's FstPrinter):
 *
 *   utt-id                          the key alone on its line (Kaldi writes "utt-id \n")
 *   src dst word [g,a,t1_t2_...]    CompactLattice arc; weight One (0,0, no ids) is left out
 *   src dst tid word [g,a]          Lattice arc: input label (transition id), then the word
 *   state [g,a,t1_t2_...]           final state (CompactLattice); just `state` for weight One
 *   state [g,a]                     final state (Lattice)
 *   (blank line)                    ends the lattice
 *
 * g is the graph cost (LM, transitions, pronunciations) and a the acoustic cost, both -ln P:
 * lm = -g / ln 10 and ac = -a / ln 10 (log10). A final weight `Infinity,Infinity[,]` is
 * OpenFst's Zero: FstPrinter prints it for a state with no arcs that is not final. The start
 * state is the source of the first line, as Kaldi's reader takes it (the printer puts the start
 * state first; it is 0 in every lattice Kaldi makes). The form is told per lattice: 3 fields or
 * a weight with two commas is CompactLattice, 5 fields or a 4th field without a comma Lattice.
 *
 * Costs are written with %.9g (float precision, Kaldi's BaseFloat): a file whose numbers have
 * at most 9 significant digits (Kaldi prints 6) reads back to the very same doubles. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "lattice_internal.h"

enum { FORM_UNKNOWN, FORM_COMPACT, FORM_LATTICE };

static const char *const form_name[] = {"?", "CompactLattice", "Lattice"};

typedef struct kaldi_weight {
    double g, a;         /* costs */
    int zero;            /* Infinity,Infinity */
    const char *ids;     /* transition ids text (CompactLattice), ids_len bytes */
    size_t ids_len;
    int form;            /* which form the weight's commas say */
} kaldi_weight;

typedef struct reader {
    nbest_file f;
    const rlm_lattice_read_opts *opt;
    rlm_lattice *lat;
    int form;
    long form_line;      /* the line that decided the form */
    int32_t *ids;        /* transition ids of one weight */
    size_t cap_ids;
} reader;

static int is_inf(const char *s, size_t n) { return n == 8 && !memcmp(s, "Infinity", 8); }

/* `g,a` or `g,a,ids`; Infinity only where allow_zero (final weights). */
static rlm_status parse_weight(reader *r, const char *tok, size_t len, int allow_zero,
                               kaldi_weight *w, rlm_error *err) {
    const char *c1 = memchr(tok, ',', len);
    const char *c2 = c1 ? memchr(c1 + 1, ',', len - (size_t)(c1 + 1 - tok)) : NULL;
    if (!c1)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: weight: expected 'graph,acoustic' "
                        "(Lattice) or 'graph,acoustic,ids' (CompactLattice), got '%.*s'",
                        r->f.name, r->f.line, (int)(len > 40 ? 40 : len), tok);
    memset(w, 0, sizeof *w);
    w->form = c2 ? FORM_COMPACT : FORM_LATTICE;
    const char *g = tok, *a = c1 + 1, *end = c2 ? c2 : tok + len;
    size_t gl = (size_t)(c1 - g), al = (size_t)(end - a);
    if (c2) w->ids = c2 + 1, w->ids_len = len - (size_t)(c2 + 1 - tok);
    if (allow_zero && is_inf(g, gl) && is_inf(a, al) && w->ids_len == 0) {
        w->zero = 1;
        return RLM_OK;
    }
    rlm_status st = nbest_number(&r->f, "graph cost", g, gl, &w->g, err);
    if (!st) st = nbest_number(&r->f, "acoustic cost", a, al, &w->a, err);
    return st;
}

/* The '_'-separated transition ids of a CompactLattice weight, into r->ids. */
static rlm_status parse_ids(reader *r, const kaldi_weight *w, uint32_t *n, rlm_error *err) {
    *n = 0;
    if (!w->ids_len) return RLM_OK;
    const char *s = w->ids, *end = w->ids + w->ids_len;
    for (;;) {
        const char *us = memchr(s, '_', (size_t)(end - s));
        const char *e = us ? us : end;
        if ((size_t)*n == r->cap_ids) {
            size_t cap = r->cap_ids ? 2 * r->cap_ids : 64;
            int32_t *p = realloc(r->ids, cap * sizeof *p);
            if (!p)
                return rlm_fail(err, RLM_E_NOMEM, "%s:%ld: out of memory", r->f.name, r->f.line);
            r->ids = p, r->cap_ids = cap;
        }
        rlm_status st = lattice_index(&r->f, "transition ids", "a transition id", s,
                                      (size_t)(e - s), &r->ids[*n], err);
        if (st) return st;
        if (++*n == UINT32_MAX)
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: transition ids: too many", r->f.name,
                            r->f.line);
        if (!us) return RLM_OK;
        s = us + 1;
    }
}

/* A line's form must agree with the lattice's. */
static rlm_status set_form(reader *r, int form, rlm_error *err) {
    if (r->form == FORM_UNKNOWN) {
        r->form = form, r->form_line = r->f.line;
        return RLM_OK;
    }
    if (r->form == form) return RLM_OK;
    return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: line: a %s line in a %s lattice (line %ld is "
                    "%s)", r->f.name, r->f.line, form_name[form], form_name[r->form],
                    r->form_line, form_name[r->form]);
}

/* The word of label `id`: it must be in a closed table; an open one learns it as its number's
 * text. Label 0 is always epsilon. */
static rlm_status word_label(reader *r, int32_t id, rlm_error *err) {
    rlm_symbols *sy = r->opt->symbols;
    if (rlm_symbols_word(sy, id)) return RLM_OK;
    if (r->opt->closed && id != RLM_SYMBOL_EPS)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: word: id %ld is not in the symbol table",
                        r->f.name, r->f.line, (long)id);
    /* the table is indexed by id: a stray huge number would cost gigabytes */
    if (id > RLM_SYMBOL_MAX_ID)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: word: id %ld is above %ld; without a "
                        "words.txt ids must stay below that (give the symbol table)", r->f.name,
                        r->f.line, (long)id, (long)RLM_SYMBOL_MAX_ID);
    char text[16];
    int n = id == RLM_SYMBOL_EPS ? snprintf(text, sizeof text, "<eps>")
                                 : snprintf(text, sizeof text, "%ld", (long)id);
    rlm_error e;
    if (rlm_symbols_set(sy, text, (size_t)n, id, &e))
        return rlm_fail(err, e.status == RLM_E_ARG ? RLM_E_FORMAT : e.status, "%s:%ld: word: %s",
                        r->f.name, r->f.line, e.message);
    return RLM_OK;
}

static rlm_status final_line(reader *r, int32_t s, const char *tok, size_t len, rlm_error *err) {
    rlm_lattice *lat = r->lat;
    kaldi_weight w = {0};
    uint32_t n = 0;
    rlm_status st = tok ? parse_weight(r, tok, len, 1, &w, err) : RLM_OK;
    if (!st && tok && !w.zero) st = set_form(r, w.form, err);
    if (!st) st = parse_ids(r, &w, &n, err);
    if (st) return st;
    if (lat->states[s].is_final)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: state: %ld is final twice", r->f.name,
                        r->f.line, (long)s);
    if (w.zero) return RLM_OK; /* OpenFst's Zero: not final */
    rlm_lattice_set_final(lat, s, -w.a / NBEST_LN10, -w.g / NBEST_LN10);
    if (n && !rlm_lattice_set_final_seq(lat, s, r->ids, n))
        return rlm_fail(err, RLM_E_NOMEM, "%s:%ld: out of memory", r->f.name, r->f.line);
    return RLM_OK;
}

static rlm_status arc_line(reader *r, int32_t s, const char **tok, const size_t *tl, int nf,
                           rlm_error *err) {
    /* 3: s d w; 4: s d w weight | s d i o; 5: s d i o weight */
    int form = nf == 3 ? FORM_COMPACT : nf == 5 ? FORM_LATTICE
               : memchr(tok[3], ',', tl[3]) ? FORM_COMPACT : FORM_LATTICE;
    int32_t d, word, ilabel = -1;
    kaldi_weight w = {0};
    uint32_t n = 0;
    int has_weight = nf == 5 || (nf == 4 && form == FORM_COMPACT);
    rlm_status st = set_form(r, form, err);
    if (!st) st = lattice_index(&r->f, "dst", "a state", tok[1], tl[1], &d, err);
    if (!st && form == FORM_LATTICE)
        st = lattice_index(&r->f, "ilabel", "a transition id", tok[2], tl[2], &ilabel, err);
    if (!st) {
        int wi = form == FORM_LATTICE ? 3 : 2;
        st = lattice_index(&r->f, "word", "a word id", tok[wi], tl[wi], &word, err);
    }
    if (!st && has_weight) {
        st = parse_weight(r, tok[nf - 1], tl[nf - 1], 0, &w, err);
        if (!st && w.form != form)
            st = rlm_fail(err, RLM_E_FORMAT, "%s:%ld: weight: '%.*s' is a %s weight on a %s "
                          "arc", r->f.name, r->f.line, (int)(tl[nf - 1] > 40 ? 40 : tl[nf - 1]),
                          tok[nf - 1], form_name[w.form], form_name[form]);
    }
    if (!st) st = parse_ids(r, &w, &n, err);
    if (!st) st = lattice_need_state(r->lat, d, &r->f, "dst", err);
    if (!st) st = word_label(r, word, err);
    if (st) return st;
    int64_t a = rlm_lattice_add_arc(r->lat, s, d, word, -w.a / NBEST_LN10, -w.g / NBEST_LN10);
    if (a < 0 || (n && !rlm_lattice_set_seq(r->lat, (size_t)a, r->ids, n)))
        return rlm_fail(err, RLM_E_NOMEM, "%s:%ld: out of memory", r->f.name, r->f.line);
    if (form == FORM_LATTICE) r->lat->arcs[a].ilabel = ilabel;
    return RLM_OK;
}

/* One FST line of the current lattice. */
static rlm_status fst_line(reader *r, const char *line, size_t len, rlm_error *err) {
    const char *tok[6];
    size_t tl[6], pos = 0;
    int nf = 0;
    while (nf < 6 && nbest_field(line, len, &pos, &tok[nf], &tl[nf])) nf++;
    if (nf == 6)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: line: more than 5 fields; expected an arc "
                        "'src dst word [weight]' or 'src dst ilabel word [weight]', or a final "
                        "state 'state [weight]'", r->f.name, r->f.line);
    int32_t s;
    /* a lone non-number where a final state could be is most likely the next key, its blank
     * line lost */
    size_t digits = 0;
    while (digits < tl[0] && tok[0][digits] >= '0' && tok[0][digits] <= '9') digits++;
    if (nf == 1 && digits < tl[0])
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: line: expected a final state, or the blank "
                        "line that ends lattice %s before the next key, got '%.*s'", r->f.name,
                        r->f.line, r->lat->id, (int)(tl[0] > 40 ? 40 : tl[0]), tok[0]);
    rlm_status st = lattice_index(&r->f, nf <= 2 ? "state" : "src", "a state", tok[0], tl[0], &s,
                                  err);
    if (!st) st = lattice_need_state(r->lat, s, &r->f, nf <= 2 ? "state" : "src", err);
    if (st) return st;
    if (r->lat->start < 0) r->lat->start = s;
    return nf <= 2 ? final_line(r, s, nf == 2 ? tok[1] : NULL, nf == 2 ? tl[1] : 0, err)
                   : arc_line(r, s, tok, tl, nf, err);
}

/* The finished lattice: acyclic, then into the list. */
static rlm_status finish(reader *r, rlm_lattice_list *out, rlm_error *err) {
    rlm_lattice *lat = r->lat;
    r->lat = NULL;
    rlm_status st = lat->n_states ? rlm_lattice_check(lat, r->f.name, err) : RLM_OK;
    if (!st && !rlm_lattice_list_push(out, lat))
        st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", r->f.name);
    if (st) rlm_lattice_free(lat);
    return st;
}

rlm_status lattice_parse_kaldi(const char *data, size_t size, const char *name,
                               const rlm_lattice_read_opts *opt, rlm_lattice_list *out,
                               rlm_error *err) {
    /* Kaldi's binary archives put "\0B" after the key: say so rather than "NUL byte" */
    const char *nl = memchr(data, '\n', size);
    size_t first = nl ? (size_t)(nl - data) : size;
    for (size_t i = 0; i + 2 < first; i++)
        if (data[i] == ' ' && data[i + 1] == 0 && data[i + 2] == 'B')
            return rlm_fail(err, RLM_E_UNSUPPORTED, "%s:1: key: a binary Kaldi archive; only "
                            "text ones are read (lattice-copy ark:IN ark,t:OUT makes one)", name);
    reader r = {nbest_file_init(data, size, name), opt, NULL, FORM_UNKNOWN, 0, NULL, 0};
    const char *line, *key, *rest;
    size_t len, kl, rl;
    rlm_status st = RLM_OK;
    while (!st && nbest_next_line(&r.f, &line, &len, err, &st)) {
        size_t pos = 0;
        int blank = !nbest_field(line, len, &pos, &key, &kl);
        if (r.lat) {
            st = blank ? finish(&r, out, err) : fst_line(&r, line, len, err);
        } else if (!blank) {
            if (nbest_field(line, len, &pos, &rest, &rl)) {
                st = rlm_fail(err, RLM_E_FORMAT, "%s:%ld: key: expected the utterance id alone "
                              "on its line, got '%.*s'", name, r.f.line,
                              (int)(len > 60 ? 60 : len), line);
            } else {
                char *id = strndup(key, kl);
                if (!id || !(r.lat = rlm_lattice_new(id, opt->symbols)))
                    st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
                free(id);
                r.form = FORM_UNKNOWN;
            }
        }
    }
    if (!st && r.lat) st = finish(&r, out, err); /* the last lattice may end the file */
    rlm_lattice_free(r.lat);
    free(r.ids);
    return st;
}

/* ---- writing ---- */

static void put_cost(FILE *f, double log10p) { fprintf(f, "%.9g", -log10p * NBEST_LN10 + 0.0); }

/* `g,a` or `g,a,ids` (CompactLattice: the comma after a is always there). */
static void put_weight(FILE *f, double ac, double lm, int compact, const int32_t *ids,
                       uint32_t n) {
    put_cost(f, lm);
    fputc(',', f);
    put_cost(f, ac);
    if (!compact) return;
    fputc(',', f);
    for (uint32_t i = 0; i < n; i++) fprintf(f, i ? "_%ld" : "%ld", (long)ids[i]);
}

static int kaldi_form(const rlm_lattice *lat, rlm_kaldi_form want) {
    if (want == RLM_KALDI_COMPACT) return FORM_COMPACT;
    if (want == RLM_KALDI_LATTICE) return FORM_LATTICE;
    for (size_t a = 0; a < lat->n_arcs; a++)
        if (lat->arcs[a].ilabel != lat->arcs[a].word) return FORM_LATTICE;
    return FORM_COMPACT;
}

/* The state's lines in FstPrinter's shape: arcs, then the final weight (left out when One), or
 * Zero for a state with neither. */
static void put_state(FILE *f, const rlm_lattice *lat, int32_t s, const size_t *by_state,
                      const size_t *first, int form, const rlm_lattice_write_opts *opt, size_t i) {
    int compact = form == FORM_COMPACT;
    for (size_t k = first[s]; k < first[s + 1]; k++) {
        size_t ai = by_state[k];
        const rlm_lattice_arc *a = &lat->arcs[ai];
        double lm = lattice_arc_lm(opt, i, lat, ai);
        uint32_t n = compact ? a->seq_len : 0;
        fprintf(f, "%ld\t%ld\t", (long)a->from, (long)a->to);
        if (!compact) fprintf(f, "%ld\t", (long)a->ilabel);
        fprintf(f, "%ld", (long)a->word);
        if (a->ac != 0 || lm != 0 || n) {
            fputc('\t', f);
            put_weight(f, a->ac, lm, compact, n ? lat->seq + a->seq_off : NULL, n);
        }
        fputc('\n', f);
    }
    const rlm_lattice_state *st = &lat->states[s];
    if (st->is_final) {
        double lm = lattice_final_lm(opt, i, lat, s);
        uint32_t n = compact ? st->final_seq_len : 0;
        fprintf(f, "%ld", (long)s);
        if (st->final_ac != 0 || lm != 0 || n) {
            fputc('\t', f);
            put_weight(f, st->final_ac, lm, compact, n ? lat->seq + st->final_seq_off : NULL, n);
        }
        fputc('\n', f);
    } else if (first[s] == first[s + 1]) {
        fprintf(f, "%ld\tInfinity,Infinity%s\n", (long)s, compact ? "," : "");
    }
}

/* The arcs' indices grouped by source state, file order kept (a counting sort that leaves the
 * lattice as it is, so the caller's per-arc scores keep their indices). */
static int group_arcs(const rlm_lattice *lat, size_t **by_state, size_t **first) {
    size_t ns = (size_t)lat->n_states;
    *by_state = malloc((lat->n_arcs ? lat->n_arcs : 1) * sizeof **by_state);
    *first = calloc(ns + 2, sizeof **first);
    if (!*by_state || !*first) return 0;
    for (size_t a = 0; a < lat->n_arcs; a++) (*first)[lat->arcs[a].from + 2]++;
    for (size_t s = 2; s < ns + 2; s++) (*first)[s] += (*first)[s - 1];
    for (size_t a = 0; a < lat->n_arcs; a++) (*by_state)[(*first)[lat->arcs[a].from + 1]++] = a;
    return 1; /* first[s] .. first[s + 1] are state s's */
}

rlm_status lattice_write_kaldi(const rlm_lattice_list *l, const char *path,
                               const rlm_lattice_write_opts *opt, rlm_error *err) {
    for (size_t i = 0; i < l->n; i++)
        if (!lattice_token_ok(l->lat[i]->id))
            return rlm_fail(err, RLM_E_ARG, "%s: lattice id '%s' is empty or has white space; "
                            "a Kaldi archive key cannot", path, l->lat[i]->id);
    rlm_atomic_file af;
    rlm_status st = rlm_atomic_open(&af, path, err);
    if (st) return st;
    for (size_t i = 0; i < l->n; i++) {
        const rlm_lattice *lat = l->lat[i];
        size_t *by_state = NULL, *first = NULL;
        if (!group_arcs(lat, &by_state, &first)) {
            free(by_state);
            free(first);
            rlm_atomic_abort(&af);
            return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", path);
        }
        int form = kaldi_form(lat, opt->kaldi_form);
        fprintf(af.f, "%s \n", lat->id);
        if (lat->start >= 0) {
            put_state(af.f, lat, lat->start, by_state, first, form, opt, i);
            for (int32_t s = 0; s < lat->n_states; s++)
                if (s != lat->start) put_state(af.f, lat, s, by_state, first, form, opt, i);
        }
        fputc('\n', af.f);
        free(by_state);
        free(first);
    }
    return rlm_atomic_commit(&af, err);
}
