/* rlm run's n-best and spelling jobs: their steps and tables (run_jobs.h); the lattice job's
 * steps and rows come from run_lattice.h. Per rescoring
 * system (each n-gram model alone, the RNN alone, the mixture) three steps run rlm: nbest
 * rescores the dev lists (the new LM score replaces the LM column; Moses: a new feature), tune
 * searches the LM weight and insertion penalty on them and writes them with -o, nbest applies
 * them to the test lists. Each system's 1-best, and the lists' own first hypotheses and oracle,
 * are then scored against the test references in-process (run_score.h). */
#include "run_jobs.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "run_lattice.h"
#include "run_score.h"

int run_systems(const rlm_recipe *r, const char *mix, run_system *s) {
    int n = 0;
    for (int i = 0; i < r->n_ngrams; i++, n++) {
        snprintf(s[n].key, sizeof s[n].key, "ngram%d", i + 1);
        snprintf(s[n].label, sizeof s[n].label, "n-gram rescoring (%s)", r->ngram[i].name);
        s[n].rnn = 0, s[n].ngram = i;
    }
    if (r->model.present) {
        snprintf(s[n].key, sizeof s[n].key, "rnn");
        snprintf(s[n].label, sizeof s[n].label, "RNN rescoring");
        s[n].rnn = 1, s[n].ngram = -1, n++;
    }
    if (r->mix.present) {
        snprintf(s[n].key, sizeof s[n].key, "mix");
        snprintf(s[n].label, sizeof s[n].label, "interpolated rescoring (%s)", mix);
        s[n].rnn = r->model.present, s[n].ngram = -2, n++;
    }
    return n;
}

static char *job_file(const rlm_recipe *r, const char *key, const char *what) {
    char name[128];
    snprintf(name, sizeof name, "nbest.%.15s.%.64s", key, what);
    return run_path(r->workdir.path, name);
}

void run_add_models(step *s, const rlm_recipe *r, int rnn, int ngram, const char *mix) {
    if (rnn) step_add(s, "--model"), step_add(s, "%s", r->model.path.path);
    for (int i = 0; i < r->n_ngrams; i++)
        if (ngram == -2 || ngram == i) step_add(s, "--ngram"), step_add(s, "%s", r->ngram[i].path.path);
    if (ngram == -2) step_add(s, "--mix"), step_add(s, "%s", mix);
}

/* The modification time of a file, or the newest of a directory and its files (a decoder may
 * rewrite lattice files in place, which leaves the directory's own time alone). */
static double newest(const char *path) {
    double t = run_mtime(path);
    DIR *d = t >= 0 ? opendir(path) : NULL;
    if (!d) return t;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.') continue;
        char *f = run_path(path, e->d_name);
        t = fmax(t, run_mtime(f));
        free(f);
    }
    closedir(d);
    return t;
}

/* A missing model or `before` is made by an earlier step, so out is not up to date. */
int run_set_up_to_date(const char *out, const rlm_recipe *r, const rlm_recipe_nbest_set *set,
                      const char *before) {
    const double t = run_mtime(out);
    double deps = fmax(run_mtime(r->source), run_mtime(r->data.valid.path));
    if (t < 0 || (r->model.present && run_mtime(r->model.path.path) < 0) ||
        (before && run_mtime(before) < 0))
        return 0;
    deps = fmax(deps, fmax(run_mtime(r->model.path.path), run_mtime(before)));
    for (int i = 0; i < r->n_ngrams; i++) {
        if (run_mtime(r->ngram[i].path.path) < 0) return 0;
        deps = fmax(deps, run_mtime(r->ngram[i].path.path));
    }
    for (int i = 0; i < set->n_inputs; i++) deps = fmax(deps, newest(set->inputs[i].path));
    return fmax(deps, run_mtime(set->references.path)) <= t;
}

