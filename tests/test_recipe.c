/* YAML recipes (plugin/rlm_recipe.h): a recipe with every key parses into the expected structs
 * field by field, defaults are the library's, and every kind of error gives its exact message
 * with line and column (the malformed files in tests/data/malformed/recipe/, written by hand;
 * each message was checked against the file's content: the line and column of the offending
 * key or value, counted from 1). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "rlm_recipe.h"

static void full_recipe(void) {
    rlm_recipe *r;
    rlm_error err = {0};
    CHECK_STATUS(rlm_recipe_load("tests/data/recipe/full.yaml", &r, &err), RLM_OK);
    if (!r) return;
    CHECK(!strcmp(r->dir, "tests/data/recipe"));
    CHECK(!strcmp(r->workdir.path, "tests/data/recipe/out"));
    CHECK(r->data.present && r->data.tokenize && !r->data.kjv_dir.path);
    CHECK(!strcmp(r->data.train.path, "tests/data/recipe/train.txt"));
    CHECK(r->data.train.line == 4 && r->data.train.column == 10);
    CHECK(!strcmp(r->data.valid.path, "/abs/valid.txt")); /* absolute paths stay as they are */
    CHECK(!strcmp(r->data.test.path, "tests/data/recipe/test.txt"));
    CHECK(r->vocab.present && !r->vocab.opt.char_level && r->vocab.opt.min_count == 2);
    CHECK(r->vocab.opt.max_size == 5000 && r->vocab.opt.num_classes == 40);
    CHECK(!strcmp(r->vocab.path.path, "tests/data/recipe/vocab.txt"));
    const rlm_model_config *m = &r->model.cfg;
    CHECK(r->model.present && m->cell == RLM_CELL_GRU && m->layers == 2);
    CHECK(m->embed_size == 64 && m->hidden_size == 64 && m->output == RLM_OUTPUT_FULL);
    CHECK(m->tied == 1 && m->independent_sentences == 1);
    CHECK_NEAR(m->dropout, 0.25, 0);
    CHECK(!strcmp(r->model.path.path, "tests/data/recipe/lm.bin"));
    const rlm_train_options *t = &r->train.opt;
    CHECK(r->train.present && t->optimizer == RLM_OPT_ADAM && !r->train.resume);
    CHECK_NEAR(t->learning_rate, 0.002f, 0);
    CHECK(t->batch == 16 && t->bptt == 10 && t->max_epochs == 3 && t->threads == 2);
    CHECK_NEAR(t->max_seconds, 90, 0);
    CHECK(t->seed == 7);
    CHECK(r->n_ngrams == 2);
    CHECK(!strcmp(r->ngram[0].path.path, "tests/data/recipe/kn5.arpa.gz"));
    CHECK(!strcmp(r->ngram[0].name, "kn5"));
    CHECK(!strcmp(r->ngram[1].path.path, "tests/data/recipe/../lm/other.arpa"));
    CHECK(!strcmp(r->ngram[1].name, "other.arpa")); /* default: the file name */
    CHECK(!r->ngram[0].build.present && r->ngram[1].build.present && r->ngram[1].build.order == 4);
    CHECK(!strcmp(r->ngram[1].build.text.path, "tests/data/recipe/corpus.txt"));
    CHECK(r->ngram[1].build.text.line == 33 && r->ngram[1].build.text.column == 43);
    CHECK(r->mix.present && r->mix.spec.kind == RLM_MIX_LINEAR && r->mix.spec.n_weights == 3);
    CHECK_NEAR(r->mix.spec.weight[0], 0.5, 1e-12);
    CHECK_NEAR(r->mix.spec.weight[1], 0.3, 1e-12);
    CHECK_NEAR(r->mix.spec.weight[2], 0.2, 1e-12);
    const rlm_recipe_nbest *nb = &r->nbest;
    CHECK(nb->present && nb->format == RLM_RECIPE_NBEST_MOSES && nb->test.n_inputs == 2);
    CHECK(!strcmp(nb->format_name, "moses"));
    CHECK(nb->dev.present && nb->dev.n_inputs == 1);
    CHECK(!strcmp(nb->dev.inputs[0].path, "tests/data/recipe/d.nbest"));
    CHECK(!strcmp(nb->dev.references.path, "tests/data/recipe/dev.ref"));
    CHECK(!strcmp(nb->test.inputs[1].path, "tests/data/recipe/b.nbest"));
    CHECK(nb->test.inputs[1].line == 41 && nb->test.inputs[1].column == 23);
    CHECK(!strcmp(nb->test.references.path, "tests/data/recipe/ref.txt"));
    CHECK_NEAR(r->nbest.lm_weight, 0.8, 0);
    CHECK_NEAR(r->nbest.wip, -0.5, 0);
    CHECK(r->tune.present && r->tune.bleu == 1);
    CHECK(r->tune.lm_weight.present && r->tune.lm_weight.lo == 0 && r->tune.lm_weight.hi == 2 &&
          r->tune.lm_weight.step == 0.25);
    CHECK(r->tune.wip.present && r->tune.wip.lo == -1);
    CHECK(r->tune.mix_weight.present && r->tune.mix_weight.step == 0.1);
    const rlm_recipe_spell *sp = &r->spell;
    CHECK(sp->present && !strcmp(sp->input.path, "tests/data/recipe/noisy.txt"));
    CHECK(!strcmp(sp->references.path, "tests/data/recipe/clean.txt"));
    CHECK(!strcmp(sp->output.path, "tests/data/recipe/fixed.txt") && !strcmp(sp->dict, "en_GB"));
    CHECK(sp->beam == 64 && sp->max_cands == 5 && sp->oov_penalty == -2.5);
    CHECK(r->report.present && !strcmp(r->report.path.path, "tests/data/recipe/report.md"));
    CHECK(r->scorer.present && r->scorer.cache_mb == 8.5 && r->scorer.history_words == 3);
    CHECK(r->scorer.oov_penalty == -1.5);
    CHECK(r->mix.line == 35 && r->mix.column == 3);
    rlm_recipe_free(r);
}

