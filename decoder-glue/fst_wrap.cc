// The extern "C" OpenFst wrapper (rlm_fst.h): the project's only C++. Every entry point catches
// every exception (OpenFst's, the standard library's bad_alloc) and turns it into an rlm_status;
// OpenFst's own errors (a NULL from Read, the kError property after an algorithm) become
// messages naming the file or the operation.
#include <cmath>
#include <cstring>
#include <memory>
#include <new>
#include <sstream>
#include <string>

#include <fst/fstlib.h>

extern "C" {
#include "atomic_file.h"
#include "nbest_internal.h"
}
#include "fst_internal.h"

using LogVectorFst = fst::VectorFst<fst::LogArc>; // OpenFst 1.7.9 has no such alias

struct rlm_fst {
    rlm_fst_semiring semiring;
    std::unique_ptr<fst::StdVectorFst> std_fst; // when tropical
    std::unique_ptr<LogVectorFst> log_fst; // when log
};

namespace {

// Calls fn with the FST of whichever semiring f holds.
template <class F> auto visit(const rlm_fst *f, F &&fn) {
    return f->semiring == RLM_FST_LOG ? fn(*f->log_fst) : fn(*f->std_fst);
}

// Runs fn, which returns an rlm_status, turning any exception into one; `what` starts the message.
template <class F> rlm_status guarded(rlm_error *err, const char *what, F &&fn) {
    try {
        return fn();
    } catch (const std::bad_alloc &) {
        return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", what);
    } catch (const std::exception &e) {
        return rlm_fail(err, RLM_E_ARG, "%s: %s", what, e.what());
    } catch (...) {
        return rlm_fail(err, RLM_E_ARG, "%s: unexpected C++ exception", what);
    }
}

// A read-only istream over bytes in memory, so a checked buffer is handed to OpenFst as is.
struct MemBuf : std::streambuf {
    MemBuf(const char *p, size_t n) {
        char *b = const_cast<char *>(p); // streambuf wants char*; nothing writes through it
        setg(b, b, b + n);
    }
};

rlm_fst *make(rlm_fst_semiring s) {
    std::unique_ptr<rlm_fst> f(new rlm_fst{s, nullptr, nullptr});
    if (s == RLM_FST_LOG) f->log_fst.reset(new LogVectorFst());
    else f->std_fst.reset(new fst::StdVectorFst());
    return f.release();
}

template <class Fst> bool has_state(const Fst &fst, int32_t s) {
    return s >= 0 && s < fst.NumStates();
}

template <class Arc> rlm_status read_vector(std::istream &strm, const char *name,
                                            std::unique_ptr<fst::VectorFst<Arc>> &slot,
                                            rlm_error *err) {
    slot.reset(fst::VectorFst<Arc>::Read(strm, fst::FstReadOptions(name)));
    if (!slot) return rlm_fail(err, RLM_E_FORMAT, "%s: OpenFst could not read it", name);
    // The header's property bits are the writer's word; let OpenFst compute what it needs.
    slot->SetProperties(0, fst::kTrinaryProperties);
    return RLM_OK;
}

template <class Fst> bool failed(const Fst &fst) { return fst.Properties(fst::kError, false); }

std::unique_ptr<fst::SymbolTable> to_openfst(const rlm_symbols *s) {
    std::unique_ptr<fst::SymbolTable> t(new fst::SymbolTable("words"));
    for (int32_t id = 0; id < rlm_symbols_bound(s); id++)
        if (const char *w = rlm_symbols_word(s, id)) t->AddSymbol(w, id);
    return t;
}

rlm_status from_openfst(const fst::SymbolTable &t, rlm_symbols **out, rlm_error *err) {
    rlm_symbols *s = rlm_symbols_new();
    if (!s) return rlm_fail(err, RLM_E_NOMEM, "symbol table: out of memory");
    for (size_t i = 0; i < t.NumSymbols(); i++) {
        int64_t key = t.GetNthKey((ssize_t)i);
        std::string w = t.Find(key);
        rlm_status st = key < 0 || key > RLM_SYMBOL_MAX_ID
                            ? rlm_fail(err, RLM_E_FORMAT, "symbol table %s: id %lld of '%.60s' "
                                       "is out of range (0 to %d)", t.Name().c_str(),
                                       (long long)key, w.c_str(), RLM_SYMBOL_MAX_ID)
                            : rlm_symbols_set(s, w.data(), w.size(), (int32_t)key, err);
        if (st) {
            rlm_symbols_free(s);
            return st;
        }
    }
    *out = s;
    return RLM_OK;
}

// OpenFst's search never ends on a cycle of negative cost, nor (unique) where determinizing a
// cyclic FST never ends; lattices are acyclic, so those are refused rather than risked.
template <class Fst> rlm_status shortest(const Fst &in, int n, bool unique, Fst *out,
                                         rlm_error *err) {
    if (in.Start() == fst::kNoStateId) return RLM_OK; // no path: empty result
    if (!in.Properties(fst::kAcyclic, true)) {
        if (unique)
            return rlm_fail(err, RLM_E_ARG, "shortest path: unique paths need an acyclic FST");
        for (fst::StateIterator<Fst> s(in); !s.Done(); s.Next())
            for (fst::ArcIterator<Fst> a(in, s.Value()); !a.Done(); a.Next())
                if (a.Value().weight.Value() < 0)
                    return rlm_fail(err, RLM_E_ARG, "shortest path: the FST has a cycle and a "
                                    "negative cost, so a shortest path may not exist");
    }
    fst::ShortestPath(in, out, n, unique);
    if (failed(*out)) return rlm_fail(err, RLM_E_ARG, "shortest path: OpenFst failed");
    return RLM_OK;
}

} // namespace

