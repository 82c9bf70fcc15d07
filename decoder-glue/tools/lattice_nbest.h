/* N-best hypotheses from a pocketsphinx word lattice by our own A* search, with acoustic and
 * LM scores per hypothesis in pocketsphinx's log base 1.0001. Part of the ps_nbest demo tool,
 * not of librlm.
 *
 * Why not pocketsphinx's ps_nbest(): in 0.8 (5prealpha) its A* search scores filler words (<sil>,
 * [NOISE]) with the n-gram LM as if they were words, which gives every path through a filler
 * node a huge LM penalty. Festival's speech has pauses, so the decoder's own best path often
 * goes through <sil>, and ps_nbest's 100 hypotheses then miss it (12 of 20 test utterances in
 * our first run); its ps_nbest_seg() segments report zero acoustic and LM scores besides.
 * This search walks the same lattice as pocketsphinx's bestpath search does (ps_lattice_bestpath):
 * a filler node adds its acoustic score and leaves the LM context as it was; the links
 * pocketsphinx adds to bypass fillers carry the filler's score plus its insertion penalty (log
 * silprob or fillprob; bestpath charges no penalty on the way through the filler node itself,
 * and neither do we, so that our scores are pocketsphinx's). Words are scored as bestpath does:
 *     total = ascore + bestpathlw * lscore + (bestpathlw / lw) * (nwords + 1) * log(wip)
 * ascore: sum of the acoustic scores of the path's links (ps_latlink_prob), each the score of
 *         its source node's word (fillers included); the final </s> node's own score is the
 *         same for every path and not included;
 * lscore: log P(w1 .. wn </s> | <s>) with the decoder's n-gram model, exact trigrams (the
 *         en-us model's order), unweighted.
 * When no </s> reached the last frame, pocketsphinx ends the lattice at a word; paths then end
 * there and still get </s>'s LM score and word bonus, so that lscore means the same everywhere
 * (pocketsphinx's bestpath leaves it out in that case).
 * Trigram context follows the path itself (bestpath keeps only each link's best predecessor, an
 * approximation), so a path can score slightly better here than in bestpath.
 * The A* heuristic is the best bigram-scored completion from each node (as pocketsphinx's). A
 * trigram can score above its bigram, so the heuristic is not a bound and A* may complete worse
 * paths before better ones: it collects n_search hypotheses and keeps the best n. With n_search
 * = n = 100, 9 of the 300 test lists missed pocketsphinx's 1-best; with n_search = 1000, 4 of
 * 300 (test) and none of 200 (dev). */
#ifndef RLM_TOOLS_LATTICE_NBEST_H
#define RLM_TOOLS_LATTICE_NBEST_H

#include <stddef.h>
#include <stdint.h>

#include <pocketsphinx.h>
#include <ps_lattice.h>

typedef struct lat_nbest_config {
    int n;              /* distinct word strings wanted */
    int n_search;       /* distinct word strings to find (>= n), of which the best n are kept */
    double lm_weight;   /* bestpathlw */
    double word_bonus;  /* (bestpathlw / lw) * log(wip), per word and for </s> */
    long max_pops;      /* give up after this many A* expansions (a lattice can be huge) */
    long max_paths;     /* and when this many partial paths exist */
    const char *const *fillers; /* words that are not words: <sil>, [NOISE], ... */
    int n_fillers;
} lat_nbest_config;

typedef struct lat_hyp {
    char *text; /* words separated by single spaces; free() it */
    int nwords;
    int64_t ascore, lscore;
    double total;
} lat_hyp;

typedef struct lat_nbest_stats {
    long pops, paths;
    int nodes, links, stopped_early;
} lat_nbest_stats;

/* Fills out[0 .. returned-1] (out has room for n_search) with up to n distinct hypotheses, best
 * total first; returns their number,
 * or -1 with a message (malformed lattice, out of memory). lm is the decoder's model
 * (ps_get_lm), whose word ids match the dictionary's words. */
int lat_nbest(ps_lattice_t *dag, ngram_model_t *lm, const lat_nbest_config *cfg, lat_hyp *out,
              lat_nbest_stats *stats, char *msg, size_t msg_size);

/* Writes the lattice the n-best search walks (fillers bypassed as above, links into <s>
 * dropped) to out as HTK SLF: words on nodes (<s>, </s>, fillers by name), node times t= in
 * seconds (the word's start frame / 100, as pocketsphinx's own writer), one end node !NULL after
 * every final node, and per link a= the acoustic score and l= the decoder's LM log probability
 * of the destination word, unweighted, both ln. l= has bigram context only (the source node's
 * word; the unigram after a filler), where the n-best lscore has exact trigrams; a= sums along a
 * path to the n-best ascore. pocketsphinx's ps_lattice_write_htk gives no LM scores, which a
 * rescorer's pruning needs. Returns 0, or -1 with a message. */
int lat_write_slf(ps_lattice_t *dag, ngram_model_t *lm, const lat_nbest_config *cfg,
                  const char *utt, FILE *out, char *msg, size_t msg_size);

#endif