/* Absent keys take the library's defaults; train alone implies a model at WORKDIR/model.bin;
 * kjv names prepare_kjv.sh's three texts. */
static void defaults_and_kjv(void) {
    const char text[] = "data:\n  kjv: {dir: data/kjv}\ntrain: {}\n";
    rlm_recipe *r;
    rlm_error err = {0};
    CHECK_STATUS(rlm_recipe_parse(text, strlen(text), "recipes/k.yaml", &r, &err), RLM_OK);
    if (!r) return;
    rlm_model_config dc = rlm_model_default_config();
    rlm_train_options dt = rlm_train_default_options();
    CHECK(!memcmp(&r->model.cfg, &dc, sizeof dc));
    CHECK(r->model.present && !strcmp(r->model.path.path, "recipes/model.bin"));
    CHECK(isnan(r->train.opt.learning_rate)); /* rlm train's default for the cell */
    CHECK(r->train.opt.batch == dt.batch && r->train.opt.max_epochs == dt.max_epochs);
    CHECK(r->train.resume == 1 && !r->vocab.present && !r->mix.present && !r->n_ngrams);
    CHECK(!r->nbest.present && !r->spell.present && !r->spell.output.path);
    CHECK(!r->scorer.present && r->scorer.cache_mb == 64 && !r->scorer.history_words);
    CHECK(r->scorer.oov_penalty == 0);
    CHECK(!strcmp(r->data.kjv_dir.path, "recipes/data/kjv"));
    CHECK(!strcmp(r->data.train.path, "recipes/data/kjv/kjv.train.txt"));
    CHECK(!strcmp(r->data.valid.path, "recipes/data/kjv/kjv.valid.txt"));
    CHECK(!strcmp(r->data.test.path, "recipes/data/kjv/kjv.test.txt"));
    rlm_recipe_free(r);
    /* a recipe in the current directory resolves against "." and keeps names as written */
    const char t2[] = "model: {path: m.bin}\nngram: [{path: a.arpa}]\nmix: {kind: loglinear, "
                      "weights: [1.5, -0.5]}\n";
    CHECK_STATUS(rlm_recipe_parse(t2, strlen(t2), "r.yaml", &r, &err), RLM_OK);
    if (!r) return;
    CHECK(!strcmp(r->model.path.path, "m.bin") && !strcmp(r->workdir.path, "."));
    CHECK(r->mix.spec.kind == RLM_MIX_LOGLINEAR && r->mix.spec.weight[1] == -0.5);
    rlm_recipe_free(r);
}

