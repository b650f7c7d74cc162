#include "mekong/similarity/similarity.hpp"

#include <algorithm>
#include <functional>

#include <Eigen/Dense>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <mutex>
#include <new>
#include <numeric>
#include <queue>

#include "mekong/util/parallel.hpp"
#if defined(__linux__)
#include <sys/mman.h>
#endif
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
  std::vector<std::int64_t> slot;  // per column: its position in left / right, or -1 (sparse)
  std::size_t d = 0;
  std::vector<T> left;    // rows x d, row-major: the left operand of the product (top-k: X; matrix: Y)
  gemm::Panels<T> right;  // the other one's dense part, packed for gemm::multiply (top-k: Y; matrix: X)
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

// The rows each column of X has an entry in (a canonical CSR has one entry per row and column).
template <class T, class I>
std::vector<std::size_t> column_rows(const CsrView<T, I>& X) {
  std::vector<std::size_t> df(X.cols, 0);
  for (std::size_t k = 0; k < X.nnz(); ++k) ++df[static_cast<std::size_t>(X.indices[k])];
  return df;
}

template <class T, class I>
DenseColumns<T> dense_columns(const CsrView<T, I>& X, const std::vector<T>& xv, const CsrView<T, I>& Y,
                              const std::vector<T>& yv, bool symmetric, double min_share = kDenseShare,
                              bool left_is_y = false) {
  DenseColumns<T> dc;
  dc.slot.assign(X.cols, -1);
  const std::size_t n = X.rows, m = Y.rows;
  if (n < kGemmRows || m < kGemmRows) return dc;  // small: postings are fine
  const std::vector<std::size_t> dfx = column_rows(X), dfy = symmetric ? std::vector<std::size_t>() : column_rows(Y);
  const std::vector<std::size_t>& dy = symmetric ? dfx : dfy;
  std::vector<std::pair<double, std::size_t>> chosen;
  for (std::size_t c = 0; c < X.cols; ++c) {
    const double share =
        static_cast<double>(dfx[c]) / static_cast<double>(n) * static_cast<double>(dy[c]) / static_cast<double>(m);
    if (share > min_share) chosen.emplace_back(-share, c);
  }
  // The dense copies stay within a few times the input's own size (densest columns first).
  const double budget = 4.0 * static_cast<double>(X.nnz() + (symmetric ? 0 : Y.nnz())) + 8.0 * 1048576.0 / sizeof(T);
  const std::size_t cap = static_cast<std::size_t>(budget / static_cast<double>(n + (symmetric ? 0 : m)));
  std::sort(chosen.begin(), chosen.end());
  if (chosen.size() > cap) chosen.resize(cap);
  std::sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& ch : chosen) dc.slot[ch.second] = static_cast<std::int64_t>(dc.d++);
  if (dc.d == 0) return dc;
  const CsrView<T, I>& L = left_is_y ? Y : X;
  const CsrView<T, I>& R = left_is_y ? X : Y;
  const std::vector<T>& lv = left_is_y ? yv : xv;
  const std::vector<T>& rv = left_is_y ? xv : yv;
  dc.left.assign(L.rows * dc.d, T(0));
  for (std::size_t r = 0; r < L.rows; ++r) dense_row(L, lv, dc.slot, r, dc.left.data() + r * dc.d);
  dc.right = gemm::pack<T>(R.rows, dc.d, [&](std::size_t r, T* dst) { dense_row(R, rv, dc.slot, r, dst); });
  return dc;
}

