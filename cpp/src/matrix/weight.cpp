#include "mekong/matrix/weight.hpp"

#include <cmath>
#include <stdexcept>
#include <string>

#include "mekong/util/parallel.hpp"

namespace mekong {
namespace {

// Row ranges for parallel work over a CSR matrix, balanced by non-zeros.
template <class I>
std::vector<std::size_t> row_parts(const I* indptr, std::size_t rows, int threads) {
  const std::size_t nnz = rows ? static_cast<std::size_t>(indptr[rows]) : 0;
  const std::size_t parts = nnz < (1u << 16) ? 1 : static_cast<std::size_t>(threads) * 4;
  return balanced_bounds(rows, parts,
                         [&](std::size_t r) { return static_cast<std::size_t>(indptr[r + 1] - indptr[r]); });
}

}  // namespace

template <class T, class I>
std::vector<std::int64_t> document_frequency(const CsrView<T, I>& X) {
  validate_csr(X, "X", false);
  // Stored entries, explicit zeros included, as scikit-learn counts them (np.bincount(X.indices)).
  std::vector<std::int64_t> df(X.cols, 0);
  for (std::size_t k = 0; k < X.nnz(); ++k) ++df[static_cast<std::size_t>(X.indices[k])];
  return df;
}

template <class T>
std::vector<T> tfidf_idf(const std::vector<std::int64_t>& df, std::size_t n_docs, bool smooth) {
  std::vector<T> idf(df.size());
  const T s = smooth ? T(1) : T(0);
  const T n = static_cast<T>(n_docs) + s;
  for (std::size_t c = 0; c < df.size(); ++c) idf[c] = std::log(n / (static_cast<T>(df[c]) + s)) + T(1);
  return idf;
}

template <class T>
std::vector<T> bm25_idf(const std::vector<std::int64_t>& df, std::size_t n_docs) {
  std::vector<T> idf(df.size());
  for (std::size_t c = 0; c < df.size(); ++c) {
    const double d = static_cast<double>(df[c]);
    idf[c] = static_cast<T>(std::log(1.0 + (static_cast<double>(n_docs) - d + 0.5) / (d + 0.5)));
  }
  return idf;
}

template <class T, class I>
void normalize_rows(const I* indptr, std::size_t rows, T* data, Norm norm) {
  if (norm == Norm::none) return;
  for (std::size_t r = 0; r < rows; ++r) {
    const auto b = static_cast<std::size_t>(indptr[r]), e = static_cast<std::size_t>(indptr[r + 1]);
    double sum = 0.0;
    if (norm == Norm::l2) {
      for (std::size_t k = b; k < e; ++k) sum += static_cast<double>(data[k] * data[k]);
      if (sum == 0.0) continue;
      sum = std::sqrt(sum);
    } else {
      for (std::size_t k = b; k < e; ++k) sum += std::fabs(static_cast<double>(data[k]));
      if (sum == 0.0) continue;
    }
    for (std::size_t k = b; k < e; ++k) data[k] = static_cast<T>(static_cast<double>(data[k]) / sum);
  }
}

template <class T, class I>
void tfidf_weight(const CsrView<T, I>& X, const T* idf, bool sublinear_tf, Norm norm, T* out, int n_jobs) {
  validate_csr(X, "X");
  const auto bounds = row_parts(X.indptr, X.rows, resolve_n_jobs(n_jobs));
  parallel_for(bounds.size() - 1, resolve_n_jobs(n_jobs), [&](std::size_t p) {
    CancelPoll poll;  // Ctrl-C inside a long part
    for (std::size_t r = bounds[p]; r < bounds[p + 1]; ++r) {
      poll.at(X.row_begin(r));
      for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) {
        T v = X.data[k];
        if (sublinear_tf) {
          if (!(v > T(0)))
            throw std::invalid_argument("sublinear_tf needs positive counts; row " + std::to_string(r) + " holds " +
                                        std::to_string(static_cast<double>(v)));
          v = std::log(v) + T(1);
        }
        if (idf) v *= idf[X.indices[k]];
        out[k] = v;
      }
    }
    const std::size_t b = bounds[p], e = bounds[p + 1];
    normalize_rows(X.indptr + b, e - b, out, norm);
  });
}

template <class T, class I>
double mean_row_sum(const CsrView<T, I>& X) {
  if (X.rows == 0) return 0.0;
  double total = 0.0;
  for (std::size_t k = 0; k < X.nnz(); ++k) total += static_cast<double>(X.data[k]);
  return total / static_cast<double>(X.rows);
}

template <class T, class I>
void bm25_weight(const CsrView<T, I>& X, const T* idf, double k1, double b, double avg_len, Norm norm, T* out,
                 int n_jobs) {
  if (!(k1 >= 0) || !std::isfinite(k1)) throw std::invalid_argument("k1 must be a finite number >= 0");
  if (!(b >= 0 && b <= 1)) throw std::invalid_argument("b must be in [0, 1]");
  validate_csr(X, "X");
  const auto bounds = row_parts(X.indptr, X.rows, resolve_n_jobs(n_jobs));
  parallel_for(bounds.size() - 1, resolve_n_jobs(n_jobs), [&](std::size_t p) {
    CancelPoll poll;  // Ctrl-C inside a long part
    for (std::size_t r = bounds[p]; r < bounds[p + 1]; ++r) {
      poll.at(X.row_begin(r));
      double len = 0.0;
      for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) len += static_cast<double>(X.data[k]);
      const double denom_base = k1 * (1.0 - b + (avg_len > 0 ? b * len / avg_len : 0.0));
      for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) {
        const double tf = static_cast<double>(X.data[k]);
        const double w = tf > 0 ? tf * (k1 + 1.0) / (tf + denom_base) : 0.0;
        out[k] = static_cast<T>(w * static_cast<double>(idf[X.indices[k]]));
      }
    }
    const std::size_t lo = bounds[p], hi = bounds[p + 1];
    normalize_rows(X.indptr + lo, hi - lo, out, norm);
  });
}

#define MEKONG_WEIGHT_INSTANTIATE(T, I)                                                             \
  template std::vector<std::int64_t> document_frequency(const CsrView<T, I>&);                      \
  template void tfidf_weight(const CsrView<T, I>&, const T*, bool, Norm, T*, int);                  \
  template double mean_row_sum(const CsrView<T, I>&);                                               \
  template void bm25_weight(const CsrView<T, I>&, const T*, double, double, double, Norm, T*, int); \
  template void normalize_rows(const I*, std::size_t, T*, Norm);

MEKONG_WEIGHT_INSTANTIATE(float, std::int32_t)
MEKONG_WEIGHT_INSTANTIATE(float, std::int64_t)
MEKONG_WEIGHT_INSTANTIATE(double, std::int32_t)
MEKONG_WEIGHT_INSTANTIATE(double, std::int64_t)
template std::vector<float> tfidf_idf(const std::vector<std::int64_t>&, std::size_t, bool);
template std::vector<double> tfidf_idf(const std::vector<std::int64_t>&, std::size_t, bool);
template std::vector<float> bm25_idf(const std::vector<std::int64_t>&, std::size_t);
template std::vector<double> bm25_idf(const std::vector<std::int64_t>&, std::size_t);

}  // namespace mekong
