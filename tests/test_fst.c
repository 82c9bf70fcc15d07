/* The OpenFst wrapper (decoder-glue/rlm_fst.h) against Debian's OpenFst tools as the independent
 * reference: fstprint of our binary equals our text form, our n-best equals fstshortestpath's,
 * a text FST we read prints like fstcompile's, a log FST from fstcompile reads with its weights;
 * hand-computed n-best costs; the lattice conversion and the "fst" formats of rlm_lattice_io.h;
 * malformed binary and text files give messages naming the file and byte or line and field. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "rlm_fst.h"
#include "rlm_lattice_io.h"

#define LN10 2.302585092994045684

/* stdout of a shell command (NULL when it fails). */
static char *run(const char *cmd) {
    FILE *p = popen(cmd, "r");
    if (!p) return NULL;
    size_t cap = 4096, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n - 1, p)) > 0)
        if ((n += got) + 1 == cap) buf = realloc(buf, cap *= 2);
    int rc = pclose(p);
    if (!buf || rc != 0) {
        fprintf(stderr, "command failed (%d): %s\n", rc, cmd);
        free(buf);
        return NULL;
    }
    buf[n] = 0;
    return buf;
}

static char *file_text(const char *path) {
    size_t n;
    return test_read_file(path, &n);
}

static void check_same(const char *what, const char *ours, const char *theirs) {
    if (ours && theirs && strcmp(ours, theirs) == 0) return;
    fprintf(stderr, "%s differ:\n--- ours\n%s--- OpenFst\n%s", what, ours ? ours : "(none)\n",
            theirs ? theirs : "(none)\n");
    CHECK(0);
}

static const char *const WORDS[] = {"<eps>", "the", "cat", "sat", "a", "mat"};

/* Three word slots: {the -1.5, the -1.55, a -1.6} {cat -3.0, mat -3.2} {sat -1.2, <eps> -2.0},
 * final -0.1, all log10 (ac + lm). The best paths by hand:
 *   the cat sat -5.8, the(2) cat sat -5.85, a cat sat -5.9, the mat sat -6.0, ... */
static rlm_lattice *small_lattice(rlm_symbols *s) {
    for (int i = 1; i < 6; i++) rlm_symbols_add(s, WORDS[i], strlen(WORDS[i]));
    rlm_lattice *lat = rlm_lattice_new("utt1", s);
    CHECK(lat && rlm_lattice_reserve_states(lat, 4));
    lat->start = 0;
    rlm_lattice_add_arc(lat, 0, 1, 1, -1.0, -0.5);
    rlm_lattice_add_arc(lat, 0, 1, 1, -1.55, 0.0);
    rlm_lattice_add_arc(lat, 0, 1, 4, -1.2, -0.4);
    rlm_lattice_add_arc(lat, 1, 2, 2, -2.0, -1.0);
    rlm_lattice_add_arc(lat, 1, 2, 5, -1.5, -1.7);
    rlm_lattice_add_arc(lat, 2, 3, 3, -1.0, -0.2);
    rlm_lattice_add_arc(lat, 2, 3, 0, 0.0, -2.0);
    rlm_lattice_set_final(lat, 3, 0.0, -0.1);
    return lat;
}

static rlm_fst *small_fst(rlm_symbols *s, rlm_lattice **lat_out) {
    rlm_lattice *lat = small_lattice(s);
    rlm_fst *f;
    rlm_error err;
    CHECK_STATUS(rlm_lattice_to_fst(lat, NULL, &f, &err), RLM_OK);
    if (lat_out) *lat_out = lat;
    else rlm_lattice_free(lat);
    return f;
}

