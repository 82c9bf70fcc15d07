/* hunspell -a as a child process (hunspell_pipe.h). A socket pair rather than pipe(2), so that
 * writing to a child that died fails with EPIPE (send's MSG_NOSIGNAL) instead of raising
 * SIGPIPE in the caller's process, whose signal handling a library must not touch. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "hunspell_pipe.h"

struct rlm_hunspell {
    pid_t pid;
    int fd;          /* our end: we write words, read results */
    char buf[65536]; /* bytes read and not yet consumed: buf[pos, len) */
    size_t pos, len;
    char *line;      /* the current output line */
    size_t line_cap;
    long line_no;    /* lines of output read so far (the banner is line 1) */
    char name[64];   /* "hunspell output", for messages */
};

/* Reads the next output line into h->line (without '\n'); 1 at EOF, -1 on error, else 0. */
static int read_line(rlm_hunspell *h, size_t *out_len) {
    size_t n = 0;
    for (;;) {
        if (h->pos == h->len) {
            ssize_t r;
            do r = read(h->fd, h->buf, sizeof h->buf); while (r < 0 && errno == EINTR);
            if (r < 0) return -1;
            if (r == 0) return 1;
            h->pos = 0, h->len = (size_t)r;
        }
        char c = h->buf[h->pos++];
        if (c == '\n') break;
        if (n + 1 >= h->line_cap) {
            size_t cap = h->line_cap ? 2 * h->line_cap : 256;
            if (cap > (1u << 24)) return -1; /* no result line is this long */
            char *l = realloc(h->line, cap);
            if (!l) return -1;
            h->line = l, h->line_cap = cap;
        }
        h->line[n++] = c;
    }
    if (!h->line) {
        h->line = malloc(256);
        if (!h->line) return -1;
        h->line_cap = 256;
    }
    h->line[n] = '\0';
    h->line_no++;
    *out_len = n;
    return 0;
}

rlm_status rlm_hunspell_open(const char *program, const char *dict, rlm_hunspell **out,
                             rlm_error *err) {
    *out = NULL;
    if (!program) program = "hunspell";
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
        return rlm_fail(err, RLM_E_IO, "%s: socketpair: %s", program, strerror(errno));
    rlm_hunspell *h = calloc(1, sizeof *h);
    if (!h) {
        close(sv[0]), close(sv[1]);
        return rlm_fail(err, RLM_E_NOMEM, "out of memory");
    }
    snprintf(h->name, sizeof h->name, "%s -a output", program);
    h->pid = fork();
    if (h->pid < 0) {
        close(sv[0]), close(sv[1]), free(h);
        return rlm_fail(err, RLM_E_IO, "%s: fork: %s", program, strerror(errno));
    }
    if (h->pid == 0) { /* the child: its stdin and stdout are the other end */
        int null = open("/dev/null", O_WRONLY);
        if (dup2(sv[1], 0) < 0 || dup2(sv[1], 1) < 0 || null < 0 || dup2(null, 2) < 0) _exit(127);
        execlp(program, program, "-a", "-d", dict, (char *)NULL);
        _exit(127);
    }
    close(sv[1]);
    h->fd = sv[0];
    size_t len;
    int r = read_line(h, &len);
    if (r || !rlm_hunspell_is_banner(h->line, len)) {
        rlm_hunspell_close(h);
        return rlm_fail(err, RLM_E_IO,
                        r ? "%s -a -d %s: ended without its banner line (is %s installed, and "
                            "the dictionary %s?)"
                          : "%s -a -d %s: the first line is not the ispell banner '@(#) ...'%s%s",
                        program, dict, r ? program : "", r ? dict : "");
    }
    *out = h;
    return RLM_OK;
}

static rlm_status send_all(rlm_hunspell *h, const char *s, size_t n, rlm_error *err) {
    while (n) {
        ssize_t w = send(h->fd, s, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR) continue;
        if (w <= 0) return rlm_fail(err, RLM_E_IO, "%s: hunspell has stopped: %s", h->name, strerror(errno));
        s += w, n -= (size_t)w;
    }
    return RLM_OK;
}

rlm_status rlm_hunspell_check(rlm_hunspell *h, const char *word, rlm_hunspell_result *out,
                              rlm_error *err) {
    memset(out, 0, sizeof *out);
    out->kind = RLM_HUNSPELL_OK, out->offset = -1;
    if (!*word || strpbrk(word, " \t\r\n"))
        return rlm_fail(err, RLM_E_ARG, "hunspell: '%s' is not one word", word);
    rlm_status s;
    if ((s = send_all(h, "^", 1, err)) || (s = send_all(h, word, strlen(word), err)) ||
        (s = send_all(h, "\n", 1, err)))
        return s;
    int n_results = 0;
    for (;;) {
        size_t len;
        int r = read_line(h, &len);
        if (r) return rlm_fail(err, RLM_E_IO, "%s:%ld: hunspell ended in the middle of a result",
                               h->name, h->line_no + 1);
        rlm_hunspell_result res;
        if ((s = rlm_hunspell_parse_line(h->line, len, h->name, h->line_no, &res, err))) {
            rlm_hunspell_result_free(out);
            return s;
        }
        if (res.kind == RLM_HUNSPELL_END) break;
        if (++n_results == 1) *out = res;
        else rlm_hunspell_result_free(&res);
    }
    if (n_results > 1) { /* several words for hunspell (e-mail): we only replace whole tokens */
        rlm_hunspell_result_free(out);
        out->kind = RLM_HUNSPELL_OK;
    }
    return RLM_OK;
}

void rlm_hunspell_close(rlm_hunspell *h) {
    if (!h) return;
    close(h->fd); /* hunspell ends at end of input */
    int st;
    while (waitpid(h->pid, &st, 0) < 0 && errno == EINTR) {}
    free(h->line);
    free(h);
}
