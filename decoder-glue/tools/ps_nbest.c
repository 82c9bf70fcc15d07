/* ps_nbest: decodes WAV files with pocketsphinx 0.8 (5prealpha, Debian 12) into n-best lists
 * with acoustic and LM scores, for the ASR rescoring demo. A tool, not part of librlm.
 *
 *   ps_nbest [--n-best N] [--check K] [--log FILE] [-PSARG VALUE ...] WAV_SCP NBEST_OUT ONEBEST_OUT
 *   ps_nbest --vocab [-lm FILE]
 *
 * WAV_SCP: one utterance a line, "utt-id path.wav" (Kaldi's wav.scp without pipes); the audio is
 * 16-bit mono PCM at the decoder's -samprate (16000).
 * NBEST_OUT: one hypothesis a line, up to N (100) distinct word strings per utterance, searched
 * in the decoder's word lattice (lattice_nbest.c, not pocketsphinx's ps_nbest(): see there why)
 * and ranked by pocketsphinx's own path score, so rank 1 is normally ps_get_hyp's 1-best:
 *     utt-id rank ascore lscore nwords w1 w2 ...
 * ascore: acoustic log-likelihood of the path, the sum of its lattice links' acoustic scores
 *         (filler words and their insertion penalties included);
 * lscore: log P(w1 .. wn </s> | <s>) under the decoder's n-gram LM, unweighted (no language
 *         weight, no insertion penalty).
 * Both are integers in pocketsphinx's LOG BASE 1.0001: divide by 23027.0 for log10, by 10000.5
 * for ln. The words exclude <s>, </s>, <sil> and the other fillers of the model's noisedict.
 * pocketsphinx's own ranking is ascore + bestpathlw * lscore + (bestpathlw/lw) * (nwords+1) * log wip
 * (9.5, 6.5 and 0.65 by default).
 * ONEBEST_OUT: "utt-id w1 w2 ..." per utterance: pocketsphinx's own best path (ps_get_hyp).
 * Both outputs are written to temporary files and renamed into place at the end.
 *
 * Options starting with one dash go to pocketsphinx unchanged (-beam 1e-60, -lw 10, ...). The
 * defaults are the Debian pocketsphinx-en-us model, dictionary and 3-gram LM, and -fwdflat no:
 * the forward-flat pass leaves mid-utterance <s> nodes with bogus link scores in the lattice.
 * pocketsphinx's log goes to --log (default NBEST_OUT.log).
 * --vocab prints the words of the -lm model, one a line, and exits (to choose sentences the
 * decoder can recognise at all: it only outputs words both in the dictionary and in the LM).
 * --check K prints, for the first K utterances, the 1-best's scores next to the path score
 * pocketsphinx reports for it (ps_get_hyp), so the score extraction can be trusted; every
 * hypothesis's lscore is also recomputed from its words, and a mismatch is reported. */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <pocketsphinx.h>
#include <sphinxbase/err.h>
#include <ps_search.h>

#include "lattice_nbest.h"
#include "ps_lm_score.h"
#include "wav_read.h"

#define MODELDIR "/usr/share/pocketsphinx/model/en-us"
/* The lattice search returns the same words once per segmentation and pronunciation; these
 * bound its work per utterance (a few seconds at most on the demo's verses). */
#define MAX_POPS 200000L
#define MAX_PATHS 4000000L
#define MAX_FILLERS 64
#define MAX_PS_ARGS 64
#define MAX_WORDS 512

typedef struct options {
    int n_best, check, vocab;
    const char *log, *scp, *nbest_out, *onebest_out;
    char *ps_argv[MAX_PS_ARGS + 16];
    int ps_argc;
} options;

typedef struct out_file {
    FILE *f;
    char *path, *tmp;
} out_file;

