/* HTK Standard Lattice Format (HTK book, chapter "HTK Standard Lattice Format"), as HTK and
 * pocketsphinx (ps_lattice_write_htk) write it:
 *
 *   # comment                          lines starting with '#'
 *   VERSION=1.0  UTTERANCE=id  base=B  lmscale=x  wdpenalty=x  acscale=x  start=n  end=n
 *   N=nodes  L=links                   (or NODES= LINKS=) ends the header
 *   I=n  t=seconds  W=word  v=variant  node lines (optional; t= also time=, W= also WORD=)
 *   J=k  S=from  E=to  W=word  a=ac  l=lm   link lines (S= START=, E= END=, a= acoustic=,
 *                                      l= language=)
 *
 * Fields are NAME=VALUE in any order on a line; unknown fields are ignored, as the format
 * allows (pocketsphinx's p= posterior, v=, d=, n= are not kept). a= and l= are log
 * likelihoods in base e, or base B after base=B: log10 = x log10(B); base=0 means they are
 * probabilities: log10 = log10(x). lmscale, wdpenalty and acscale are checked but not kept: the
 * rescorer brings its own weights.
 *
 * A link's word is its W=, else the W= of its end node (HTK's forward lattices), else none
 * (epsilon). pocketsphinx puts on each node the word that starts there (t= is its start time)
 * and gives a link the acoustic score of its start node's word, so read this way an arc's word
 * and score come from neighbouring words and a state's time is when its arcs' word begins; the
 * word order and the sums along a path, which rescoring uses, are unchanged. The start
 * node's own word (pocketsphinx's !SENT_START) enters no link and is dropped. Special words
 * (!NULL, !SENT_START, !SENT_END, <s>, </s>, <sil>, [NOISE]) are kept as read; what they mean
 * is the rescorer's business.
 *
 * The start node is start= or the one node no link enters; the end node end= or the one node
 * no link leaves; it becomes the only final state (scores 0). The lattice's id is UTTERANCE=,
 * else the file name without directory and extension. One lattice per file: sub-lattices
 * (SUBLAT=, node L=) and backward lattices (dir=b) are refused as unsupported.
 *
 * The writer puts words on links (epsilon as !NULL), a= and l= in base e (or the base asked
 * for) with %.12g, which reads back to the same doubles for inputs of up to 12 significant
 * digits (pocketsphinx writes a= with %f). A lattice whose final states are not one state
 * with scores 0 gets an extra end node, reached by !NULL links carrying the final scores. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "atomic_file.h"
#include "lattice_internal.h"

typedef struct slf_link {
    int32_t from, to, word; /* word -1: take the end node's */
    double ac, lm;          /* as written, in the file's base */
    long line;
} slf_link;

typedef struct slf_node {
    int32_t word;           /* -1: none */
    long line;              /* 0 until defined */
    double time;
} slf_node;

typedef struct slf_reader {
    nbest_file f;
    const rlm_lattice_read_opts *opt;
    double base;            /* e unless base= */
    int32_t start, end;     /* -1 unless given */
    int64_t n_nodes, n_links; /* -1 until N= L= */
    slf_node *nodes;
    slf_link *links;
    int32_t links_seen;
    const char *utt;
    size_t utt_len;
} slf_reader;

/* A field name's long and short spellings. */
static int is(const char *name, size_t len, const char *a, const char *b) {
    return (strlen(a) == len && !memcmp(name, a, len)) ||
           (b && strlen(b) == len && !memcmp(name, b, len));
}

static rlm_status bad(const slf_reader *r, const char *field, size_t fl, const char *what,
                      rlm_error *err) {
    return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %.*s: %s", r->f.name, r->f.line, (int)fl, field,
                    what);
}

/* The field's name as written, NUL-terminated for the messages (memcpy: this runs per field). */
static const char *field_name(char buf[32], const char *name, size_t nl) {
    if (nl > 31) nl = 31;
    memcpy(buf, name, nl);
    buf[nl] = 0;
    return buf;
}

static rlm_status number(const slf_reader *r, const char *name, size_t nl, const char *v,
                         size_t vl, double *out, rlm_error *err) {
    char field[32];
    return nbest_number(&r->f, field_name(field, name, nl), v, vl, out, err);
}