static void test_binary_and_text_match_fstprint(void) {
    rlm_symbols *s = rlm_symbols_new();
    rlm_lattice *lat;
    rlm_fst *f = small_fst(s, &lat);
    char bin[] = "/tmp/rlm_fstXXXXXX", txt[] = "/tmp/rlm_fst_txtXXXXXX", cmd[256];
    rlm_error err;
    CHECK(test_temp_file(bin, "", 0) == 0 && test_temp_file(txt, "", 0) == 0);
    CHECK_STATUS(rlm_fst_write(f, bin, &err), RLM_OK);
    CHECK_STATUS(rlm_fst_write_text(f, txt, &err), RLM_OK);
    snprintf(cmd, sizeof cmd, "fstprint %s", bin);
    char *ours = file_text(txt), *theirs = run(cmd);
    check_same("fstprint of our binary and our text", ours, theirs);
    CHECK_CONTAINS(ours, "0\t1\tthe\tthe\t3.45387769\n"); /* 1.5 ln 10 */
    CHECK_CONTAINS(ours, "2\t3\t<eps>\t<eps>\t4.60517025\n3\t0.23025851\n");
    free(ours);
    free(theirs);
    snprintf(cmd, sizeof cmd, "fstinfo %s | grep -E '^(arc type|# of (states|arcs))'", bin);
    theirs = run(cmd);
    CHECK(theirs && strstr(theirs, "standard") && strstr(theirs, "# of states                                       4\n") &&
          strstr(theirs, "# of arcs                                         7\n"));
    free(theirs);

    rlm_fst *back;
    CHECK_STATUS(rlm_fst_read(bin, &back, &err), RLM_OK);
    CHECK(rlm_fst_semiring_of(back) == RLM_FST_TROPICAL && rlm_fst_num_states(back) == 4);
    CHECK(rlm_fst_start(back) == 0 && rlm_fst_num_arcs(back, 0) == 3 && isinf(rlm_fst_final(back, 2)));
    rlm_fst_arc a = rlm_fst_get_arc(back, 1, 1);
    CHECK(a.ilabel == 5 && a.olabel == 5 && a.nextstate == 2);
    CHECK_NEAR(a.weight, 3.2 * LN10, 1e-5);
    rlm_symbols *words = rlm_symbols_new(), *embedded;
    CHECK_STATUS(rlm_fst_get_symbols(back, 1, &embedded, &err), RLM_OK);
    CHECK(embedded && strcmp(rlm_symbols_word(embedded, 5), "mat") == 0);
    rlm_symbols_free(embedded);
    rlm_lattice_fst_options opt = {0.25, 0, RLM_FST_TROPICAL, NULL, NULL};
    rlm_lattice *lat2;
    CHECK_STATUS(rlm_lattice_from_fst(back, "u", words, bin, &opt, &lat2, &err), RLM_OK);
    CHECK(rlm_symbols_find(words, "sat", 3) == 3 && lat2->n_arcs == 7 && lat2->start == 0);
    CHECK_NEAR(lat2->arcs[4].ac, 0.25 * -3.2, 1e-6);
    CHECK_NEAR(lat2->arcs[4].lm, 0.75 * -3.2, 1e-6);
    CHECK(lat2->states[3].is_final && !lat2->states[2].is_final);
    CHECK_NEAR(lat2->states[3].final_lm, 0.75 * -0.1, 1e-7);
    rlm_lattice_free(lat2);
    /* A words.txt giving "mat" another id than the FST's table is an error naming both. */
    rlm_symbols *clash = rlm_symbols_new();
    CHECK_STATUS(rlm_symbols_set(clash, "mat", 3, 2, &err), RLM_OK);
    CHECK_STATUS(rlm_lattice_from_fst(back, "u", clash, bin, NULL, &lat2, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "output symbol table and the words given disagree");
    CHECK_CONTAINS(err.message, "id 2 is word 'mat' already, not 'cat'");
    rlm_symbols_free(clash);
    rlm_symbols_free(words);
    rlm_fst_free(back);
    rlm_fst_free(f);
    rlm_lattice_free(lat);
    rlm_symbols_free(s);
    unlink(bin);
    unlink(txt);
}

/* Our n-best FST printed equals fstshortestpath's; its paths are the hand-computed ones. */
static void check_nbest(const char *bin, const rlm_fst *f, int n, int unique,
                        const char *const *want_words, const double *want_log10) {
    char out[] = "/tmp/rlm_fst_nbXXXXXX", cmd[256];
    rlm_error err;
    rlm_fst *best;
    CHECK(test_temp_file(out, "", 0) == 0);
    CHECK_STATUS(rlm_fst_shortest_path(f, n, unique, &best, &err), RLM_OK);
    CHECK_STATUS(rlm_fst_write_text(best, out, &err), RLM_OK);
    snprintf(cmd, sizeof cmd, "fstshortestpath --nshortest=%d %s %s | fstprint", n,
             unique ? "--unique" : "", bin);
    char *ours = file_text(out), *theirs = run(cmd);
    check_same("n-best FSTs", ours, theirs);
    free(ours);
    free(theirs);
    rlm_fst_path *p;
    size_t np;
    rlm_symbols *s;
    CHECK_STATUS(rlm_fst_get_symbols(best, 1, &s, &err), RLM_OK);
    CHECK_STATUS(rlm_fst_paths(best, 100, &p, &np, &err), RLM_OK);
    CHECK(np == (size_t)n);
    for (size_t i = 0; i < np && i < (size_t)n; i++) {
        char words[64] = "";
        for (size_t k = 0; k < p[i].n_labels; k++) {
            strcat(words, k ? " " : "");
            strcat(words, rlm_symbols_word(s, p[i].olabels[k]));
        }
        CHECK(strcmp(words, want_words[i]) == 0);
        CHECK_NEAR(-p[i].cost / LN10, want_log10[i], 1e-5);
    }
    rlm_fst_paths_free(p, np);
    rlm_symbols_free(s);
    rlm_fst_free(best);
    unlink(out);
}

static void test_nbest_matches_fstshortestpath(void) {
    rlm_symbols *s = rlm_symbols_new();
    rlm_fst *f = small_fst(s, NULL);
    char bin[] = "/tmp/rlm_fstXXXXXX";
    rlm_error err;
    CHECK(test_temp_file(bin, "", 0) == 0);
    CHECK_STATUS(rlm_fst_write(f, bin, &err), RLM_OK);
    const char *all[] = {"the cat sat", "the cat sat", "a cat sat", "the mat sat"};
    const double all_score[] = {-5.8, -5.85, -5.9, -6.0};
    check_nbest(bin, f, 1, 0, all, all_score);
    check_nbest(bin, f, 4, 0, all, all_score);
    const char *uniq[] = {"the cat sat", "a cat sat", "the mat sat", "a mat sat", "the cat"};
    const double uniq_score[] = {-5.8, -5.9, -6.0, -6.1, -6.6};
    check_nbest(bin, f, 5, 1, uniq, uniq_score);
    /* Without epsilons (fstrmepsilon) the unique n-best is the same list of words. */
    rlm_fst *noeps = small_fst(s, NULL);
    char bin2[] = "/tmp/rlm_fstXXXXXX", cmd[256];
    CHECK(test_temp_file(bin2, "", 0) == 0);
    CHECK_STATUS(rlm_fst_rmepsilon(noeps, &err), RLM_OK);
    CHECK_STATUS(rlm_fst_write(noeps, bin2, &err), RLM_OK);
    for (int32_t st = 0; st < rlm_fst_num_states(noeps); st++)
        for (size_t i = 0; i < rlm_fst_num_arcs(noeps, st); i++)
            CHECK(rlm_fst_get_arc(noeps, st, i).olabel != 0);
    snprintf(cmd, sizeof cmd, "fstrmepsilon %s | fstprint > %s.ref && fstprint %s | cmp - %s.ref "
             "&& echo same; rm -f %s.ref", bin, bin2, bin2, bin2, bin2);
    char *eps = run(cmd);
    CHECK(eps && strcmp(eps, "same\n") == 0);
    free(eps);
    check_nbest(bin2, noeps, 5, 1, uniq, uniq_score);
    rlm_fst_free(noeps);
    unlink(bin2);
    rlm_fst *best;
    CHECK_STATUS(rlm_fst_shortest_path(f, 0, 0, &best, &err), RLM_E_ARG);
    CHECK_STATUS(rlm_fst_topsort(f, &err), RLM_OK);
    /* A transducer needs projecting before unique paths. */
    rlm_fst_arc x = {7, 1, 0.5f, 3};
    CHECK_STATUS(rlm_fst_add_arc(f, 2, x, &err), RLM_OK);
    CHECK_STATUS(rlm_fst_shortest_path(f, 2, 1, &best, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "unique paths need an acceptor");
    CHECK_STATUS(rlm_fst_project(f, 1, &err), RLM_OK);
    CHECK(rlm_fst_get_arc(f, 2, 2).ilabel == 1);
    CHECK_STATUS(rlm_fst_shortest_path(f, 2, 1, &best, &err), RLM_OK);
    rlm_fst_free(best);
    x.nextstate = 0; /* 2 -> 0: a cycle */
    CHECK_STATUS(rlm_fst_add_arc(f, 2, x, &err), RLM_OK);
    CHECK_STATUS(rlm_fst_topsort(f, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "cycle");
    x.nextstate = 9;
    CHECK_STATUS(rlm_fst_add_arc(f, 2, x, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "no such state");
    rlm_fst_free(f);
    rlm_symbols_free(s);
    unlink(bin);
}

/* fstcompile's own log FST reads with its arc type and weights; its Viterbi best path. */
static void test_log_fst_from_fstcompile(void) {
    char txt[] = "/tmp/rlm_fst_logXXXXXX", bin[] = "/tmp/rlm_fst_logbXXXXXX", cmd[256];
    const char *text = "0\t1\t1\t1\t0.5\n0\t1\t2\t2\t0.25\n0\t1\t3\t3\t0.3\n1\t2\t4\t4\t1\n2\t0.125\n";
    rlm_error err;
    CHECK(test_temp_file(txt, text, strlen(text)) == 0 && test_temp_file(bin, "", 0) == 0);
    snprintf(cmd, sizeof cmd, "fstcompile --arc_type=log %s %s && echo ok", txt, bin);
    char *ok = run(cmd);
    CHECK(ok && strcmp(ok, "ok\n") == 0);
    free(ok);
    rlm_fst *f, *best;
    CHECK_STATUS(rlm_fst_read(bin, &f, &err), RLM_OK);
    CHECK(rlm_fst_semiring_of(f) == RLM_FST_LOG && rlm_fst_num_states(f) == 3);
    CHECK(rlm_fst_get_arc(f, 0, 1).weight == 0.25f && rlm_fst_final(f, 2) == 0.125f);
    CHECK_STATUS(rlm_fst_shortest_path(f, 1, 0, &best, &err), RLM_OK);
    CHECK(rlm_fst_semiring_of(best) == RLM_FST_LOG);
    rlm_fst_path *p;
    size_t np;
    CHECK_STATUS(rlm_fst_paths(best, 10, &p, &np, &err), RLM_OK);
    CHECK(np == 1 && p[0].n_labels == 2 && p[0].olabels[0] == 2 && p[0].olabels[1] == 4);
    CHECK_NEAR(p[np ? 0 : 0].cost, 1.375, 1e-6);
    rlm_fst_paths_free(p, np);
    CHECK_STATUS(rlm_fst_write(best, bin, &err), RLM_OK);
    snprintf(cmd, sizeof cmd, "fstinfo %s | grep '^arc type'", bin);
    char *info = run(cmd);
    CHECK_CONTAINS(info, "log");
    free(info);
    rlm_fst_free(best);
    rlm_fst_free(f);
    unlink(txt);
    unlink(bin);
}

/* Our text reader builds what fstcompile builds (compared through fstprint). */
static void test_text_read_matches_fstcompile(void) {
    char syms[] = "/tmp/rlm_fst_symXXXXXX", txt[] = "/tmp/rlm_fst_tXXXXXX";
    char ours[] = "/tmp/rlm_fst_oXXXXXX", theirs[] = "/tmp/rlm_fst_rXXXXXX", cmd[512];
    const char *words = "<eps>\t0\nthe\t1\ncat\t2\nsat\t3\n";
    const char *text = "0 1 the the 0.5\n\n0  1\tcat cat 1.25\n1 2 sat sat 0.123456789\n"
                       "2 3 <eps> <eps>\n3 0.7\n4 Infinity\n";
    rlm_error err;
    CHECK(test_temp_file(syms, words, strlen(words)) == 0 && test_temp_file(txt, text, strlen(text)) == 0);
    CHECK(test_temp_file(ours, "", 0) == 0 && test_temp_file(theirs, "", 0) == 0);
    rlm_symbols *s;
    CHECK_STATUS(rlm_symbols_read(syms, &s, &err), RLM_OK);
    rlm_fst_text_options opt = {s, s, RLM_FST_TROPICAL};
    rlm_fst *f;
    CHECK_STATUS(rlm_fst_read_text(txt, &opt, &f, &err), RLM_OK);
    CHECK(rlm_fst_num_states(f) == 5 && isinf(rlm_fst_final(f, 4)) && rlm_fst_final(f, 3) == 0.7f);
    CHECK_STATUS(rlm_fst_write(f, ours, &err), RLM_OK);
    snprintf(cmd, sizeof cmd, "fstcompile --isymbols=%s --osymbols=%s --keep_isymbols "
             "--keep_osymbols --keep_state_numbering %s %s && fstprint %s", syms, syms, txt,
             theirs, theirs);
    char *ref = run(cmd);
    snprintf(cmd, sizeof cmd, "fstprint %s", ours);
    char *got = run(cmd);
    check_same("fstprint of our compiled text and of fstcompile's", got, ref);
    free(ref);
    free(got);
    rlm_fst_free(f);
    rlm_symbols_free(s);
    unlink(syms), unlink(txt), unlink(ours), unlink(theirs);
}

static void test_malformed_text(void) {
    rlm_symbols *s = rlm_symbols_new();
    rlm_symbols_add(s, "a", 1);
    rlm_fst_text_options words = {s, s, RLM_FST_TROPICAL}, ints = {NULL, NULL, RLM_FST_LOG};
    static const struct { int ints; const char *text, *message; } bad[] = {
        {0, "0 1 a a\n1 2 a\n", "f.txt:2: line: expected 'src dst ilabel olabel [weight]' or "
                                "'state [weight]', got 3 fields"},
        {0, "0 1 a a 1 2 3\n", "f.txt:1: line: expected 'src dst ilabel olabel [weight]' or "
                               "'state [weight]', got more than 5 fields"},
        {0, "0 1 a b\n", "f.txt:1: output label: 'b' is not in the symbol table"},
        {0, "0 1 zz a\n", "f.txt:1: input label: 'zz' is not in the symbol table"},
        {0, "0 1 a a x1\n", "f.txt:1: weight: expected a number, got 'x1'"},
        {0, "0 1 a a 1e99\n", "f.txt:1: weight: 1e99 is outside float range"},
        {0, "0 1 a a -Infinity\n", "f.txt:1: weight: expected a number, got '-Infinity'"},
        {0, "0\n1 nan\n", "f.txt:2: weight: expected a number, got 'nan'"},
        {0, "-1 1 a a\n", "f.txt:1: source state: expected a non-negative integer"},
        {0, "0 x a a\n", "f.txt:1: destination state: expected a non-negative integer"},
        {1, "0 1 2 -3\n", "f.txt:1: output label: expected a non-negative integer"},
        {1, "0 99999 1 1\n", "f.txt:1: state: 99999 is too large for a file of 1 lines"},
        {1, "0 1 1 1\n\0\n", "f.txt:2: line: contains a NUL byte"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        rlm_fst *f = (rlm_fst *)1;
        rlm_error err;
        size_t len = strlen(bad[i].text) + (strstr(bad[i].message, "NUL") ? 2 : 0);
        CHECK_STATUS(rlm_fst_parse_text(bad[i].text, len, "f.txt", bad[i].ints ? &ints : &words,
                                        &f, &err), RLM_E_FORMAT);
        CHECK(f == NULL);
        CHECK_CONTAINS(err.message, bad[i].message);
    }
    rlm_symbols_free(s);
}

static void test_malformed_binary(void) {
    rlm_symbols *s = rlm_symbols_new();
    rlm_fst *f = small_fst(s, NULL), *g;
    char bin[] = "/tmp/rlm_fstXXXXXX";
    rlm_error err;
    CHECK(test_temp_file(bin, "", 0) == 0);
    CHECK_STATUS(rlm_fst_write(f, bin, &err), RLM_OK);
    size_t n = 0;
    unsigned char *data = test_read_file(bin, &n);
    CHECK(data && n > 200);
    /* Every truncation fails cleanly, naming the file and a byte offset. */
    int all_failed = 1;
    for (size_t cut = 0; data && cut < n; cut++) {
        if (rlm_fst_parse(data, cut, "cut.fst", &g, &err) != RLM_E_FORMAT || g) all_failed = 0;
        else if (!strstr(err.message, "cut.fst: byte ")) all_failed = 0;
    }
    CHECK(all_failed);
    CHECK_STATUS(rlm_fst_parse(data, n - 1, "cut.fst", &g, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "cut.fst: byte ");
    CHECK_CONTAINS(err.message, ": arc count: the file ends here (truncated?)");
    unsigned char copy[4096];
    memcpy(copy, data, n < sizeof copy ? n : sizeof copy);
    copy[0] ^= 1;
    CHECK_STATUS(rlm_fst_parse(copy, n, "x.fst", &g, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "x.fst: byte 0: magic number: not an OpenFst binary FST");
    memcpy(copy, data, n);
    memcpy(copy + 8, "VECTOR", 6);
    CHECK_STATUS(rlm_fst_parse(copy, n, "x.fst", &g, &err), RLM_E_UNSUPPORTED);
    CHECK_CONTAINS(err.message, "x.fst: FST type 'VECTOR' is not supported");
    memcpy(copy, data, n);
    /* the last arc's next state (before state 3's final weight and arc count): 7 of 4 */
    memcpy(copy + n - 16, "\x07\0\0\0", 4);
    CHECK_STATUS(rlm_fst_parse(copy, n, "x.fst", &g, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, ": next state: out of range");
    CHECK_STATUS(rlm_fst_read("/nonexistent/a.fst", &g, &err), RLM_E_IO);
    CHECK_CONTAINS(err.message, "/nonexistent/a.fst: cannot open");
    free(data);
    rlm_fst_free(f);
    rlm_symbols_free(s);
    unlink(bin);
}

/* Each malformed binary example is refused with its own message; fstprint and fstshortestpath
 * crash on start_out_of_range and next_state_out_of_range, and fail to allocate on the huge
 * counts, which is why the wrapper checks the file before OpenFst reads it. */
static void test_malformed_binary_examples(void) {
#define BAD "tests/data/malformed/fst_binary/"
    static const struct { const char *file; rlm_status st; const char *message; } bad[] = {
        {"empty.fst", RLM_E_FORMAT, "byte 0: magic number: the file ends here (truncated?)"},
        {"wrong_magic.fst", RLM_E_FORMAT, "byte 0: magic number: not an OpenFst binary FST"},
        {"const_type.fst", RLM_E_UNSUPPORTED, "FST type 'const' is not supported"},
        {"truncated_header.fst", RLM_E_FORMAT, "byte 30: flags: the file ends here (truncated?)"},
        {"truncated_arcs.fst", RLM_E_FORMAT, "byte 328: arc count: the file ends here (truncated?)"},
        {"huge_type_length.fst", RLM_E_FORMAT, "byte 4: FST type: string length out of range"},
        {"huge_state_count.fst", RLM_E_FORMAT, "byte 50: state count: out of range (truncated?)"},
        {"start_out_of_range.fst", RLM_E_FORMAT, "byte 42: start: out of range"},
        {"error_property.fst", RLM_E_FORMAT, "byte 34: properties: the FST is marked as an error"},
        {"symbols_wrong_magic.fst", RLM_E_FORMAT, "byte 66: input symbol table: wrong magic number"},
        {"huge_symbol_count.fst", RLM_E_FORMAT, "input symbol table: symbol count out of range"},
        {"huge_arc_count.fst", RLM_E_FORMAT, ": arc count: out of range (truncated?)"},
        {"next_state_out_of_range.fst", RLM_E_FORMAT, ": next state: out of range"},
        {"negative_label.fst", RLM_E_FORMAT, ": label: negative"},
        {"nan_final.fst", RLM_E_FORMAT, ": final weight: not a cost (NaN or -Infinity)"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char path[128];
        snprintf(path, sizeof path, BAD "%s", bad[i].file);
        rlm_fst *f;
        rlm_error err;
        CHECK_STATUS(rlm_fst_read(path, &f, &err), bad[i].st);
        CHECK_CONTAINS(err.message, path);
        CHECK_CONTAINS(err.message, bad[i].message);
    }
    /* The checks OpenFst passes that the lattice conversion makes: an embedded symbol id no
     * vocabulary reaches. */
    rlm_fst *f, *best;
    rlm_error err;
    rlm_symbols *s = rlm_symbols_new(), *own;
    CHECK_STATUS(rlm_fst_read(BAD "huge_symbol_id.fst", &f, &err), RLM_OK);
    CHECK_STATUS(rlm_fst_get_symbols(f, 1, &own, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "id 1073741827 of 'c' is out of range (0 to 16777215)");
    rlm_lattice *lat;
    CHECK_STATUS(rlm_lattice_from_fst(f, "u", s, "h.fst", NULL, &lat, &err), RLM_E_FORMAT);
    rlm_fst_free(f);
    rlm_fst_arc big = {1 << 30, 1 << 30, 0.0f, 0};
    CHECK((f = rlm_fst_new(RLM_FST_TROPICAL)) && rlm_fst_add_state(f) == 0);
    CHECK_STATUS(rlm_fst_add_arc(f, 0, big, &err), RLM_OK);
    rlm_lattice_fst_options open = {0.0, 1, RLM_FST_TROPICAL, NULL, NULL};
    CHECK_STATUS(rlm_lattice_from_fst(f, "u", s, "b.fst", &open, &lat, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "b.fst: label 1073741824 is beyond any vocabulary");
    rlm_fst_free(f);
    rlm_symbols_free(s);
    /* A negative-cost cycle reads, but has no shortest path to search for. */
    CHECK_STATUS(rlm_fst_read(BAD "negative_cycle.fst", &f, &err), RLM_OK);
    CHECK_STATUS(rlm_fst_shortest_path(f, 1, 0, &best, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "has a cycle and a negative cost");
    rlm_fst_free(f);
#undef BAD
}

/* The "fst" and "fst-text" formats of rlm_lattice_io.h: the file name is the id, new LM scores
 * go into the written weights. */
static void test_lattice_io_formats(void) {
    rlm_symbols *s = rlm_symbols_new();
    rlm_lattice *lat = small_lattice(s);
    char dir[] = "/tmp/rlm_fst_dirXXXXXX", path[256], cmd[512];
    CHECK(mkdtemp(dir) != NULL);
    snprintf(path, sizeof path, "%s/utt7.fst", dir);
    rlm_lattice_list l = {0};
    CHECK(rlm_lattice_list_push(&l, lat));
    rlm_error err;
    CHECK_STATUS(rlm_lattice_write("fst", &l, path, NULL, &err), RLM_OK);
    rlm_lattice_read_opts ro;
    CHECK_STATUS(rlm_lattice_read_opts_init(&ro, NULL, &err), RLM_OK);
    rlm_lattice_list in = {0};
    CHECK_STATUS(rlm_lattice_read("fst", path, &ro, &in, &err), RLM_OK);
    CHECK(in.n == 1 && strcmp(in.lat[0]->id, "utt7") == 0 && in.lat[0]->n_arcs == 7);
    CHECK(rlm_symbols_find(ro.symbols, "mat", 3) == 5);
    CHECK_NEAR(in.lat[0]->arcs[3].lm, -3.0, 1e-6);
    CHECK(in.lat[0]->arcs[3].ac == 0.0);
    double new_lm[7] = {0, 0, 0, 0, 0, 0, -1.0}, final_lm[4] = {0, 0, 0, -0.5};
    const double *arc_lm[] = {new_lm}, *fin[] = {final_lm};
    rlm_lattice_write_opts wo = {.arc_lm = arc_lm, .final_lm = fin, .fst_log = 1};
    char txt[280];
    snprintf(txt, sizeof txt, "%s/utt7.txt", dir);
    CHECK_STATUS(rlm_lattice_write("fst-text", &l, txt, &wo, &err), RLM_OK);
    char *got = file_text(txt);
    /* the <eps> arc: ac 0 + new lm -1.0 -> ln 10; final: ac 0 + -0.5 -> 0.5 ln 10; the cat arc
     * keeps its ac -2.0 with lm 0 */
    CHECK_CONTAINS(got, "2\t3\t<eps>\t<eps>\t2.30258512\n3\t1.15129256\n");
    CHECK_CONTAINS(got, "1\t2\tcat\tcat\t4.60517025\n");
    free(got);
    snprintf(cmd, sizeof cmd, "fstcompile --arc_type=log --isymbols=%s/w --osymbols=%s/w %s | "
             "fstinfo | grep '^arc type'", dir, dir, txt);
    CHECK_STATUS(rlm_symbols_write(s, (snprintf(path, sizeof path, "%s/w", dir), path), &err), RLM_OK);
    got = run(cmd);
    CHECK_CONTAINS(got, "log");
    free(got);
    /* Two lattices go to a directory, one file each. */
    in.lat[0]->id[3] = '9';
    snprintf(path, sizeof path, "%s/out", dir);
    CHECK_STATUS(rlm_lattice_write("fst", &(rlm_lattice_list){(rlm_lattice *[]){lat, in.lat[0]}, 2, 2},
                                   path, NULL, &err), RLM_OK);
    snprintf(cmd, sizeof cmd, "ls %s/out && rm -r %s", dir, dir);
    got = run(cmd);
    CHECK(got && strcmp(got, "utt1.fst\nutt9.fst\n") == 0);
    free(got);
    rlm_lattice_list_free(&in);
    rlm_lattice_list_free(&l);
    rlm_lattice_read_opts_free(&ro);
    rlm_symbols_free(s);
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_binary_and_text_match_fstprint);
    RUN(test_nbest_matches_fstshortestpath);
    RUN(test_log_fst_from_fstcompile);
    RUN(test_text_read_matches_fstcompile);
    RUN(test_malformed_text);
    RUN(test_malformed_binary);
    RUN(test_malformed_binary_examples);
    RUN(test_lattice_io_formats);
    return check_summary(argv[0]);
}
