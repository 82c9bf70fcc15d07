"""rlm from Python: the plugin table of plugin/rlm_plugin.h through ctypes (standard library only).

    import rlm
    with rlm.open("model.bin", ngrams=["lm.arpa"], mix="loglinear:0.7,0.3") as sc:
        state = sc.begin_state()                 # after <s>
        lp, state = sc.score(state, "the")       # log10 P(the | <s>)
        lp_end = sc.end(state)                   # log10 P(</s> | <s> the)

Log base: every score is a log10, as in ARPA files, KenLM and the C API. to_ln() gives the natural
log that pyctcdecode's alpha and Kaldi's costs assume (rlm_adapters.py has decoder-shaped classes).

The library: Library(path), or without a path $RLM_LIBRARY, then ctypes.util.find_library("rlm")
(an installed librlm.so). rlm_get_api(1) gives the table; its `size` is checked, so a library
whose table lacks version 1 is refused, and a later field (version 2's rescore_nbest) is read only
when the table has it (the header's RLM_API_HAS), else its method raises RlmUnsupported.

States are values: copy them freely, compare with ==, use them as dict keys (the library's
state_equal and state_hash). A state is valid while its scorer is open and until clear_histories.

Errors: a failing call raises an RlmError subclass (RlmIOError is an OSError, RlmArgError and
RlmFormatError are ValueErrors, ...) carrying the library's message, which names the file, line
and field. Threads: ctypes releases the GIL during each call and the C scorer is thread-safe; the
last error is kept per thread, so a message belongs to the call that failed.
"""
import ctypes
import ctypes.util
import dataclasses
import math
import os
from typing import Iterable, List, Optional, Sequence, Tuple, Union

API_VERSION = 2  # the header version whose table this module mirrors (it asks for version 1)
LN10 = math.log(10.0)
EOS = 0  # RLM_SCORER_EOS: `</s>` (and `<s>`)
UNK = 1  # RLM_SCORER_UNK: a word no model knows

_NGRAM_MAX_ORDER = 7  # RLM_NGRAM_MAX_ORDER, lm/rlm_ngram.h
_SCORER_MAX_NGRAMS = 4  # RLM_SCORER_MAX_NGRAMS, plugin/rlm_scorer.h

Word = Union[str, int]


def to_ln(log10_score: float) -> float:
    """A log10 score as a natural log (multiplied by ln 10)."""
    return log10_score * LN10


class RlmError(Exception):
    """A failure reported by librlm; str() is the library's message."""

    status = "error"


class RlmIOError(RlmError, OSError):
    status = "io"


class RlmFormatError(RlmError, ValueError):
    status = "format"


class RlmNoMemory(RlmError, MemoryError):
    status = "nomem"


class RlmArgError(RlmError, ValueError):
    status = "arg"


class RlmUnsupported(RlmError, NotImplementedError):
    status = "unsupported"


# rlm_status values (lm/rlm_status.h) to exceptions
_ERRORS = {1: RlmIOError, 2: RlmFormatError, 3: RlmNoMemory, 4: RlmArgError, 5: RlmUnsupported}


# The C structs, field for field; tests/python/layout_probe.c prints the C side for the test.
class _NgramState(ctypes.Structure):
    _fields_ = [
        ("words", ctypes.c_uint32 * (_NGRAM_MAX_ORDER - 1)),
        ("backoff", ctypes.c_float * (_NGRAM_MAX_ORDER - 1)),
        ("length", ctypes.c_uint8),
    ]


class _State(ctypes.Structure):
    _fields_ = [
        ("history", ctypes.c_uint32),
        ("n_ngrams", ctypes.c_uint32),
        ("ngram", _NgramState * _SCORER_MAX_NGRAMS),
    ]


class _Config(ctypes.Structure):
    _fields_ = [
        ("rnn_path", ctypes.c_char_p),
        ("ngram_paths", ctypes.POINTER(ctypes.c_char_p)),
        ("n_ngrams", ctypes.c_int),
        ("mix", ctypes.c_char_p),
        ("oov_log10penalty", ctypes.c_float),
        ("cache_bytes", ctypes.c_size_t),
        ("history_words", ctypes.c_int),
    ]


