/* Lattice readers and writers (decoder-glue/rlm_lattice_io.h): hand-written Kaldi
 * CompactLattice and Lattice archives and SLF files shaped like pocketsphinx's and HTK's, with
 * the log10 scores they must give (costs -ln P: log10 = -c / ln 10, worked out by hand below);
 * write-read round trips (Kaldi's text comes back byte for byte); new LM scores in the output;
 * the exact message of every file in tests/data/malformed/lattice_kaldi/ and lattice_slf/. */
#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "check.h"
#include "files.h"
#include "rlm_lattice_io.h"

/* As lattice-copy ark,t: writes them: key line "utt \n", tabs, Zero for a dead-end state. */
static const char kaldi_compact[] =
    "utt1 \n"
    "0\t1\t3\t2.30258509,4.60517019,1_2_2\n"
    "0\t2\t4\t1.5,3,5\n"
    "1\t3\t5\t0,6.90775528,7_8\n"
    "2\t3\t5\n"
    "3\t0.5,0.25,9\n"
    "4\tInfinity,Infinity,\n"
    "\n"
    "utt2 \n"
    "0\t1\t11\t3\t1,2\n"
    "1\t2\t12\t0\n"
    "2\t3\t0\t4\t0.25,0.5\n"
    "3\t0.5,0.75\n"
    "\n";

static rlm_lattice_list parse_ok(const char *format, const char *text, const char *name,
                                 rlm_lattice_read_opts *opt) {
    rlm_lattice_list l = {0};
    rlm_error err = {0};
    rlm_status st = rlm_lattice_parse(format, text, strlen(text), name, opt, &l, &err);
    if (st) fprintf(stderr, "parse: %s\n", err.message);
    CHECK_STATUS(st, RLM_OK);
    return l;
}

/* The text rlm_lattice_write gives (NULL when it fails); the caller frees it. */
static char *written(const char *format, const rlm_lattice_list *l, const char *path,
                     const rlm_lattice_write_opts *wo) {
    rlm_error err;
    rlm_status st = rlm_lattice_write(format, l, path, wo, &err);
    if (st) fprintf(stderr, "write: %s\n", err.message);
    CHECK_STATUS(st, RLM_OK);
    size_t n;
    return st ? NULL : test_read_file(path, &n);
}

static const char *word(const rlm_lattice *lat, size_t a) {
    return rlm_symbols_word(lat->symbols, lat->arcs[a].word);
}

