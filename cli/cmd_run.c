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
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "args.h"
#include "atomic_file.h"
#include "commands.h"
#include "rlm_recipe.h"

static const char usage_text[] =
    "usage: rlm run RECIPE.yaml [--dry-run]\n"
    "Runs the job a YAML recipe describes (see recipes/ and README \"Recipes\"): prepare data,\n"
    "build a vocabulary, train (reusing an up-to-date model, resuming an interrupted one), load\n"
    "n-gram models, estimate mixture weights by EM on the valid text, print a perplexity table\n"
    "(log10 based, as rlm eval) and write the report.\n"
    "  --dry-run   validate the recipe and its input files, print the plan, run nothing\n";

#define MAX_ARGS 64

/* One step that runs the rlm binary (or a script) with argv; stdin/stdout may be files. */
typedef struct step {
    const char *name;
    char *argv[MAX_ARGS];
    int argc;
    const char *in, *out; /* redirections, or NULL */
    const char *env;      /* "NAME=value" for the child, or NULL */
    int script;           /* argv[0] is a script path, not an rlm subcommand */
    int skip;             /* up to date */
    const char *why_skip;
} step;

static char *xstrdup(const char *s) {
    char *p = strdup(s);
    if (!p) {
        fprintf(stderr, "rlm run: out of memory\n");
        exit(1);
    }
    return p;
}

static void add(step *s, const char *fmt, ...) RLM_PRINTF(2, 3);
static void add(step *s, const char *fmt, ...) {
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (s->argc < MAX_ARGS - 1) s->argv[s->argc++] = xstrdup(buf);
}

static void free_step(step *s) {
    for (int i = 0; i < s->argc; i++) free(s->argv[i]);
}

static double mtime(const char *path) {
    struct stat st;
    if (!path || stat(path, &st)) return -1;
    return (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec * 1e-9;
}

/* path exists and is at least as new as every one of the others that exist (make's rule). */
static int up_to_date(const char *path, const char *a, const char *b, const char *c) {
    double t = mtime(path);
    if (t < 0) return 0;
    const char *deps[] = {a, b, c};
    for (int i = 0; i < 3; i++)
        if (deps[i] && mtime(deps[i]) > t) return 0;
    return 1;
}

static void print_step(int i, const step *s) {
    printf("  %d. %-9s ", i + 1, s->name);
    if (s->env) printf("%s ", s->env);
    if (!s->script) printf("rlm ");
    for (int j = 0; j < s->argc; j++) {
        const char *a = s->argv[j];
        printf(strpbrk(a, " \t'\"$*?;&|<>()") ? "'%s'%s" : "%s%s", a, j + 1 < s->argc ? " " : "");
    }
    if (s->in) printf(" < %s", s->in);
    if (s->out) printf(" > %s", s->out);
    if (s->skip) printf("   [skip: %s]", s->why_skip);
    putchar('\n');
}

static int run_step(const step *s, const char *self) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "rlm run: %s: fork: %s\n", s->name, strerror(errno));
        return 1;
    }
    if (pid == 0) {
        if (s->in && !freopen(s->in, "r", stdin)) _exit(126);
        if (s->out && !freopen(s->out, "w", stdout)) _exit(126);
        if (s->env) putenv((char *)s->env);
        char *argv[MAX_ARGS + 1];
        argv[0] = s->script ? s->argv[0] : "rlm";
        for (int j = s->script; j < s->argc; j++) argv[j + !s->script] = s->argv[j];
        argv[s->argc + !s->script] = NULL;
        execv(s->script ? s->argv[0] : self, argv);
        fprintf(stderr, "rlm run: %s: %s: %s\n", s->name, s->script ? s->argv[0] : self,
                strerror(errno));
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) return 1;
    if (WIFEXITED(status) && !WEXITSTATUS(status)) return 0;
    fprintf(stderr, "rlm run: step %s failed (%s %d)\n", s->name,
            WIFEXITED(status) ? "exit status" : "signal",
            WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    return 1;
}

