#include "mekong/similarity/similarity.hpp"

#include <algorithm>
#include <functional>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <memory>
#include <mutex>
#include <numeric>
#include <queue>

#include "mekong/util/parallel.hpp"
#include "gemm_nt.hpp"

namespace mekong {
namespace {

void check_similarity_budget(std::size_t n, std::size_t m, std::size_t element_size, std::size_t budget) {
  check_memory_budget(n, m, element_size, budget, "similarity matrix",
                      "use mekong.top_k_similar for the nearest neighbours only, or raise max_memory");
}


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

// The values of X as the metric reads them, one per stored entry: rows divided by their l2 norm
// (cosine), as given (dot), 1 for a non-zero (Jaccard). The norm never overflows or underflows:
// float32 squares always fit a double; float64 rows whose largest magnitude leaves [1e-140, 1e140]
// are first divided by it (a scaled sum of squares), so 1e-300 or 1e200 entries still give a unit
// row (defect 6: tiny float32 values made cosine inf, extreme float64 rows counted as empty).
template <class T, class I>
std::vector<T> metric_values(const CsrView<T, I>& X, Metric metric) {
  std::vector<T> v(X.nnz());
  for (std::size_t r = 0; r < X.rows; ++r) {
    const std::size_t b = X.row_begin(r), e = X.row_end(r);
    if (metric == Metric::jaccard) {
      for (std::size_t k = b; k < e; ++k) v[k] = X.data[k] != T(0) ? T(1) : T(0);
      continue;
    }
    if (metric == Metric::dot) {
      std::copy(X.data + b, X.data + e, v.begin() + static_cast<std::ptrdiff_t>(b));
      continue;
    }
    double amax = 0.0;
    for (std::size_t k = b; k < e; ++k) amax = std::max(amax, std::fabs(static_cast<double>(X.data[k])));
    if (amax == 0.0) {
      std::fill(v.begin() + static_cast<std::ptrdiff_t>(b), v.begin() + static_cast<std::ptrdiff_t>(e), T(0));
      continue;
    }
    const bool scaled = sizeof(T) > 4 && (amax < 1e-140 || amax > 1e140);
    const double unit = scaled ? amax : 1.0;
    double sum = 0.0;
    for (std::size_t k = b; k < e; ++k) {
      const double t = static_cast<double>(X.data[k]) / unit;
      sum += t * t;
    }
    const double norm = std::sqrt(sum);  // of the scaled row: in [1, sqrt(nnz)] when scaled
    for (std::size_t k = b; k < e; ++k) v[k] = static_cast<T>(static_cast<double>(X.data[k]) / unit / norm);
  }
  return v;
}

// Y's postings. Columns with skip[c] >= 0 (taken by the dense product, see DenseColumns) are left
// out of the postings; set sizes still count them. With `where`, where[k] is the position of Y's
// entry k in its column's postings (unset for skipped columns): the symmetric product starts each
// column's scan at the row's own posting without searching for it.
template <class T, class I>
SimilarityIndex<T> index_of(const CsrView<T, I>& Y, const std::vector<T>& values, Metric metric,
                            const std::vector<std::int64_t>* skip = nullptr,
                            std::vector<std::size_t>* where = nullptr) {
  SimilarityIndex<T> p;
  p.metric = metric;
  p.rows = Y.rows;
  p.cols = Y.cols;
  p.start.assign(Y.cols + 1, 0);
  auto skipped = [&](std::size_t c) { return skip != nullptr && (*skip)[c] >= 0; };
  for (std::size_t k = 0; k < Y.nnz(); ++k)
    if (!skipped(static_cast<std::size_t>(Y.indices[k]))) ++p.start[static_cast<std::size_t>(Y.indices[k]) + 1];
  for (std::size_t c = 0; c < Y.cols; ++c) p.start[c + 1] += p.start[c];
  p.row.resize(p.start[Y.cols]);
  p.value.resize(p.start[Y.cols]);
  p.col_max.assign(Y.cols, T(0));
  std::vector<std::size_t> fill(p.start.begin(), p.start.end() - 1);
  if (where != nullptr) where->assign(Y.nnz(), 0);
  for (std::size_t r = 0; r < Y.rows; ++r) {
    for (std::size_t k = Y.row_begin(r); k < Y.row_end(r); ++k) {
      const auto c = static_cast<std::size_t>(Y.indices[k]);
      if (skipped(c)) continue;
      const std::size_t at = fill[c]++;
      if (where != nullptr) (*where)[k] = at;
      p.row[at] = static_cast<std::uint32_t>(r);
      p.value[at] = values[k];
      p.col_max[c] = std::max(p.col_max[c], values[k]);
      if (values[k] < T(0)) p.nonnegative = false;
    }
  }
  if (metric == Metric::jaccard) {
    p.set_size.assign(Y.rows, T(0));
    for (std::size_t r = 0; r < Y.rows; ++r)
      for (std::size_t k = Y.row_begin(r); k < Y.row_end(r); ++k) p.set_size[r] += values[k];
  }
  return p;
}

template <class T>
inline T jaccard_from_intersection(T inter, T a, T b) {
  const T uni = a + b - inter;
  return uni > T(0) ? inter / uni : T(0);
}

// Columns common in both X and Y go through a dense matrix product (gemm_nt.hpp) instead of
// postings. A column in a share dx of X's rows and dy of Y's costs dx * dy * n * m scattered
// multiply-adds through postings against n * m streamed ones in a GEMM, which runs several times
// faster per multiply-add (measured: benchmarks/README.md); the column goes dense when
// dx * dy > kDenseShare. Function words and other everyday terms are such columns: on news they
// carry most of the multiply-adds while being a few hundred columns. Rare terms stay sparse.
constexpr double kDenseShare = 0.15;
constexpr std::size_t kGemmRows = 64;  // fixed row blocks: the same GEMM shapes, so bits, for any n_jobs

template <class T>
struct DenseColumns {
  std::vector<std::int64_t> slot;  // per column: its position in Xd / Yp, or -1 (sparse)
  std::size_t d = 0;
  std::vector<T> Xd;   // n x d, row-major: the left operand of the product
  gemm::Panels<T> Yp;  // Y's (symmetric: X's) dense part, packed for gemm::multiply
};

// Row r's values in the dense columns, added into dst (d values, zeroed by the caller).
template <class T, class I>
void dense_row(const CsrView<T, I>& X, const std::vector<T>& xv, const std::vector<std::int64_t>& slot, std::size_t r,
               T* dst) {
  for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) {
    const std::int64_t s = slot[static_cast<std::size_t>(X.indices[k])];
    if (s >= 0) dst[s] += xv[k];
  }
}

template <class T, class I>
DenseColumns<T> dense_columns(const CsrView<T, I>& X, const std::vector<T>& xv, const CsrView<T, I>& Y,
                              const std::vector<T>& yv, bool symmetric) {
  DenseColumns<T> dc;
  dc.slot.assign(X.cols, -1);
  const std::size_t n = X.rows, m = Y.rows;
  if (n < kGemmRows || m < kGemmRows) return dc;  // small: postings are fine
  std::vector<std::size_t> dfx(X.cols, 0), dfy;
  for (std::size_t k = 0; k < X.nnz(); ++k) ++dfx[static_cast<std::size_t>(X.indices[k])];
  if (!symmetric) {
    dfy.assign(Y.cols, 0);
    for (std::size_t k = 0; k < Y.nnz(); ++k) ++dfy[static_cast<std::size_t>(Y.indices[k])];
  }
  const std::vector<std::size_t>& dy = symmetric ? dfx : dfy;
  std::vector<std::pair<double, std::size_t>> chosen;
  for (std::size_t c = 0; c < X.cols; ++c) {
    const double share =
        static_cast<double>(dfx[c]) / static_cast<double>(n) * static_cast<double>(dy[c]) / static_cast<double>(m);
    if (share > kDenseShare) chosen.emplace_back(-share, c);
  }
  // The dense copies stay within a few times the input's own size (densest columns first).
  const double budget = 4.0 * static_cast<double>(X.nnz() + (symmetric ? 0 : Y.nnz())) + 8.0 * 1048576.0 / sizeof(T);
  const std::size_t cap = static_cast<std::size_t>(budget / static_cast<double>(n + (symmetric ? 0 : m)));
  std::sort(chosen.begin(), chosen.end());
  if (chosen.size() > cap) chosen.resize(cap);
  std::sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& ch : chosen) dc.slot[ch.second] = static_cast<std::int64_t>(dc.d++);
  if (dc.d == 0) return dc;
  dc.Xd.assign(n * dc.d, T(0));
  for (std::size_t r = 0; r < n; ++r) dense_row(X, xv, dc.slot, r, dc.Xd.data() + r * dc.d);
  dc.Yp = gemm::pack<T>(m, dc.d, [&](std::size_t r, T* dst) { dense_row(Y, yv, dc.slot, r, dst); });
  return dc;
}

