/* The scorer (rlm_scorer.h): hidden states through the history cache, components combined with
 * rlm_mix_combine so the mixture arithmetic is the one `rlm eval --mix` uses. */
#include "rlm_scorer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "history_cache.h"
#include "scorer_history.h"
#include "scorer_own.h"
#include "scorer_words.h"

struct rlm_scorer {
    scorer_words words;
    rlm_scorer_options o;
    rlm_state *begin;
    rlm_history_cache *cache; /* NULL when o.cache_bytes is 0 */
    scorer_history *hist;
    rlm_model *own_rnn;       /* models rlm_scorer_open loaded */
    rlm_ngram *own_ngram[RLM_SCORER_MAX_NGRAMS];
};

void rlm_scorer_options_init(rlm_scorer_options *o) {
    memset(o, 0, sizeof *o);
    o->mix.kind = RLM_MIX_LINEAR;
    o->mix.n_weights = 1;
    o->mix.weight[0] = 1;
    o->cache_bytes = (size_t)64 << 20;
    o->cache_shards = 16;
}

rlm_status rlm_scorer_new(const rlm_model *rnn, const rlm_ngram *const *ngrams, int n_ngrams,
                          const rlm_scorer_options *opts, rlm_scorer **out, rlm_error *err) {
    *out = NULL;
    rlm_scorer_options o;
    if (opts) o = *opts;
    else rlm_scorer_options_init(&o);
    if (!rnn) return rlm_fail(err, RLM_E_ARG, "scorer: an RNN model is required");
    if (rlm_vocab_is_char_level(rlm_model_vocab(rnn)) && n_ngrams)
        return rlm_fail(err, RLM_E_UNSUPPORTED,
                        "scorer: the RNN is character-level; n-gram models are word-level");
    if (n_ngrams < 0 || n_ngrams > RLM_SCORER_MAX_NGRAMS)
        return rlm_fail(err, RLM_E_ARG, "scorer: %d n-gram models; expected 0 to %d", n_ngrams,
                        RLM_SCORER_MAX_NGRAMS);
    if (o.mix.n_weights != 1 + n_ngrams)
        return rlm_fail(err, RLM_E_ARG, "scorer: mix: %d weights for %d models", o.mix.n_weights,
                        1 + n_ngrams);
    if (o.history_words < 0 || o.history_words > RLM_SCORER_MAX_HISTORY_WORDS)
        return rlm_fail(err, RLM_E_ARG, "scorer: history_words: %d; expected 0 (all) to %d",
                        o.history_words, RLM_SCORER_MAX_HISTORY_WORDS);
    if (o.cache_shards < 1) o.cache_shards = 1;
    rlm_scorer *sc = calloc(1, sizeof *sc);
    if (!sc) return rlm_fail(err, RLM_E_NOMEM, "scorer: out of memory");
    sc->o = o;
    rlm_status st = scorer_words_init(&sc->words, rnn, ngrams, n_ngrams, err);
    if (st) {
        free(sc);
        return st;
    }
    sc->begin = rlm_state_new(rnn);
    sc->hist = scorer_history_new();
    sc->cache = o.cache_bytes ? rlm_history_cache_new(rnn, o.cache_bytes, o.cache_shards) : NULL;
    if (!sc->begin || !sc->hist || (o.cache_bytes && !sc->cache)) {
        rlm_scorer_free(sc);
        return rlm_fail(err, RLM_E_NOMEM, "scorer: out of memory");
    }
    rlm_model_begin(rnn, sc->begin);
    *out = sc;
    return RLM_OK;
}

rlm_status rlm_scorer_open(const rlm_scorer_config *cfg, rlm_scorer **out, rlm_error *err) {
    *out = NULL;
    if (!cfg || !cfg->rnn_path) return rlm_fail(err, RLM_E_ARG, "scorer: rnn_path: required");
    if (cfg->n_ngrams < 0 || cfg->n_ngrams > RLM_SCORER_MAX_NGRAMS)
        return rlm_fail(err, RLM_E_ARG, "scorer: n_ngrams: %d; expected 0 to %d", cfg->n_ngrams,
                        RLM_SCORER_MAX_NGRAMS);
    rlm_scorer_options o;
    rlm_scorer_options_init(&o);
    o.oov_log10penalty = cfg->oov_log10penalty;
    if (cfg->cache_bytes) o.cache_bytes = cfg->cache_bytes;
    o.history_words = cfg->history_words;
    rlm_status st;
    if (cfg->mix) {
        if ((st = rlm_mix_spec_parse(cfg->mix, 1 + cfg->n_ngrams, "mix", &o.mix, err))) return st;
    } else if (cfg->n_ngrams) {
        return rlm_fail(err, RLM_E_ARG, "scorer: mix: required with n-gram models");
    }
    rlm_model *rnn = NULL;
    rlm_ngram *ng[RLM_SCORER_MAX_NGRAMS] = {0};
    if ((st = rlm_model_load(cfg->rnn_path, &rnn, err))) return st;
    for (int j = 0; j < cfg->n_ngrams && !st; j++)
        st = rlm_ngram_open(cfg->ngram_paths[j], NULL, &ng[j], err);
    if (st) {
        rlm_model_free(rnn);
        for (int j = 0; j < cfg->n_ngrams; j++) rlm_ngram_close(ng[j]);
        return st;
    }
    return scorer_new_owning(rnn, ng, cfg->n_ngrams, &o, out, err);
}

