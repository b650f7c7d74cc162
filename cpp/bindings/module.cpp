// mekong._core: the pybind11 module. It converts arguments and results and releases the GIL; every
// decision about text or matrices is made in the core.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "convert.hpp"
#include "mekong/text/analyzer.hpp"
#include "mekong/text/decode.hpp"
#include "mekong/util/interner.hpp"
#include "mekong/util/parallel.hpp"

namespace py = pybind11;
using namespace mekong;
using py_convert::documents_from_python;
using py_convert::run_interruptible;

namespace {

py::list to_list(const TermBuffer& terms) {
  py::list out(terms.size());
  for (std::size_t i = 0; i < terms.size(); ++i) {
    const std::string_view t = terms[i];
    out[i] = py::reinterpret_steal<py::object>(PyUnicode_DecodeUTF8(t.data(), static_cast<Py_ssize_t>(t.size()), "strict"));
  }
  return out;
}

py::str utf8_str(std::string_view s) {
  return py::reinterpret_steal<py::str>(PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "strict"));
}

py::tuple stats_to_python(const std::vector<DocStats>& stats) {
  std::vector<std::int64_t> replaced(stats.size()), first(stats.size());
  for (std::size_t i = 0; i < stats.size(); ++i) {
    replaced[i] = static_cast<std::int64_t>(stats[i].replaced);
    first[i] = stats[i].first_invalid == std::string_view::npos ? -1 : static_cast<std::int64_t>(stats[i].first_invalid);
  }
  return py::make_tuple(py_convert::to_numpy(std::move(replaced)), py_convert::to_numpy(std::move(first)));
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

// A fixed vocabulary: normalized terms -> column.
struct Vocabulary {
  Interner terms;
};

}  // namespace