typedef struct totals {
    int utts, failed, hyps, lattice_errors, stopped_early, unknown, lscore_mismatch, best_missing;
    long pops;
    double audio_s, decode_s, nbest_s;
} totals;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int usage(void)
{
    fprintf(stderr, "usage: ps_nbest [--n-best N] [--check K] [--log FILE] [-PSARG VALUE ...] "
                    "WAV_SCP NBEST_OUT ONEBEST_OUT\n"
                    "       ps_nbest --vocab [-lm FILE]\n");
    return 2;
}

static int parse_int(const char *s, const char *name, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < lo || v > hi) {
        fprintf(stderr, "ps_nbest: %s: expected an integer in [%d,%d], got '%s'\n", name, lo, hi, s);
        return -1;
    }
    *out = (int)v;
    return 0;
}

static int has_ps_arg(const options *o, const char *name)
{
    for (int i = 0; i < o->ps_argc; i += 2)
        if (strcmp(o->ps_argv[i], name) == 0) return 1;
    return 0;
}

/* Returns 0, or the exit code for a usage error. */
static int parse_args(int argc, char **argv, options *o)
{
    memset(o, 0, sizeof *o);
    o->n_best = 100;
    o->check = 3;
    const char *pos[3];
    int n_pos = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            usage();
            exit(0);
        }
        if (a[0] == '-' && a[1] != '\0' && strcmp(a, "--vocab") != 0 && i + 1 >= argc) {
            fprintf(stderr, "ps_nbest: %s: missing value\n", a);
            return usage();
        }
        if (strcmp(a, "--n-best") == 0) {
            if (parse_int(argv[++i], "--n-best", 1, 100000, &o->n_best)) return 2;
        } else if (strcmp(a, "--check") == 0) {
            if (parse_int(argv[++i], "--check", 0, 1000000, &o->check)) return 2;
        } else if (strcmp(a, "--vocab") == 0) {
            o->vocab = 1;
        } else if (strcmp(a, "--log") == 0) {
            o->log = argv[++i];
        } else if (a[0] == '-' && a[1] == '-') {
            fprintf(stderr, "ps_nbest: unknown option %s\n", a);
            return usage();
        } else if (a[0] == '-' && a[1] != '\0') {
            if (o->ps_argc >= MAX_PS_ARGS) {
                fprintf(stderr, "ps_nbest: more than %d pocketsphinx options\n", MAX_PS_ARGS / 2);
                return 2;
            }
            o->ps_argv[o->ps_argc++] = argv[i];
            o->ps_argv[o->ps_argc++] = argv[++i];
        } else {
            if (n_pos == 3) return usage();
            pos[n_pos++] = a;
        }
    }
    if (n_pos != (o->vocab ? 0 : 3)) return usage();
    if (!o->vocab) {
        o->scp = pos[0];
        o->nbest_out = pos[1];
        o->onebest_out = pos[2];
    }
    /* Defaults only where the user gave nothing: pocketsphinx rejects a repeated argument. */
    static char *defaults[][2] = {
        {"-hmm", MODELDIR "/en-us"},
        {"-lm", MODELDIR "/en-us.lm.bin"},
        {"-dict", MODELDIR "/cmudict-en-us.dict"},
        {"-fwdflat", "no"},
        {"-bestpath", "yes"},
    };
    for (size_t d = 0; d < sizeof defaults / sizeof defaults[0]; d++) {
        if (has_ps_arg(o, defaults[d][0])) continue;
        o->ps_argv[o->ps_argc++] = defaults[d][0];
        o->ps_argv[o->ps_argc++] = defaults[d][1];
    }
    return 0;
}

static int out_open(out_file *o, const char *path)
{
    memset(o, 0, sizeof *o);
    size_t len = strlen(path) + 32;
    o->path = strdup(path);
    o->tmp = malloc(len);
    if (!o->path || !o->tmp) {
        fprintf(stderr, "ps_nbest: %s: out of memory\n", path);
        return -1;
    }
    snprintf(o->tmp, len, "%s.tmp.%ld", path, (long)getpid());
    o->f = fopen(o->tmp, "w");
    if (!o->f) {
        fprintf(stderr, "ps_nbest: %s: %s\n", o->tmp, strerror(errno));
        return -1;
    }
    return 0;
}

