#include "mekong/dedup/minhash.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <stdexcept>
#include <string>
#include <utility>

#include "mekong/util/parallel.hpp"

namespace mekong {

namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t kFnvOffset = 0xcbf29ce484222325ull;
constexpr std::uint64_t kFnvPrime = 0x100000001b3ull;

inline std::uint64_t fnv_bytes(std::uint64_t h, std::string_view s) {
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnvPrime;
  }
  return h;
}

// Slot values of one shingle key x < 2^32 for every permutation: ((a x + b) mod 2^64) >> 32, computed
// as hi32(a_lo x + b) + a_hi x (mod 2^32) with a = a_hi 2^32 + a_lo, which is the same number and
// needs only 32 x 32 -> 64-bit products: these vectorize (one pmuludq each; with 64-bit keys the
// compiler emulated a 64 x 64 product with three). Slots go in blocks of kSlotBlock whose minima
// stay in registers while every key of the document passes, instead of a load and a store of each
// slot per key.
constexpr std::size_t kSlotBlock = 16;

__attribute__((always_inline)) inline void min_block(const std::uint32_t* keys, std::size_t n,
                                                     const std::uint32_t* a_lo, const std::uint32_t* a_hi,
                                                     const std::uint64_t* b, std::int64_t* out) {
  std::int64_t acc[kSlotBlock];
  for (std::size_t i = 0; i < kSlotBlock; ++i) acc[i] = out[i];
  for (std::size_t s = 0; s < n; ++s) {
    const std::uint64_t x = keys[s];
    for (std::size_t i = 0; i < kSlotBlock; ++i) {
      const std::uint64_t t = static_cast<std::uint64_t>(a_lo[i]) * x + b[i];
      // Values < 2^32, so a signed minimum is the unsigned one (AVX2 has only the signed compare).
      const auto v = static_cast<std::int64_t>(((t >> 32) + static_cast<std::uint64_t>(a_hi[i]) * x) & 0xffffffffull);
      acc[i] = acc[i] < v ? acc[i] : v;
    }
  }
  for (std::size_t i = 0; i < kSlotBlock; ++i) out[i] = acc[i];
}

__attribute__((always_inline)) inline void min_slots_body(const std::uint32_t* keys, std::size_t n,
                                                          const std::uint32_t* a_lo, const std::uint32_t* a_hi,
                                                          const std::uint64_t* b, std::size_t m, std::int64_t* out) {
  std::size_t i = 0;
  for (; i + kSlotBlock <= m; i += kSlotBlock) min_block(keys, n, a_lo + i, a_hi + i, b + i, out + i);
  for (; i < m; ++i) {  // the last num_perm % kSlotBlock slots
    for (std::size_t s = 0; s < n; ++s) {
      const std::uint64_t x = keys[s];
      const std::uint64_t t = static_cast<std::uint64_t>(a_lo[i]) * x + b[i];
      const auto v = static_cast<std::int64_t>(((t >> 32) + static_cast<std::uint64_t>(a_hi[i]) * x) & 0xffffffffull);
      out[i] = out[i] < v ? out[i] : v;
    }
  }
}

// Built for AVX2 and for the baseline; the CPU is asked once at run time, so no -march flag is
// needed. A plain branch rather than target_clones: an ifunc resolver runs before the sanitizers'
// runtimes start, and ThreadSanitizer crashes in it.
#if defined(__GNUC__) && defined(__x86_64__)
__attribute__((target("avx2"))) void min_slots_avx2(const std::uint32_t* keys, std::size_t n, const std::uint32_t* a_lo,
                                                    const std::uint32_t* a_hi, const std::uint64_t* b, std::size_t m,
                                                    std::int64_t* out) {
  min_slots_body(keys, n, a_lo, a_hi, b, m, out);
}
#endif

void min_slots(const std::uint32_t* keys, std::size_t n, const std::uint32_t* a_lo, const std::uint32_t* a_hi,
               const std::uint64_t* b, std::size_t m, std::int64_t* out) {
#if defined(__GNUC__) && defined(__x86_64__)
  static const bool avx2 = __builtin_cpu_supports("avx2");
  if (avx2) return min_slots_avx2(keys, n, a_lo, a_hi, b, m, out);
#endif
  min_slots_body(keys, n, a_lo, a_hi, b, m, out);
}

// Documents split into contiguous parts of about equal bytes, one per thread.
std::vector<std::size_t> document_parts(const RawDocuments& docs, int n_jobs) {
  return balanced_bounds(docs.bytes.size(), static_cast<std::size_t>(resolve_n_jobs(n_jobs)),
                         [&](std::size_t i) { return docs.bytes[i].size(); });
}

struct UnionFind {
  std::vector<std::size_t> parent;
  explicit UnionFind(std::size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), std::size_t{0}); }
  std::size_t find(std::size_t x) {
    while (parent[x] != x) {
      parent[x] = parent[parent[x]];  // path halving
      x = parent[x];
    }
    return x;
  }
  void unite(std::size_t a, std::size_t b) {
    a = find(a);
    b = find(b);
    if (a != b) parent[std::max(a, b)] = std::min(a, b);  // the smaller document is the root
  }
};

}  // namespace

