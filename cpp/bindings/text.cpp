// Bindings of the text stages (decode, normalize, clean, segment, words, names, phrases) and of both
// analyzers (mekong's and the scikit-learn drop-in's). Converts and releases the GIL; the decisions are
// made in the core.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "convert.hpp"
#include "mekong/pipeline.hpp"
#include "mekong/text/analyzer.hpp"
#include "mekong/text/decode.hpp"
#include "mekong/text/pattern.hpp"
#include "mekong/text/sklearn_analyzer.hpp"
#include "mekong/text/words.hpp"
#include "mekong/util/interner.hpp"
#include "mekong/util/parallel.hpp"

namespace py = pybind11;
using namespace mekong;
using py_convert::documents_from_python;
using py_convert::run_cancellable;
using py_convert::term_str;
using py_convert::utf8_str;
using py_convert::utf8_views;

namespace {

py::list to_list(const TermBuffer& terms) {
  py::list out(terms.size());
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const std::string_view t = terms[i];
    out[i] =
        py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(t.data(), static_cast<Py_ssize_t>(t.size()), "strict"));
  }
  return out;
}

py::list terms_list(const TermBuffer& t) {
  py::list out(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) out[i] = term_str(t[i]);
  return out;
}

// One document as UTF-8 bytes (str) or raw bytes in the configured encoding.
struct OneDocument {
  std::vector<py::object> keep;
  RawDocuments docs;
  explicit OneDocument(const py::handle& text) {
    py::list l;
    l.append(text);
    docs = documents_from_python(l, keep);
  }
};

// word_tokenize's words. Words repeat ("của", "và", ","): the core side (without the GIL) interns
// each word as it is found, a view of the composed text, so the call keeps one copy per distinct word
// and one id per occurrence, no string per word; the Python side then makes one str per distinct word,
// shared by all its occurrences, and fills lists of known length.
class WordIds {
 public:
  // Room for the words of `bytes` of text in `documents` documents: a word and its space take at
  // least two bytes but about seven, so the ids rarely grow (each growth copies them all).
  void reserve(std::size_t bytes, std::size_t documents) {
    ids_.reserve(bytes / 4 + 16);
    ends_.reserve(documents);
  }
  template <class Worker>
  void add(Worker& w, std::string_view raw, bool utf8) {
    w.written_words(raw, utf8, [&](std::string_view word) { ids_.push_back(words_.intern(word)); });
    ends_.push_back(ids_.size());
  }
  // The words of document d as a new list (with the GIL).
  py::list list(std::size_t d) {
    if (strs_.empty() && words_.size() > 0) make_strs();
    const std::size_t b = d ? ends_[d - 1] : 0, n = ends_[d] - b;
    PyObject* l = PyList_New(static_cast<Py_ssize_t>(n));
    if (!l) throw py::error_already_set();
    for (std::size_t i = 0; i < n; ++i) {
      PyObject* o = strs_[ids_[b + i]].ptr();
      Py_INCREF(o);
      PyList_SET_ITEM(l, static_cast<Py_ssize_t>(i), o);
    }
    return py::reinterpret_steal<py::list>(l);
  }
  std::size_t documents() const { return ends_.size(); }

 private:
  void make_strs() {
    strs_.reserve(words_.size());
    for (std::uint32_t i = 0; i < words_.size(); ++i) {
      const std::string_view w = words_.str(i);
      PyObject* o = PyUnicode_DecodeUTF8(w.data(), static_cast<Py_ssize_t>(w.size()), "strict");
      if (!o) throw py::error_already_set();
      strs_.push_back(py::reinterpret_steal<py::object>(o));
    }
  }
  Interner words_;
  std::vector<std::uint32_t> ids_;
  std::vector<std::size_t> ends_;
  std::vector<py::object> strs_;
};

// The cyclic collector off while a call builds its lists: each new list is a tracked container, so a
// large result would run many collections over objects that cannot be cyclic garbage yet (one list of
// strs per document). Restores the collector's state on exit; a no-op before Python 3.10.
class NoCollection {
 public:
#if PY_VERSION_HEX >= 0x030A0000
  NoCollection() : was_enabled_(PyGC_Disable()) {}
  ~NoCollection() {
    if (was_enabled_) PyGC_Enable();
  }