static void test_kaldi_compact_and_lattice(void) {
    rlm_lattice_read_opts opt;
    rlm_error err;
    CHECK_STATUS(rlm_lattice_read_opts_init(&opt, NULL, &err), RLM_OK);
    rlm_lattice_list l = parse_ok("kaldi", kaldi_compact, "in.ark", &opt);
    CHECK(l.n == 2);
    if (l.n != 2) return;
    rlm_lattice *c = l.lat[0], *p = l.lat[1];
    CHECK(!strcmp(c->id, "utt1") && c->n_states == 5 && c->n_arcs == 4 && c->start == 0);
    /* arc 0: graph 2.30258509 -> lm -0.9999999986997024, acoustic 4.60517019 -> -2.0000000017 */
    CHECK_NEAR(c->arcs[0].lm, -0.9999999986997024, 1e-15);
    CHECK_NEAR(c->arcs[0].ac, -2.0000000017423494, 1e-15);
    CHECK(c->arcs[0].seq_len == 3 && c->seq[c->arcs[0].seq_off + 2] == 2);
    CHECK(!strcmp(word(c, 0), "3") && c->arcs[0].ilabel == c->arcs[0].word);
    CHECK_NEAR(c->arcs[1].lm, -0.6514417228548777, 1e-15); /* 1.5 / ln 10 */
    CHECK_NEAR(c->arcs[1].ac, -1.3028834457097553, 1e-15);
    CHECK(c->arcs[2].lm == 0 && c->arcs[3].ac == 0 && c->arcs[3].seq_len == 0);
    CHECK_NEAR(c->arcs[2].ac, -3.000000000442052, 1e-15);
    CHECK(c->states[3].is_final && !c->states[4].is_final && !c->states[1].is_final);
    CHECK_NEAR(c->states[3].final_lm, -0.21714724095162588, 1e-15);
    CHECK_NEAR(c->states[3].final_ac, -0.10857362047581294, 1e-15);
    CHECK(c->states[3].final_seq_len == 1 && c->seq[c->states[3].final_seq_off] == 9);
    /* plain Lattice: ilabel (transition id) then word; 1,2 -> lm -0.434..., ac -0.868... */
    CHECK(!strcmp(p->id, "utt2") && p->n_states == 4 && p->n_arcs == 3);
    CHECK(p->arcs[0].ilabel == 11 && !strcmp(word(p, 0), "3"));
    CHECK_NEAR(p->arcs[0].lm, -0.43429448190325176, 1e-15);
    CHECK_NEAR(p->arcs[0].ac, -0.8685889638065035, 1e-15);
    CHECK(p->arcs[1].ilabel == 12 && p->arcs[1].word == RLM_SYMBOL_EPS && p->arcs[1].ac == 0);
    CHECK(p->arcs[2].ilabel == 0 && !strcmp(word(p, 2), "4"));
    CHECK_NEAR(p->states[3].final_ac, -0.32572086142743883, 1e-15);
    CHECK(rlm_symbols_find(opt.symbols, "5", 1) == 5); /* ids learnt as their own text */

    /* written back: the same text, byte for byte */
    char out[] = "/tmp/rlm_lat_kaldiXXXXXX";
    CHECK(test_temp_file(out, "", 0) == 0);
    char *back = written("kaldi", &l, out, NULL);
    CHECK(back && !strcmp(back, kaldi_compact));
    if (back && strcmp(back, kaldi_compact)) fprintf(stderr, "written:\n%s", back);
    free(back);

    /* new LM scores: graph costs become -new * ln 10; the rest stays */
    double lm0[4] = {-1, -2, -0.5, 0}, lm1[3] = {0, 0, 0};
    const double *arc_lm[2] = {lm0, lm1};
    double f0[5] = {0, 0, 0, -0.25, 0};
    const double *final_lm[2] = {f0, NULL};
    rlm_lattice_write_opts wo = {.arc_lm = arc_lm, .final_lm = final_lm};
    back = written("kaldi", &l, out, &wo);
    CHECK_CONTAINS(back, "utt1 \n0\t1\t3\t2.30258509,4.60517019,1_2_2\n"
                         "0\t2\t4\t4.60517019,3,5\n1\t3\t5\t1.15129255,6.90775528,7_8\n"
                         "2\t3\t5\n3\t0.575646273,0.25,9\n");
    CHECK_CONTAINS(back, "utt2 \n0\t1\t11\t3\t0,2\n1\t2\t12\t0\n2\t3\t0\t4\t0,0.5\n");
    free(back);
    /* forced forms: Lattice drops the transition ids, CompactLattice the ilabels */
    wo = (rlm_lattice_write_opts){.kaldi_form = RLM_KALDI_LATTICE};
    back = written("kaldi", &l, out, &wo);
    CHECK_CONTAINS(back, "utt1 \n0\t1\t3\t3\t2.30258509,4.60517019\n0\t2\t4\t4\t1.5,3\n");
    CHECK_CONTAINS(back, "3\t0.5,0.25\n4\tInfinity,Infinity\n\n");
    free(back);
    wo.kaldi_form = RLM_KALDI_COMPACT;
    back = written("kaldi", &l, out, &wo);
    CHECK_CONTAINS(back, "utt2 \n0\t1\t3\t1,2,\n1\t2\t0\n2\t3\t4\t0.25,0.5,\n3\t0.5,0.75,\n");
    free(back);
    unlink(out);
    rlm_lattice_list_free(&l);
    rlm_lattice_read_opts_free(&opt);
}

/* An empty FST (Kaldi writes one for an utterance whose lattice lost every path) is a lattice
 * with no states; it is written back as it was, and SLF, which cannot hold it, refuses it. */
