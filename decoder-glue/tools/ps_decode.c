/* pocketsphinx decoding into 1-best and n-best lines (see ps_decode.h and ps_nbest.c). */
#include "ps_decode.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ps_search.h>
#include <sphinxbase/err.h>

#include "lattice_nbest.h"
#include "ps_lm_score.h"
#include "wav_read.h"

/* The lattice search returns the same words once per segmentation and pronunciation; these
 * bound its work per utterance (a few seconds at most on the demo's verses). */
#define MAX_POPS 200000L
#define MAX_PATHS 3000000L
#define MAX_WORDS 512
/* The search finds this many times n_best hypotheses and keeps the best (lattice_nbest.h). */
#define SEARCH_FACTOR 10

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* Splits s in place on spaces; returns the number of words (at most max). */
static int split_words(char *s, char **words, int max)
{
    int n = 0;
    for (char *tok = strtok(s, " \t"); tok && n < max; tok = strtok(NULL, " \t")) words[n++] = tok;
    return n;
}

/* sphinxbase's message callback: copies each message to the log file and catches bestpath's
 * score (see ps_log in ps_decode.h). */
static void log_cb(void *user, err_lvl_t level, const char *fmt, ...)
{
    ps_log *log = user;
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    (void)level;
    if (log->f) fputs(buf, log->f);
    const char *b = strstr(buf, "Bestpath score: ");
    if (b) {
        log->bestpath = strtol(b + strlen("Bestpath score: "), NULL, 10);
        log->have_bestpath = 1;
    }
}

/* pocketsphinx's path score of a word string, in base 1.0001 (see the header comment). */
static double predicted_total(const ps_decode *d, int64_t ascore, int64_t lscore, int nwords)
{
    return (double)ascore + d->bestpath_lw * (double)lscore
           + (d->bestpath_lw / d->lw) * (nwords + 1) * d->log_wip;
}

/* pocketsphinx's scores are in its internal units, base 1.0001 shifted right by SENSCR_SHIFT =
 * 10 bits. Its bestpath score of the 1-best should be our predicted total / 1024, or below it
 * by up to ~1.5 units a word: bestpath rounds each word's weighted LM score down to those units
 * (and its one-predecessor trigram context can only lose). ps_get_hyp's score adds the final
 * </s> node's acoustic score, which no link carries (the same for every path). */
static void print_check(const ps_decode *d, const char *utt, const char *best, int32 ps_score,
                        const lat_hyp *h, int rank)
{
    double predicted = predicted_total(d, h->ascore, h->lscore, h->nwords) / 1024.0;
    fprintf(stderr,
            "check %s: 1-best \"%s\" at rank %d: ascore %lld lscore %lld nwords %d; (ascore + %.1f*lscore"
            " + %.3f*%d*log(wip)) / 1024 = %.1f; ",
            utt, best, rank, (long long)h->ascore, (long long)h->lscore, h->nwords, d->bestpath_lw,
            d->bestpath_lw / d->lw, h->nwords + 1, predicted);
    if (d->log.have_bestpath)
        fprintf(stderr, "pocketsphinx's bestpath score %ld (difference %.1f); ps_get_hyp score %d "
                        "(= bestpath + final node's acoustic score %ld)\n",
                d->log.bestpath, predicted - (double)d->log.bestpath, ps_score,
                (long)ps_score - d->log.bestpath);
    else
        fprintf(stderr, "ps_get_hyp score %d (difference %.1f: the final node's acoustic score)\n",
                ps_score, (double)ps_score - predicted);
}

/* Splits a copy of text and recomputes its LM score; returns it, or INT64_MIN when the text
 * has more than MAX_WORDS words or memory runs out. */
static int64_t recompute_lscore(const ps_decode *d, const char *text, int *n_unknown)
{
    char *copy = strdup(text);
    char **words = malloc(MAX_WORDS * sizeof *words);
    int64_t l = INT64_MIN;
    if (copy && words) {
        int n = split_words(copy, words, MAX_WORDS);
        if (n < MAX_WORDS) l = ps_words_lscore(d->lm, words, n, n_unknown);
    }
    free(copy);
    free(words);
    return l;
}

/* pocketsphinx's bestpath weights and our search limits. */
static lat_nbest_config search_config(const ps_decode *d)
{
    return (lat_nbest_config){
        .n = d->n_best,
        .n_search = d->n_best * SEARCH_FACTOR,
        .lm_weight = d->bestpath_lw,
        .word_bonus = (d->bestpath_lw / d->lw) * d->log_wip,
        .max_pops = MAX_POPS,
        .max_paths = MAX_PATHS,
        .fillers = (const char *const *)d->fillers,
        .n_fillers = d->n_fillers,
    };
}

/* Writes up to d->n_best hypotheses of the utterance just decoded and returns their number;
 * counts in *t the lists that lack onebest (pocketsphinx's own 1-best) and prints the checks. */
