// Conversions between Python objects and the core's types. No text logic lives here.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include "mekong/matrix/csr.hpp"
#include "mekong/matrix/csr_view.hpp"
#include "mekong/pipeline.hpp"
#include "mekong/util/parallel.hpp"

namespace mekong::py_convert {

namespace py = pybind11;

// A vector moved to the heap and handed to NumPy; the capsule frees it with the array.
template <class T>
py::array_t<T> to_numpy(std::vector<T>&& v) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(heap->size())}, {static_cast<py::ssize_t>(sizeof(T))}, heap->data(),
                        owner);
}

// Index arrays are int32 while nnz fits, else int64 (both indices and indptr, as SciPy wants).
template <class T>
py::tuple csr_to_python(Csr<T>&& m) {
  const std::size_t nnz = m.nnz();
  py::object indices, indptr;
  if (nnz <= static_cast<std::size_t>(std::numeric_limits<std::int32_t>::max())) {
    std::vector<std::int32_t> ptr(m.indptr.begin(), m.indptr.end());
    indptr = to_numpy(std::move(ptr));
    indices = to_numpy(std::move(m.indices));
  } else {
    std::vector<std::int64_t> idx(m.indices.begin(), m.indices.end());
    m.indices = {};
    indices = to_numpy(std::move(idx));
    indptr = to_numpy(std::move(m.indptr));
  }
  py::object data = to_numpy(std::move(m.data));
  return py::make_tuple(data, indices, indptr, py::make_tuple(m.rows, m.cols));
}

// The UTF-8 of a str is read from the str's own storage (PEP 393: one, two or four bytes a code
// point), never with PyUnicode_AsUTF8AndSize, which caches a UTF-8 copy inside every non-ASCII str
// for the str's whole life (over a corpus held in a list that cache alone is about the size of the
// text). An ASCII str is its own UTF-8; the others of one call are encoded into one bytes object
// (Utf8Arena) that lives as long as the call: the copy is bounded by what one call is given (a
// batch when the vectorizers count), and costs one allocation, not one per document. Lone
// surrogates are written as "surrogatepass" writes them (3 bytes each); decode then replaces each
// with U+FFFD and counts it.
struct StrStorage {
  int kind = 0;  // PyUnicode_1BYTE_KIND, _2BYTE_ or _4BYTE_; 0 for an ASCII str
  const void* data = nullptr;
  std::size_t length = 0;  // code points
};

inline StrStorage str_storage(PyObject* o) {
#if PY_VERSION_HEX < 0x030C0000
  if (PyUnicode_READY(o) != 0) throw py::error_already_set();
#endif
  StrStorage s;
  s.kind = PyUnicode_IS_ASCII(o) ? 0 : static_cast<int>(PyUnicode_KIND(o));
  s.data = PyUnicode_DATA(o);
  s.length = static_cast<std::size_t>(PyUnicode_GET_LENGTH(o));
  return s;
}

// Bytes the UTF-8 of a non-ASCII str takes.
template <class C>
std::size_t utf8_size(const C* p, std::size_t n) {
  std::size_t size = n;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t c = p[i];
    size += (c >= 0x80) + (c >= 0x800) + (c >= 0x10000);
  }
  return size;
}

