"""The Python binding (decoder-glue/python/rlm.py) and its decoder adapters (rlm_adapters.py)
against the C header's layout and the `rlm eval --per-word` figures of the same models.

Run by tests/cli/test_python_binding.sh, which sets RLM_LIBRARY (the build's librlm.so) and
RLM_TEST_DIR holding: layout.txt (tests/python/layout_probe.c's output), rnn.bin (a tiny GRU
trained with --independent-sentences, so `rlm eval` restarts at every sentence as a decoder does),
tiny.arpa (tests/data/mix/tiny.arpa), text.txt, and per-word scores rnn.pw (the RNN alone),
loglinear.pw (--mix loglinear:0.6) and linear.pw (--mix linear:0.3).
"""
import ctypes.util
import math
import os
import sys
import threading
import unittest

ROOT = os.environ.get("RLM_ROOT", os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "decoder-glue", "python"))

import rlm  # noqa: E402
import rlm_adapters  # noqa: E402

DIR = os.environ["RLM_TEST_DIR"]
TOL = 1e-4  # the CLI prints 6 decimals; scorer and eval share float32 weights but not code paths


def path(name):
    return os.path.join(DIR, name)


def read_per_word(name):
    """Sentences of `rlm eval --per-word`: lists of (token, log10), `</s>` last."""
    sentences, cur = [], []
    with open(path(name)) as f:
        for line in f:
            fields = line.rstrip("\n").split("\t")
            if line == "\n":
                sentences.append(cur)
                cur = []
            elif len(fields) == 2:
                cur.append((fields[0], float(fields[1])))
            else:
                break  # the summary after the last sentence
    return sentences


with open(path("text.txt")) as f:
    SENTENCES = [line.split() for line in f if line.strip()]


class Base(unittest.TestCase):
    def setUp(self):
        self.rnn = rlm.open(path("rnn.bin"))
        self.mixes = {
            "loglinear.pw": rlm.open(path("rnn.bin"), [path("tiny.arpa")], "loglinear:0.6"),
            "linear.pw": rlm.open(path("rnn.bin"), [path("tiny.arpa")], "linear:0.3"),
        }

    def tearDown(self):
        self.rnn.close()
        for sc in self.mixes.values():
            sc.close()

    def walk(self, sc, words):
        """The state after words from `<s>`."""
        state = sc.begin_state()
        for w in words:
            state = sc.score(state, w)[1]
        return state

    def cases(self):
        """(scorer, CLI per-word sentences) for the RNN alone and both mixtures."""
        yield self.rnn, read_per_word("rnn.pw")
        for name, sc in self.mixes.items():
            yield sc, read_per_word(name)


class Layout(unittest.TestCase):
    def test_structs_match_the_c_header(self):
        c = {}
        with open(path("layout.txt")) as f:
            for line in f:
                key, value = line.rsplit(" ", 1)
                c[key] = int(value)
        py = rlm.layout()
        self.assertGreater(len(py), 30)
        same_version = c.pop("RLM_API_VERSION") == rlm.API_VERSION
        for key, value in py.items():
            if key == "rlm_api sizeof" and not same_version:
                # a newer header only appends fields
                self.assertGreaterEqual(c[key], value, key)
            else:
                self.assertEqual(c.get(key), value, key)
        self.assertEqual(set(c), set(py))

    def test_table_version_and_size(self):
        lib = rlm.Library()
        self.assertEqual(lib.path, os.environ["RLM_LIBRARY"])
        self.assertGreaterEqual(lib.version, rlm.API_VERSION)
        self.assertEqual(lib.has("rescore_nbest"), lib.version >= 2)
        self.assertGreaterEqual(lib.api.size, rlm.layout()["rlm_api.last_error"] + 8)
        with self.assertRaises(rlm.RlmUnsupported) as e:
            lib.table(0)
        self.assertIn("version 0 requested", str(e.exception))
        with self.assertRaises(rlm.RlmUnsupported) as e:
            lib.table(lib.version + 1)
        self.assertIn(f"version {lib.version + 1} requested", str(e.exception))

    def test_library_errors(self):
        with self.assertRaises(OSError) as e:
            rlm.Library("/nonexistent/librlm.so")
        self.assertIn("/nonexistent/librlm.so", str(e.exception))
        libc = ctypes.util.find_library("c")
        with self.assertRaises(rlm.RlmIOError) as e:
            rlm.Library(libc)
        self.assertIn(f"{libc}: not librlm", str(e.exception))


