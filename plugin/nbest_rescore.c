/* N-best rescoring: a prefix tree per utterance, scored depth by depth with the batched RNN
 * calls, n-gram models per hypothesis, the components mixed per token (lm/rlm_mix.h), and
 * utterances spread over threads. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "nbest_rescore.h"

/* Nodes per rlm_model_log10prob_batch call: up to 2048 (the rare words share one wide class
 * whose slice of the output matrix is packed once per call, so more rows per call pay for it
 * better), fewer when the rows of logits (classes, or the whole vocabulary) would pass 16 MiB. */
static size_t score_block(const rlm_model *m) {
    const rlm_model_config *c = rlm_model_config_of(m);
    const rlm_vocab *v = rlm_model_vocab(m);
    size_t width = (size_t)(c->output == RLM_OUTPUT_CLASS ? rlm_vocab_num_classes(v)
                                                          : rlm_vocab_size(v));
    size_t rows = ((size_t)1 << 22) / (width + 2 * (size_t)c->hidden_size);
    return rows > 2048 ? 2048 : rows < 64 ? 64 : rows;
}

/* ---- per-thread work space, grown as utterances need ---- */

typedef struct tree {
    int32_t *word, *parent, *child, *sibling, *slot, *order;
    int32_t *depth_count;
    float *logp;
    size_t n, cap, depth_cap;
} tree;

typedef struct worker {
    struct job *job;
    tree t;
    int32_t *leaf;   /* per hypothesis of the utterances in hand: its `</s>` node */
    size_t leaf_cap;
    rlm_state **pool; /* pool[slot[n]]: the state after node n (roots and nodes with children) */
    size_t pool_cap;
    const rlm_state **in;
    rlm_state **out;
    int32_t *words;
    float *lp, *tok; /* tok: per-token scores of one hypothesis, n_models x tokens */
    uint8_t *flags;
    uint32_t *share;
    size_t in_cap, out_cap, words_cap, lp_cap, tok_cap, flags_cap, share_cap;
    rlm_rescore_stats stats;
    rlm_status st;
    rlm_error err;
} worker;

typedef struct job {
    const rlm_rescore_models *m;
    rlm_rescore_utt *utts;
    size_t n_utts, next, chunk_max;
    pthread_mutex_t lock;
    int n_models;
    double log10_missing[RLM_MIX_MAX_MODELS]; /* log10 M_i (lm/rlm_mix.h's vocabulary rule) */
} job;

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 1;
    size_t n = *cap ? *cap : 64;
    while (n < need) n *= 2;
    void *q = realloc(*p, n * elem);
    if (!q) return 0;
    *p = q, *cap = n;
    return 1;
}

static int tree_reserve(tree *t, size_t need) {
    if (need <= t->cap) return 1;
    size_t cap = t->cap;
    int ok = 1;
    int32_t **arrays[] = {&t->word, &t->parent, &t->child, &t->sibling, &t->slot, &t->order};
    for (int i = 0; i < 6 && ok; i++) {
        cap = t->cap;
        ok = grow((void **)arrays[i], &cap, need, sizeof(int32_t));
    }
    cap = t->cap;
    ok = ok && grow((void **)&t->logp, &cap, need, sizeof(float));
    if (ok) t->cap = cap;
    return ok;
}

/* The child of `node` reading `w`, made when missing; -1 when out of memory. */
static int32_t child_for(tree *t, int32_t node, int32_t w) {
    for (int32_t c = t->child[node]; c >= 0; c = t->sibling[c])
        if (t->word[c] == w) return c;
    if (!tree_reserve(t, t->n + 1)) return -1;
    int32_t c = (int32_t)t->n++;
    t->word[c] = w, t->parent[c] = node, t->child[c] = -1;
    t->sibling[c] = t->child[node], t->child[node] = c;
    return c;
}

static int pool_reserve(worker *w, size_t n, const rlm_model *m) {
    size_t old = w->pool_cap;
    if (!grow((void **)&w->pool, &w->pool_cap, n, sizeof(rlm_state *))) return 0;
    for (size_t i = old; i < w->pool_cap; i++) w->pool[i] = NULL;
    for (size_t i = 0; i < n; i++)
        if (!w->pool[i] && !(w->pool[i] = rlm_state_new(m))) return 0;
    return 1;
}

/* RNN log10 P of every token of every hypothesis of utterances u[0..n), into the tree's logp;
 * leaf[h] is each hypothesis' `</s>` node (hypotheses numbered across the utterances). The
 * tree is a forest: one root per utterance (all in the begin state), so the nodes and the scores
 * are those of each utterance's own tree, while each depth is one batch for all of them (bigger
 * products use the cores better than one small sgemm per utterance and depth). */
