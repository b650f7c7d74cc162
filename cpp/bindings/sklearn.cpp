// mekong._core, the scikit-learn drop-in's part: its analyzer, counting and hashing. Converts and
// releases the GIL; the decisions are made in the core (sklearn_analyzer, pattern, hashing).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "convert.hpp"
#include "mekong/matrix/count.hpp"
#include "mekong/matrix/hashing.hpp"
#include "mekong/text/pattern.hpp"
#include "mekong/text/sklearn_analyzer.hpp"

namespace py = pybind11;
using namespace mekong;
using py_convert::run_interruptible;

namespace {

// A term back to Python: lone surrogates (from a str that held them) survive the round trip.
py::str term_str(std::string_view s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "surrogatepass");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

// UTF-8 views of a list of str, alive as long as `docs` and `keep`.
std::vector<std::string_view> utf8_views(const py::list& docs, std::vector<py::object>& keep) {
  std::vector<std::string_view> out;
  out.reserve(docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    PyObject* o = PyList_GET_ITEM(docs.ptr(), static_cast<Py_ssize_t>(i));
    if (!PyUnicode_Check(o))
      throw py::type_error("document " + std::to_string(i) + " is " + Py_TYPE(o)->tp_name + ", expected str");
    Py_ssize_t size = 0;
    const char* data = PyUnicode_AsUTF8AndSize(o, &size);
    if (!data) {
      PyErr_Clear();
      py::object b = py::reinterpret_steal<py::object>(PyUnicode_AsEncodedString(o, "utf-8", "surrogatepass"));
      if (!b) throw py::error_already_set();
      data = PyBytes_AS_STRING(b.ptr());
      size = PyBytes_GET_SIZE(b.ptr());
      keep.push_back(b);
    }
    out.emplace_back(data, static_cast<std::size_t>(size));
  }
  return out;
}

py::list terms_list(const TermBuffer& t) {
  py::list out(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) out[i] = term_str(t[i]);
  return out;
}

}  // namespace

void register_sklearn(py::module_& m) {
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

  m.def(
      "sk_count",
      [](const py::list& docs, const SkAnalyzer& analyzer, double min_df, bool min_df_is_count, double max_df,
         bool max_df_is_count, int n_jobs) {
        std::vector<py::object> keep;
        const auto views = utf8_views(docs, keep);
        SkCorpus corpus(views, analyzer);
        CountConfig cfg;
        cfg.min_df = min_df;
        cfg.min_df_is_count = min_df_is_count;
        cfg.max_df = max_df;
        cfg.max_df_is_count = max_df_is_count;
        cfg.n_jobs = n_jobs;
        CountResult out =
            run_interruptible([&](const std::atomic<bool>* cancel) { return count_and_learn(corpus, cfg, cancel); });
        py::list vocabulary(out.vocabulary.size());
        for (std::size_t i = 0; i < out.vocabulary.size(); ++i) vocabulary[i] = term_str(out.vocabulary[i]);
        out.vocabulary = {};
        return py::make_tuple(py_convert::csr_to_python(std::move(out.matrix)), vocabulary);
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("min_df"), py::arg("min_df_is_count"), py::arg("max_df"),
      py::arg("max_df_is_count"), py::arg("n_jobs"));

  m.def(
      "sk_count_fixed",
      [](const py::list& docs, const SkAnalyzer& analyzer, const py::list& terms_by_column, int n_jobs) {
        std::vector<py::object> keep;
        const auto views = utf8_views(docs, keep);
        const auto terms = utf8_views(terms_by_column, keep);
        Interner vocabulary;
        for (std::size_t i = 0; i < terms.size(); ++i) {
          bool added = false;
          vocabulary.intern(terms[i], &added);
          if (!added) throw py::value_error("Duplicate term in vocabulary: " + std::string(terms[i]));
        }
        SkCorpus corpus(views, analyzer);
        Csr<std::int64_t> out = run_interruptible(
            [&](const std::atomic<bool>* cancel) { return count_fixed(corpus, vocabulary, false, n_jobs, cancel); });
        return py_convert::csr_to_python(std::move(out));
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("terms_by_column"), py::arg("n_jobs"));

  m.def(
      "sk_hash",
      [](const py::list& docs, const SkAnalyzer& analyzer, std::int64_t n_features, bool alternate_sign, int n_jobs) {
        if (n_features < 1 || n_features > INT32_MAX) throw py::value_error("n_features must be in [1, 2**31 - 1]");
        std::vector<py::object> keep;
        const auto views = utf8_views(docs, keep);
        SkCorpus corpus(views, analyzer);
        HashingConfig cfg{static_cast<std::int32_t>(n_features), alternate_sign, n_jobs};
        Csr<double> out =
            run_interruptible([&](const std::atomic<bool>* cancel) { return hash_terms(corpus, cfg, cancel); });
        return py_convert::csr_to_python(std::move(out));
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("n_features"), py::arg("alternate_sign"), py::arg("n_jobs"));

  m.def(
      "murmurhash3_32",
      [](const py::bytes& key, std::uint32_t seed) {
        return murmurhash3_32(
            std::string_view(PyBytes_AS_STRING(key.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(key.ptr()))),
            seed);
      },
      py::arg("key"), py::arg("seed") = 0);

  m.def("translate_regex", [](const std::string& pattern) {
    std::size_t groups = 0;
    unsigned flags = 0;
    std::string out = pytext::translate_regex(pattern, &groups, &flags);
    return py::make_tuple(out, groups, flags);
  });
}