void register_matrix(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "mekong's C++ core (use the mekong package, not this module directly)";

  py::enum_<ToneStyle>(m, "ToneStyle")
      .value("keep", ToneStyle::keep)
      .value("traditional", ToneStyle::traditional)
      .value("modern", ToneStyle::modern);
  py::enum_<LinkPolicy>(m, "LinkPolicy")
      .value("drop", LinkPolicy::drop)
      .value("keep", LinkPolicy::keep)
      .value("split", LinkPolicy::split);

  py::class_<AnalyzerConfig>(m, "AnalyzerConfig")
      .def(py::init<>())
      .def_readwrite("encoding", &AnalyzerConfig::encoding)
      .def_property(
          "lowercase", [](const AnalyzerConfig& c) { return c.normalize.lowercase; },
          [](AnalyzerConfig& c, bool v) { c.normalize.lowercase = v; })
      .def_property(
          "tones", [](const AnalyzerConfig& c) { return c.normalize.tones; },
          [](AnalyzerConfig& c, ToneStyle v) { c.normalize.tones = v; })
      .def_property(
          "numbers", [](const AnalyzerConfig& c) { return c.segment.numbers; },
          [](AnalyzerConfig& c, bool v) { c.segment.numbers = v; })
      .def_property(
          "links", [](const AnalyzerConfig& c) { return c.segment.links; },
          [](AnalyzerConfig& c, LinkPolicy v) { c.segment.links = v; })
      .def_property(
          "min_length", [](const AnalyzerConfig& c) { return c.segment.min_length; },
          [](AnalyzerConfig& c, std::size_t v) { c.segment.min_length = v; })
      .def_readwrite("stop_words", &AnalyzerConfig::stop_words)
      .def_readwrite("ngram_min", &AnalyzerConfig::ngram_min)
      .def_readwrite("ngram_max", &AnalyzerConfig::ngram_max);

  py::class_<Analyzer>(m, "Analyzer")
      .def(py::init<AnalyzerConfig>())
      .def("terms",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             TermBuffer out;
             DocStats stats;
             {
               py::gil_scoped_release release;
               auto w = a.worker();
               stats = w.analyze(one.docs.bytes[0], out, one.docs.utf8[0]);
             }
             return py::make_tuple(to_list(out), stats.replaced);
           })
      .def("tokens",
           [](const Analyzer& a, const py::handle& text) {
             OneDocument one(text);
             TermBuffer out;
             {
               py::gil_scoped_release release;
               auto w = a.worker();
               w.tokens(one.docs.bytes[0], out, one.docs.utf8[0]);
             }
             return to_list(out);
           })
      .def("normalize_term", [](const Analyzer& a, const std::string& t) { return utf8_str(a.normalize_term(t)); })
      .def("normalize_text", [](const Analyzer& a, const std::string& t) {
        std::string scratch, out;
        {
          py::gil_scoped_release release;
          out = a.normalizer().normalize_text(decode_utf8(t, scratch).text);
        }
        return utf8_str(out);
      });

  py::class_<Vocabulary>(m, "Vocabulary")
      .def(py::init([](const std::vector<std::string>& terms) {
        auto v = std::make_unique<Vocabulary>();
        for (std::size_t i = 0; i < terms.size(); ++i) {
          bool added = false;
          v->terms.intern(terms[i], &added);
          if (!added) throw py::value_error("Duplicate term in vocabulary: '" + terms[i] + "'");
        }
        return v;
      }))
      .def("__len__", [](const Vocabulary& v) { return v.terms.size(); });

  m.def("decode",
        [](const py::bytes& data, const std::string& encoding) {
          std::string_view view(PyBytes_AS_STRING(data.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(data.ptr())));
          std::string scratch;
          Decoded d;
          {
            py::gil_scoped_release release;
            d = encoding.empty() ? decode_utf8(view, scratch) : decode_bytes(view, encoding, scratch);
          }
          return py::make_tuple(utf8_str(d.text), d.replaced);
        },
        py::arg("data"), py::arg("encoding") = "");

  m.def("count",
        [](const py::handle& docs, const Analyzer& analyzer, double min_df, bool min_df_is_count, double max_df,
           bool max_df_is_count, std::int64_t max_features, bool binary, int n_jobs) {
          std::vector<py::object> keep;
          const RawDocuments raw = documents_from_python(docs, keep);
          CountConfig cfg;
          cfg.min_df = min_df;
          cfg.min_df_is_count = min_df_is_count;
          cfg.max_df = max_df;
          cfg.max_df_is_count = max_df_is_count;
          cfg.max_features = max_features;
          cfg.binary = binary;
          cfg.n_jobs = n_jobs;
          CorpusCounts out = run_interruptible([&](const std::atomic<bool>* cancel) {
            return count_corpus(raw, analyzer, cfg, cancel);
          });
          py::list vocabulary(out.counts.vocabulary.size());
          for (std::size_t i = 0; i < out.counts.vocabulary.size(); ++i) vocabulary[i] = utf8_str(out.counts.vocabulary[i]);
          out.counts.vocabulary = {};
          return py::make_tuple(py_convert::csr_to_python(std::move(out.counts.matrix)), vocabulary,
                                stats_to_python(out.stats));
        },
        py::arg("docs"), py::arg("analyzer"), py::arg("min_df"), py::arg("min_df_is_count"), py::arg("max_df"),
        py::arg("max_df_is_count"), py::arg("max_features"), py::arg("binary"), py::arg("n_jobs"));

  m.def("count_fixed",
        [](const py::handle& docs, const Analyzer& analyzer, const Vocabulary& vocabulary, bool binary, int n_jobs) {
          std::vector<py::object> keep;
          const RawDocuments raw = documents_from_python(docs, keep);
          FixedCounts out = run_interruptible([&](const std::atomic<bool>* cancel) {
            return count_corpus_fixed(raw, analyzer, vocabulary.terms, binary, n_jobs, cancel);
          });
          return py::make_tuple(py_convert::csr_to_python(std::move(out.matrix)), stats_to_python(out.stats));
        },
        py::arg("docs"), py::arg("analyzer"), py::arg("vocabulary"), py::arg("binary"), py::arg("n_jobs"));

  m.def("resolve_n_jobs", &resolve_n_jobs);
  register_matrix(m);
}