static rlm_status score_tree(worker *w, const rlm_rescore_utt *u, size_t n_utts) {
    const rlm_model *m = w->job->m->rnn;
    const rlm_vocab *v = rlm_model_vocab(m);
    tree *t = &w->t;
    size_t n_hyps = 0;
    for (size_t k = 0; k < n_utts; k++) n_hyps += u[k].n_hyps;
    if (!grow((void **)&w->leaf, &w->leaf_cap, n_hyps, sizeof(int32_t)) ||
        !tree_reserve(t, n_utts))
        return RLM_E_NOMEM;
    t->n = n_utts;
    for (size_t r = 0; r < n_utts; r++) t->child[r] = -1, t->parent[r] = -1, t->word[r] = RLM_EOS_ID;
    size_t depth_max = 0, k = 0;
    for (size_t r = 0; r < n_utts; r++)
        for (size_t h = 0; h < u[r].n_hyps; h++, k++) {
            int32_t node = (int32_t)r;
            const rlm_rescore_hyp *hy = &u[r].hyps[h];
            for (int i = 0; i <= hy->n_words; i++) {
                int32_t id = i < hy->n_words ? rlm_vocab_id(v, hy->words[i], strlen(hy->words[i]))
                                             : RLM_EOS_ID;
                if ((node = child_for(t, node, id)) < 0) return RLM_E_NOMEM;
            }
            w->leaf[k] = node;
            if ((size_t)hy->n_words + 1 > depth_max) depth_max = (size_t)hy->n_words + 1;
        }
    /* nodes by depth: a node's depth is its parent's + 1, and parents come first */
    int32_t *depth = t->slot; /* slot doubles as depth until the nodes are ordered */
    if (!grow((void **)&t->depth_count, &t->depth_cap, 2 * (depth_max + 2), sizeof(int32_t)))
        return RLM_E_NOMEM;
    int32_t *start = t->depth_count + depth_max + 2;
    memset(t->depth_count, 0, (depth_max + 2) * sizeof(int32_t));
    for (size_t r = 0; r < n_utts; r++) depth[r] = 0;
    for (size_t n = n_utts; n < t->n; n++) depth[n] = depth[t->parent[n]] + 1;
    for (size_t n = n_utts; n < t->n; n++) t->depth_count[depth[n] + 1]++;
    for (size_t d = 1; d <= depth_max + 1; d++) t->depth_count[d] += t->depth_count[d - 1];
    /* depth_count[d] is now where depth d starts in order[] (depth 0, the roots, not listed) */
    memcpy(start, t->depth_count, (depth_max + 2) * sizeof *start);
    for (size_t n = n_utts; n < t->n; n++) t->order[start[depth[n]]++] = (int32_t)n;

    /* slots: every root reads the begin state, slot 0; each node with children gets its own */
    size_t n_slots = 1;
    for (size_t r = 0; r < n_utts; r++) t->slot[r] = 0;
    for (size_t i = 0; i + n_utts < t->n; i++)
        t->slot[t->order[i]] = t->child[t->order[i]] >= 0 ? (int32_t)n_slots++ : -1;
    size_t n_nodes = t->n - n_utts, widest = 0;
    for (size_t d = 1; d <= depth_max; d++)
        if ((size_t)(t->depth_count[d + 1] - t->depth_count[d]) > widest)
            widest = (size_t)(t->depth_count[d + 1] - t->depth_count[d]);
    const size_t block = score_block(m), rows = n_nodes < block ? n_nodes : block;
    if (!pool_reserve(w, n_slots, m) ||
        !grow((void **)&w->in, &w->in_cap, rows > widest ? rows : widest, sizeof(rlm_state *)) ||
        !grow((void **)&w->out, &w->out_cap, widest, sizeof(rlm_state *)) ||
        !grow((void **)&w->words, &w->words_cap, rows > widest ? rows : widest, sizeof(int32_t)) ||
        !grow((void **)&w->lp, &w->lp_cap, rows, sizeof(float)))
        return RLM_E_NOMEM;
    rlm_model_begin(m, w->pool[0]);
    /* the states, depth by depth: one batched step per depth for its nodes with children */
    for (size_t d = 1; d < depth_max; d++) {
        size_t k = 0;
        for (int32_t i = t->depth_count[d]; i < t->depth_count[d + 1]; i++) {
            int32_t node = t->order[i];
            if (t->slot[node] < 0) continue;
            w->in[k] = w->pool[t->slot[t->parent[node]]];
            w->out[k] = w->pool[t->slot[node]];
            w->words[k++] = t->word[node];
        }
        if (!k) break;
        rlm_model_step_batch(m, w->in, w->words, (int)k, w->out);
        w->stats.rnn_steps += k, w->stats.batches++;
    }
    /* the scores once every state is known: blocks of score_block nodes of any depth, so that the
     * rows of a word class (one sgemm over its slice of the output matrix) are many */
    for (size_t b = 0; b < n_nodes; b += rows) {
        size_t n = n_nodes - b < rows ? n_nodes - b : rows;
        for (size_t i = 0; i < n; i++) {
            int32_t node = t->order[b + i];
            w->in[i] = w->pool[t->slot[t->parent[node]]];
            w->words[i] = t->word[node];
        }
        rlm_model_log10prob_batch(m, w->in, w->words, (int)n, w->lp);
        for (size_t i = 0; i < n; i++) t->logp[t->order[b + i]] = w->lp[i];
        w->stats.rnn_nodes += n, w->stats.batches++;
    }
    return RLM_OK;
}

