// Bindings of the weight and similarity stages: CSR arrays in (views, no copy), NumPy arrays out.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <type_traits>

#include "convert.hpp"
#include "mekong/matrix/weight.hpp"
#include "mekong/similarity/similarity.hpp"

namespace py = pybind11;
using namespace mekong;
using py_convert::run_interruptible;
using py_convert::to_numpy;

namespace {

// A CSR matrix passed from Python as (data, indices, indptr, n_rows, n_cols); arrays are kept alive
// by the caller's references for the duration of the call.
struct CsrArg {
  py::array data, indices, indptr;
  std::size_t rows = 0, cols = 0;
};

// Dtypes compared by kind and size: a dtype that went through pickle is equal but not identical.
bool same_dtype(const py::dtype& a, const py::dtype& b) { return a.kind() == b.kind() && a.itemsize() == b.itemsize(); }
bool is_float(const py::dtype& d, std::size_t size) {
  return d.kind() == 'f' && static_cast<std::size_t>(d.itemsize()) == size;
}
bool is_int(const py::dtype& d, std::size_t size) {
  return d.kind() == 'i' && static_cast<std::size_t>(d.itemsize()) == size;
}

CsrArg csr_arg(const py::tuple& t) {
  if (t.size() != 5) throw py::value_error("expected (data, indices, indptr, n_rows, n_cols)");
  CsrArg a{t[0].cast<py::array>(), t[1].cast<py::array>(), t[2].cast<py::array>(), t[3].cast<std::size_t>(),
           t[4].cast<std::size_t>()};
  for (const py::array* arr : {&a.data, &a.indices, &a.indptr})
    if (!(arr->flags() & py::array::c_style)) throw py::value_error("CSR arrays must be C-contiguous");
  if (static_cast<std::size_t>(a.indptr.size()) != a.rows + 1)
    throw py::value_error("indptr must have n_rows + 1 entries");
  if (!same_dtype(a.indices.dtype(), a.indptr.dtype())) throw py::value_error("indices and indptr must have one dtype");
  if (a.indices.size() != a.data.size()) throw py::value_error("indices and data differ in length");
  return a;
}

// Y of an (X, Y) pair: the same dtypes as X.
CsrArg second_arg(const CsrArg& a, const py::object& y) {
  CsrArg b = csr_arg(y.cast<py::tuple>());
  if (!same_dtype(a.data.dtype(), b.data.dtype()) || !same_dtype(a.indices.dtype(), b.indices.dtype()))
    throw py::type_error("X and Y must have the same dtypes");
  return b;
}

template <class T, class I>
CsrView<T, I> view(const CsrArg& a) {
  CsrView<T, I> v;
  v.data = static_cast<const T*>(a.data.data());
  v.indices = static_cast<const I*>(a.indices.data());
  v.indptr = static_cast<const I*>(a.indptr.data());
  v.rows = a.rows;
  v.cols = a.cols;
  if (v.indptr[v.rows] < 0 || static_cast<std::size_t>(v.indptr[v.rows]) != static_cast<std::size_t>(a.data.size()))
    throw py::value_error("indptr[-1] must equal the number of stored values");
  return v;  // the core validates the rest
}

// Calls f.template operator()<T, I>() for the dtypes of `a`.
template <class F>
auto dispatch(const CsrArg& a, F&& f) {
  const bool f32 = is_float(a.data.dtype(), 4), f64 = is_float(a.data.dtype(), 8);
  const bool i32 = is_int(a.indices.dtype(), 4), i64 = is_int(a.indices.dtype(), 8);
  if (!(f32 || f64)) throw py::type_error("matrix values must be float32 or float64");
  if (!(i32 || i64)) throw py::type_error("matrix indices must be int32 or int64");
  if (f32 && i32) return f.template operator()<float, std::int32_t>();
  if (f32) return f.template operator()<float, std::int64_t>();
  if (i32) return f.template operator()<double, std::int32_t>();
  return f.template operator()<double, std::int64_t>();
}

Norm norm_arg(const std::string& s) {
  if (s == "l2") return Norm::l2;
  if (s == "l1") return Norm::l1;
  if (s == "none") return Norm::none;
  throw py::value_error("norm must be 'l1', 'l2' or None");
}

Metric metric_arg(const std::string& s) {
  if (s == "cosine") return Metric::cosine;
  if (s == "dot") return Metric::dot;
  if (s == "jaccard") return Metric::jaccard;
  throw py::value_error("metric must be 'cosine', 'dot' or 'jaccard'");
}

template <class T>
py::array_t<T> to_numpy_2d(std::vector<T>&& v, std::size_t rows, std::size_t cols) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)},
                        {static_cast<py::ssize_t>(cols * sizeof(T)), static_cast<py::ssize_t>(sizeof(T))}, heap->data(),
                        owner);
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
      .def("top_k",
           [](const SimilarityIndex<T>& ix, const py::tuple& q, std::size_t k, double threshold, int n_jobs) {
             const CsrArg a = csr_arg(q);
             if (!is_float(a.data.dtype(), sizeof(T)))
               throw py::type_error("queries must have the index's value dtype");
             SimilarityConfig cfg{ix.metric, n_jobs, 0};
             return dispatch(a, [&]<class U, class I>() -> py::object {
               if constexpr (std::is_same_v<U, T>) {
                 const CsrView<T, I> v = view<T, I>(a);
                 TopK<T> out;
                 if (v.nnz() <= 4096) {  // a few queries: milliseconds at most, no watcher thread to start
                   py::gil_scoped_release release;
                   out = top_k_query(ix, v, k, threshold, cfg, nullptr);
                 } else {
                   out = run_interruptible(
                       [&](const std::atomic<bool>* cancel) { return top_k_query(ix, v, k, threshold, cfg, cancel); });
                 }
                 const std::size_t rows = out.rows, kk = out.k;
                 return py::make_tuple(to_numpy_2d(std::move(out.index), rows, kk),
                                       to_numpy_2d(std::move(out.score), rows, kk));
               } else {
                 throw py::type_error("queries must have the index's value dtype");
               }
             });
           })
      .def_property_readonly("rows", [](const SimilarityIndex<T>& ix) { return ix.rows; })
      .def_property_readonly("cols", [](const SimilarityIndex<T>& ix) { return ix.cols; })
      .def_property_readonly("nnz", [](const SimilarityIndex<T>& ix) { return ix.nnz(); })
      .def_property_readonly("nbytes", [](const SimilarityIndex<T>& ix) { return ix.bytes(); });
}

}  // namespace