std::size_t row_block(std::size_t rows, int threads) {
  return std::max<std::size_t>(1, std::min<std::size_t>(256, rows / (static_cast<std::size_t>(threads) * 16) + 1));
}

// One thread's scratch for top-k rows: a dense accumulator over the index's rows with marks, the
// rows touched, and the candidate lists. Reused across the rows (and calls) a thread runs.
template <class T>
struct Workspace {
  std::vector<T> acc;
  std::vector<char> mark;
  std::vector<std::uint32_t> touched, alive;
  std::vector<T> scratch;
  std::vector<std::pair<T, std::uint32_t>> cand;
  struct Term {
    double bound;
    std::size_t col;
    T x;
  };
  std::vector<Term> terms;
  std::vector<double> rest;  // rest[i]: sum of the bounds of terms i.. (upper bound of what they add)
  std::vector<T> block;      // dense path: a block of rows x all of Y
  struct Best {              // dense path: the k best of every row seen by this workspace
    std::vector<std::pair<T, std::uint32_t>> heap;  // rows x k heaps, front = the worst kept
    std::vector<std::uint32_t> size;
    std::vector<T> floor;  // the front's score once a heap is full: rejects most offers at a glance
  } best;
  void size_for(std::size_t m) {
    if (acc.size() != m) {
      acc.assign(m, T(0));
      mark.assign(m, 0);
    }
  }
};