class Scores(Base):
    def test_chains_equal_cli_per_word(self):
        n = 0
        for sc, cli in self.cases():
            self.assertEqual(len(cli), len(SENTENCES))
            for words, ref in zip(SENTENCES, cli):
                state, got = sc.begin_state(), []
                for w in words:
                    lp, state = sc.score(state, w)
                    got.append(lp)
                got.append(sc.end(state))
                self.assertEqual(len(got), len(ref))
                for g, (_, r) in zip(got, ref):
                    self.assertAlmostEqual(g, r, delta=TOL)
                    n += 1
                total, per_word = sc.score_sentence(" ".join(words))
                self.assertAlmostEqual(total, sum(r for _, r in ref), delta=TOL * len(ref))
                for g, p in zip(got, per_word):
                    self.assertAlmostEqual(g, p, delta=1e-6)
        self.assertEqual(n, 3 * 16)

    def test_batch_equals_one_at_a_time(self):
        sc = self.mixes["loglinear.pw"]
        s0 = sc.begin_state()
        _, s1 = sc.score(s0, "a")
        states, words = [s0, s1, s1, s0, s1], ["a", "c", "d", "z", rlm.EOS]
        scores, outs = sc.score_batch(states, words)
        for s, w, lp, out in zip(states, words, scores, outs):
            lp1, out1 = sc.score(s, w)
            self.assertAlmostEqual(lp, lp1, delta=1e-6)
            self.assertEqual(out, out1)
        self.assertAlmostEqual(scores[4], sc.end(s1), delta=1e-6)
        with self.assertRaises(ValueError):
            sc.score_batch(states, words[:2])

    def test_rescore_nbest_equals_sentences(self):
        for sc, cli in self.cases():
            got = sc.rescore_nbest([" ".join(w) for w in SENTENCES] + [[]])
            self.assertEqual(len(got), len(SENTENCES) + 1)
            for g, words, ref in zip(got, SENTENCES, cli):
                self.assertAlmostEqual(g, sc.score_sentence(words)[0], delta=1e-5)
                self.assertAlmostEqual(g, sum(r for _, r in ref), delta=TOL * len(ref))
            self.assertAlmostEqual(got[-1], sc.end(sc.begin_state()), delta=1e-6)

    def test_rescore_nbest_needs_version_2(self):
        lib = rlm.Library()
        lib.has = lambda field: field != "rescore_nbest"  # a version-1 library's table
        sc = rlm.open(path("rnn.bin"), library=lib)
        with self.assertRaises(rlm.RlmUnsupported) as e:
            sc.rescore_nbest(["a b"])
        self.assertIn("version-2 table", str(e.exception))
        self.assertAlmostEqual(sc.score_sentence("a b")[0],
                               self.rnn.score_sentence("a b")[0], delta=1e-6)
        sc.close()

    def test_word_ids_and_log_base(self):
        sc = self.rnn
        self.assertEqual(sc.word_id("</s>"), rlm.EOS)
        self.assertEqual(sc.word_id("<s>"), rlm.EOS)
        self.assertEqual(sc.word_id("z"), rlm.UNK)
        self.assertNotIn(sc.word_id("a"), (rlm.EOS, rlm.UNK))
        s = sc.begin_state()
        self.assertEqual(sc.score(s, "a")[0], sc.score(s, sc.word_id("a"))[0])
        self.assertAlmostEqual(rlm.to_ln(-2.0), -2.0 * math.log(10), places=12)

    def test_cache_stats(self):
        sc = self.rnn
        before = sc.cache_stats()
        self.assertEqual(set(before), {"hits", "misses", "insertions", "evictions", "entries",
                                       "bytes", "limit_bytes", "histories"})
        self.assertEqual(before["limit_bytes"], 64 << 20)
        sc.score_sentence("a b d")
        sc.score_sentence("a b d")
        after = sc.cache_stats()
        self.assertGreater(after["hits"], before["hits"])
        self.assertGreater(after["misses"], before["misses"])


    def test_threads_share_a_scorer(self):
        """ctypes drops the GIL in each call; the scorer's locks keep results those of one
        thread, and each thread reads its own last error."""
        sc = self.mixes["linear.pw"]
        want = [sc.score_sentence(w)[0] for w in SENTENCES]
        results, errors = {}, {}

        def work(i):
            results[i] = [[sc.score_sentence(w)[0] for w in SENTENCES] for _ in range(20)]
            try:
                rlm.open(f"/nonexistent/thread{i}.bin")
            except rlm.RlmIOError as e:
                errors[i] = str(e)

        threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for i in range(4):
            for r in results[i]:
                for got, w in zip(r, want):
                    self.assertAlmostEqual(got, w, delta=1e-6)
            self.assertIn(f"/nonexistent/thread{i}.bin", errors[i])


