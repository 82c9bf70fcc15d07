/* rlm run RECIPE.yaml [--dry-run]: validate a recipe (plugin/rlm_recipe.h), print the plan with
 * the equivalent rlm command lines, and run it.
 *
 * How steps run. Steps that make files (KJV preparation, tokenisation, vocabulary, training) run
 * the build's own rlm binary (/proc/self/exe) with exactly the command line the plan prints, so a
 * recipe and the command line cannot drift apart, and training keeps rlm train's progress
 * output, Ctrl-C checkpointing and --resume without a second copy of that code. The steps that
 * produce numbers for the report (mixture weights by EM, perplexities) call the library
 * in-process (lm/rlm_mix.h, lm/rlm_eval.h), as rlm mix-weights and rlm eval do, because the
 * report needs the numbers themselves, not their printed form. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "args.h"
#include "atomic_file.h"
#include "commands.h"
#include "rlm_recipe.h"
#include "run_eval.h"
#include "run_jobs.h"
#include "run_step.h"

static const char usage_text[] =
    "usage: rlm run RECIPE.yaml [--dry-run]\n"
    "Runs the job a YAML recipe describes (see recipes/ and README \"Recipes\"): prepare data,\n"
    "build a vocabulary, train (reusing an up-to-date model, resuming an interrupted one), build\n"
    "n-gram models (IRSTLM), estimate mixture weights by EM on the valid text, print a\n"
    "perplexity table (log10 based, as rlm eval); tune LM weights on dev n-best lists (rlm\n"
    "tune), rescore the test lists (rlm nbest) and print their WER/BLEU table with the lists'\n"
    "own 1-best and oracle; tune on dev lattices' n-best paths and rescore the test lattices\n"
    "(rlm lattice, rows in the same table); correct spelling (rlm spell) and score it; write\n"
    "the report.\n"
    "  --dry-run   validate the recipe and its input files, print the plan, run nothing\n";

/* Data preparation: prepare_kjv.sh, or rlm tokenize for raw texts. */
static void plan_data(plan *p, const rlm_recipe *r, const char *self) {
    const rlm_recipe_data *d = &r->data;
    p->train = d->train.path, p->valid = d->valid.path, p->test = d->test.path;
    if (d->kjv_dir.path) {
        step *s = plan_step(p, "data");
        s->script = 1;
        const char *scripts = getenv("RLM_SCRIPTS");
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", self);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = '\0';
        if (scripts) step_add(s, "%s/prepare_kjv.sh", scripts);
        else step_add(s, "%s/../scripts/prepare_kjv.sh", dir);
        step_add(s, "%s", d->kjv_dir.path);
        snprintf(p->env, sizeof p->env, "RLM=%s", self);
        s->env = p->env;
    }
    if (!d->tokenize) return;
    const char **texts[3] = {&p->train, &p->valid, &p->test};
    static const char *const names[3] = {"train", "valid", "test"};
    for (int i = 0; i < 3; i++) {
        if (!*texts[i]) continue;
        size_t len = strlen(r->workdir.path) + 32;
        p->tok[i] = malloc(len);
        if (!p->tok[i]) continue;
        snprintf(p->tok[i], len, "%s/%s.tok.txt", r->workdir.path, names[i]);
        step *s = plan_step(p, "tokenize");
        step_add(s, "tokenize");
        s->in = run_strdup(*texts[i]), s->out = run_strdup(p->tok[i]);
        if (run_up_to_date(p->tok[i], *texts[i], NULL, NULL))
            s->skip = 1, s->why_skip = "newer than its raw text";
        *texts[i] = p->tok[i];
    }
}

/* N-gram models the recipe builds: recipes/irstlm_arpa.sh TEXT ORDER OUT (IRSTLM). */
static void plan_ngrams(plan *p, const rlm_recipe *r, const char *self) {
    for (int i = 0; i < r->n_ngrams; i++) {
        const rlm_recipe_ngram *g = &r->ngram[i];
        if (!g->build.present) continue;
        const char *text = g->build.text.path ? g->build.text.path : p->train;
        step *s = plan_step(p, "ngram");
        s->script = 1;
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", self);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = '\0';
        const char *scripts = getenv("RLM_RECIPE_SCRIPTS");
        if (scripts) step_add(s, "%s/irstlm_arpa.sh", scripts);
        else step_add(s, "%s/../recipes/irstlm_arpa.sh", dir);
        step_add(s, "%s", text), step_add(s, "%d", g->build.order), step_add(s, "%s", g->path.path);
        if (run_up_to_date(g->path.path, text, r->source, NULL) && run_mtime(text) >= 0)
            s->skip = 1, s->why_skip = "newer than the recipe and the text";
    }
}