/* commit != 0: flush, close and rename over the target; else remove the temporary file. */
static int out_close(out_file *o, int commit)
{
    int rc = 0;
    if (o->f) {
        if (commit && (fflush(o->f) != 0 || fsync(fileno(o->f)) != 0 || ferror(o->f))) {
            fprintf(stderr, "ps_nbest: %s: write error: %s\n", o->tmp, strerror(errno));
            rc = -1;
        }
        if (fclose(o->f) != 0) rc = -1;
        if (commit && rc == 0 && rename(o->tmp, o->path) != 0) {
            fprintf(stderr, "ps_nbest: %s: %s\n", o->path, strerror(errno));
            rc = -1;
        }
        if (!commit || rc != 0) remove(o->tmp);
    }
    free(o->path);
    free(o->tmp);
    memset(o, 0, sizeof *o);
    return rc;
}

/* Splits s in place on spaces; returns the number of words (at most max). */
static int split_words(char *s, char **words, int max)
{
    int n = 0;
    for (char *tok = strtok(s, " \t"); tok && n < max; tok = strtok(NULL, " \t")) words[n++] = tok;
    return n;
}

/* pocketsphinx's log, captured to write it to --log and to read the one number the API does
 * not give: bestpath's score of the best path without the final node ("Bestpath score: N"). */
typedef struct ps_log {
    FILE *f;
    int have_bestpath;
    long bestpath;
} ps_log;

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

typedef struct decoder {
    ps_decoder_t *ps;
    ngram_model_t *lm;
    float lw, bestpath_lw;
    double log_wip; /* log base 1.0001 of -wip */
    long samprate;
    char *fillers[MAX_FILLERS];
    int n_fillers;
    ps_log *log;
} decoder;

/* pocketsphinx's path score of a word string, in base 1.0001 (see the header comment). */
static double predicted_total(const decoder *d, int64_t ascore, int64_t lscore, int nwords)
{
    return (double)ascore + d->bestpath_lw * (double)lscore
           + (d->bestpath_lw / d->lw) * (nwords + 1) * d->log_wip;
}

/* pocketsphinx's scores are in its internal units, base 1.0001 shifted right by SENSCR_SHIFT =
 * 10 bits. Its bestpath score of the 1-best should be our predicted total / 1024, or below it
 * by up to ~1.5 units a word: bestpath rounds each word's weighted LM score down to those units
 * (and its one-predecessor trigram context can only lose). ps_get_hyp's score adds the final
 * </s> node's acoustic score, which no link carries (the same for every path). */
static void print_check(const decoder *d, const char *utt, const char *best, int32 ps_score,
                        const lat_hyp *h, int rank)
{
    double predicted = predicted_total(d, h->ascore, h->lscore, h->nwords) / 1024.0;
    fprintf(stderr,
            "check %s: 1-best \"%s\" at rank %d: ascore %lld lscore %lld nwords %d; (ascore + %.1f*lscore"
            " + %.3f*%d*log(wip)) / 1024 = %.1f; ",
            utt, best, rank, (long long)h->ascore, (long long)h->lscore, h->nwords, d->bestpath_lw,
            d->bestpath_lw / d->lw, h->nwords + 1, predicted);
    if (d->log->have_bestpath)
        fprintf(stderr, "pocketsphinx's bestpath score %ld (difference %.1f); ps_get_hyp score %d "
                        "(= bestpath + final node's acoustic score %ld)\n",
                d->log->bestpath, predicted - (double)d->log->bestpath, ps_score,
                (long)ps_score - d->log->bestpath);
    else
        fprintf(stderr, "ps_get_hyp score %d (difference %.1f: the final node's acoustic score)\n",
                ps_score, (double)ps_score - predicted);
}