template <class C>
char* encode_utf8(const C* p, std::size_t n, char* out) {
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t c = p[i];
    if (c < 0x80) {
      *out++ = static_cast<char>(c);
    } else if (c < 0x800) {
      *out++ = static_cast<char>(0xC0 | (c >> 6));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {
      *out++ = static_cast<char>(0xE0 | (c >> 12));
      *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      *out++ = static_cast<char>(0xF0 | (c >> 18));
      *out++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *out++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *out++ = static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

inline std::size_t utf8_size(const StrStorage& s) {
  switch (s.kind) {
    case 0:
      return 0;  // read in place
    case PyUnicode_1BYTE_KIND:
      return utf8_size(static_cast<const Py_UCS1*>(s.data), s.length);
    case PyUnicode_2BYTE_KIND:
      return utf8_size(static_cast<const Py_UCS2*>(s.data), s.length);
    default:
      return utf8_size(static_cast<const Py_UCS4*>(s.data), s.length);
  }
}

// One call's UTF-8 views of its str: add() every str first (sizes only), then view() them in the
// same order; the arena is allocated once, at the first view(), and owned by `keep`.
class Utf8Arena {
 public:
  void add(const StrStorage& s) { size_ += utf8_size(s); }

  std::string_view view(const StrStorage& s, std::vector<py::object>& keep) {
    if (s.kind == 0) return {static_cast<const char*>(s.data), s.length};  // ASCII: the str's own bytes
    if (!arena_) {
      arena_ = py::reinterpret_steal<py::object>(PyBytes_FromStringAndSize(nullptr, static_cast<Py_ssize_t>(size_)));
      if (!arena_) throw py::error_already_set();
      next_ = PyBytes_AS_STRING(arena_.ptr());
      keep.push_back(arena_);
    }
    char* begin = next_;
    switch (s.kind) {
      case PyUnicode_1BYTE_KIND:
        next_ = encode_utf8(static_cast<const Py_UCS1*>(s.data), s.length, next_);
        break;
      case PyUnicode_2BYTE_KIND:
        next_ = encode_utf8(static_cast<const Py_UCS2*>(s.data), s.length, next_);
        break;
      default:
        next_ = encode_utf8(static_cast<const Py_UCS4*>(s.data), s.length, next_);
    }
    return {begin, static_cast<std::size_t>(next_ - begin)};
  }

 private:
  std::size_t size_ = 0;
  py::object arena_;
  char* next_ = nullptr;
};

// UTF-8 views of a sequence of str / bytes, kept alive by `keep` for the duration of the call (see
// Utf8Arena: no str is left holding a UTF-8 copy of itself). With `as_units` (for the stages that
// read AnalyzedCorpus: count and hashing), a non-ASCII str is not encoded here at all: it goes to
// the core as its own code points (RawDocuments::units), and each worker encodes one document at a
// time, so the call holds no UTF-8 copy of the batch.
inline RawDocuments documents_from_python(const py::handle& docs, std::vector<py::object>& keep,
                                          bool as_units = false) {
  RawDocuments out;
  py::sequence seq = py::reinterpret_borrow<py::sequence>(docs);
  const std::size_t n = py::len(seq);
  const std::size_t first = keep.size();
  keep.reserve(first + n + 1);
  Utf8Arena arena;
  bool any_units = false;
  for (std::size_t i = 0; i < n; ++i) {
    py::object item = seq[i];
    PyObject* o = item.ptr();
    if (PyUnicode_Check(o)) {
      const StrStorage st = str_storage(o);
      if (as_units)
        any_units |= st.kind != 0;
      else
        arena.add(st);
    } else if (!PyBytes_Check(o)) {
      throw py::type_error("document " + std::to_string(i) + " is " + std::string(Py_TYPE(o)->tp_name) +
                           ", expected str or bytes");
    }
    keep.push_back(std::move(item));
  }
  out.bytes.reserve(n);
  out.utf8.reserve(n);
  if (any_units) out.units.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    PyObject* o = keep[first + i].ptr();
    if (PyUnicode_Check(o)) {
      const StrStorage st = str_storage(o);
      if (as_units && st.kind != 0) {
        out.units[i] = {st.data, st.length, st.kind};
        out.bytes.emplace_back();
      } else {
        out.bytes.push_back(arena.view(st, keep));
      }
      out.utf8.push_back(1);
    } else {
      out.bytes.emplace_back(PyBytes_AS_STRING(o), static_cast<std::size_t>(PyBytes_GET_SIZE(o)));
      out.utf8.push_back(0);
    }
  }
  return out;
}

// Every long call of the core goes through one CoreCall: it runs fn(cancel) without the GIL on a core
// thread with the call's cancel flag and progress counter installed (CancelScope, ProgressScope;
// parallel_for hands both on to its pool), while this thread wakes every 100 ms to check for Ctrl-C
// and to move the progress bar, both with the GIL. On a signal the core is told to stop and the
// Python exception (KeyboardInterrupt) is raised here; a core exception is re-thrown here.
//
// `bar` is None or an object with update(n) (a tqdm bar, made by mekong._progress): it receives the
// units (documents, rows) the core's threads have finished since the last wake. No worker touches it.
class CoreCall {
 public:
  explicit CoreCall(py::object bar = py::none()) : bar_(std::move(bar)) {}

  template <class F>
  auto run(F&& fn) -> decltype(fn(static_cast<const std::atomic<bool>*>(nullptr))) {
    using R = decltype(fn(static_cast<const std::atomic<bool>*>(nullptr)));
    std::optional<R> result;
    std::exception_ptr error;
    bool interrupted = false;
    {
      std::mutex m;
      std::condition_variable cv;
      bool done = false;
      py::gil_scoped_release release;
      std::thread worker([&] {
        CancelScope scope(&cancel_);         // polled inside documents too, not only between them
        ProgressScope counting(&progress_);  // advanced by the stages as units finish
        try {
          result.emplace(fn(&cancel_));
        } catch (...) {
          error = std::current_exception();
        }
        std::lock_guard<std::mutex> guard(m);
        done = true;
        cv.notify_one();
      });
      std::unique_lock<std::mutex> lock(m);
      while (!cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; })) {
        lock.unlock();
        {
          py::gil_scoped_acquire acquire;
          if (!interrupted && PyErr_CheckSignals() != 0) {
            interrupted = true;
            cancel_ = true;
          }
          if (!interrupted) {
            try {
              report();
            } catch (py::error_already_set& e) {  // the bar failed: stop the core, raise its error here
              e.restore();
              interrupted = true;
              cancel_ = true;
            }
          }
        }
        lock.lock();
      }
      lock.unlock();
      worker.join();
    }
    if (interrupted) throw py::error_already_set();
    if (error) std::rethrow_exception(error);
    report();
    return std::move(*result);
  }

  // run() for work of `bytes` input bytes; below about a millisecond of work the thread it starts
  // would cost more than the call, so small inputs run here with the GIL released (and, with a bar,
  // report once at the end).
  template <class F>
  auto run_small(std::size_t bytes, F&& fn) -> decltype(fn(static_cast<const std::atomic<bool>*>(nullptr))) {
    constexpr std::size_t kThreadWorthBytes = std::size_t{1} << 18;
    if (bytes >= kThreadWorthBytes) return run(std::forward<F>(fn));
    auto out = [&] {
      py::gil_scoped_release release;
      ProgressScope counting(&progress_);
      return fn(static_cast<const std::atomic<bool>*>(nullptr));
    }();
    report();
    return out;
  }

 private:
  // Hands the units finished since the last report to the bar (with the GIL held).
  void report() {
    const std::size_t now = progress_.done.load(std::memory_order_relaxed);
    if (bar_.is_none() || now == reported_) return;
    bar_.attr("update")(now - reported_);
    reported_ = now;
  }

  py::object bar_;
  std::atomic<bool> cancel_{false};
  Progress progress_;
  std::size_t reported_ = 0;
};

