// similarity: the sparse kernels on random canonical CSR matrices, against dense products.
//   The input bytes are decoded into X (and Y, or Y = X) of up to 24 rows and 12 columns: for
//   each row a bit mask of columns, then a value per column from a table of small integers,
//   fractions and explicit zeros, float or double, int32 or int64 indices, columns sorted or not
//   within rows (no duplicates: the core's contract; Python sums duplicates on a copy first). similarity_matrix
//   (cosine, dot, Jaccard) is compared with a long-double dense computation written here;
//   top_k_similar with the same: every score is the reference's, best first, ties to the lower
//   index, and nothing left out scores better (up to the rounding tolerance), with the threshold;
//   dense_similarity_matrix (Eigen) with the same reference. n_jobs 1 and 3 give the same bits.
//   tfidf_weight (l2) gives rows of norm 1 and the reference's tf * idf / norm.
#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "fuzz_common.hpp"
#include "mekong/matrix/weight.hpp"
#include "mekong/similarity/similarity.hpp"

namespace {

template <class T, class I>
struct Matrix {
  std::vector<I> indptr{0}, indices;
  std::vector<T> data;
  std::size_t rows = 0, cols = 0;
  mekong::CsrView<T, I> view() const { return {indptr.data(), indices.data(), data.data(), rows, cols}; }
  std::vector<long double> dense() const {
    std::vector<long double> d(rows * cols, 0.0L);
    for (std::size_t r = 0; r < rows; ++r)
      for (I k = indptr[r]; k < indptr[r + 1]; ++k) d[r * cols + static_cast<std::size_t>(indices[k])] = data[k];
    return d;
  }
  std::vector<T> dense_t() const {
    std::vector<T> d(rows * cols, T(0));
    for (std::size_t r = 0; r < rows; ++r)
      for (I k = indptr[r]; k < indptr[r + 1]; ++k) d[r * cols + static_cast<std::size_t>(indices[k])] = data[k];
    return d;
  }
};

constexpr double kValues[] = {1, 2, 3, 4, 1, 1, 2, 0.5, 0.25, -1, -2, -0.5, 0, 7, 1000, 0.001};

// Columns unsorted within rows (SciPy allows it: has_sorted_indices is False) when `unsorted`.
template <class T, class I>
Matrix<T, I> read_matrix(fuzz::Bytes& in, std::size_t rows, std::size_t cols, bool unsorted) {
  Matrix<T, I> m;
  m.rows = rows;
  m.cols = cols;
  for (std::size_t r = 0; r < rows; ++r) {
    const unsigned mask = in.byte() | (unsigned(in.byte()) << 8);
    for (std::size_t c = 0; c < cols; ++c) {
      if (!((mask >> c) & 1)) continue;
      m.indices.push_back(static_cast<I>(c));
      m.data.push_back(static_cast<T>(kValues[in.byte() % 16]));
    }
    if (unsorted) {
      std::reverse(m.indices.begin() + static_cast<std::ptrdiff_t>(m.indptr.back()), m.indices.end());
      std::reverse(m.data.begin() + static_cast<std::ptrdiff_t>(m.indptr.back()), m.data.end());
    }
    m.indptr.push_back(static_cast<I>(m.indices.size()));
  }
  return m;
}

long double reference(const std::vector<long double>& a, std::size_t i, const std::vector<long double>& b,
                      std::size_t j, std::size_t d, mekong::Metric metric) {
  long double dot = 0, na = 0, nb = 0, inter = 0, uni = 0;
  for (std::size_t c = 0; c < d; ++c) {
    const long double x = a[i * d + c], y = b[j * d + c];
    dot += x * y;
    na += x * x;
    nb += y * y;
    inter += x != 0 && y != 0;
    uni += x != 0 || y != 0;
  }
  if (metric == mekong::Metric::dot) return dot;
  if (metric == mekong::Metric::jaccard) return uni > 0 ? inter / uni : 0;
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0;
}

// Rounding allowance for one value of the metric: a few ulps of T per term, scaled by the size
// of the terms summed.
template <class T>
long double tolerance(const std::vector<long double>& a, std::size_t i, const std::vector<long double>& b,
                      std::size_t j, std::size_t d, mekong::Metric metric) {
  const long double eps = std::numeric_limits<T>::epsilon() * 64.0L;
  if (metric != mekong::Metric::dot) return eps;
  long double s = 0;
  for (std::size_t c = 0; c < d; ++c) s += std::fabs(a[i * d + c] * b[j * d + c]);
  return eps * (s + 1);
}

template <class T, class I>
void run(fuzz::Bytes& in, std::uint8_t o1, std::uint8_t o2) {
  const std::size_t n = 1 + o1 % 24, cols = 1 + (o1 >> 5) * 2 % 12;
  const bool symmetric = o2 & 1;
  const std::size_t m = symmetric ? n : 1 + in.byte() % 24;
  const auto metric = static_cast<mekong::Metric>((o2 >> 1) % 3);
  const std::size_t k = 1 + (o2 >> 3) % 6;
  constexpr double kThresholds[] = {0.0, 0.0, -0.5, 0.3, 0.5, -2.0, 1.0, 0.1};
  const std::uint8_t o3 = in.byte();
  const double threshold = kThresholds[o3 % 8];
  const bool unsorted = o3 & 8;
  const Matrix<T, I> X = read_matrix<T, I>(in, n, cols, unsorted);
  const Matrix<T, I> Ym = symmetric ? Matrix<T, I>() : read_matrix<T, I>(in, m, cols, unsorted);
  const Matrix<T, I>& Y = symmetric ? X : Ym;
  const auto xv = X.view(), yv = Y.view();
  const mekong::CsrView<T, I>* yp = symmetric ? nullptr : &yv;
  const std::vector<long double> dx = X.dense(), dy = Y.dense();

  mekong::SimilarityConfig cfg;
  cfg.metric = metric;
  const std::vector<T> S = mekong::similarity_matrix(xv, yp, cfg);
  FUZZ_CHECK(S.size() == n * m, "result size");
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < m; ++j) {
      const long double want = reference(dx, i, dy, j, cols, metric);
      const long double tol = tolerance<T>(dx, i, dy, j, cols, metric);
      FUZZ_CHECK(std::isfinite(S[i * m + j]) && std::fabs(S[i * m + j] - want) <= tol,
                 "metric %d [%zu,%zu] = %.17g, dense %.17Lg", int(metric), i, j, double(S[i * m + j]), want);
      if (symmetric) FUZZ_CHECK(S[i * m + j] == S[j * m + i], "not symmetric at [%zu,%zu]", i, j);
    }
  cfg.n_jobs = 3;
  FUZZ_CHECK(mekong::similarity_matrix(xv, yp, cfg) == S, "similarity_matrix: n_jobs=3 differs from n_jobs=1");
  cfg.n_jobs = 1;

