/* Reads a RIFF/WAVE file of 16-bit linear PCM, one channel, into memory: the only audio the
 * pocketsphinx front end takes without conversion (sox makes it: `-r 16000 -c 1 -b 16`).
 * Part of the ps_nbest demo tool, not of librlm. */
#ifndef RLM_TOOLS_WAV_READ_H
#define RLM_TOOLS_WAV_READ_H

#include <stddef.h>
#include <stdint.h>

typedef struct wav_pcm16 {
    int16_t *samples; /* host byte order; free() it */
    size_t n;         /* number of samples */
    long rate;        /* samples per second */
} wav_pcm16;

/* Returns 0 and fills *out, or -1 with a message naming the file and the field at fault in
 * msg (for example "a.wav: fmt: 2 channels, expected 1"). Never aborts on a malformed file. */
int wav_read_pcm16(const char *path, wav_pcm16 *out, char *msg, size_t msg_size);

#endif