// The mid band: columns below the dense product's cut but in at least a share kMidShare of X's
// rows. The matrix adds them row by row of Y (gemm::add_gathered) against a table of the
// sub-block's values per column, instead of through postings. Cost model, per sub-block of kNR<T>
// rows and per entry of Y in the column: a posting loads and stores a tile line (about 2 ns
// measured, the tile being beyond L1) and is read only when the sub-block has the column, which it
// has with probability 1 - (1 - p)^8 for a column in a share p of X's rows; a gathered entry costs
// about 1.3 ns (bound by its table loads; its row's sums stay in registers) whether the sub-block
// has the column or not. Gathering wins once 1 - (1 - p)^8 > 0.65, p > 0.12; measured, the total
// was flat for a cut between 0.08 and 0.2 (benchmarks/SIMILARITY.md).
// Every cell sums its terms in one order, the same in top_k_similar: the dense product, then the
// mid band's columns ascending, then the other sparse columns ascending.
constexpr double kMidShare = 0.1;

struct MidColumns {
  std::vector<std::int32_t> slot;  // per column: its slot in the band, or -1
  std::size_t b = 0;               // slots
};

template <class T, class I>
MidColumns mid_columns(const CsrView<T, I>& X, const CsrView<T, I>& Y, bool symmetric,
                       const std::vector<std::int64_t>& dense_slot) {
  MidColumns mc;
  mc.slot.assign(X.cols, -1);
  const std::size_t n = X.rows, m = Y.rows;
  if (n < kGemmRows || m < kGemmRows) return mc;  // small: postings are fine (as dense_columns)
  const std::vector<std::size_t> dfx = column_rows(X), dfy = symmetric ? std::vector<std::size_t>() : column_rows(Y);
  const std::vector<std::size_t>& dy = symmetric ? dfx : dfy;
  std::vector<std::pair<std::size_t, std::size_t>> chosen;  // (-rows, column): the most common first
  const double min_rows = std::max(2.0, kMidShare * static_cast<double>(n));
  for (std::size_t c = 0; c < X.cols; ++c)
    if (dense_slot[c] < 0 && static_cast<double>(dfx[c]) >= min_rows && dy[c] > 0) chosen.emplace_back(n - dfx[c], c);
  // Each thread's table holds kGemmRows values per slot: within a few times the input's size.
  const double budget = 4.0 * static_cast<double>(X.nnz()) * sizeof(T) + 8.0 * 1048576.0;
  // (and slot x kNR<T> fits the 32-bit offsets of MidRows::at)
  const std::size_t cap =
      std::min<std::size_t>(static_cast<std::size_t>(budget / (static_cast<double>(kGemmRows) * sizeof(T))),
                            std::numeric_limits<std::uint32_t>::max() / gemm::kNR<T>);
  if (chosen.size() > cap) {
    std::sort(chosen.begin(), chosen.end());
    chosen.resize(cap);
  }
  std::sort(chosen.begin(), chosen.end(), [](const auto& a, const auto& b) { return a.second < b.second; });
  for (const auto& ch : chosen) mc.slot[ch.second] = static_cast<std::int32_t>(mc.b++);
  return mc;
}

// Y's entries in the mid band, row by row in the row's own order: at = the column's slot x kNR<T>
// (the offset of its values in a sub-block's table), value as the metric reads it.
template <class T>
struct MidRows {
  std::vector<std::size_t> start;  // rows + 1
  std::vector<std::uint32_t> at;
  std::vector<T> value;
  // The rows of each aligned group of kGemmRows, longest first (no run of the tile's rows splits a
  // group: parts, chunks and runs start at multiples of it): rows of similar lengths side by side.
  std::vector<std::uint32_t> order;
};