// A CoreCall without a progress bar.
template <class F>
auto run_interruptible(F&& fn) -> decltype(fn(static_cast<const std::atomic<bool>*>(nullptr))) {
  return CoreCall().run(std::forward<F>(fn));
}

// A CoreCall without a progress bar for work of `bytes` input bytes (see CoreCall::run_small).
template <class F>
auto run_cancellable(std::size_t bytes, F&& fn) -> decltype(fn(static_cast<const std::atomic<bool>*>(nullptr))) {
  return CoreCall().run_small(bytes, std::forward<F>(fn));
}

// Total bytes of a corpus, for run_cancellable.
inline std::size_t total_bytes(const RawDocuments& docs) {
  std::size_t n = 0;
  for (std::string_view d : docs.bytes) n += d.size();
  return n;
}

// A UTF-8 string back to Python (strict: the core only produces valid UTF-8).
inline py::str utf8_str(std::string_view s) {
  return py::reinterpret_steal<py::str>(PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "strict"));
}

// A term back to Python: lone surrogates (from a str that held them) survive the round trip.
inline py::str term_str(std::string_view s) {
  PyObject* o = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "surrogatepass");
  if (!o) throw py::error_already_set();
  return py::reinterpret_steal<py::str>(o);
}

// UTF-8 views of a list of str, alive as long as `docs` and `keep` (see Utf8Arena).
inline std::vector<std::string_view> utf8_views(const py::list& docs, std::vector<py::object>& keep) {
  std::vector<std::string_view> out;
  out.reserve(docs.size());
  Utf8Arena arena;
  for (std::size_t i = 0; i < docs.size(); ++i) {
    PyObject* o = PyList_GET_ITEM(docs.ptr(), static_cast<Py_ssize_t>(i));
    if (!PyUnicode_Check(o))
      throw py::type_error("document " + std::to_string(i) + " is " + Py_TYPE(o)->tp_name + ", expected str");
    arena.add(str_storage(o));
  }
  keep.push_back(docs);  // the list holds the str whose own bytes an ASCII view points into
  for (std::size_t i = 0; i < docs.size(); ++i)
    out.push_back(arena.view(str_storage(PyList_GET_ITEM(docs.ptr(), static_cast<Py_ssize_t>(i))), keep));
  return out;
}

// A row-major rows x cols array over a vector moved to the heap; the capsule frees it with the array.
template <class T>
py::array_t<T> to_numpy_2d(std::vector<T>&& v, std::size_t rows, std::size_t cols) {
  auto* heap = new std::vector<T>(std::move(v));
  py::capsule owner(heap, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return py::array_t<T>({static_cast<py::ssize_t>(rows), static_cast<py::ssize_t>(cols)},
                        {static_cast<py::ssize_t>(cols * sizeof(T)), static_cast<py::ssize_t>(sizeof(T))}, heap->data(),
                        owner);
}

// A CSR matrix passed from Python as (data, indices, indptr, n_rows, n_cols); arrays are kept alive
// by the caller's references for the duration of the call.
struct CsrArg {
  py::array data, indices, indptr;
  std::size_t rows = 0, cols = 0;
};

// Dtypes compared by kind and size: a dtype that went through pickle is equal but not identical.
inline bool same_dtype(const py::dtype& a, const py::dtype& b) {
  return a.kind() == b.kind() && a.itemsize() == b.itemsize();
}
inline bool is_float(const py::dtype& d, std::size_t size) {
  return d.kind() == 'f' && static_cast<std::size_t>(d.itemsize()) == size;
}
inline bool is_int(const py::dtype& d, std::size_t size) {
  return d.kind() == 'i' && static_cast<std::size_t>(d.itemsize()) == size;
}

inline CsrArg csr_arg(const py::tuple& t) {
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
inline CsrArg second_arg(const CsrArg& a, const py::object& y) {
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

}  // namespace mekong::py_convert