// The k-th largest accumulated value among `docs` (leaving out `self`), or -inf when fewer.
template <class T>
double kth_best(const Workspace<T>& ws, std::vector<T>& scratch, const std::vector<std::uint32_t>& docs, std::size_t k,
                std::size_t self) {
  scratch.clear();
  for (std::uint32_t j : docs)
    if (j != self) scratch.push_back(ws.acc[j]);
  if (scratch.size() < k) return -std::numeric_limits<double>::infinity();
  std::nth_element(scratch.begin(), scratch.begin() + static_cast<std::ptrdiff_t>(k - 1), scratch.end(),
                   std::greater<T>());
  return static_cast<double>(scratch[k - 1]);
}

// Row r of a top-k call: query values q[b..e) with columns cols[b..e) against the index. Writes the
// kk best (index, score) pairs to out_index / out_score. `self` is the row to leave out (or SIZE_MAX).
template <class T, class I>
bool top_k_row(const SimilarityIndex<T>& ix, const I* cols, const T* q, std::size_t b, std::size_t e, T q_size,
               std::size_t kk, double thr, std::size_t self, Workspace<T>& ws, std::int64_t* out_index, T* out_score) {
  const std::size_t m = ix.rows;
  const Metric metric = ix.metric;
  T* acc = ws.acc.data();
  char* mark = ws.mark.data();
  auto& touched = ws.touched;
  auto& terms = ws.terms;
  touched.clear();
  terms.clear();
  bool nonneg = ix.nonnegative;
  for (std::size_t k = b; k < e; ++k) {
    const T x = q[k];
    if (x == T(0)) continue;
    const auto c = static_cast<std::size_t>(cols[k]);
    if (ix.start[c] == ix.start[c + 1]) continue;
    if (x < T(0)) nonneg = false;
    terms.push_back({static_cast<double>(x) * static_cast<double>(ix.col_max[c]), c, x});
  }
  // Pruning needs bounds that hold (no negative value) and scores that add up (not Jaccard); with a
  // negative threshold, documents sharing no term qualify too.
  const bool prune = nonneg && metric != Metric::jaccard && thr >= 0.0;
  const std::size_t nt = terms.size();
  if (prune) {
    std::sort(terms.begin(), terms.end(),
              [](const auto& a, const auto& c) { return a.bound != c.bound ? a.bound > c.bound : a.col < c.col; });
    ws.rest.assign(nt + 1, 0.0);
    for (std::size_t i = nt; i-- > 0;) ws.rest[i] = ws.rest[i + 1] + terms[i].bound;
  }
  // Rounding: a float sum of n terms can exceed the exact sum of their bounds by about n ulps.
  const double slack = 1.0 + 4.0 * static_cast<double>(nt + 2) * std::numeric_limits<T>::epsilon();
  const std::uint32_t* prow = ix.row.data();
  const T* pval = ix.value.data();

  // Phase 1: terms in bound order, every document they reach tracked, until pruning applies.
  std::size_t i = 0, since_check = 0, reached = 0;
  bool pruned = false, tracking = true;
  double theta = -std::numeric_limits<double>::infinity();
  for (; i < nt; ++i) {
    if (prune && tracking && since_check >= touched.size() / 2) {
      since_check = 0;
      const double rest = ws.rest[i] * slack;
      // Documents not reached yet score at most `rest`: out if that cannot beat the threshold or the
      // k-th best partial score (partial scores only grow: they are lower bounds).
      if (touched.size() >= kk) theta = kth_best(ws, ws.scratch, touched, kk, self);
      if (rest <= thr || rest < theta) {
        pruned = true;
        break;
      }
    }
    const auto& t = terms[i];
    const std::size_t pb = ix.start[t.col], pe = ix.start[t.col + 1];
    if (tracking) {
      for (std::size_t p = pb; p < pe; ++p) {
        const std::uint32_t j = prow[p];
        if (!mark[j]) {
          mark[j] = 1;
          touched.push_back(j);
        }
        acc[j] += t.x * pval[p];
      }
      reached += pe - pb;
      since_check += pe - pb;
      // Reaching a good share of the index: cheaper to accumulate without tracking and read the
      // accumulator whole at the end. With pruning possible, tracking goes on longer: the terms
      // ahead (low bounds, long postings) are the ones pruning saves.
      if (reached * 4 > (prune ? 4 * m : m)) tracking = false;
    } else {
      for (std::size_t p = pb; p < pe; ++p) acc[prow[p]] += t.x * pval[p];
    }
  }
  if (!tracking) {  // everything may be touched: collect the non-zeros not marked yet
    for (std::uint32_t j = 0; j < m; ++j)
      if (!mark[j] && acc[j] != T(0)) {
        mark[j] = 1;
        touched.push_back(j);
      }
  }

  auto& alive = ws.alive;
  if (pruned) {
    // Phase 2: only the documents still in contention take the remaining terms.
    auto filter = [&](double rest, bool reset_all) {
      std::size_t w = 0;
      for (std::uint32_t j : alive) {
        const double best_case = (static_cast<double>(acc[j]) + rest) * slack;
        if (j != self && best_case > thr && best_case >= theta && !reset_all) {
          alive[w++] = j;
        } else {
          mark[j] = 0;
          acc[j] = T(0);
        }
      }
      alive.resize(w);
    };
    alive.assign(touched.begin(), touched.end());
    std::sort(alive.begin(), alive.end());
    filter(ws.rest[i], false);
    std::size_t work = 0;
    for (; i < nt && !alive.empty(); ++i) {
      const auto& t = terms[i];
      const std::size_t pb = ix.start[t.col], pe = ix.start[t.col + 1];
      if (alive.size() * 8 < pe - pb) {  // few candidates, long postings: search each
        std::size_t p = pb;
        for (std::uint32_t j : alive) {
          p = static_cast<std::size_t>(std::lower_bound(prow + p, prow + pe, j) - prow);
          if (p == pe) break;
          if (prow[p] == j) acc[j] += t.x * pval[p];
        }
        work += alive.size();
      } else {
        for (std::size_t p = pb; p < pe; ++p)
          if (mark[prow[p]]) acc[prow[p]] += t.x * pval[p];
        work += pe - pb;
      }
      // Narrowing costs a pass over the candidates: done once the terms since cost as much.
      if (work >= 2 * alive.size()) {
        work = 0;
        if (alive.size() >= kk) theta = std::max(theta, kth_best(ws, ws.scratch, alive, kk, self));
        filter(ws.rest[i + 1], false);
      }
    }
    touched.swap(alive);  // the survivors; everything else is already reset
  }

  // The kk best in a small heap (front = the worst kept): one cheap comparison per candidate.
  auto& heap = ws.cand;
  heap.clear();
  using Pair = std::pair<T, std::uint32_t>;
  auto better = [](const Pair& a, const Pair& c) {
    return a.first != c.first ? a.first > c.first : a.second < c.second;
  };
  auto offer = [&](T s, std::uint32_t j) {
    if (heap.size() < kk) {
      heap.emplace_back(s, j);
      std::push_heap(heap.begin(), heap.end(), better);
    } else if (better(Pair(s, j), heap.front())) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.back() = Pair(s, j);
      std::push_heap(heap.begin(), heap.end(), better);
    }
  };
  for (std::uint32_t j : touched) {
    T s = acc[j];
    acc[j] = T(0);
    if (j == self) continue;
    if (metric == Metric::jaccard) s = jaccard_from_intersection(s, q_size, ix.set_size[j]);
    if (static_cast<double>(s) > thr) offer(s, j);
  }
  // Rows sharing no column score 0 and are never touched; with a negative threshold they qualify
  // too (the touched ones are still marked and keep their own score).
  if (thr < 0.0) {
    for (std::uint32_t j = 0; j < m; ++j)
      if (!mark[j] && j != self) offer(T(0), j);
  }
  for (std::uint32_t j : touched) mark[j] = 0;
  std::sort_heap(heap.begin(), heap.end(), better);
  for (std::size_t q2 = 0; q2 < heap.size(); ++q2) {
    out_index[q2] = heap[q2].second;
    out_score[q2] = heap[q2].first;
  }
  return pruned;
}