static const struct {
    const char *file, *message;
} malformed[] = {
    {"alias.yaml", "1:11: anchors (&d) and aliases are not supported in recipes: write the value out"},
    {"bad_bool.yaml", "3:9: model.tied: expected true or false, got \"yes please\""},
    {"bad_enum.yaml", "3:9: model.cell: expected one of lstm, gru, rnn, rnn-relu, got \"transformer\""},
    {"bad_utf8.yaml", "3:11: invalid leading UTF-8 octet"},
    {"deep_nesting.yaml", "1:19: nested deeper than 16 levels"},
    {"dropout_range.yaml", "3:12: model.dropout: expected a number in [0, 1), got \"1.0\""},
    {"duplicate_key.yaml", "4:3: model: duplicate key \"hidden\" (first at line 2)"},
    {"empty.yaml", "1:1: the recipe is empty"},
    {"huge_scalar.yaml", "2:9: a value of 5000 bytes (at most 4096)"},
    {"int_not_number.yaml", "3:11: model.hidden: expected an integer in 1..65536, got \"big\""},
    {"kjv_and_files.yaml", "1:13: data.kjv: give either kjv or train/valid/test files, not both"},
    {"missing_required.yaml", "2:5: ngram[0]: missing key \"path\""},
    {"lattice_format.yaml", "4:11: lattice.format: expected one of slf, kaldi, fst, fst-text, got \"htk\""},
    {"lattice_tune_without_dev.yaml", "7:9: lattice.tune: needs lattice.dev with inputs and references (the lattices to tune on)"},
    {"lattice_without_test.yaml", "4:3: lattice: missing key \"test\" (the lattices to rescore)"},
    {"mix_weights_count.yaml", "6:12: mix.weights: 1 weights for 2 models (the RNN first, then each n-gram)"},
    {"mix_weights_sum.yaml", "6:12: mix.weights: 'linear:0.5,0.6': linear weights sum to 1.1, not 1"},
    {"nbest_empty_inputs.yaml", "6:13: nbest.test.inputs: expected a list of file names, got an empty list"},
    {"nbest_without_test.yaml", "4:3: nbest: missing key \"test\" (the lists to rescore)"},
    {"ngram_build_tool.yaml", "4:19: ngram[0].build.tool: expected one of irstlm, got \"srilm\""},
    {"out_of_range.yaml", "2:11: model.layers: expected an integer in 1..8, got \"9\""},
    {"quoted_int.yaml", "3:11: model.hidden: expected an integer in 1..65536, got \"200\""},
    {"range_reversed.yaml", "5:8: tune.wip: hi 0 is below lo 1"},
    {"scorer_cache_range.yaml", "3:13: scorer.cache_mb: expected a number in [0, 1048576], got \"-1\""},
    {"scorer_without_model.yaml", "4:3: scorer: needs a model (model:): the scorer is an RNN, with the n-grams and mix it may add"},
    {"spell_without_model.yaml", "4:3: spell: needs a model (model:): rlm spell ranks the candidates with an RNN"},
    {"section_not_mapping.yaml", "1:8: model: expected a mapping (key: value lines), got a list"},
    {"syntax_indent.yaml", "3:8: mapping values are not allowed in this context"},
    {"syntax_unclosed.yaml", "2:1: did not find expected ',' or '}' (while parsing a flow mapping at 1:8)"},
    {"tag.yaml", "2:9: tags (tag:yaml.org,2002:str) are not supported in recipes"},
    {"tied_sizes.yaml", "5:9: model.tied: tied embeddings need embed == hidden, got 128 and 256"},
    {"tokenize_not_bool.yaml", "3:13: data.tokenize: expected true or false, got \"1\""},
    {"top_not_mapping.yaml", "1:1: recipe: expected a mapping (key: value lines), got a list"},
    {"train_without_data.yaml", "2:3: train: needs data.train and data.valid (or data.kjv)"},
    {"tune_without_dev.yaml", "7:3: tune: needs nbest.dev with inputs and references (the lists to tune on)"},
    {"tune_without_nbest.yaml", "4:3: tune: needs an nbest: or lattice: section (what to tune on)"},
    {"two_documents.yaml", "3:1: a second YAML document: a recipe is one document"},
    {"unknown_key_list.yaml", "3:1: recipe: unknown key \"bogus\" (known: workdir, data, vocab, model, train, ngram, mix, scorer, nbest, lattice, tune, spell, report)"},
    {"unknown_key_suggest.yaml", "2:3: model: unknown key \"hiden\" (did you mean \"hidden\"?)"},
};