static void plan_train(plan *p, const rlm_recipe *r) {
    if (r->vocab.path.path) {
        const rlm_vocab_options *v = &r->vocab.opt;
        step *s = plan_step(p, "vocab");
        step_add(s, "vocab"), step_add(s, "build"), step_add(s, "%s", p->train), step_add(s, "-o");
        step_add(s, "%s", r->vocab.path.path);
        if (v->char_level) step_add(s, "--char");
        step_add(s, "--min-count"), step_add(s, "%lld", (long long)v->min_count);
        step_add(s, "--max-size"), step_add(s, "%lld", (long long)v->max_size);
        step_add(s, "--classes"), step_add(s, "%d", v->num_classes);
        if (run_up_to_date(r->vocab.path.path, p->train, r->source, NULL))
            s->skip = 1, s->why_skip = "newer than the recipe and the text";
    }
    if (!r->train.present) return;
    const char *model = r->model.path.path;
    const rlm_model_config *c = &r->model.cfg;
    const rlm_train_options *o = &r->train.opt;
    step *s = plan_step(p, "train");
    step_add(s, "train");
    snprintf(p->ckpt, sizeof p->ckpt, "%s.ckpt", model);
    if (run_up_to_date(model, r->source, p->train, p->valid) && run_mtime(p->train) >= 0) {
        s->skip = 1, s->why_skip = "the model is newer than the recipe and the texts";
    } else if (r->train.resume && run_up_to_date(p->ckpt, r->source, p->train, p->valid) &&
               run_mtime(p->train) >= 0) {
        step_add(s, "--resume"), step_add(s, "%s", p->ckpt); /* the checkpoint holds every option */
    } else {
        if (r->vocab.path.path) {
            step_add(s, "--vocab"), step_add(s, "%s", r->vocab.path.path);
        } else {
            const rlm_vocab_options *v = &r->vocab.opt;
            if (v->char_level) step_add(s, "--char");
            step_add(s, "--min-count"), step_add(s, "%lld", (long long)v->min_count);
            if (v->max_size) step_add(s, "--max-size"), step_add(s, "%lld", (long long)v->max_size);
            if (v->num_classes) step_add(s, "--classes"), step_add(s, "%d", v->num_classes);
        }
        step_add(s, "--cell"), step_add(s, "%s", c->cell == RLM_CELL_RNN_TANH ? "rnn" : rlm_cell_type_name(c->cell));
        step_add(s, "--layers"), step_add(s, "%d", c->layers);
        step_add(s, "--embed"), step_add(s, "%d", c->embed_size);
        step_add(s, "--hidden"), step_add(s, "%d", c->hidden_size);
        step_add(s, "--output"), step_add(s, "%s", c->output == RLM_OUTPUT_CLASS ? "class" : "full");
        if (c->tied) step_add(s, "--tied");
        step_add(s, "--dropout"), step_add(s, "%.7g", c->dropout);
        if (c->independent_sentences) step_add(s, "--independent-sentences");
        step_add(s, "--optimizer"), step_add(s, "%s", o->optimizer == RLM_OPT_ADAM ? "adam" : "sgd");
        if (!isnan(o->learning_rate)) step_add(s, "--lr"), step_add(s, "%.7g", o->learning_rate);
        step_add(s, "--batch"), step_add(s, "%d", o->batch);
        step_add(s, "--bptt"), step_add(s, "%d", o->bptt);
        step_add(s, "--epochs"), step_add(s, "%d", o->max_epochs);
        step_add(s, "--max-minutes"), step_add(s, "%.15g", o->max_seconds / 60);
        if (o->threads) step_add(s, "--threads"), step_add(s, "%d", o->threads);
        step_add(s, "--seed"), step_add(s, "%llu", (unsigned long long)o->seed);
    }
    step_add(s, "--train"), step_add(s, "%s", p->train), step_add(s, "--valid"), step_add(s, "%s", p->valid);
    step_add(s, "-o"), step_add(s, "%s", model);
}

/* mkdir -p: the workdir and its missing parents. */
static int mkdir_p(const char *path) {
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", path);
    for (char *p = buf + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) && errno != EEXIST) return -1;
            *p = '/';
        }
    return mkdir(buf, 0777) && errno != EEXIST ? -1 : 0;
}

/* The report: a Markdown text built in memory and written atomically at the end. */
static int write_report(const rlm_recipe *r, char *text, size_t len) {
    rlm_error err = {0};
    rlm_atomic_file af;
    if (rlm_atomic_open(&af, r->report.path.path, &err)) {
        fprintf(stderr, "rlm run: report: %s\n", err.message);
        return 1;
    }
    fwrite(text, 1, len, af.f);
    if (rlm_atomic_commit(&af, &err)) {
        fprintf(stderr, "rlm run: report: %s\n", err.message);
        return 1;
    }
    printf("report: %s\n", r->report.path.path);
    return 0;
}