template <class T, class I>
MidRows<T> mid_rows(const CsrView<T, I>& Y, const std::vector<T>& yv, const MidColumns& mc) {
  MidRows<T> mr;
  if (mc.b == 0) return mr;
  mr.start.assign(Y.rows + 1, 0);
  for (std::size_t r = 0; r < Y.rows; ++r) {
    for (std::size_t k = Y.row_begin(r); k < Y.row_end(r); ++k) {
      const std::int32_t sl = mc.slot[static_cast<std::size_t>(Y.indices[k])];
      if (sl < 0) continue;
      mr.at.push_back(static_cast<std::uint32_t>(sl) * static_cast<std::uint32_t>(gemm::kNR<T>));
      mr.value.push_back(yv[k]);
    }
    mr.start[r + 1] = mr.at.size();
  }
  auto length = [&](std::uint32_t r) { return mr.start[r + 1] - mr.start[r]; };
  mr.order.resize(Y.rows);
  std::iota(mr.order.begin(), mr.order.end(), std::uint32_t{0});
  for (std::size_t g = 0; g < Y.rows; g += kGemmRows) {
    std::stable_sort(mr.order.begin() + static_cast<std::ptrdiff_t>(g),
                     mr.order.begin() + static_cast<std::ptrdiff_t>(std::min(Y.rows, g + kGemmRows)),
                     [&](std::uint32_t a, std::uint32_t b) { return length(a) > length(b); });
  }
  return mr;
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

namespace {

// The dense result, a part of kGemmRows rows of X (fixed: the same sums for any n_jobs) against a
// chunk of kChunkCols rows of Y at a time, in a tile stored by panel: for each sub-block of
// kNR<T> rows of the part (one packed panel of X's dense columns), the chunk's rows of Y one after
// the other, kNR<T> values each (one per row of the sub-block). That layout lets
//  - the dense columns' product store whole micro-tiles (kMR rows of Y x one panel) in place;
//  - one posting (j, v) of a sparse column add v * x to every row of the sub-block at once (two
//    AVX2 fused multiply-adds), where a row at a time took one scattered update per row sharing
//    the column; the postings of a column are read once per sub-block, not once per row;
//  - the symmetric case write its mirror (rows j, a sub-block's columns) as one line per row.
// The chunk keeps the tile in L2 (a sub-block's slice in L1). Every cell of the result is written
// exactly once: no zero-fill before, no mirror pass after.
constexpr std::size_t kMidRows = 256;       // Y's rows gathered for every sub-block in turn (their entries in L2)
constexpr std::size_t kChunkCols = 2048;    // double: 1 MB of tile, 128 KB per sub-block (measured: 512 to 16384)
constexpr std::size_t kPrefetchCols = 8;    // postings' first lines asked for this many columns ahead (measured: 3-12)
constexpr std::size_t kBufferAlign = 4096;  // similarity_matrix_buffer's storage: page-aligned

// dst[q] = value(q) for q < count: non-temporal stores (where the CPU has them) for the whole
// 64-byte lines of dst, ordinary ones for a line it covers only in part (streaming stores to part
// of a line go out as partial writes). With the page-aligned result and a row length of whole
// lines, the mirror's runs of a sub-block (8 doubles) are exactly one line each.
template <class T, class F>
inline void stream_run(T* dst, std::size_t count, F value) {
#if defined(__x86_64__)
  constexpr std::size_t kLine = 64 / sizeof(T);
  const std::size_t off = reinterpret_cast<std::uintptr_t>(dst) % 64;
  // The values before dst's first line start (all of them if dst is not even aligned to T).
  const std::size_t head = off % sizeof(T) != 0 ? count : std::min(count, (64 - off) % 64 / sizeof(T));
  const std::size_t body_end = head + (count - head) / kLine * kLine;
  std::size_t q = 0;
  for (; q < head; ++q) dst[q] = value(q);
  for (; q < body_end; ++q) {
    const T v = value(q);
    if constexpr (sizeof(T) == 8) {
      long long bits;
      std::memcpy(&bits, &v, 8);
      _mm_stream_si64(reinterpret_cast<long long*>(dst + q), bits);
    } else {
      int bits;
      std::memcpy(&bits, &v, 4);
      _mm_stream_si32(reinterpret_cast<int*>(dst + q), bits);
    }
  }
  for (; q < count; ++q) dst[q] = value(q);
#else
  for (std::size_t q = 0; q < count; ++q) dst[q] = value(q);
#endif
}

// Streaming stores are weakly ordered: fenced before the part is reported done.
inline void stream_fence() {
#if defined(__x86_64__)
  _mm_sfence();
#endif
}

template <class T>
struct TileWork {
  std::vector<T> tile;                // sub-blocks x kChunkCols x kNR<T>
  std::vector<T> mid;                 // sub-blocks x the mid band's slots x kNR<T>: the part's values, else 0
  std::vector<std::size_t> mid_used;  // per sub-block: its entries in the mid band (0: nothing to gather)
  std::vector<std::int32_t> slot_of;  // per column of X: its slot in the sub-block being listed, or -1
  std::vector<std::size_t> seen;      // the columns whose slot_of is set
  struct Column {
    std::size_t cursor, end;  // the postings not taken yet (the cursor moves chunk by chunk)
  };
  // Per sub-block: its sparse columns in order of first use, and kNR<T> values per column (one
  // per row of the sub-block, 0 where the row lacks the column).
  std::vector<std::vector<Column>> cols;
  std::vector<std::vector<T>> x;
  std::vector<std::uint32_t> order;  // scratch of the sort by column
  std::vector<Column> sorted_cols;
  std::vector<T> sorted_x;
};

template <class T>
class TileWorkPool {
 public:
  std::unique_ptr<TileWork<T>> take() {
    std::lock_guard<std::mutex> g(lock_);
    if (free_.empty()) return std::make_unique<TileWork<T>>();
    auto w = std::move(free_.back());
    free_.pop_back();
    return w;
  }
  void give(std::unique_ptr<TileWork<T>> w) {
    std::lock_guard<std::mutex> g(lock_);
    free_.push_back(std::move(w));
  }

 private:
  std::mutex lock_;
  std::vector<std::unique_ptr<TileWork<T>>> free_;
};

// Writes the n x m result (Y = X when symmetric) into out, row-major, each cell once. dc: the
// dense columns, left = Y's rows, right = X's panels; post: Y's postings of the other columns
// (values as the metric reads them); own: symmetric, each entry's place in its column's postings.
template <class T, class I>
void fill_similarity(const CsrView<T, I>& X, const std::vector<T>& xv, const SimilarityIndex<T>& post,
                     const std::vector<std::size_t>& own, const DenseColumns<T>& dc, const MidColumns& mid,
                     const MidRows<T>& ymid, const std::vector<T>& xn, bool symmetric, int threads, T* out,
                     const std::atomic<bool>* cancel) {
  constexpr std::size_t NR = gemm::kNR<T>, MR = gemm::kMR;
  static_assert(kGemmRows % NR == 0, "a part is whole panels");
  // add_gathered's rows come from MidRows::order, sorted within aligned groups of kGemmRows rows: a
  // run of rows [jm, je) must be whole groups (parts start at multiples of kGemmRows).
  static_assert(kChunkCols % kGemmRows == 0 && kMidRows % kGemmRows == 0, "runs of Y's rows are whole groups");
  const std::size_t n = X.rows, m = post.rows;
  if (n == 0 || m == 0) return;
  const bool jaccard = post.metric == Metric::jaccard;
  const std::size_t parts = (n + kGemmRows - 1) / kGemmRows;
  const std::uint32_t* prow = post.row.data();
  const T* pval = post.value.data();
  TileWorkPool<T> pool;
  parallel_for(parts, threads, [&](std::size_t part) {
    check_cancelled(cancel);
    auto w = pool.take();
    const std::size_t r0 = part * kGemmRows, r1 = std::min(n, r0 + kGemmRows);
    const std::size_t subs = (r1 - r0 + NR - 1) / NR;
    if (w->slot_of.size() != X.cols) {  // -1: a sparse column not listed yet; -2: no postings (dense or empty)
      w->slot_of.resize(X.cols);
      for (std::size_t c = 0; c < X.cols; ++c) w->slot_of[c] = post.start[c] == post.start[c + 1] ? -2 : -1;
    }
    w->cols.resize(subs);
    w->x.resize(subs);
    const std::size_t band = mid.b * NR;  // a sub-block's table
    if (w->mid.size() != (kGemmRows / NR) * band) w->mid.assign((kGemmRows / NR) * band, T(0));
    w->mid_used.assign(subs, 0);
    for (std::size_t s = 0; s < subs; ++s) {  // each sub-block's sparse columns
      auto& cl = w->cols[s];
      auto& xs = w->x[s];
      cl.clear();
      xs.clear();
      const std::size_t s0 = r0 + s * NR, s1 = std::min(r1, s0 + NR);
      for (std::size_t r = s0; r < s1; ++r) {
        for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) {
          const T x = xv[k];
          const auto c = static_cast<std::size_t>(X.indices[k]);
          if (x == T(0)) continue;
          if (mid.b > 0 && mid.slot[c] >= 0) {  // duplicates summed, as below
            w->mid[s * band + static_cast<std::size_t>(mid.slot[c]) * NR + (r - s0)] += x;
            ++w->mid_used[s];
            continue;
          }
          std::int32_t sl = w->slot_of[c];
          if (sl == -2) continue;  // a dense (or empty) column
          if (sl < 0) {
            // The first row of the sub-block with this column (rows ascending, so its first
            // entry there): symmetric, its own posting is the first with a row >= it, and the
            // rows before are the lower triangle.
            sl = static_cast<std::int32_t>(cl.size());
            w->slot_of[c] = sl;
            w->seen.push_back(c);
            cl.push_back({symmetric ? own[k] : post.start[c], post.start[c + 1]});
            xs.resize(xs.size() + NR, T(0));
          }
          xs[static_cast<std::size_t>(sl) * NR + (r - s0)] += x;  // duplicates summed, as SciPy reads them
        }
      }
      for (std::size_t c : w->seen) w->slot_of[c] = -1;
      // Columns ascending: each cell sums its sparse terms in its row's own order (canonical
      // CSR), after the dense product, as top_k_similar does: the same bits in both.
      auto& order = w->order;
      order.resize(cl.size());
      std::iota(order.begin(), order.end(), std::uint32_t{0});
      std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) { return w->seen[a] < w->seen[b]; });
      w->sorted_cols.clear();
      w->sorted_x.clear();
      for (std::uint32_t q : order) {
        w->sorted_cols.push_back(cl[q]);
        w->sorted_x.insert(w->sorted_x.end(), xs.begin() + q * NR, xs.begin() + (q + 1) * NR);
      }
      cl.swap(w->sorted_cols);
      xs.swap(w->sorted_x);
      w->seen.clear();
    }
    // Tile rows of kNR<T> values are one 64-byte cache line each when the tile starts on one.
    w->tile.resize(subs * kChunkCols * NR + 64 / sizeof(T));
    T* tile = w->tile.data();
    tile += (64 - reinterpret_cast<std::uintptr_t>(tile) % 64) % 64 / sizeof(T);
    for (std::size_t j0 = symmetric ? r0 : 0; j0 < m; j0 += kChunkCols) {
      const std::size_t j1 = std::min(m, j0 + kChunkCols);
      // 1. The dense columns' product (or zeros): tile = Y's rows [j0, j1) x the part's panels.
      if (dc.d > 0) {
        alignas(64) T edge[MR * NR];
        for (std::size_t jg = j0; jg < j1; jg += MR) {
          const std::size_t mr = std::min(MR, j1 - jg);
          const T* a[MR];
          for (std::size_t q = 0; q < MR; ++q) a[q] = dc.left.data() + (jg + std::min(q, mr - 1)) * dc.d;
          for (std::size_t s = 0; s < subs; ++s) {
            T* dst = tile + (s * kChunkCols + (jg - j0)) * NR;
            const T* panel = dc.right.panel(r0 / NR + s);
            if (mr == MR) {
              gemm::micro_tile(a, panel, dc.d, dst);
            } else {
              gemm::micro_tile(a, panel, dc.d, edge);
              std::memcpy(dst, edge, mr * NR * sizeof(T));
            }
          }
        }
      } else {
        for (std::size_t s = 0; s < subs; ++s) std::fill_n(tile + s * kChunkCols * NR, (j1 - j0) * NR, T(0));
      }
      // 2. The mid band, Y's rows a run of kMidRows at a time (their entries stay in cache for
      // every sub-block), then the other sparse columns: each sub-block's columns in a fixed order.
      for (std::size_t jm = j0; mid.b > 0 && jm < j1; jm += kMidRows) {
        const std::size_t je = std::min(j1, jm + kMidRows);
        for (std::size_t s = 0; s < subs; ++s)
          if (w->mid_used[s] > 0)
            gemm::add_gathered(tile + (s * kChunkCols + (jm - j0)) * NR, ymid.start.data(), ymid.at.data(),
                               ymid.value.data(), ymid.order.data(), w->mid.data() + s * band, jm, je);
      }
      for (std::size_t s = 0; s < subs; ++s) {
        T* ts = tile + s * kChunkCols * NR;
        auto& cl = w->cols[s];
        const T* xs = w->x[s].data();
        const std::size_t nc = cl.size();
        for (std::size_t q = 0; q < nc; ++q) {
          // Most columns are rare: a call takes a few postings, whose lines are cold (the column's
          // run was last read a chunk ago), and the call's exit branch keeps the CPU from running
          // ahead into the next columns' loads. They are asked for a few columns ahead instead.
          if (q + kPrefetchCols < nc) {
            const std::size_t ahead = cl[q + kPrefetchCols].cursor;
            __builtin_prefetch(prow + ahead);
            __builtin_prefetch(pval + ahead);
          }
          cl[q].cursor = gemm::add_postings(ts, prow, pval, cl[q].cursor, cl[q].end, static_cast<std::uint32_t>(j0),
                                            static_cast<std::uint32_t>(j1), xs + q * NR);
        }
      }
      // 3. Out: the part's rows over [j0, j1) and, symmetric, the mirror (rows j > r, the part's
      // columns); both from the same tile values, so the result is exactly symmetric. Streaming
      // stores: the result is not read again here, so its lines are not fetched first.
      for (std::size_t s = 0; s < subs; ++s) {
        T* ts = tile + s * kChunkCols * NR;
        const std::size_t s0 = r0 + s * NR, rows = std::min(r1, s0 + NR) - s0;
        if (jaccard)
          for (std::size_t j = j0; j < j1; ++j)
            for (std::size_t i = 0; i < rows; ++i) {
              T& v = ts[(j - j0) * NR + i];
              v = jaccard_from_intersection(v, xn[s0 + i], post.set_size[j]);
            }
        for (std::size_t i = 0; i < rows; ++i) {
          const std::size_t r = s0 + i, jb = symmetric ? std::max(j0, r) : j0;
          const T* src = ts + (jb - j0) * NR + i;
          if (jb < j1) stream_run(out + r * m + jb, j1 - jb, [src](std::size_t q) { return src[q * gemm::kNR<T>]; });
        }
        // The mirror: rows j > s0, the sub-block's columns below j (one line a row), while the
        // sub-block's tile is still in L1/L2; rows j in turn across all 8 sub-blocks at the end
        // of the chunk was 5% slower (benchmarks/SIMILARITY.md, round 8).
        if (symmetric)
          for (std::size_t j = std::max(j0, s0 + 1); j < j1; ++j) {
            const T* src = ts + (j - j0) * NR;
            stream_run(out + j * m + s0, std::min(s0 + rows, j) - s0, [src](std::size_t q) { return src[q]; });
          }
      }
    }
    stream_fence();
    if (mid.b > 0)  // the table back to zeros for the next part
      for (std::size_t r = r0; r < r1; ++r)
        for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) {
          const std::int32_t ms = mid.slot[static_cast<std::size_t>(X.indices[k])];
          if (ms >= 0) w->mid[(r - r0) / NR * band + static_cast<std::size_t>(ms) * NR + (r - r0) % NR] = T(0);
        }
    pool.give(std::move(w));
    progress_advance(r1 - r0);
  });
  check_cancelled(cancel);
}

