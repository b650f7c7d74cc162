#include "mekong/similarity/similarity.hpp"

#include <algorithm>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <map>
#include <numeric>
#include <queue>

#include "mekong/util/parallel.hpp"

namespace mekong {
namespace {

// Columns of a CSR matrix as lists of (row, value), rows ascending within each column.
template <class T>
struct Postings {
  std::vector<std::size_t> start;  // cols + 1
  std::vector<std::uint32_t> row;
  std::vector<T> value;
};

template <class T, class I>
void check_view(const CsrView<T, I>& X, const char* name) {
  if (X.rows > std::numeric_limits<std::uint32_t>::max())
    throw std::invalid_argument(std::string(name) + " has more than 2^32 - 1 rows");
  validate_csr(X, name);
}

template <class T, class I>
void check_pair(const CsrView<T, I>& X, const CsrView<T, I>& Y, bool symmetric) {
  if (X.cols != Y.cols)
    throw std::invalid_argument("X and Y have different numbers of columns (" + std::to_string(X.cols) + " and " +
                                std::to_string(Y.cols) + ")");
  check_view(X, "X");
  if (!symmetric) check_view(Y, "Y");
}

// Per-row scale so that scaled dot products give the metric (1/norm for cosine, 1 otherwise).
template <class T, class I>
std::vector<T> row_scale(const CsrView<T, I>& X, Metric metric) {
  std::vector<T> scale(X.rows, T(1));
  if (metric != Metric::cosine) return scale;
  for (std::size_t r = 0; r < X.rows; ++r) {
    double sum = 0.0;
    for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) sum += static_cast<double>(X.data[k]) * X.data[k];
    scale[r] = sum > 0 ? static_cast<T>(1.0 / std::sqrt(sum)) : T(0);
  }
  return scale;
}

// Value of entry k of row r as the kernel uses it (scaled; 1 for Jaccard's sets).
template <class T, class I>
inline T entry(const CsrView<T, I>& X, const std::vector<T>& scale, Metric metric, std::size_t r, std::size_t k) {
  if (metric == Metric::jaccard) return X.data[k] != T(0) ? T(1) : T(0);
  return X.data[k] * scale[r];
}

template <class T, class I>
Postings<T> build_postings(const CsrView<T, I>& Y, const std::vector<T>& scale, Metric metric) {
  Postings<T> p;
  p.start.assign(Y.cols + 1, 0);
  for (std::size_t k = 0; k < Y.nnz(); ++k) ++p.start[static_cast<std::size_t>(Y.indices[k]) + 1];
  for (std::size_t c = 0; c < Y.cols; ++c) p.start[c + 1] += p.start[c];
  p.row.resize(Y.nnz());
  p.value.resize(Y.nnz());
  std::vector<std::size_t> fill(p.start.begin(), p.start.end() - 1);
  for (std::size_t r = 0; r < Y.rows; ++r) {
    for (std::size_t k = Y.row_begin(r); k < Y.row_end(r); ++k) {
      const std::size_t at = fill[static_cast<std::size_t>(Y.indices[k])]++;
      p.row[at] = static_cast<std::uint32_t>(r);
      p.value[at] = entry(Y, scale, metric, r, k);
    }
  }
  return p;
}

// Non-zero count of each row (set sizes for Jaccard).
template <class T, class I>
std::vector<T> set_sizes(const CsrView<T, I>& X) {
  std::vector<T> n(X.rows, T(0));
  for (std::size_t r = 0; r < X.rows; ++r)
    for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) n[r] += X.data[k] != T(0);
  return n;
}

// Accumulates row r of X against the postings into acc[first..). With `touched`, each column first
// reached is marked and recorded, so the caller can read and reset only those.
template <class T, class I>
void accumulate_row(const CsrView<T, I>& X, const std::vector<T>& xscale, Metric metric, const Postings<T>& post,
                    std::size_t r, std::size_t first, T* acc, char* mark, std::vector<std::uint32_t>* touched) {
  for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) {
    const T x = entry(X, xscale, metric, r, k);
    if (x == T(0)) continue;
    const auto c = static_cast<std::size_t>(X.indices[k]);
    std::size_t b = post.start[c];
    const std::size_t e = post.start[c + 1];
    if (first > 0) b = static_cast<std::size_t>(std::lower_bound(post.row.begin() + b, post.row.begin() + e, first) - post.row.begin());
    const std::uint32_t* rows = post.row.data();
    const T* vals = post.value.data();
    if (touched) {
      for (std::size_t q = b; q < e; ++q) {
        const std::uint32_t j = rows[q];
        if (!mark[j]) {
          mark[j] = 1;
          touched->push_back(j);
        }
        acc[j] += x * vals[q];
      }
    } else {  // the hot loop of dense output: one multiply-add per shared term
      for (std::size_t q = b; q < e; ++q) acc[rows[q]] += x * vals[q];
    }
  }
}

