/* Symbol tables and the lattice structure (decoder-glue/rlm_symbols.h, rlm_lattice.h): sparse
 * ids, conflicting entries, read/write round trip, stable arc grouping, topological order and
 * cycle detection, and the checks every lattice reader relies on. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "rlm_lattice.h"

static void test_symbols_sparse_ids_and_conflicts(void) {
    rlm_symbols *s = rlm_symbols_new();
    rlm_error err;
    CHECK(s && rlm_symbols_find(s, "<eps>", 5) == 0);
    CHECK_STATUS(rlm_symbols_set(s, "the", 3, 7, &err), RLM_OK);
    CHECK(rlm_symbols_bound(s) == 8);
    CHECK(rlm_symbols_word(s, 3) == NULL && rlm_symbols_word(s, 8) == NULL);
    CHECK(rlm_symbols_add(s, "cat", 3) == 8);
    CHECK(rlm_symbols_add(s, "the", 3) == 7);
    CHECK_STATUS(rlm_symbols_set(s, "the", 3, 7, &err), RLM_OK);
    CHECK_STATUS(rlm_symbols_set(s, "the", 3, 9, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "word 'the' has id 7 already, not 9");
    CHECK_STATUS(rlm_symbols_set(s, "dog", 3, 8, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "id 8 is word 'cat' already, not 'dog'");
    CHECK(strcmp(rlm_symbols_word(s, 8), "cat") == 0);
    CHECK_STATUS(rlm_symbols_set(s, "big", 3, RLM_SYMBOL_MAX_ID + 1, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "symbol id 16777216 out of range (0 to 16777215)");
    rlm_symbols_free(s);
}

static void test_symbols_read_write(void) {
    char in[] = "/tmp/rlm_symsXXXXXX", out[] = "/tmp/rlm_syms_outXXXXXX";
    const char *text = "<eps> 0\nthe\t5\n\nzebra 2\n";
    CHECK(test_temp_file(in, text, strlen(text)) == 0 && test_temp_file(out, "", 0) == 0);
    rlm_symbols *s;
    rlm_error err;
    CHECK_STATUS(rlm_symbols_read(in, &s, &err), RLM_OK);
    CHECK(rlm_symbols_find(s, "zebra", 5) == 2 && rlm_symbols_find(s, "the", 3) == 5);
    CHECK_STATUS(rlm_symbols_write(s, out, &err), RLM_OK);
    size_t n;
    char *back = test_read_file(out, &n);
    CHECK(back && strcmp(back, "<eps>\t0\nzebra\t2\nthe\t5\n") == 0);
    free(back);
    rlm_symbols_free(s);
    static const struct { const char *text, *message; } bad[] = {
        {"a 1\nb\n", ":2: id: expected 'word id'"},
        {"a 1 2\n", ":1: id: expected 'word id'"},
        {"a x\n", ":1: id: expected"},
        {"a 1\na 2\n", ":2: word 'a' has id 1 already, not 2"},
        {"a 1\nb 1\n", ":2: id 1 is word 'a' already, not 'b'"},
        {"a 99999999999\n", ":1: id:"},
        {"a 16777216\n", ":1: id: 16777216 is above the largest id, 16777215"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        CHECK(test_write_file(in, bad[i].text, strlen(bad[i].text)) == 0);
        CHECK_STATUS(rlm_symbols_read(in, &s, &err), RLM_E_FORMAT);
        CHECK_CONTAINS(err.message, in);
        CHECK_CONTAINS(err.message, bad[i].message);
    }
    CHECK_STATUS(rlm_symbols_read("/nonexistent/words.txt", &s, &err), RLM_E_IO);
    unlink(in);
    unlink(out);
}

/* 0 -a-> 1 -b-> 3, 0 -c-> 2 -d-> 3, plus 2 -e-> 1: a topological order puts 2 before 1. */
static rlm_lattice *diamond(rlm_symbols *s) {
    rlm_lattice *lat = rlm_lattice_new("utt1", s);
    CHECK(lat && rlm_lattice_reserve_states(lat, 4));
    lat->start = 0;
    const char *w = "abcde";
    for (int i = 0; i < 5; i++) rlm_symbols_add(s, w + i, 1);
    rlm_lattice_add_arc(lat, 2, 3, rlm_symbols_find(s, "d", 1), -1, -2);
    rlm_lattice_add_arc(lat, 0, 1, rlm_symbols_find(s, "a", 1), -1, -2);
    rlm_lattice_add_arc(lat, 2, 1, rlm_symbols_find(s, "e", 1), -1, -2);
    rlm_lattice_add_arc(lat, 0, 2, rlm_symbols_find(s, "c", 1), -1, -2);
    rlm_lattice_add_arc(lat, 1, 3, rlm_symbols_find(s, "b", 1), -1, -2);
    rlm_lattice_set_final(lat, 3, 0, -0.5);
    return lat;
}

static void test_lattice_sort_and_topsort(void) {
    rlm_symbols *s = rlm_symbols_new();
    rlm_lattice *lat = diamond(s);
    rlm_error err;
    int32_t seq[] = {4, 4, 9};
    CHECK(rlm_lattice_set_seq(lat, 2, seq, 3)); /* the e arc */
    CHECK_STATUS(rlm_lattice_sort_arcs(lat, &err), RLM_OK);
    const char *want[] = {"a", "c", "b", "d", "e"}; /* grouped by state, file order kept */
    for (int i = 0; i < 5; i++) CHECK(strcmp(rlm_symbols_word(s, lat->arcs[i].word), want[i]) == 0);
    CHECK(lat->states[2].first_arc == 3 && lat->states[2].n_arcs == 2);
    CHECK(lat->states[3].n_arcs == 0);
    CHECK(lat->arcs[4].seq_len == 3 && lat->seq[lat->arcs[4].seq_off + 2] == 9);
    int32_t order[4], pos[4];
    CHECK_STATUS(rlm_lattice_topsort(lat, order, &err), RLM_OK);
    for (int i = 0; i < 4; i++) pos[order[i]] = i;
    for (size_t a = 0; a < lat->n_arcs; a++) CHECK(pos[lat->arcs[a].from] < pos[lat->arcs[a].to]);
    CHECK_STATUS(rlm_lattice_check(lat, "f.lat", &err), RLM_OK);
    CHECK(lat->states[3].is_final && lat->states[3].final_lm == -0.5 && lat->states[1].time == -1);

    rlm_lattice_add_arc(lat, 3, 2, 0, 0, 0); /* 2 -> 3 -> 2: a cycle */
    CHECK_STATUS(rlm_lattice_check(lat, "f.lat", &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "f.lat: lattice utt1: has a cycle");
    lat->arcs[lat->n_arcs - 1].word = 77;
    CHECK_STATUS(rlm_lattice_check(lat, "f.lat", &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "label 77 is not in the symbol table");
    lat->start = -1;
    CHECK_STATUS(rlm_lattice_check(lat, "f.lat", &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "f.lat: lattice utt1: no start state");

    rlm_lattice_list list = {0};
    CHECK(rlm_lattice_list_push(&list, lat) && rlm_lattice_list_push(&list, diamond(s)));
    CHECK(list.n == 2);
    rlm_lattice_list_free(&list);
    CHECK(list.n == 0 && list.lat == NULL);
    rlm_symbols_free(s);
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_symbols_sparse_ids_and_conflicts);
    RUN(test_symbols_read_write);
    RUN(test_lattice_sort_and_topsort);
    return check_summary(argv[0]);
}
