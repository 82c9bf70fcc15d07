/* The recipe sections that make a language model: data, vocab, model, train. Their keys are the
 * names of rlm train's options (with _ for -), and they fill the same option structs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recipe_sections.h"

static rlm_status kjv_text(const recipe_ctx *c, const rlm_recipe_file *dir, const char *split,
                           rlm_recipe_file *out) {
    char name[32];
    snprintf(name, sizeof name, "kjv.%s.txt", split);
    if (!(out->path = recipe_join(dir->path, name)))
        return rlm_fail(c->err, RLM_E_NOMEM, "out of memory");
    out->line = dir->line, out->column = dir->column;
    return RLM_OK;
}

rlm_status recipe_data(const recipe_ctx *c, const ynode *n, rlm_recipe_data *d) {
    static const char *const keys[] = {"train", "valid", "test", "kjv", "tokenize", NULL};
    static const char *const kjv_keys[] = {"dir", NULL};
    RECIPE_TRY(recipe_map(c, n, "data", keys));
    const ynode *v;
    d->present = 1;
    if ((v = recipe_find(n, "train"))) RECIPE_TRY(recipe_path(c, v, "data.train", &d->train));
    if ((v = recipe_find(n, "valid"))) RECIPE_TRY(recipe_path(c, v, "data.valid", &d->valid));
    if ((v = recipe_find(n, "test"))) RECIPE_TRY(recipe_path(c, v, "data.test", &d->test));
    if ((v = recipe_find(n, "tokenize")))
        RECIPE_TRY(recipe_bool(c, v, "data.tokenize", &d->tokenize));
    if (!(v = recipe_find(n, "kjv"))) return RLM_OK;
    RECIPE_TRY(recipe_map(c, v, "data.kjv", kjv_keys));
    const ynode *dir = recipe_find(v, "dir");
    if (!dir)
        return recipe_at(c, v, "data.kjv", "missing key \"dir\" (where scripts/prepare_kjv.sh "
                         "writes kjv.{train,valid,test}.txt)");
    if (d->train.path || d->valid.path || d->test.path)
        return recipe_at(c, v, "data.kjv", "give either kjv or train/valid/test files, not both");
    if (d->tokenize)
        return recipe_at(c, v, "data.kjv", "the KJV texts are tokenised already: drop tokenize");
    RECIPE_TRY(recipe_path(c, dir, "data.kjv.dir", &d->kjv_dir));
    RECIPE_TRY(kjv_text(c, &d->kjv_dir, "train", &d->train));
    RECIPE_TRY(kjv_text(c, &d->kjv_dir, "valid", &d->valid));
    return kjv_text(c, &d->kjv_dir, "test", &d->test);
}

rlm_status recipe_vocab(const recipe_ctx *c, const ynode *n, rlm_recipe_vocab *v) {
    static const char *const keys[] = {"char", "min_count", "max_size", "classes", "path", NULL};
    RECIPE_TRY(recipe_map(c, n, "vocab", keys));
    const ynode *x;
    int64_t i;
    v->present = 1;
    if ((x = recipe_find(n, "char")))
        RECIPE_TRY(recipe_bool(c, x, "vocab.char", &v->opt.char_level));
    if ((x = recipe_find(n, "min_count"))) {
        RECIPE_TRY(recipe_int(c, x, "vocab.min_count", 1, 1000000000, &i));
        v->opt.min_count = i;
    }
    if ((x = recipe_find(n, "max_size"))) {
        RECIPE_TRY(recipe_int(c, x, "vocab.max_size", 0, 1000000000, &i));
        v->opt.max_size = i;
    }
    if ((x = recipe_find(n, "classes"))) {
        RECIPE_TRY(recipe_int(c, x, "vocab.classes", 0, 1000000, &i));
        v->opt.num_classes = (int32_t)i;
    }
    if ((x = recipe_find(n, "path"))) RECIPE_TRY(recipe_path(c, x, "vocab.path", &v->path));
    return RLM_OK;
}

rlm_status recipe_model(const recipe_ctx *c, const ynode *n, rlm_recipe_model *m) {
    static const char *const keys[] = {"cell", "layers", "embed", "hidden", "output", "tied",
                                       "dropout", "independent_sentences", "path", NULL};
    static const char *const cells[] = {"lstm", "gru", "rnn", "rnn-relu", NULL};
    static const char *const outputs[] = {"class", "full", NULL};
    RECIPE_TRY(recipe_map(c, n, "model", keys));
    const ynode *x;
    int64_t i;
    int e;
    double d;
    m->present = 1;
    if ((x = recipe_find(n, "cell"))) {
        RECIPE_TRY(recipe_enum(c, x, "model.cell", cells, &e));
        m->cfg.cell = (rlm_cell_type)rlm_cell_type_parse(cells[e]);
    }
    if ((x = recipe_find(n, "layers"))) {
        RECIPE_TRY(recipe_int(c, x, "model.layers", 1, RLM_MAX_LAYERS, &i));
        m->cfg.layers = (int32_t)i;
    }
    if ((x = recipe_find(n, "embed"))) {
        RECIPE_TRY(recipe_int(c, x, "model.embed", 1, 65536, &i));
        m->cfg.embed_size = (int32_t)i;
    }
    if ((x = recipe_find(n, "hidden"))) {
        RECIPE_TRY(recipe_int(c, x, "model.hidden", 1, 65536, &i));
        m->cfg.hidden_size = (int32_t)i;
    }
    if ((x = recipe_find(n, "output"))) {
        RECIPE_TRY(recipe_enum(c, x, "model.output", outputs, &e));
        m->cfg.output = e ? RLM_OUTPUT_FULL : RLM_OUTPUT_CLASS;
    }
    if ((x = recipe_find(n, "dropout"))) {
        RECIPE_TRY(recipe_number(c, x, "model.dropout", 0, 1, RECIPE_HI_OPEN, "in [0, 1)", &d));
        m->cfg.dropout = (float)d;
    }
    if ((x = recipe_find(n, "independent_sentences"))) {
        RECIPE_TRY(recipe_bool(c, x, "model.independent_sentences", &e));
        m->cfg.independent_sentences = e;
    }
    if ((x = recipe_find(n, "path"))) RECIPE_TRY(recipe_path(c, x, "model.path", &m->path));
    if ((x = recipe_find(n, "tied"))) {
        RECIPE_TRY(recipe_bool(c, x, "model.tied", &e));
        m->cfg.tied = e;
        if (e && m->cfg.embed_size != m->cfg.hidden_size)
            return recipe_at(c, x, "model.tied", "tied embeddings need embed == hidden, got %d "
                             "and %d", m->cfg.embed_size, m->cfg.hidden_size);
    }
    return RLM_OK;
}

rlm_status recipe_train(const recipe_ctx *c, const ynode *n, rlm_recipe_train *t) {
    static const char *const keys[] = {"optimizer", "lr", "batch", "bptt", "epochs",
                                       "max_minutes", "threads", "seed", "resume", NULL};
    static const char *const optimizers[] = {"sgd", "adam", NULL};
    RECIPE_TRY(recipe_map(c, n, "train", keys));
    const ynode *x;
    int64_t i;
    int e;
    double d;
    t->present = 1;
    if ((x = recipe_find(n, "optimizer"))) {
        RECIPE_TRY(recipe_enum(c, x, "train.optimizer", optimizers, &e));
        t->opt.optimizer = e ? RLM_OPT_ADAM : RLM_OPT_SGD;
    }
    if ((x = recipe_find(n, "lr"))) {
        RECIPE_TRY(recipe_number(c, x, "train.lr", 0, 1000, RECIPE_LO_OPEN, "in (0, 1000]", &d));
        t->opt.learning_rate = (float)d;
    }
    if ((x = recipe_find(n, "batch"))) {
        RECIPE_TRY(recipe_int(c, x, "train.batch", 1, 65536, &i));
        t->opt.batch = (int32_t)i;
    }
    if ((x = recipe_find(n, "bptt"))) {
        RECIPE_TRY(recipe_int(c, x, "train.bptt", 1, 10000, &i));
        t->opt.bptt = (int32_t)i;
    }
    if ((x = recipe_find(n, "epochs"))) {
        RECIPE_TRY(recipe_int(c, x, "train.epochs", 1, 1000000, &i));
        t->opt.max_epochs = (int32_t)i;
    }
    if ((x = recipe_find(n, "max_minutes"))) {
        RECIPE_TRY(recipe_number(c, x, "train.max_minutes", 0, 1e7, 0, "in [0, 1e7]", &d));
        t->opt.max_seconds = d * 60;
    }
    if ((x = recipe_find(n, "threads"))) {
        RECIPE_TRY(recipe_int(c, x, "train.threads", 0, 4096, &i));
        t->opt.threads = (int32_t)i;
    }
    if ((x = recipe_find(n, "seed"))) {
        RECIPE_TRY(recipe_int(c, x, "train.seed", 0, 4294967295LL, &i));
        t->opt.seed = (uint64_t)i;
    }
    if ((x = recipe_find(n, "resume"))) RECIPE_TRY(recipe_bool(c, x, "train.resume", &t->resume));
    return RLM_OK;
}
