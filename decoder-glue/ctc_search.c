/* The CTC prefix beam search with shallow fusion (rlm_ctc.h). Probabilities are log10; an
 * impossible alignment set is -INFINITY. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "ctc_internal.h"

typedef struct entry {
    int32_t node;
    double pb, pnb; /* log10 acoustic probability, ending in blank / in the node's label */
    double score;   /* fused */
} entry;

typedef struct pair {
    int32_t node;   /* the prefix whose LM part the score completes */
    int32_t word;   /* scorer id */
} pair;

struct rlm_ctc_decoder {
    const rlm_ctc_alphabet *a;
    const rlm_scorer *sc;
    rlm_ctc_options o;
    int32_t *char_id;        /* per label: its scorer id (character mode) */
    ctc_trie trie;
    entry *cur, *next;       /* live prefixes; candidates of the next frame */
    int n_cur, n_next, cap_cur, cap_next;
    int32_t *entry_of;       /* per node: index in next + 1, 0 = none */
    int32_t cap_entry_of;
    pair *pairs;             /* LM work of one step */
    int n_pairs, cap_pairs;
    rlm_scorer_state *ins, *outs;
    int32_t *words;
    float *scores;
    int cap_lm;
    int32_t *sel, *labels;   /* labels tried this frame; a prefix's labels */
    char *word;              /* a word's spelling */
    size_t cap_word;
    rlm_ctc_hyp *hyps;
    char *text;              /* the hyps' texts, NUL-separated */
    int n_hyps;
    rlm_ctc_stats stats;
};

void rlm_ctc_options_init(rlm_ctc_options *o) {
    memset(o, 0, sizeof *o);
    o->beam = 16;
    o->min_log10post = -INFINITY;
    o->lm_weight = 1;
}

static double log10_add(double a, double b) {
    if (a < b) {
        double t = a;
        a = b, b = t;
    }
    if (b == -INFINITY) return a;
    return a + log10(1 + pow(10, b - a));
}

void rlm_ctc_decoder_free(rlm_ctc_decoder *d) {
    if (!d) return;
    free(d->char_id);
    ctc_trie_free(&d->trie);
    free(d->cur), free(d->next), free(d->entry_of), free(d->pairs);
    free(d->ins), free(d->outs), free(d->words), free(d->scores);
    free(d->sel), free(d->labels), free(d->word), free(d->hyps), free(d->text);
    free(d);
}

rlm_status rlm_ctc_decoder_new(const rlm_ctc_alphabet *a, const rlm_scorer *sc,
                               const rlm_ctc_options *opts, rlm_ctc_decoder **out,
                               rlm_error *err) {
    *out = NULL;
    rlm_ctc_options o;
    if (opts) o = *opts;
    else rlm_ctc_options_init(&o);
    if (o.beam < 1) return rlm_fail(err, RLM_E_ARG, "ctc: beam: %d; expected at least 1", o.beam);
    if (o.top_k < 0) return rlm_fail(err, RLM_E_ARG, "ctc: top_k: %d; expected 0 (all) or more", o.top_k);
    if (isnan(o.lm_weight) || isnan(o.bonus) || isnan(o.min_log10post))
        return rlm_fail(err, RLM_E_ARG, "ctc: lm_weight, bonus and min_log10post must be numbers");
    if (o.lm_mode != RLM_CTC_LM_NONE && o.lm_mode != RLM_CTC_LM_CHAR && o.lm_mode != RLM_CTC_LM_WORD)
        return rlm_fail(err, RLM_E_ARG, "ctc: lm_mode: unknown mode %d", (int)o.lm_mode);
    if (o.lm_mode != RLM_CTC_LM_NONE && !sc)
        return rlm_fail(err, RLM_E_ARG, "ctc: an LM mode needs a scorer");
    if (o.lm_mode == RLM_CTC_LM_WORD && a->space < 0)
        return rlm_fail(err, RLM_E_ARG, "ctc: word-level LM: the alphabet has no <space> label");
    rlm_ctc_decoder *d = calloc(1, sizeof *d);
    if (!d) return rlm_fail(err, RLM_E_NOMEM, "ctc: out of memory");
    d->a = a, d->sc = o.lm_mode == RLM_CTC_LM_NONE ? NULL : sc, d->o = o;
    d->char_id = calloc((size_t)a->n_labels, sizeof *d->char_id);
    d->sel = calloc((size_t)a->n_labels, sizeof *d->sel);
    if (!d->char_id || !d->sel) {
        rlm_ctc_decoder_free(d);
        return rlm_fail(err, RLM_E_NOMEM, "ctc: out of memory");
    }
    for (int i = 0; i < a->n_labels && d->sc; i++) {
        const char *s = i == a->space ? RLM_SPACE_TOKEN : a->labels[i];
        d->char_id[i] = rlm_scorer_word_id(sc, s, strlen(s));
    }
    *out = d;
    return RLM_OK;
}