static void print_plan(const plan *p, int first) {
    for (int i = 0; i < p->n; i++) step_print(first + i, &p->steps[i]);
}

static int run_steps(const plan *p, int first, const char *self) {
    for (int i = 0; i < p->n; i++) {
        if (p->steps[i].skip) continue;
        printf("== %d. %s\n", first + i + 1, p->steps[i].name);
        if (step_run(&p->steps[i], self)) return 1;
    }
    return 0;
}

/* Everything after the recipe is loaded: the plan, then (not dry_run) the steps, the
 * in-process numbers and the report. Steps come in two phases: those that make the models,
 * then (after EM has chosen the mixture weights they pass on) those that use them. */
static int run_recipe(const rlm_recipe *r, const char *self, int dry_run) {
    plan p = {0}, q = {0};
    p.self = q.self = self;
    plan_data(&p, r, self);
    plan_ngrams(&p, r, self);
    plan_train(&p, r);
    rlm_mix_spec spec = r->mix.spec;
    char mix[256] = "linear:EM-WEIGHTS";
    if (spec.n_weights) run_spec_text(&spec, mix, sizeof mix);
    const int evaluate = (r->model.present || r->n_ngrams) && p.test;
    const int em = r->mix.present && !spec.n_weights && (evaluate || r->nbest.present || r->spell.present);
    printf("plan for %s (workdir %s):\n", r->source, r->workdir.path);
    print_plan(&p, 0);
    if (em || evaluate) run_evaluate_plan(r, p.valid, evaluate ? p.test : NULL);
    int rc = run_jobs_plan(&q, r, mix);
    print_plan(&q, p.n);
    if (r->report.present) printf("  -  report    write %s\n", r->report.path.path);
    char *report_text = NULL;
    size_t report_len = 0;
    FILE *report = NULL;
    if (rc) {
        fprintf(stderr, "rlm run: %s asks for steps this build cannot run (see the plan)\n",
                r->source);
    } else if (!dry_run) {
        if (mkdir_p(r->workdir.path)) {
            fprintf(stderr, "rlm run: workdir %s: %s\n", r->workdir.path, strerror(errno));
            rc = 1;
        }
        if (!rc && r->report.present &&
            (!(report = open_memstream(&report_text, &report_len)) ||
             fprintf(report, "# rlm run %s\n\n", r->source) < 0))
            rc = 1;
        if (!rc) rc = run_steps(&p, 0, self);
        if (!rc && em) rc = run_mix_weights(r, p.valid, &spec, report);
        if (!rc && evaluate) rc = run_evaluate(r, p.test, &spec, report);
        /* The jobs' steps again, now with the EM weights, and with the models the steps above
         * may have rewritten (a job step is skipped only when newer than its models). */
        if (!rc) {
            if (em) run_spec_text(&spec, mix, sizeof mix);
            plan_free(&q);
            q.self = self;
            run_jobs_plan(&q, r, mix);
        }
        if (!rc) rc = run_steps(&q, p.n, self);
        if (!rc) rc = run_jobs_report(r, mix, report);
        if (report && fclose(report)) rc = 1;
        if (!rc && report) rc = write_report(r, report_text, report_len);
    }
    free(report_text);
    plan_free(&p);
    plan_free(&q);
    return rc;
}

int cmd_run(int argc, char **argv) {
    int dry_run = 0;
    const arg_spec specs[] = {{"--dry-run", ARG_FLAG, &dry_run}};
    const char *pos[1] = {NULL};
    int n_pos, rc = args_parse_or_help(argc, argv, specs, 1, pos, 1, &n_pos, usage_text);
    if (rc >= 0) return rc;
    if (n_pos != 1) return args_usage_error("run", usage_text, "%s", "missing RECIPE.yaml");
    rlm_recipe *r;
    rlm_error err = {0};
    if (rlm_recipe_load(pos[0], &r, &err) || rlm_recipe_check_files(r, &err)) {
        fprintf(stderr, "rlm run: %s\n", err.message);
        return 1;
    }
    char self[4096];
    ssize_t len = readlink("/proc/self/exe", self, sizeof self - 1);
    if (len <= 0) {
        fprintf(stderr, "rlm run: cannot find the rlm binary: %s\n", strerror(errno));
        rlm_recipe_free(r);
        return 1;
    }
    self[len] = '\0';
    rc = run_recipe(r, self, dry_run);
    rlm_recipe_free(r);
    return rc;
}