// Workspaces handed out to the threads of one call, created on demand.
template <class T>
class WorkspacePool {
 public:
  struct Returner {
    WorkspacePool* pool;
    void operator()(Workspace<T>* w) const {
      std::lock_guard<std::mutex> g(pool->lock_);
      pool->free_.push_back(w);
    }
  };
  using Lease = std::unique_ptr<Workspace<T>, Returner>;
  explicit WorkspacePool(std::size_t m) : m_(m) {}
  // Every workspace handed out so far; only once no lease is held.
  template <class F>
  void for_each(F f) const {
    for (const auto& w : owned_) f(*w);
  }
  Lease take() {
    std::lock_guard<std::mutex> g(lock_);
    if (free_.empty()) {
      owned_.push_back(std::make_unique<Workspace<T>>());
      owned_.back()->size_for(m_);
      free_.push_back(owned_.back().get());
    }
    Workspace<T>* w = free_.back();
    free_.pop_back();
    return Lease(w, Returner{this});
  }

 private:
  std::size_t m_;
  std::mutex lock_;
  std::vector<std::unique_ptr<Workspace<T>>> owned_;
  std::vector<Workspace<T>*> free_;
};

// Top-k of Q's rows (values already as the metric reads them) against the index.
template <class T, class I>
TopK<T> top_k_rows(const SimilarityIndex<T>& ix, const CsrView<T, I>& Q, const std::vector<T>& qv, std::size_t k,
                   double threshold, bool symmetric, const SimilarityConfig& cfg, const std::atomic<bool>* cancel) {
  const std::size_t n = Q.rows, m = ix.rows;
  const std::size_t candidates = symmetric ? (m > 0 ? m - 1 : 0) : m;
  TopK<T> out;
  out.rows = n;
  out.k = std::min(k, candidates);
  out.index.assign(n * out.k, -1);
  out.score.assign(n * out.k, std::numeric_limits<T>::quiet_NaN());
  if (out.k == 0 || n == 0) return out;
  const double thr = static_cast<double>(static_cast<T>(threshold));
  const int threads = static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(resolve_n_jobs(cfg.n_jobs)), n));
  const std::size_t block = row_block(n, threads);
  const std::size_t parts = (n + block - 1) / block;
  const std::size_t kk = out.k;
  WorkspacePool<T> pool(m);
  std::atomic<std::size_t> pruned{0};
  parallel_for(parts, threads, [&](std::size_t p) {
    auto ws = pool.take();
    check_cancelled(cancel);
    std::size_t part_pruned = 0;
    for (std::size_t r = p * block; r < std::min(n, (p + 1) * block); ++r) {
      T q_size = T(0);
      if (ix.metric == Metric::jaccard)
        for (std::size_t k2 = Q.row_begin(r); k2 < Q.row_end(r); ++k2) q_size += qv[k2];
      part_pruned += top_k_row(ix, Q.indices, qv.data(), Q.row_begin(r), Q.row_end(r), q_size, kk, thr,
                               symmetric ? r : std::numeric_limits<std::size_t>::max(), *ws, out.index.data() + r * kk,
                               out.score.data() + r * kk);
    }
    pruned += part_pruned;
    progress_advance(std::min(n, (p + 1) * block) - p * block);
  });
  check_cancelled(cancel);
  out.rows_pruned = pruned.load();
  return out;
}

}  // namespace