/* Grows *p (of *cap elements of size sz) to hold at least n; 0 or -1. */
static int grow(void *p, int *cap, int n, size_t sz) {
    if (n <= *cap) return 0;
    int c = *cap ? *cap : 64;
    while (c < n) c *= 2;
    void *q = realloc(*(void **)p, (size_t)c * sz);
    if (!q) return -1;
    *(void **)p = q, *cap = c;
    return 0;
}

/* Adds probability mass to prefix node in next (log10); -1 when memory runs out. */
static int add(rlm_ctc_decoder *d, int32_t node, double pb, double pnb) {
    if (pb == -INFINITY && pnb == -INFINITY) return 0;
    if (node >= d->cap_entry_of) {
        int32_t c = d->trie.cap;
        int32_t *q = realloc(d->entry_of, (size_t)c * sizeof *q);
        if (!q) return -1;
        memset(q + d->cap_entry_of, 0, (size_t)(c - d->cap_entry_of) * sizeof *q);
        d->entry_of = q, d->cap_entry_of = c;
    }
    int32_t i = d->entry_of[node] - 1;
    if (i < 0) {
        if (grow(&d->next, &d->cap_next, d->n_next + 1, sizeof *d->next)) return -1;
        i = d->n_next++;
        d->next[i] = (entry){node, -INFINITY, -INFINITY, 0};
        d->entry_of[node] = i + 1;
    }
    d->next[i].pb = log10_add(d->next[i].pb, pb);
    d->next[i].pnb = log10_add(d->next[i].pnb, pnb);
    return 0;
}

/* The scorer id of the word the labels of node after its word start spell; -1 when memory runs
 * out. */
static int32_t word_id(rlm_ctc_decoder *d, int32_t node) {
    const ctc_node *n = &d->trie.nodes[node];
    int32_t k = ctc_trie_labels(&d->trie, node, n->word_depth, d->labels);
    size_t len = 0;
    for (int32_t i = 0; i < k; i++) {
        const char *s = d->a->labels[d->labels[i]];
        size_t l = strlen(s);
        if (len + l + 1 > d->cap_word) {
            size_t c = 2 * (len + l + 1);
            char *w = realloc(d->word, c);
            if (!w) return -1;
            d->word = w, d->cap_word = c;
        }
        memcpy(d->word + len, s, l);
        len += l;
    }
    return rlm_scorer_word_id(d->sc, d->word ? d->word : "", len);
}

/* Queues the LM score that completes node: its token from parent's state. word -1 (no memory
 * for the spelling) fails. */
static int queue(rlm_ctc_decoder *d, int32_t node, int32_t word) {
    if (word < 0 || grow(&d->pairs, &d->cap_pairs, d->n_pairs + 1, sizeof *d->pairs)) return -1;
    d->pairs[d->n_pairs++] = (pair){node, word};
    return 0;
}

/* Scores the queued pairs, each from its node's current state, and adds the result to the node
 * (state, lm, n_tokens when count): one batched call, or one call per pair. */
static int score_pairs(rlm_ctc_decoder *d, int count) {
    int n = d->n_pairs;
    d->n_pairs = 0;
    if (!n) return 0;
    int c = d->cap_lm;
    if (grow(&d->ins, &c, n, sizeof *d->ins) || (c = d->cap_lm, grow(&d->outs, &c, n, sizeof *d->outs)) ||
        (c = d->cap_lm, grow(&d->words, &c, n, sizeof *d->words)) ||
        (c = d->cap_lm, grow(&d->scores, &c, n, sizeof *d->scores)))
        return -1;
    d->cap_lm = c;
    for (int i = 0; i < n; i++) {
        d->ins[i] = d->trie.nodes[d->pairs[i].node].state;
        d->words[i] = d->pairs[i].word;
    }
    if (d->o.per_beam_scoring) {
        for (int i = 0; i < n; i++)
            d->scores[i] = rlm_scorer_score(d->sc, &d->ins[i], d->words[i], &d->outs[i]);
        d->stats.lm_calls += (uint64_t)n;
    } else {
        rlm_scorer_score_batch(d->sc, d->ins, d->words, n, d->outs, d->scores);
        d->stats.lm_calls++;
    }
    d->stats.lm_pairs += (uint64_t)n;
    for (int i = 0; i < n; i++) {
        if (isnan(d->scores[i])) return -1;
        ctc_node *x = &d->trie.nodes[d->pairs[i].node];
        x->state = d->outs[i];
        x->lm += d->scores[i];
        x->n_tokens += count;
    }
    return 0;
}