template <class T>
inline T jaccard_from_intersection(T inter, T a, T b) {
  const T uni = a + b - inter;
  return uni > T(0) ? inter / uni : T(0);
}

// Per-thread dense accumulators, reused across the parts a thread runs.
template <class T>
class AccumulatorPool {
 public:
  struct Slot {
    std::vector<T> acc;
    std::vector<char> mark;
    std::vector<std::uint32_t> touched;
  };
  struct Returner {
    AccumulatorPool* pool;
    void operator()(Slot* s) const {
      std::lock_guard<std::mutex> g(pool->lock_);
      pool->free_.emplace_back(s);
    }
  };
  using Lease = std::unique_ptr<Slot, Returner>;

  explicit AccumulatorPool(std::size_t m) : m_(m) {}
  Lease take() {
    std::lock_guard<std::mutex> g(lock_);
    if (free_.empty()) {
      owned_.push_back(std::make_unique<Slot>());
      owned_.back()->acc.assign(m_, T(0));
      owned_.back()->mark.assign(m_, 0);
      free_.push_back(owned_.back().get());
    }
    Slot* s = free_.back();
    free_.pop_back();
    return Lease(s, Returner{this});
  }

 private:
  std::size_t m_;
  std::mutex lock_;
  std::vector<std::unique_ptr<Slot>> owned_;
  std::vector<Slot*> free_;
};

// What both kernels need before they start: row scales, Y's postings, set sizes for Jaccard.
template <class T>
struct Prepared {
  std::vector<T> xs;  // X's row scales
  Postings<T> post;   // Y's columns, values scaled
  std::vector<T> xn, yn;  // set sizes (Jaccard only)
};

template <class T, class I>
Prepared<T> prepare(const CsrView<T, I>& X, const CsrView<T, I>& Y, bool symmetric, Metric metric) {
  Prepared<T> p;
  p.xs = row_scale(X, metric);
  const std::vector<T> ys = symmetric ? p.xs : row_scale(Y, metric);
  p.post = build_postings(Y, ys, metric);
  if (metric == Metric::jaccard) {
    p.xn = set_sizes(X);
    p.yn = symmetric ? p.xn : set_sizes(Y);
  }
  return p;
}

std::size_t row_block(std::size_t rows, int threads) {
  return std::max<std::size_t>(1, std::min<std::size_t>(256, rows / (static_cast<std::size_t>(threads) * 16) + 1));
}

}  // namespace

