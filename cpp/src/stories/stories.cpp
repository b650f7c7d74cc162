#include "mekong/stories/stories.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <queue>
#include <stdexcept>
#include <string>
#include <utility>

#include "mekong/util/parallel.hpp"

namespace mekong {

void validate_neighbours(const NeighbourLists& nb) {
  if (nb.index.size() != nb.rows * nb.k || nb.score.size() != nb.rows * nb.k)
    throw std::invalid_argument("neighbour lists must hold rows x k indices and scores");
  for (std::size_t i = 0; i < nb.rows; ++i)
    for (std::size_t q = 0; q < nb.k; ++q) {
      const std::int64_t j = nb.index[i * nb.k + q];
      if (j < -1 || j >= static_cast<std::int64_t>(nb.rows) || j == static_cast<std::int64_t>(i))
        throw std::invalid_argument("neighbour index " + std::to_string(j) + " of row " + std::to_string(i) +
                                    " is out of range (-1 pads; a row is not its own neighbour)");
    }
}

namespace {

inline bool listed(const NeighbourLists& nb, std::size_t i, std::size_t q) {
  return nb.index[i * nb.k + q] >= 0 && std::isfinite(nb.score[i * nb.k + q]);
}

// Row i's profile: (document, weight) sorted by document, itself with weight 1.
void profile(const NeighbourLists& nb, std::size_t i, std::vector<std::pair<std::int64_t, double>>& out) {
  out.clear();
  out.emplace_back(static_cast<std::int64_t>(i), 1.0);
  for (std::size_t q = 0; q < nb.k; ++q)
    if (listed(nb, i, q)) out.emplace_back(nb.index[i * nb.k + q], std::max(0.0, nb.score[i * nb.k + q]));
  std::sort(out.begin(), out.end());
}

}  // namespace

// Each row's listed scores re-sorted best first (ties: lower index), padding last.
static void sort_rows(NeighbourLists& nb, std::vector<std::pair<double, std::int64_t>>& row, std::size_t i) {
  std::sort(row.begin(), row.end(),
            [](const auto& a, const auto& b) { return a.first != b.first ? a.first > b.first : a.second < b.second; });
  for (std::size_t q = 0; q < nb.k; ++q) {
    nb.index[i * nb.k + q] = q < row.size() ? row[q].second : -1;
    nb.score[i * nb.k + q] = q < row.size() ? row[q].first : std::numeric_limits<double>::quiet_NaN();
  }
}

NeighbourLists rerank_neighbours(const NeighbourLists& nb, int n_jobs, const std::atomic<bool>* cancel) {
  validate_neighbours(nb);
  const std::size_t n = nb.rows, k = nb.k;
  NeighbourLists out = nb;
  if (n == 0 || k == 0) return out;
  const int threads = resolve_n_jobs(n_jobs);
  const std::size_t block = 512, parts = (n + block - 1) / block;
  parallel_for(parts, threads, [&](std::size_t part) {
    check_cancelled(cancel);
    std::vector<std::pair<std::int64_t, double>> pi, pj;
    std::vector<std::pair<double, std::int64_t>> row;
    for (std::size_t i = part * block; i < std::min(n, (part + 1) * block); ++i) {
      profile(nb, i, pi);
      row.clear();
      for (std::size_t q = 0; q < k; ++q) {
        if (!listed(nb, i, q)) continue;
        const std::int64_t j = nb.index[i * k + q];
        profile(nb, static_cast<std::size_t>(j), pj);
        // The profiles over third documents: i and j themselves are left out of both.
        double d = 0.0, ni = 0.0, nj = 0.0;
        for (const auto& [m, w] : pi)
          if (m != j && m != static_cast<std::int64_t>(i)) ni += w * w;
        for (const auto& [m, w] : pj)
          if (m != j && m != static_cast<std::int64_t>(i)) nj += w * w;
        std::size_t x = 0, y = 0;
        while (x < pi.size() && y < pj.size()) {
          if (pi[x].first < pj[y].first)
            ++x;
          else if (pj[y].first < pi[x].first)
            ++y;
          else {
            if (pi[x].first != j && pi[x].first != static_cast<std::int64_t>(i)) d += pi[x].second * pj[y].second;
            ++x, ++y;
          }
        }
        // No third neighbour on either side: no evidence either way, the plain score stands.
        const double c = ni > 0.0 && nj > 0.0 ? d / std::sqrt(ni * nj) : (ni == 0.0 && nj == 0.0 ? 1.0 : 0.0);
        row.emplace_back(std::max(0.0, nb.score[i * k + q]) * 0.5 * (1.0 + c), j);
      }
      sort_rows(out, row, i);
      progress_advance(1);
    }
  });
  check_cancelled(cancel);
  return out;
}

SparseRows prune_rows(const std::int64_t* indptr, const std::int64_t* indices, const double* data, std::size_t rows,
                      std::size_t cols, std::size_t m) {
  SparseRows out;
  out.rows = rows;
  out.cols = cols;
  out.indptr.assign(rows + 1, 0);
  std::vector<std::pair<double, std::int64_t>> row;
  for (std::size_t r = 0; r < rows; ++r) {
    row.clear();
    for (std::int64_t q = indptr[r]; q < indptr[r + 1]; ++q) {
      if (indices[q] < 0 || static_cast<std::size_t>(indices[q]) >= cols)
        throw std::invalid_argument("column index out of range in row " + std::to_string(r));
      if (data[q] != 0.0) row.emplace_back(std::fabs(data[q]), q);
    }
    const std::size_t keep = std::min(m, row.size());
    auto heavier = [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : indices[a.second] < indices[b.second];
    };
    std::partial_sort(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(keep), row.end(), heavier);
    std::sort(row.begin(), row.begin() + static_cast<std::ptrdiff_t>(keep),
              [&](const auto& a, const auto& b) { return indices[a.second] < indices[b.second]; });
    for (std::size_t q = 0; q < keep; ++q) {
      out.indices.push_back(indices[row[q].second]);
      out.data.push_back(data[row[q].second]);
    }
    out.indptr[r + 1] = static_cast<std::int64_t>(out.indices.size());
  }
  return out;
}

NeighbourLists rescore_cosine(const NeighbourLists& nb, const std::int64_t* indptr, const std::int64_t* indices,
                              const double* data, std::size_t cols, int n_jobs, const std::atomic<bool>* cancel) {
  validate_neighbours(nb);
  const std::size_t n = nb.rows, k = nb.k;
  for (std::size_t q = 0; q < (n ? static_cast<std::size_t>(indptr[n]) : 0); ++q)
    if (indices[q] < 0 || static_cast<std::size_t>(indices[q]) >= cols)
      throw std::invalid_argument("column index out of range");
  std::vector<double> norm(n, 0.0);
  for (std::size_t r = 0; r < n; ++r) {
    double s = 0.0;
    for (std::int64_t q = indptr[r]; q < indptr[r + 1]; ++q) s += data[q] * data[q];
    norm[r] = std::sqrt(s);
  }
  NeighbourLists out = nb;
  const int threads = resolve_n_jobs(n_jobs);
  const std::size_t block = 256, parts = (n + block - 1) / block;
  parallel_for(parts, threads, [&](std::size_t part) {
    check_cancelled(cancel);
    std::vector<double> dense(cols, 0.0);  // row i scattered; only its own entries are reset
    std::vector<std::pair<double, std::int64_t>> row;
    for (std::size_t i = part * block; i < std::min(n, (part + 1) * block); ++i) {
      for (std::int64_t q = indptr[i]; q < indptr[i + 1]; ++q) dense[static_cast<std::size_t>(indices[q])] += data[q];
      row.clear();
      for (std::size_t p = 0; p < k; ++p) {
        if (!listed(nb, i, p)) continue;
        const auto j = static_cast<std::size_t>(nb.index[i * k + p]);
        double d = 0.0;
        for (std::int64_t q = indptr[j]; q < indptr[j + 1]; ++q)
          d += dense[static_cast<std::size_t>(indices[q])] * data[q];
        row.emplace_back(norm[i] > 0 && norm[j] > 0 ? d / (norm[i] * norm[j]) : 0.0, nb.index[i * k + p]);
      }
      for (std::int64_t q = indptr[i]; q < indptr[i + 1]; ++q) dense[static_cast<std::size_t>(indices[q])] = 0.0;
      sort_rows(out, row, i);
      progress_advance(1);
    }
  });
  check_cancelled(cancel);
  return out;
}

double calibrate_threshold(const NeighbourLists& nb, double floor, std::size_t bins) {
  if (bins < 2) throw std::invalid_argument("bins must be at least 2");
  double top = 0.0;
  std::size_t count = 0;
  for (std::size_t i = 0; i < nb.rows * nb.k; ++i)
    if (nb.index[i] >= 0 && std::isfinite(nb.score[i]) && nb.score[i] > 0.0) {
      top = std::max(top, nb.score[i]);
      ++count;
    }
  if (count < 2 || !(top > 0.0)) return 1.0;
  std::vector<double> hist(bins, 0.0);
  for (std::size_t i = 0; i < nb.rows * nb.k; ++i)
    if (nb.index[i] >= 0 && std::isfinite(nb.score[i]) && nb.score[i] > 0.0) {
      const double v = nb.score[i];
      hist[std::min(bins - 1, static_cast<std::size_t>(v / top * static_cast<double>(bins)))] += 1.0;
    }
  // Otsu: the cut after bin t maximising w0 w1 (mu0 - mu1)^2, with bin centres as values.
  const double width = top / static_cast<double>(bins);
  double total_sum = 0.0;
  for (std::size_t b = 0; b < bins; ++b) total_sum += hist[b] * (static_cast<double>(b) + 0.5) * width;
  // Cuts inside an empty stretch of bins score alike (up to rounding): take the middle of the
  // stretch of best cuts, so that the cut sits in the middle of the gap between the populations.
  std::vector<double> between(bins, -1.0);
  double w0 = 0.0, sum0 = 0.0, best = -1.0;
  for (std::size_t b = 0; b + 1 < bins; ++b) {
    w0 += hist[b];
    sum0 += hist[b] * (static_cast<double>(b) + 0.5) * width;
    const double w1 = static_cast<double>(count) - w0;
    if (w0 == 0.0 || w1 == 0.0) continue;
    const double d = sum0 / w0 - (total_sum - sum0) / w1;
    between[b] = w0 * w1 * d * d;
    best = std::max(best, between[b]);
  }
  std::size_t lo = bins, hi = 0;
  for (std::size_t b = 0; b + 1 < bins; ++b)
    if (between[b] >= best * (1.0 - 1e-9)) {
      lo = std::min(lo, b);
      hi = std::max(hi, b);
    }
  const std::size_t cut = lo + (hi - lo) / 2;
  const double threshold = static_cast<double>(cut + 1) * width;  // the upper edge of the last low bin
  return std::min(std::max(threshold, floor), std::nextafter(1.0, 0.0));
}

std::vector<std::int64_t> story_linkage(const NeighbourLists& nb, const LinkageConfig& cfg,
                                        const std::atomic<bool>* cancel) {
  validate_neighbours(nb);
  if (!std::isfinite(cfg.threshold)) throw std::invalid_argument("threshold must be a finite number");
  const std::size_t n = nb.rows, k = nb.k;
  const bool windowed = cfg.dates != nullptr && cfg.window > 0.0;
  if (windowed && cfg.dates->size() != n) throw std::invalid_argument("dates must hold one value per row");
  auto too_far = [&](std::size_t i, std::size_t j) {
    if (!windowed) return false;
    const double a = (*cfg.dates)[i], b = (*cfg.dates)[j];
    return std::isfinite(a) && std::isfinite(b) && std::fabs(a - b) > cfg.window;
  };
  // links[g][h] = sum of similarities between the members of groups g and h.
  std::vector<std::map<std::size_t, double>> links(n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t q = 0; q < k; ++q) {
      if (!listed(nb, i, q)) continue;
      const auto j = static_cast<std::size_t>(nb.index[i * k + q]);
      const double s = nb.score[i * k + q];
      if (too_far(i, j)) continue;
      auto [it, added] = links[i].emplace(j, s);
      if (!added) it->second = std::max(it->second, s);
      auto [jt, jadded] = links[j].emplace(i, s);
      if (!jadded) jt->second = std::max(jt->second, s);
    }
  }
  std::vector<std::size_t> size(n, 1), version(n, 0), first(n), parent(n);
  std::iota(first.begin(), first.end(), 0);  // lowest member: ties go by it, whichever slot survives
  std::iota(parent.begin(), parent.end(), 0);
  std::vector<char> alive(n, 1);
  // Each group's earliest and latest known day. The window bounds a whole story, not only each
  // linked pair: undated articles (or pairs the lists never compare) could otherwise chain two
  // events months apart into one group, every linked pair within the window.
  std::vector<double> earliest(n, INFINITY), latest(n, -INFINITY);
  if (windowed)
    for (std::size_t i = 0; i < n; ++i)
      if (std::isfinite((*cfg.dates)[i])) earliest[i] = latest[i] = (*cfg.dates)[i];
  struct Candidate {
    double average;
    std::size_t lo, hi;  // lowest members of the two groups, lo < hi
    std::size_t a, b, va, vb;
    bool operator<(const Candidate& o) const {  // max-heap: higher average, then lower members
      if (average != o.average) return average < o.average;
      if (lo != o.lo) return lo > o.lo;
      return hi > o.hi;
    }
  };
  std::priority_queue<Candidate> heap;
  auto push = [&](std::size_t a, std::size_t b, double sum) {
    const double avg = sum / (static_cast<double>(size[a]) * static_cast<double>(size[b]));
    if (!(avg > cfg.threshold)) return;
    heap.push({avg, std::min(first[a], first[b]), std::max(first[a], first[b]), a, b, version[a], version[b]});
  };
  for (std::size_t i = 0; i < n; ++i)
    for (const auto& [j, s] : links[i])
      if (i < j) push(i, j, s);
  std::size_t merges = 0;
  while (!heap.empty()) {
    const Candidate c = heap.top();
    heap.pop();
    if (!alive[c.a] || !alive[c.b] || version[c.a] != c.va || version[c.b] != c.vb) continue;
    if ((++merges & 1023) == 0) check_cancelled(cancel);
    // Spans only grow, so a refused pair stays refused until either group changes (and is pushed again).
    if (windowed && std::max(latest[c.a], latest[c.b]) - std::min(earliest[c.a], earliest[c.b]) > cfg.window) continue;
    // The group with the larger link table survives; the other's links move into it.
    std::size_t keep = c.a, gone = c.b;
    if (links[keep].size() < links[gone].size()) std::swap(keep, gone);
    links[keep].erase(gone);
    for (const auto& [d, s] : links[gone]) {
      if (d == keep) continue;
      links[keep][d] += s;
      links[d].erase(gone);
      links[d][keep] += s;
    }
    links[gone].clear();
    alive[gone] = 0;
    parent[gone] = keep;
    size[keep] += size[gone];
    first[keep] = std::min(first[keep], first[gone]);
    earliest[keep] = std::min(earliest[keep], earliest[gone]);
    latest[keep] = std::max(latest[keep], latest[gone]);
    ++version[keep];  // every average with the merged group changed
    for (const auto& [d, s] : links[keep]) push(keep, d, s);
  }
  auto find = [&](std::size_t x) {
    std::size_t r = x;
    while (parent[r] != r) r = parent[r];
    while (parent[x] != r) x = std::exchange(parent[x], r);  // path compression: linear overall
    return r;
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

}  // namespace mekong
