/* rlm run's lattice job: its steps and table rows (run_lattice.h).
 *
 * rlm tune searches n-best lists, so tuning on lattices goes through lists: the dev lattices
 * are rescored with total = ac + W0 * lm + P0 * words (W0, P0: the recipe's lattice.lm_weight and
 * wip, a start near the decoder's own weights), passed as --ac-scale 1/W0 --lm-weight 1 --wip
 * P0/W0 (the same ranking divided by W0, the beam with it). Their n best paths then carry the
 * acoustic score and the new LM's log10 score unweighted, and the weights rlm tune finds on
 * them are rlm lattice's at --ac-scale 1, which the test step uses. */
#include "run_lattice.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static char *lat_file(const rlm_recipe *r, const char *key, const char *what) {
    char name[128];
    snprintf(name, sizeof name, "lattice.%.15s.%.64s", key, what);
    return run_path(r->workdir.path, name);
}

/* rlm lattice on one set with a system's models and the recipe's expansion options; the beam
 * times `scale`, the factor the step scales its totals by. */
static step *lattice_step(plan *p, const rlm_recipe *r, const run_system *sy,
                          const rlm_recipe_nbest_set *set, const char *out, const char *mix,
                          double scale) {
    const rlm_recipe_lattice *l = &r->lattice;
    step *s = plan_step(p, "lattice");
    step_add(s, "lattice"), step_add(s, "--format"), step_add(s, "%s", l->format_name);
    for (int i = 0; i < set->n_inputs; i++) step_add(s, "%s", set->inputs[i].path);
    step_add(s, "-o"), step_add(s, "%s", out), step_add(s, "--out-format"), step_add(s, "kaldi");
    run_add_models(s, r, 1, sy->ngram >= 0 ? -1 : sy->ngram, mix);
    if (sy->ngram >= 0) { /* rlm lattice scores with an RNN: weight 0 leaves the n-gram alone */
        step_add(s, "--ngram"), step_add(s, "%s", r->ngram[sy->ngram].path.path);
        step_add(s, "--mix"), step_add(s, "linear:0,1");
    }
    step_add(s, "--history"), step_add(s, "%d", l->history);
    if (l->beam > 0) step_add(s, "--beam"), step_add(s, "%.10g", l->beam * scale);
    if (l->max_arcs) step_add(s, "--max-arcs"), step_add(s, "%lld", l->max_arcs);
    if (l->threads > 1) step_add(s, "--threads"), step_add(s, "%d", l->threads);
    if (l->oov_penalty) step_add(s, "--oov-penalty"), step_add(s, "%.10g", l->oov_penalty);
    return s;
}

static void plan_system(plan *p, const rlm_recipe *r, const run_system *sy, const char *mix) {
    const rlm_recipe_lattice *l = &r->lattice;
    char *opts = NULL;
    int fresh = 1; /* every step so far is skipped */
    if (l->tune) {
        const double scale = 1 / l->lm_weight;
        char *ark = lat_file(r, sy->key, "dev.ark"), *list = lat_file(r, sy->key, "dev.nbest");
        step *d = lattice_step(p, r, sy, &l->dev, ark, mix, scale);
        step_add(d, "--ac-scale"), step_add(d, "%.10g", scale);
        step_add(d, "--lm-weight"), step_add(d, "1"), step_add(d, "--wip"),
            step_add(d, "%.10g", l->wip * scale);
        step_add(d, "--nbest"), step_add(d, "%d", l->nbest), step_add(d, "%s", list);
        if ((fresh = run_set_up_to_date(list, r, &l->dev, NULL)))
            d->skip = 1, d->why_skip = "newer than the recipe, models and lattices";
        step *t = plan_step(p, "tune");
        step_add(t, "tune"), step_add(t, "--format"), step_add(t, "tsv"), step_add(t, "%s", list);
        opts = lat_file(r, sy->key, "opts");
        run_add_tune_search(t, r, l->dev.references.path, opts);
        t->out = lat_file(r, sy->key, "tune.txt");
        if ((fresh = fresh && run_set_up_to_date(opts, r, &l->dev, list)))
            t->skip = 1, t->why_skip = "newer than its n-best lists";
        free(ark), free(list);
    }
    char *ark = lat_file(r, sy->key, "test.ark"), *best = lat_file(r, sy->key, "test.1best");
    step *s = lattice_step(p, r, sy, &l->test, ark, mix, 1);
    step_add(s, "--best"), step_add(s, "%s", best);
    run_add_weights(s, opts, l->lm_weight, l->wip);
    if (fresh && run_set_up_to_date(best, r, &l->test, opts))
        s->skip = 1, s->why_skip = "newer than the recipe, models, lattices and weights";
    free(ark), free(best);
}