template <class T>
std::size_t SimilarityIndex<T>::bytes() const {
  return start.size() * sizeof(std::size_t) + row.size() * sizeof(std::uint32_t) +
         (value.size() + col_max.size() + set_size.size()) * sizeof(T);
}

template <class T, class I>
SimilarityIndex<T> build_similarity_index(const CsrView<T, I>& Y, Metric metric) {
  check_view(Y, "Y");
  return index_of(Y, metric_values(Y, metric), metric);
}

template <class T, class I>
TopK<T> top_k_query(const SimilarityIndex<T>& index, const CsrView<T, I>& Q, std::size_t k, double threshold,
                    const SimilarityConfig& cfg, const std::atomic<bool>* cancel) {
  if (k == 0) throw std::invalid_argument("k must be a positive integer");
  if (Q.cols != index.cols)
    throw std::invalid_argument("queries have " + std::to_string(Q.cols) + " columns, the index " +
                                std::to_string(index.cols));
  check_view(Q, "queries");
  return top_k_rows(index, Q, metric_values(Q, index.metric), k, threshold, false, cfg, cancel);
}

template <class T, class I>
std::vector<T> similarity_matrix(const CsrView<T, I>& X, const CsrView<T, I>* Yp, const SimilarityConfig& cfg,
                                 const std::atomic<bool>* cancel) {
  const bool symmetric = Yp == nullptr;
  const CsrView<T, I>& Y = symmetric ? X : *Yp;
  check_pair(X, Y, symmetric);
  const std::size_t n = X.rows, m = Y.rows;
  check_similarity_budget(n, m, sizeof(T), cfg.memory_budget);
  const int threads = resolve_n_jobs(cfg.n_jobs);
  const std::vector<T> xv = metric_values(X, cfg.metric);
  const std::vector<T> yv_own = symmetric ? std::vector<T>() : metric_values(Y, cfg.metric);
  const std::vector<T>& yv = symmetric ? xv : yv_own;
  const DenseColumns<T> dc = dense_columns(X, xv, Y, yv, symmetric);
  std::vector<std::size_t> own;  // symmetric: each entry's place in its column's postings
  const SimilarityIndex<T> post =
      index_of(Y, yv, cfg.metric, dc.d > 0 ? &dc.slot : nullptr, symmetric ? &own : nullptr);
  std::vector<T> xn;  // X's set sizes (Jaccard)
  if (cfg.metric == Metric::jaccard) {
    xn.assign(n, T(0));
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) xn[r] += xv[k];
  }
  std::vector<T> out(n * m, T(0));
  // Row blocks of a fixed height when a dense part is computed (same GEMM shapes for any n_jobs).
  const std::size_t block = dc.d > 0 ? kGemmRows : row_block(n, threads);
  const std::size_t parts = (n + block - 1) / block;
  const std::uint32_t* prow = post.row.data();
  const T* pval = post.value.data();
  parallel_for(parts, threads, [&](std::size_t p) {
    check_cancelled(cancel);
    if (dc.d > 0) {  // the common columns: one product for the block (the upper part when symmetric)
      const std::size_t r0 = p * block, rows = std::min(n, (p + 1) * block) - r0;
      const std::size_t c0 = symmetric ? r0 : 0;
      gemm::multiply(dc.Xd.data() + r0 * dc.d, dc.d, rows, dc.Yp, c0, m, out.data() + r0 * m + c0, m);
    }
    for (std::size_t r = p * block; r < std::min(n, (p + 1) * block); ++r) {
      T* row = out.data() + r * m;
      const std::size_t first = symmetric ? r : 0;
      for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) {
        const T x = xv[k];
        if (x == T(0)) continue;
        const auto c = static_cast<std::size_t>(X.indices[k]);
        const std::size_t e = post.start[c + 1];
        std::size_t b = post.start[c];
        if (b == e) continue;  // no postings: a column of the dense product (own[k] is unset there)
        if (symmetric) {
          // The upper triangle: from row r's own posting on (the first with a row >= r; the
          // rows before it in the postings are lower). A binary search here cost a fifth of the
          // kernel (perf on benchmarks/similarity_driver.cpp). Duplicate columns in a row: back
          // to the first of them.
          const std::size_t lo = b;
          b = own[k];
          while (b > lo && prow[b - 1] == r) --b;
        }
        for (std::size_t q = b; q < e; ++q) row[prow[q]] += x * pval[q];  // the hot loop
      }
      if (cfg.metric == Metric::jaccard)
        for (std::size_t j = first; j < m; ++j) row[j] = jaccard_from_intersection(row[j], xn[r], post.set_size[j]);
    }
    progress_advance(std::min(n, (p + 1) * block) - p * block);
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

namespace {

// Top-k when common columns go through the dense product: per fixed block of rows, the block's
// scores from one product, the sparse columns scattered on top, then each score offered to its
// row's k best. No pruning here: the product computes every score. Symmetric (Y = X): only the
// upper triangle is computed, each score offered to both its rows (half the work). The k best of
// a row are kept per thread (flat heaps, all rows) and merged at the end: the k best of a set
// under one strict order (score, then lower index) do not depend on the order of the offers, so
// the result is the same for any n_jobs.
template <class T, class I>
TopK<T> top_k_dense(const CsrView<T, I>& X, const std::vector<T>& xv, const SimilarityIndex<T>& post,
                    const std::vector<std::size_t>& own, const DenseColumns<T>& dc, std::size_t k, double threshold,
                    bool symmetric, const SimilarityConfig& cfg, const std::atomic<bool>* cancel) {
  const std::size_t n = X.rows, m = post.rows;
  const std::size_t candidates = symmetric ? (m > 0 ? m - 1 : 0) : m;
  TopK<T> out;
  out.rows = n;
  out.k = std::min(k, candidates);
  out.index.assign(n * out.k, -1);
  out.score.assign(n * out.k, std::numeric_limits<T>::quiet_NaN());
  if (out.k == 0 || n == 0) return out;
  const std::size_t kk = out.k;
  const T thr = static_cast<T>(threshold);
  const std::size_t parts = (n + kGemmRows - 1) / kGemmRows;
  const int threads =
      static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(resolve_n_jobs(cfg.n_jobs)), parts));
  const std::uint32_t* prow = post.row.data();
  const T* pval = post.value.data();
  using Pair = std::pair<T, std::uint32_t>;
  auto better = [](const Pair& a, const Pair& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  };
  WorkspacePool<T> pool(0);
  std::vector<T> q_size(n, T(0));  // Jaccard: the rows' set sizes
  if (post.metric == Metric::jaccard)
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t q = X.row_begin(r); q < X.row_end(r); ++q) q_size[r] += xv[q];
  parallel_for(parts, threads, [&](std::size_t p) {
    auto ws = pool.take();  // a workspace is never used by two parts at once: its heaps need no lock
    check_cancelled(cancel);
    auto* best = &ws->best;
    if (best->size.size() != n) {
      best->heap.resize(n * kk);
      best->size.assign(n, 0);
      best->floor.assign(n, -std::numeric_limits<T>::infinity());
    }
    auto offer = [&](std::size_t r, T sc, std::uint32_t j) {
      if (sc < best->floor[r]) return;
      Pair* h = best->heap.data() + r * kk;
      std::uint32_t& sz = best->size[r];
      const Pair cand(sc, j);
      if (sz < kk) {
        h[sz++] = cand;
        std::push_heap(h, h + sz, better);
        if (sz == kk) best->floor[r] = h[0].first;
      } else if (better(cand, h[0])) {
        std::pop_heap(h, h + kk, better);
        h[kk - 1] = cand;
        std::push_heap(h, h + kk, better);
        best->floor[r] = h[0].first;
      }
    };
    const std::size_t r0 = p * kGemmRows, r1 = std::min(n, r0 + kGemmRows);
    const std::size_t c0 = symmetric ? r0 : 0, width = m - c0;
    std::vector<T>& B = ws->block;
    B.resize((r1 - r0) * width);
    gemm::multiply(dc.Xd.data() + r0 * dc.d, dc.d, r1 - r0, dc.Yp, c0, m, B.data(), width);
    for (std::size_t r = r0; r < r1; ++r) {
      T* row = B.data() + (r - r0) * width - c0;  // row[j] for j >= c0
      for (std::size_t q = X.row_begin(r); q < X.row_end(r); ++q) {
        const T x = xv[q];
        if (x == T(0)) continue;
        const auto c = static_cast<std::size_t>(X.indices[q]);
        const std::size_t lo = post.start[c], e = post.start[c + 1];
        if (lo == e) continue;  // a dense (or empty) column
        std::size_t b = lo;
        if (symmetric) {  // from row r's own posting: the upper triangle (as similarity_matrix)
          b = own[q];
          while (b > lo && prow[b - 1] == r) --b;
        }
        for (; b < e; ++b) row[prow[b]] += x * pval[b];
      }
      for (std::size_t j = symmetric ? r + 1 : 0; j < m; ++j) {
        T sc = row[j];
        if (post.metric == Metric::jaccard) sc = jaccard_from_intersection(sc, q_size[r], post.set_size[j]);
        if (!(sc > thr)) continue;
        offer(r, sc, static_cast<std::uint32_t>(j));
        if (symmetric) offer(j, sc, static_cast<std::uint32_t>(r));
      }
    }
    progress_advance(r1 - r0);
  });
  check_cancelled(cancel);
  // Merge the threads' k best of each row.
  std::vector<Pair> merged;
  for (std::size_t r = 0; r < n; ++r) {
    merged.clear();
    pool.for_each([&](const Workspace<T>& w) {
      const auto* h = w.best.heap.data() + r * kk;
      if (!w.best.size.empty()) merged.insert(merged.end(), h, h + w.best.size[r]);
    });
    const std::size_t keep = std::min(kk, merged.size());
    std::partial_sort(merged.begin(), merged.begin() + keep, merged.end(), better);
    for (std::size_t q = 0; q < keep; ++q) {
      out.index[r * kk + q] = merged[q].second;
      out.score[r * kk + q] = merged[q].first;
    }
  }
  return out;
}

}  // namespace

