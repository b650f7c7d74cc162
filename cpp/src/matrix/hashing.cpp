#include "mekong/matrix/hashing.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "mekong/util/parallel.hpp"

namespace mekong {

std::int32_t murmurhash3_32(std::string_view key, std::uint32_t seed) {
  // Austin Appleby's MurmurHash3_x86_32 (public domain), as vendored by scikit-learn.
  const auto* data = reinterpret_cast<const std::uint8_t*>(key.data());
  const std::size_t len = key.size();
  const std::size_t nblocks = len / 4;
  std::uint32_t h1 = seed;
  constexpr std::uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  auto rotl = [](std::uint32_t x, int r) { return (x << r) | (x >> (32 - r)); };
  for (std::size_t i = 0; i < nblocks; ++i) {
    std::uint32_t k1;
    std::memcpy(&k1, data + i * 4, 4);  // little-endian, as on every platform scikit-learn ships
    k1 *= c1;
    k1 = rotl(k1, 15);
    k1 *= c2;
    h1 ^= k1;
    h1 = rotl(h1, 13);
    h1 = h1 * 5 + 0xe6546b64;
  }
  const std::uint8_t* tail = data + nblocks * 4;
  std::uint32_t k1 = 0;
  switch (len & 3) {
    case 3:
      k1 ^= static_cast<std::uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k1 ^= static_cast<std::uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k1 ^= tail[0];
      k1 *= c1;
      k1 = rotl(k1, 15);
      k1 *= c2;
      h1 ^= k1;
  }
  h1 ^= static_cast<std::uint32_t>(len);
  h1 ^= h1 >> 16;
  h1 *= 0x85ebca6b;
  h1 ^= h1 >> 13;
  h1 *= 0xc2b2ae35;
  h1 ^= h1 >> 16;
  return static_cast<std::int32_t>(h1);
}

namespace {
struct PartRows {
  std::vector<std::size_t> row_sizes;
  std::vector<std::int32_t> indices;
  std::vector<double> data;
};
}  // namespace

Csr<double> hash_terms(const TermSource& source, const HashingConfig& config, const std::atomic<bool>* cancel) {
  if (config.n_features < 1) throw std::invalid_argument("n_features must be a positive integer");
  const int threads = resolve_n_jobs(config.n_jobs);
  std::size_t total = 0;
  for (std::size_t d = 0; d < source.size() && total < (1u << 20); ++d) total += source.weight(d);
  const std::size_t want = total < (1u << 20) ? 1 : static_cast<std::size_t>(threads);  // small: one part
  const auto bounds = balanced_bounds(source.size(), want, [&](std::size_t d) { return source.weight(d); });
  const std::size_t n_parts = bounds.size() - 1;
  std::vector<PartRows> parts(n_parts);
  parallel_for(n_parts, threads, [&](std::size_t p) {
    auto reader = source.reader();
    TermBuffer terms;
    std::vector<std::uint64_t> row;  // column << 1 | negative: one integer sort per row
    PartRows& out = parts[p];
    for (std::size_t doc = bounds[p]; doc < bounds[p + 1]; ++doc) {
      check_cancelled(cancel);
      reader->terms(doc, terms);
      progress_advance(1);
      row.clear();
      row.reserve(terms.size());
      for (std::size_t t = 0; t < terms.size(); ++t) {
        const std::int32_t h = murmurhash3_32(terms[t]);
        const auto col = static_cast<std::uint64_t>(hashed_column(h, config.n_features));
        row.push_back(col << 1 | (config.alternate_sign && h < 0 ? 1u : 0u));
      }
      std::sort(row.begin(), row.end());
      const std::size_t start = out.indices.size();
      for (std::size_t k = 0; k < row.size();) {
        const auto col = static_cast<std::int32_t>(row[k] >> 1);
        double v = 0;
        for (; k < row.size() && static_cast<std::int32_t>(row[k] >> 1) == col; ++k) v += (row[k] & 1) ? -1.0 : 1.0;
        out.indices.push_back(col);
        out.data.push_back(v);
      }
      out.row_sizes.push_back(out.indices.size() - start);
    }
  });
  check_cancelled(cancel);
  Csr<double> m;
  m.rows = source.size();
  m.cols = static_cast<std::size_t>(config.n_features);
  m.indptr.assign(1, 0);
  m.indptr.reserve(m.rows + 1);
  std::size_t nnz = 0;
  for (const PartRows& p : parts) nnz += p.indices.size();
  m.indices.reserve(nnz);
  m.data.reserve(nnz);
  for (PartRows& p : parts) {
    for (std::size_t s : p.row_sizes) m.indptr.push_back(m.indptr.back() + static_cast<std::int64_t>(s));
    m.indices.insert(m.indices.end(), p.indices.begin(), p.indices.end());
    m.data.insert(m.data.end(), p.data.begin(), p.data.end());
    p = PartRows{};
  }
  return m;
}

}  // namespace mekong