rlm_status scorer_new_owning(rlm_model *rnn, rlm_ngram **ngrams, int n_ngrams,
                             const rlm_scorer_options *o, rlm_scorer **out, rlm_error *err) {
    rlm_status st = rlm_scorer_new(rnn, (const rlm_ngram *const *)ngrams, n_ngrams, o, out, err);
    if (st) {
        rlm_model_free(rnn);
        for (int j = 0; j < n_ngrams; j++) rlm_ngram_close(ngrams[j]);
        return st;
    }
    (*out)->own_rnn = rnn;
    memcpy((*out)->own_ngram, ngrams, (size_t)n_ngrams * sizeof *ngrams);
    return RLM_OK;
}

void rlm_scorer_free(rlm_scorer *sc) {
    if (!sc) return;
    scorer_words_free(&sc->words);
    rlm_state_free(sc->begin);
    rlm_history_cache_free(sc->cache);
    scorer_history_free(sc->hist);
    rlm_model_free(sc->own_rnn);
    for (int j = 0; j < RLM_SCORER_MAX_NGRAMS; j++) rlm_ngram_close(sc->own_ngram[j]);
    free(sc);
}

int32_t rlm_scorer_word_id(const rlm_scorer *sc, const char *word, size_t len) {
    return scorer_words_find(&sc->words, word, len);
}

int32_t rlm_scorer_vocab_size(const rlm_scorer *sc) { return sc->words.size; }

void rlm_scorer_begin(const rlm_scorer *sc, rlm_scorer_state *out) {
    memset(out, 0, sizeof *out);
    out->n_ngrams = (uint32_t)sc->words.n_ngrams;
    for (int j = 0; j < sc->words.n_ngrams; j++)
        rlm_ngram_begin_state(sc->words.ngram[j], &out->ngram[j]);
}

/* ---- hidden states of histories ---- */

static void free_states(rlm_state **s, int n) {
    for (int i = 0; i < n && s; i++) rlm_state_free(s[i]);
    free(s);
}

static rlm_state **new_states(const rlm_scorer *sc, int n) {
    rlm_state **s = calloc((size_t)n, sizeof *s);
    for (int i = 0; s && i < n; i++)
        if (!(s[i] = rlm_state_new(sc->words.rnn))) {
            free_states(s, i);
            return NULL;
        }
    return s;
}

/* The hidden state after each of the n distinct histories nodes[] into states[]: from the cache,
 * else stepped from the parents' states (found the same way, recursively), all misses of one
 * level in one rlm_model_step_batch. */
