/* rlm ngram query|perplexity|build-binary: ARPA n-gram models, with KenLM query's output format. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <math.h>

#include "args.h"
#include "clock.h"
#include "commands.h"
#include "ngram_print.h"
#include "rlm_ngram.h"

static const char usage_text[] =
    "usage: rlm ngram query [-v word|sentence|summary] [-n] [-u LOG10PROB] LM < TEXT\n"
    "       rlm ngram perplexity [-n] [-u LOG10PROB] LM < TEXT\n"
    "       rlm ngram build-binary [-u LOG10PROB] IN.arpa OUT.bin\n"
    "  LM is an ARPA file (plain, .gz or .xz) or a binary made by build-binary.\n"
    "  query       score each line of TEXT as a sentence, printed as KenLM's query does:\n"
    "              word=id ngram_length log10prob per word, \"Total: LOG10 OOV: N\" per sentence,\n"
    "              then perplexity including and excluding OOVs (OOV = id 0, <unk>)\n"
    "    -v LEVEL  word (default): everything; sentence: totals and summary; summary: summary\n"
    "    -n        no sentence context: do not start from <s> nor add </s>\n"
    "    -u P      log10 probability of <unk> when the ARPA file has none (default -100)\n"
    "  perplexity  the summary of query alone\n"
    "  build-binary  write the mmap-able binary form (atomic: temporary file, fsync, rename)\n"
    "All probabilities are log10. Timings and memory go to stderr.\n";

static int usage_error(const char *fmt, const char *arg) {
    return args_usage_error("ngram", usage_text, fmt, arg);
}

static double peak_rss_mb(void) {
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? (double)ru.ru_maxrss / 1024.0 : 0.0;
}

typedef struct options {
    int verbosity; /* 2 word, 1 sentence, 0 summary */
    int sentence_context;
    rlm_ngram_options load;
    const char *paths[2];
    int npaths;
} options;

static int parse_options(int argc, char **argv, int max_paths, int allow_query_opts, options *o) {
    o->verbosity = 2;
    o->sentence_context = 1;
    o->npaths = 0;
    rlm_ngram_options_init(&o->load);
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (allow_query_opts && !strcmp(a, "-n")) {
            o->sentence_context = 0;
        } else if ((allow_query_opts == 2 && !strcmp(a, "-v")) || !strcmp(a, "-u")) {
            if (i + 1 == argc) return usage_error("%s needs a value", a);
            const char *v = argv[++i];
            if (!strcmp(a, "-u")) {
                double p;
                if (args_parse_double(v, &p) || p > 0)
                    return usage_error("-u: expected a log10 probability <= 0, got '%s'", v);
                o->load.unk_log10prob = (float)p;
            } else if (!strcmp(v, "word") || !strcmp(v, "2")) {
                o->verbosity = 2;
            } else if (!strcmp(v, "sentence") || !strcmp(v, "1")) {
                o->verbosity = 1;
            } else if (!strcmp(v, "summary") || !strcmp(v, "0")) {
                o->verbosity = 0;
            } else {
                return usage_error("-v: expected word, sentence or summary, got '%s'", v);
            }
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (o->npaths == max_paths) {
            return usage_error("unexpected argument '%s'", a);
        } else {
            o->paths[o->npaths++] = a;
        }
    }
    if (o->npaths != max_paths) return usage_error("%s", "missing file argument");
    return 0;
}

static rlm_ngram *load(const char *path, const rlm_ngram_options *opts) {
    rlm_error err;
    rlm_ngram *m;
    double t0 = rlm_now_s();
    if (rlm_ngram_open(path, opts, &m, &err)) {
        fprintf(stderr, "rlm ngram: %s\n", err.message);
        return NULL;
    }
    fprintf(stderr, "rlm ngram: loaded %s: order %d, %u words, in %.3f s\n", path,
            rlm_ngram_order(m), rlm_ngram_vocab_size(m), rlm_now_s() - t0);
    if (!rlm_ngram_has_unk(m)) /* KenLM's warning, for the same situation */
        fprintf(stderr, "rlm ngram: the ARPA file is missing <unk>; substituting log10 "
                        "probability %g\n", (double)opts->unk_log10prob);
    return m;
}

static int is_blank_char(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' || c == '\n';
}

typedef struct totals {
    double corpus;   /* log10, all tokens */
    double oov_only; /* log10 of the OOV tokens */
    unsigned long long oov, tokens;
} totals;

static void print_word(FILE *out, const char *w, size_t len, rlm_ngram_word id, int n, float p) {
    char num[48];
    ngram_format_shortest(num, p, 1);
    fwrite(w, 1, len, out);
    fprintf(out, "=%u %d %s\t", id, n, num);
}