template <class T, class I>
std::vector<T> similarity_matrix(const CsrView<T, I>& X, const CsrView<T, I>* Yp, const SimilarityConfig& cfg,
                                 const std::atomic<bool>* cancel) {
  const bool symmetric = Yp == nullptr;
  const CsrView<T, I>& Y = symmetric ? X : *Yp;
  check_pair(X, Y, symmetric);
  const std::size_t n = X.rows, m = Y.rows;
  const double bytes = static_cast<double>(n) * static_cast<double>(m) * sizeof(T);
  if (cfg.memory_budget > 0 && bytes > static_cast<double>(cfg.memory_budget)) {
    throw MemoryBudgetError("a dense " + std::to_string(n) + " x " + std::to_string(m) + " similarity matrix needs " +
                            std::to_string(static_cast<long long>(bytes / 1048576.0)) + " MiB, over the budget of " +
                            std::to_string(cfg.memory_budget / 1048576) +
                            " MiB; use mekong.top_k_similar for the nearest neighbours only, or raise max_memory");
  }
  const int threads = resolve_n_jobs(cfg.n_jobs);
  const Prepared<T> prep = prepare(X, Y, symmetric, cfg.metric);
  const std::vector<T>&xs = prep.xs, &xn = prep.xn, &yn = prep.yn;
  const Postings<T>& post = prep.post;
  std::vector<T> out(n * m, T(0));
  const std::size_t block = row_block(n, threads);
  const std::size_t parts = (n + block - 1) / block;
  parallel_for(parts, threads, [&](std::size_t p) {
    check_cancelled(cancel);
    for (std::size_t r = p * block; r < std::min(n, (p + 1) * block); ++r) {
      T* row = out.data() + r * m;
      const std::size_t first = symmetric ? r : 0;
      accumulate_row(X, xs, cfg.metric, post, r, first, row, static_cast<char*>(nullptr), static_cast<std::vector<std::uint32_t>*>(nullptr));
      if (cfg.metric == Metric::jaccard)
        for (std::size_t j = first; j < m; ++j) row[j] = jaccard_from_intersection(row[j], xn[r], yn[j]);
    }
  });
  check_cancelled(cancel);
  if (symmetric) {  // mirror the upper triangle, in tiles for the cache
    constexpr std::size_t tile = 64;
    const std::size_t tiles = (n + tile - 1) / tile;
    parallel_for(tiles, threads, [&](std::size_t ti) {
      const std::size_t i0 = ti * tile, i1 = std::min(n, i0 + tile);
      for (std::size_t j0 = 0; j0 < i1; j0 += tile) {
        const std::size_t j1 = std::min(n, j0 + tile);
        for (std::size_t i = i0; i < i1; ++i)
          for (std::size_t j = j0; j < std::min(j1, i); ++j) out[i * n + j] = out[j * n + i];
      }
    });
  }
  return out;
}

template <class T, class I>
TopK<T> top_k_similar(const CsrView<T, I>& X, const CsrView<T, I>* Yp, std::size_t k, double threshold,
                      const SimilarityConfig& cfg, const std::atomic<bool>* cancel) {
  const bool symmetric = Yp == nullptr;
  const CsrView<T, I>& Y = symmetric ? X : *Yp;
  if (k == 0) throw std::invalid_argument("k must be a positive integer");
  check_pair(X, Y, symmetric);
  const std::size_t n = X.rows, m = Y.rows;
  const std::size_t candidates = symmetric ? (m > 0 ? m - 1 : 0) : m;
  TopK<T> out;
  out.rows = n;
  out.k = std::min(k, candidates);
  out.index.assign(n * out.k, -1);
  out.score.assign(n * out.k, std::numeric_limits<T>::quiet_NaN());
  if (out.k == 0 || n == 0) return out;

  const int threads = resolve_n_jobs(cfg.n_jobs);
  const Prepared<T> prep = prepare(X, Y, symmetric, cfg.metric);
  const std::vector<T>&xs = prep.xs, &xn = prep.xn, &yn = prep.yn;
  const Postings<T>& post = prep.post;
  const T thr = static_cast<T>(threshold);
  const std::size_t block = row_block(n, threads);
  const std::size_t parts = (n + block - 1) / block;
  const std::size_t kk = out.k;
  // Dense accumulators of m entries, one per running thread, handed out from a small pool.
  AccumulatorPool<T> pool(m);
  parallel_for(parts, threads, [&](std::size_t p) {
    auto lease = pool.take();
    std::vector<T>& acc = lease->acc;
    std::vector<char>& mark = lease->mark;
    std::vector<std::uint32_t>& touched = lease->touched;
    std::vector<std::pair<T, std::uint32_t>> cand;
    check_cancelled(cancel);
    for (std::size_t r = p * block; r < std::min(n, (p + 1) * block); ++r) {
      // A row that reaches a good share of Y is cheaper to accumulate without tracking what it
      // touched, then read whole; a sparse one tracks, so that reading costs what it touched.
      std::size_t reach = 0;
      for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) {
        const auto c = static_cast<std::size_t>(X.indices[k]);
        reach += post.start[c + 1] - post.start[c];
      }
      const bool dense_row = reach * 4 > m;
      touched.clear();
      accumulate_row(X, xs, cfg.metric, post, r, 0, acc.data(), dense_row ? nullptr : mark.data(),
                     dense_row ? nullptr : &touched);
      if (dense_row) {  // everything Y holds may be touched: the candidates are the non-zeros, marked
        for (std::uint32_t j = 0; j < m; ++j)
          if (acc[j] != T(0)) {
            mark[j] = 1;
            touched.push_back(j);
          }
      }
      cand.clear();
      for (std::uint32_t j : touched) {
        T s = acc[j];
        acc[j] = T(0);
        if (symmetric && j == r) continue;
        if (cfg.metric == Metric::jaccard) s = jaccard_from_intersection(s, xn[r], yn[j]);
        if (s > thr) cand.emplace_back(s, j);
      }
      // Rows sharing no column score 0 and are never touched; with a negative threshold they
      // qualify too (the touched ones are still marked and keep their own score).
      if (thr < T(0)) {
        for (std::uint32_t j = 0; j < m; ++j)
          if (!mark[j] && !(symmetric && j == r)) cand.emplace_back(T(0), j);
      }
      for (std::uint32_t j : touched) mark[j] = 0;
      auto better = [](const std::pair<T, std::uint32_t>& a, const std::pair<T, std::uint32_t>& b) {
        return a.first != b.first ? a.first > b.first : a.second < b.second;
      };
      const std::size_t take = std::min(kk, cand.size());
      std::partial_sort(cand.begin(), cand.begin() + static_cast<std::ptrdiff_t>(take), cand.end(), better);
      for (std::size_t q = 0; q < take; ++q) {
        out.index[r * kk + q] = cand[q].second;
        out.score[r * kk + q] = cand[q].first;
      }
    }
  });
  check_cancelled(cancel);
  return out;
}