static int rnn_knows(const rlm_vocab *v, const char *w) {
    return rlm_vocab_find(v, w, strlen(w)) > RLM_UNK_ID;
}

/* The LM score of hypothesis h, whose `</s>` node is leaf: per-token component scores, the
 * vocabulary rule, the mixture. */
static rlm_status score_hyp(worker *w, const rlm_rescore_utt *u, size_t h, int32_t leaf) {
    const job *j = w->job;
    const rlm_rescore_models *m = j->m;
    rlm_rescore_hyp *hy = &u->hyps[h];
    size_t n_tok = (size_t)hy->n_words + 1, nm = (size_t)j->n_models;
    if (!grow((void **)&w->tok, &w->tok_cap, nm * n_tok, sizeof(float)) ||
        !grow((void **)&w->flags, &w->flags_cap, n_tok, 1) ||
        !grow((void **)&w->share, &w->share_cap, n_tok, sizeof(uint32_t)))
        return RLM_E_NOMEM;
    int c = 0;
    if (m->rnn) { /* walk up from the `</s>` leaf */
        int32_t node = leaf;
        for (size_t t = n_tok; t-- > 0; node = w->t.parent[node]) w->tok[t] = w->t.logp[node];
        c++;
    }
    for (int g = 0; g < m->n_ngrams; g++, c++) {
        const rlm_ngram *ng = m->ngrams[g];
        rlm_ngram_state s;
        rlm_ngram_begin_state(ng, &s);
        for (size_t t = 0; t < n_tok; t++) {
            rlm_ngram_word id = t < (size_t)hy->n_words
                                    ? rlm_ngram_index(ng, hy->words[t], strlen(hy->words[t]))
                                    : rlm_ngram_eos(ng);
            w->tok[(size_t)c * n_tok + t] = rlm_ngram_score(ng, &s, id, &s, NULL);
        }
    }
    double sum = 0;
    if (nm == 1) {
        for (size_t t = 0; t < n_tok; t++) sum += w->tok[t];
        hy->lm = sum;
        return RLM_OK;
    }
    /* a word component i lacks but another knows gets P_i(<unk>) / M_i */
    for (int t = 0; t < hy->n_words; t++) {
        const char *word = hy->words[t];
        uint32_t known = 0;
        int k = 0;
        if (m->rnn) known |= (uint32_t)rnn_knows(rlm_model_vocab(m->rnn), word) << k++;
        for (int g = 0; g < m->n_ngrams; g++, k++)
            known |= (uint32_t)(rlm_ngram_index(m->ngrams[g], word, strlen(word)) !=
                                RLM_NGRAM_UNK) << k;
        for (int i = 0; known && i < j->n_models; i++)
            if (!(known >> i & 1u)) w->tok[(size_t)i * n_tok + (size_t)t] -= (float)j->log10_missing[i];
    }
    memset(w->flags, 0, n_tok);
    memset(w->share, 0, n_tok * sizeof(uint32_t));
    rlm_mix_scores s = {.n_models = j->n_models, .n_tokens = n_tok, .n_sentences = 1,
                        .log10p = w->tok, .flags = w->flags, .unk_share = w->share};
    rlm_mix_result r;
    rlm_status st = rlm_mix_combine(&s, &m->mix, NULL, &r, &w->err);
    hy->lm = r.log10prob_unk;
    return st;
}

/* Utterances per work item: consecutive ones until CHUNK_TOKENS tokens, so that each depth of
 * the forest is a batch of a few hundred rows, but no more than a share of the list that leaves
 * every thread a few items. */
enum { CHUNK_TOKENS = 16384 };

static size_t take_chunk(job *j, size_t *first) {
    pthread_mutex_lock(&j->lock);
    size_t i = *first = j->next, tokens = 0;
    while (i < j->n_utts && (i == *first || (tokens < CHUNK_TOKENS && i - *first < j->chunk_max))) {
        for (size_t h = 0; h < j->utts[i].n_hyps; h++)
            tokens += (size_t)j->utts[i].hyps[h].n_words + 1;
        i++;
    }
    j->next = i;
    pthread_mutex_unlock(&j->lock);
    return i - *first;
}