/* One line of text as one sentence; KenLM's query loop (lm/ngram_query.hh) in C. */
static void score_line(const rlm_ngram *m, const options *o, char *line, FILE *out, totals *t) {
    rlm_ngram_state state;
    if (o->sentence_context) rlm_ngram_begin_state(m, &state);
    else rlm_ngram_null_state(m, &state);
    float total = 0; /* KenLM sums a sentence in float; so do we, for the same digits */
    unsigned long long oov = 0;
    char *p = line;
    for (;;) {
        while (*p && is_blank_char(*p)) p++;
        if (!*p) break;
        char *w = p;
        while (*p && !is_blank_char(*p)) p++;
        size_t len = (size_t)(p - w);
        int n;
        rlm_ngram_word id = rlm_ngram_index(m, w, len);
        float prob = rlm_ngram_score(m, &state, id, &state, &n);
        if (id == RLM_NGRAM_UNK) {
            oov++;
            t->oov_only += prob;
        }
        total += prob;
        t->tokens++;
        if (o->verbosity >= 2) print_word(out, w, len, id, n, prob);
    }
    if (o->sentence_context) {
        int n;
        float prob = rlm_ngram_score(m, &state, rlm_ngram_eos(m), &state, &n);
        total += prob;
        t->tokens++;
        if (o->verbosity >= 2) print_word(out, "</s>", 4, rlm_ngram_eos(m), n, prob);
    }
    if (o->verbosity >= 1) {
        char num[48];
        ngram_format_shortest(num, total, 1);
        fprintf(out, "Total: %s OOV: %llu\n", num, oov);
    }
    t->corpus += total;
    t->oov += oov;
}

static int run_query(int argc, char **argv, int summary_only) {
    options o;
    int rc = parse_options(argc, argv, 1, summary_only ? 1 : 2, &o);
    if (rc) return rc;
    if (summary_only) o.verbosity = 0;
    rlm_ngram *m = load(o.paths[0], &o.load);
    if (!m) return 1;
    static char outbuf[1 << 16];
    setvbuf(stdout, outbuf, _IOFBF, sizeof outbuf);
    totals t = {0, 0, 0, 0};
    char *line = NULL;
    size_t cap = 0;
    double t0 = rlm_now_s();
    /* Unlike KenLM, a last line without its newline is still a whole sentence with </s>. */
    while (getline(&line, &cap, stdin) >= 0) score_line(m, &o, line, stdout, &t);
    double secs = rlm_now_s() - t0;
    free(line);
    char inc[48], exc[48], tot[48];
    ngram_format_shortest(inc, pow(10.0, -t.corpus / (double)t.tokens), 0);
    ngram_format_shortest(exc, pow(10.0, -(t.corpus - t.oov_only) / (double)(t.tokens - t.oov)), 0);
    ngram_format_shortest(tot, t.corpus, 0);
    printf("Perplexity including OOVs:\t%s\nPerplexity excluding OOVs:\t%s\nOOVs:\t%llu\n"
           "Tokens:\t%llu\nlog10 probability of the text:\t%s\n",
           inc, exc, t.oov, t.tokens, tot);
    fflush(stdout);
    fprintf(stderr, "rlm ngram: scored %llu tokens in %.3f s (%.0f tokens/s); peak RSS %.1f MB\n",
            t.tokens, secs, secs > 0 ? (double)t.tokens / secs : 0.0, peak_rss_mb());
    rlm_ngram_close(m);
    return ferror(stdout) ? 1 : 0;
}

static int run_build_binary(int argc, char **argv) {
    options o;
    int rc = parse_options(argc, argv, 2, 0, &o);
    if (rc) return rc;
    rlm_ngram *m = load(o.paths[0], &o.load);
    if (!m) return 1;
    rlm_error err;
    double t0 = rlm_now_s();
    rlm_status s = rlm_ngram_write_binary(m, o.paths[1], &err);
    rlm_ngram_close(m);
    if (s) {
        fprintf(stderr, "rlm ngram: %s\n", err.message);
        return 1;
    }
    fprintf(stderr, "rlm ngram: wrote %s in %.3f s; peak RSS %.1f MB\n", o.paths[1],
            rlm_now_s() - t0, peak_rss_mb());
    return 0;
}

int cmd_ngram(int argc, char **argv) {
    if (argc < 2) {
        fputs(usage_text, stderr);
        return 2;
    }
    const char *sub = argv[1];
    if (!strcmp(sub, "--help") || !strcmp(sub, "-h")) {
        fputs(usage_text, stdout);
        return 0;
    }
    if (!strcmp(sub, "query")) return run_query(argc - 1, argv + 1, 0);
    if (!strcmp(sub, "perplexity")) return run_query(argc - 1, argv + 1, 1);
    if (!strcmp(sub, "build-binary")) return run_build_binary(argc - 1, argv + 1);
    return usage_error("unknown subcommand '%s'", sub);
}