void run_lattice_plan(plan *p, const rlm_recipe *r, const char *mix) {
    run_system sys[RLM_MIX_MAX_MODELS + 1];
    int n = run_systems(r, mix, sys);
    for (int i = 0; i < n; i++) plan_system(p, r, &sys[i], mix);
}

int run_lattice_score(const rlm_recipe *r, const char *mix, run_lattice_rows *rows) {
    const rlm_recipe_lattice *l = &r->lattice;
    run_system sys[RLM_MIX_MAX_MODELS + 1];
    rows->n = run_systems(r, mix, sys);
    for (int i = 0; i < rows->n; i++) {
        const run_system *sy = &sys[i];
        char *best = lat_file(r, sy->key, "test.1best"), *opts = lat_file(r, sy->key, "opts");
        int bad = run_score_file(l->test.references.path, best, 0, &rows->score[i]);
        if (sy->ngram >= 0)
            snprintf(rows->label[i], sizeof rows->label[i], "lattice rescoring (n-gram %s)",
                     r->ngram[sy->ngram].name);
        else if (sy->ngram == -1)
            snprintf(rows->label[i], sizeof rows->label[i], "lattice rescoring (RNN)");
        else
            snprintf(rows->label[i], sizeof rows->label[i], "lattice rescoring (interpolated %s)",
                     mix);
        char w[256];
        if (l->tune) run_read_weights(opts, w, sizeof w);
        else snprintf(w, sizeof w, "--lm-weight %g --wip %g", l->lm_weight, l->wip);
        int len = snprintf(rows->weights[i], sizeof rows->weights[i], "%s --history %d", w,
                           l->history);
        if (l->beam > 0 && len > 0 && (size_t)len < sizeof rows->weights[i])
            len += snprintf(rows->weights[i] + len, sizeof rows->weights[i] - (size_t)len,
                            " --beam %g", l->beam);
        if (l->oov_penalty && len > 0 && (size_t)len < sizeof rows->weights[i])
            snprintf(rows->weights[i] + len, sizeof rows->weights[i] - (size_t)len,
                     " --oov-penalty %g", l->oov_penalty);
        free(best), free(opts);
        if (bad) return 1;
    }
    return 0;
}

void run_lattice_print(FILE *f, const run_lattice_rows *rows) {
    for (int i = 0; i < rows->n; i++)
        run_score_row(f, rows->label[i], &rows->score[i], rows->weights[i]);
}

void run_lattice_note(FILE *f, const rlm_recipe *r) {
    const rlm_recipe_lattice *l = &r->lattice;
    fprintf(f, "Lattice rows: rlm lattice on %s (%s), 1-best against `%s`", l->test.inputs[0].path,
            l->format_name, l->test.references.path);
    if (l->max_arcs) fprintf(f, ", at most %lld arcs expanded a lattice", l->max_arcs);
    if (l->tune)
        fprintf(f, "; weights tuned by rlm tune on the %d best paths of each dev lattice (%s) "
                "rescored at --lm-weight %g --wip %g", l->nbest, l->dev.inputs[0].path,
                l->lm_weight, l->wip);
    fprintf(f, ".\n");
}
