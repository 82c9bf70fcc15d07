/* ps_nbest: decodes WAV files with pocketsphinx 0.8 (5prealpha, Debian 12) into n-best lists
 * with acoustic and LM scores, for the ASR rescoring demo. A tool, not part of librlm.
 *
 *   ps_nbest [--n-best N] [--check K] [--log FILE] [--lattice-dir DIR] [-PSARG VALUE ...]
 *            WAV_SCP NBEST_OUT ONEBEST_OUT
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
 * --lattice-dir DIR: also DIR/UTT.slf, the word lattice the n-best lists come from, in HTK SLF
 * (lat_write_slf in lattice_nbest.h: words on nodes, a= acoustic and l= the decoder's bigram LM
 * scores, both ln).
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pocketsphinx.h>
#include <sphinxbase/err.h>

#include "ps_decode.h"

#define MODELDIR "/usr/share/pocketsphinx/model/en-us"
#define MAX_PS_ARGS 64

typedef struct options {
    int n_best, check, vocab;
    const char *log, *lattice_dir, *scp, *nbest_out, *onebest_out;
    char *ps_argv[MAX_PS_ARGS + 16];
    int ps_argc;
} options;

typedef struct out_file {
    FILE *f;
    char *path, *tmp;
} out_file;

static int usage(void)
{
    fprintf(stderr, "usage: ps_nbest [--n-best N] [--check K] [--log FILE] [--lattice-dir DIR] "
                    "[-PSARG VALUE ...] WAV_SCP NBEST_OUT ONEBEST_OUT\n"
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
        } else if (strcmp(a, "--lattice-dir") == 0) {
            o->lattice_dir = argv[++i];
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
    FILE *scp = fopen(o.scp, "r");
    if (!scp) {
        fprintf(stderr, "ps_nbest: %s: %s\n", o.scp, strerror(errno));
        free(log_default);
        return 1;
    }
    ps_decode d;
    out_file nbest = {0}, onebest = {0};
    if (ps_decode_open(&d, o.ps_argc, o.ps_argv, o.log, o.n_best) || out_open(&nbest, o.nbest_out)
        || out_open(&onebest, o.onebest_out)) {
        out_close(&nbest, 0);
        out_close(&onebest, 0);
        ps_decode_close(&d);
        fclose(scp);
        free(log_default);
        return 1;
    }

    d.lattice_dir = o.lattice_dir;
    ps_totals t = {0};
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
        int n = 0;
        for (char *tok = strtok(line, " \t\r\n"); tok && n < 3; tok = strtok(NULL, " \t\r\n"))
            fields[n++] = tok;
        if (n == 0) continue;
        if (n != 2) {
            fprintf(stderr, "ps_nbest: %s:%ld: expected \"utt-id path.wav\"\n", o.scp, lineno);
            bad_input = 1;
            break;
        }
        if (ps_decode_file(&d, fields[0], fields[1], t.utts < o.check, nbest.f, onebest.f, &t))
            t.failed++;
        t.utts++;
    }
    fclose(scp);
    int ok = !bad_input && t.failed == 0 && t.lscore_mismatch == 0 && t.lattice_errors == 0;
    /* Keep what was decoded even when some files failed, but say so and fail. */
    rc = out_close(&nbest, !bad_input) | out_close(&onebest, !bad_input);
    fprintf(stderr,
            "ps_nbest: %d utterances (%d failed), %.1f s of audio; decoding %.1f s (real-time "
            "factor %.3f), n-best search %.1f s; %.1f hypotheses per utterance (%.0f A* expansions); "
            "the 1-best is missing from %d lists",
            t.utts, t.failed, t.audio_s, t.decode_s, t.audio_s > 0 ? t.decode_s / t.audio_s : 0.0,
            t.nbest_s, t.utts ? (double)t.hyps / t.utts : 0.0,
            t.utts ? (double)t.pops / t.utts : 0.0, t.best_missing);
    if (o.lattice_dir) fprintf(stderr, "; %d lattices written to %s", t.lattices_written, o.lattice_dir);
    if (t.lattice_errors) fprintf(stderr, "; %d lattices unusable", t.lattice_errors);
    if (t.stopped_early) fprintf(stderr, "; %d searches stopped at the limit", t.stopped_early);
    if (t.lscore_mismatch) fprintf(stderr, "; %d LM scores differ from recomputation", t.lscore_mismatch);
    if (t.unknown) fprintf(stderr, "; %d words unknown to the LM", t.unknown);
    fputc('\n', stderr);
    ps_decode_close(&d);
    free(log_default);
    return ok && rc == 0 ? 0 : 1;
}