/* Splits a copy of text and recomputes its LM score; returns it, or INT64_MIN when the text
 * has more than MAX_WORDS words or memory runs out. */
static int64_t recompute_lscore(const decoder *d, const char *text, int *n_unknown)
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

/* Writes up to o->n_best hypotheses of the utterance just decoded. Returns their number and,
 * in *best_rank, the rank of the one equal to onebest (0 when absent). */
static int write_nbest(const decoder *d, const options *o, const char *utt, const char *onebest,
                       int32 ps_score, int check, FILE *out, totals *t)
{
    ps_lattice_t *dag = ps_get_lattice(d->ps);
    if (!dag) {
        fprintf(stderr, "ps_nbest: %s: no lattice\n", utt);
        t->lattice_errors++;
        return 0;
    }
    lat_hyp *hyps = calloc((size_t)o->n_best, sizeof *hyps);
    if (!hyps) {
        fprintf(stderr, "ps_nbest: %s: out of memory\n", utt);
        t->lattice_errors++;
        return 0;
    }
    lat_nbest_config cfg = {
        .n = o->n_best,
        .lm_weight = d->bestpath_lw,
        .word_bonus = (d->bestpath_lw / d->lw) * d->log_wip,
        .max_pops = MAX_POPS,
        .max_paths = MAX_PATHS,
        .fillers = (const char *const *)d->fillers,
        .n_fillers = d->n_fillers,
    };
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

/* Decodes one file; returns 0, or -1 when the audio could not be read or decoded. */
static int decode_one(const decoder *d, const options *o, const char *utt, const char *wav,
                      FILE *nbest, FILE *onebest, totals *t)
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
    d->log->have_bestpath = 0;
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
    int kept = write_nbest(d, o, utt, best, score, t->utts < o->check, nbest, t);
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
static int read_fillers(decoder *d, const char *hmm)
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
        if (d->n_fillers == MAX_FILLERS) {
            fprintf(stderr, "ps_nbest: %s:%ld: more than %d filler words\n", path, lineno, MAX_FILLERS);
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

static int decoder_open(decoder *d, options *o, ps_log *log)
{
    memset(d, 0, sizeof *d);
    d->log = log;
    cmd_ln_t *config = cmd_ln_parse_r(NULL, ps_args(), o->ps_argc, o->ps_argv, TRUE);
    if (!config) {
        fprintf(stderr, "ps_nbest: pocketsphinx rejected its options (see %s)\n", o->log);
        return -1;
    }
    d->ps = ps_init(config);
    if (!d->ps) {
        fprintf(stderr, "ps_nbest: pocketsphinx failed to start (see %s)\n", o->log);
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

static const char *ps_arg(const options *o, const char *name)
{
    for (int i = 0; i < o->ps_argc; i += 2)
        if (strcmp(o->ps_argv[i], name) == 0) return o->ps_argv[i + 1];
    return NULL;
}

/* Reads the LM file alone: the decoder's own copy is mapped onto the whole dictionary. */
static int print_vocab(const options *o)
{
    const char *path = ps_arg(o, "-lm");
    err_set_logfp(NULL);
    logmath_t *lmath = logmath_init(1.0001, 0, 0);
    ngram_model_t *lm = lmath ? ngram_model_read(NULL, path, NGRAM_AUTO, lmath) : NULL;
    if (!lm) {
        fprintf(stderr, "ps_nbest: %s: cannot read the language model\n", path);
        return 1;
    }
    int32 n = ngram_model_get_counts(lm)[0];
    for (int32 i = 0; i < n; i++) {
        const char *w = ngram_word(lm, i);
        if (w) puts(w);
    }
    ngram_model_free(lm);
    logmath_free(lmath);
    return fflush(stdout) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
    options o;
    int rc = parse_args(argc, argv, &o);
    if (rc) return rc;
    if (o.vocab) return print_vocab(&o);
    char *log_default = NULL;
    if (!o.log) {
        size_t len = strlen(o.nbest_out) + 5;
        if (!(log_default = malloc(len))) return 1;
        snprintf(log_default, len, "%s.log", o.nbest_out);
        o.log = log_default;
    }
    /* pocketsphinx logs everything it does; keep it out of the terminal but on disk. */
    ps_log log = {fopen(o.log, "w"), 0, 0};
    if (!log.f) {
        fprintf(stderr, "ps_nbest: %s: %s\n", o.log, strerror(errno));
        return 1;
    }
    err_set_logfp(log.f); /* the configuration table is printed to it directly */
    err_set_callback(log_cb, &log);
    FILE *scp = fopen(o.scp, "r");
    if (!scp) {
        fprintf(stderr, "ps_nbest: %s: %s\n", o.scp, strerror(errno));
        return 1;
    }
    decoder d;
    out_file nbest, onebest;
    if (decoder_open(&d, &o, &log) || out_open(&nbest, o.nbest_out) || out_open(&onebest, o.onebest_out))
        return 1;

    totals t = {0};
    char line[8192];
    long lineno = 0;
    int bad_input = 0;
    while (fgets(line, sizeof line, scp)) {
        lineno++;
        size_t len = strlen(line);
        if (len == sizeof line - 1 && line[len - 1] != '\n') {
            fprintf(stderr, "ps_nbest: %s:%ld: line longer than %zu bytes\n", o.scp, lineno,
                    sizeof line - 2);
            bad_input = 1;
            break;
        }
        char *fields[3];
        int n = split_words(line, fields, 3);
        if (n > 0) {
            char *nl = strchr(fields[n - 1], '\n');
            if (nl) *nl = '\0';
            if (fields[n - 1][0] == '\0') n--;
        }
        if (n == 0) continue;
        if (n != 2) {
            fprintf(stderr, "ps_nbest: %s:%ld: expected \"utt-id path.wav\"\n", o.scp, lineno);
            bad_input = 1;
            break;
        }
        if (decode_one(&d, &o, fields[0], fields[1], nbest.f, onebest.f, &t)) t.failed++;
        t.utts++;
    }
    fclose(scp);
    int ok = !bad_input && t.failed == 0 && t.lscore_mismatch == 0;
    /* Keep what was decoded even when some files failed, but say so and fail. */
    rc = out_close(&nbest, !bad_input) | out_close(&onebest, !bad_input);
    fprintf(stderr,
            "ps_nbest: %d utterances (%d failed), %.1f s of audio; decoding %.1f s (real-time "
            "factor %.3f), n-best search %.1f s; %.1f hypotheses per utterance (%.0f A* expansions); "
            "the 1-best is missing from %d lists",
            t.utts, t.failed, t.audio_s, t.decode_s, t.audio_s > 0 ? t.decode_s / t.audio_s : 0.0,
            t.nbest_s, t.utts ? (double)t.hyps / t.utts : 0.0,
            t.utts ? (double)t.pops / t.utts : 0.0, t.best_missing);
    if (t.lattice_errors) fprintf(stderr, "; %d lattices unusable", t.lattice_errors);
    if (t.stopped_early) fprintf(stderr, "; %d searches stopped at the limit", t.stopped_early);
    if (t.lscore_mismatch) fprintf(stderr, "; %d LM scores differ from recomputation", t.lscore_mismatch);
    if (t.unknown) fprintf(stderr, "; %d words unknown to the LM", t.unknown);
    fputc('\n', stderr);
    ps_free(d.ps);
    err_set_callback(err_logfp_cb, NULL); /* the default, before log goes out of scope */
    err_set_logfp(NULL);
    fclose(log.f);
    for (int i = 0; i < d.n_fillers; i++) free(d.fillers[i]);
    free(log_default);
    return ok && rc == 0 ? 0 : 1;
}