static int resolve(const rlm_scorer *sc, const uint32_t *nodes, int n, rlm_state *const *states) {
    uint32_t *miss = malloc((size_t)n * sizeof *miss * 2);
    int32_t *ids = NULL;
    int m = 0, rc = -1;
    if (!miss) return -1;
    uint32_t *parents = miss + n;
    int *at = malloc((size_t)n * sizeof *at);
    int32_t *words = malloc((size_t)n * sizeof *words);
    uint32_t max_depth = 0;
    for (int i = 0; i < n; i++) {
        uint32_t d = scorer_history_get(sc->hist, nodes[i])->depth;
        if (d > max_depth) max_depth = d;
    }
    ids = malloc((max_depth + 1) * sizeof *ids);
    if (!at || !words || !ids) goto done;
    for (int i = 0; i < n; i++) {
        const scorer_history_node *h = scorer_history_get(sc->hist, nodes[i]);
        if (!h->depth) {
            rlm_state_copy(states[i], sc->begin);
            continue;
        }
        scorer_history_ids(sc->hist, nodes[i], ids);
        if (sc->cache && rlm_history_cache_get(sc->cache, h->hash, ids, h->depth, states[i]))
            continue;
        at[m] = i;
        words[m] = h->word;
        /* distinct nodes have distinct (parent, word), so parents repeat only with other words */
        parents[m++] = h->parent;
    }
    rc = 0;
    if (m) {
        /* collapse repeated parents so each is computed once */
        uint32_t *up = malloc((size_t)m * sizeof *up);
        int *pi = malloc((size_t)m * sizeof *pi);
        int nu = 0;
        rlm_state **ps = NULL;
        if (up && pi) {
            for (int i = 0; i < m; i++) {
                int j = 0;
                while (j < nu && up[j] != parents[i]) j++;
                if (j == nu) up[nu++] = parents[i];
                pi[i] = j;
            }
            ps = new_states(sc, nu);
        }
        const rlm_state **in = ps ? malloc((size_t)m * sizeof *in) : NULL;
        rlm_state **outs = in ? malloc((size_t)m * sizeof *outs) : NULL;
        rc = outs && resolve(sc, up, nu, ps) == 0 ? 0 : -1;
        if (!rc) {
            for (int i = 0; i < m; i++) in[i] = ps[pi[i]], outs[i] = states[at[i]];
            rlm_model_step_batch(sc->words.rnn, in, words, m, outs);
            for (int i = 0; sc->cache && i < m; i++) {
                const scorer_history_node *h = scorer_history_get(sc->hist, nodes[at[i]]);
                scorer_history_ids(sc->hist, nodes[at[i]], ids);
                rlm_history_cache_put(sc->cache, h->hash, ids, h->depth, states[at[i]]);
            }
        }
        free(outs);
        free(in);
        free_states(ps, nu);
        free(pi);
        free(up);
    }
done:
    free(ids);
    free(words);
    free(at);
    free(miss);
    return rc;
}

/* ---- scoring ---- */

/* The history after `node` then RNN id w: all of it, or its last k words. */
static uint32_t successor(const rlm_scorer *sc, uint32_t node, int32_t w) {
    const scorer_history_node *h = scorer_history_get(sc->hist, node);
    uint32_t k = (uint32_t)sc->o.history_words;
    if (!k || h->depth < k) return scorer_history_extend(sc->hist, node, w);
    int32_t ids[RLM_SCORER_MAX_HISTORY_WORDS];
    scorer_history_ids(sc->hist, node, ids);
    uint32_t at = 0;
    for (uint32_t i = 1; i < k && at != SCORER_HISTORY_NONE; i++)
        at = scorer_history_extend(sc->hist, at, ids[i]);
    return at == SCORER_HISTORY_NONE ? at : scorer_history_extend(sc->hist, at, w);
}

/* Combined log10 score of word w (a valid id) given the RNN's log10 P of its RNN id; advances the
 * n-gram states from in to out. */
static float combine(const rlm_scorer *sc, int32_t w, float rnn_lp, const rlm_scorer_state *in,
                     rlm_scorer_state *out) {
    const scorer_words *sw = &sc->words;
    uint32_t known = sw->known[w];
    float l[1 + RLM_SCORER_MAX_NGRAMS];
    l[0] = rnn_lp;
    for (int j = 0; j < sw->n_ngrams; j++)
        l[1 + j] = rlm_ngram_score(sw->ngram[j], &in->ngram[j],
                                   sw->ngram_id[(size_t)w * sw->n_ngrams + j], &out->ngram[j],
                                   NULL);
    /* rlm_mix.h: a component lacking a word some other component knows gives it P(<unk>) / M_i */
    for (int i = 0; known && i <= sw->n_ngrams; i++)
        if (!(known >> i & 1u)) l[i] -= sw->log10_missing[i];
    rlm_mix_scores one = {0};
    uint8_t flags = known ? 0 : RLM_MIX_OOV;
    uint32_t share = 0;
    float mixed;
    rlm_mix_result r;
    one.n_models = 1 + sw->n_ngrams;
    one.n_tokens = 1;
    one.log10p = l;
    one.flags = &flags;
    one.unk_share = &share;
    rlm_mix_combine(&one, &sc->o.mix, &mixed, &r, NULL);
    return known ? mixed : mixed + sc->o.oov_log10penalty;
}

