// Bindings of the matrix stages (count, hashing, weight): documents or CSR arrays in (views, no copy),
// NumPy arrays out. Converts and releases the GIL; the decisions are made in the core.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "bind.hpp"
#include "convert.hpp"
#include "fields.hpp"
#include "mekong/matrix/count.hpp"
#include "mekong/matrix/hashing.hpp"
#include "mekong/matrix/weight.hpp"
#include "mekong/pipeline.hpp"
#include "mekong/text/sklearn_analyzer.hpp"
#include "mekong/util/interner.hpp"

namespace py = pybind11;
using namespace mekong;
using py_convert::csr_arg;
using py_convert::CsrArg;
using py_convert::dispatch;
using py_convert::documents_from_python;
using py_convert::run_interruptible;
using py_convert::term_str;
using py_convert::to_numpy;
using py_convert::utf8_str;
using py_convert::utf8_views;
using py_convert::view;

namespace {

py::tuple stats_to_python(const std::vector<DocStats>& stats) {
  std::vector<std::int64_t> replaced(stats.size()), first(stats.size());
  for (std::size_t i = 0; i < stats.size(); ++i) {
    replaced[i] = static_cast<std::int64_t>(stats[i].replaced);
    first[i] =
        stats[i].first_invalid == std::string_view::npos ? -1 : static_cast<std::int64_t>(stats[i].first_invalid);
  }
  return py::make_tuple(py_convert::to_numpy(std::move(replaced)), py_convert::to_numpy(std::move(first)));
}

py::dict aliases_to_python(const AliasObservations& seen) {
  py::dict out;
  for (const auto& [key, forms] : seen) {
    py::dict f;
    for (const auto& [form, n] : forms) f[utf8_str(form)] = n;
    out[utf8_str(key)] = f;
  }
  return out;
}

// The code points of a list of str as each str holds them (no UTF-8 copy: see SkCorpus), alive
// as long as `docs`, which `keep` holds.
std::vector<CodeUnits> code_units(const py::list& docs, std::vector<py::object>& keep) {
  std::vector<CodeUnits> out;
  out.reserve(docs.size());
  for (std::size_t i = 0; i < docs.size(); ++i) {
    PyObject* o = PyList_GET_ITEM(docs.ptr(), static_cast<Py_ssize_t>(i));
    if (!PyUnicode_Check(o))
      throw py::type_error("document " + std::to_string(i) + " is " + Py_TYPE(o)->tp_name + ", expected str");
    const py_convert::StrStorage st = py_convert::str_storage(o);
    out.push_back({st.data, st.length, st.kind == 0 ? 1 : st.kind});
  }
  keep.push_back(docs);
  return out;
}

// A fixed vocabulary: normalized terms -> column.
struct Vocabulary {
  Interner terms;
};

Norm norm_arg(const std::string& s) {
  if (s == "l2") return Norm::l2;
  if (s == "l1") return Norm::l1;
  if (s == "none") return Norm::none;
  throw py::value_error("norm must be 'l1', 'l2' or None");
}

// sk_hash's and hash's settings, converted the same way.
HashingConfig hashing_config(std::int32_t n_features, bool alternate_sign, int n_jobs, bool binary,
                             const std::string& norm) {
  HashingConfig cfg;
  cfg.n_features = n_features;
  cfg.alternate_sign = alternate_sign;
  cfg.n_jobs = n_jobs;
  cfg.binary = binary;
  cfg.norm = norm_arg(norm);
  return cfg;
}

}  // namespace

