/* rlm run's evaluation steps: the library calls of rlm mix-weights and rlm eval, with the
 * numbers kept for the report. */
#include "run_eval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mix_cli.h"
#include "rlm_eval.h"

typedef struct row {
    char name[256];
    double ppl, ppl_unk;
    size_t tokens, oov;
} row;

void run_evaluate_plan(const rlm_recipe *r, const char *valid, const char *test) {
    char models[4096] = "";
    size_t n = 0;
    if (r->model.present) n += (size_t)snprintf(models, sizeof models, " --model %s", r->model.path.path);
    for (int i = 0; i < r->n_ngrams && n < sizeof models; i++)
        n += (size_t)snprintf(models + n, sizeof models - n, " --ngram %s", r->ngram[i].path.path);
    if (r->mix.present && !r->mix.spec.n_weights)
        printf("  -  mix-weights rlm mix-weights%s %s   [in-process]\n", models, valid);
    if (test)
        printf("  -  eval      rlm eval%s%s %s   [in-process]\n", models,
               r->mix.present ? (r->mix.spec.n_weights ? " --mix SPEC" : " --mix linear:EM-WEIGHTS")
                              : "", test);
}

void run_spec_text(const rlm_mix_spec *s, char *buf, size_t cap) {
    size_t n = (size_t)snprintf(buf, cap, "%s", s->kind == RLM_MIX_LINEAR ? "linear" : "loglinear");
    for (int i = 0; i < s->n_weights && n < cap; i++)
        n += (size_t)snprintf(buf + n, cap - n, "%c%.6g", i ? ',' : ':', s->weight[i]);
}

static void write_table(FILE *f, const char *test, const row *rows, int n_rows) {
    fprintf(f, "## Perplexity\n\nOn `%s` (log10-based; OOVs excluded from ppl, scored as <unk> "
               "in ppl_with_unk).\n\n| model | ppl | ppl_with_unk | tokens | OOV |\n"
               "|---|---:|---:|---:|---:|\n", test);
    for (int i = 0; i < n_rows; i++)
        fprintf(f, "| %s | %.3f | %.3f | %zu | %zu |\n", rows[i].name, rows[i].ppl,
                rows[i].ppl_unk, rows[i].tokens, rows[i].oov);
    fputc('\n', f);
}

/* The RNN alone: rlm eval's own path (also for character-level models). */
static int eval_rnn(const rlm_model *m, const char *test, row *out, rlm_error *err) {
    rlm_corpus c = {0};
    rlm_eval_result res;
    int bad = rlm_corpus_load(rlm_model_vocab(m), test, &c, err) ||
              rlm_model_eval_corpus(m, &c, NULL, &res, err);
    rlm_corpus_free(&c);
    if (bad) return 1;
    out->ppl = rlm_eval_perplexity(&res), out->ppl_unk = rlm_eval_perplexity_unk(&res);
    out->tokens = res.tokens, out->oov = res.oov;
    return 0;
}

static void fill_row(row *w, const rlm_mix_scores *sc, const rlm_mix_spec *spec) {
    rlm_mix_result res;
    rlm_mix_combine(sc, spec, NULL, &res, NULL);
    w->ppl = rlm_mix_perplexity(&res), w->ppl_unk = rlm_mix_perplexity_unk(&res);
    w->tokens = res.tokens, w->oov = res.oov;
}

static void load_models(const rlm_recipe *r, mix_models *mm) {
    mm->rnn_path = r->model.present ? r->model.path.path : NULL;
    for (int i = 0; i < r->n_ngrams; i++) mm->ngram_paths[mm->n_ngrams++] = r->ngram[i].path.path;
}