static int write_nbest(const ps_decode *d, const char *utt, const char *onebest,
                       int32 ps_score, int check, FILE *out, ps_totals *t)
{
    ps_lattice_t *dag = ps_get_lattice(d->ps);
    if (!dag) {
        fprintf(stderr, "ps_nbest: %s: no lattice\n", utt);
        t->lattice_errors++;
        return 0;
    }
    lat_nbest_config cfg = search_config(d);
    lat_hyp *hyps = calloc((size_t)cfg.n_search, sizeof *hyps);
    if (!hyps) {
        fprintf(stderr, "ps_nbest: %s: out of memory\n", utt);
        t->lattice_errors++;
        return 0;
    }
    lat_nbest_stats st;
    char msg[512];
    int n = lat_nbest(dag, d->lm, &cfg, hyps, &st, msg, sizeof msg);
    if (n < 0) {
        fprintf(stderr, "ps_nbest: %s: lattice: %s\n", utt, msg);
        t->lattice_errors++;
        free(hyps);
        return 0;
    }
    t->pops += st.pops;
    if (st.stopped_early) t->stopped_early++;
    int best_rank = 0;
    for (int i = 0; i < n; i++) {
        const lat_hyp *h = &hyps[i];
        fprintf(out, "%s %d %lld %lld %d%s%s\n", utt, i + 1, (long long)h->ascore,
                (long long)h->lscore, h->nwords, h->nwords ? " " : "", h->text);
        int n_unknown = 0;
        if (recompute_lscore(d, h->text, &n_unknown) != h->lscore) {
            if (t->lscore_mismatch++ < 5)
                fprintf(stderr, "ps_nbest: %s: rank %d: lscore %lld differs from the words' LM score\n",
                        utt, i + 1, (long long)h->lscore);
        }
        t->unknown += n_unknown;
        if (!best_rank && strcmp(h->text, onebest) == 0) best_rank = i + 1;
    }
    if (!best_rank) t->best_missing++;
    if (check) {
        if (best_rank)
            print_check(d, utt, onebest, ps_score, &hyps[best_rank - 1], best_rank);
        else
            fprintf(stderr, "check %s: the 1-best \"%s\" is not among the %d hypotheses\n", utt,
                    onebest, n);
        fprintf(stderr, "check %s: lattice of %d nodes, %d links; %ld A* expansions%s\n",
                utt, st.nodes, st.links, st.pops, st.stopped_early ? " (stopped at the limit)" : "");
    }
    for (int i = 0; i < n; i++) free(hyps[i].text);
    free(hyps);
    return n;
}

/* The lattice as HTK SLF with acoustic and LM scores (lat_write_slf), written under a temporary
 * name and renamed, so a killed run leaves no torn file. */
static void write_lattice(const ps_decode *d, const char *utt, ps_totals *t)
{
    ps_lattice_t *dag = ps_get_lattice(d->ps);
    size_t len = strlen(d->lattice_dir) + strlen(utt) + 16;
    char *path = malloc(len), *tmp = malloc(len + 4), msg[512] = "out of memory";
    FILE *f = NULL;
    int ok = 0;
    if (dag && path && tmp) {
        snprintf(path, len, "%s/%s.slf", d->lattice_dir, utt);
        snprintf(tmp, len + 4, "%s.tmp", path);
        lat_nbest_config cfg = search_config(d);
        if (!(f = fopen(tmp, "w")))
            snprintf(msg, sizeof msg, "%s: %s", tmp, strerror(errno));
        else if (lat_write_slf(dag, d->lm, &cfg, utt, f, msg, sizeof msg) == 0)
            ok = 1;
        if (f && fclose(f) != 0 && ok) {
            snprintf(msg, sizeof msg, "%s: write error", tmp);
            ok = 0;
        }
        if (ok && rename(tmp, path) != 0) {
            snprintf(msg, sizeof msg, "%s: %s", path, strerror(errno));
            ok = 0;
        }
        if (!ok && f) remove(tmp);
    } else if (!dag) {
        snprintf(msg, sizeof msg, "no lattice");
    }
    if (ok) {
        t->lattices_written++;
    } else {
        fprintf(stderr, "ps_nbest: %s: lattice: %s\n", utt, msg);
        t->lattice_errors++;
    }
    free(path);
    free(tmp);
}