static void malformed_files(void) {
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        char path[256], want[512];
        snprintf(path, sizeof path, "tests/data/malformed/recipe/%s", malformed[i].file);
        snprintf(want, sizeof want, "%s:%s", path, malformed[i].message);
        rlm_recipe *r = NULL;
        rlm_error err = {0};
        rlm_status s = rlm_recipe_load(path, &r, &err);
        CHECK(s == RLM_E_FORMAT && !r);
        if (strcmp(err.message, want))
            fprintf(stderr, "%s:\n  got  %s\n  want %s\n", path, err.message, want);
        if (strcmp(err.message, want)) fprintf(stderr, "got  %s\nwant %s\n", err.message, want);
    CHECK(!strcmp(err.message, want));
    }
}

/* Recipe text i (named r.yaml) fails with exactly the message want: when parsed, or (at_open)
 * when rlm_recipe_open_scorer opens its scorer. */
static void expect_error(size_t i, const char *text, const char *want, int at_open) {
    rlm_recipe *r = NULL;
    rlm_scorer *sc = NULL;
    rlm_error err = {0};
    rlm_status s = rlm_recipe_parse(text, strlen(text), "r.yaml", &r, &err);
    CHECK(at_open ? s == RLM_OK : s == RLM_E_FORMAT);
    if (r && at_open) CHECK(rlm_recipe_open_scorer(r, &sc, &err) != RLM_OK && !sc);
    if (strcmp(err.message, want))
        fprintf(stderr, "case %zu:\n  got  %s\n  want %s\n", i, err.message, want);
    CHECK(!strcmp(err.message, want));
    rlm_recipe_free(r);
}