// The whole matrix into out (rows(X) x rows(Y), every cell written); X and Y already checked.
template <class T, class I>
void similarity_into(const CsrView<T, I>& X, const CsrView<T, I>* Yp, const SimilarityConfig& cfg, T* out,
                     const std::atomic<bool>* cancel) {
  const bool symmetric = Yp == nullptr;
  const CsrView<T, I>& Y = symmetric ? X : *Yp;
  const std::size_t n = X.rows;
  const int threads = resolve_n_jobs(cfg.n_jobs);
  const std::vector<T> xv = metric_values(X, cfg.metric);
  const std::vector<T> yv_own = symmetric ? std::vector<T>() : metric_values(Y, cfg.metric);
  const std::vector<T>& yv = symmetric ? xv : yv_own;
  // The product's left operand is Y's rows, X's part is its packed panels (see fill_similarity).
  const DenseColumns<T> dc = dense_columns(X, xv, Y, yv, symmetric, kDenseShare, true);
  const MidColumns mid = mid_columns(X, Y, symmetric, dc.slot);
  const MidRows<T> ymid = mid_rows(Y, yv, mid);
  std::vector<std::int64_t> skip = dc.slot;  // the dense and the mid band's columns have no postings here
  for (std::size_t c = 0; c < skip.size(); ++c)
    if (mid.slot[c] >= 0) skip[c] = mid.slot[c];
  std::vector<std::size_t> own;  // symmetric: each entry's place in its column's postings
  const SimilarityIndex<T> post =
      index_of(Y, yv, cfg.metric, dc.d + mid.b > 0 ? &skip : nullptr, symmetric ? &own : nullptr);
  std::vector<T> xn;  // X's set sizes (Jaccard)
  if (cfg.metric == Metric::jaccard) {
    xn.assign(n, T(0));
    for (std::size_t r = 0; r < n; ++r)
      for (std::size_t k = X.row_begin(r); k < X.row_end(r); ++k) xn[r] += xv[k];
  }
  fill_similarity(X, xv, post, own, dc, mid, ymid, xn, symmetric, threads, out, cancel);
}

