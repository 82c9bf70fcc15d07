/* rlm spell: spelling correction in context. hunspell (its pipe interface, decoder-glue/
 * hunspell_pipe.h) finds the misspelled tokens and their near misses; the language model picks
 * the combination that makes the most probable sentence (plugin/spell_search.h). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "args.h"
#include "commands.h"
#include "hunspell_pipe.h"
#include "mix_cli.h"
#include "spell_search.h"

static const char usage_text[] =
    "usage: rlm spell --model RNN [--ngram LM ... --mix linear:W|loglinear:W] [IN]\n"
    "                 [--dict en_US] [--hunspell PROGRAM] [--beam N] [--max-cands N]\n"
    "                 [--oov-penalty P] [--keep-case] [--details]\n"
    "Corrects the spelling of tokenised sentences (IN or stdin, one a line; `rlm tokenize`\n"
    "makes them): `hunspell -a -d DICT` (its ispell pipe interface) names the misspelled tokens\n"
    "and their near misses; every misspelled token keeps itself as a candidate; the combination\n"
    "whose sentence has the highest LM score (log10 P of the words and </s> from <s>) wins, so a\n"
    "token changes only when a near miss makes the sentence strictly more probable. Prints the\n"
    "corrected sentences, one a line.\n"
    "  --dict D        hunspell dictionary (default en_US; Debian package hunspell-en-us)\n"
    "  --beam N        partial sentences kept left to right (default 256); while the product of\n"
    "                  the candidate counts stays within N the search is exhaustive\n"
    "  --max-cands N   near misses taken per token, in hunspell's order (default 10)\n"
    "  --keep-case     keep hunspell's capitals; by default a near miss of an all-lowercase\n"
    "                  token is lowercased, as rlm tokenize lowercases text\n"
    "  --oov-penalty P log10 added for a word no model knows (default 0; the misspelling itself\n"
    "                  usually is one)\n"
    "  --details       after each sentence, one line per misspelled token:\n"
    "                  `#<TAB>position<TAB>token<TAB>cand=log10 ...`, the sentence's log10 score\n"
    "                  with that candidate and the other tokens as chosen, `*` on the choice\n";

typedef struct sentence {
    char **tok;
    size_t n;
    rlm_spell_slot *slots;
    char ***cand_store; /* per token: the candidate strings we own (NULL when only the token) */
} sentence;

static int all_lower(const char *s) {
    for (; *s; s++)
        if (isupper((unsigned char)*s)) return 0;
    return 1;
}

/* The candidates of one token: itself, then hunspell's near misses (deduplicated). */
static int token_cands(rlm_hunspell *hs, const char *tok, int max_cands, int keep_case,
                       rlm_spell_slot *slot, char ***store, rlm_error *err) {
    rlm_hunspell_result r;
    if (rlm_hunspell_check(hs, tok, &r, err)) return -1;
    int n = r.kind == RLM_HUNSPELL_MISS || r.kind == RLM_HUNSPELL_GUESS ? r.n_cands : 0;
    if (n > max_cands) n = max_cands;
    char **c = calloc((size_t)n + 1, sizeof *c);
    if (!c) goto nomem;
    int k = 0;
    if (!(c[k++] = strdup(tok))) goto nomem_c;
    const int lower = !keep_case && all_lower(tok);
    for (int i = 0; i < n; i++) {
        char *s = strdup(r.cands[i]);
        if (!s) goto nomem_c;
        if (lower)
            for (char *p = s; *p; p++) *p = (char)tolower((unsigned char)*p);
        int dup = 0;
        for (int j = 0; j < k && !dup; j++) dup = !strcmp(c[j], s);
        if (dup) free(s);
        else c[k++] = s;
    }
    rlm_hunspell_result_free(&r);
    *store = c, slot->cands = (const char *const *)c, slot->n_cands = k;
    return 0;
nomem_c:
    for (int j = 0; j < k; j++) free(c[j]);
    free(c);
nomem:
    rlm_hunspell_result_free(&r);
    rlm_fail(err, RLM_E_NOMEM, "out of memory");
    return -1;
}

static void sentence_free(sentence *s) {
    for (size_t i = 0; i < s->n; i++) {
        if (s->cand_store && s->cand_store[i]) {
            for (int j = 0; j < s->slots[i].n_cands; j++) free(s->cand_store[i][j]);
            free(s->cand_store[i]);
        }
    }
    free(s->cand_store);
    free(s->slots);
    free(s->tok);
    memset(s, 0, sizeof *s);
}

/* Splits line (modified) into tokens and asks hunspell about each. */
static int sentence_make(char *line, rlm_hunspell *hs, int max_cands, int keep_case,
                         sentence *s, rlm_error *err) {
    size_t cap = 16;
    memset(s, 0, sizeof *s);
    if (!(s->tok = malloc(cap * sizeof *s->tok))) goto nomem;
    for (char *p = strtok(line, " \t\r\n"); p; p = strtok(NULL, " \t\r\n")) {
        if (s->n == cap) {
            char **t = realloc(s->tok, 2 * cap * sizeof *t);
            if (!t) goto nomem;
            s->tok = t, cap *= 2;
        }
        s->tok[s->n++] = p;
    }
    s->slots = calloc(s->n ? s->n : 1, sizeof *s->slots);
    s->cand_store = calloc(s->n ? s->n : 1, sizeof *s->cand_store);
    if (!s->slots || !s->cand_store) goto nomem;
    for (size_t i = 0; i < s->n; i++)
        if (token_cands(hs, s->tok[i], max_cands, keep_case, &s->slots[i], &s->cand_store[i], err))
            return -1;
    return 0;
nomem:
    rlm_fail(err, RLM_E_NOMEM, "out of memory");
    return -1;
}