/* An index of `what`, below `bound` (the count `bound_name`) when bound >= 0. */
static rlm_status index_field(const slf_reader *r, const char *name, size_t nl, const char *v,
                              size_t vl, const char *what, int64_t bound,
                              const char *bound_name, int32_t *out, rlm_error *err) {
    char field[32];
    rlm_status st = lattice_index(&r->f, field_name(field, name, nl), what, v, vl, out, err);
    if (!st && bound >= 0 && *out >= bound)
        st = rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: %ld is not below %s=%ld", r->f.name,
                      r->f.line, field, (long)*out, bound_name, (long)bound);
    return st;
}

/* The word's id: in a closed table it must be there; an open one learns it. */
static rlm_status word_id(const slf_reader *r, const char *w, size_t wl, int32_t *id,
                          rlm_error *err) {
    if (wl == 0) return bad(r, "W", 1, "empty word", err);
    rlm_symbols *sy = r->opt->symbols;
    *id = r->opt->closed ? rlm_symbols_find(sy, w, wl) : rlm_symbols_add(sy, w, wl);
    if (*id >= 0) return RLM_OK;
    if (r->opt->closed)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: W: word '%.*s' is not in the symbol table",
                        r->f.name, r->f.line, (int)(wl > 60 ? 60 : wl), w);
    return rlm_fail(err, RLM_E_NOMEM, "%s:%ld: out of memory", r->f.name, r->f.line);
}

/* Splits NAME=VALUE. */
static rlm_status split(const slf_reader *r, const char *tok, size_t tl, const char **name,
                        size_t *nl, const char **val, size_t *vl, rlm_error *err) {
    const char *eq = memchr(tok, '=', tl);
    if (!eq || eq == tok)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: field: expected NAME=VALUE, got '%.*s'",
                        r->f.name, r->f.line, (int)(tl > 40 ? 40 : tl), tok);
    *name = tok, *nl = (size_t)(eq - tok), *val = eq + 1, *vl = tl - *nl - 1;
    return RLM_OK;
}

static rlm_status header_field(slf_reader *r, const char *n, size_t nl, const char *v,
                               size_t vl, rlm_error *err) {
    double x;
    rlm_status st = RLM_OK;
    if (is(n, nl, "UTTERANCE", "U")) {
        if (!vl) return bad(r, n, nl, "empty utterance id", err);
        r->utt = v, r->utt_len = vl;
    } else if (is(n, nl, "SUBLAT", "S")) {
        return rlm_fail(err, RLM_E_UNSUPPORTED, "%s:%ld: SUBLAT: sub-lattices are not "
                        "supported (a lattice file of a decoder has none)", r->f.name, r->f.line);
    } else if (is(n, nl, "base", NULL)) {
        if ((st = number(r, n, nl, v, vl, &x, err))) return st;
        if (x < 0 || x == 1) return bad(r, n, nl, "a log base must be > 0 and not 1 (or 0: "
                                        "no logs)", err);
        r->base = x;
    } else if (is(n, nl, "lmscale", NULL) || is(n, nl, "wdpenalty", NULL) ||
               is(n, nl, "acscale", NULL)) {
        st = number(r, n, nl, v, vl, &x, err);
    } else if (is(n, nl, "start", NULL)) {
        st = index_field(r, n, nl, v, vl, "a node", -1, NULL, &r->start, err);
    } else if (is(n, nl, "end", NULL)) {
        st = index_field(r, n, nl, v, vl, "a node", -1, NULL, &r->end, err);
    } else if (is(n, nl, "dir", NULL)) {
        if (!(vl == 1 && v[0] == 'f'))
            return rlm_fail(err, RLM_E_UNSUPPORTED, "%s:%ld: dir: only forward lattices "
                            "(dir=f) are supported, got '%.*s'", r->f.name, r->f.line,
                            (int)(vl > 20 ? 20 : vl), v);
    } else if (is(n, nl, "NODES", "N") || is(n, nl, "LINKS", "L")) {
        int nodes = n[0] == 'N';
        int64_t *dst = nodes ? &r->n_nodes : &r->n_links;
        int32_t k;
        if (*dst >= 0) return bad(r, n, nl, "given twice", err);
        if ((st = index_field(r, n, nl, v, vl, "a count", -1, NULL, &k, err))) return st;
        /* each node or link takes bytes of the file: larger counts are corrupt, not big */
        if ((size_t)k > r->f.size)
            return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %.*s: %ld is more than a file of %zu "
                            "bytes can describe", r->f.name, r->f.line, (int)nl, n, (long)k,
                            r->f.size);
        *dst = k;
    }
    return st; /* VERSION, lmname, vocab, ... : nothing to keep */
}