class States(Base):
    def test_equal_histories_are_equal_keys(self):
        sc = self.mixes["linear.pw"]
        ab1, ab2 = self.walk(sc, "a b".split()), self.walk(sc, "a b".split())
        ba = self.walk(sc, "b a".split())
        self.assertIsNot(ab1, ab2)
        self.assertEqual(ab1, ab2)
        self.assertEqual(hash(ab1), hash(ab2))
        self.assertNotEqual(ab1, ba)
        self.assertEqual(len({ab1: 1, ab2: 2, ba: 3}), 2)
        other = rlm.open(path("rnn.bin"))
        self.assertNotEqual(self.walk(self.rnn, ["a"]), self.walk(other, ["a"]))
        other.close()

    def test_k_word_histories_recombine(self):
        sc = rlm.open(path("rnn.bin"), history_words=1)
        ab, db, ad = (self.walk(sc, w.split()) for w in ("a b", "d b", "a d"))
        self.assertEqual(ab, db)
        self.assertEqual(hash(ab), hash(db))
        self.assertNotEqual(ab, ad)
        self.assertEqual(len({ab, db, ad}), 2)
        self.assertAlmostEqual(sc.end(ab), sc.end(db), delta=1e-6)
        self.assertEqual(rlm_adapters.KenlmLike(sc).order, 2)
        sc.close()


class Adapters(Base):
    def test_kenlm_base_score_chain(self):
        for sc, cli in self.cases():
            m = rlm_adapters.KenlmLike(sc)
            for words, ref in zip(SENTENCES, cli):
                s, t = rlm_adapters.KenlmState(), rlm_adapters.KenlmState()
                m.BeginSentenceWrite(s)
                total = 0.0
                for w in words + ["</s>"]:
                    total += m.BaseScore(s, w, t)
                    s, t = t, s
                want = sum(r for _, r in ref)
                self.assertAlmostEqual(total, want, delta=TOL * len(ref))
                self.assertAlmostEqual(m.score(" ".join(words)), want, delta=TOL * len(ref))
                self.assertAlmostEqual(m.score(" ".join(words), eos=False), want - ref[-1][1],
                                       delta=TOL * len(ref))

    def test_kenlm_states_and_vocabulary(self):
        m = rlm_adapters.KenlmLike(self.rnn)
        s, n = rlm_adapters.KenlmState(), rlm_adapters.KenlmState()
        m.BeginSentenceWrite(s)
        m.NullContextWrite(n)
        self.assertEqual(s, n)
        self.assertEqual(hash(s), hash(n))
        before = s.state
        lp = m.BaseScore(s, "a", s)  # in and out the same object
        self.assertEqual(lp, self.rnn.score(before, "a")[0])
        self.assertNotEqual(s, n)
        self.assertIn("a", m)
        self.assertIn("</s>", m)
        self.assertNotIn("z", m)
        self.assertEqual(m.order, 1 << 30)
        with self.assertRaises(ValueError):
            m.score("a b", bos=False)

    def test_pyctcdecode_scores(self):
        alpha, beta = 0.7, 1.25
        for sc, cli in self.cases():
            lm = rlm_adapters.PyctcdecodeLM(sc, alpha=alpha, beta=beta)
            for words, ref in zip(SENTENCES, cli):
                state = lm.get_start_state()
                for i, w in enumerate(words):
                    last = i == len(words) - 1
                    got, state = lm.score(state, w, is_last_word=last)
                    lp = ref[i][1] + (ref[i + 1][1] if last else 0.0)
                    if sc.word_id(w) == rlm.UNK:
                        lp += -10.0
                    self.assertAlmostEqual(got, alpha * math.log(10) * lp + beta,
                                           delta=2 * TOL * alpha * math.log(10))
                # the state after the last word is the word's, not `</s>`'s
                self.assertEqual(state, self.walk(sc, words))

    def test_pyctcdecode_unigrams_and_partial_words(self):
        sc = self.rnn
        s = sc.begin_state()
        lp_d = sc.score(s, "d")[0]
        lm = rlm_adapters.PyctcdecodeLM(sc, unigrams=["a", "b", "z"], alpha=1.0, beta=0.0,
                                        unk_score_offset=-4.0)
        self.assertEqual(lm.unigrams, {"a", "b"})  # z: no model knows it
        self.assertAlmostEqual(lm.score(s, "d")[0], math.log(10) * (lp_d - 4.0), places=5)
        self.assertEqual(lm.score_partial_token("a"), 0.0)
        self.assertEqual(lm.score_partial_token("q"), -4.0)
        self.assertEqual(lm.score_partial_token("qqqqqqqqq"), -4.0 * 9 / 6)
        no_unigrams = rlm_adapters.PyctcdecodeLM(sc)
        self.assertEqual(no_unigrams.score_partial_token("a"), -10.0)
        self.assertAlmostEqual(no_unigrams.score(s, "d")[0],
                               0.5 * math.log(10) * lp_d + 1.5, places=5)
        no_boundary = rlm_adapters.PyctcdecodeLM(sc, score_boundary=False)
        self.assertEqual(no_boundary.score(s, "d", is_last_word=True),
                         no_unigrams.score(s, "d"))

    def test_flashlight_start_score_finish(self):
        tokens = ["a", "b", "c", "d", "e", "f", "g", "z", "<unk>"]
        for sc, cli in self.cases():
            lm = rlm_adapters.FlashlightLike(sc, tokens)
            for words, ref in zip(SENTENCES, cli):
                state, total = lm.start(False), 0.0
                for w, (_, r) in zip(words, ref):
                    state, lp = lm.score(state, tokens.index(w))
                    self.assertAlmostEqual(lp, r, delta=TOL)
                    total += lp
                end_state, lp = lm.finish(state)
                self.assertAlmostEqual(lp, ref[-1][1], delta=TOL)
                self.assertAlmostEqual(lp, sc.end(state), delta=1e-6)
                self.assertNotEqual(end_state, state)
                self.assertAlmostEqual(total + lp, sum(r for _, r in ref), delta=TOL * len(ref))
        lm = rlm_adapters.FlashlightLike(self.rnn, tokens)
        start = lm.start(True)
        self.assertIs(lm.start(False), start)
        self.assertIs(lm.score(start, 0)[0], lm.score(start, 0)[0])
        self.assertIsNot(lm.score(start, 0)[0], lm.score(start, 1)[0])
        for bad in (-1, len(tokens)):
            with self.assertRaises(IndexError):
                lm.score(start, bad)