/* Cross-section rules that no malformed file shows. */
static void more_errors(void) {
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"model: {cell: lstm}\n", "r.yaml:1:8: model: give path (the model to read), or a train: "
                                  "section to make one"},
        {"model: {path: m}\nmix: {}\n", "r.yaml:2:6: mix: a mixture needs at least two models "
                                        "(model: and ngram:), this recipe has 1"},
        {"model: {path: m}\nngram: [{path: a}]\nmix: {kind: loglinear}\n",
         "r.yaml:3:6: mix: a log-linear mixture needs weights (EM estimates linear weights only)"},
        {"model: {path: m}\nngram: [{path: a}]\nmix: {}\n", "r.yaml:3:6: mix: no weights: they "
         "are estimated by EM on data.valid, which the recipe does not give"},
        {"model: {path: m}\nngram: [{path: a}]\n",
         "r.yaml:2:8: ngram: 2 models: add a mix: section to say how to combine them"},
        {"vocab: {min_count: 2}\n", "r.yaml:1:8: vocab: nothing to do: give path (a vocabulary "
                                    "file to build) or a train: section that uses it"},
        {"nbest: {format: tsv, test: {inputs: [a]}}\n", "r.yaml:1:8: nbest: needs a model (model:) or "
                                                "n-gram models (ngram:) to rescore with"},
        {"model: {path: m}\nnbest: {format: nbest, test: {inputs: [a]}}\n",
         "r.yaml:2:17: nbest.format: expected one of kaldi, srilm, moses, pocketsphinx, tsv, got "
         "\"nbest\""},
        {"model: {path: m}\nnbest: {format: tsv, test: {inputs: [a]}}\ntune: {metric: wer, wip: [0, 1, "
         "0]}\n", "r.yaml:3:33: tune.wip: step 0: expected > 0 and at most 10000 points"},
        {"train: {lr: 0}\n", "r.yaml:1:13: train.lr: expected a number in (0, 1000], got \"0\""},
        {"model:\n  path:\n", "r.yaml:2:8: model.path: expected a file name, got nothing"},
        {"? [a]\n: b\n", "r.yaml:1:3: recipe: a key must be a word, got a list"},
        {"model: {path: m}\nnbest: {format: tsv, test: {inputs: [a], refs: r}}\n",
         "r.yaml:2:42: nbest.test: unknown key \"refs\" (known: inputs, references)"},
        {"model: {path: m}\nnbest: {format: tsv, test: {inputs: a}}\n",
         "r.yaml:2:37: nbest.test.inputs: expected a list of file names, got a string"},
        {"ngram: [{path: a, build: {tool: irstlm}}]\n",
         "r.yaml:1:26: ngram[0].build: give text (the training text), or data.train"},
        {"ngram: [{path: a, build: {tool: irstlm, order: 11, text: t}}]\n",
         "r.yaml:1:48: ngram[0].build.order: expected an integer in 1..10, got \"11\""},
        {"model: {path: m}\nspell: {references: r}\n",
         "r.yaml:2:8: spell: missing key \"input\" (the sentences to correct)"},
        {"model: {path: m}\nspell: {input: i, beam: 0}\n",
         "r.yaml:2:25: spell.beam: expected an integer in 1..1000000, got \"0\""},
        {"model: {path: m}\nlattice: {format: slf, test: {inputs: [t]}, beam: 0}\n",
         "r.yaml:2:51: lattice.beam: expected a number in (0, 1e6], got \"0\""},
        {"model: {path: m}\nlattice: {format: slf, test: {inputs: [t]}, history: 257}\n",
         "r.yaml:2:54: lattice.history: expected an integer in 0..256, got \"257\""},
        {"model: {path: m}\nlattice: {format: slf, test: {inputs: [t]}, lm_weight: 0}\n",
         "r.yaml:2:56: lattice.lm_weight: expected a number in (0, 1e6], got \"0\""},
        {"model: {path: m}\nlattice: {format: slf, test: {inputs: [t]}, order: 3}\n",
         "r.yaml:2:45: lattice: unknown key \"order\" (known: format, dev, test, history, beam, "
         "max_arcs, threads, tune, nbest, lm_weight, wip, oov_penalty)"},
        {"model: {path: m}\nlattice: {format: slf, dev: {inputs: [d], references: r}, test: "
         "{inputs: [t]}}\n", "r.yaml:2:10: lattice.tune: needs a tune: section (its metric and "
         "grids)"},
        {"ngram: [{path: a}]\nlattice: {format: slf, test: {inputs: [t]}}\n",
         "r.yaml:2:10: lattice: needs a model (model:): rlm lattice scores with an RNN (and the "
         "n-grams and mix)"},
        {"model: {path: m}\nlattice: {format: slf, test: {inputs: [a, b, c, d, e, f, g, h, i, j, k, "
         "l, m, n, o, p, q]}}\n", "r.yaml:2:88: lattice.test.inputs: at most 16 inputs (give a "
         "directory)"},
        {"report: {path: r.md, format: html}\n",
         "r.yaml:1:22: report: unknown key \"format\" (known: path)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(i, cases[i].text, cases[i].message, 0);
}