void validate(const MinHashConfig& config) {
  if (config.num_perm == 0) throw std::invalid_argument("num_perm must be >= 1; got 0");
  if (config.shingle == 0) throw std::invalid_argument("shingle must be >= 1; got 0");
}

MinHashPermutations minhash_permutations(std::size_t num_perm, std::uint64_t seed) {
  MinHashPermutations perm;
  perm.a.resize(num_perm);
  perm.b.resize(num_perm);
  perm.a_lo.resize(num_perm);
  perm.a_hi.resize(num_perm);
  std::uint64_t state = seed;
  for (std::size_t i = 0; i < num_perm; ++i) {
    perm.a[i] = splitmix64(state);
    perm.b[i] = splitmix64(state);
    perm.a_lo[i] = static_cast<std::uint32_t>(perm.a[i]);
    perm.a_hi[i] = static_cast<std::uint32_t>(perm.a[i] >> 32);
  }
  return perm;
}

std::uint64_t shingle_hash(const TermBuffer& terms, std::size_t begin, std::size_t end) {
  std::uint64_t h = kFnvOffset;
  for (std::size_t t = begin; t < end; ++t) {
    if (t != begin) h = fnv_bytes(h, " ");
    h = fnv_bytes(h, terms[t]);
  }
  return h;
}

void shingle_values(const TermBuffer& terms, std::size_t shingle, std::vector<std::uint64_t>& out) {
  out.clear();
  const std::size_t n = terms.size();
  if (n == 0) return;
  if (n < shingle) {
    out.push_back(shingle_hash(terms, 0, n));
    return;
  }
  out.reserve(n - shingle + 1);
  for (std::size_t i = 0; i + shingle <= n; ++i) out.push_back(shingle_hash(terms, i, i + shingle));
}

void minhash_signature(const std::vector<std::uint64_t>& shingles, const MinHashPermutations& perm,
                       std::uint64_t* out) {
  const std::size_t m = perm.a.size();
  if (shingles.empty()) {
    std::fill(out, out + m, kEmptySignature);
    return;
  }
  thread_local std::vector<std::uint32_t> keys;
  thread_local std::vector<std::int64_t> slots;
  keys.resize(shingles.size());
  for (std::size_t s = 0; s < shingles.size(); ++s) keys[s] = static_cast<std::uint32_t>(shingle_key(shingles[s]));
  slots.assign(m, std::int64_t{0xffffffff});  // the largest slot value: any shingle's is at most it
  min_slots(keys.data(), keys.size(), perm.a_lo.data(), perm.a_hi.data(), perm.b.data(), m, slots.data());
  for (std::size_t i = 0; i < m; ++i) out[i] = static_cast<std::uint64_t>(slots[i]);
}

MinHashResult minhash_corpus(const RawDocuments& docs, const Analyzer& analyzer, const MinHashConfig& config,
                             bool keep_shingles, const std::atomic<bool>* cancel) {
  validate(config);
  MinHashResult out;
  out.rows = docs.bytes.size();
  out.signatures.resize(out.rows * config.num_perm);
  if (keep_shingles) out.shingles.resize(out.rows);
  const MinHashPermutations perm = minhash_permutations(config.num_perm, config.seed);
  const auto bounds = document_parts(docs, config.n_jobs);
  parallel_for(bounds.size() - 1, resolve_n_jobs(config.n_jobs), [&](std::size_t p) {
    auto worker = analyzer.worker();
    TermBuffer terms;
    std::vector<std::uint64_t> values;
    for (std::size_t d = bounds[p]; d < bounds[p + 1]; ++d) {
      check_cancelled(cancel);  // between documents; the analyzer polls inside each one
      terms.clear();
      worker.analyze(docs.bytes[d], terms, !docs.utf8.empty() && docs.utf8[d]);
      shingle_values(terms, config.shingle, values);
      minhash_signature(values, perm, out.signatures.data() + d * config.num_perm);
      if (keep_shingles) {
        std::sort(values.begin(), values.end());
        values.erase(std::unique(values.begin(), values.end()), values.end());
        out.shingles[d] = values;
      }
    }
  });
  return out;
}

double estimated_jaccard(const std::uint64_t* a, const std::uint64_t* b, std::size_t num_perm) {
  if (num_perm == 0 || a[0] == kEmptySignature || b[0] == kEmptySignature) return 0.0;
  std::size_t equal = 0;
  for (std::size_t i = 0; i < num_perm; ++i) equal += a[i] == b[i];
  return static_cast<double>(equal) / static_cast<double>(num_perm);
}

