"""rlm.Scorer in the shapes of the language-model interfaces three decoders call.

    KenlmLike         kenlm's Python module: BaseScore(in_state, word, out_state), log10
    PyctcdecodeLM     pyctcdecode's AbstractLanguageModel: score(prev_state, word, is_last_word),
                      alpha * ln P + beta
    FlashlightLike    flashlight's fl::lib::text::LM: start/score/finish -> (state, log10)

Each wraps one rlm.Scorer (the table entries begin, score, end, word_id, state_hash/equal); none
imports the decoder it imitates. Written from those projects' interfaces, not their code.

rlm has no context-free state: the RNN's history always starts at `<s>`. Where a decoder asks for
KenLM's null context (NullContextWrite, flashlight's start(True), pyctcdecode's
score_boundary=False) it gets the begin-of-sentence state, as the model was trained to start.
"""
from typing import Iterable, Optional, Sequence, Tuple

import rlm


class KenlmState:
    """kenlm.State's shape: a mutable holder that BaseScore and *Write fill in; == and hash
    follow the scorer's state_equal and state_hash."""

    __slots__ = ("state",)

    def __init__(self, state: Optional[rlm.State] = None):
        self.state = state

    def __eq__(self, other):
        return isinstance(other, KenlmState) and self.state == other.state

    def __hash__(self):
        return hash(self.state)

    def __repr__(self):
        return f"KenlmState({self.state!r})"


class KenlmLike:
    """kenlm.Model's scoring calls over an rlm scorer; every score a log10, as kenlm returns.

        m = KenlmLike(scorer)
        s, t = KenlmState(), KenlmState()
        m.BeginSentenceWrite(s)
        total = m.BaseScore(s, "the", t) + m.BaseScore(t, "</s>", s)
    """

    def __init__(self, scorer: rlm.Scorer, order: Optional[int] = None):
        self.scorer = scorer
        self._order = order

    @property
    def order(self) -> int:
        """What the caller passed, else history_words + 1 for a k-word history, else a large
        number: a full-history RNN has no finite order, and decoders that keep the last
        order - 1 words for recombination then keep them all. With n-grams of a higher order
        than k + 1 mixed in, pass order."""
        if self._order is not None:
            return self._order
        k = self.scorer.config.history_words if self.scorer.config else 0
        return k + 1 if k > 0 else 1 << 30

    def BeginSentenceWrite(self, state: KenlmState) -> None:
        state.state = self.scorer.begin_state()

    def NullContextWrite(self, state: KenlmState) -> None:
        """The begin-of-sentence state (rlm has no null context; see the module docstring)."""
        self.BeginSentenceWrite(state)

    def BaseScore(self, in_state: KenlmState, word: str, out_state: KenlmState) -> float:
        """log10 P(word | in_state), writing the successor to out_state; "</s>" ends the
        sentence as in kenlm. in_state and out_state may be the same object."""
        lp, out_state.state = self.scorer.score(in_state.state, word)
        return lp

    def score(self, sentence: str, bos: bool = True, eos: bool = True) -> float:
        """Total log10 of a whitespace-separated sentence from `<s>`, plus `</s>` when eos."""
        if not bos:
            raise ValueError("rlm scores from <s> only (bos=False needs a null context)")
        total, per_word = self.scorer.score_sentence(sentence)
        return total if eos else total - per_word[-1]

    def __contains__(self, word: str) -> bool:
        return self.scorer.word_id(word) != rlm.UNK