static void test_kaldi_empty_lattice(void) {
    rlm_lattice_read_opts opt;
    rlm_error err;
    CHECK_STATUS(rlm_lattice_read_opts_init(&opt, NULL, &err), RLM_OK);
    const char *text = "e1 \n\ne2 \n0\t1\t3\n1\n\n";
    rlm_lattice_list l = parse_ok("kaldi", text, "e.ark", &opt);
    CHECK(l.n == 2 && l.lat[0]->n_states == 0 && l.lat[0]->start == -1);
    CHECK(l.n == 2 && l.lat[1]->n_states == 2 && l.lat[1]->states[1].is_final);
    char out[] = "/tmp/rlm_lat_emptyXXXXXX";
    CHECK(test_temp_file(out, "", 0) == 0);
    char *back = written("kaldi", &l, out, NULL);
    CHECK(back && !strcmp(back, text));
    free(back);
    rlm_lattice_list one = {l.lat, 1, 1};
    CHECK_STATUS(rlm_lattice_write("slf", &one, out, NULL, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, ": lattice e1 is empty; SLF cannot hold an empty lattice");
    /* into a directory: nothing is written when one lattice cannot be (e2 could) */
    char dir[] = "/tmp/rlm_lat_dir2XXXXXX", e2[64];
    CHECK(mkdtemp(dir) != NULL);
    CHECK_STATUS(rlm_lattice_write("slf", &l, dir, NULL, &err), RLM_E_ARG);
    snprintf(e2, sizeof e2, "%s/e2.slf", dir);
    CHECK(access(e2, F_OK) != 0);
    CHECK(rmdir(dir) == 0);
    /* names a text format cannot hold are refused before anything is written */
    free(l.lat[1]->id);
    l.lat[1]->id = strdup("two words");
    CHECK_STATUS(rlm_lattice_write("kaldi", &l, out, NULL, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, ": lattice id 'two words' is empty or has white space; a Kaldi "
                                "archive key cannot");
    one.lat = &l.lat[1];
    CHECK_STATUS(rlm_lattice_write("slf", &one, out, NULL, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, ": lattice id 'two words' is empty or has white space");
    free(l.lat[1]->id);
    l.lat[1]->id = strdup("e2");
    rlm_symbols_set(opt.symbols, "a b", 3, 9, &err);
    l.lat[1]->arcs[0].word = 9;
    CHECK_STATUS(rlm_lattice_write("slf", &one, out, NULL, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, ": lattice e2: arc 0: word 'a b' is empty or has white space; "
                                "SLF's W= cannot hold it");
    size_t n;
    back = test_read_file(out, &n);
    CHECK(back && !strcmp(back, text)); /* the refused writes left the file alone */
    free(back);
    unlink(out);
    rlm_lattice_list_free(&l);
    rlm_lattice_read_opts_free(&opt);
}

/* Reading options over the words.txt `table` (written to `words`, a mkstemp template). */
static void closed_opts(char *words, const char *table, rlm_lattice_read_opts *opt) {
    rlm_error err;
    CHECK(test_temp_file(words, table, strlen(table)) == 0);
    CHECK_STATUS(rlm_lattice_read_opts_init(opt, words, &err), RLM_OK);
    CHECK(opt->closed == 1);
}

/* With a words.txt the ids must be in it, and the words are its. */
static void test_kaldi_with_words_txt(void) {
    char words[] = "/tmp/rlm_lat_wordsXXXXXX";
    rlm_lattice_read_opts opt;
    rlm_error err;
    closed_opts(words, "<eps> 0\nA 3\nB 4\nC 5\n", &opt);
    rlm_lattice_list l = parse_ok("kaldi", kaldi_compact, "in.ark", &opt);
    CHECK(l.n == 2 && !strcmp(word(l.lat[0], 0), "A") && !strcmp(word(l.lat[0], 2), "C"));
    const char *bad = "u \n0\t1\t3\n1\t2\t9\n";
    CHECK_STATUS(rlm_lattice_parse("kaldi", bad, strlen(bad), "x.ark", &opt, &l, &err),
                 RLM_E_FORMAT);
    CHECK(!strcmp(err.message, "x.ark:3: word: id 9 is not in the symbol table"));
    CHECK(l.n == 2); /* a failed file adds nothing */
    rlm_lattice_list_free(&l);
    rlm_lattice_read_opts_free(&opt);
    CHECK_STATUS(rlm_lattice_read_opts_init(&opt, "/nonexistent/words.txt", &err), RLM_E_IO);
    CHECK(opt.symbols == NULL);
    unlink(words);
}

/* pocketsphinx's ps_lattice_write_htk: comments, start=/end=, words on nodes, a= in ln, p=. */
static const char ps_slf[] =
    "# Lattice generated by PocketSphinx\n#\n# Header\n#\n"
    "VERSION=1.0\nstart=3\nend=0\n#\nN=4\tL=4\n#\n# Node definitions\n#\n"
    "I=0\tt=1.50\tW=!SENT_END\tv=1\n"
    "I=1\tt=0.40\tW=hello\tv=1\n"
    "I=2\tt=0.40\tW=yellow\tv=2\n"
    "I=3\tt=0.00\tW=!SENT_START\tv=1\n"
    "#\n# Link definitions\n#\n"
    "J=0\tS=3\tE=1\ta=-120.500000\tp=0.75\n"
    "J=1\tS=3\tE=2\ta=-130.250000\tp=0.25\n"
    "J=2\tS=1\tE=0\ta=-200.000000\tp=0.75\n"
    "J=3\tS=2\tE=0\ta=-190.125000\tp=0.25\n";

/* HTK style: words on links, base=10, header fields on one line, long field names. */
static const char htk_slf[] =
    "VERSION=1.0\nUTTERANCE=utt7\nbase=10 lmscale=12.0 wdpenalty=-5.0\n"
    "NODES=3 LINKS=3\n"
    "I=0 t=0.00\nI=1 time=0.25\nI=2 t=0.60\n"
    "J=0 S=0 E=1 W=<s> a=0 l=0\n"
    "J=1 START=1 END=2 WORD=THE acoustic=-12.5 language=-1.25\n"
    "J=2 S=1 E=2 W=A a=-13.0 l=-1.5 n=-1.5\n";

static int same_lattice(const rlm_lattice *a, const rlm_lattice *b) {
    if (strcmp(a->id, b->id) || a->n_states != b->n_states || a->n_arcs != b->n_arcs ||
        a->start != b->start)
        return 0;
    for (int32_t s = 0; s < a->n_states; s++) {
        const rlm_lattice_state *x = &a->states[s], *y = &b->states[s];
        if (x->is_final != y->is_final || x->time != y->time ||
            (x->is_final && (x->final_ac != y->final_ac || x->final_lm != y->final_lm)))
            return 0;
    }
    for (size_t i = 0; i < a->n_arcs; i++) {
        const rlm_lattice_arc *x = &a->arcs[i], *y = &b->arcs[i];
        if (x->from != y->from || x->to != y->to || x->ac != y->ac || x->lm != y->lm ||
            strcmp(rlm_symbols_word(a->symbols, x->word), rlm_symbols_word(b->symbols, y->word)))
            return 0;
    }
    return 1;
}

static void test_slf_pocketsphinx_and_htk(void) {
    rlm_lattice_read_opts opt;
    rlm_error err;
    CHECK_STATUS(rlm_lattice_read_opts_init(&opt, NULL, &err), RLM_OK);
    rlm_lattice_list l = parse_ok("slf", ps_slf, "lat/kjvdev-00005.slf", &opt);
    rlm_lattice *p = l.n ? l.lat[0] : NULL;
    CHECK(p && !strcmp(p->id, "kjvdev-00005") && p->n_states == 4 && p->n_arcs == 4);
    if (!p) return;
    CHECK(p->start == 3 && p->states[0].is_final && p->states[0].final_ac == 0);
    CHECK(!p->states[1].is_final && p->states[1].time == 0.40 && p->states[0].time == 1.5);
    /* arcs grouped by source state (J=2, J=3, J=0, J=1), each with its end node's word;
     * a= in ln: -120.5 / ln 10 = -52.33248506934184 */
    CHECK(p->arcs_sorted && p->arcs[0].from == 1 && p->arcs[0].to == 0 && p->arcs[3].from == 3);
    CHECK(!strcmp(word(p, 2), "hello") && !strcmp(word(p, 3), "yellow"));
    CHECK(!strcmp(word(p, 0), "!SENT_END") && !strcmp(word(p, 1), "!SENT_END"));
    CHECK_NEAR(p->arcs[2].ac, -52.33248506934184, 1e-12);
    CHECK_NEAR(p->arcs[1].ac, -82.57023837185575, 1e-12);
    CHECK(p->arcs[2].lm == 0);

    rlm_lattice_list h = parse_ok("slf", htk_slf, "x.lat", &opt);
    rlm_lattice *t = h.n ? h.lat[0] : NULL;
    CHECK(t && !strcmp(t->id, "utt7") && t->start == 0 && t->states[2].is_final);
    if (!t) return;
    CHECK(!strcmp(word(t, 0), "<s>") && !strcmp(word(t, 1), "THE") && !strcmp(word(t, 2), "A"));
    CHECK(t->arcs[1].ac == -12.5 && t->arcs[1].lm == -1.25 && t->arcs[2].lm == -1.5);
    CHECK(t->states[1].time == 0.25);

    /* round trips: base e (pocketsphinx's) and base 10 (the HTK file's), each read back equal */
    char out[] = "/tmp/rlm_lat_slfXXXXXX";
    CHECK(test_temp_file(out, "", 0) == 0);
    rlm_lattice_list back = {0};
    CHECK_STATUS(rlm_lattice_write("slf", &l, out, NULL, &err), RLM_OK);
    CHECK_STATUS(rlm_lattice_read("slf", out, &opt, &back, &err), RLM_OK);
    CHECK(back.n == 1 && same_lattice(p, back.lat[0]));
    size_t n;
    char *text = test_read_file(out, &n);
    CHECK(text && !strcmp(text, "VERSION=1.0\nUTTERANCE=kjvdev-00005\nstart=3\nend=0\nN=4\tL=4\n"
                                "I=0\tt=1.5\nI=1\tt=0.4\nI=2\tt=0.4\nI=3\tt=0\n"
                                "J=0\tS=1\tE=0\tW=!SENT_END\ta=-200\tl=0\n"
                                "J=1\tS=2\tE=0\tW=!SENT_END\ta=-190.125\tl=0\n"
                                "J=2\tS=3\tE=1\tW=hello\ta=-120.5\tl=0\n"
                                "J=3\tS=3\tE=2\tW=yellow\ta=-130.25\tl=0\n"));
    free(text);
    rlm_lattice_write_opts b10 = {.slf_base = 10};
    CHECK_STATUS(rlm_lattice_write("slf", &h, out, &b10, &err), RLM_OK);
    CHECK_STATUS(rlm_lattice_read("slf", out, &opt, &back, &err), RLM_OK);
    CHECK(back.n == 2 && same_lattice(t, back.lat[1]));
    text = test_read_file(out, &n);
    CHECK_CONTAINS(text, "base=10\n");
    CHECK_CONTAINS(text, "J=1\tS=1\tE=2\tW=THE\ta=-12.5\tl=-1.25\n");
    free(text);
    unlink(out);
    rlm_lattice_list_free(&back);
    rlm_lattice_list_free(&h);
    rlm_lattice_list_free(&l);
    rlm_lattice_read_opts_free(&opt);
}

/* Kaldi -> SLF: epsilon becomes !NULL, the final weights go on links to a new end node, and
 * several lattices go to DIR/ID.slf; base=0 reads probabilities. */
static void test_slf_from_kaldi_and_base0(void) {
    rlm_lattice_read_opts opt;
    rlm_error err;
    CHECK_STATUS(rlm_lattice_read_opts_init(&opt, NULL, &err), RLM_OK);
    rlm_lattice_list l = parse_ok("kaldi", kaldi_compact, "in.ark", &opt);
    char dir[] = "/tmp/rlm_lat_dirXXXXXX", path[256];
    CHECK(mkdtemp(dir) != NULL);
    CHECK_STATUS(rlm_lattice_write("slf", &l, dir, NULL, &err), RLM_OK);
    snprintf(path, sizeof path, "%s/utt2.slf", dir);
    size_t n;
    char *text = test_read_file(path, &n);
    /* utt2's final state 3 has weight 0.5,0.75: a new node 4 behind it */
    CHECK_CONTAINS(text, "start=0\nend=4\nN=5\tL=4\n");
    CHECK_CONTAINS(text, "J=1\tS=1\tE=2\tW=!NULL\ta=0\tl=0\n");
    CHECK_CONTAINS(text, "J=3\tS=3\tE=4\tW=!NULL\ta=-0.75\tl=-0.5\n");
    free(text);
    unlink(path);
    snprintf(path, sizeof path, "%s/utt1.slf", dir);
    unlink(path);
    rlm_lattice_write_opts base1 = {.slf_base = 1};
    CHECK_STATUS(rlm_lattice_write("slf", &l, dir, &base1, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, ": SLF log base 1: must be above 0 and not 1 (0 means e)");
    CHECK_STATUS(rlm_lattice_write("slf", &l, "/nonexistent-dir/x.slf", NULL, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "SLF holds one lattice per file; to write 2 lattices give an "
                                "existing directory");
    rmdir(dir);
    rlm_lattice_list_free(&l);

    const char *probs = "base=0\nN=3 L=2\nJ=0 S=0 E=1 W=a a=0.01 l=0.1\nJ=1 S=1 E=2 W=b\n";
    l = parse_ok("slf", probs, "p.slf", &opt);
    CHECK(l.n == 1 && l.lat[0]->arcs[0].ac == -2 && l.lat[0]->arcs[0].lm == -1);
    CHECK(l.n == 1 && l.lat[0]->arcs[1].ac == 0 && l.lat[0]->arcs[1].lm == 0);
    rlm_lattice_list_free(&l);
    CHECK(rlm_lattice_format_known("kaldi") && rlm_lattice_format_known("slf") &&
          !rlm_lattice_format_known("nope"));
    CHECK_STATUS(rlm_lattice_parse("nope", "", 0, "x", &opt, &l, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "lattice format 'nope' is not known (known: ");
    rlm_lattice_read_opts_free(&opt);
}

/* HTK keeps lattices as lat.gz: a gzipped file reads as its text (line numbers too). */
static void test_gzip_input(void) {
    char gz[] = "/tmp/rlm_lat_gzXXXXXX";
    CHECK(test_temp_file(gz, "", 0) == 0);
    gzFile g = gzopen(gz, "wb");
    CHECK(g && gzwrite(g, ps_slf, (unsigned)strlen(ps_slf)) == (int)strlen(ps_slf));
    if (g) gzclose(g);
    rlm_lattice_read_opts opt;
    rlm_error err;
    CHECK_STATUS(rlm_lattice_read_opts_init(&opt, NULL, &err), RLM_OK);
    rlm_lattice_list plain = parse_ok("slf", ps_slf, gz, &opt), zipped = {0};
    CHECK_STATUS(rlm_lattice_read("slf", gz, &opt, &zipped, &err), RLM_OK);
    CHECK(plain.n == 1 && zipped.n == 1 && same_lattice(plain.lat[0], zipped.lat[0]));
    const char *bad = "N=2 L=1\nJ=0 S=0 E=9\n";
    g = gzopen(gz, "wb");
    CHECK(g && gzwrite(g, bad, (unsigned)strlen(bad)) == (int)strlen(bad));
    if (g) gzclose(g);
    CHECK_STATUS(rlm_lattice_read("slf", gz, &opt, &zipped, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, ":2: E: 9 is not below N=2");
    rlm_lattice_list_free(&plain);
    rlm_lattice_list_free(&zipped);
    rlm_lattice_read_opts_free(&opt);
    unlink(gz);
}

/* A closed table refuses SLF words it lacks. */
static void test_slf_closed_table(void) {
    char words[] = "/tmp/rlm_lat_words2XXXXXX";
    rlm_lattice_read_opts opt;
    rlm_error err;
    closed_opts(words, "<eps> 0\nhello 1\n", &opt);
    rlm_lattice_list l = {0};
    CHECK_STATUS(rlm_lattice_parse("slf", ps_slf, strlen(ps_slf), "ps.slf", &opt, &l, &err),
                 RLM_E_FORMAT);
    CHECK(!strcmp(err.message, "ps.slf:13: W: word '!SENT_END' is not in the symbol table"));
    rlm_lattice_read_opts_free(&opt);
    unlink(words);
}

typedef struct malformed {
    const char *file;
    rlm_status status;
    const char *message; /* after the file's path */
} malformed;

static const malformed kaldi_bad[] = {
    {"valid_compact_and_lattice.txt", RLM_OK, ""}, /* the fuzz corpus's valid seed */
    {"key_two_fields.txt", RLM_E_FORMAT, ":1: key: expected the utterance id alone on its line, got 'utt1 extra'"},
    {"six_fields.txt", RLM_E_FORMAT, ":2: line: more than 5 fields; expected an arc 'src dst word [weight]' or 'src dst ilabel word [weight]', or a final state 'state [weight]'"},
    {"src_not_a_state.txt", RLM_E_FORMAT, ":2: src: expected a state (an integer from 0 to 2147483646), got '0x'"},
    {"dst_negative.txt", RLM_E_FORMAT, ":2: dst: expected a state (an integer from 0 to 2147483646), got '-1'"},
    {"dst_too_large.txt", RLM_E_FORMAT, ":2: dst: expected a state (an integer from 0 to 2147483646), got '99999999999'"},
    {"dst_beyond_file.txt", RLM_E_FORMAT, ":2: dst: state 99999 is more states than a file of 12 bytes can describe"},
    {"weight_without_comma_is_word.txt", RLM_E_FORMAT, ":2: word: expected a word id (an integer from 0 to 2147483646), got '1.5'"},
    {"lattice_weight_without_comma.txt", RLM_E_FORMAT, ":2: weight: expected 'graph,acoustic' (Lattice) or 'graph,acoustic,ids' (CompactLattice), got '1.5'"},
    {"graph_cost_nan.txt", RLM_E_FORMAT, ":2: graph cost: expected a number, got 'nan'"},
    {"acoustic_cost_not_number.txt", RLM_E_FORMAT, ":2: acoustic cost: expected a number, got '2x'"},
    {"arc_weight_zero.txt", RLM_E_FORMAT, ":2: graph cost: expected a number, got 'Infinity'"},
    {"mixed_forms.txt", RLM_E_FORMAT, ":3: line: a Lattice line in a CompactLattice lattice (line 2 is CompactLattice)"},
    {"compact_weight_on_lattice_arc.txt", RLM_E_FORMAT, ":2: weight: '1,2,5' is a CompactLattice weight on a Lattice arc"},
    {"empty_transition_id.txt", RLM_E_FORMAT, ":2: transition ids: expected a transition id (an integer from 0 to 2147483646), got ''"},
    {"bad_transition_id.txt", RLM_E_FORMAT, ":2: transition ids: expected a transition id (an integer from 0 to 2147483646), got 'x'"},
    {"final_twice.txt", RLM_E_FORMAT, ":4: state: 1 is final twice"},
    {"cycle.txt", RLM_E_FORMAT, ": lattice u: has a cycle (2 of 2 states are on or after one); lattices must be acyclic"},
    {"nul_byte.txt", RLM_E_FORMAT, ":2: line: contains a NUL byte"},
    {"second_lattice_bad_line.txt", RLM_E_FORMAT, ":7: line: a Lattice line in a CompactLattice lattice (line 6 is CompactLattice)"},
    {"final_weight_bad.txt", RLM_E_FORMAT, ":3: acoustic cost: expected a number, got 'x'"},
    {"word_id_too_large_without_table.txt", RLM_E_FORMAT, ":2: word: id 16777216 is above 16777215; without a words.txt ids must stay below that (give the symbol table)"},
    {"binary_archive.txt", RLM_E_UNSUPPORTED, ":1: key: a binary Kaldi archive; only text ones are read (lattice-copy ark:IN ark,t:OUT makes one)"},
    {"missing_blank_line.txt", RLM_E_FORMAT, ":4: line: expected a final state, or the blank line that ends lattice utt1 before the next key, got 'utt2'"},
    {"word_not_an_id.txt", RLM_E_FORMAT, ":2: word: expected a word id (an integer from 0 to 2147483646), got 'w'"},
};

static const malformed slf_bad[] = {
    {"valid_pocketsphinx.slf", RLM_OK, ""},
    {"valid_htk.slf", RLM_OK, ""},
    {"no_size_line.slf", RLM_E_FORMAT, ":1: N: missing (the size line gives N= and L=)"},
    {"field_without_equals.slf", RLM_E_FORMAT, ":1: field: expected NAME=VALUE, got 'VERSION'"},
    {"link_end_out_of_range.slf", RLM_E_FORMAT, ":2: E: 5 is not below N=2"},
    {"link_without_end.slf", RLM_E_FORMAT, ":2: E: missing (a link needs S= and E=)"},
    {"fewer_links_than_L.slf", RLM_E_FORMAT, ":2: L: the header says 2 links, the file has 1"},
    {"link_index_beyond_L.slf", RLM_E_FORMAT, ":2: J: 1 is not below L=1"},
    {"node_twice.slf", RLM_E_FORMAT, ":3: I: node 0 is defined twice (line 2)"},
    {"link_twice.slf", RLM_E_FORMAT, ":3: J: link 0 is defined twice (line 2)"},
    {"acoustic_not_number.slf", RLM_E_FORMAT, ":2: a: expected a number, got 'x'"},
    {"lm_infinite.slf", RLM_E_FORMAT, ":2: l: expected a number, got 'inf'"},
    {"two_start_candidates.slf", RLM_E_FORMAT, ": start: 2 nodes could be the start node (no link enters them); give start="},
    {"no_start_candidate.slf", RLM_E_FORMAT, ": start: 0 nodes could be the start node (no link enters them); give start="},
    {"cycle.slf", RLM_E_FORMAT, ": lattice cycle: has a cycle (2 of 2 states are on or after one); lattices must be acyclic"},
    {"start_out_of_range.slf", RLM_E_FORMAT, ": start: node 7 is not below N=2"},
    {"sublattice.slf", RLM_E_UNSUPPORTED, ":1: SUBLAT: sub-lattices are not supported (a lattice file of a decoder has none)"},
    {"backward.slf", RLM_E_UNSUPPORTED, ":1: dir: only forward lattices (dir=f) are supported, got 'b'"},
    {"base_one.slf", RLM_E_FORMAT, ":1: base: a log base must be > 0 and not 1 (or 0: no logs)"},
    {"nodes_beyond_file.slf", RLM_E_FORMAT, ":1: N: 999999 is more than a file of 13 bytes can describe"},
    {"nodes_twice.slf", RLM_E_FORMAT, ":1: N: given twice"},
    {"base0_zero_probability.slf", RLM_E_FORMAT, ":3: a: base=0 makes scores probabilities, and 0 is not above 0"},
    {"text_after_dot.slf", RLM_E_UNSUPPORTED, ":4: line: text after the lattice's closing '.' (one lattice per file)"},
    {"unknown_line_in_body.slf", RLM_E_FORMAT, ":3: line: expected a node (I=) or link (J=) line after the size line, got 'foo=1'"},
    {"empty_word.slf", RLM_E_FORMAT, ":2: W: empty word"},
    {"gzip_corrupt.slf.gz", RLM_E_FORMAT, ":1: gzip data is truncated (the stream ends before its trailer)"},
    {"no_nodes.slf", RLM_E_FORMAT, ": N: a lattice needs nodes"},
    {"nul_byte.slf", RLM_E_FORMAT, ":2: line: contains a NUL byte"},
    {"node_index_not_number.slf", RLM_E_FORMAT, ":2: I: expected a node (an integer from 0 to 2147483646), got 'x'"},
};

static void check_malformed(const char *format, const char *dir, const malformed *m, size_t n) {
    const char *root = getenv("RLM_ROOT");
    char path[1024], want[2048];
    snprintf(path, sizeof path, "%s/tests/data/malformed/%s", root ? root : ".", dir);
    size_t files = 0;
    DIR *d = opendir(path);
    for (struct dirent *e; d && (e = readdir(d));) files += e->d_name[0] != '.';
    if (d) closedir(d);
    CHECK(files == n); /* every example has its message here */
    rlm_lattice_read_opts opt;
    rlm_error err;
    CHECK_STATUS(rlm_lattice_read_opts_init(&opt, NULL, &err), RLM_OK);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/tests/data/malformed/%s/%s", root ? root : ".", dir,
                 m[i].file);
        snprintf(want, sizeof want, "%s%s", path, m[i].message);
        rlm_lattice_list l = {0};
        err.message[0] = 0;
        CHECK_STATUS(rlm_lattice_read(format, path, &opt, &l, &err), m[i].status);
        if (m[i].status == RLM_OK) {
            CHECK(l.n > 0);
            rlm_lattice_list_free(&l);
            continue;
        }
        CHECK(l.n == 0);
        if (strcmp(err.message, want))
            fprintf(stderr, "%s:\n  got  %s\n  want %s\n", m[i].file, err.message, want);
        CHECK(!strcmp(err.message, want));
        rlm_lattice_list_free(&l);
    }
    rlm_lattice_read_opts_free(&opt);
}

static void test_malformed_files(void) {
    check_malformed("kaldi", "lattice_kaldi", kaldi_bad, sizeof kaldi_bad / sizeof *kaldi_bad);
    check_malformed("slf", "lattice_slf", slf_bad, sizeof slf_bad / sizeof *slf_bad);
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_kaldi_compact_and_lattice);
    RUN(test_kaldi_empty_lattice);
    RUN(test_kaldi_with_words_txt);
    RUN(test_slf_pocketsphinx_and_htk);
    RUN(test_slf_from_kaldi_and_base0);
    RUN(test_gzip_input);
    RUN(test_slf_closed_table);
    RUN(test_malformed_files);
    return check_summary(argv[0]);
}
