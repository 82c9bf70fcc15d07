/* YAML recipes: one file that describes a whole job (data, vocabulary, model, training, n-gram
 * models, interpolation, n-best and lattice rescoring, tuning, report), read with libyaml into
 * typed structs.
 *
 * The sections reuse the library's option structs and the names of `rlm train`'s options, so a
 * recipe and the command line mean the same thing:
 *
 *   workdir: out                    # where `rlm run` writes files the recipe does not name
 *   data:    {train: a.txt, valid: b.txt, test: c.txt, tokenize: false}
 *            or {kjv: {dir: ../data/kjv}}   (scripts/prepare_kjv.sh output: kjv.{train,...}.txt)
 *   vocab:   {char: false, min_count: 1, max_size: 0, classes: 0, path: vocab.txt}
 *   model:   {cell: lstm, layers: 1, embed: 200, hidden: 200, output: class, tied: false,
 *             dropout: 0, independent_sentences: false, path: model.bin}
 *   train:   {optimizer: sgd, lr: 20, batch: 32, bptt: 20, epochs: 20, max_minutes: 0,
 *             threads: 0, seed: 1, resume: true}
 *   ngram:   [{path: lm.arpa.gz, name: kn5}]
 *            or [{path: kjv3.arpa.gz, build: {tool: irstlm, order: 3, text: a.txt}}]
 *   mix:     {kind: linear, weights: [0.5, 0.5]}     (no weights: EM on data.valid)
 *   scorer:  {cache_mb: 64, history_words: 0, oov_penalty: 0}   (a decoder's scorer: see
 *            rlm_recipe_open_scorer)
 *   nbest:   {format: kaldi, dev: {inputs: [...], references: dev.ref},
 *             test: {inputs: [...], references: test.ref}, lm_weight: 1, wip: 0}
 *   lattice: {format: slf, dev: {inputs: [dir or files], references: dev.ref},
 *             test: {inputs: [...], references: test.ref}, history: 3, beam: 20,
 *             max_arcs: 0, threads: 1, tune: true, nbest: 100, lm_weight: 10, wip: 0,
 *             oov_penalty: 0}
 *   tune:    {metric: wer, lm_weight: [lo, hi, step], wip: [...], mix_weight: [...]}
 *   spell:   {input: noisy.txt, references: clean.txt, dict: en_US, beam: 256, max_cands: 10,
 *             oov_penalty: 0, output: corrected.txt}
 *   report:  {path: report.md}
 *
 * Every section is optional; cross-section rules (a train section needs train and valid texts,
 * mix weights one per component, ...) are checked by the parser. Relative paths are resolved
 * against the recipe's directory. Unknown keys, duplicate keys, wrong types, out-of-range values,
 * YAML syntax errors, anchors/aliases and tags are errors whose message reads
 * "FILE:LINE:COLUMN: key.path: what", e.g.
 *   recipes/kjv.yaml:12:5: model.hidden: expected an integer in 1..65536, got "big"
 * Log base: mix and tune weights are plain numbers; lm_weight and wip scale log10 scores. */
#ifndef RLM_RECIPE_H
#define RLM_RECIPE_H

#include <stddef.h>

#include "rlm_mix.h"
#include "rlm_model.h"
#include "rlm_scorer.h"
#include "rlm_status.h"
#include "rlm_train.h"
#include "rlm_vocab.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A file the recipe names: path resolved against the recipe's directory (NULL when the recipe
 * does not name it), and where the recipe names it (1-based), for messages. */
typedef struct rlm_recipe_file {
    char *path;
    int line, column;
} rlm_recipe_file;

typedef struct rlm_recipe_data {
    int present;
    rlm_recipe_file train, valid, test; /* with kjv: DIR/kjv.{train,valid,test}.txt */
    rlm_recipe_file kjv_dir;            /* scripts/prepare_kjv.sh writes the texts here */
    int tokenize;                       /* the texts are raw: `rlm tokenize` them first */
} rlm_recipe_data;

typedef struct rlm_recipe_vocab {
    int present;
    rlm_vocab_options opt;
    rlm_recipe_file path; /* build the vocabulary into this file (rlm vocab build) */
} rlm_recipe_vocab;