class _CacheStats(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_uint64)
        for name in ("hits", "misses", "insertions", "evictions", "entries", "bytes",
                     "limit_bytes", "histories")
    ]


_F = ctypes.CFUNCTYPE
_p = ctypes.POINTER
_sc = ctypes.c_void_p  # rlm_scorer *


class _Api(ctypes.Structure):
    """struct rlm_api, version 2 (fields are only ever appended)."""

    _fields_ = [
        ("version", ctypes.c_int),
        ("size", ctypes.c_size_t),
        ("scorer_open", _F(ctypes.c_int, _p(_Config), _p(_sc))),
        ("scorer_open_recipe", _F(ctypes.c_int, ctypes.c_char_p, _p(_sc))),
        ("scorer_free", _F(None, _sc)),
        ("word_id", _F(ctypes.c_int32, _sc, ctypes.c_char_p, ctypes.c_size_t)),
        ("begin", _F(None, _sc, _p(_State))),
        ("score", _F(ctypes.c_float, _sc, _p(_State), ctypes.c_int32, _p(_State))),
        ("score_batch", _F(None, _sc, _p(_State), _p(ctypes.c_int32), ctypes.c_int,
                           _p(_State), _p(ctypes.c_float))),
        ("end", _F(ctypes.c_float, _sc, _p(_State))),
        ("score_sentence", _F(ctypes.c_double, _sc, _p(ctypes.c_int32), ctypes.c_size_t,
                              _p(ctypes.c_float))),
        ("state_hash", _F(ctypes.c_uint64, _p(_State))),
        ("state_equal", _F(ctypes.c_int, _p(_State), _p(_State))),
        ("cache_stats", _F(None, _sc, _p(_CacheStats))),
        ("clear_histories", _F(None, _sc)),
        ("last_error", _F(ctypes.c_char_p)),
        # version 2
        ("rescore_nbest", _F(ctypes.c_int, _sc, _p(_p(ctypes.c_int32)), _p(ctypes.c_size_t),
                             ctypes.c_size_t, _p(ctypes.c_double))),
    ]


_V1_SIZE = _Api.rescore_nbest.offset  # sizeof(struct rlm_api) of a version-1 library


_C_STRUCTS = {
    "rlm_ngram_state": _NgramState,
    "rlm_scorer_state": _State,
    "rlm_scorer_config": _Config,
    "rlm_scorer_cache_stats": _CacheStats,
    "rlm_api": _Api,
}


def layout() -> dict:
    """Sizes and field offsets of the mirrored structs, keyed as layout_probe.c prints them
    ("rlm_api sizeof", "rlm_api.score", ...)."""
    out = {}
    for cname, cls in _C_STRUCTS.items():
        out[cname + " sizeof"] = ctypes.sizeof(cls)
        for name, _ in cls._fields_:
            out[f"{cname}.{name}"] = getattr(cls, name).offset
    return out


class Library:
    """A loaded librlm.so and its function table."""

    def __init__(self, path: Optional[str] = None):
        path = path or os.environ.get("RLM_LIBRARY") or ctypes.util.find_library("rlm")
        if not path:
            raise RlmIOError("librlm.so not found: pass its path, set RLM_LIBRARY, or install "
                             "it (make install)")
        try:
            self._dll = ctypes.CDLL(path)
        except OSError as e:
            raise RlmIOError(f"{path}: cannot load librlm: {e}") from None
        self.path = path
        try:
            get, self._reason = self._dll.rlm_get_api, self._dll.rlm_get_api_reason
        except AttributeError:
            raise RlmIOError(f"{path}: not librlm: it has no rlm_get_api") from None
        get.argtypes, get.restype = [ctypes.c_int], _p(_Api)
        self._get = get
        self._reason.argtypes, self._reason.restype = [], ctypes.c_char_p
        self.api = self.table(1)
        self.version = self.api.version

    def table(self, version: int) -> _Api:
        """rlm_get_api(version), checked: RlmUnsupported with the library's reason for a version
        it cannot serve, or when its table is smaller than version 1's."""
        p = self._get(version)
        if not p:
            raise RlmUnsupported(f"{self.path}: {self._reason().decode()}")
        t = p.contents
        if t.size < _V1_SIZE:
            raise RlmUnsupported(f"{self.path}: function table of {t.size} bytes, smaller than "
                                 f"the {_V1_SIZE} of version 1")
        return t

    def has(self, field: str) -> bool:
        """Whether the library's table has the field (RLM_API_HAS)."""
        f = getattr(_Api, field)
        return self.api.size >= f.offset + f.size

    def error(self, status: int) -> RlmError:
        """The exception for a failed call's rlm_status, with this thread's last message."""
        message = self.api.last_error().decode("utf-8", "replace")
        return _ERRORS.get(status, RlmError)(message or f"rlm status {status}")