/* rlm nbest on one set; out: the rescored lists as rlm tune reads them back. */
static step *rescore(plan *p, const rlm_recipe *r, const run_system *sy,
                     const rlm_recipe_nbest_set *set, const char *out, const char *mix) {
    const rlm_recipe_nbest *nb = &r->nbest;
    step *s = plan_step(p, "nbest");
    step_add(s, "nbest"), step_add(s, "--format"), step_add(s, "%s", nb->format_name);
    for (int i = 0; i < set->n_inputs; i++) step_add(s, "%s", set->inputs[i].path);
    run_add_models(s, r, sy->rnn, sy->ngram, mix);
    step_add(s, nb->format == RLM_RECIPE_NBEST_MOSES ? "--add-column" : "--replace-lm");
    step_add(s, "-o"), step_add(s, "%s", out);
    return s;
}

/* [lo, hi, step] -> rlm tune's LO:HI:N (the points lo, lo + step, ... up to hi). */
static void add_grid(step *s, const char *opt, const rlm_recipe_range *g) {
    if (!g->present) return;
    int n = (int)floor((g->hi - g->lo) / g->step + 1e-9) + 1;
    step_add(s, "%s", opt), step_add(s, "%.10g:%.10g:%d", g->lo, g->lo + (n - 1) * g->step, n);
}

void run_add_tune_search(step *s, const rlm_recipe *r, const char *ref, const char *opts) {
    step_add(s, "--ref"), step_add(s, "%s", ref);
    step_add(s, "--metric"), step_add(s, r->tune.bleu ? "bleu" : "wer");
    add_grid(s, "--lm-weight", &r->tune.lm_weight);
    add_grid(s, "--wip", &r->tune.wip);
    step_add(s, "-o"), step_add(s, "%s", opts);
}

void run_add_weights(step *s, char *opts, double lm_weight, double wip) {
    if (opts) s->opts_file = opts;
    else step_add(s, "--lm-weight"), step_add(s, "%.10g", lm_weight), step_add(s, "--wip"),
        step_add(s, "%.10g", wip);
}

static void plan_system(plan *p, const rlm_recipe *r, const run_system *sy, const char *mix) {
    const rlm_recipe_nbest *nb = &r->nbest;
    const rlm_recipe_tune *t = &r->tune;
    char *opts = NULL;
    int fresh = 1; /* every step so far is skipped */
    if (t->present) {
        char *dev = job_file(r, sy->key, "dev"), *ext[2];
        step *d = rescore(p, r, sy, &nb->dev, dev, mix);
        if ((fresh = run_set_up_to_date(dev, r, &nb->dev, NULL)))
            d->skip = 1, d->why_skip = "newer than the recipe, models and lists";
        /* A Moses list is written with its new total, which rlm tune then reads as the base:
         * weight 0 keeps the decoder's total there, so tune's weights mean what rlm nbest's do. */
        if (nb->format == RLM_RECIPE_NBEST_MOSES)
            step_add(d, "--lm-weight"), step_add(d, "0"), step_add(d, "--wip"), step_add(d, "0");
        step *s = plan_step(p, "tune");
        step_add(s, "tune"), step_add(s, "--format"), step_add(s, "%s", nb->format_name);
        step_add(s, "%s", dev);
        if (nb->format == RLM_RECIPE_NBEST_KALDI && nb->dev.n_inputs > 1) {
            ext[0] = job_file(r, sy->key, "dev.ac"), ext[1] = job_file(r, sy->key, "dev.lm");
            step_add(s, "%s", ext[0]), step_add(s, "%s", ext[1]);
            free(ext[0]), free(ext[1]);
        }
        opts = job_file(r, sy->key, "opts");
        run_add_tune_search(s, r, nb->dev.references.path, opts);
        s->out = job_file(r, sy->key, "tune.txt");
        if ((fresh = fresh && run_set_up_to_date(opts, r, &nb->dev, dev)))
            s->skip = 1, s->why_skip = "newer than its rescored lists";
        free(dev);
    }
    char *test = job_file(r, sy->key, "test"), *best = job_file(r, sy->key, "test.1best");
    step *s = rescore(p, r, sy, &nb->test, test, mix);
    step_add(s, "--best"), step_add(s, "%s", best);
    run_add_weights(s, opts, nb->lm_weight, nb->wip);
    if (fresh && run_set_up_to_date(best, r, &nb->test, opts))
        s->skip = 1, s->why_skip = "newer than the recipe, models, lists and weights";
    free(test), free(best);
}

