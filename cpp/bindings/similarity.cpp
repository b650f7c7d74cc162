// Bindings of the similarity stage: CSR (or dense) arrays in (views, no copy), NumPy arrays out, and the
// fitted SimilarityIndex. Converts and releases the GIL; the decisions are made in the core.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <limits>
#include <type_traits>

#include "bind.hpp"
#include "convert.hpp"
#include "mekong/similarity/similarity.hpp"

namespace py = pybind11;
using namespace mekong;
using py_convert::csr_arg;
using py_convert::CsrArg;
using py_convert::dispatch;
using py_convert::is_float;
using py_convert::run_interruptible;
using py_convert::second_arg;
using py_convert::to_numpy_2d;
using py_convert::view;

namespace {

Metric metric_arg(const std::string& s) {
  if (s == "cosine") return Metric::cosine;
  if (s == "dot") return Metric::dot;
  if (s == "jaccard") return Metric::jaccard;
  throw py::value_error("metric must be 'cosine', 'dot' or 'jaccard'");
}

// A fitted SimilarityIndex<T> (T = float or double) as a Python class: built once from Y, queried
// with CSR matrices of the same value type (int32 or int64 indices).
template <class T>
void register_similarity_index(py::module_& m, const char* name) {
  py::class_<SimilarityIndex<T>>(m, name)
      .def(py::init([](const py::tuple& y, const std::string& metric) {
        const CsrArg a = csr_arg(y);
        if (!is_float(a.data.dtype(), sizeof(T))) throw py::type_error("the matrix has the wrong value dtype");
        const Metric mt = metric_arg(metric);
        return dispatch(a, [&]<class U, class I>() -> SimilarityIndex<T> {
          if constexpr (std::is_same_v<U, T>) {
            const CsrView<T, I> v = view<T, I>(a);
            py::gil_scoped_release release;
            return build_similarity_index(v, mt);
          } else {
            throw py::type_error("the matrix has the wrong value dtype");
          }
        });
      }))
      .def(
          "top_k",
          [](const SimilarityIndex<T>& ix, const py::tuple& q, std::size_t k, double threshold, int n_jobs,
             const py::object& progress) {
            const CsrArg a = csr_arg(q);
            if (!is_float(a.data.dtype(), sizeof(T))) throw py::type_error("queries must have the index's value dtype");
            SimilarityConfig cfg{ix.metric, n_jobs, 0};
            return dispatch(a, [&]<class U, class I>() -> py::object {
              if constexpr (std::is_same_v<U, T>) {
                const CsrView<T, I> v = view<T, I>(a);
                TopK<T> out;
                // A few queries (nnz <= 4096): milliseconds at most, no watcher thread to start.
                out = py_convert::CoreCall(progress).run_small(
                    v.nnz() <= 4096 ? 0 : std::numeric_limits<std::size_t>::max(),
                    [&](const std::atomic<bool>* cancel) { return top_k_query(ix, v, k, threshold, cfg, cancel); });
                const std::size_t rows = out.rows, kk = out.k;
                return py::make_tuple(to_numpy_2d(std::move(out.index), rows, kk),
                                      to_numpy_2d(std::move(out.score), rows, kk));
              } else {
                throw py::type_error("queries must have the index's value dtype");
              }
            });
          },
          py::arg("queries"), py::arg("k"), py::arg("threshold"), py::arg("n_jobs"), py::arg("progress") = py::none())
      .def_property_readonly("rows", [](const SimilarityIndex<T>& ix) { return ix.rows; })
      .def_property_readonly("cols", [](const SimilarityIndex<T>& ix) { return ix.cols; })
      .def_property_readonly("nnz", [](const SimilarityIndex<T>& ix) { return ix.nnz(); })
      .def_property_readonly("nbytes", [](const SimilarityIndex<T>& ix) { return ix.bytes(); });
}

}  // namespace

