/* N-best rescoring: a prefix tree per utterance, scored depth by depth with the batched RNN
 * calls, n-gram models per hypothesis, the components mixed per token (lm/rlm_mix.h), and
 * utterances spread over threads. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "nbest_rescore.h"

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
    int32_t *ids;    /* RNN ids of all hypotheses, each followed by `</s>` */
    int32_t *leaf;   /* per hypothesis: its `</s>` node */
    size_t ids_cap, leaf_cap;
    rlm_state **pool[2]; /* states of the previous and of the current depth */
    size_t pool_cap[2];
    const rlm_state **in;
    int32_t *words;
    float *lp, *tok; /* tok: per-token scores of one hypothesis, n_models x tokens */
    uint8_t *flags;
    uint32_t *share;
    size_t in_cap, words_cap, lp_cap, tok_cap, flags_cap, share_cap;
    rlm_rescore_stats stats;
    rlm_status st;
    rlm_error err;
} worker;

typedef struct job {
    const rlm_rescore_models *m;
    rlm_rescore_utt *utts;
    size_t n_utts, next;
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

static int pool_reserve(worker *w, int k, size_t n, const rlm_model *m) {
    size_t old = w->pool_cap[k];
    if (!grow((void **)&w->pool[k], &w->pool_cap[k], n, sizeof(rlm_state *))) return 0;
    for (size_t i = old; i < w->pool_cap[k]; i++) w->pool[k][i] = NULL;
    for (size_t i = 0; i < n; i++)
        if (!w->pool[k][i] && !(w->pool[k][i] = rlm_state_new(m))) return 0;
    return 1;
}

/* RNN log10 P of every token of every hypothesis, into the tree's logp; leaf[h] is each
 * hypothesis' `</s>` node. */
static rlm_status score_tree(worker *w, const rlm_rescore_utt *u) {
    const rlm_model *m = w->job->m->rnn;
    const rlm_vocab *v = rlm_model_vocab(m);
    tree *t = &w->t;
    size_t total = 0;
    for (size_t h = 0; h < u->n_hyps; h++) total += (size_t)u->hyps[h].n_words + 1;
    if (!grow((void **)&w->ids, &w->ids_cap, total, sizeof(int32_t)) ||
        !grow((void **)&w->leaf, &w->leaf_cap, u->n_hyps, sizeof(int32_t)) ||
        !tree_reserve(t, 1))
        return RLM_E_NOMEM;
    t->n = 1, t->child[0] = -1, t->parent[0] = -1, t->word[0] = RLM_EOS_ID;
    size_t depth_max = 0, k = 0;
    for (size_t h = 0; h < u->n_hyps; h++) {
        int32_t node = 0;
        const rlm_rescore_hyp *hy = &u->hyps[h];
        for (int i = 0; i <= hy->n_words; i++) {
            int32_t id = i < hy->n_words ? rlm_vocab_id(v, hy->words[i], strlen(hy->words[i]))
                                         : RLM_EOS_ID;
            w->ids[k++] = id;
            if ((node = child_for(t, node, id)) < 0) return RLM_E_NOMEM;
        }
        w->leaf[h] = node;
        if ((size_t)hy->n_words + 1 > depth_max) depth_max = (size_t)hy->n_words + 1;
    }
    /* nodes by depth: a node's depth is its parent's + 1, and parents come first */
    int32_t *depth = t->slot; /* slot doubles as depth until the nodes are ordered */
    if (!grow((void **)&t->depth_count, &t->depth_cap, depth_max + 2, sizeof(int32_t)))
        return RLM_E_NOMEM;
    memset(t->depth_count, 0, (depth_max + 2) * sizeof(int32_t));
    depth[0] = 0;
    for (size_t n = 1; n < t->n; n++) depth[n] = depth[t->parent[n]] + 1;
    for (size_t n = 1; n < t->n; n++) t->depth_count[depth[n] + 1]++;
    for (size_t d = 1; d <= depth_max + 1; d++) t->depth_count[d] += t->depth_count[d - 1];
    /* depth_count[d] is now where depth d starts in order[] (depth 0, the root, is not listed) */
    int32_t *start = malloc((depth_max + 2) * sizeof *start);
    if (!start) return RLM_E_NOMEM;
    memcpy(start, t->depth_count, (depth_max + 2) * sizeof *start);
    for (size_t n = 1; n < t->n; n++) t->order[start[depth[n]]++] = (int32_t)n;
    free(start);

    if (!pool_reserve(w, 0, 1, m)) return RLM_E_NOMEM;
    rlm_model_begin(m, w->pool[0][0]);
    t->slot[0] = 0; /* depth[0] is 0 too: the root's state is slot 0 of the first pool */
    int cur = 0;
    for (size_t d = 1; d <= depth_max; d++) {
        size_t b = (size_t)t->depth_count[d], e = (size_t)t->depth_count[d + 1], n = e - b;
        if (!n) break;
        if (!grow((void **)&w->in, &w->in_cap, n, sizeof(rlm_state *)) ||
            !grow((void **)&w->words, &w->words_cap, n, sizeof(int32_t)) ||
            !grow((void **)&w->lp, &w->lp_cap, n, sizeof(float)))
            return RLM_E_NOMEM;
        /* the slots of depth d-1 are still in slot[]: read them before overwriting */
        for (size_t i = 0; i < n; i++) {
            int32_t node = t->order[b + i];
            w->in[i] = w->pool[cur][t->slot[t->parent[node]]];
            w->words[i] = t->word[node];
        }
        rlm_model_log10prob_batch(m, w->in, w->words, (int)n, w->lp);
        w->stats.rnn_nodes += n, w->stats.batches++;
        size_t k2 = 0;
        for (size_t i = 0; i < n; i++) {
            int32_t node = t->order[b + i];
            t->logp[node] = w->lp[i];
            if (t->child[node] >= 0) {
                w->in[k2] = w->in[i], w->words[k2] = w->words[i];
                t->slot[node] = (int32_t)k2++;
            }
        }
        if (!k2) break;
        if (!pool_reserve(w, !cur, k2, m)) return RLM_E_NOMEM;
        rlm_model_step_batch(m, w->in, w->words, (int)k2, w->pool[!cur]);
        w->stats.rnn_steps += k2, w->stats.batches++;
        cur = !cur;
    }
    return RLM_OK;
}

static int rnn_knows(const rlm_vocab *v, const char *w) {
    return rlm_vocab_find(v, w, strlen(w)) > RLM_UNK_ID;
}

/* The LM score of hypothesis h: per-token component scores, the vocabulary rule, the mixture. */
static rlm_status score_hyp(worker *w, const rlm_rescore_utt *u, size_t h) {
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
        int32_t node = w->leaf[h];
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

static void *run_worker(void *arg) {
    worker *w = arg;
    job *j = w->job;
    for (;;) {
        pthread_mutex_lock(&j->lock);
        size_t i = j->next < j->n_utts ? j->next++ : j->n_utts;
        pthread_mutex_unlock(&j->lock);
        if (i == j->n_utts) break;
        rlm_rescore_utt *u = &j->utts[i];
        rlm_status st = j->m->rnn ? score_tree(w, u) : RLM_OK;
        for (size_t h = 0; !st && h < u->n_hyps; h++) {
            st = score_hyp(w, u, h);
            w->stats.tokens += (uint64_t)u->hyps[h].n_words + 1;
        }
        if (st) {
            if (st == RLM_E_NOMEM) rlm_fail(&w->err, st, "n-best rescoring: out of memory");
            w->st = st;
            pthread_mutex_lock(&j->lock);
            j->next = j->n_utts; /* the others stop after their current utterance */
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
    free(w->ids), free(w->leaf), free(w->in), free(w->words), free(w->lp), free(w->tok);
    free(w->flags), free(w->share);
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < w->pool_cap[k]; i++) rlm_state_free(w->pool[k][i]);
        free(w->pool[k]);
    }
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