template <class T, class I>
TopK<T> top_k_similar(const CsrView<T, I>& X, const CsrView<T, I>* Yp, std::size_t k, double threshold,
                      const SimilarityConfig& cfg, const std::atomic<bool>* cancel) {
  const bool symmetric = Yp == nullptr;
  const CsrView<T, I>& Y = symmetric ? X : *Yp;
  if (k == 0) throw std::invalid_argument("k must be a positive integer");
  check_pair(X, Y, symmetric);
  const std::vector<T> xv = metric_values(X, cfg.metric);
  const std::vector<T> yv_own = symmetric ? std::vector<T>() : metric_values(Y, cfg.metric);
  const std::vector<T>& yv = symmetric ? xv : yv_own;
  const DenseColumns<T> dc = dense_columns(X, xv, Y, yv, symmetric);
  if (dc.d > 0) {
    std::vector<std::size_t> own;
    const SimilarityIndex<T> post = index_of(Y, yv, cfg.metric, &dc.slot, symmetric ? &own : nullptr);
    return top_k_dense(X, xv, post, own, dc, k, threshold, symmetric, cfg, cancel);
  }
  const SimilarityIndex<T> ix = index_of(Y, yv, cfg.metric);
  return top_k_rows(ix, X, xv, k, threshold, symmetric, cfg, cancel);
}