typedef struct rlm_recipe_model {
    int present;
    rlm_model_config cfg;
    rlm_recipe_file path; /* the model file (trained into, or read); default WORKDIR/model.bin */
} rlm_recipe_model;

typedef struct rlm_recipe_train {
    int present;
    rlm_train_options opt; /* learning_rate is NaN when not given: rlm train's default for the
                              cell and optimizer; max_seconds = max_minutes * 60 */
    int resume;            /* continue MODEL.ckpt of an interrupted run (default 1) */
} rlm_recipe_train;

typedef struct rlm_recipe_ngram {
    rlm_recipe_file path;
    char *name; /* for tables; default: the file name */
    struct {    /* build: {tool: irstlm, order, text}: make path from text before it is used */
        int present;
        int order;            /* 1..10, default 3 */
        rlm_recipe_file text; /* default data.train (NULL here: the step uses data.train) */
    } build;
} rlm_recipe_ngram;

typedef struct rlm_recipe_mix {
    int present;
    rlm_mix_spec spec;  /* n_weights 0: linear weights by EM on data.valid */
    int line, column;   /* where the section is, for messages */
} rlm_recipe_mix;

/* The options of the scorer rlm_recipe_open_scorer makes (rlm_scorer_options); no step of
 * `rlm run` reads them. */
typedef struct rlm_recipe_scorer {
    int present;
    double cache_mb;    /* hidden-state cache limit in MiB, default 64; 0: no cache */
    int history_words;  /* 0 (default): whole histories; k: only the last k words */
    double oov_penalty; /* log10, added to the score of a word no model knows; default 0 */
} rlm_recipe_scorer;

/* The names rlm nbest's --format takes, in the order of decoder-glue/rlm_nbest.h's enum (the
 * recipe does not include that header: plugin/ does not depend on decoder-glue/). */
typedef enum rlm_recipe_nbest_format {
    RLM_RECIPE_NBEST_KALDI = 0,
    RLM_RECIPE_NBEST_SRILM,
    RLM_RECIPE_NBEST_MOSES,
    RLM_RECIPE_NBEST_POCKETSPHINX,
    RLM_RECIPE_NBEST_TSV
} rlm_recipe_nbest_format;

/* One set of n-best lists: its files as rlm nbest takes them (kaldi: TEXT [AC [LM]]) and its
 * references, `utt-id word ...` (Kaldi text). */
typedef struct rlm_recipe_nbest_set {
    int present;
    int n_inputs;
    rlm_recipe_file *inputs;
    rlm_recipe_file references; /* path NULL when not given */
} rlm_recipe_nbest_set;

/* Tune on dev (with a tune: section), rescore test, score the 1-best against test's
 * references. */
typedef struct rlm_recipe_nbest {
    int present;
    rlm_recipe_nbest_format format;
    const char *format_name;
    rlm_recipe_nbest_set dev, test; /* test is required; dev with tune: */
    double lm_weight; /* default 1; used without a tune: section */
    double wip;       /* word insertion penalty, default 0 */
} rlm_recipe_nbest;

/* Lattice rescoring with rlm lattice: per system (as for n-best lists) the dev lattices are
 * rescored at lm_weight/wip and their `nbest` best paths tuned on by rlm tune (with tune), then
 * the test lattices rescored at the tuned (else the given) weights; their 1-best is scored
 * against test's references. inputs: lattice files or directories (every file in them, in name
 * order), at most RLM_RECIPE_MAX_LATTICE_INPUTS. */
#define RLM_RECIPE_MAX_LATTICE_INPUTS 16
typedef struct rlm_recipe_lattice {
    int present;
    const char *format_name;        /* slf, kaldi, fst or fst-text (rlm lattice --format) */
    rlm_recipe_nbest_set dev, test; /* test is required; dev with tune */
    int history;                    /* --history K (0: whole histories), default 3 */
    double beam;                    /* --beam (log10), 0 (default): no beam */
    long long max_arcs;             /* --max-arcs, 0 (default): no limit */
    int threads;                    /* --threads, default 1 */
    int tune;                       /* tune on dev (default: when dev is given); needs tune: */
    int nbest;                      /* paths per dev lattice that rlm tune reads, default 100 */
    double lm_weight, wip;          /* the dev lists' weights (default 10, 0); the test's
                                       without tune (log10 scale, > 0 for lm_weight) */
    double oov_penalty;             /* --oov-penalty (log10, per word no model knows), default
                                       0; lattices hold words the LMs do not, which <unk>'s
                                       probability alone makes cheap */
} rlm_recipe_lattice;

