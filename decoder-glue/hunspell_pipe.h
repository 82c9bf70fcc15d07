/* hunspell through its pipe interface (`hunspell -a`, the ispell protocol), for spelling
 * candidates: a parser for the lines it writes, and a child process that checks one word at a
 * time.
 *
 * The protocol (man hunspell, -a): a banner line `@(#) International Ispell Version ...` first,
 * then for every input line one result line per word on it and a blank line after them:
 *   *                          the word is in the dictionary
 *   + ROOT                     found through affix removal (ROOT is its stem)
 *   -                          found as a compound
 *   & WORD N OFFSET: C1, C2    misspelled, with N near misses (a near miss may hold spaces:
 *                              "sunflower house")
 *   ? WORD N OFFSET: C1, C2    misspelled, with N guesses (ispell; hunspell does not write it)
 *   # WORD OFFSET              misspelled, no near miss
 * OFFSET counts bytes from the start of the input line, including the `^` we prefix to every
 * line (so that a word starting with `*`, `&`, `@`, `+`, `-`, `~`, `#`, `!`, `%`, `` ` `` or `^`
 * is checked, not taken as a command). */
#ifndef RLM_HUNSPELL_PIPE_H
#define RLM_HUNSPELL_PIPE_H

#include <stddef.h>

#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum rlm_hunspell_kind {
    RLM_HUNSPELL_END = 0,  /* the blank line after a line's results */
    RLM_HUNSPELL_OK,       /* `*` */
    RLM_HUNSPELL_ROOT,     /* `+ ROOT` */
    RLM_HUNSPELL_COMPOUND, /* `-` */
    RLM_HUNSPELL_MISS,     /* `& WORD N OFFSET: ...` */
    RLM_HUNSPELL_GUESS,    /* `? WORD N OFFSET: ...` */
    RLM_HUNSPELL_NONE      /* `# WORD OFFSET` */
} rlm_hunspell_kind;

typedef struct rlm_hunspell_result {
    rlm_hunspell_kind kind;
    char *word;   /* MISS, GUESS, NONE: the word; ROOT: the root; else NULL */
    long offset;  /* MISS, GUESS, NONE; else -1 */
    char **cands; /* MISS, GUESS: n_cands near misses, in hunspell's order */
    int n_cands;
    char *storage_; /* owns the strings */
} rlm_hunspell_result;

/* Parses one output line (len bytes, no line end; a final '\r' is allowed). On a malformed line
 * fails with RLM_E_FORMAT "NAME:LINE: hunspell output: what" and leaves *out empty. The banner
 * is not a result line: test it with rlm_hunspell_is_banner. */
RLM_API rlm_status rlm_hunspell_parse_line(const char *line, size_t len, const char *name,
                                           long line_no, rlm_hunspell_result *out,
                                           rlm_error *err);
RLM_API int rlm_hunspell_is_banner(const char *line, size_t len);
RLM_API void rlm_hunspell_result_free(rlm_hunspell_result *r);

/* ---- The child process ---- */
typedef struct rlm_hunspell rlm_hunspell;

/* Starts `PROGRAM -a -d DICT` (program NULL: "hunspell", found in PATH; its stderr is discarded)
 * and reads its banner. RLM_E_IO when it cannot be started or ends before the banner (a missing
 * dictionary). */
RLM_API rlm_status rlm_hunspell_open(const char *program, const char *dict, rlm_hunspell **out,
                                     rlm_error *err);
/* Checks one word (no spaces, tabs or line ends: RLM_E_ARG). *out is the word's result; a word
 * hunspell does not see as a word (digits, punctuation) or splits into several (e-mail) gives
 * RLM_HUNSPELL_OK. RLM_E_IO when the child died, RLM_E_FORMAT for output that breaks the
 * protocol (the message names the line of its output). */
RLM_API rlm_status rlm_hunspell_check(rlm_hunspell *h, const char *word,
                                      rlm_hunspell_result *out, rlm_error *err);
/* Closes the pipe and waits for the child. */
RLM_API void rlm_hunspell_close(rlm_hunspell *h);

#ifdef __cplusplus
}
#endif

#endif