// A large result's pages asked for in one call instead of a page fault per 4 KB page as the kernel
// writes (the faults of an 800 MB result were about a sixth of its time in perf on
// benchmarks/similarity_driver.cpp; one populating call costs about a fifth less). A hint only: on
// an older kernel the pages are left to the faults. Huge pages (MADV_HUGEPAGE) were faster when
// the kernel had them ready and up to twice slower when it had to compact memory first: not used.
void prepare_pages(void* p, std::size_t bytes) {
#if defined(__linux__)
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14
#endif
  constexpr std::size_t kMin = std::size_t{32} << 20, kPage = 4096;
  if (bytes < kMin) return;
  const auto b = reinterpret_cast<std::uintptr_t>(p), e = b + bytes;
  const std::uintptr_t pb = (b + kPage - 1) & ~(kPage - 1);
  if (e > pb + kPage) madvise(reinterpret_cast<void*>(pb), (e - pb) & ~(kPage - 1), MADV_POPULATE_WRITE);
#else
  (void)p;
  (void)bytes;
#endif
}

template <class T, class I>
std::size_t checked_cells(const CsrView<T, I>& X, const CsrView<T, I>* Yp, const SimilarityConfig& cfg) {
  const bool symmetric = Yp == nullptr;
  const CsrView<T, I>& Y = symmetric ? X : *Yp;
  check_pair(X, Y, symmetric);
  check_similarity_budget(X.rows, Y.rows, sizeof(T), cfg.memory_budget);
  return X.rows * Y.rows;
}

}  // namespace