template <class T>
std::vector<std::int64_t> average_linkage_groups(const TopK<T>& nb, double threshold) {
  const std::size_t n = nb.rows, k = nb.k;
  // Symmetric kNN graph: links[c][d] = sum of similarities between the members of groups c and d.
  std::vector<std::map<std::size_t, double>> links(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t q = 0; q < k; ++q) {
      const std::int64_t j = nb.index[i * k + q];
      const double s = static_cast<double>(nb.score[i * k + q]);
      if (j < 0 || static_cast<std::size_t>(j) == i || !std::isfinite(s)) continue;
      const auto u = static_cast<std::size_t>(j);
      auto [it, added] = links[i].emplace(u, s);
      if (!added) it->second = std::max(it->second, s);
      auto [jt, jadded] = links[u].emplace(i, s);
      if (!jadded) jt->second = std::max(jt->second, s);
    }
  }
  std::vector<std::size_t> size(n, 1), version(n, 0), parent(n);
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<char> alive(n, 1);
  struct Candidate {
    double average;
    std::size_t a, b, va, vb;
    bool operator<(const Candidate& o) const {  // max-heap: higher average, then lower indices
      if (average != o.average) return average < o.average;
      if (a != o.a) return a > o.a;
      return b > o.b;
    }
  };
  std::priority_queue<Candidate> heap;
  auto push = [&](std::size_t a, std::size_t b) {
    if (a > b) std::swap(a, b);
    const double avg = links[a].at(b) / (static_cast<double>(size[a]) * static_cast<double>(size[b]));
    if (avg > threshold) heap.push({avg, a, b, version[a], version[b]});
  };
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& [j, s] : links[i])
      if (i < j) push(i, j);
  while (!heap.empty()) {
    const Candidate c = heap.top();
    heap.pop();
    if (!alive[c.a] || !alive[c.b] || version[c.a] != c.va || version[c.b] != c.vb) continue;
    // Merge b into a (a is the lower index).
    for (const auto& [d, s] : links[c.b]) {
      if (d == c.a) continue;
      links[c.a][d] += s;
      links[d].erase(c.b);
      links[d][c.a] += s;
    }
    links[c.a].erase(c.b);
    links[c.b].clear();
    alive[c.b] = 0;
    size[c.a] += size[c.b];
    ++version[c.a];  // only averages with a changed (b is gone)
    parent[c.b] = c.a;
    for (const auto& [d, s] : links[c.a]) {
      (void)s;
      push(c.a, d);
    }
  }
  auto find = [&](std::size_t x) {
    while (parent[x] != x) x = parent[x];
    return x;
  };
  std::vector<std::int64_t> label(n, -1), root_label(n, -1);
  std::int64_t next = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t r = find(i);
    if (size[r] < 2) continue;
    if (root_label[r] < 0) root_label[r] = next++;
    label[i] = root_label[r];
  }
  return label;
}