 private:
  int was_enabled_;
#endif
};

}  // namespace

void bind_text(py::module_& m) {
  py::enum_<ToneStyle>(m, "ToneStyle")
      .value("keep", ToneStyle::keep)
      .value("traditional", ToneStyle::traditional)
      .value("modern", ToneStyle::modern);
  py::enum_<LinkPolicy>(m, "LinkPolicy")
      .value("drop", LinkPolicy::drop)
      .value("keep", LinkPolicy::keep)
      .value("split", LinkPolicy::split);

  bind_text_config(m);  // config structs and learned models: text_config.cpp

  py::class_<Analyzer>(m, "Analyzer")
      .def(py::init<AnalyzerConfig>())
      .def("terms",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             TermBuffer out;
             const DocStats stats = run_cancellable(one.docs.bytes[0].size(), [&](const std::atomic<bool>*) {
               auto w = a.worker();
               return w.analyze(one.docs.bytes[0], out, one.docs.utf8[0]);
             });
             return py::make_tuple(to_list(out), stats.replaced);
           })
      .def("tokens",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             TermBuffer out;
             run_cancellable(one.docs.bytes[0].size(), [&](const std::atomic<bool>*) {
               auto w = a.worker();
               return w.tokens(one.docs.bytes[0], out, one.docs.utf8[0]);
             });
             return to_list(out);
           })
      .def("written_words",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             WordIds out;
             run_cancellable(one.docs.bytes[0].size(), [&](const std::atomic<bool>*) {
               auto w = a.worker();
               out.add(w, one.docs.bytes[0], one.docs.utf8[0]);
               return 0;
             });
             return out.list(0);
           })
      .def("written_words_corpus",
           [](const Analyzer& a, const py::handle& texts) {
             // str only (word_tokenize: bytes are decoded first, with mekong.decode), checked here in
             // one pass rather than by a Python loop that cost as much as a few percent of the call.
             {
               py::sequence seq = py::reinterpret_borrow<py::sequence>(texts);
               const std::size_t n = py::len(seq);
               for (std::size_t i = 0; i < n; ++i) {
                 py::object item = seq[i];
                 if (!PyUnicode_Check(item.ptr()))
                   throw py::type_error("text[" + std::to_string(i) + "] must be str; got " +
                                        std::string(Py_TYPE(item.ptr())->tp_name));
               }
             }
             std::vector<py::object> keep;
             const RawDocuments raw = documents_from_python(texts, keep);
             WordIds out;
             out.reserve(py_convert::total_bytes(raw), raw.bytes.size());
             run_cancellable(py_convert::total_bytes(raw), [&](const std::atomic<bool>* cancel) {
               auto w = a.worker();
               for (std::size_t i = 0; i < raw.bytes.size(); ++i) {
                 check_cancelled(cancel);  // between documents; the stages poll inside them
                 out.add(w, raw.bytes[i], raw.utf8[i]);
               }
               return 0;
             });
             keep.clear();  // the inputs' UTF-8 is no longer read: the words are the interner's copies
             NoCollection no_collection;
             PyObject* l = PyList_New(static_cast<Py_ssize_t>(out.documents()));
             if (!l) throw py::error_already_set();
             py::list all = py::reinterpret_steal<py::list>(l);
             for (std::size_t i = 0; i < out.documents(); ++i)
               PyList_SET_ITEM(l, static_cast<Py_ssize_t>(i), out.list(i).release().ptr());
             return all;
           })
      .def("normalize_term", [](const Analyzer& a, const std::string& t) { return utf8_str(a.normalize_term(t)); })
      .def("names",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             std::vector<std::string> out;
             run_cancellable(one.docs.bytes[0].size(), [&](const std::atomic<bool>*) {
               auto w = a.worker();
               w.names(one.docs.bytes[0], one.docs.utf8[0], out);
               return true;
             });
             py::list l;
             for (const auto& n : out) l.append(utf8_str(n));
             return l;
           })
      .def("cleaned",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             const std::string out = run_cancellable(one.docs.bytes[0].size(), [&](const std::atomic<bool>*) {
               auto w = a.worker();
               return w.cleaned(one.docs.bytes[0], one.docs.utf8[0]);
             });
             return utf8_str(out);
           })
      .def("normalize_text", [](const Analyzer& a, const std::string& t) {
        std::string scratch;
        const std::string out = run_cancellable(t.size(), [&](const std::atomic<bool>*) {
          return a.normalizer().normalize_text(decode_utf8(t, scratch).text);
        });
        return utf8_str(out);
      });

  m.def(
      "decode",
      [](const py::bytes& data, const std::string& encoding, bool strict) {
        std::string_view view(PyBytes_AS_STRING(data.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(data.ptr())));
        std::string scratch;
        const Decoded d = run_cancellable(view.size(), [&](const std::atomic<bool>*) {
          return encoding.empty() ? decode_utf8(view, scratch) : decode_bytes(view, encoding, scratch);
        });
        if (strict) require_valid(d.replaced, d.first_invalid);
        return py::make_tuple(utf8_str(d.text), d.replaced);
      },
      py::arg("data"), py::arg("encoding") = "", py::arg("strict") = false);

  m.def("alias_key", [](const std::string& name) {
    AliasKeys keys;
    return utf8_str(keys.key(name));
  });

  py::class_<SkAnalyzer>(m, "SkAnalyzer")
      .def(py::init([](const std::string& kind, bool lowercase, const std::string& strip_accents,
                       const std::string& token_pattern, std::optional<std::vector<std::string>> stop_words,
                       std::size_t ngram_min, std::size_t ngram_max) {
             SkAnalyzerConfig c;
             if (kind == "word")
               c.kind = SkAnalyzerKind::word;
             else if (kind == "char")
               c.kind = SkAnalyzerKind::chars;
             else if (kind == "char_wb")
               c.kind = SkAnalyzerKind::chars_wb;
             else
               throw py::value_error(kind + " is not a valid tokenization scheme/analyzer");
             c.lowercase = lowercase;
             if (strip_accents.empty())
               c.strip_accents = StripAccents::none;
             else if (strip_accents == "ascii")
               c.strip_accents = StripAccents::ascii;
             else if (strip_accents == "unicode")
               c.strip_accents = StripAccents::unicode;
             else
               throw py::value_error("Invalid value for \"strip_accents\": " + strip_accents);
             c.token_pattern = token_pattern;
             c.use_stop_words = stop_words.has_value();
             if (stop_words) c.stop_words = std::move(*stop_words);
             c.ngram_min = ngram_min;
             c.ngram_max = ngram_max;
             return std::make_unique<SkAnalyzer>(std::move(c));
           }),
           py::arg("kind"), py::arg("lowercase"), py::arg("strip_accents"), py::arg("token_pattern"),
           py::arg("stop_words"), py::arg("ngram_min"), py::arg("ngram_max"))
      .def_property_readonly("fast_min_run",
                             [](const SkAnalyzer& a) { return a.pattern() ? a.pattern()->fast_min_run() : 0; })
      .def_property_readonly("icu_pattern",
                             [](const SkAnalyzer& a) { return a.pattern() ? a.pattern()->icu_pattern() : ""; })
      .def("analyze", [](const SkAnalyzer& a, const py::str& doc) {
        py::list one;
        one.append(doc);
        std::vector<py::object> keep;
        const auto views = utf8_views(one, keep);
        TermBuffer out;
        {
          py::gil_scoped_release release;
          SkAnalyzer::Worker w(a);
          w.analyze(views[0], out);
        }
        return terms_list(out);
      });

  m.def("translate_regex", [](const std::string& pattern) {
    std::size_t groups = 0;
    unsigned flags = 0;
    std::string out = pytext::translate_regex(pattern, &groups, &flags);
    return py::make_tuple(out, groups, flags);
  });
}