/* A grid [lo, hi, step]; present 0 when not given. */
typedef struct rlm_recipe_range {
    int present;
    double lo, hi, step;
} rlm_recipe_range;

typedef struct rlm_recipe_tune {
    int present;
    int bleu; /* metric: 0 wer, 1 bleu */
    rlm_recipe_range lm_weight, wip, mix_weight;
} rlm_recipe_tune;

/* Spelling correction with rlm spell (hunspell's near misses, chosen by the model). */
typedef struct rlm_recipe_spell {
    int present;
    rlm_recipe_file input;      /* tokenised sentences, one a line */
    rlm_recipe_file references; /* the correct sentences, line by line (optional) */
    rlm_recipe_file output;     /* default WORKDIR/spell.out.txt */
    char *dict;                 /* hunspell dictionary, default en_US */
    int beam, max_cands;        /* 0: rlm spell's defaults */
    double oov_penalty;         /* log10, default 0 */
} rlm_recipe_spell;

typedef struct rlm_recipe {
    char *source;          /* the recipe's name as given (for messages) */
    char *dir;             /* its directory */
    rlm_recipe_file workdir; /* default: the recipe's directory */
    rlm_recipe_data data;
    rlm_recipe_vocab vocab;
    rlm_recipe_model model;
    rlm_recipe_train train;
    int n_ngrams;
    rlm_recipe_ngram ngram[RLM_MIX_MAX_MODELS - 1];
    rlm_recipe_mix mix;
    rlm_recipe_scorer scorer;
    rlm_recipe_nbest nbest;
    rlm_recipe_lattice lattice;
    rlm_recipe_tune tune;
    rlm_recipe_spell spell;
    struct {
        int present;
        rlm_recipe_file path;
    } report;
} rlm_recipe;

/* Recipes larger than this are refused (a recipe is a page of text). */
#define RLM_RECIPE_MAX_BYTES (1 << 20)

/* Parse a recipe file. Errors: RLM_E_IO (cannot read), RLM_E_FORMAT (everything else, with
 * "FILE:LINE:COLUMN: key.path: what"). Does not look at the files the recipe names. */
RLM_API rlm_status rlm_recipe_load(const char *path, rlm_recipe **out, rlm_error *err);
/* The same on text in memory; `name` stands for the file name in messages and its directory
 * resolves relative paths. */
RLM_API rlm_status rlm_recipe_parse(const char *text, size_t size, const char *name,
                                    rlm_recipe **out, rlm_error *err);
/* Checks that every input file the recipe names exists and is readable (texts the recipe's own
 * steps make, such as the KJV texts, are not inputs; lattice inputs may be directories): RLM_E_IO with
 * "FILE:LINE:COLUMN: key.path: PATH: No such file or directory". */
RLM_API rlm_status rlm_recipe_check_files(const rlm_recipe *r, rlm_error *err);
RLM_API void rlm_recipe_free(rlm_recipe *r);

/* The scorer a recipe describes, for a decoder: the RNN of model.path, the n-grams of
 * ngram[*].path (at most RLM_SCORER_MAX_NGRAMS), the mix (its weights written out: EM weights are
 * not estimated here) and the scorer: options. Loads the files. Errors read
 * "FILE:LINE:COLUMN: key: what", FILE the recipe: RLM_E_FORMAT when the recipe describes no
 * scorer, else the status of the model or n-gram loader, whose message follows the key. */
RLM_API rlm_status rlm_recipe_open_scorer(const rlm_recipe *r, rlm_scorer **out, rlm_error *err);

#ifdef __cplusplus
}
#endif

#endif