template <class T>
std::vector<T> dense_similarity_matrix(const T* X, std::size_t n, std::size_t d, const T* Yp, std::size_t m,
                                       const SimilarityConfig& cfg, const std::atomic<bool>* cancel) {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  if (cfg.metric == Metric::jaccard) throw std::invalid_argument("Jaccard similarity needs sets: pass a sparse matrix");
  const bool symmetric = Yp == nullptr;
  if (symmetric) m = n;
  const double bytes = static_cast<double>(n) * static_cast<double>(m) * sizeof(T);
  if (cfg.memory_budget > 0 && bytes > static_cast<double>(cfg.memory_budget))
    throw MemoryBudgetError("a dense " + std::to_string(n) + " x " + std::to_string(m) + " similarity matrix needs " +
                            std::to_string(static_cast<long long>(bytes / 1048576.0)) + " MiB, over the budget of " +
                            std::to_string(cfg.memory_budget / 1048576) +
                            " MiB; use mekong.top_k_similar for the nearest neighbours only, or raise max_memory");
  auto unit_rows = [&](const T* data, std::size_t rows, const char* name) {
    Mat M = Eigen::Map<const Mat>(data, static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(d));
    if (!M.allFinite()) throw std::invalid_argument(std::string(name) + " contains NaN or infinity");
    if (cfg.metric == Metric::cosine) {
      for (Eigen::Index r = 0; r < M.rows(); ++r) {
        const T norm = M.row(r).norm();
        if (norm > T(0)) M.row(r) /= norm;  // a zero row stays zero: similarity 0, never NaN
      }
    }
    return M;
  };
  const Mat Xn = unit_rows(X, n, "X");
  const Mat Yn = symmetric ? Mat() : unit_rows(Yp, m, "Y");
  const Mat& Ym = symmetric ? Xn : Yn;
  std::vector<T> out(n * m);
  Eigen::Map<Mat> O(out.data(), static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(m));
  constexpr std::size_t kBlock = 256;  // fixed: the same blocks, so the same bits, for any n_jobs
  const std::size_t blocks = (n + kBlock - 1) / kBlock;
  parallel_for(blocks, resolve_n_jobs(cfg.n_jobs), [&](std::size_t b) {
    check_cancelled(cancel);
    const auto r0 = static_cast<Eigen::Index>(b * kBlock);
    const auto rows = static_cast<Eigen::Index>(std::min(kBlock, n - b * kBlock));
    O.middleRows(r0, rows).noalias() = Xn.middleRows(r0, rows) * Ym.transpose();
  });
  check_cancelled(cancel);
  if (symmetric)  // the upper triangle, mirrored: exactly symmetric
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < i; ++j) out[i * n + j] = out[j * n + i];
  return out;
}

template std::vector<float> dense_similarity_matrix(const float*, std::size_t, std::size_t, const float*, std::size_t,
                                                    const SimilarityConfig&, const std::atomic<bool>*);
template std::vector<double> dense_similarity_matrix(const double*, std::size_t, std::size_t, const double*, std::size_t,
                                                     const SimilarityConfig&, const std::atomic<bool>*);

#define MEKONG_SIM_INSTANTIATE(T, I)                                                                           \
  template std::vector<T> similarity_matrix(const CsrView<T, I>&, const CsrView<T, I>*, const SimilarityConfig&, \
                                            const std::atomic<bool>*);                                          \
  template TopK<T> top_k_similar(const CsrView<T, I>&, const CsrView<T, I>*, std::size_t, double,              \
                                 const SimilarityConfig&, const std::atomic<bool>*);

MEKONG_SIM_INSTANTIATE(float, std::int32_t)
MEKONG_SIM_INSTANTIATE(float, std::int64_t)
MEKONG_SIM_INSTANTIATE(double, std::int32_t)
MEKONG_SIM_INSTANTIATE(double, std::int64_t)
template std::vector<std::int64_t> average_linkage_groups(const TopK<float>&, double);
template std::vector<std::int64_t> average_linkage_groups(const TopK<double>&, double);

}  // namespace mekong