@dataclasses.dataclass
class Config:
    """rlm_scorer_config: an RNN model, ARPA/binary n-grams and how to mix them (see
    plugin/rlm_scorer.h and `rlm eval --help` for mix specs such as "linear:0.5" or
    "loglinear:0.7,0.3"; None = the RNN alone)."""

    model: str
    ngrams: Sequence[str] = ()
    mix: Optional[str] = None
    oov_log10penalty: float = 0.0  # log10, added to the score of a word no model knows
    cache_bytes: int = 0  # hidden-state cache; 0 = the library's default (64 MiB)
    history_words: int = 0  # keep only the last k words of history; 0 = all


class State:
    """A scorer state: a value that compares and hashes by the library's rules."""

    __slots__ = ("_c", "_scorer")

    def __init__(self, c: _State, scorer: "Scorer"):
        self._c = c
        self._scorer = scorer

    def __eq__(self, other):
        if not isinstance(other, State):
            return NotImplemented
        return (self._scorer is other._scorer and
                bool(self._scorer._fn.state_equal(self._c, other._c)))

    def __hash__(self):
        return self._scorer._fn.state_hash(self._c)

    def __repr__(self):
        return f"rlm.State(history={self._c.history}, n_ngrams={self._c.n_ngrams})"


class _Functions:
    """The table's function pointers, read once (reading a ctypes field builds a new object);
    None for a field the library's table lacks."""

    def __init__(self, library: Library):
        for name, _ in _Api._fields_[2:]:
            setattr(self, name, getattr(library.api, name) if library.has(name) else None)


