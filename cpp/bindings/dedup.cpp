// Bindings of the dedup stage (MinHash near-duplicates): documents or signatures in, NumPy out.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "bind.hpp"
#include "convert.hpp"
#include "mekong/dedup/minhash.hpp"

namespace py = pybind11;
using namespace mekong;
using py_convert::documents_from_python;
using py_convert::run_interruptible;
using py_convert::to_numpy;
using py_convert::to_numpy_2d;

namespace {

using SignatureArray = py::array_t<std::uint64_t, py::array::c_style | py::array::forcecast>;

MinHashConfig minhash_config(std::size_t num_perm, std::size_t shingle, std::uint64_t seed, int n_jobs) {
  MinHashConfig cfg;
  cfg.num_perm = num_perm;
  cfg.shingle = shingle;
  cfg.seed = seed;
  cfg.n_jobs = n_jobs;
  validate(cfg);
  return cfg;
}

LshConfig lsh_config(std::size_t bands, std::size_t rows, double threshold, int n_jobs) {
  LshConfig cfg;
  cfg.bands = bands;
  cfg.rows = rows;
  cfg.threshold = threshold;
  cfg.n_jobs = n_jobs;
  return cfg;
}

py::tuple pairs_to_python(NearDuplicatePairs&& p, bool has_exact) {
  py::object exact = py::none();
  if (has_exact) exact = to_numpy(std::move(p.exact));
  const std::size_t groups = p.groups;
  return py::make_tuple(to_numpy(std::move(p.first)), to_numpy(std::move(p.second)), to_numpy(std::move(p.estimated)),
                        exact, to_numpy(std::move(p.labels)), groups);
}

}  // namespace

void bind_dedup(py::module_& m) {
  m.def(
      "minhash",
      [](const py::handle& docs, const Analyzer& analyzer, std::size_t num_perm, std::size_t shingle,
         std::uint64_t seed, int n_jobs) {
        const MinHashConfig cfg = minhash_config(num_perm, shingle, seed, n_jobs);
        std::vector<py::object> keep;
        const RawDocuments raw = documents_from_python(docs, keep);
        MinHashResult out = run_interruptible(
            [&](const std::atomic<bool>* cancel) { return minhash_corpus(raw, analyzer, cfg, false, cancel); });
        return to_numpy_2d(std::move(out.signatures), out.rows, num_perm);
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("num_perm"), py::arg("shingle"), py::arg("seed"),
      py::arg("n_jobs"));

  // Signatures and near-duplicate pairs of documents in one call; with exact, the shingle sets stay
  // in the core for the exact Jaccard of each candidate.
  m.def(
      "near_duplicates_documents",
      [](const py::handle& docs, const Analyzer& analyzer, std::size_t num_perm, std::size_t shingle,
         std::uint64_t seed, std::size_t bands, std::size_t rows, double threshold, bool exact, int n_jobs) {
        const MinHashConfig cfg = minhash_config(num_perm, shingle, seed, n_jobs);
        const LshConfig lsh = lsh_config(bands, rows, threshold, n_jobs);
        std::vector<py::object> keep;
        const RawDocuments raw = documents_from_python(docs, keep);
        auto [sig, pairs] = run_interruptible([&](const std::atomic<bool>* cancel) {
          MinHashResult s = minhash_corpus(raw, analyzer, cfg, exact, cancel);
          NearDuplicatePairs p =
              near_duplicate_pairs(s.signatures.data(), s.rows, num_perm, lsh, exact ? &s.shingles : nullptr, cancel);
          s.shingles = {};
          return std::make_pair(std::move(s), std::move(p));
        });
        const std::size_t n = sig.rows;
        return py::make_tuple(to_numpy_2d(std::move(sig.signatures), n, num_perm),
                              pairs_to_python(std::move(pairs), exact));
      },
      py::arg("docs"), py::arg("analyzer"), py::arg("num_perm"), py::arg("shingle"), py::arg("seed"), py::arg("bands"),
      py::arg("rows"), py::arg("threshold"), py::arg("exact"), py::arg("n_jobs"));

  m.def(
      "near_duplicates_signatures",
      [](const SignatureArray& signatures, std::size_t bands, std::size_t rows, double threshold, int n_jobs) {
        if (signatures.ndim() != 2) throw py::value_error("signatures must be a 2-D array (documents x num_perm)");
        const LshConfig lsh = lsh_config(bands, rows, threshold, n_jobs);
        const auto n = static_cast<std::size_t>(signatures.shape(0));
        const auto num_perm = static_cast<std::size_t>(signatures.shape(1));
        NearDuplicatePairs pairs = run_interruptible([&](const std::atomic<bool>* cancel) {
          return near_duplicate_pairs(signatures.data(), n, num_perm, lsh, nullptr, cancel);
        });
        return pairs_to_python(std::move(pairs), false);
      },
      py::arg("signatures"), py::arg("bands"), py::arg("rows"), py::arg("threshold"), py::arg("n_jobs"));
}
