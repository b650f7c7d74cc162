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

// word_tokenize's result lists. Words repeat ("của", "và", ","), so each distinct word becomes one str
// per call, shared by all its occurrences: most of word_tokenize's time was making and freeing strs.
// The strs are found by an open-addressing table of views into the core's output (no node per word).
class WordLists {
 public:
  explicit WordLists(std::size_t words) {
    std::size_t cap = 16;
    while (cap < 2 * std::min<std::size_t>(words, 4096)) cap *= 2;  // grows past that
    slots_.resize(cap);
  }
  WordLists(const WordLists&) = delete;
  WordLists& operator=(const WordLists&) = delete;
  ~WordLists() {
    for (const Slot& s : slots_) Py_XDECREF(s.str);
  }
  // A new list of `words`; the strings must outlive this object (their views key the table).
  py::list make(const std::vector<std::string>& words) {
    PyObject* l = PyList_New(static_cast<Py_ssize_t>(words.size()));
    if (!l) throw py::error_already_set();
    py::list out = py::reinterpret_steal<py::list>(l);
    for (std::size_t i = 0; i < words.size(); ++i) PyList_SET_ITEM(l, static_cast<Py_ssize_t>(i), str(words[i]));
    return out;
  }

 private:
  struct Slot {
    std::string_view word;
    PyObject* str = nullptr;  // null: empty
  };
  PyObject* str(std::string_view w) {  // a new reference
    const std::size_t mask = slots_.size() - 1;
    std::size_t i = hash_bytes(w.data(), w.size()) & mask;
    while (slots_[i].str && slots_[i].word != w) i = (i + 1) & mask;
    PyObject* o = slots_[i].str;
    if (!o) {
      o = PyUnicode_DecodeUTF8(w.data(), static_cast<Py_ssize_t>(w.size()), "strict");
      if (!o) throw py::error_already_set();
      slots_[i] = {w, o};
      if (++used_ * 2 > slots_.size()) grow();
    }
    Py_INCREF(o);
    return o;
  }
  void grow() {
    std::vector<Slot> old(slots_.size() * 2);
    old.swap(slots_);
    const std::size_t mask = slots_.size() - 1;
    for (const Slot& s : old)
      if (s.str) {
        std::size_t i = hash_bytes(s.word.data(), s.word.size()) & mask;
        while (slots_[i].str) i = (i + 1) & mask;
        slots_[i] = s;
      }
  }
  std::vector<Slot> slots_;
  std::size_t used_ = 0;
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
             std::vector<std::string> out;
             run_cancellable(one.docs.bytes[0].size(), [&](const std::atomic<bool>*) {
               auto w = a.worker();
               w.written_words(one.docs.bytes[0], one.docs.utf8[0], out);
               return 0;
             });
             return WordLists(out.size()).make(out);
           })
      .def("written_words_corpus",
           [](const Analyzer& a, const py::handle& texts) {
             std::vector<py::object> keep;
             const RawDocuments raw = documents_from_python(texts, keep);
             std::vector<std::vector<std::string>> out(raw.bytes.size());
             run_cancellable(py_convert::total_bytes(raw), [&](const std::atomic<bool>* cancel) {
               auto w = a.worker();
               for (std::size_t i = 0; i < raw.bytes.size(); ++i) {
                 check_cancelled(cancel);  // between documents; the stages poll inside them
                 w.written_words(raw.bytes[i], raw.utf8[i], out[i]);
               }
               return 0;
             });
             std::size_t words = 0;
             for (const auto& d : out) words += d.size();
             WordLists lists(words);
             PyObject* l = PyList_New(static_cast<Py_ssize_t>(out.size()));
             if (!l) throw py::error_already_set();
             py::list all = py::reinterpret_steal<py::list>(l);
             for (std::size_t i = 0; i < out.size(); ++i)
               PyList_SET_ITEM(l, static_cast<Py_ssize_t>(i), lists.make(out[i]).release().ptr());
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
