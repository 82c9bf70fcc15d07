/* rlm lattice: rescore word lattices (Kaldi text, HTK SLF, ...) with an RNN and n-gram models:
 * expand each lattice with the LM's histories (plugin/lattice_rescore.h), write the rescored
 * lattices, and optionally each utterance's best path and n best paths. */
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "clock.h"
#include "commands.h"
#include "lattice_jobs.h"
#include "lattice_rescore.h"
#include "mix_cli.h"
#include "rlm_lattice_io.h"
#include "rlm_nbest.h"

static const char usage_text[] =
    "usage: rlm lattice --format FORMAT IN... -o OUT --model RNN [--ngram LM ...] [--mix SPEC]\n"
    "                   [--symbols words.txt] [--out-format FORMAT] [--lm-weight W] [--wip P]\n"
    "                   [--interp A] [--ac-scale S] [--history K] [--beam B] [--max-arcs N]\n"
    "                   [--oov-penalty X] [--nonword W ...] [--best OUT.1best]\n"
    "                   [--nbest N OUT.nbest] [--out-symbols words.txt] [--duration SECONDS]\n"
    "                   [--threads N]\n"
    "Expands every lattice with the language model's histories, merging paths that share their\n"
    "last K words, scores each word with the LM (log10, `</s>` at final states, from <s>), and\n"
    "ranks paths by total = S * ac + W * (A * lm + (1 - A) * old_lm) + P * words (log10; old_lm\n"
    "= the lattice's own LM score; words = LM words). With S = 1 this is rlm nbest's and rlm\n"
    "tune's total, so their --lm-weight, --wip and --interp carry over.\n"
    "FORMAT: kaldi, slf, fst, fst-text (decoder-glue/rlm_lattice_io.h; an unknown name lists\n"
    "        the ones this build has); IN: files (SLF, fst: one lattice per file), or\n"
    "        directories: every file in them, in name order (hidden ones left out)\n"
    "OUT:    the rescored lattices in --out-format (default FORMAT; SLF and fst write one file\n"
    "        per lattice, so several need an existing directory): each arc's LM score is\n"
    "        W * (A * lm + (1 - A) * old_lm), so OUT ranks as above with --lm-weight 1\n"
    "  --history K     merge histories sharing the last K words (default 0: the whole history,\n"
    "                  exact but larger lattices); 2 to 4 are usual\n"
    "  --beam B        do not expand states whose estimated total is more than B (log10)\n"
    "                  below the best of their layer (default: no beam)\n"
    "  --max-arcs N    stop expanding, keeping the best state per layer, after N arcs (0: none)\n"
    "  --nonword W     a word with no LM score (like <eps>): repeatable, '*' matches any text\n"
    "                  (\"[*]\"); default <s> </s> <sil> !NULL !SENT_START !SENT_END [*] +*+\n"
    "  --oov-penalty X added (log10) to words no model knows (default 0)\n"
    "  --best FILE     `utt w1 w2 ...`, each lattice's best path (LM words, variants \"w(2)\" as w)\n"
    "  --nbest N FILE  the N best paths of each lattice as a TSV n-best list (utt, rank, ac, lm,\n"
    "                  total, words; lm as in OUT), readable by rlm nbest --format tsv\n"
    "  --out-symbols F write the symbol table (`word id`) the output's labels index (for kaldi)\n"
    "  --threads N     lattices rescored in parallel, each thread with its own scorer and a\n"
    "                  share of the 64 MiB hidden-state cache (default 1)\n"
    "  --duration SEC  audio length for the real-time factor (default: the lattices' end times)\n"
    "Prints lattices, arcs in/expanded/out, arcs/s, real-time factor and peak memory to stderr.\n";

static int usage_error(const char *what, const char *arg) {
    return args_usage_error("lattice", usage_text, what, arg);
}

enum { MAX_NONWORDS = 64 };

typedef struct multi_opts {
    const char *nonword[MAX_NONWORDS];
    int n_nonwords;
    const char *nbest_n, *nbest_path;
} multi_opts;

/* Moves `--nonword W` (repeatable) and `--nbest N FILE` (two values) out of argv, which keeps
 * the rest for args_parse. Returns the new argc, or -1 after a usage error. */