void rlm_scorer_score_batch(const rlm_scorer *sc, const rlm_scorer_state *ins,
                            const int32_t *words, int n, rlm_scorer_state *outs, float *scores) {
    if (n <= 0) return;
    const scorer_words *sw = &sc->words;
    size_t slots = 16;
    while (slots < 2 * (size_t)n) slots *= 2;
    rlm_scorer_state *in = malloc((size_t)n * sizeof *in);
    int32_t *w = malloc((size_t)n * sizeof *w), *rw = malloc((size_t)n * sizeof *rw);
    int *u_of = malloc((size_t)n * sizeof *u_of), *slot = malloc(slots * sizeof *slot);
    uint32_t *uniq = malloc((size_t)n * sizeof *uniq);
    const rlm_state **per = malloc((size_t)n * sizeof *per);
    rlm_state **hidden = NULL;
    int nu = 0, ok = in && w && rw && u_of && slot && uniq && per;
    if (ok) {
        memcpy(in, ins, (size_t)n * sizeof *in); /* so outs may alias ins */
        for (size_t s = 0; s < slots; s++) slot[s] = -1;
        for (int i = 0; i < n; i++) { /* distinct histories, each resolved once */
            w[i] = scorer_words_valid(sw, words[i]);
            rw[i] = sw->rnn_id[w[i]];
            uint32_t node = in[i].history;
            size_t s = (size_t)(node * 0x9e3779b9u) & (slots - 1);
            while (slot[s] >= 0 && uniq[slot[s]] != node) s = (s + 1) & (slots - 1);
            if (slot[s] < 0) slot[s] = nu, uniq[nu++] = node;
            u_of[i] = slot[s];
        }
        hidden = new_states(sc, nu);
        ok = hidden && resolve(sc, uniq, nu, hidden) == 0;
    }
    if (ok) {
        for (int i = 0; i < n; i++) per[i] = hidden[u_of[i]];
        rlm_model_log10prob_batch(sw->rnn, per, rw, n, scores);
        for (int i = 0; i < n && ok; i++) {
            rlm_scorer_state next = in[i];
            scores[i] = combine(sc, w[i], scores[i], &in[i], &next);
            next.history = successor(sc, in[i].history, rw[i]);
            ok = next.history != SCORER_HISTORY_NONE;
            outs[i] = next;
        }
    }
    if (!ok)
        for (int i = 0; i < n; i++) scores[i] = NAN;
    free_states(hidden, nu);
    free(per);
    free(uniq);
    free(slot);
    free(u_of);
    free(rw);
    free(w);
    free(in);
}

float rlm_scorer_score(const rlm_scorer *sc, const rlm_scorer_state *in, int32_t word,
                       rlm_scorer_state *out) {
    float s;
    rlm_scorer_score_batch(sc, in, &word, 1, out, &s);
    return s;
}

float rlm_scorer_end(const rlm_scorer *sc, const rlm_scorer_state *in) {
    rlm_scorer_state unused;
    return rlm_scorer_score(sc, in, RLM_SCORER_EOS, &unused);
}

double rlm_scorer_score_sentence(const rlm_scorer *sc, const int32_t *words, size_t n,
                                 float *per_word) {
    rlm_scorer_state s;
    rlm_scorer_begin(sc, &s);
    double total = 0;
    for (size_t i = 0; i <= n; i++) {
        float lp = i < n ? rlm_scorer_score(sc, &s, words[i], &s) : rlm_scorer_end(sc, &s);
        if (per_word) per_word[i] = lp;
        total += lp;
    }
    return total;
}

int rlm_scorer_state_equal(const rlm_scorer_state *a, const rlm_scorer_state *b) {
    if (a->history != b->history || a->n_ngrams != b->n_ngrams) return 0;
    for (uint32_t j = 0; j < a->n_ngrams && j < RLM_SCORER_MAX_NGRAMS; j++)
        if (!rlm_ngram_state_equal(&a->ngram[j], &b->ngram[j])) return 0;
    return 1;
}

uint64_t rlm_scorer_state_hash(const rlm_scorer_state *s) {
    uint64_t h = rlm_history_hash_extend(RLM_HISTORY_HASH_EMPTY, (int32_t)s->history);
    for (uint32_t j = 0; j < s->n_ngrams && j < RLM_SCORER_MAX_NGRAMS; j++)
        h = rlm_history_hash_extend(h ^ rlm_ngram_state_hash(&s->ngram[j]), (int32_t)j);
    return h;
}

void rlm_scorer_cache_stats_get(const rlm_scorer *sc, rlm_scorer_cache_stats *out) {
    memset(out, 0, sizeof *out);
    if (sc->cache) {
        rlm_history_cache_stats c;
        rlm_history_cache_get_stats(sc->cache, &c);
        out->hits = c.hits, out->misses = c.misses;
        out->insertions = c.insertions, out->evictions = c.evictions;
        out->entries = c.entries, out->bytes = c.bytes, out->limit_bytes = c.limit_bytes;
    }
    out->histories = scorer_history_count(sc->hist);
}

void rlm_scorer_clear_histories(rlm_scorer *sc) { scorer_history_clear(sc->hist); }
