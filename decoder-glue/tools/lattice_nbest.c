/* A* n-best over a pocketsphinx lattice with fillers bypassed (see lattice_nbest.h). */
#include "lattice_nbest.h"
#include "tool_error.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_WORD, KIND_START, KIND_END, KIND_FILLER };

typedef struct lnode {
    ps_latnode_t *node;
    const char *word; /* base word: pronunciation variants share the LM score and the text */
    int sf, kind, first_edge, n_edges, h_ok;
    int final; /* a path ends here: the </s> node, or the last word when there is none */
    int32 wid;
    double h; /* best bigram-scored completion to the end */
} lnode;

typedef struct ledge {
    int to;
    int32 ascr;
} ledge;

typedef struct lpath {
    int node, nwords;
    long parent;
    int32 w1, w2; /* the last two words' LM ids, newest first; w2 < 0 when there is one */
    int64_t a, l;
    double g;
} lpath;

typedef struct heap_item {
    double f;
    long path;
} heap_item;

typedef struct search {
    lnode *nodes;
    ledge *edges;
    lpath *paths;
    heap_item *heap;
    int n_nodes, n_edges;
    long n_paths, cap_paths, n_heap, cap_heap;
} search;

/* Pointer -> node index, open addressing: links name their nodes by pointer. */
typedef struct ptr_map {
    const void **keys;
    int *vals;
    size_t mask;
} ptr_map;