static int take_multi(int argc, char **argv, multi_opts *m) {
    int kept = 1;
    for (int i = 1; i < argc; i++) {
        int nb = !strcmp(argv[i], "--nbest"), nw = !strcmp(argv[i], "--nonword");
        if (!nb && !nw) {
            argv[kept++] = argv[i];
        } else if (i + 1 + nb >= argc) {
            usage_error("%s needs a value", argv[i]);
            return -1;
        } else if (nb) {
            m->nbest_n = argv[i + 1], m->nbest_path = argv[i + 2], i += 2;
        } else if (m->n_nonwords == MAX_NONWORDS) {
            usage_error("at most 64 --nonword options%s", "");
            return -1;
        } else {
            m->nonword[m->n_nonwords++] = argv[++i];
        }
    }
    argv[kept] = NULL;
    return kept;
}

/* Adds path p of lat (its LM words, variants stripped) as a hypothesis with ac, lm and total. */
static int add_path(rlm_nbest *nb, rlm_nbest_utt *u, const rlm_lattice *lat,
                    const rlm_lattice_paths *ps, const rlm_lattice_path *p,
                    const rlm_lattice_weights *w) {
    const char **words = malloc((p->n ? p->n : 1) * sizeof *words);
    size_t *lens = malloc((p->n ? p->n : 1) * sizeof *lens);
    int n = 0;
    for (size_t i = 0; words && lens && i < p->n; i++) {
        int32_t label = lat->arcs[ps->arcs[p->first + i]].word;
        const char *word = rlm_symbols_word(lat->symbols, label);
        if (label == RLM_SYMBOL_EPS || !word || rlm_lattice_is_nonword(word, w->nonwords, w->n_nonwords))
            continue;
        words[n] = word, lens[n++] = rlm_lattice_word_length(word);
    }
    rlm_nbest_hyp *h = words && lens ? rlm_nbest_add_hyp(nb, u, words, lens, n) : NULL;
    free(words);
    free(lens);
    if (!h) return 0;
    h->score[0] = p->ac, h->score[1] = p->lm, h->score[2] = p->total, h->total = p->total;
    return 1;
}

static int visible(const struct dirent *e) { return e->d_name[0] != '.'; }

/* One IN: a file, or a directory of them (a decoder writes one SLF file per utterance, more
 * than a command line holds), read in name order so the output order is reproducible. */
static rlm_status read_input(const char *format, const char *path, const rlm_lattice_read_opts *ro,
                             rlm_lattice_list *lats, rlm_error *err) {
    struct stat st;
    if (stat(path, &st) || !S_ISDIR(st.st_mode)) return rlm_lattice_read(format, path, ro, lats, err);
    struct dirent **e;
    int n = scandir(path, &e, visible, alphasort);
    if (n < 0) return rlm_fail(err, RLM_E_IO, "%s: %s", path, strerror(errno));
    rlm_status s = RLM_OK;
    for (int i = 0; i < n; i++) {
        char file[4096];
        if (!s && snprintf(file, sizeof file, "%s/%s", path, e[i]->d_name) >= (int)sizeof file)
            s = rlm_fail(err, RLM_E_IO, "%s/%s: path too long", path, e[i]->d_name);
        if (!s && !stat(file, &st) && S_ISREG(st.st_mode))
            s = rlm_lattice_read(format, file, ro, lats, err);
        free(e[i]);
    }
    free(e);
    return s;
}

static double lattice_end_time(const rlm_lattice *lat) {
    double t = 0;
    for (int32_t s = 0; s < lat->n_states; s++)
        if (lat->states[s].time > t) t = lat->states[s].time;
    return t;
}

typedef struct totals {
    uint64_t arcs_in, expanded, arcs_out, queries, batches, pruned_beam, pruned_arcs;
    double audio;
} totals;

static void add_stats(totals *t, const rlm_lattice *in, const rlm_lattice_rescore_stats *s) {
    t->arcs_in += in->n_arcs, t->expanded += s->expanded_arcs, t->arcs_out += s->out_arcs;
    t->queries += s->lm_queries, t->batches += s->batches;
    t->pruned_beam += s->pruned_beam, t->pruned_arcs += s->pruned_arcs;
    t->audio += lattice_end_time(in);
}