int ps_decode_file(ps_decode *d, const char *utt, const char *wav, int check, FILE *nbest,
                   FILE *onebest, ps_totals *t)
{
    wav_pcm16 audio;
    char msg[512];
    if (wav_read_pcm16(wav, &audio, msg, sizeof msg)) {
        fprintf(stderr, "ps_nbest: %s: %s\n", utt, msg);
        return -1;
    }
    if (audio.rate != d->samprate) {
        fprintf(stderr, "ps_nbest: %s: %s: fmt: sample rate %ld, the decoder expects %ld\n", utt,
                wav, audio.rate, d->samprate);
        free(audio.samples);
        return -1;
    }
    double t0 = now_s();
    d->log.have_bestpath = 0;
    int rc = ps_start_utt(d->ps);
    if (rc >= 0 && audio.n > 0) rc = ps_process_raw(d->ps, audio.samples, audio.n, FALSE, TRUE);
    if (rc >= 0) rc = ps_end_utt(d->ps);
    free(audio.samples);
    if (rc < 0) {
        fprintf(stderr, "ps_nbest: %s: %s: pocketsphinx failed to decode (see its log)\n", utt, wav);
        return -1;
    }
    int32 score = 0;
    const char *hyp = ps_get_hyp(d->ps, &score);
    char *best = strdup(hyp ? hyp : "");
    double t1 = now_s();
    if (!best) return -1;
    fprintf(onebest, "%s%s%s\n", utt, *best ? " " : "", best);
    int kept = write_nbest(d, utt, best, score, check, nbest, t);
    if (d->lattice_dir) write_lattice(d, utt, t);
    double t2 = now_s();
    if (kept == 0) fprintf(stderr, "ps_nbest: %s: no hypotheses\n", utt);
    free(best);
    t->audio_s += (double)audio.n / (double)d->samprate;
    t->decode_s += t1 - t0;
    t->nbest_s += t2 - t1;
    t->hyps += kept;
    return 0;
}

/* The filler words are those of the acoustic model's noisedict ("word phone" lines), as in
 * pocketsphinx; <s> and </s> are listed there too and are handled apart by the search. */
static int read_fillers(ps_decode *d, const char *hmm)
{
    size_t len = strlen(hmm) + 16;
    char *path = malloc(len);
    if (!path) return -1;
    snprintf(path, len, "%s/noisedict", hmm);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "ps_nbest: %s: %s\n", path, strerror(errno));
        free(path);
        return -1;
    }
    char line[1024];
    long lineno = 0;
    int rc = 0;
    while (fgets(line, sizeof line, f)) {
        lineno++;
        char *w = strtok(line, " \t\r\n");
        if (!w) continue;
        if (d->n_fillers == PS_MAX_FILLERS) {
            fprintf(stderr, "ps_nbest: %s:%ld: more than %d filler words\n", path, lineno, PS_MAX_FILLERS);
            rc = -1;
            break;
        }
        if (!(d->fillers[d->n_fillers++] = strdup(w))) {
            rc = -1;
            break;
        }
    }
    fclose(f);
    free(path);
    return rc;
}

int ps_decode_open(ps_decode *d, int ps_argc, char **ps_argv, const char *log_path, int n_best)
{
    memset(d, 0, sizeof *d);
    d->n_best = n_best;
    d->log.f = fopen(log_path, "w");
    if (!d->log.f) {
        fprintf(stderr, "ps_nbest: %s: %s\n", log_path, strerror(errno));
        return -1;
    }
    /* pocketsphinx logs everything it does: keep it out of the terminal but on disk. The
     * configuration table is printed to the log's FILE directly, the rest through the callback. */
    err_set_logfp(d->log.f);
    err_set_callback(log_cb, &d->log);
    cmd_ln_t *config = cmd_ln_parse_r(NULL, ps_args(), ps_argc, ps_argv, TRUE);
    if (!config) {
        fprintf(stderr, "ps_nbest: pocketsphinx rejected its options (see %s)\n", log_path);
        return -1;
    }
    d->ps = ps_init(config);
    if (!d->ps) {
        fprintf(stderr, "ps_nbest: pocketsphinx failed to start (see %s)\n", log_path);
        cmd_ln_free_r(config);
        return -1;
    }
    d->lm = ps_get_lm(d->ps, ps_get_search(d->ps));
    if (!d->lm) {
        fprintf(stderr, "ps_nbest: the decoder has no n-gram LM (give -lm)\n");
        return -1;
    }
    d->lw = cmd_ln_float32_r(config, "-lw");
    d->bestpath_lw = cmd_ln_float32_r(config, "-bestpathlw");
    d->log_wip = logmath_log(ps_get_logmath(d->ps), cmd_ln_float32_r(config, "-wip"));
    d->samprate = (long)cmd_ln_float32_r(config, "-samprate");
    int rc = read_fillers(d, cmd_ln_str_r(config, "-hmm"));
    cmd_ln_free_r(config); /* the decoder holds its own reference */
    return rc;
}

void ps_decode_close(ps_decode *d)
{
    if (d->ps) ps_free(d->ps);
    err_set_callback(err_logfp_cb, NULL); /* the default: d->log is about to go */
    err_set_logfp(NULL);
    if (d->log.f) fclose(d->log.f);
    for (int i = 0; i < d->n_fillers; i++) free(d->fillers[i]);
    memset(d, 0, sizeof *d);
}