void bind_matrix(py::module_& m) {
  py::class_<CountConfig> count(m, "CountConfig");
  count.def(py::init<>());
  py_fields::field(count, "min_df", &CountConfig::min_df);
  py_fields::field(count, "min_df_is_count", &CountConfig::min_df_is_count);
  py_fields::field(count, "max_df", &CountConfig::max_df);
  py_fields::field(count, "max_df_is_count", &CountConfig::max_df_is_count);
  py_fields::field(count, "max_features", &CountConfig::max_features);
  py_fields::field(count, "binary", &CountConfig::binary);

  py::class_<Vocabulary>(m, "Vocabulary")
      .def(py::init([](const std::vector<std::string>& terms) {
        return std::make_unique<Vocabulary>(Vocabulary{Interner::of_unique(terms)});
      }))
      .def("__len__", [](const Vocabulary& v) { return v.terms.size(); });

  m.def(
      "count",
      [](const py::handle& docs, const Analyzer& analyzer, const CountConfig& config, int n_jobs, bool strict_decode,
         const py::object& progress, const PreparedCorpus* prepared, std::size_t offset) {
        std::vector<py::object> keep;
        RawDocuments raw = documents_from_python(docs, keep, /*as_units=*/prepared == nullptr);
        raw.strict = strict_decode;
        CountConfig cfg = config;
        cfg.n_jobs = n_jobs;  // n_jobs reaches every core call as this one int argument
        CorpusCounts out = py_convert::CoreCall(progress).run([&](const std::atomic<bool>* cancel) {
          return count_corpus(raw, analyzer, cfg, cancel, prepared, offset);
        });
        py::list vocabulary(out.counts.vocabulary.size());
        for (std::size_t i = 0; i < out.counts.vocabulary.size(); ++i)
          vocabulary[i] = utf8_str(out.counts.vocabulary[i]);
        out.counts.vocabulary = {};
        return py::make_tuple(py_convert::csr_to_python(std::move(out.counts.matrix)), vocabulary,
                              stats_to_python(out.stats), aliases_to_python(out.aliases));
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("config"), py::arg("n_jobs"), py::arg("strict_decode") = false,
      py::arg("progress") = py::none(), py::arg("prepared") = nullptr, py::arg("offset") = 0);

  m.def(
      "count_fixed",
      [](const py::handle& docs, const Analyzer& analyzer, const Vocabulary& vocabulary, bool binary, int n_jobs,
         bool strict_decode, const py::object& progress, const PreparedCorpus* prepared, std::size_t offset) {
        std::vector<py::object> keep;
        RawDocuments raw = documents_from_python(docs, keep, /*as_units=*/prepared == nullptr);
        raw.strict = strict_decode;
        FixedCounts out = py_convert::CoreCall(progress).run([&](const std::atomic<bool>* cancel) {
          return count_corpus_fixed(raw, analyzer, vocabulary.terms, binary, n_jobs, cancel, prepared, offset);
        });
        return py::make_tuple(py_convert::csr_to_python(std::move(out.matrix)), stats_to_python(out.stats),
                              aliases_to_python(out.aliases));
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("vocabulary"), py::arg("binary"), py::arg("n_jobs"),
      py::arg("strict_decode") = false, py::arg("progress") = py::none(), py::arg("prepared") = nullptr,
      py::arg("offset") = 0);

  m.def(
      "sk_count",
      [](const py::list& docs, const SkAnalyzer& analyzer, double min_df, bool min_df_is_count, double max_df,
         bool max_df_is_count, int n_jobs, const py::object& progress) {
        std::vector<py::object> keep;
        const auto units = code_units(docs, keep);
        SkCorpus corpus(units, analyzer);
        CountConfig cfg;
        cfg.min_df = min_df;
        cfg.min_df_is_count = min_df_is_count;
        cfg.max_df = max_df;
        cfg.max_df_is_count = max_df_is_count;
        cfg.n_jobs = n_jobs;
        CountResult out = py_convert::CoreCall(progress).run(
            [&](const std::atomic<bool>* cancel) { return count_and_learn(corpus, cfg, cancel); });
        // vocabulary_ itself (term -> column), built here in one pass: no list of terms to zip in Python.
        py::dict vocabulary;
        for (std::size_t i = 0; i < out.vocabulary.size(); ++i) {
          const py::str term = term_str(out.vocabulary[i]);
          const py::int_ column(i);
          if (PyDict_SetItem(vocabulary.ptr(), term.ptr(), column.ptr()) != 0) throw py::error_already_set();
        }
        out.vocabulary = {};
        return py::make_tuple(py_convert::csr_to_python(std::move(out.matrix)), vocabulary);
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("min_df"), py::arg("min_df_is_count"), py::arg("max_df"),
      py::arg("max_df_is_count"), py::arg("n_jobs"), py::arg("progress") = py::none());

  m.def(
      "sk_count_fixed",
      [](const py::list& docs, const SkAnalyzer& analyzer, const py::list& terms_by_column, int n_jobs,
         const py::object& progress) {
        std::vector<py::object> keep;
        const auto units = code_units(docs, keep);
        const auto terms = utf8_views(terms_by_column, keep);
        const Interner vocabulary = Interner::of_unique(terms);
        SkCorpus corpus(units, analyzer);
        Csr<std::int64_t> out = py_convert::CoreCall(progress).run(
            [&](const std::atomic<bool>* cancel) { return count_fixed(corpus, vocabulary, false, n_jobs, cancel); });
        return py_convert::csr_to_python(std::move(out));
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("terms_by_column"), py::arg("n_jobs"),
      py::arg("progress") = py::none());

  m.def(
      "sk_hash",
      [](const py::list& docs, const SkAnalyzer& analyzer, std::int32_t n_features, bool alternate_sign, int n_jobs,
         const py::object& progress, bool binary, const std::string& norm) {
        std::vector<py::object> keep;
        const auto units = code_units(docs, keep);
        SkCorpus corpus(units, analyzer);
        const HashingConfig cfg = hashing_config(n_features, alternate_sign, n_jobs, binary, norm);
        Csr<double> out = py_convert::CoreCall(progress).run(
            [&](const std::atomic<bool>* cancel) { return hash_terms(corpus, cfg, cancel); });
        return py_convert::csr_to_python(std::move(out));
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("n_features"), py::arg("alternate_sign"), py::arg("n_jobs"),
      py::arg("progress") = py::none(), py::arg("binary") = false, py::arg("norm") = "none");

  // The top-level HashingVectorizer: the Vietnamese analyzer's terms (the ones count() counts)
  // hashed as sk_hash hashes the scikit-learn analyzer's. Returns (csr parts, stats).
  m.def(
      "hash",
      [](const py::handle& docs, const Analyzer& analyzer, std::int32_t n_features, bool alternate_sign, int n_jobs,
         bool strict_decode, const py::object& progress, bool binary, const std::string& norm) {
        std::vector<py::object> keep;
        RawDocuments raw = documents_from_python(docs, keep, /*as_units=*/true);
        raw.strict = strict_decode;
        const HashingConfig cfg = hashing_config(n_features, alternate_sign, n_jobs, binary, norm);
        AnalyzedCorpus corpus(raw, analyzer);
        Csr<double> out = py_convert::CoreCall(progress).run([&](const std::atomic<bool>* cancel) {
          corpus.set_cancel(cancel);
          return hash_terms(corpus, cfg, cancel);
        });
        return py::make_tuple(py_convert::csr_to_python(std::move(out)), stats_to_python(corpus.stats()));
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("n_features"), py::arg("alternate_sign"), py::arg("n_jobs"),
      py::arg("strict_decode") = false, py::arg("progress") = py::none(), py::arg("binary") = false,
      py::arg("norm") = "none");

  m.def(
      "murmurhash3_32",
      [](const py::bytes& key, std::uint32_t seed) {
        return murmurhash3_32(
            std::string_view(PyBytes_AS_STRING(key.ptr()), static_cast<std::size_t>(PyBytes_GET_SIZE(key.ptr()))),
            seed);
      },
      py::arg("key"), py::arg("seed") = 0);

  m.def("document_frequency", [](const py::tuple& x) {
    const CsrArg a = csr_arg(x);
    return dispatch(a, [&]<class T, class I>() { return to_numpy(document_frequency(view<T, I>(a))); });
  });

  m.def("tfidf_idf",
        [](const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& df, std::size_t n_docs,
           bool smooth, bool float32) -> py::object {
          std::vector<std::int64_t> d(df.data(), df.data() + df.size());
          if (float32) return to_numpy(tfidf_idf<float>(d, n_docs, smooth));
          return to_numpy(tfidf_idf<double>(d, n_docs, smooth));
        });

  m.def("bm25_idf",
        [](const py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>& df, std::size_t n_docs,
           bool float32) -> py::object {
          std::vector<std::int64_t> d(df.data(), df.data() + df.size());
          if (float32) return to_numpy(bm25_idf<float>(d, n_docs));
          return to_numpy(bm25_idf<double>(d, n_docs));
        });

  m.def("mean_row_sum", [](const py::tuple& x) {
    const CsrArg a = csr_arg(x);
    return dispatch(a, [&]<class T, class I>() { return mean_row_sum(view<T, I>(a)); });
  });

  m.def("tfidf_weight",
        [](const py::tuple& x, const py::object& idf, bool sublinear, const std::string& norm, int n_jobs) {
          const CsrArg a = csr_arg(x);
          const Norm nm = norm_arg(norm);
          return dispatch(a, [&]<class T, class I>() -> py::object {
            const CsrView<T, I> v = view<T, I>(a);
            const T* idf_ptr = nullptr;
            py::array_t<T> idf_arr;
            if (!idf.is_none()) {
              idf_arr = idf.cast<py::array_t<T, py::array::c_style | py::array::forcecast>>();
              if (static_cast<std::size_t>(idf_arr.size()) != v.cols) throw py::value_error("idf has the wrong length");
              idf_ptr = idf_arr.data();
            }
            std::vector<T> out(v.nnz());
            py_convert::run_cancellable(v.nnz() * sizeof(T), [&](const std::atomic<bool>*) {
              tfidf_weight(v, idf_ptr, sublinear, nm, out.data(), n_jobs);
              return true;
            });
            return to_numpy(std::move(out));
          });
        });

  m.def("bm25_weight", [](const py::tuple& x, const py::object& idf, double k1, double b, double avg_len,
                          const std::string& norm, int n_jobs) {
    const CsrArg a = csr_arg(x);
    const Norm nm = norm_arg(norm);
    return dispatch(a, [&]<class T, class I>() -> py::object {
      const CsrView<T, I> v = view<T, I>(a);
      auto idf_arr = idf.cast<py::array_t<T, py::array::c_style | py::array::forcecast>>();
      if (static_cast<std::size_t>(idf_arr.size()) != v.cols) throw py::value_error("idf has the wrong length");
      std::vector<T> out(v.nnz());
      py_convert::run_cancellable(v.nnz() * sizeof(T), [&](const std::atomic<bool>*) {
        bm25_weight(v, idf_arr.data(), k1, b, avg_len, nm, out.data(), n_jobs);
        return true;
      });
      return to_numpy(std::move(out));
    });
  });
}
