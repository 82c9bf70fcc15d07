#!/usr/bin/env python3
"""Writes the model-file seeds and malformed examples in tests/data/malformed/model/.

Run from the repository root: python3 tests/fuzz/gen_model_corpus.py
The layout is the one lm/model_file.h documents; each file's purpose is in the README there.
Independent of the C writer on purpose, so it also checks that the format is what the header says.
"""
import os
import struct
import zlib

OUT = "tests/data/malformed/model"


def vocab_blob(tokens, classes):
    """rlm_vocab_serialize's layout: "RLMV", version, flags, size, num_classes, entries."""
    b = b"RLMV" + struct.pack("<IIII", 1, 0, len(tokens), max(classes) + 1)
    for i, (tok, cls) in enumerate(zip(tokens, classes)):
        t = tok.encode()
        b += struct.pack("<I", len(t)) + t + struct.pack("<QI", 100 - i, cls)
    return b


def param_count(cell, output, layers, embed, hidden, tied, V, C):
    gates = {0: 1, 1: 1, 2: 4, 3: 3}[cell] * hidden
    n = V * embed
    for l in range(layers):
        n += (embed if l == 0 else hidden) * gates + hidden * gates + gates
    n += (0 if tied else V * hidden) + V
    if output == 1:
        n += C * hidden + C
    return n


def model(cell=0, output=0, layers=1, embed=2, hidden=3, tied=0, dropout=0.0, indep=0,
          tokens=("</s>", "<unk>", "a", "b"), classes=(0, 0, 1, 1), state=None,
          version=1, flags=None, n_params=None, vocab_size=None, num_classes=None,
          vocab=None, params=None, fix_crc=True):
    V = len(tokens)
    C = (max(classes) + 1) if output == 1 else 0
    if n_params is None:
        n_params = param_count(cell, output, layers, embed, hidden, tied, V, C)
    if vocab is None:
        vocab = vocab_blob(tokens, classes)
    if params is None:
        params = [((i * 7) % 11 - 5) / 10.0 for i in range(n_params)]
    if flags is None:
        flags = 1 if state is not None else 0
    b = b"RLMMODEL" + struct.pack("<II", version, flags)
    b += struct.pack("<IIIIIIfI", cell, output, layers, embed, hidden, tied, dropout, indep)
    b += struct.pack("<II", V if vocab_size is None else vocab_size,
                     C if num_classes is None else num_classes)
    b += struct.pack("<QQ", n_params, len(vocab)) + vocab
    b += b"".join(struct.pack("<f", x) for x in params)
    if state is not None:
        b += struct.pack("<Q", len(state)) + state
    return b + struct.pack("<I", zlib.crc32(b) if fix_crc else 0)


def with_crc(b):
    """b with its last four bytes replaced by the CRC of the rest."""
    return b[:-4] + struct.pack("<I", zlib.crc32(b[:-4]))


def patch(b, off, fmt, value):
    return with_crc(b[:off] + struct.pack(fmt, value) + b[off + struct.calcsize(fmt):])


def main():
    os.makedirs(OUT, exist_ok=True)
    valid = model()
    lstm = model(cell=2, output=1, layers=2, embed=2, hidden=2, tied=1, dropout=0.25, indep=1,
                 state=b"state")
    vocab_len = struct.unpack_from("<Q", valid, 64)[0]
    params_off = 72 + vocab_len
    files = {
        "valid_rnn_full.bin": valid,
        "valid_lstm_class_tied_state.bin": lstm,
        "valid_gru_class.bin": model(cell=3, output=1),
        "empty.bin": b"",
        "bad_magic.bin": b"RLMMODEX" + valid[8:],
        "foreign_arpa.bin": b"\\data\\\nngram 1=2\n\n\\1-grams:\n-1\t</s>\n-1\t<s>\n\n\\end\\\n",
        "truncated_header.bin": valid[:40],
        "truncated_vocabulary.bin": valid[:params_off - 5],
        "truncated_parameters.bin": valid[:-9],
        "truncated_state.bin": lstm[:-6],
        "no_checksum.bin": valid[:-4],
        "trailing_bytes.bin": valid + b"\0\0\0",
        "bad_checksum.bin": valid[:params_off] + bytes([valid[params_off] ^ 1]) + valid[params_off + 1:],
        "version_2.bin": patch(valid, 8, "<I", 2),
        "version_0.bin": patch(valid, 8, "<I", 0),
        "unknown_flags.bin": patch(valid, 12, "<I", 6),
        "flag_state_without_state.bin": patch(valid, 12, "<I", 1),
        "bad_cell.bin": patch(valid, 16, "<I", 4),
        "bad_output.bin": patch(valid, 20, "<I", 7),
        "layers_0.bin": patch(valid, 24, "<I", 0),
        "layers_huge.bin": patch(valid, 24, "<I", 0xFFFFFFFF),
        "tied_mismatch.bin": patch(valid, 36, "<I", 1),
        "dropout_nan.bin": patch(valid, 40, "<I", 0x7FC00000),
        "hidden_size_mismatch.bin": patch(valid, 32, "<I", 4),
        "vocab_size_mismatch.bin": patch(valid, 48, "<I", 5),
        "num_classes_full.bin": patch(valid, 52, "<I", 2),
        "n_params_huge.bin": patch(valid, 56, "<Q", 2**64 - 1),
        "n_params_minus_one.bin": patch(valid, 56, "<Q", struct.unpack_from("<Q", valid, 56)[0] - 1),
        "vocab_bytes_huge.bin": patch(valid, 64, "<Q", 2**63),
        "state_size_huge.bin": with_crc(lstm[:len(lstm) - 4 - 5 - 8] + struct.pack("<Q", 2**62)
                                        + lstm[-9:]),
        "vocab_duplicate_token.bin": model(tokens=("</s>", "<unk>", "a", "a")),
        "vocab_bad_specials.bin": model(tokens=("<unk>", "</s>", "a", "b")),
        "vocab_bad_classes.bin": model(classes=(0, 1, 0, 1)),
        "vocab_length_overflow.bin": model(vocab=vocab_blob(["</s>", "<unk>", "a", "b"], [0, 0, 1, 1])[:20]
                                           + struct.pack("<I", 0xFFFFFFF0) + b"x" * 80),
        "param_nan.bin": patch(valid, params_off + 4 * 17, "<I", 0x7FC00000),
        "param_inf.bin": patch(valid, params_off, "<I", 0x7F800000),
    }
    for name, data in sorted(files.items()):
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