static void *run_worker(void *arg) {
    worker *w = arg;
    job *j = w->job;
    size_t first, n;
    while ((n = take_chunk(j, &first)) > 0) {
        rlm_rescore_utt *u = &j->utts[first];
        rlm_status st = j->m->rnn ? score_tree(w, u, n) : RLM_OK;
        for (size_t r = 0, k = 0; !st && r < n; r++)
            for (size_t h = 0; !st && h < u[r].n_hyps; h++, k++) {
                st = score_hyp(w, &u[r], h, j->m->rnn ? w->leaf[k] : -1);
                w->stats.tokens += (uint64_t)u[r].hyps[h].n_words + 1;
            }
        if (st) {
            if (st == RLM_E_NOMEM) rlm_fail(&w->err, st, "n-best rescoring: out of memory");
            w->st = st;
            pthread_mutex_lock(&j->lock);
            j->next = j->n_utts; /* the others stop after their current utterances */
            pthread_mutex_unlock(&j->lock);
            break;
        }
    }
    return NULL;
}

static void worker_free(worker *w) {
    tree *t = &w->t;
    free(t->word), free(t->parent), free(t->child), free(t->sibling), free(t->slot);
    free(t->order), free(t->depth_count), free(t->logp);
    free(w->leaf), free(w->in), free(w->words), free(w->lp), free(w->tok);
    free(w->flags), free(w->share);
    for (size_t i = 0; i < w->pool_cap; i++) rlm_state_free(w->pool[i]);
    free(w->pool), free(w->out);
}

/* log10 M_i of lm/rlm_mix.h's vocabulary rule: the share of P(<unk>) a lacking model gives. */
static void count_missing(job *j) {
    const rlm_rescore_models *m = j->m;
    uint64_t uni, missing[RLM_MIX_MAX_MODELS];
    rlm_mix_count_missing(m->rnn, m->ngrams, m->n_ngrams, &uni, missing);
    for (int i = 0; i < j->n_models; i++)
        j->log10_missing[i] = missing[i] ? log10((double)missing[i]) : 0;
}

rlm_status rlm_nbest_rescore(const rlm_rescore_models *m, rlm_rescore_utt *utts, size_t n_utts,
                             int threads, rlm_rescore_stats *stats, rlm_error *err) {
    job j = {.m = m, .utts = utts, .n_utts = n_utts,
             .n_models = (m->rnn != NULL) + m->n_ngrams};
    if (stats) memset(stats, 0, sizeof *stats);
    if (j.n_models < 1) return rlm_fail(err, RLM_E_ARG, "n-best rescoring: no language model");
    if (j.n_models > RLM_MIX_MAX_MODELS)
        return rlm_fail(err, RLM_E_ARG, "n-best rescoring: more than %d models",
                        RLM_MIX_MAX_MODELS);
    if (m->rnn && rlm_vocab_is_char_level(rlm_model_vocab(m->rnn)))
        return rlm_fail(err, RLM_E_UNSUPPORTED, "n-best rescoring: the RNN is character-level; "
                        "n-best words need a word-level model");
    if (j.n_models > 1 && m->mix.n_weights != j.n_models)
        return rlm_fail(err, RLM_E_ARG, "n-best rescoring: %d mixture weights for %d models",
                        m->mix.n_weights, j.n_models);
    if (j.n_models > 1) count_missing(&j);
    if (threads < 1) threads = 1;
    if ((size_t)threads > n_utts) threads = n_utts ? (int)n_utts : 1;
    j.chunk_max = n_utts / (4 * (size_t)threads);
    worker *w = calloc((size_t)threads, sizeof *w);
    pthread_t *tid = calloc((size_t)threads, sizeof *tid);
    if (!w || !tid) {
        free(w), free(tid);
        return rlm_fail(err, RLM_E_NOMEM, "n-best rescoring: out of memory");
    }
    pthread_mutex_init(&j.lock, NULL);
    int started = 0;
    for (int i = 0; i < threads; i++) w[i].job = &j;
    for (int i = 1; i < threads; i++)
        if (!pthread_create(&tid[i], NULL, run_worker, &w[i])) started = i;
        else break;
    run_worker(&w[0]); /* the calling thread works too */
    for (int i = 1; i <= started; i++) pthread_join(tid[i], NULL);
    pthread_mutex_destroy(&j.lock);
    rlm_status st = RLM_OK;
    for (int i = 0; i < threads; i++) {
        if (w[i].st && !st) {
            st = w[i].st;
            if (err) *err = w[i].err;
        }
        if (stats) {
            stats->tokens += w[i].stats.tokens, stats->rnn_nodes += w[i].stats.rnn_nodes;
            stats->rnn_steps += w[i].stats.rnn_steps, stats->batches += w[i].stats.batches;
        }
        worker_free(&w[i]);
    }
    free(w), free(tid);
    return st;
}