/* The I= or J= that starts a node or link line: its index, defined once. */
static rlm_status entry(slf_reader *r, const char *tok, size_t tl, int node, int32_t *idx,
                        rlm_error *err) {
    const char *n = NULL, *v = NULL;
    size_t nl = 0, vl = 0;
    rlm_status st = split(r, tok, tl, &n, &nl, &v, &vl, err);
    if (!st) st = index_field(r, n, nl, v, vl, node ? "a node" : "a link",
                              node ? r->n_nodes : r->n_links, node ? "N" : "L", idx, err);
    if (st) return st;
    long *line = node ? &r->nodes[*idx].line : &r->links[*idx].line;
    if (*line)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: %s %ld is defined twice (line %ld)",
                        r->f.name, r->f.line, node ? "I" : "J", node ? "node" : "link",
                        (long)*idx, *line);
    *line = r->f.line;
    return RLM_OK;
}

static rlm_status node_field(slf_reader *r, slf_node *node, const char *n, size_t nl,
                             const char *v, size_t vl, rlm_error *err) {
    if (is(n, nl, "time", "t")) return number(r, n, nl, v, vl, &node->time, err);
    if (is(n, nl, "WORD", "W")) return word_id(r, v, vl, &node->word, err);
    if (is(n, nl, "L", NULL))
        return rlm_fail(err, RLM_E_UNSUPPORTED, "%s:%ld: L: sub-lattice nodes are not "
                        "supported", r->f.name, r->f.line);
    return RLM_OK;
}

static rlm_status link_field(slf_reader *r, slf_link *k, const char *n, size_t nl,
                             const char *v, size_t vl, rlm_error *err) {
    if (is(n, nl, "START", "S"))
        return index_field(r, n, nl, v, vl, "a node", r->n_nodes, "N", &k->from, err);
    if (is(n, nl, "END", "E"))
        return index_field(r, n, nl, v, vl, "a node", r->n_nodes, "N", &k->to, err);
    if (is(n, nl, "WORD", "W")) return word_id(r, v, vl, &k->word, err);
    if (is(n, nl, "acoustic", "a")) return number(r, n, nl, v, vl, &k->ac, err);
    if (is(n, nl, "language", "l")) return number(r, n, nl, v, vl, &k->lm, err);
    return RLM_OK;
}

/* A node (I=) or link (J=) line. */
static rlm_status body_line(slf_reader *r, const char **tok, const size_t *tl, int nf,
                            int node, rlm_error *err) {
    const char *n = NULL, *v = NULL;
    size_t nl = 0, vl = 0;
    int32_t idx;
    rlm_status st = entry(r, tok[0], tl[0], node, &idx, err);
    for (int i = 1; !st && i < nf; i++) {
        st = split(r, tok[i], tl[i], &n, &nl, &v, &vl, err);
        if (!st) st = node ? node_field(r, &r->nodes[idx], n, nl, v, vl, err)
                           : link_field(r, &r->links[idx], n, nl, v, vl, err);
    }
    if (st || node) return st;
    const slf_link *k = &r->links[idx];
    r->links_seen++;
    if (k->from < 0 || k->to < 0)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: missing (a link needs S= and E=)",
                        r->f.name, r->f.line, k->from < 0 ? "S" : "E");
    if (r->base == 0 && (k->ac <= 0 || k->lm <= 0)) /* probabilities, from base=0 */
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: base=0 makes scores probabilities, "
                        "and %.9g is not above 0", r->f.name, r->f.line, k->ac <= 0 ? "a" : "l",
                        k->ac <= 0 ? k->ac : k->lm);
    return RLM_OK;
}

/* After the header's N= and L=: the node and link tables. */
static rlm_status size_known(slf_reader *r, rlm_error *err) {
    if (r->n_nodes < 0 || r->n_links < 0)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: %s: missing (the size line gives N= and L=)",
                        r->f.name, r->f.line, r->n_nodes < 0 ? "N" : "L");
    r->nodes = malloc((size_t)(r->n_nodes ? r->n_nodes : 1) * sizeof *r->nodes);
    r->links = calloc((size_t)(r->n_links ? r->n_links : 1), sizeof *r->links);
    if (!r->nodes || !r->links) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", r->f.name);
    for (int64_t i = 0; i < r->n_nodes; i++) r->nodes[i] = (slf_node){-1, 0, -1};
    for (int64_t j = 0; j < r->n_links; j++) r->links[j] = (slf_link){-1, -1, -1, 0, 0, 0};
    /* with base=0 an absent score is probability 1 */
    if (r->base == 0)
        for (int64_t j = 0; j < r->n_links; j++) r->links[j].ac = r->links[j].lm = 1;
    return RLM_OK;
}