int run_mix_weights(const rlm_recipe *r, const char *valid, rlm_mix_spec *spec, FILE *report) {
    *spec = r->mix.spec;
    if (!r->mix.present || spec->n_weights) return 0;
    mix_models mm = {0};
    load_models(r, &mm);
    rlm_error err = {0};
    rlm_mix_scores sc = {0};
    rlm_mix_em_options em;
    rlm_mix_em_options_init(&em);
    double w[RLM_MIX_MAX_MODELS], ppl;
    int iterations, rc = 1;
    printf("== mix-weights\n");
    if (mix_load("run", &mm)) goto done;
    const int n = mix_n_models(&mm);
    for (int i = 0; i < n; i++) w[i] = 1.0 / n; /* rlm mix-weights: EM from equal weights */
    if (rlm_mix_score_file(mm.rnn, (const rlm_ngram *const *)mm.ngrams, mm.n_ngrams, valid, &sc,
                           &err) ||
        rlm_mix_em(&sc, w, &em, &iterations, &ppl, &err))
        goto done;
    spec->n_weights = n;
    for (int i = 0; i < n; i++) spec->weight[i] = w[i];
    char t[256];
    run_spec_text(spec, t, sizeof t);
    printf("EM weights on %s: %s after %d iterations (valid ppl %.3f)\n", valid, t,
           iterations, ppl);
    if (report)
        fprintf(report, "Mixture weights by EM on `%s`: %s after %d iterations (valid ppl "
                "%.3f).\n\n", valid, t, iterations, ppl);
    rc = 0;
done:
    if (rc && err.message[0]) fprintf(stderr, "rlm run: %s\n", err.message);
    rlm_mix_scores_free(&sc);
    mix_free(&mm);
    return rc;
}

int run_evaluate(const rlm_recipe *r, const char *test, const rlm_mix_spec *spec, FILE *report) {
    mix_models mm = {0};
    load_models(r, &mm);
    const int n = mix_n_models(&mm);
    row rows[RLM_MIX_MAX_MODELS + 1];
    int n_rows = 0, rc = 1;
    rlm_error err = {0};
    rlm_mix_scores sc = {0};
    printf("== eval\n");
    if (mix_load("run", &mm)) goto done;
    for (int i = 0; i < n; i++)
        snprintf(rows[i].name, sizeof rows[i].name, "%s %s",
                 mm.rnn && !i ? "rnn" : "ngram", mm.rnn && !i ? mm.rnn_path
                                                               : r->ngram[i - !!mm.rnn].name);
    if (n == 1 && mm.rnn) {
        if (eval_rnn(mm.rnn, test, &rows[0], &err)) goto done;
        n_rows = 1;
    } else {
        const rlm_ngram *const *ng = (const rlm_ngram *const *)mm.ngrams;
        if (rlm_mix_score_file(mm.rnn, ng, mm.n_ngrams, test, &sc, &err)) goto done;
        for (int i = 0; i < n; i++) {
            rlm_mix_spec one = {RLM_MIX_LINEAR, n, {0}};
            one.weight[i] = 1;
            fill_row(&rows[n_rows++], &sc, &one);
        }
        if (n > 1) {
            row *m = &rows[n_rows++];
            char t[128];
            run_spec_text(spec, t, sizeof t);
            snprintf(m->name, sizeof m->name, "mixture %s%s", t,
                     spec->kind == RLM_MIX_LOGLINEAR ? " (unnormalised: a tuning score)" : "");
            fill_row(m, &sc, spec);
        }
    }
    printf("perplexity on %s (log10-based; OOVs excluded / scored as <unk>)\n", test);
    printf("%-48s %10s %13s %9s %6s\n", "model", "ppl", "ppl_with_unk", "tokens", "OOV");
    for (int i = 0; i < n_rows; i++)
        printf("%-48s %10.3f %13.3f %9zu %6zu\n", rows[i].name, rows[i].ppl, rows[i].ppl_unk,
               rows[i].tokens, rows[i].oov);
    if (report) write_table(report, test, rows, n_rows);
    rc = 0;
done:
    if (rc && err.message[0]) fprintf(stderr, "rlm run: %s\n", err.message);
    rlm_mix_scores_free(&sc);
    mix_free(&mm);
    return rc;
}