static void plan_spell(plan *p, const rlm_recipe *r, const char *mix) {
    const rlm_recipe_spell *sp = &r->spell;
    step *s = plan_step(p, "spell");
    step_add(s, "spell");
    run_add_models(s, r, 1, r->mix.present ? -2 : -1, mix);
    step_add(s, "--dict"), step_add(s, "%s", sp->dict ? sp->dict : "en_US");
    if (sp->beam) step_add(s, "--beam"), step_add(s, "%d", sp->beam);
    if (sp->max_cands) step_add(s, "--max-cands"), step_add(s, "%d", sp->max_cands);
    if (sp->oov_penalty) step_add(s, "--oov-penalty"), step_add(s, "%.10g", sp->oov_penalty);
    step_add(s, "%s", sp->input.path);
    s->out = run_strdup(sp->output.path);
}

int run_jobs_plan(plan *p, const rlm_recipe *r, const char *mix) {
    int bad = 0;
    if (r->tune.mix_weight.present) {
        printf("  -  tune      NOT AVAILABLE: tune.mix_weight (rlm tune interpolates two LM "
               "columns log-linearly, and rlm nbest cannot apply that): give mix.weights\n");
        bad = 1;
    }
    if (r->tune.present && r->nbest.format == RLM_RECIPE_NBEST_SRILM) {
        printf("  -  tune      NOT AVAILABLE: srilm lists are a directory of files, which rlm "
               "run does not pass to rlm tune\n");
        bad = 1;
    }
    if (r->nbest.present && !bad) {
        run_system sys[RLM_MIX_MAX_MODELS + 1];
        int n = run_systems(r, mix, sys);
        for (int i = 0; i < n; i++) plan_system(p, r, &sys[i], mix);
    }
    if (r->lattice.present && !bad) run_lattice_plan(p, r, mix);
    if (r->spell.present) plan_spell(p, r, mix);
    return bad;
}

void run_score_row(FILE *f, const char *name, const run_score *s, const char *weights) {
    const rlm_wer_counts *c = &s->wer;
    fprintf(f, "| %s | %.2f | %lld | %lld | %lld | %lld | %.2f | %s |\n", name,
            rlm_wer_percent(c), (long long)c->sub, (long long)c->del, (long long)c->ins,
            (long long)c->ref_words, rlm_bleu_score(&s->bleu, RLM_BLEU_SMOOTH_EXP, NULL, NULL),
            weights);
}

void run_read_weights(const char *path, char *buf, size_t cap) {
    FILE *f = fopen(path, "r");
    buf[0] = '\0';
    if (f && fgets(buf, (int)cap, f)) buf[strcspn(buf, "\n")] = '\0';
    if (f) fclose(f);
}

/* The WER/BLEU table's header row. */
static void table_head(FILE *f) {
    fprintf(f, "| system | WER %% | sub | del | ins | ref words | BLEU | weights |\n"
               "|---|---:|---:|---:|---:|---:|---:|---|\n");
}