/* The only node of degree 0 in deg (links into it for the start, out of it for the end); -1
 * and a message when there is none or more than one. */
static int32_t lone_node(const slf_reader *r, const int32_t *deg, const char *field,
                         const char *verb, rlm_error *err) {
    int32_t found = -1, count = 0;
    for (int64_t i = 0; i < r->n_nodes; i++)
        if (!deg[i]) found = (int32_t)i, count++;
    if (count == 1) return found;
    rlm_fail(err, RLM_E_FORMAT, "%s: %s: %ld nodes could be the %s node (no link %s them); "
             "give %s=", r->f.name, field, (long)count, field,
             verb, field);
    return -1;
}

static rlm_status build(slf_reader *r, rlm_lattice *lat, rlm_error *err) {
    if (r->links_seen != r->n_links)
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: L: the header says %ld links, the file has "
                        "%ld", r->f.name, r->f.line, (long)r->n_links, (long)r->links_seen);
    if (!rlm_lattice_reserve_states(lat, (int32_t)r->n_nodes))
        return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", r->f.name);
    int32_t *in = calloc((size_t)r->n_nodes + 1, sizeof *in);
    int32_t *out = calloc((size_t)r->n_nodes + 1, sizeof *out);
    rlm_status st = in && out ? RLM_OK : rlm_fail(err, RLM_E_NOMEM, "%s: out of memory",
                                                  r->f.name);
    double scale = r->base == 0 ? 0 : log10(r->base); /* base=0: probabilities */
    for (int64_t j = 0; !st && j < r->n_links; j++) {
        const slf_link *k = &r->links[j];
        int32_t word = k->word >= 0 ? k->word : r->nodes[k->to].word;
        in[k->to]++, out[k->from]++;
        double ac = scale ? k->ac * scale : log10(k->ac), lm = scale ? k->lm * scale : log10(k->lm);
        if (rlm_lattice_add_arc(lat, k->from, k->to, word < 0 ? RLM_SYMBOL_EPS : word, ac, lm) < 0)
            st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", r->f.name);
    }
    for (int64_t i = 0; !st && i < r->n_nodes; i++) lat->states[i].time = r->nodes[i].time;
    if (!st && r->n_nodes == 0) st = rlm_fail(err, RLM_E_FORMAT, "%s: N: a lattice needs nodes",
                                              r->f.name);
    const char *which[2] = {"start", "end"}, *verb[2] = {"enters", "leaves"};
    int32_t given[2] = {r->start, r->end}, *deg[2] = {in, out}, node[2];
    for (int e = 0; !st && e < 2; e++) {
        if (given[e] >= r->n_nodes)
            st = rlm_fail(err, RLM_E_FORMAT, "%s: %s: node %ld is not below N=%ld", r->f.name,
                          which[e], (long)given[e], (long)r->n_nodes);
        else if (given[e] >= 0)
            node[e] = given[e];
        else if ((node[e] = lone_node(r, deg[e], which[e], verb[e], err)) < 0)
            st = RLM_E_FORMAT;
    }
    if (!st) {
        lat->start = node[0];
        rlm_lattice_set_final(lat, node[1], 0, 0);
        st = rlm_lattice_check(lat, r->f.name, err);
    }
    free(in);
    free(out);
    return st;
}

/* The lattice's id: UTTERANCE=, else the file's name without directory and extension. */
static char *lattice_id(const slf_reader *r) {
    if (r->utt) return strndup(r->utt, r->utt_len);
    const char *b = strrchr(r->f.name, '/');
    b = b ? b + 1 : r->f.name;
    const char *dot = strrchr(b, '.');
    return strndup(b, dot && dot != b ? (size_t)(dot - b) : strlen(b));
}