static double fused(const rlm_ctc_decoder *d, const ctc_node *n, double acoustic) {
    if (!d->sc) return acoustic;
    return acoustic + d->o.lm_weight * n->lm + d->o.bonus * n->n_tokens;
}

static int by_score(const void *x, const void *y) {
    const entry *a = x, *b = y;
    if (a->score != b->score) return a->score > b->score ? -1 : 1;
    return (a->node > b->node) - (a->node < b->node); /* deterministic ties */
}

/* The non-blank labels worth trying in this frame, into d->sel; returns how many. With top_k,
 * the k most probable (ties: lower index), kept sorted by insertion: k and L are small. */
static int select_labels(rlm_ctc_decoder *d, const float *row) {
    const int k = d->o.top_k;
    int n = 0;
    for (int c = 0; c < d->a->n_labels; c++) {
        if (c == d->a->blank || !(row[c] > -INFINITY) || row[c] < d->o.min_log10post) continue;
        if (!k) {
            d->sel[n++] = c;
            continue;
        }
        if (n == k && row[c] <= row[d->sel[n - 1]]) continue;
        int i = n < k ? n++ : n - 1;
        for (; i > 0 && row[d->sel[i - 1]] < row[c]; i--) d->sel[i] = d->sel[i - 1];
        d->sel[i] = c;
    }
    return n;
}

/* One frame: every extension of every live prefix into next, LM scores of the new prefixes, the
 * best beam of next into cur. */
static int step(rlm_ctc_decoder *d, const float *row) {
    const int space = d->a->space, blank = d->a->blank;
    int n_sel = select_labels(d, row);
    d->n_next = 0;
    for (int e = 0; e < d->n_cur; e++) {
        const entry x = d->cur[e];
        const double total = log10_add(x.pb, x.pnb);
        const int32_t last = d->trie.nodes[x.node].label;
        if (add(d, x.node, total + row[blank], -INFINITY)) return -1;
        for (int s = 0; s < n_sel; s++) {
            const int32_t c = d->sel[s];
            const double p = row[c];
            if (c == space && (x.node == 0 || last == space)) { /* adds no text: like a blank */
                if (add(d, x.node, total + p, -INFINITY)) return -1;
                continue;
            }
            double into_child = total + p;
            if (c == last) { /* a repeat collapses; only after a blank is it a new label */
                if (add(d, x.node, -INFINITY, x.pnb + p)) return -1;
                into_child = x.pb + p;
            }
            if (into_child == -INFINITY) continue;
            int made;
            int32_t child = ctc_trie_child(&d->trie, x.node, c, space, &made);
            if (child < 0) return -1;
            if (made) {
                d->stats.prefixes++;
                if (d->o.lm_mode == RLM_CTC_LM_CHAR && queue(d, child, d->char_id[c])) return -1;
                if (d->o.lm_mode == RLM_CTC_LM_WORD && c == space && queue(d, child, word_id(d, x.node)))
                    return -1;
            }
            if (add(d, child, -INFINITY, into_child)) return -1;
        }
    }
    d->stats.lm_frames += d->n_pairs > 0;
    if (score_pairs(d, 1)) return -1;
    for (int i = 0; i < d->n_next; i++) {
        entry *x = &d->next[i];
        d->entry_of[x->node] = 0;
        x->score = fused(d, &d->trie.nodes[x->node], log10_add(x->pb, x->pnb));
    }
    int keep = d->n_next < d->o.beam ? d->n_next : d->o.beam;
    if (d->n_next > keep) qsort(d->next, (size_t)d->n_next, sizeof *d->next, by_score);
    entry *t = d->cur;
    int c = d->cap_cur;
    d->cur = d->next, d->cap_cur = d->cap_next, d->n_cur = keep;
    d->next = t, d->cap_next = c;
    return 0;
}

/* The texts of the live prefixes into d->text (trailing space dropped), pointers in d->hyps. */
static int texts(rlm_ctc_decoder *d) {
    size_t size = 0;
    for (int e = 0; e < d->n_cur; e++) {
        int32_t k = ctc_trie_labels(&d->trie, d->cur[e].node, 0, d->labels);
        for (int32_t i = 0; i < k; i++) size += strlen(d->a->labels[d->labels[i]]);
        size++;
    }
    char *t = realloc(d->text, size ? size : 1);
    if (!t) return -1;
    d->text = t;
    for (int e = 0; e < d->n_cur; e++) {
        int32_t k = ctc_trie_labels(&d->trie, d->cur[e].node, 0, d->labels);
        if (k && d->labels[k - 1] == d->a->space) k--;
        d->hyps[e].text = t;
        for (int32_t i = 0; i < k; i++) {
            size_t l = strlen(d->a->labels[d->labels[i]]);
            memcpy(t, d->a->labels[d->labels[i]], l);
            t += l;
        }
        *t++ = 0;
    }
    return 0;
}