class PyctcdecodeLM:
    """pyctcdecode's language-model interface (AbstractLanguageModel: order, get_start_state,
    score_partial_token, score) over an rlm scorer.

    Conventions follow pyctcdecode's LanguageModel (kensho-technologies/pyctcdecode,
    pyctcdecode/language_model.py and constants.py, read at commit 028ebb1):
      score = alpha * ln(10) * (log10 P(word | prev) [+ unk_score_offset if the word is unknown]
              [+ log10 P(</s> | word) if is_last_word and score_boundary]) + beta
    so alpha and beta tuned with pyctcdecode + KenLM carry over; unk_score_offset (log10, default
    -10) is added for a word outside `unigrams` (when given) or unknown to every model;
    score_partial_token gives unk_score_offset for a partial word that begins no unigram (every
    partial word when unigrams is None), scaled by len/6 beyond 6 characters, unscaled by alpha.
    The state handed back from score() with is_last_word is the state after the word, not after
    `</s>`, so the beam can still be extended. Pass an instance as pyctcdecode's language_model
    (register it with AbstractLanguageModel.register(PyctcdecodeLM) if a check asks for the base);
    alpha, beta, unk_score_offset and score_boundary are plain attributes, the names
    BeamSearchDecoderCTC.reset_params sets.
    """

    AVG_TOKEN_LEN = 6  # pyctcdecode's expected characters per word for partial-word penalties

    def __init__(self, scorer: rlm.Scorer, unigrams: Optional[Iterable[str]] = None,
                 alpha: float = 0.5, beta: float = 1.5, unk_score_offset: float = -10.0,
                 score_boundary: bool = True, order: Optional[int] = None):
        self.scorer = scorer
        self._kenlm = KenlmLike(scorer, order)
        self.unigrams = None if unigrams is None else {w for w in unigrams if w in self._kenlm}
        self._prefixes = None if self.unigrams is None else {
            w[:i] for w in self.unigrams for i in range(1, len(w) + 1)}
        self.alpha, self.beta = alpha, beta
        self.unk_score_offset = unk_score_offset
        self.score_boundary = score_boundary

    @property
    def order(self) -> int:
        return self._kenlm.order

    def get_start_state(self) -> rlm.State:
        return self.scorer.begin_state()

    def score_partial_token(self, partial_token: str) -> float:
        known = self._prefixes is not None and partial_token in self._prefixes
        penalty = 0.0 if known else self.unk_score_offset
        if len(partial_token) > self.AVG_TOKEN_LEN:
            penalty *= len(partial_token) / self.AVG_TOKEN_LEN
        return penalty

    def score(self, prev_state: rlm.State, word: str,
              is_last_word: bool = False) -> Tuple[float, rlm.State]:
        lp, end_state = self.scorer.score(prev_state, word)
        if (self.unigrams and word not in self.unigrams) or word not in self._kenlm:
            lp += self.unk_score_offset
        if is_last_word and self.score_boundary:
            lp += self.scorer.end(end_state)
        return self.alpha * rlm.to_ln(lp) + self.beta, end_state


class FlashlightLike:
    """flashlight's LM interface (fl::lib::text::LM in flashlight/text: start(startWithNothing),
    score(state, usrTokenIdx), finish(state), each giving (state, score)) over an rlm scorer.

    tokens is the decoder's word dictionary (index -> spelling), mapped once to rlm word ids as
    flashlight's KenLM wrapper maps its dictionary. Scores are log10, as that wrapper returns
    KenLM's BaseScore unchanged, so an lm_weight tuned with flashlight + KenLM carries over
    (multiply it by rlm.LN10 to work in natural logs). flashlight compares states by identity,
    so equal states are handed out as the same object (kept until reset())."""

    def __init__(self, scorer: rlm.Scorer, tokens: Sequence[str]):
        self.scorer = scorer
        self.ids = [scorer.word_id(t) for t in tokens]
        self._states = {}

    def _intern(self, state: rlm.State) -> rlm.State:
        return self._states.setdefault(state, state)

    def reset(self):
        """Forgets the interned states (call between utterances, with clear_histories)."""
        self._states.clear()

    def start(self, start_with_nothing: bool = False) -> rlm.State:
        """The begin-of-sentence state either way (see the module docstring)."""
        return self._intern(self.scorer.begin_state())

    def score(self, state: rlm.State, token_index: int) -> Tuple[rlm.State, float]:
        if not 0 <= token_index < len(self.ids):
            raise IndexError(f"flashlight token index {token_index} outside the dictionary of "
                             f"{len(self.ids)} tokens")
        lp, out = self.scorer.score(state, self.ids[token_index])
        return self._intern(out), lp

    def finish(self, state: rlm.State) -> Tuple[rlm.State, float]:
        """`</s>` after the state."""
        lp, out = self.scorer.score(state, rlm.EOS)
        return self._intern(out), lp