extern "C" {

rlm_fst *rlm_fst_new(rlm_fst_semiring semiring) {
    try {
        return make(semiring);
    } catch (...) {
        return nullptr;
    }
}

void rlm_fst_free(rlm_fst *f) { delete f; }

rlm_fst_semiring rlm_fst_semiring_of(const rlm_fst *f) { return f->semiring; }

rlm_status rlm_fst_parse(const void *data, size_t size, const char *name, rlm_fst **out,
                         rlm_error *err) {
    *out = nullptr;
    rlm_fst_semiring s;
    rlm_status st = fst_binary_check(static_cast<const uint8_t *>(data), size, name, &s, err);
    if (st) return st;
    return guarded(err, name, [&] {
        std::unique_ptr<rlm_fst> f(new rlm_fst{s, nullptr, nullptr});
        MemBuf buf(static_cast<const char *>(data), size);
        std::istream strm(&buf);
        rlm_status r = s == RLM_FST_LOG ? read_vector(strm, name, f->log_fst, err)
                                        : read_vector(strm, name, f->std_fst, err);
        if (!r) *out = f.release();
        return r;
    });
}

rlm_status rlm_fst_read(const char *path, rlm_fst **out, rlm_error *err) {
    *out = nullptr;
    size_t size;
    char *data = glue_load_file(path, &size, err);
    if (!data) return err ? err->status : RLM_E_IO;
    rlm_status st = rlm_fst_parse(data, size, path, out, err);
    free(data);
    return st;
}

rlm_status rlm_fst_write(const rlm_fst *f, const char *path, rlm_error *err) {
    return guarded(err, path, [&] {
        std::ostringstream buf;
        bool ok = visit(f, [&](const auto &fst) {
            return !failed(fst) && fst.Write(buf, fst::FstWriteOptions(path));
        });
        if (!ok) return rlm_fail(err, RLM_E_ARG, "%s: OpenFst could not write the FST", path);
        const std::string bytes = buf.str();
        rlm_atomic_file af;
        rlm_status st = rlm_atomic_open(&af, path, err);
        if (st) return st;
        if (fwrite(bytes.data(), 1, bytes.size(), af.f) != bytes.size()) {
            rlm_atomic_abort(&af);
            return rlm_fail(err, RLM_E_IO, "%s: write failed", path);
        }
        return rlm_atomic_commit(&af, err);
    });
}

int32_t rlm_fst_num_states(const rlm_fst *f) {
    return visit(f, [](const auto &fst) { return (int32_t)fst.NumStates(); });
}

int32_t rlm_fst_start(const rlm_fst *f) {
    return visit(f, [](const auto &fst) { return (int32_t)fst.Start(); });
}

float rlm_fst_final(const rlm_fst *f, int32_t state) {
    return visit(f, [&](const auto &fst) { return fst.Final(state).Value(); });
}

size_t rlm_fst_num_arcs(const rlm_fst *f, int32_t state) {
    return visit(f, [&](const auto &fst) { return fst.NumArcs(state); });
}

rlm_fst_arc rlm_fst_get_arc(const rlm_fst *f, int32_t state, size_t i) {
    return visit(f, [&](const auto &fst) {
        using Fst = std::decay_t<decltype(fst)>;
        fst::ArcIterator<Fst> it(fst, state);
        it.Seek(i);
        const auto &a = it.Value();
        return rlm_fst_arc{a.ilabel, a.olabel, a.weight.Value(), a.nextstate};
    });
}

int32_t rlm_fst_add_state(rlm_fst *f) {
    try {
        return visit(f, [](auto &fst) {
            return fst.NumStates() >= INT32_MAX - 1 ? -1 : (int32_t)fst.AddState();
        });
    } catch (...) {
        return -1;
    }
}

rlm_status rlm_fst_add_arc(rlm_fst *f, int32_t state, rlm_fst_arc arc, rlm_error *err) {
    return guarded(err, "fst", [&] {
        return visit(f, [&](auto &fst) {
            using Arc = typename std::decay_t<decltype(fst)>::Arc;
            if (!has_state(fst, state) || !has_state(fst, arc.nextstate))
                return rlm_fail(err, RLM_E_ARG, "fst: arc %ld -> %ld: no such state",
                                (long)state, (long)arc.nextstate);
            if (arc.ilabel < 0 || arc.olabel < 0 || std::isnan(arc.weight))
                return rlm_fail(err, RLM_E_ARG, "fst: arc from state %ld: negative label or NaN "
                                "weight", (long)state);
            fst.AddArc(state, Arc(arc.ilabel, arc.olabel, arc.weight, arc.nextstate));
            return RLM_OK;
        });
    });
}

rlm_status rlm_fst_set_final(rlm_fst *f, int32_t state, float weight, rlm_error *err) {
    return guarded(err, "fst", [&] {
        return visit(f, [&](auto &fst) {
            if (!has_state(fst, state) || std::isnan(weight))
                return rlm_fail(err, RLM_E_ARG, "fst: final weight of state %ld: no such state "
                                "or NaN", (long)state);
            fst.SetFinal(state, weight);
            return RLM_OK;
        });
    });
}

rlm_status rlm_fst_set_start(rlm_fst *f, int32_t state, rlm_error *err) {
    return guarded(err, "fst", [&] {
        return visit(f, [&](auto &fst) {
            if (!has_state(fst, state))
                return rlm_fail(err, RLM_E_ARG, "fst: start state %ld: no such state", (long)state);
            fst.SetStart(state);
            return RLM_OK;
        });
    });
}

rlm_status rlm_fst_set_symbols(rlm_fst *f, int output, const rlm_symbols *s, rlm_error *err) {
    return guarded(err, "fst symbol table", [&] {
        std::unique_ptr<fst::SymbolTable> t = s ? to_openfst(s) : nullptr;
        visit(f, [&](auto &fst) {
            output ? fst.SetOutputSymbols(t.get()) : fst.SetInputSymbols(t.get()); // copies
            return 0;
        });
        return RLM_OK;
    });
}

rlm_status rlm_fst_get_symbols(const rlm_fst *f, int output, rlm_symbols **out, rlm_error *err) {
    *out = nullptr;
    return guarded(err, "fst symbol table", [&] {
        const fst::SymbolTable *t = visit(f, [&](const auto &fst) {
            return output ? fst.OutputSymbols() : fst.InputSymbols();
        });
        return t ? from_openfst(*t, out, err) : RLM_OK;
    });
}

rlm_status rlm_fst_topsort(rlm_fst *f, rlm_error *err) {
    return guarded(err, "topsort", [&] {
        bool acyclic = visit(f, [](auto &fst) { return fst::TopSort(&fst); });
        return acyclic ? RLM_OK : rlm_fail(err, RLM_E_FORMAT, "topsort: the FST has a cycle");
    });
}

rlm_status rlm_fst_project(rlm_fst *f, int output, rlm_error *err) {
    return guarded(err, "project", [&] {
        visit(f, [&](auto &fst) {
            fst::Project(&fst, output ? fst::ProjectType::OUTPUT : fst::ProjectType::INPUT);
            return 0;
        });
        return RLM_OK;
    });
}

rlm_status rlm_fst_rmepsilon(rlm_fst *f, rlm_error *err) {
    return guarded(err, "rmepsilon", [&] {
        bool bad = visit(f, [](auto &fst) {
            fst::RmEpsilon(&fst);
            return failed(fst);
        });
        return bad ? rlm_fail(err, RLM_E_ARG, "rmepsilon: OpenFst failed") : RLM_OK;
    });
}

rlm_status rlm_fst_shortest_path(const rlm_fst *f, int n, int unique, rlm_fst **out,
                                 rlm_error *err) {
    *out = nullptr;
    if (n < 1) return rlm_fail(err, RLM_E_ARG, "shortest path: n must be >= 1, not %d", n);
    return guarded(err, "shortest path", [&] {
        bool acceptor = visit(f, [](const auto &fst) {
            return fst.Properties(fst::kAcceptor, true) == fst::kAcceptor;
        });
        if (unique && !acceptor)
            return rlm_fail(err, RLM_E_ARG, "shortest path: unique paths need an acceptor "
                            "(project the FST first)");
        std::unique_ptr<rlm_fst> r(make(f->semiring));
        rlm_status st;
        if (f->semiring == RLM_FST_TROPICAL) {
            st = shortest(*f->std_fst, n, unique, r->std_fst.get(), err);
        } else { // Viterbi: the log FST's costs searched as tropical ones, then mapped back
            fst::StdVectorFst in, best;
            fst::ArcMap(*f->log_fst, &in, fst::LogToStdMapper());
            st = shortest(in, n, unique, &best, err);
            fst::ArcMap(best, r->log_fst.get(), fst::StdToLogMapper());
        }
        if (!st) *out = r.release();
        return st;
    });
}

} // extern "C"