/* lattice: every key, then the defaults (no dev: no tuning). */
static void lattice_section(void) {
    const char text[] = "model: {path: m.bin}\ntune: {metric: wer, wip: [0, 1, 0.5]}\n"
                        "lattice:\n  format: fst-text\n  dev: {inputs: [lat/dev], references: d.ref}\n"
                        "  test: {inputs: [a.fst, b.fst], references: t.ref}\n  history: 0\n"
                        "  beam: 12.5\n  max_arcs: 100000\n  threads: 2\n  tune: false\n"
                        "  nbest: 50\n  lm_weight: 8\n  wip: -1.5\n  oov_penalty: -4\n";
    rlm_recipe *r;
    rlm_error err = {0};
    CHECK_STATUS(rlm_recipe_parse(text, strlen(text), "x/r.yaml", &r, &err), RLM_OK);
    if (!r) return;
    const rlm_recipe_lattice *l = &r->lattice;
    CHECK(l->present && !strcmp(l->format_name, "fst-text"));
    CHECK(l->dev.n_inputs == 1 && !strcmp(l->dev.inputs[0].path, "x/lat/dev"));
    CHECK(!strcmp(l->dev.references.path, "x/d.ref"));
    CHECK(l->test.n_inputs == 2 && !strcmp(l->test.inputs[1].path, "x/b.fst"));
    CHECK(l->test.inputs[1].line == 6 && l->test.inputs[1].column == 26);
    CHECK(!strcmp(l->test.references.path, "x/t.ref"));
    CHECK(l->history == 0 && l->beam == 12.5 && l->max_arcs == 100000 && l->threads == 2);
    CHECK(!l->tune && l->nbest == 50 && l->lm_weight == 8 && l->wip == -1.5);
    CHECK(l->oov_penalty == -4);
    rlm_recipe_free(r);
    const char t2[] = "model: {path: m.bin}\nlattice: {format: slf, test: {inputs: [t]}}\n";
    CHECK_STATUS(rlm_recipe_parse(t2, strlen(t2), "r.yaml", &r, &err), RLM_OK);
    if (!r) return;
    l = &r->lattice;
    CHECK(l->history == 3 && l->beam == 0 && l->max_arcs == 0 && l->threads == 1);
    CHECK(!l->tune && l->nbest == 100 && l->lm_weight == 10 && l->wip == 0 && !l->oov_penalty);
    CHECK(!l->dev.present && !l->test.references.path);
    rlm_recipe_free(r);
}