typedef struct plan {
    step steps[16];
    int n;
    const char *train, *valid, *test; /* the texts the models read (after tokenisation) */
    char *tok[3];                     /* tokenised copies, owned */
    char env[4200];
    char ckpt[4200];
} plan;

/* Data preparation: prepare_kjv.sh, or rlm tokenize for raw texts. */
static void plan_data(plan *p, const rlm_recipe *r, const char *self) {
    const rlm_recipe_data *d = &r->data;
    p->train = d->train.path, p->valid = d->valid.path, p->test = d->test.path;
    if (d->kjv_dir.path) {
        step *s = &p->steps[p->n++];
        s->name = "data", s->script = 1;
        const char *scripts = getenv("RLM_SCRIPTS");
        char dir[4096];
        snprintf(dir, sizeof dir, "%s", self);
        char *slash = strrchr(dir, '/');
        if (slash) *slash = '\0';
        if (scripts) add(s, "%s/prepare_kjv.sh", scripts);
        else add(s, "%s/../scripts/prepare_kjv.sh", dir);
        add(s, "%s", d->kjv_dir.path);
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
        step *s = &p->steps[p->n++];
        s->name = "tokenize";
        add(s, "tokenize");
        s->in = *texts[i], s->out = p->tok[i];
        if (up_to_date(p->tok[i], *texts[i], NULL, NULL))
            s->skip = 1, s->why_skip = "newer than its raw text";
        *texts[i] = p->tok[i];
    }
}