rlm_status lattice_parse_slf(const char *data, size_t size, const char *name,
                             const rlm_lattice_read_opts *opt, rlm_lattice_list *out,
                             rlm_error *err) {
    slf_reader r = {nbest_file_init(data, size, name), opt, M_E, -1, -1, -1, -1,
                    NULL, NULL, 0, NULL, 0};
    const char *line, *tok[64];
    size_t len, tl[64];
    int in_body = 0, ended = 0;
    rlm_status st = RLM_OK;
    while (!st && nbest_next_line(&r.f, &line, &len, err, &st)) {
        size_t pos = 0;
        int nf = 0;
        while (nf < 64 && nbest_field(line, len, &pos, &tok[nf], &tl[nf])) nf++;
        if (nf == 0 || tok[0][0] == '#') continue;
        if (nf == 64) {
            st = rlm_fail(err, RLM_E_FORMAT, "%s:%ld: line: more than 63 fields", name, r.f.line);
        } else if (ended) {
            st = rlm_fail(err, RLM_E_UNSUPPORTED, "%s:%ld: line: text after the lattice's "
                          "closing '.' (one lattice per file)", name, r.f.line);
        } else if (nf == 1 && tl[0] == 1 && tok[0][0] == '.') {
            ended = 1;
        } else if (tl[0] >= 2 && (tok[0][0] == 'I' || tok[0][0] == 'J') && tok[0][1] == '=') {
            if (!in_body) st = size_known(&r, err), in_body = 1;
            if (!st) st = body_line(&r, tok, tl, nf, tok[0][0] == 'I', err);
        } else if (in_body) {
            st = rlm_fail(err, RLM_E_FORMAT, "%s:%ld: line: expected a node (I=) or link (J=) "
                          "line after the size line, got '%.*s'", name, r.f.line,
                          (int)(tl[0] > 40 ? 40 : tl[0]), tok[0]);
        } else {
            for (int k = 0; !st && k < nf; k++) {
                const char *n = NULL, *v = NULL;
                size_t nl = 0, vl = 0;
                st = split(&r, tok[k], tl[k], &n, &nl, &v, &vl, err);
                if (!st) st = header_field(&r, n, nl, v, vl, err);
            }
        }
    }
    if (!st && !in_body) st = size_known(&r, err); /* N=0 L=0, or a missing size line */
    rlm_lattice *lat = NULL;
    char *id = NULL;
    if (!st) {
        id = lattice_id(&r);
        lat = id ? rlm_lattice_new(id, opt->symbols) : NULL;
        st = lat ? build(&r, lat, err) : rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    }
    if (!st && !rlm_lattice_list_push(out, lat))
        st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    if (st) rlm_lattice_free(lat);
    free(id);
    free(r.nodes);
    free(r.links);
    return st;
}

/* ---- writing ---- */

/* The end node the file gets: the lattice's one final state when it has scores 0 and no arcs
 * leave it, else a new node after the last (n_states). */
static int32_t end_node(const rlm_lattice *lat, const rlm_lattice_write_opts *opt, size_t i) {
    int32_t end = -1;
    for (int32_t s = 0; s < lat->n_states; s++) {
        if (!lat->states[s].is_final) continue;
        if (end >= 0 || lat->states[s].final_ac != 0 || lattice_final_lm(opt, i, lat, s) != 0)
            return lat->n_states;
        end = s;
    }
    for (size_t a = 0; end >= 0 && a < lat->n_arcs; a++)
        if (lat->arcs[a].from == end) return lat->n_states;
    return end < 0 ? lat->n_states : end;
}

static const char *word_text(const rlm_lattice *lat, int32_t w) {
    return w == RLM_SYMBOL_EPS ? "!NULL" : rlm_symbols_word(lat->symbols, w);
}

static void put_link(FILE *f, size_t j, int32_t from, int32_t to, const char *w, double ac,
                     double lm, double scale) {
    fprintf(f, "J=%zu\tS=%ld\tE=%ld\tW=%s\ta=%.12g\tl=%.12g\n", j, (long)from, (long)to, w,
            ac * scale + 0.0, lm * scale + 0.0);
}