int cmd_lattice(int argc, char **argv) {
    mix_models mm = {0};
    multi_opts multi = {0};
    const char *format = NULL, *out_format = NULL, *out = NULL, *best = NULL, *mix_text = NULL;
    const char *symbols = NULL, *out_symbols = NULL;
    double lm_weight = 1, wip = 0, interp = 1, ac_scale = 1, beam = INFINITY, duration = 0;
    double oov = 0;
    int32_t history = 0, threads = 1;
    uint64_t max_arcs = 0;
    if ((argc = mix_take_ngram_options("lattice", argc, argv, &mm)) < 0) return 2;
    if ((argc = take_multi(argc, argv, &multi)) < 0) return 2;
    const arg_spec specs[] = {
        {"--format", ARG_STRING, &format},     {"--out-format", ARG_STRING, &out_format},
        {"--model", ARG_STRING, &mm.rnn_path}, {"--mix", ARG_STRING, &mix_text},
        {"--symbols", ARG_STRING, &symbols},   {"-o", ARG_STRING, &out},
        {"--lm-weight", ARG_DOUBLE, &lm_weight}, {"--wip", ARG_DOUBLE, &wip},
        {"--interp", ARG_DOUBLE, &interp},     {"--ac-scale", ARG_DOUBLE, &ac_scale},
        {"--history", ARG_INT, &history},      {"--beam", ARG_DOUBLE, &beam},
        {"--max-arcs", ARG_U64, &max_arcs},    {"--oov-penalty", ARG_DOUBLE, &oov},
        {"--best", ARG_STRING, &best},         {"--duration", ARG_DOUBLE, &duration},
        {"--out-symbols", ARG_STRING, &out_symbols}, {"--threads", ARG_INT, &threads},
    };
    const char **in = calloc((size_t)argc + 1, sizeof *in);
    int n_in, rc = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], in, argc,
                                      &n_in, usage_text);
    if (rc >= 0) goto free_args;
    rc = 2;
    int64_t nbest_n = 0;
    if (!out_format) out_format = format;
    if (!format) { usage_error("--format is required (%s)", rlm_lattice_format_names()); goto free_args; }
    if (!rlm_lattice_format_known(format) || !rlm_lattice_format_known(out_format)) { usage_error("unknown format; known: %s", rlm_lattice_format_names()); goto free_args; }
    if (!n_in) { usage_error("no input files%s", ""); goto free_args; }
    if (!out) { usage_error("-o OUT is required%s", ""); goto free_args; }
    if (!mm.rnn_path) { usage_error("--model RNN is required%s", ""); goto free_args; }
    if (mm.n_ngrams && !mix_text) { usage_error("two or more models need --mix%s", ""); goto free_args; }
    if (history < 0 || history > RLM_SCORER_MAX_HISTORY_WORDS) { usage_error("--history must be 0 (all) to 256%s", ""); goto free_args; }
    if (!(beam > 0)) { usage_error("--beam must be positive%s", ""); goto free_args; }
    if (!(interp >= 0 && interp <= 1)) { usage_error("--interp must be in [0, 1]%s", ""); goto free_args; }
    if (!isfinite(lm_weight) || !isfinite(wip) || !isfinite(ac_scale) || !isfinite(oov)) { usage_error("--lm-weight, --wip, --ac-scale and --oov-penalty must be finite%s", ""); goto free_args; }
    if (multi.nbest_n && (args_parse_int64(multi.nbest_n, 1, 1000000, &nbest_n) || !multi.nbest_path)) { usage_error("--nbest N FILE: N must be 1 to 1000000, not '%s'", multi.nbest_n); goto free_args; }
    if (!(duration >= 0)) { usage_error("--duration must be >= 0%s", ""); goto free_args; }
    if (threads < 1 || threads > 256) { usage_error("--threads must be 1 to 256%s", ""); goto free_args; }

    rlm_error err = {0};
    rlm_scorer_options so;
    rlm_scorer_options_init(&so);
    so.history_words = history, so.oov_log10penalty = (float)oov;
    so.cache_bytes /= (size_t)threads;
    if (mix_text && rlm_mix_spec_parse(mix_text, mix_n_models(&mm), "--mix", &so.mix, &err)) {
        usage_error("%s", err.message);
        goto free_args;
    }
    rc = 1;
    rlm_scorer **sc = calloc((size_t)threads, sizeof *sc);
    rlm_lattice **res = NULL;
    rlm_lattice_rescore_stats *st = NULL;
    rlm_lattice_read_opts ro = {0};
    rlm_lattice_list lats = {0}, outs = {0};
    rlm_nbest *nb = rlm_nbest_new(RLM_NBEST_TSV);
    if (!sc || !nb || rlm_nbest_add_column(nb, "ac") < 0 || rlm_nbest_add_column(nb, "lm") < 0 ||
        rlm_nbest_add_column(nb, "total") < 0) {
        rlm_fail(&err, RLM_E_NOMEM, "out of memory");
        goto done;
    }
    if (mix_load("lattice", &mm)) goto done;
    for (int i = 0; i < threads; i++)
        if (rlm_scorer_new(mm.rnn, (const rlm_ngram *const *)mm.ngrams, mm.n_ngrams, &so, &sc[i], &err))
            goto done;
    if (rlm_lattice_read_opts_init(&ro, symbols, &err)) goto done;
    for (int i = 0; i < n_in; i++)
        if (read_input(format, in[i], &ro, &lats, &err)) goto done;

    rlm_lattice_rescore_options o;
    rlm_lattice_rescore_options_init(&o);
    o.ac_scale = ac_scale, o.lm_weight = lm_weight * interp, o.old_lm_weight = lm_weight * (1 - interp);
    o.wip = wip, o.beam = beam, o.max_arcs = (size_t)max_arcs;
    if (multi.n_nonwords) o.nonwords = multi.nonword, o.n_nonwords = multi.n_nonwords;
    rlm_lattice_weights w;
    rlm_lattice_weights_init(&w);
    w.ac_scale = ac_scale, w.wip = wip, w.nonwords = o.nonwords, w.n_nonwords = o.n_nonwords;
    res = calloc(lats.n + 1, sizeof *res), st = calloc(lats.n + 1, sizeof *st);
    if (!res || !st) {
        rlm_fail(&err, RLM_E_NOMEM, "out of memory");
        goto done;
    }
    lattice_jobs jobs = {&lats, &o, res, st, isatty(2)};
    double t0 = rlm_now_s();
    rlm_status failed = lattice_jobs_run(sc, threads, &jobs, &err);
    double seconds = rlm_now_s() - t0;
    totals t = {0};
    for (size_t i = 0; i < lats.n; i++) { /* the output list owns them from here */
        if (res[i] && !rlm_lattice_list_push(&outs, res[i])) {
            rlm_fail(&err, RLM_E_NOMEM, "out of memory");
            failed = RLM_E_NOMEM;
            rlm_lattice_free(res[i]);
        }
        res[i] = NULL;
    }
    if (failed) goto done;
    for (size_t i = 0; i < lats.n; i++) {
        add_stats(&t, lats.lat[i], &st[i]);
        if (!best && !nbest_n) continue;
        rlm_lattice *r = outs.lat[i];
        rlm_lattice_paths ps;
        if (rlm_lattice_nbest(r, &w, nbest_n ? (size_t)nbest_n : 1, &ps, &err)) goto done;
        rlm_nbest_utt *u = rlm_nbest_add_utt(nb, r->id, strlen(r->id));
        int ok = u != NULL;
        for (size_t k = 0; ok && k < ps.n; k++) ok = add_path(nb, u, r, &ps, &ps.path[k], &w);
        rlm_lattice_paths_free(&ps);
        if (!ok) {
            rlm_fail(&err, RLM_E_NOMEM, "out of memory");
            goto done;
        }
    }
    if (rlm_lattice_write(out_format, &outs, out, NULL, &err)) goto done;
    if (out_symbols && rlm_symbols_write(ro.symbols, out_symbols, &err)) goto done;
    if (best && rlm_nbest_write_best(nb, best, &err)) goto done;
    if (nbest_n && rlm_nbest_write(nb, multi.nbest_path, &err)) goto done;
    double audio = duration > 0 ? duration : t.audio;
    char rtf[64] = "RTF n/a (no times; give --duration)";
    if (audio > 0) snprintf(rtf, sizeof rtf, "RTF %.4f (audio %.1f s)", seconds / audio, audio);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    fprintf(stderr,
            "rlm lattice: %zu lattices, arcs in %llu, expanded %llu, out %llu; %.3f s, %.0f arcs/s "
            "(input arcs), %s, peak memory %.1f MB; %llu LM queries in %llu batches; not "
            "expanded: %llu by the beam, %llu by --max-arcs\n",
            lats.n, (unsigned long long)t.arcs_in, (unsigned long long)t.expanded,
            (unsigned long long)t.arcs_out, seconds,
            seconds > 0 ? (double)t.arcs_in / seconds : 0.0, rtf,
            (double)ru.ru_maxrss / 1024.0, (unsigned long long)t.queries,
            (unsigned long long)t.batches, (unsigned long long)t.pruned_beam,
            (unsigned long long)t.pruned_arcs);
    rc = 0;
done:
    if (rc && err.message[0]) fprintf(stderr, "rlm lattice: %s\n", err.message);
    rlm_lattice_list_free(&outs);
    rlm_lattice_list_free(&lats);
    rlm_lattice_read_opts_free(&ro);
    rlm_nbest_free(nb);
    for (int i = 0; sc && i < threads; i++) rlm_scorer_free(sc[i]);
    free(sc);
    free(res);
    free(st);
    mix_free(&mm);
free_args:
    free(in);
    return rc;
}
