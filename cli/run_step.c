/* rlm run's steps: building, printing and running the child processes (cli/run_step.h). */
#include "run_step.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

char *run_strdup(const char *s) {
    char *p = strdup(s);
    if (!p) {
        fprintf(stderr, "rlm run: out of memory\n");
        exit(1);
    }
    return p;
}

char *run_path(const char *dir, const char *name) {
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (!p) return run_strdup(""); /* exits */
    snprintf(p, n, "%s/%s", dir, name);
    return p;
}

step *plan_step(plan *p, const char *name) {
    step *s = &p->steps[p->n < RUN_MAX_STEPS ? p->n++ : RUN_MAX_STEPS - 1];
    s->name = name;
    return s;
}

void step_add(step *s, const char *fmt, ...) {
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (s->argc < RUN_MAX_ARGS - 1) s->argv[s->argc++] = run_strdup(buf);
}

void plan_free(plan *p) {
    for (int i = 0; i < p->n; i++) {
        step *s = &p->steps[i];
        for (int j = 0; j < s->argc; j++) free(s->argv[j]);
        free(s->in), free(s->out), free(s->opts_file);
    }
    for (int i = 0; i < 3; i++) free(p->tok[i]);
    memset(p, 0, sizeof *p);
}

double run_mtime(const char *path) {
    struct stat st;
    if (!path || stat(path, &st)) return -1;
    return (double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec * 1e-9;
}

int run_up_to_date(const char *path, const char *a, const char *b, const char *c) {
    double t = run_mtime(path);
    if (t < 0) return 0;
    const char *deps[] = {a, b, c};
    for (int i = 0; i < 3; i++)
        if (deps[i] && run_mtime(deps[i]) > t) return 0;
    return 1;
}

static void print_arg(const char *a, int last) {
    printf(strpbrk(a, " \t'\"$*?;&|<>()") ? "'%s'%s" : "%s%s", a, last ? "" : " ");
}

void step_print(int i, const step *s) {
    printf("  %d. %-9s ", i + 1, s->name);
    if (s->env) printf("%s ", s->env);
    if (!s->script) printf("rlm ");
    for (int j = 0; j < s->argc; j++) print_arg(s->argv[j], j + 1 == s->argc && !s->opts_file);
    if (s->opts_file) printf("$(cat %s)", s->opts_file);
    if (s->in) printf(" < %s", s->in);
    if (s->out) printf(" > %s", s->out);
    if (s->skip) printf("   [skip: %s]", s->why_skip);
    putchar('\n');
}

/* The words of the options file (rlm tune -o writes one line of them), appended to argv. */
static int read_opts(const char *path, char **argv, int *argc, char *buf, size_t cap) {
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "rlm run: %s: %s\n", path, strerror(errno));
        return 1;
    }
    size_t n = fread(buf, 1, cap - 1, f);
    fclose(f);
    buf[n] = '\0';
    for (char *save = NULL, *w = strtok_r(buf, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save)) {
        if (*argc >= RUN_MAX_ARGS) {
            fprintf(stderr, "rlm run: %s: too many options\n", path);
            return 1;
        }
        argv[(*argc)++] = w;
    }
    return 0;
}

int step_run(const step *s, const char *self) {
    char *argv[RUN_MAX_ARGS + 2], opts[1024];
    int argc = 0;
    argv[argc++] = s->script ? s->argv[0] : "rlm";
    for (int j = s->script; j < s->argc; j++) argv[argc++] = s->argv[j];
    if (s->opts_file && read_opts(s->opts_file, argv, &argc, opts, sizeof opts)) return 1;
    argv[argc] = NULL;
    if (s->opts_file) { /* the command line as it runs, now that the options are known */
        printf("   ");
        for (int j = 0; j < argc; j++) print_arg(argv[j], j + 1 == argc);
        putchar('\n');
    }
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