static size_t ptr_hash(const void *p)
{
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static int ptr_map_init(ptr_map *m, int n)
{
    size_t size = 16;
    while (size < (size_t)n * 2) size *= 2;
    m->keys = calloc(size, sizeof *m->keys);
    m->vals = malloc(size * sizeof *m->vals);
    m->mask = size - 1;
    return m->keys && m->vals ? 0 : -1;
}

static void ptr_map_put(ptr_map *m, const void *k, int v)
{
    size_t i = ptr_hash(k) & m->mask;
    while (m->keys[i] && m->keys[i] != k) i = (i + 1) & m->mask;
    m->keys[i] = k;
    m->vals[i] = v;
}

static int ptr_map_get(const ptr_map *m, const void *k)
{
    size_t i = ptr_hash(k) & m->mask;
    while (m->keys[i]) {
        if (m->keys[i] == k) return m->vals[i];
        i = (i + 1) & m->mask;
    }
    return -1;
}

static int is_filler(const lat_nbest_config *cfg, const char *w)
{
    for (int i = 0; i < cfg->n_fillers; i++)
        if (strcmp(cfg->fillers[i], w) == 0) return 1;
    return 0;
}

/* Collects the nodes and their links (except those into <s>, which no path re-enters). */
static int load_lattice(search *s, ps_lattice_t *dag, ngram_model_t *lm, const lat_nbest_config *cfg,
                        char *msg, size_t msg_size)
{
    int cap = 256;
    s->nodes = malloc((size_t)cap * sizeof *s->nodes);
    if (!s->nodes) return fail(msg, msg_size, "out of memory");
    for (ps_latnode_iter_t *it = ps_latnode_iter(dag); it; it = ps_latnode_iter_next(it)) {
        if (s->n_nodes == cap) {
            lnode *grown = realloc(s->nodes, (size_t)cap * 2 * sizeof *s->nodes);
            if (!grown) {
                ps_latnode_iter_free(it);
                return fail(msg, msg_size, "out of memory");
            }
            s->nodes = grown;
            cap *= 2;
        }
        lnode *n = &s->nodes[s->n_nodes++];
        memset(n, 0, sizeof *n);
        int16 fef, lef;
        n->node = ps_latnode_iter_node(it);
        n->word = ps_latnode_baseword(dag, n->node);
        n->sf = ps_latnode_times(n->node, &fef, &lef);
        /* Only the <s> of frame 0 starts a sentence; any other <s> (the forward-flat pass
         * leaves some) is treated as a filler, i.e. bypassed. */
        if (strcmp(n->word, "<s>") == 0)
            n->kind = n->sf == 0 ? KIND_START : KIND_FILLER;
        else if (strcmp(n->word, "</s>") == 0)
            n->kind = KIND_END;
        else
            n->kind = is_filler(cfg, n->word) ? KIND_FILLER : KIND_WORD;
        n->wid = ngram_wid(lm, n->word);
    }
    ptr_map map = {0};
    if (ptr_map_init(&map, s->n_nodes)) {
        free(map.keys);
        free(map.vals);
        return fail(msg, msg_size, "out of memory");
    }
    for (int i = 0; i < s->n_nodes; i++) ptr_map_put(&map, s->nodes[i].node, i);
    int ecap = 1024, rc = 0;
    s->edges = malloc((size_t)ecap * sizeof *s->edges);
    if (!s->edges) rc = fail(msg, msg_size, "out of memory");
    for (int i = 0; i < s->n_nodes && rc == 0; i++) {
        lnode *n = &s->nodes[i];
        n->first_edge = s->n_edges;
        if (n->kind == KIND_END) continue;
        for (ps_latlink_iter_t *it = ps_latnode_exits(n->node); it; it = ps_latlink_iter_next(it)) {
            ps_latlink_t *link = ps_latlink_iter_link(it);
            int to = ptr_map_get(&map, ps_latlink_nodes(link, NULL));
            if (to < 0) {
                ps_latlink_iter_free(it);
                rc = fail(msg, msg_size, "a link from %s@%d leads to no lattice node", n->word, n->sf);
                break;
            }
            if (s->nodes[to].kind == KIND_START) continue;
            if (s->n_edges == ecap) {
                ledge *grown = realloc(s->edges, (size_t)ecap * 2 * sizeof *s->edges);
                if (!grown) {
                    ps_latlink_iter_free(it);
                    rc = fail(msg, msg_size, "out of memory");
                    break;
                }
                s->edges = grown;
                ecap *= 2;
            }
            ledge *e = &s->edges[s->n_edges++];
            e->to = to;
            ps_latlink_prob(dag, link, &e->ascr);
        }
        n->n_edges = s->n_edges - n->first_edge;
    }
    free(map.keys);
    free(map.vals);
    /* When no </s> survived to the last frame, pocketsphinx ends the lattice at the best word
     * there instead: the one node without exits (it deletes every other dead end). */
    int have_end = 0;
    for (int i = 0; i < s->n_nodes; i++) have_end |= s->nodes[i].kind == KIND_END;
    for (int i = 0; i < s->n_nodes; i++) {
        lnode *n = &s->nodes[i];
        n->final = n->kind == KIND_END || (!have_end && n->kind == KIND_WORD && n->n_edges == 0);
    }
    return rc;
}

typedef struct sf_index {
    int sf, index;
} sf_index;

static int by_sf_desc(const void *pa, const void *pb)
{
    const sf_index *a = pa, *b = pb;
    return b->sf != a->sf ? b->sf - a->sf : a->index - b->index;
}

/* h(node) = best over its links of ascr + weighted bigram + bonus + h(next) (no LM terms into a
 * filler), computed from the
 * end backwards; links always go forward in time, so decreasing start frame is a topological
 * order. Returns 0, or -1 when a link goes backwards (the heuristic would be wrong). */
static int heuristic(search *s, ngram_model_t *lm, const lat_nbest_config *cfg, char *msg,
                     size_t msg_size)
{
    sf_index *order = malloc((size_t)s->n_nodes * sizeof *order);
    if (!order) return fail(msg, msg_size, "out of memory");
    for (int i = 0; i < s->n_nodes; i++) order[i] = (sf_index){s->nodes[i].sf, i};
    qsort(order, (size_t)s->n_nodes, sizeof *order, by_sf_desc);
    int rc = 0;
    for (int k = 0; k < s->n_nodes && rc == 0; k++) {
        lnode *n = &s->nodes[order[k].index];
        if (n->final) {
            /* A final word still owes </s>, which the search adds when it completes the path. */
            int32 hist = n->wid, used;
            n->h = n->kind == KIND_END ? 0
                                       : cfg->lm_weight * ngram_ng_prob(lm, ngram_wid(lm, "</s>"), &hist, 1, &used)
                                             + cfg->word_bonus;
            n->h_ok = 1;
            continue;
        }
        for (int e = n->first_edge; e < n->first_edge + n->n_edges; e++) {
            const lnode *to = &s->nodes[s->edges[e].to];
            if (to->sf <= n->sf) {
                rc = fail(msg, msg_size, "link from %s@%d back to %s@%d", n->word, n->sf, to->word,
                          to->sf);
                break;
            }
            if (!to->h_ok) continue;
            double v = s->edges[e].ascr + to->h;
            if (to->kind != KIND_FILLER) {
                /* After a filler the context is unknown here: use the unigram. */
                int32 hist = n->wid, used;
                int n_hist = n->kind == KIND_FILLER ? 0 : 1;
                v += cfg->lm_weight * ngram_ng_prob(lm, to->wid, &hist, n_hist, &used) + cfg->word_bonus;
            }
            if (!n->h_ok || v > n->h) {
                n->h = v;
                n->h_ok = 1;
            }
        }
    }
    free(order);
    return rc;
}

static int heap_push(search *s, double f, long path)
{
    if (s->n_heap == s->cap_heap) {
        long cap = s->cap_heap ? s->cap_heap * 2 : 1024;
        heap_item *grown = realloc(s->heap, (size_t)cap * sizeof *grown);
        if (!grown) return -1;
        s->heap = grown;
        s->cap_heap = cap;
    }
    long i = s->n_heap++;
    while (i > 0 && s->heap[(i - 1) / 2].f < f) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i].f = f;
    s->heap[i].path = path;
    return 0;
}