static void plan_train(plan *p, const rlm_recipe *r) {
    if (r->vocab.path.path) {
        const rlm_vocab_options *v = &r->vocab.opt;
        step *s = &p->steps[p->n++];
        s->name = "vocab";
        add(s, "vocab"), add(s, "build"), add(s, "%s", p->train), add(s, "-o");
        add(s, "%s", r->vocab.path.path);
        if (v->char_level) add(s, "--char");
        add(s, "--min-count"), add(s, "%lld", (long long)v->min_count);
        add(s, "--max-size"), add(s, "%lld", (long long)v->max_size);
        add(s, "--classes"), add(s, "%d", v->num_classes);
        if (up_to_date(r->vocab.path.path, p->train, r->source, NULL))
            s->skip = 1, s->why_skip = "newer than the recipe and the text";
    }
    if (!r->train.present) return;
    const char *model = r->model.path.path;
    const rlm_model_config *c = &r->model.cfg;
    const rlm_train_options *o = &r->train.opt;
    step *s = &p->steps[p->n++];
    s->name = "train";
    add(s, "train");
    snprintf(p->ckpt, sizeof p->ckpt, "%s.ckpt", model);
    if (up_to_date(model, r->source, p->train, p->valid) && mtime(p->train) >= 0) {
        s->skip = 1, s->why_skip = "the model is newer than the recipe and the texts";
    } else if (r->train.resume && up_to_date(p->ckpt, r->source, p->train, p->valid) &&
               mtime(p->train) >= 0) {
        add(s, "--resume"), add(s, "%s", p->ckpt); /* the checkpoint holds every option */
    } else {
        if (r->vocab.path.path) {
            add(s, "--vocab"), add(s, "%s", r->vocab.path.path);
        } else {
            const rlm_vocab_options *v = &r->vocab.opt;
            if (v->char_level) add(s, "--char");
            add(s, "--min-count"), add(s, "%lld", (long long)v->min_count);
            if (v->max_size) add(s, "--max-size"), add(s, "%lld", (long long)v->max_size);
            if (v->num_classes) add(s, "--classes"), add(s, "%d", v->num_classes);
        }
        add(s, "--cell"), add(s, "%s", c->cell == RLM_CELL_RNN_TANH ? "rnn" : rlm_cell_type_name(c->cell));
        add(s, "--layers"), add(s, "%d", c->layers);
        add(s, "--embed"), add(s, "%d", c->embed_size);
        add(s, "--hidden"), add(s, "%d", c->hidden_size);
        add(s, "--output"), add(s, "%s", c->output == RLM_OUTPUT_CLASS ? "class" : "full");
        if (c->tied) add(s, "--tied");
        add(s, "--dropout"), add(s, "%.7g", c->dropout);
        if (c->independent_sentences) add(s, "--independent-sentences");
        add(s, "--optimizer"), add(s, "%s", o->optimizer == RLM_OPT_ADAM ? "adam" : "sgd");
        if (!isnan(o->learning_rate)) add(s, "--lr"), add(s, "%.7g", o->learning_rate);
        add(s, "--batch"), add(s, "%d", o->batch);
        add(s, "--bptt"), add(s, "%d", o->bptt);
        add(s, "--epochs"), add(s, "%d", o->max_epochs);
        add(s, "--max-minutes"), add(s, "%.15g", o->max_seconds / 60);
        if (o->threads) add(s, "--threads"), add(s, "%d", o->threads);
        add(s, "--seed"), add(s, "%llu", (unsigned long long)o->seed);
    }
    add(s, "--train"), add(s, "%s", p->train), add(s, "--valid"), add(s, "%s", p->valid);
    add(s, "-o"), add(s, "%s", model);
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

/* An rlm subcommand this binary has: `rlm CMD --help` exits 0. */
static int have_command(const char *self, const char *cmd) {
    fflush(stdout);
    pid_t pid = fork();
    int status = -1;
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        if (fd >= 0) dup2(fd, 1), dup2(fd, 2);
        execl(self, "rlm", cmd, "--help", (char *)NULL);
        _exit(127);
    }
    if (pid > 0) waitpid(pid, &status, 0);
    return pid > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

#include "run_eval.h"

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
    plan p = {0};
    plan_data(&p, r, self);
    plan_train(&p, r);
    const int evaluate = (r->model.present || r->n_ngrams) && p.test;
    printf("plan for %s (workdir %s):\n", r->source, r->workdir.path);
    for (int i = 0; i < p.n; i++) print_step(i, &p.steps[i]);
    rc = 0;
    if (evaluate) run_evaluate(r, p.valid, p.test, 1);
    /* Steps whose commands other parts of rlm provide: say plainly when this build lacks them,
     * before spending hours on training. */
    const char *missing[2] = {NULL, NULL};
    if (r->nbest.present) missing[0] = "nbest";
    if (r->tune.present) missing[1] = "tune";
    for (int i = 0; i < 2; i++) {
        if (!missing[i]) continue;
        if (have_command(self, missing[i]))
            printf("  -  %-9s NOT AVAILABLE: this build has `rlm %s`, but rlm run does not drive "
                   "it yet\n", missing[i], missing[i]);
        else
            printf("  -  %-9s NOT AVAILABLE: this build has no `rlm %s` command\n", missing[i],
                   missing[i]);
        rc = 1;
    }
    if (r->report.present) printf("  -  report    write %s\n", r->report.path.path);
    if (rc) {
        fprintf(stderr, "rlm run: %s asks for steps this build cannot run (see the plan)\n",
                r->source);
    } else if (!dry_run) {
        if (mkdir_p(r->workdir.path)) {
            fprintf(stderr, "rlm run: workdir %s: %s\n", r->workdir.path, strerror(errno));
            rc = 1;
        }
        for (int i = 0; !rc && i < p.n; i++) {
            if (p.steps[i].skip) continue;
            printf("== %d. %s\n", i + 1, p.steps[i].name);
            rc = run_step(&p.steps[i], self);
        }
        if (!rc && evaluate) rc = run_evaluate(r, p.valid, p.test, 0);
    }
    for (int i = 0; i < p.n; i++) free_step(&p.steps[i]);
    for (int i = 0; i < 3; i++) free(p.tok[i]);
    rlm_recipe_free(r);
    return rc;
}
