/* One pocketsphinx decoder that turns WAV files into a 1-best line and n-best lines (format in
 * ps_nbest.c), with the score checks. Part of the ps_nbest demo tool, not of librlm. */
#ifndef RLM_TOOLS_PS_DECODE_H
#define RLM_TOOLS_PS_DECODE_H

#include <stdio.h>

#include <pocketsphinx.h>

#define PS_MAX_FILLERS 64

/* pocketsphinx's log, captured to write it to a file and to read the one number the API does
 * not give: bestpath's score of the best path without the final node ("Bestpath score: N"). */
typedef struct ps_log {
    FILE *f;
    int have_bestpath;
    long bestpath;
} ps_log;

typedef struct ps_decode {
    ps_decoder_t *ps;
    ngram_model_t *lm; /* the decoder's, word ids of the dictionary */
    float lw, bestpath_lw;
    double log_wip; /* log base 1.0001 of -wip */
    long samprate;
    int n_best;
    const char *lattice_dir; /* when set, each utterance's lattice goes to DIR/UTT.slf */
    char *fillers[PS_MAX_FILLERS]; /* the acoustic model's noisedict words */
    int n_fillers;
    ps_log log; /* registered with sphinxbase: a ps_decode must not move while open */
} ps_decode;

typedef struct ps_totals {
    int utts, failed, hyps, lattices_written, lattice_errors, stopped_early, unknown, lscore_mismatch, best_missing;
    long pops;
    double audio_s, decode_s, nbest_s;
} ps_totals;

/* Starts pocketsphinx with ps_argv ("-name value" pairs), its log going to log_path. Returns 0,
 * or -1 with a message on stderr (then call ps_decode_close). */
int ps_decode_open(ps_decode *d, int ps_argc, char **ps_argv, const char *log_path, int n_best);

/* Decodes wav as utterance utt: one line to onebest, up to n_best lines to nbest, the score
 * checks on stderr when check is set; adds to *t. Returns 0, or -1 when the audio could not be
 * read or decoded (the message is on stderr). */
int ps_decode_file(ps_decode *d, const char *utt, const char *wav, int check, FILE *nbest,
                   FILE *onebest, ps_totals *t);

void ps_decode_close(ps_decode *d);

#endif