  const mekong::TopK<T> top = mekong::top_k_similar(xv, yp, k, threshold, cfg);
  const std::size_t candidates = symmetric ? m - 1 : m;
  FUZZ_CHECK(top.rows == n && top.k == std::min(k, candidates), "top-k shape");
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<char> taken(m, 0);
    std::size_t q = 0;
    for (; q < top.k && top.index[i * top.k + q] >= 0; ++q) {
      const auto j = static_cast<std::size_t>(top.index[i * top.k + q]);
      const T s = top.score[i * top.k + q];
      FUZZ_CHECK(j < m && !taken[j] && !(symmetric && j == i), "top-k index %zu of row %zu", j, i);
      taken[j] = 1;
      const long double want = reference(dx, i, dy, j, cols, metric);
      const long double tol = tolerance<T>(dx, i, dy, j, cols, metric);
      FUZZ_CHECK(std::fabs(s - want) <= tol, "top-k score %.17g of [%zu,%zu], dense %.17Lg", double(s), i, j, want);
      FUZZ_CHECK(want > threshold - tol, "top-k kept [%zu,%zu] at %.17Lg, threshold %g", i, j, want, threshold);
      if (q > 0) {
        const T prev = top.score[i * top.k + q - 1];
        FUZZ_CHECK(prev > s || (prev == s && top.index[i * top.k + q - 1] < top.index[i * top.k + q]),
                   "top-k row %zu not best first (ties to the lower index)", i);
      }
    }
    for (std::size_t rest = q; rest < top.k; ++rest)
      FUZZ_CHECK(top.index[i * top.k + rest] == -1 && std::isnan(top.score[i * top.k + rest]), "padding");
    const long double floor = q == top.k && q > 0 ? static_cast<long double>(top.score[i * top.k + q - 1]) : threshold;
    for (std::size_t j = 0; j < m; ++j) {
      if (taken[j] || (symmetric && j == i)) continue;
      const long double want = reference(dx, i, dy, j, cols, metric);
      const long double tol = tolerance<T>(dx, i, dy, j, cols, metric);
      FUZZ_CHECK(want <= floor + tol, "top-k row %zu left out column %zu at %.17Lg (floor %.17Lg)", i, j, want, floor);
    }
  }
  cfg.n_jobs = 3;
  const mekong::TopK<T> top3 = mekong::top_k_similar(xv, yp, k, threshold, cfg);
  FUZZ_CHECK(top3.index == top.index && std::equal(top3.score.begin(), top3.score.end(), top.score.begin(),
                                                   [](T a, T b) { return (std::isnan(a) && std::isnan(b)) || a == b; }),
             "top_k_similar: n_jobs=3 differs from n_jobs=1");
  cfg.n_jobs = 1;

  if (metric != mekong::Metric::jaccard) {  // the dense kernel (Eigen) on the same rows
    const std::vector<T> xd = X.dense_t(), yd = Y.dense_t();
    const std::vector<T> D =
        mekong::dense_similarity_matrix(xd.data(), n, cols, symmetric ? nullptr : yd.data(), m, cfg);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < m; ++j) {
        const long double want = reference(dx, i, dy, j, cols, metric);
        FUZZ_CHECK(std::fabs(D[i * m + j] - want) <= tolerance<T>(dx, i, dy, j, cols, metric),
                   "dense kernel [%zu,%zu] = %.17g, reference %.17Lg", i, j, double(D[i * m + j]), want);
      }
  }

  // tf-idf, l2, smooth idf, on |X| (counts are not negative): rows of norm 1, the reference's values.
  Matrix<T, I> counts = X;
  for (T& v : counts.data) v = std::fabs(v);
  const auto cv = counts.view();
  const std::vector<std::int64_t> df = mekong::document_frequency(cv);
  const std::vector<T> idf = mekong::tfidf_idf<T>(df, n, true);
  std::vector<T> w(counts.data.size());
  mekong::tfidf_weight(cv, idf.data(), false, mekong::Norm::l2, w.data(), 1);
  for (std::size_t r = 0; r < n; ++r) {
    long double norm = 0;
    std::vector<long double> raw;
    for (I q = counts.indptr[r]; q < counts.indptr[r + 1]; ++q) {
      const std::size_t c = static_cast<std::size_t>(counts.indices[q]);
      const long double ref_idf = std::log((n + 1.0L) / (df[c] + 1.0L)) + 1.0L;
      raw.push_back(counts.data[q] * ref_idf);
      norm += raw.back() * raw.back();
    }
    norm = std::sqrt(norm);
    for (I q = counts.indptr[r]; q < counts.indptr[r + 1]; ++q) {
      const long double want = norm > 0 ? raw[q - counts.indptr[r]] / norm : 0;
      FUZZ_CHECK(std::fabs(w[q] - want) <= std::numeric_limits<T>::epsilon() * 64,
                 "tf-idf row %zu: %.17g, reference %.17Lg", r, double(w[q]), want);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const std::uint8_t o1 = in.byte(), o2 = in.byte();
  switch ((o2 >> 6) & 3) {
    case 0:
      run<double, std::int32_t>(in, o1, o2);
      break;
    case 1:
      run<float, std::int32_t>(in, o1, o2);
      break;
    case 2:
      run<double, std::int64_t>(in, o1, o2);
      break;
    default:
      run<float, std::int64_t>(in, o1, o2);
      break;
  }
  return 0;
}