/* The n-best table, with the lattice rows (lat not NULL) after the n-best systems' rows. */
static int nbest_table(FILE **out, int n_out, const rlm_recipe *r, const char *mix,
                       const run_lattice_rows *lat) {
    const rlm_recipe_nbest *nb = &r->nbest;
    const char *ref = nb->test.references.path;
    const char *inputs[64];
    int n_in = nb->test.n_inputs < 64 ? nb->test.n_inputs : 64;
    for (int i = 0; i < n_in; i++) inputs[i] = nb->test.inputs[i].path;
    run_score base, oracle, rows[RLM_MIX_MAX_MODELS + 1];
    char weights[RLM_MIX_MAX_MODELS + 1][256];
    run_system sys[RLM_MIX_MAX_MODELS + 1];
    int n = run_systems(r, mix, sys);
    const int by_bleu = r->tune.present && r->tune.bleu;
    if (run_score_lists(nb->format_name, inputs, n_in, ref, by_bleu, &base, &oracle)) return 1;
    for (int i = 0; i < n; i++) {
        char *best = job_file(r, sys[i].key, "test.1best"), *opts = job_file(r, sys[i].key, "opts");
        int bad = run_score_file(ref, best, 0, &rows[i]);
        if (r->tune.present) run_read_weights(opts, weights[i], sizeof weights[i]);
        else snprintf(weights[i], sizeof weights[i], "--lm-weight %g --wip %g", nb->lm_weight, nb->wip);
        free(best), free(opts);
        if (bad) return 1;
    }
    for (int k = 0; k < n_out; k++) {
        FILE *f = out[k];
        fprintf(f, "## N-best rescoring\n\nTest lists: %s (%s), %lld utterances, references `%s`. ",
                inputs[0], nb->format_name, (long long)base.wer.sentences, ref);
        if (r->tune.present)
            fprintf(f, "Weights tuned on `%s` for %s by rlm tune.", nb->dev.inputs[0].path,
                    r->tune.bleu ? "BLEU" : "WER");
        if (lat) fputc('\n', f), run_lattice_note(f, r);
        fprintf(f, "\nWER as rlm wer (sclite's alignment), BLEU as rlm bleu (corpus BLEU-4).\n\n");
        table_head(f);
        run_score_row(f, "baseline 1-best (the lists' ranking)", &base, "");
        for (int i = 0; i < n; i++) run_score_row(f, sys[i].label, &rows[i], weights[i]);
        if (lat) run_lattice_print(f, lat);
        run_score_row(f, by_bleu ? "n-best oracle (best sentence BLEU per utterance)"
                              : "n-best oracle (fewest errors per utterance)", &oracle, "");
        fputc('\n', f);
    }
    return 0;
}

static int spell_table(FILE **out, int n_out, const rlm_recipe *r) {
    const rlm_recipe_spell *sp = &r->spell;
    run_score in, fixed;
    if (run_score_file(sp->references.path, sp->input.path, RLM_TRN_PLAIN, &in) ||
        run_score_file(sp->references.path, sp->output.path, RLM_TRN_PLAIN, &fixed))
        return 1;
    for (int k = 0; k < n_out; k++) {
        FILE *f = out[k];
        fprintf(f, "## Spelling correction\n\nAgainst `%s`, %lld sentences (WER as rlm wer "
                "--plain).\n\n| text | WER %% | sub | del | ins | ref words | BLEU | |\n"
                "|---|---:|---:|---:|---:|---:|---:|---|\n", sp->references.path,
                (long long)in.wer.sentences);
        run_score_row(f, "input", &in, sp->input.path);
        run_score_row(f, "rlm spell", &fixed, sp->output.path);
        fputc('\n', f);
    }
    return 0;
}

/* The lattice rows alone, when there is no n-best table to hold them. */
static void lattice_table(FILE **out, int n_out, const rlm_recipe *r, const run_lattice_rows *lat) {
    for (int k = 0; k < n_out; k++) {
        fprintf(out[k], "## Lattice rescoring\n\n");
        run_lattice_note(out[k], r);
        fprintf(out[k], "WER as rlm wer (sclite's alignment), BLEU as rlm bleu (corpus BLEU-4)."
                "\n\n");
        table_head(out[k]);
        run_lattice_print(out[k], lat);
        fputc('\n', out[k]);
    }
}

int run_jobs_report(const rlm_recipe *r, const char *mix, FILE *report) {
    FILE *out[2] = {stdout, report};
    const int n_out = report ? 2 : 1;
    const int nbest = r->nbest.present && r->nbest.test.references.path;
    run_lattice_rows lat;
    const int lattice = r->lattice.present && r->lattice.test.references.path;
    if (lattice && run_lattice_score(r, mix, &lat)) return 1;
    if (nbest && nbest_table(out, n_out, r, mix, lattice ? &lat : NULL)) return 1;
    if (lattice && !nbest) lattice_table(out, n_out, r, &lat);
    if (r->spell.present && r->spell.references.path && spell_table(out, n_out, r)) return 1;
    return 0;
}