void bind_similarity(py::module_& m) {
  register_similarity_index<float>(m, "SimilarityIndex32");
  register_similarity_index<double>(m, "SimilarityIndex64");

  m.def(
      "similarity_matrix",
      [](const py::tuple& x, const py::object& y, const std::string& metric, int n_jobs, std::size_t memory_budget,
         const py::object& progress) {
        const CsrArg a = csr_arg(x);
        const bool symmetric = y.is_none();
        const CsrArg b = symmetric ? CsrArg{} : second_arg(a, y);
        SimilarityConfig cfg{metric_arg(metric), n_jobs, memory_budget};
        return dispatch(a, [&]<class T, class I>() -> py::object {
          const CsrView<T, I> vx = view<T, I>(a);
          CsrView<T, I> vy;
          if (!symmetric) vy = view<T, I>(b);
          const std::size_t rows = vx.rows, cols = symmetric ? vx.rows : vy.rows;
          // The core's buffer is never zero-filled (every cell is written once): NumPy owns it as is.
          T* out = py_convert::CoreCall(progress)
                       .run([&](const std::atomic<bool>* cancel) {
                         return similarity_matrix_buffer(vx, symmetric ? nullptr : &vy, cfg, cancel);
                       })
                       .release();
          py::capsule owner(out, [](void* p) { SimilarityBufferDelete{}(p); });
          return py::array_t<T>({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)},
                                {static_cast<py::ssize_t>(cols * sizeof(T)), static_cast<py::ssize_t>(sizeof(T))}, out,
                                owner);
        });
      },
      py::arg("x"), py::arg("y"), py::arg("metric"), py::arg("n_jobs"), py::arg("memory_budget"),
      py::arg("progress") = py::none());

  m.def("dense_similarity_matrix",
        [](const py::array& x, const py::object& y, const std::string& metric, int n_jobs,
           std::size_t memory_budget) -> py::object {
          const bool symmetric = y.is_none();
          py::array yarr = symmetric ? py::array() : y.cast<py::array>();
          if (x.ndim() != 2 || (!symmetric && (yarr.ndim() != 2 || yarr.shape(1) != x.shape(1))))
            throw py::value_error("X and Y must be 2-D with the same number of columns");
          SimilarityConfig cfg{metric_arg(metric), n_jobs, memory_budget};
          auto run = [&](auto tag) -> py::object {
            using T = decltype(tag);
            auto xa = x.cast<py::array_t<T, py::array::c_style | py::array::forcecast>>();
            py::array_t<T, py::array::c_style | py::array::forcecast> ya;
            if (!symmetric) ya = yarr.cast<py::array_t<T, py::array::c_style | py::array::forcecast>>();
            const auto n = static_cast<std::size_t>(xa.shape(0)), d = static_cast<std::size_t>(xa.shape(1));
            const std::size_t m = symmetric ? n : static_cast<std::size_t>(ya.shape(0));
            std::vector<T> out = run_interruptible([&](const std::atomic<bool>* cancel) {
              return dense_similarity_matrix<T>(xa.data(), n, d, symmetric ? nullptr : ya.data(), m, cfg, cancel);
            });
            return to_numpy_2d(std::move(out), n, m);
          };
          const bool f32 = is_float(x.dtype(), 4) && (symmetric || is_float(yarr.dtype(), 4));
          return f32 ? run(float{}) : run(double{});
        });

  m.def(
      "top_k_similar",
      [](const py::tuple& x, const py::object& y, std::size_t k, double threshold, const std::string& metric,
         int n_jobs, const py::object& progress) {
        const CsrArg a = csr_arg(x);
        const bool symmetric = y.is_none();
        const CsrArg b = symmetric ? CsrArg{} : second_arg(a, y);
        SimilarityConfig cfg{metric_arg(metric), n_jobs, 0};
        return dispatch(a, [&]<class T, class I>() -> py::object {
          const CsrView<T, I> vx = view<T, I>(a);
          CsrView<T, I> vy;
          if (!symmetric) vy = view<T, I>(b);
          TopK<T> out = py_convert::CoreCall(progress).run([&](const std::atomic<bool>* cancel) {
            return top_k_similar(vx, symmetric ? nullptr : &vy, k, threshold, cfg, cancel);
          });
          const std::size_t rows = out.rows, kk = out.k;
          return py::make_tuple(to_numpy_2d(std::move(out.index), rows, kk),
                                to_numpy_2d(std::move(out.score), rows, kk));
        });
      },
      py::arg("x"), py::arg("y"), py::arg("k"), py::arg("threshold"), py::arg("metric"), py::arg("n_jobs"),
      py::arg("progress") = py::none());

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const MemoryBudgetError& e) {
      PyErr_SetString(PyExc_MemoryError, e.what());
    }
  });
}