class Scorer:
    """An RNN (plus n-grams) behind KenLM's state shape; every score a log10."""

    def __init__(self, config: Config, library: Union[None, str, Library] = None):
        self._setup(library)
        paths = [os.fsencode(p) for p in config.ngrams]
        c = _Config(rnn_path=os.fsencode(config.model),
                    ngram_paths=(ctypes.c_char_p * max(1, len(paths)))(*paths),
                    n_ngrams=len(paths),
                    mix=config.mix.encode("utf-8") if config.mix is not None else None,
                    oov_log10penalty=config.oov_log10penalty,
                    cache_bytes=config.cache_bytes, history_words=config.history_words)
        self._adopt(self._fn.scorer_open(ctypes.byref(c), ctypes.byref(self._sc)))
        self.config = config

    @classmethod
    def from_recipe(cls, path: str, library: Union[None, str, Library] = None) -> "Scorer":
        """The scorer a YAML recipe describes (the table's scorer_open_recipe)."""
        self = cls.__new__(cls)
        self._setup(library)
        self._adopt(self._fn.scorer_open_recipe(os.fsencode(path), ctypes.byref(self._sc)))
        self.config = None
        return self

    def _setup(self, library):
        self.library = library if isinstance(library, Library) else Library(library)
        self._fn = _Functions(self.library)
        self._sc = ctypes.c_void_p()

    def _adopt(self, status: int):
        if status != 0:
            self._sc = None
            raise self.library.error(status)

    def _handle(self):
        if not self._sc:
            raise ValueError("rlm scorer is closed")
        return self._sc

    def close(self):
        """Frees the scorer; its states must not be scored again."""
        if getattr(self, "_sc", None):
            self._fn.scorer_free(self._sc)
        self._sc = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    def word_id(self, word: str) -> int:
        """The scorer's id of a word: UNK when no model knows it, EOS for "</s>" and "<s>"."""
        b = word.encode("utf-8")
        return self._fn.word_id(self._handle(), b, len(b))

    def _id(self, word: Word) -> int:
        return word if isinstance(word, int) else self.word_id(word)

    def _ids(self, words: Union[str, Iterable[Word]]) -> List[int]:
        """Word ids of a sentence: a string split on whitespace, or spellings and ids."""
        return [self._id(w) for w in (words.split() if isinstance(words, str) else words)]

    def _state(self, c: _State) -> State:
        return State(c, self)

    def begin_state(self) -> State:
        """The state after `<s>`."""
        c = _State()
        self._fn.begin(self._handle(), c)
        return self._state(c)

    def score(self, state: State, word: Word) -> Tuple[float, State]:
        """(log10 P(word | state), the successor state); word a spelling or a word_id."""
        out = _State()
        lp = self._fn.score(self._handle(), state._c, self._id(word), out)
        if math.isnan(lp):
            raise RlmNoMemory("rlm scorer: out of memory while scoring")
        return lp, self._state(out)

    def score_batch(self, states: Sequence[State],
                    words: Sequence[Word]) -> Tuple[List[float], List[State]]:
        """score() for every (state, word) pair in one call (one matrix product per layer)."""
        n = len(states)
        if len(words) != n:
            raise ValueError(f"score_batch: {n} states but {len(words)} words")
        ins, outs = (_State * n)(*(s._c for s in states)), (_State * n)()
        ids = (ctypes.c_int32 * n)(*(self._id(w) for w in words))
        scores = (ctypes.c_float * n)()
        self._fn.score_batch(self._handle(), ins, ids, n, outs, scores)
        if any(math.isnan(x) for x in scores):
            raise RlmNoMemory("rlm scorer: out of memory while scoring a batch")
        return list(scores), [self._state(outs[i]) for i in range(n)]

    def end(self, state: State) -> float:
        """log10 P(</s> | state)."""
        return self._fn.end(self._handle(), state._c)

    def score_sentence(self, words: Union[str, Iterable[Word]]) -> Tuple[float, List[float]]:
        """(total log10, the per-token log10s) of the words and `</s>` from `<s>`; a string is
        split on whitespace."""
        ids = self._ids(words)
        per_word = (ctypes.c_float * (len(ids) + 1))()
        total = self._fn.score_sentence(self._handle(), (ctypes.c_int32 * len(ids))(*ids),
                                        len(ids), per_word)
        return total, list(per_word)

    def rescore_nbest(self, hyps: Sequence[Union[str, Sequence[Word]]]) -> List[float]:
        """The log10 score_sentence gives each hypothesis of one utterance (to float rounding),
        shared prefixes scored once (table version 2); a string is split on whitespace."""
        if self._fn.rescore_nbest is None:
            raise RlmUnsupported(f"{self.library.path}: rescore_nbest needs a version-2 table; "
                                 f"this library serves version {self.library.version}")
        n = len(hyps)
        ids = [self._ids(h) for h in hyps]
        arrays = [(ctypes.c_int32 * len(h))(*h) for h in ids]
        ptrs = (_p(ctypes.c_int32) * n)(*(ctypes.cast(a, _p(ctypes.c_int32)) for a in arrays))
        lens = (ctypes.c_size_t * n)(*(len(h) for h in ids))
        lm = (ctypes.c_double * n)()
        status = self._fn.rescore_nbest(self._handle(), ptrs, lens, n, lm)
        if status != 0:
            raise self.library.error(status)
        return list(lm)

    def cache_stats(self) -> dict:
        """Hidden-state cache counters: hits, misses, insertions, evictions, entries, bytes,
        limit_bytes, histories."""
        st = _CacheStats()
        self._fn.cache_stats(self._handle(), st)
        return {name: getattr(st, name) for name, _ in _CacheStats._fields_}

    def clear_histories(self):
        """Forgets every history (call between utterances); every earlier state is invalid."""
        self._fn.clear_histories(self._handle())

    def last_error(self) -> str:
        """This thread's last failure message from the library, or ""."""
        return self._fn.last_error().decode("utf-8", "replace")


def open(model: str, ngrams: Sequence[str] = (), mix: Optional[str] = None, *,
         library: Union[None, str, Library] = None, **options) -> Scorer:
    """Scorer(Config(model, ngrams, mix, **options), library)."""
    return Scorer(Config(model, tuple(ngrams), mix, **options), library)