static long heap_pop(search *s)
{
    long top = s->heap[0].path;
    heap_item last = s->heap[--s->n_heap];
    long i = 0;
    for (;;) {
        long c = 2 * i + 1;
        if (c >= s->n_heap) break;
        if (c + 1 < s->n_heap && s->heap[c + 1].f > s->heap[c].f) c++;
        if (s->heap[c].f <= last.f) break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (s->n_heap > 0) s->heap[i] = last;
    return top;
}

static long new_path(search *s)
{
    if (s->n_paths == s->cap_paths) {
        long cap = s->cap_paths ? s->cap_paths * 2 : 4096;
        lpath *grown = realloc(s->paths, (size_t)cap * sizeof *grown);
        if (!grown) return -1;
        s->paths = grown;
        s->cap_paths = cap;
    }
    return s->n_paths++;
}

/* The words of a complete path, space-separated, in a new string. */
static char *path_text(const search *s, long p)
{
    size_t len = 1;
    for (long q = p; q >= 0; q = s->paths[q].parent)
        if (s->nodes[s->paths[q].node].kind == KIND_WORD) len += strlen(s->nodes[s->paths[q].node].word) + 1;
    char *text = malloc(len);
    if (!text) return NULL;
    char *end = text + len - 1;
    *end = '\0';
    int seen = 0;
    for (long q = p; q >= 0; q = s->paths[q].parent) {
        const lnode *n = &s->nodes[s->paths[q].node];
        if (n->kind != KIND_WORD) continue;
        size_t wl = strlen(n->word);
        if (seen++ > 0) *--end = ' ';
        end -= wl;
        memcpy(end, n->word, wl);
    }
    /* Paths without words leave the text at its end; move it to the start. */
    memmove(text, end, strlen(end) + 1);
    return text;
}

static int by_total_desc(const void *pa, const void *pb)
{
    const lat_hyp *a = pa, *b = pb;
    return (a->total < b->total) - (a->total > b->total);
}

int lat_nbest(ps_lattice_t *dag, ngram_model_t *lm, const lat_nbest_config *cfg, lat_hyp *out,
              lat_nbest_stats *stats, char *msg, size_t msg_size)
{
    search s;
    memset(&s, 0, sizeof s);
    memset(stats, 0, sizeof *stats);
    int kept = 0, rc = load_lattice(&s, dag, lm, cfg, msg, msg_size);
    if (rc == 0) rc = heuristic(&s, lm, cfg, msg, msg_size);
    stats->nodes = s.n_nodes;
    stats->links = s.n_edges;
    for (int i = 0; i < s.n_nodes && rc == 0; i++) {
        const lnode *n = &s.nodes[i];
        if (n->kind != KIND_START || !n->h_ok) continue;
        long p = new_path(&s);
        if (p < 0 || heap_push(&s, n->h, p)) {
            rc = fail(msg, msg_size, "out of memory");
            break;
        }
        s.paths[p] = (lpath){.node = i, .parent = -1, .w1 = n->wid, .w2 = -1};
    }
    if (rc == 0 && s.n_heap == 0) rc = fail(msg, msg_size, "no path from <s> to </s> in the lattice");

    int want = cfg->n_search > cfg->n ? cfg->n_search : cfg->n;
    while (rc == 0 && kept < want && s.n_heap > 0) {
        if (stats->pops >= cfg->max_pops || s.n_paths >= cfg->max_paths) {
            stats->stopped_early = 1;
            break;
        }
        stats->pops++;
        long p = heap_pop(&s);
        lpath cur = s.paths[p];
        const lnode *n = &s.nodes[cur.node];
        if (n->final) {
            if (n->kind != KIND_END) { /* a final word: add </s> as bestpath would not */
                int32 hist[2] = {cur.w1, cur.w2}, used;
                int32 lp = ngram_ng_prob(lm, ngram_wid(lm, "</s>"), hist, cur.w2 < 0 ? 1 : 2, &used);
                cur.l += lp;
                cur.g += cfg->lm_weight * lp + cfg->word_bonus;
            }
            char *text = path_text(&s, p);
            if (!text) {
                rc = fail(msg, msg_size, "out of memory");
                break;
            }
            int dup = 0;
            for (int i = 0; i < kept && !dup; i++) dup = strcmp(out[i].text, text) == 0;
            if (dup) {
                free(text);
                continue;
            }
            out[kept++] = (lat_hyp){.text = text, .nwords = cur.nwords, .ascore = cur.a,
                                    .lscore = cur.l, .total = cur.g};
            continue;
        }
        for (int e = n->first_edge; e < n->first_edge + n->n_edges; e++) {
            const ledge *edge = &s.edges[e];
            const lnode *to = &s.nodes[edge->to];
            if (!to->h_ok) continue; /* a dead end */
            long q = new_path(&s);
            if (q < 0) {
                rc = fail(msg, msg_size, "out of memory");
                break;
            }
            lpath *np = &s.paths[q];
            *np = cur;
            np->node = edge->to;
            np->parent = p;
            np->a = cur.a + edge->ascr;
            if (to->kind == KIND_FILLER) {
                /* Not a word: no LM score, and the LM context passes through. */
                np->g = cur.g + edge->ascr;
            } else {
                int32 hist[2] = {cur.w1, cur.w2}, used;
                int32 lp = ngram_ng_prob(lm, to->wid, hist, cur.w2 < 0 ? 1 : 2, &used);
                np->w1 = to->wid;
                np->w2 = cur.w1;
                np->nwords = cur.nwords + (to->kind == KIND_WORD);
                np->l = cur.l + lp;
                np->g = cur.g + edge->ascr + cfg->lm_weight * lp + cfg->word_bonus;
            }
            if (heap_push(&s, np->g + to->h, q)) {
                rc = fail(msg, msg_size, "out of memory");
                break;
            }
        }
    }
    stats->paths = s.n_paths;
    free(s.nodes);
    free(s.edges);
    free(s.paths);
    free(s.heap);
    if (rc) {
        for (int i = 0; i < kept; i++) free(out[i].text);
        return -1;
    }
    /* A* pops complete paths best first only when its heuristic never underestimates; the
     * bigram heuristic can, so sort what it found and keep the best n. */
    qsort(out, (size_t)kept, sizeof *out, by_total_desc);
    for (int i = cfg->n; i < kept; i++) free(out[i].text);
    return kept < cfg->n ? kept : cfg->n;
}

/* The word a node is written with: pocketsphinx's base word, <s> and </s> for the sentence
 * ends (a mid-utterance <s> is a filler and keeps its name: the rescorer skips both). */
static const char *slf_word(const lnode *n)
{
    return n->kind == KIND_START ? "<s>" : n->kind == KIND_END ? "</s>" : n->word;
}

int lat_write_slf(ps_lattice_t *dag, ngram_model_t *lm, const lat_nbest_config *cfg,
                  const char *utt, FILE *out, char *msg, size_t msg_size)
{
    search s;
    memset(&s, 0, sizeof s);
    int rc = load_lattice(&s, dag, lm, cfg, msg, msg_size);
    int start = -1, end_frame = 0, n_final_words = 0, n_links = s.n_edges;
    for (int i = 0; i < s.n_nodes && rc == 0; i++) {
        const lnode *n = &s.nodes[i];
        if (n->kind == KIND_START && start < 0) start = i;
        if (n->sf > end_frame) end_frame = n->sf;
        n_final_words += n->final;
    }
    if (rc == 0 && start < 0) rc = fail(msg, msg_size, "no <s> node in the lattice");
    if (rc == 0) {
        /* One end node, after every final node: its link carries </s> where the path ends at
         * a word; the </s> node's own acoustic score is left out, as in the n-best lists. */
        const double to_ln = log(1.0001);
        int32 eos = ngram_wid(lm, "</s>");
        fprintf(out, "# Word lattice of pocketsphinx 0.8 (ps_nbest): words on nodes, t= start time (s),\n"
                     "# a= acoustic and l= the decoder's n-gram LM (bigram context, unweighted), ln\n"
                     "VERSION=1.0\nUTTERANCE=%s\nlmscale=%g\nwdpenalty=%g\nstart=%d\nend=%d\nN=%d\tL=%d\n",
                utt, cfg->lm_weight, cfg->word_bonus * to_ln, start, s.n_nodes,
                s.n_nodes + 1, n_links + n_final_words);
        for (int i = 0; i < s.n_nodes; i++)
            fprintf(out, "I=%d\tt=%.2f\tW=%s\n", i, s.nodes[i].sf / 100.0, slf_word(&s.nodes[i]));
        fprintf(out, "I=%d\tt=%.2f\tW=!NULL\n", s.n_nodes, (end_frame + 1) / 100.0);
        int j = 0;
        for (int i = 0; i < s.n_nodes; i++) {
            const lnode *n = &s.nodes[i];
            int32 hist = n->wid, used;
            int n_hist = n->kind == KIND_FILLER ? 0 : 1; /* after a filler: the unigram */
            for (int e = n->first_edge; e < n->first_edge + n->n_edges; e++) {
                const lnode *to = &s.nodes[s.edges[e].to];
                int32 lp = to->kind == KIND_FILLER ? 0 : ngram_ng_prob(lm, to->kind == KIND_END ? eos : to->wid, &hist, n_hist, &used);
                fprintf(out, "J=%d\tS=%d\tE=%d\ta=%.4f\tl=%.4f\n", j++, i, s.edges[e].to,
                        s.edges[e].ascr * to_ln, lp * to_ln);
            }
            if (n->final) {
                int32 lp = n->kind == KIND_END ? 0 : ngram_ng_prob(lm, eos, &hist, n_hist, &used);
                fprintf(out, "J=%d\tS=%d\tE=%d\ta=0\tl=%.4f\n", j++, i, s.n_nodes, lp * to_ln);
            }
        }
        if (ferror(out)) rc = fail(msg, msg_size, "write error");
    }
    free(s.nodes);
    free(s.edges);
    return rc;
}