double exact_jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b) {
  if (a.empty() || b.empty()) return 0.0;
  std::size_t common = 0, i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    if (a[i] < b[j]) {
      ++i;
    } else if (b[j] < a[i]) {
      ++j;
    } else {
      ++common;
      ++i;
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(a.size() + b.size() - common);
}

NearDuplicatePairs near_duplicate_pairs(const std::uint64_t* signatures, std::size_t rows, std::size_t num_perm,
                                        const LshConfig& config,
                                        const std::vector<std::vector<std::uint64_t>>* shingles,
                                        const std::atomic<bool>* cancel) {
  if (config.bands == 0 || config.rows == 0) throw std::invalid_argument("bands and rows must be >= 1");
  if (config.bands * config.rows > num_perm)
    throw std::invalid_argument("bands * rows (" + std::to_string(config.bands * config.rows) + ") exceeds num_perm (" +
                                std::to_string(num_perm) + ")");
  if (!(config.threshold > 0.0 && config.threshold <= 1.0))
    throw std::invalid_argument("threshold must be in (0, 1]; got " + std::to_string(config.threshold));
  if (shingles != nullptr && shingles->size() != rows)
    throw std::invalid_argument("one shingle set per document is needed");
  const int threads = resolve_n_jobs(config.n_jobs);
  const std::size_t r = config.rows;
  auto row = [&](std::size_t d) { return signatures + d * num_perm; };

  std::vector<std::size_t> present;  // documents with shingles; the others are never candidates
  for (std::size_t d = 0; d < rows; ++d)
    if (num_perm > 0 && row(d)[0] != kEmptySignature) present.push_back(d);

  // Each band: documents sorted by their band's slots; runs of equal slots are buckets.
  std::vector<std::vector<std::pair<std::int64_t, std::int64_t>>> band_pairs(config.bands);
  parallel_for(config.bands, threads, [&](std::size_t band) {
    const std::size_t off = band * r;
    std::vector<std::pair<std::uint64_t, std::size_t>> keyed;
    keyed.reserve(present.size());
    for (std::size_t d : present) {
      std::uint64_t h = 0x243f6a8885a308d3ull;
      for (std::size_t s = 0; s < r; ++s) h = (h ^ row(d)[off + s]) * 0x9e3779b97f4a7c15ull + (h >> 29);
      keyed.emplace_back(h, d);
    }
    check_cancelled(cancel);
    std::sort(keyed.begin(), keyed.end());
    auto& out = band_pairs[band];
    for (std::size_t i = 0; i < keyed.size();) {
      std::size_t j = i + 1;
      while (j < keyed.size() && keyed[j].first == keyed[i].first) ++j;
      for (std::size_t x = i; x < j; ++x) {
        check_cancelled(cancel);
        for (std::size_t y = x + 1; y < j; ++y) {
          const std::size_t dx = keyed[x].second, dy = keyed[y].second;  // dx < dy: sorted by (key, doc)
          // The key is a hash of the band: equal slots are checked, so a key collision is no candidate.
          if (std::memcmp(row(dx) + off, row(dy) + off, r * sizeof(std::uint64_t)) == 0)
            out.emplace_back(static_cast<std::int64_t>(dx), static_cast<std::int64_t>(dy));
        }
      }
      i = j;
    }
  });
  std::vector<std::pair<std::int64_t, std::int64_t>> candidates;
  for (auto& b : band_pairs) {
    candidates.insert(candidates.end(), b.begin(), b.end());
    b = {};
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());

  // Scores of every candidate, in contiguous parts (the order, hence the result, is fixed).
  std::vector<double> est(candidates.size()), exact(shingles ? candidates.size() : 0);
  const auto parts =
      balanced_bounds(candidates.size(), static_cast<std::size_t>(threads), [](std::size_t) { return std::size_t{1}; });
  parallel_for(parts.size() - 1, threads, [&](std::size_t p) {
    for (std::size_t c = parts[p]; c < parts[p + 1]; ++c) {
      if ((c & 1023) == 0) check_cancelled(cancel);
      const auto [i, j] = candidates[c];
      est[c] = estimated_jaccard(row(static_cast<std::size_t>(i)), row(static_cast<std::size_t>(j)), num_perm);
      if (shingles) exact[c] = exact_jaccard((*shingles)[i], (*shingles)[j]);
    }
  });

  NearDuplicatePairs out;
  UnionFind uf(rows);
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    const double score = shingles ? exact[c] : est[c];
    if (score < config.threshold) continue;
    out.first.push_back(candidates[c].first);
    out.second.push_back(candidates[c].second);
    out.estimated.push_back(est[c]);
    if (shingles) out.exact.push_back(exact[c]);
    uf.unite(static_cast<std::size_t>(candidates[c].first), static_cast<std::size_t>(candidates[c].second));
  }
  // Labels: components of two or more documents, numbered in the order of their smallest document.
  std::vector<std::size_t> size(rows, 0);
  for (std::size_t d = 0; d < rows; ++d) ++size[uf.find(d)];
  out.labels.assign(rows, -1);
  std::vector<std::int64_t> label_of_root(rows, -1);
  for (std::size_t d = 0; d < rows; ++d) {
    const std::size_t root = uf.find(d);
    if (size[root] < 2) continue;
    if (label_of_root[root] < 0) label_of_root[root] = static_cast<std::int64_t>(out.groups++);
    out.labels[d] = label_of_root[root];
  }
  return out;
}

}  // namespace mekong