/* What SLF cannot hold, found before any file is written. */
static rlm_status writable(const rlm_lattice *lat, const char *path, rlm_error *err) {
    if (lat->start < 0 || lat->n_states == 0)
        return rlm_fail(err, RLM_E_ARG, "%s: lattice %s is empty; SLF cannot hold an empty "
                        "lattice", path, lat->id);
    if (!lattice_token_ok(lat->id))
        return rlm_fail(err, RLM_E_ARG, "%s: lattice id '%s' is empty or has white space; SLF's "
                        "UTTERANCE= cannot hold it", path, lat->id);
    for (size_t a = 0; a < lat->n_arcs; a++) {
        const char *w = word_text(lat, lat->arcs[a].word);
        if (!w)
            return rlm_fail(err, RLM_E_ARG, "%s: lattice %s: arc %zu: label %ld is not in the "
                            "symbol table", path, lat->id, a, (long)lat->arcs[a].word);
        if (!lattice_token_ok(w))
            return rlm_fail(err, RLM_E_ARG, "%s: lattice %s: arc %zu: word '%s' is empty or has "
                            "white space; SLF's W= cannot hold it", path, lat->id, a, w);
    }
    return RLM_OK;
}

static rlm_status write_one(const rlm_lattice *lat, size_t i, const char *path,
                            const rlm_lattice_write_opts *opt, rlm_error *err) {
    double base = opt->slf_base > 0 ? opt->slf_base : M_E;
    double scale = 1 / log10(base); /* log10 -> the file's base */
    int32_t end = end_node(lat, opt, i);
    size_t n_finals = 0;
    for (int32_t s = 0; end == lat->n_states && s < lat->n_states; s++)
        n_finals += lat->states[s].is_final != 0;
    rlm_atomic_file af;
    rlm_status st = rlm_atomic_open(&af, path, err);
    if (st) return st;
    FILE *f = af.f;
    fprintf(f, "VERSION=1.0\nUTTERANCE=%s\n", lat->id);
    if (opt->slf_base > 0) fprintf(f, "base=%.12g\n", opt->slf_base);
    fprintf(f, "start=%ld\nend=%ld\nN=%ld\tL=%zu\n", (long)lat->start, (long)end,
            (long)lat->n_states + (end == lat->n_states), lat->n_arcs + n_finals);
    for (int32_t s = 0; s < lat->n_states; s++) {
        fprintf(f, "I=%ld", (long)s);
        if (lat->states[s].time >= 0) fprintf(f, "\tt=%.12g", lat->states[s].time);
        fputc('\n', f);
    }
    if (end == lat->n_states) fprintf(f, "I=%ld\n", (long)end);
    for (size_t a = 0; a < lat->n_arcs; a++) {
        const rlm_lattice_arc *arc = &lat->arcs[a];
        put_link(f, a, arc->from, arc->to, word_text(lat, arc->word), arc->ac,
                 lattice_arc_lm(opt, i, lat, a), scale);
    }
    size_t j = lat->n_arcs;
    for (int32_t s = 0; end == lat->n_states && s < lat->n_states; s++)
        if (lat->states[s].is_final)
            put_link(f, j++, s, end, "!NULL", lat->states[s].final_ac,
                     lattice_final_lm(opt, i, lat, s), scale);
    return rlm_atomic_commit(&af, err);
}

rlm_status lattice_write_slf(const rlm_lattice_list *l, const char *path,
                             const rlm_lattice_write_opts *opt, rlm_error *err) {
    if (opt->slf_base < 0 || opt->slf_base == 1 || !isfinite(opt->slf_base))
        return rlm_fail(err, RLM_E_ARG, "%s: SLF log base %g: must be above 0 and not 1 (0 "
                        "means e)", path, opt->slf_base);
    struct stat sb;
    int dir = stat(path, &sb) == 0 && S_ISDIR(sb.st_mode);
    if (!dir && l->n != 1)
        return rlm_fail(err, RLM_E_ARG, "%s: SLF holds one lattice per file; to write %zu "
                        "lattices give an existing directory", path, l->n);
    rlm_status st = RLM_OK;
    for (size_t i = 0; !st && i < l->n; i++) {
        const char *id = l->lat[i]->id;
        if (dir && (strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, "..")))
            return rlm_fail(err, RLM_E_ARG, "%s: lattice id '%s' cannot be a file name", path, id);
        st = writable(l->lat[i], path, err);
    }
    if (!st && !dir) return write_one(l->lat[0], 0, path, opt, err);
    for (size_t i = 0; !st && i < l->n; i++) {
        const char *id = l->lat[i]->id;
        size_t n = strlen(path) + strlen(id) + 6;
        char *file = malloc(n);
        if (!file) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", path);
        snprintf(file, n, "%s/%s.slf", path, id);
        st = write_one(l->lat[i], i, file, opt, err);
        free(file);
    }
    return st;
}