/* Inputs must exist; outputs and the texts the KJV step makes need not. */
static void files_checked(void) {
    char dir[] = "/tmp/rlm-recipe-XXXXXX";
    if (!mkdtemp(dir)) {
        CHECK(0);
        return;
    }
    char path[300], text[600];
    snprintf(path, sizeof path, "%s/train.txt", dir);
    CHECK(!test_write_file(path, "a b\n", 4));
    snprintf(path, sizeof path, "%s/r.yaml", dir);
    snprintf(text, sizeof text, "data: {train: train.txt, valid: train.txt, test: nope.txt}\n"
                                "train: {}\nreport: {path: out.md}\n");
    rlm_recipe *r;
    rlm_error err = {0};
    CHECK_STATUS(rlm_recipe_parse(text, strlen(text), path, &r, &err), RLM_OK);
    CHECK_STATUS(rlm_recipe_check_files(r, &err), RLM_E_IO);
    char want[600];
    snprintf(want, sizeof want, "%s:1:50: data.test: %s/nope.txt: No such file or directory",
             path, dir);
    if (strcmp(err.message, want)) fprintf(stderr, "got  %s\nwant %s\n", err.message, want);
    CHECK(!strcmp(err.message, want));
    rlm_recipe_free(r);
    snprintf(text, sizeof text, "data: {train: train.txt, valid: train.txt}\ntrain: {}\n"
                                "ngram: [{path: .}]\nmix: {}\n");
    CHECK_STATUS(rlm_recipe_parse(text, strlen(text), path, &r, &err), RLM_OK);
    CHECK_STATUS(rlm_recipe_check_files(r, &err), RLM_E_IO);
    snprintf(want, sizeof want, "%s:3:16: ngram[0].path: %s/.: is a directory, not a file", path,
             dir);
    if (strcmp(err.message, want)) fprintf(stderr, "got  %s\nwant %s\n", err.message, want);
    CHECK(!strcmp(err.message, want));
    rlm_recipe_free(r);
    /* lattice inputs may be directories (every file in them) */
    snprintf(text, sizeof text, "model: {path: train.txt}\nlattice: {format: slf, test: "
                                "{inputs: [.]}}\n");
    CHECK_STATUS(rlm_recipe_parse(text, strlen(text), path, &r, &err), RLM_OK);
    CHECK_STATUS(rlm_recipe_check_files(r, &err), RLM_OK);
    rlm_recipe_free(r);
    snprintf(text, sizeof text, "data: {kjv: {dir: kjv}}\ntrain: {}\n");
    CHECK_STATUS(rlm_recipe_parse(text, strlen(text), path, &r, &err), RLM_OK);
    CHECK_STATUS(rlm_recipe_check_files(r, &err), RLM_OK); /* made by prepare_kjv.sh */
    rlm_recipe_free(r);
    snprintf(path, sizeof path, "%s/train.txt", dir);
    unlink(path);
    rmdir(dir);
    CHECK_STATUS(rlm_recipe_load("/nonexistent/r.yaml", &r, &err), RLM_E_IO);
    CHECK(!strcmp(err.message, "/nonexistent/r.yaml: No such file or directory"));
}

/* Recipes that parse but describe no scorer, or name model files that do not load: the message
 * names the recipe's line, column and key (loading real models: tests/test_plugin_dlopen.c). */
static void open_scorer_errors(void) {
    static const struct {
        const char *text, *message;
    } cases[] = {
        {"ngram: [{path: a}]\n", "r.yaml:1:1: model: the scorer needs an RNN: add a model: section "
                                 "with its path"},
        {"model: {path: m}\nngram: [{path: a}, {path: b}, {path: c}, {path: d}, {path: e}]\n"
         "mix: {weights: [0.5, 0.1, 0.1, 0.1, 0.1, 0.1]}\n",
         "r.yaml:2:60: ngram: 5 n-gram models; the scorer combines at most 4"},
        {"model: {path: m}\nngram: [{path: a}]\nmix: {}\ndata: {valid: v}\n",
         "r.yaml:3:6: mix: the scorer needs the weights written out (mix.weights); EM weights are "
         "estimated by `rlm run` (see its report), not here"},
        {"model:\n  path: /nonexistent/m.bin\n",
         "r.yaml:2:9: model.path: /nonexistent/m.bin: cannot open: No such file or directory"},
        {"data: {train: t, valid: v}\ntrain: {}\nworkdir: /nonexistent\n",
         "r.yaml: model.path: /nonexistent/model.bin: cannot open: No such file or directory"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        expect_error(i, cases[i].text, cases[i].message, 1);
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(full_recipe);
    RUN(defaults_and_kjv);
    RUN(malformed_files);
    RUN(more_errors);
    RUN(lattice_section);
    RUN(files_checked);
    RUN(open_scorer_errors);
    return check_summary(argv[0]);
}