class Recipes(Base):
    def write(self, name, text):
        with open(path(name), "w") as f:
            f.write(text)
        return path(name)

    def test_recipe_scorer_equals_config_scorer(self):
        recipe = self.write("job.yaml", "model: {path: rnn.bin}\nngram: [{path: tiny.arpa}]\n"
                            "mix: {kind: loglinear, weights: [0.6, 0.4]}\n")
        with rlm.Scorer.from_recipe(recipe) as sc:
            self.assertIsNone(sc.config)
            for words, ref in zip(SENTENCES, read_per_word("loglinear.pw")):
                total, per_word = sc.score_sentence(words)
                for g, (_, r) in zip(per_word, ref):
                    self.assertAlmostEqual(g, r, delta=TOL)

    def test_recipe_errors_name_the_recipe_and_key(self):
        recipe = self.write("bad.yaml", "model:\n  path: no-such.bin\n")
        with self.assertRaises(rlm.RlmError) as e:
            rlm.Scorer.from_recipe(recipe)
        self.assertIn(f"{recipe}:2:9: model.path:", str(e.exception))
        self.assertIn("no-such.bin", str(e.exception))


class Errors(unittest.TestCase):
    def test_missing_model_names_the_file(self):
        with self.assertRaises(OSError) as e:
            rlm.open("/nonexistent/model.bin")
        self.assertIsInstance(e.exception, rlm.RlmIOError)
        self.assertIn("/nonexistent/model.bin", str(e.exception))

    def test_missing_ngram_names_the_file(self):
        with self.assertRaises(rlm.RlmError) as e:
            rlm.open(path("rnn.bin"), ["/nonexistent/lm.arpa"], "linear:0.5")
        self.assertIn("/nonexistent/lm.arpa", str(e.exception))

    def test_bad_mix_is_a_value_error(self):
        with self.assertRaises(ValueError) as e:
            rlm.open(path("rnn.bin"), [path("tiny.arpa")], "linear:2")
        self.assertIsInstance(e.exception, rlm.RlmArgError)
        self.assertIn("mix", str(e.exception))

    def test_recipe_errors_name_the_file(self):
        with self.assertRaises(rlm.RlmError) as e:
            rlm.Scorer.from_recipe("/nonexistent/job.yaml")
        self.assertIn("/nonexistent/job.yaml", str(e.exception))

    def test_closed_scorer(self):
        sc = rlm.open(path("rnn.bin"))
        s = sc.begin_state()
        sc.close()
        sc.close()
        with self.assertRaises(ValueError):
            sc.score(s, "a")


if __name__ == "__main__":
    unittest.main()