void register_matrix(py::module_& m) {
  register_similarity_index<float>(m, "SimilarityIndex32");
  register_similarity_index<double>(m, "SimilarityIndex64");

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

  m.def("similarity_matrix",
        [](const py::tuple& x, const py::object& y, const std::string& metric, int n_jobs, std::size_t memory_budget) {
          const CsrArg a = csr_arg(x);
          const bool symmetric = y.is_none();
          const CsrArg b = symmetric ? CsrArg{} : second_arg(a, y);
          SimilarityConfig cfg{metric_arg(metric), n_jobs, memory_budget};
          return dispatch(a, [&]<class T, class I>() -> py::object {
            const CsrView<T, I> vx = view<T, I>(a);
            CsrView<T, I> vy;
            if (!symmetric) vy = view<T, I>(b);
            const std::size_t cols = symmetric ? vx.rows : vy.rows;
            std::vector<T> out = run_interruptible([&](const std::atomic<bool>* cancel) {
              return similarity_matrix(vx, symmetric ? nullptr : &vy, cfg, cancel);
            });
            return to_numpy_2d(std::move(out), vx.rows, cols);
          });
        });

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

  m.def("top_k_similar", [](const py::tuple& x, const py::object& y, std::size_t k, double threshold,
                            const std::string& metric, int n_jobs) {
    const CsrArg a = csr_arg(x);
    const bool symmetric = y.is_none();
    const CsrArg b = symmetric ? CsrArg{} : second_arg(a, y);
    SimilarityConfig cfg{metric_arg(metric), n_jobs, 0};
    return dispatch(a, [&]<class T, class I>() -> py::object {
      const CsrView<T, I> vx = view<T, I>(a);
      CsrView<T, I> vy;
      if (!symmetric) vy = view<T, I>(b);
      TopK<T> out = run_interruptible([&](const std::atomic<bool>* cancel) {
        return top_k_similar(vx, symmetric ? nullptr : &vy, k, threshold, cfg, cancel);
      });
      const std::size_t rows = out.rows, kk = out.k;
      return py::make_tuple(to_numpy_2d(std::move(out.index), rows, kk), to_numpy_2d(std::move(out.score), rows, kk));
    });
  });

  py::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const MemoryBudgetError& e) {
      PyErr_SetString(PyExc_MemoryError, e.what());
    }
  });
}