template <class T, class I>
std::vector<T> similarity_matrix(const CsrView<T, I>& X, const CsrView<T, I>* Yp, const SimilarityConfig& cfg,
                                 const std::atomic<bool>* cancel) {
  std::vector<T> out(checked_cells(X, Yp, cfg));
  similarity_into(X, Yp, cfg, out.data(), cancel);
  return out;
}

void SimilarityBufferDelete::operator()(void* p) const noexcept {
  ::operator delete[](p, std::align_val_t{kBufferAlign});
}

template <class T, class I>
SimilarityBuffer<T> similarity_matrix_buffer(const CsrView<T, I>& X, const CsrView<T, I>* Yp,
                                             const SimilarityConfig& cfg, const std::atomic<bool>* cancel) {
  // Raw storage, not zero-filled, since every cell is written once; page-aligned, so that rows
  // whose length is a whole number of cache lines start on one (see stream_run).
  const std::size_t cells = checked_cells(X, Yp, cfg);
  SimilarityBuffer<T> out(static_cast<T*>(::operator new[](cells * sizeof(T), std::align_val_t{kBufferAlign})));
  prepare_pages(out.get(), cells * sizeof(T));
  similarity_into(X, Yp, cfg, out.get(), cancel);
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
                    const std::vector<std::size_t>& own, const DenseColumns<T>& dc, const MidColumns& mid,
                    std::size_t k, double threshold, bool symmetric, const SimilarityConfig& cfg,
                    const std::atomic<bool>* cancel) {
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
    gemm::multiply(dc.left.data() + r0 * dc.d, dc.d, r1 - r0, dc.right, c0, m, B.data(), width);
    for (std::size_t r = r0; r < r1; ++r) {
      T* row = B.data() + (r - r0) * width - c0;  // row[j] for j >= c0
      // The mid band's columns first, then the others: the matrix's order (see kMidShare).
      for (int band = mid.b > 0 ? 0 : 1; band < 2; ++band) {
        for (std::size_t q = X.row_begin(r); q < X.row_end(r); ++q) {
          const T x = xv[q];
          if (x == T(0)) continue;
          const auto c = static_cast<std::size_t>(X.indices[q]);
          if ((mid.slot[c] >= 0) != (band == 0)) continue;
          const std::size_t lo = post.start[c], e = post.start[c + 1];
          if (lo == e) continue;  // a dense (or empty) column
          std::size_t b = lo;
          if (symmetric) {  // from row r's own posting: the upper triangle (as similarity_matrix)
            b = own[q];
            while (b > lo && prow[b - 1] == r) --b;
          }
          for (; b < e; ++b) row[prow[b]] += x * pval[b];
        }
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
    return top_k_dense(X, xv, post, own, dc, mid_columns(X, Y, symmetric, dc.slot), k, threshold, symmetric, cfg,
                       cancel);
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
  template SimilarityBuffer<T> similarity_matrix_buffer(const CsrView<T, I>&, const CsrView<T, I>*,              \
                                                        const SimilarityConfig&, const std::atomic<bool>*);      \
  template TopK<T> top_k_similar(const CsrView<T, I>&, const CsrView<T, I>*, std::size_t, double,                \
                                 const SimilarityConfig&, const std::atomic<bool>*);

MEKONG_SIM_INSTANTIATE(float, std::int32_t)
MEKONG_SIM_INSTANTIATE(float, std::int64_t)
MEKONG_SIM_INSTANTIATE(double, std::int32_t)
MEKONG_SIM_INSTANTIATE(double, std::int64_t)
template struct SimilarityIndex<float>;
template struct SimilarityIndex<double>;

}  // namespace mekong