static void print_details(const rlm_scorer *sc, const sentence *s, int *choice) {
    for (size_t i = 0; i < s->n; i++) {
        if (s->slots[i].n_cands < 2) continue;
        printf("#\t%zu\t%s\t", i + 1, s->tok[i]);
        const int chosen = choice[i];
        for (int c = 0; c < s->slots[i].n_cands; c++) {
            choice[i] = c;
            printf("%s%s%s=%.4f", c ? " " : "", c == chosen ? "*" : "", s->slots[i].cands[c],
                   rlm_spell_sentence_score(sc, s->slots, s->n, choice));
        }
        choice[i] = chosen;
        putchar('\n');
    }
}

int cmd_spell(int argc, char **argv) {
    mix_models mm = {0};
    const char *mix_text = NULL, *dict = "en_US", *program = NULL;
    int beam = 256, max_cands = 10, keep_case = 0, details = 0;
    double oov = 0;
    if ((argc = mix_take_ngram_options("spell", argc, argv, &mm)) < 0) return 2;
    const arg_spec specs[] = {
        {"--model", ARG_STRING, &mm.rnn_path}, {"--mix", ARG_STRING, &mix_text},
        {"--dict", ARG_STRING, &dict},         {"--hunspell", ARG_STRING, &program},
        {"--beam", ARG_INT, &beam},            {"--max-cands", ARG_INT, &max_cands},
        {"--keep-case", ARG_FLAG, &keep_case}, {"--details", ARG_FLAG, &details},
        {"--oov-penalty", ARG_DOUBLE, &oov},
    };
    const char *in_path = NULL;
    int n_pos, rc = args_parse_or_help(argc, argv, specs, sizeof specs / sizeof specs[0], &in_path,
                                       1, &n_pos, usage_text);
    if (rc >= 0) return rc;
    if (!mm.rnn_path) return args_usage_error("spell", usage_text, "--model RNN is required%s", "");
    if (mm.n_ngrams && !mix_text)
        return args_usage_error("spell", usage_text, "n-gram models need --mix%s", "");
    if (beam < 1) return args_usage_error("spell", usage_text, "--beam must be at least 1%s", "");
    if (max_cands < 0) return args_usage_error("spell", usage_text, "--max-cands must be >= 0%s", "");

    rc = 1;
    rlm_error err = {0};
    rlm_scorer *sc = NULL;
    rlm_hunspell *hs = NULL;
    FILE *in = stdin;
    char *line = NULL;
    size_t line_cap = 0;
    int *choice = NULL;
    sentence s = {0};
    rlm_scorer_config cfg = {0};
    cfg.rnn_path = mm.rnn_path, cfg.ngram_paths = mm.ngram_paths, cfg.n_ngrams = mm.n_ngrams;
    cfg.mix = mix_text, cfg.oov_log10penalty = (float)oov;
    if (rlm_scorer_open(&cfg, &sc, &err)) goto done;
    if (rlm_hunspell_open(program, dict, &hs, &err)) goto done;
    if (in_path && !(in = fopen(in_path, "r"))) {
        rlm_fail(&err, RLM_E_IO, "%s: cannot open", in_path);
        goto done;
    }
    long n_sent = 0, n_miss = 0, n_changed = 0, n_exhaustive = 0;
    ssize_t len;
    while ((len = getline(&line, &line_cap, in)) >= 0) {
        if (sentence_make(line, hs, max_cands, keep_case, &s, &err)) goto done;
        free(choice);
        if (!(choice = calloc(s.n ? s.n : 1, sizeof *choice))) {
            rlm_fail(&err, RLM_E_NOMEM, "out of memory");
            goto done;
        }
        rlm_spell_result res;
        if (rlm_spell_search(sc, s.slots, s.n, beam, choice, &res, &err)) goto done;
        for (size_t i = 0; i < s.n; i++) {
            printf("%s%s", i ? " " : "", s.slots[i].cands[choice[i]]);
            n_miss += s.slots[i].n_cands > 1, n_changed += choice[i] != 0;
        }
        putchar('\n');
        if (details) print_details(sc, &s, choice);
        n_sent++, n_exhaustive += res.exhaustive;
        sentence_free(&s);
    }
    if (ferror(in)) {
        rlm_fail(&err, RLM_E_IO, "%s: read error", in_path ? in_path : "stdin");
        goto done;
    }
    fprintf(stderr, "rlm spell: %ld sentences, %ld tokens with near misses, %ld changed; search "
            "exhaustive in %ld sentences\n", n_sent, n_miss, n_changed, n_exhaustive);
    rc = 0;
done:
    if (rc) fprintf(stderr, "rlm spell: %s\n", err.message);
    sentence_free(&s);
    free(choice);
    free(line);
    if (in && in != stdin) fclose(in);
    rlm_hunspell_close(hs);
    rlm_scorer_free(sc);
    return rc;
}