static int by_total(const void *x, const void *y) {
    const rlm_ctc_hyp *a = x, *b = y;
    if (a->total != b->total) return a->total > b->total ? -1 : 1;
    return strcmp(a->text, b->text);
}

/* End of the utterance: the last partial word (word mode) and </s>, one call each; then the
 * hypotheses, prefixes of one text merged. */
static int finish(rlm_ctc_decoder *d) {
    if (d->o.lm_mode == RLM_CTC_LM_WORD) {
        for (int e = 0; e < d->n_cur; e++) {
            const ctc_node *n = &d->trie.nodes[d->cur[e].node];
            if (n->depth > n->word_depth && queue(d, d->cur[e].node, word_id(d, d->cur[e].node)))
                return -1;
        }
        if (score_pairs(d, 1)) return -1;
    }
    if (d->sc) {
        for (int e = 0; e < d->n_cur; e++)
            if (queue(d, d->cur[e].node, RLM_SCORER_EOS)) return -1;
        if (score_pairs(d, 0)) return -1;
    }
    free(d->hyps);
    if (!(d->hyps = calloc((size_t)d->n_cur, sizeof *d->hyps)) || texts(d)) return -1;
    int n = 0;
    for (int e = 0; e < d->n_cur; e++) {
        const ctc_node *x = &d->trie.nodes[d->cur[e].node];
        rlm_ctc_hyp h = d->hyps[e];
        h.acoustic = log10_add(d->cur[e].pb, d->cur[e].pnb);
        h.total = fused(d, x, h.acoustic);
        h.lm = x->lm, h.n_tokens = d->sc ? x->n_tokens : 0;
        int j = 0;
        while (j < n && strcmp(d->hyps[j].text, h.text)) j++;
        if (j == n) {
            d->hyps[n++] = h;
            continue;
        }
        rlm_ctc_hyp *m = &d->hyps[j]; /* the same text with and without a trailing space */
        if (h.total > m->total) m->lm = h.lm, m->n_tokens = h.n_tokens;
        m->total = log10_add(m->total, h.total);
        m->acoustic = log10_add(m->acoustic, h.acoustic);
    }
    qsort(d->hyps, (size_t)n, sizeof *d->hyps, by_total);
    d->n_hyps = n;
    return 0;
}

rlm_status rlm_ctc_decode(rlm_ctc_decoder *d, const float *log10post, int64_t frames,
                          int n_labels, rlm_error *err) {
    d->n_hyps = 0;
    if (n_labels != d->a->n_labels)
        return rlm_fail(err, RLM_E_ARG, "ctc: %d columns; the alphabet has %d labels", n_labels,
                        d->a->n_labels);
    if (frames < 0 || frames >= INT32_MAX)
        return rlm_fail(err, RLM_E_ARG, "ctc: %lld frames", (long long)frames);
    rlm_scorer_state begin;
    if (d->sc) rlm_scorer_begin(d->sc, &begin);
    else memset(&begin, 0, sizeof begin);
    int32_t *l = realloc(d->labels, (size_t)(frames + 1) * sizeof *l);
    if (!l || ctc_trie_reset(&d->trie, &begin) || grow(&d->cur, &d->cap_cur, 1, sizeof *d->cur)) {
        if (l) d->labels = l;
        return rlm_fail(err, RLM_E_NOMEM, "ctc: out of memory");
    }
    d->labels = l;
    d->cur[0] = (entry){0, 0.0, -INFINITY, 0};
    d->n_cur = 1;
    d->n_pairs = 0;
    for (int64_t t = 0; t < frames; t++)
        if (step(d, log10post + t * n_labels))
            return rlm_fail(err, RLM_E_NOMEM, "ctc: out of memory at frame %lld", (long long)t);
    d->stats.frames += (uint64_t)frames;
    if (finish(d)) return rlm_fail(err, RLM_E_NOMEM, "ctc: out of memory at the end");
    return RLM_OK;
}

int rlm_ctc_decoder_n_hyps(const rlm_ctc_decoder *d) { return d->n_hyps; }

const rlm_ctc_hyp *rlm_ctc_decoder_hyp(const rlm_ctc_decoder *d, int i) {
    return i >= 0 && i < d->n_hyps ? &d->hyps[i] : NULL;
}

void rlm_ctc_decoder_stats(const rlm_ctc_decoder *d, rlm_ctc_stats *out) { *out = d->stats; }