template <class T>
std::vector<T> dense_similarity_matrix(const T* X, std::size_t n, std::size_t d, const T* Yp, std::size_t m,
                                       const SimilarityConfig& cfg, const std::atomic<bool>* cancel) {
  using Mat = Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  if (cfg.metric == Metric::jaccard) throw std::invalid_argument("Jaccard similarity needs sets: pass a sparse matrix");
  const bool symmetric = Yp == nullptr;
  if (symmetric) m = n;
  check_similarity_budget(n, m, sizeof(T), cfg.memory_budget);
  auto unit_rows = [&](const T* data, std::size_t rows, const char* name) {
    Mat M = Eigen::Map<const Mat>(data, static_cast<Eigen::Index>(rows), static_cast<Eigen::Index>(d));
    if (!M.allFinite()) throw std::invalid_argument(std::string(name) + " contains NaN or infinity");
    if (cfg.metric == Metric::cosine) {
      // Squares of values outside [lo, 1/lo] could underflow or overflow: such rows are first
      // divided by their largest magnitude (defect 6). A zero row stays zero: similarity 0, never NaN.
      const T lo = static_cast<T>(sizeof(T) == 4 ? 1e-15 : 1e-140);
      for (Eigen::Index r = 0; r < M.rows(); ++r) {
        const T amax = M.row(r).cwiseAbs().maxCoeff();
        if (!(amax > T(0))) continue;
        if (amax < lo || amax > T(1) / lo) M.row(r) /= amax;
        M.row(r) /= M.row(r).norm();
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
template std::vector<double> dense_similarity_matrix(const double*, std::size_t, std::size_t, const double*,
                                                     std::size_t, const SimilarityConfig&, const std::atomic<bool>*);

#define MEKONG_SIM_INSTANTIATE(T, I)                                                                             \
  template SimilarityIndex<T> build_similarity_index(const CsrView<T, I>&, Metric);                              \
  template TopK<T> top_k_query(const SimilarityIndex<T>&, const CsrView<T, I>&, std::size_t, double,             \
                               const SimilarityConfig&, const std::atomic<bool>*);                               \
  template std::vector<T> similarity_matrix(const CsrView<T, I>&, const CsrView<T, I>*, const SimilarityConfig&, \
                                            const std::atomic<bool>*);                                           \
  template TopK<T> top_k_similar(const CsrView<T, I>&, const CsrView<T, I>*, std::size_t, double,                \
                                 const SimilarityConfig&, const std::atomic<bool>*);

MEKONG_SIM_INSTANTIATE(float, std::int32_t)
MEKONG_SIM_INSTANTIATE(float, std::int64_t)
MEKONG_SIM_INSTANTIATE(double, std::int32_t)
MEKONG_SIM_INSTANTIATE(double, std::int64_t)
template struct SimilarityIndex<float>;
template struct SimilarityIndex<double>;

}  // namespace mekong
