// Bindings of the stories stage: neighbour lists in (NumPy int64 / float64, n x k), labels out.
#include <cmath>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "bind.hpp"
#include "convert.hpp"
#include "mekong/stories/stories.hpp"

namespace py = pybind11;
using namespace mekong;
using py_convert::run_interruptible;
using py_convert::to_numpy;
using py_convert::to_numpy_2d;

namespace {

using IndexArray = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
using ScoreArray = py::array_t<double, py::array::c_style | py::array::forcecast>;

NeighbourLists lists(const IndexArray& index, const ScoreArray& score) {
  if (index.ndim() != 2 || score.ndim() != 2 || index.shape(0) != score.shape(0) || index.shape(1) != score.shape(1))
    throw py::value_error("index and score must be 2-D arrays of one shape");
  NeighbourLists nb;
  nb.rows = static_cast<std::size_t>(index.shape(0));
  nb.k = static_cast<std::size_t>(index.shape(1));
  nb.index.assign(index.data(), index.data() + index.size());
  nb.score.assign(score.data(), score.data() + score.size());
  return nb;
}

}  // namespace

void bind_stories(py::module_& m) {
  using I64 = py::array_t<std::int64_t, py::array::c_style | py::array::forcecast>;
  using F64 = py::array_t<double, py::array::c_style | py::array::forcecast>;
  auto check_csr = [](const I64& indptr, const I64& indices, const F64& data, std::size_t rows) {
    if (static_cast<std::size_t>(indptr.size()) != rows + 1)
      throw py::value_error("indptr must have n_rows + 1 entries");
    if (indices.size() != data.size()) throw py::value_error("indices and data differ in length");
    const std::int64_t* p = indptr.data();
    if (p[0] != 0 || p[rows] != static_cast<std::int64_t>(data.size())) throw py::value_error("malformed indptr");
    for (std::size_t r = 0; r < rows; ++r)
      if (p[r + 1] < p[r]) throw py::value_error("indptr decreases");
  };

  m.def("prune_rows", [check_csr](const I64& indptr, const I64& indices, const F64& data, std::size_t rows,
                                  std::size_t cols, std::size_t keep) {
    check_csr(indptr, indices, data, rows);
    SparseRows out;
    {
      py::gil_scoped_release release;
      out = prune_rows(indptr.data(), indices.data(), data.data(), rows, cols, keep);
    }
    return py::make_tuple(to_numpy(std::move(out.data)), to_numpy(std::move(out.indices)),
                          to_numpy(std::move(out.indptr)));
  });

  m.def(
      "rescore_cosine",
      [check_csr](const IndexArray& index, const ScoreArray& score, const I64& indptr, const I64& indices,
                  const F64& data, std::size_t cols, int n_jobs, const py::object& progress) {
        NeighbourLists nb = lists(index, score);
        check_csr(indptr, indices, data, nb.rows);
        NeighbourLists out = py_convert::CoreCall(progress).run([&](const std::atomic<bool>* cancel) {
          return rescore_cosine(nb, indptr.data(), indices.data(), data.data(), cols, n_jobs, cancel);
        });
        const std::size_t rows = out.rows, k = out.k;
        return py::make_tuple(to_numpy_2d(std::move(out.index), rows, k), to_numpy_2d(std::move(out.score), rows, k));
      },
      py::arg("index"), py::arg("score"), py::arg("indptr"), py::arg("indices"), py::arg("data"), py::arg("cols"),
      py::arg("n_jobs"), py::arg("progress") = py::none());

  m.def(
      "rerank_neighbours",
      [](const IndexArray& index, const ScoreArray& score, int n_jobs, const py::object& progress) {
        NeighbourLists nb = lists(index, score);
        NeighbourLists out = py_convert::CoreCall(progress).run(
            [&](const std::atomic<bool>* cancel) { return rerank_neighbours(nb, n_jobs, cancel); });
        const std::size_t rows = out.rows, k = out.k;
        return py::make_tuple(to_numpy_2d(std::move(out.index), rows, k), to_numpy_2d(std::move(out.score), rows, k));
      },
      py::arg("index"), py::arg("score"), py::arg("n_jobs"), py::arg("progress") = py::none());

  m.def("calibrate_threshold", [](const IndexArray& index, const ScoreArray& score, double floor) {
    NeighbourLists nb = lists(index, score);
    validate_neighbours(nb);
    return calibrate_threshold(nb, floor);
  });

  m.def("story_linkage",
        [](const IndexArray& index, const ScoreArray& score, double threshold, const py::object& dates, double window) {
          NeighbourLists nb = lists(index, score);
          std::vector<double> d;
          LinkageConfig cfg;
          cfg.threshold = threshold;
          if (!dates.is_none()) {
            ScoreArray arr = dates.cast<ScoreArray>();
            if (arr.ndim() != 1) throw py::value_error("dates must be 1-D");
            d.assign(arr.data(), arr.data() + arr.size());
            cfg.dates = &d;
            cfg.window = window;
          }
          std::vector<std::int64_t> labels =
              run_interruptible([&](const std::atomic<bool>* cancel) { return story_linkage(nb, cfg, cancel); });
          return to_numpy(std::move(labels));
        });
}
