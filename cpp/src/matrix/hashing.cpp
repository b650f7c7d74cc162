#include "mekong/matrix/hashing.hpp"

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <vector>

#include "mekong/util/interner.hpp"
#include "mekong/util/parallel.hpp"
#include "row_sort.hpp"
#include "term_table.hpp"

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
    // Each distinct term is hashed once (memo: term -> slot -> column << 1 | negative) and each row
    // keeps one entry per distinct term with its count; the rows are then radix-sorted by column
    // and terms that collide in a column are summed.
    std::unique_ptr<TermSource::Reader> reader;
    detail::TermTable memo;
    std::vector<std::uint32_t> ids;
    // Per term: its column << 1 | negative, the last document it was seen in and its place in that
    // row; one struct, so a token's check reads one cache line (a rare term's entry is a miss).
    struct Seen {
      std::uint32_t code = 0;
      std::uint32_t stamp = Interner::npos;
      std::uint32_t slot = 0;
    };
    std::vector<Seen> seen;
    struct Memo {
      detail::TermTable* memo;
      std::vector<Seen>* seen;
      const HashingConfig* config;
    } ctx{&memo, &seen, &config};
    // A new term's entry, appended to `seen` at its id.
    auto code_of = [](const Memo& m, std::string_view term) {
      const std::int32_t h = murmurhash3_32(term);
      const auto col = static_cast<std::uint32_t>(hashed_column(h, m.config->n_features));
      m.seen->push_back({col << 1 | (m.config->alternate_sign && h < 0 ? 1u : 0u), Interner::npos, 0});
    };
    TermResolver resolve{[](void* c, std::string_view term) {
                           auto& m = *static_cast<Memo*>(c);
                           bool added = false;
                           const std::uint32_t id = m.memo->intern(term, &added);
                           if (added) decltype(code_of){}(m, term);
                           return id;
                         },
                         &ctx};
    resolve.fn_all = [](void* c, const TermBuffer& terms, std::vector<std::uint32_t>& ids) {
      auto& m = *static_cast<Memo*>(c);
      m.memo->intern_all(terms, ids, [&](std::string_view term) { decltype(code_of){}(m, term); });
    };
    // Per row, one entry per distinct term: its column and its signed count. They have the output's
    // types, so the rows are sorted in place and the buffers become the part's matrix.
    std::vector<std::int32_t> entry_col;
    std::vector<double> entry_value;
    std::vector<std::size_t> row_at{0};
    row_at.reserve(bounds[p + 1] - bounds[p] + 1);
    std::size_t bytes = 0;  // room for about one entry per 8 bytes, as the count stage reserves
    for (std::size_t doc = bounds[p]; doc < bounds[p + 1]; ++doc) bytes += source.weight(doc);
    entry_col.reserve(bytes / 8);
    entry_value.reserve(bytes / 8);
    for (std::size_t doc = bounds[p]; doc < bounds[p + 1]; ++doc) {
      check_cancelled(cancel);
      if (!reader || memo.size() >= std::max<std::size_t>(config.memo_terms, 1)) {
        // A reader may remember ids it was given (char_wb does), so a fresh memo needs a fresh reader.
        reader = source.reader();
        memo = detail::TermTable();
        seen.clear();
      }
      reader->term_ids(doc, resolve, ids);
      progress_advance(1);
      const std::size_t row_start = entry_col.size();
      const auto stamp = static_cast<std::uint32_t>(doc - bounds[p]);
      constexpr std::size_t kAhead = 8;  // rare terms' entries are out of the cache: ask for them early
      for (std::size_t k = 0; k < ids.size(); ++k) {
        if (k + kAhead < ids.size()) __builtin_prefetch(&seen[ids[k + kAhead]]);
        Seen& s = seen[ids[k]];  // every id has its entry: code_of appended it when the term was new
        const double sign = (s.code & 1) ? -1.0 : 1.0;
        if (s.stamp == stamp) {
          entry_value[row_start + s.slot] += sign;
        } else {
          s.stamp = stamp;
          s.slot = static_cast<std::uint32_t>(entry_col.size() - row_start);
          entry_col.push_back(static_cast<std::int32_t>(s.code >> 1));
          entry_value.push_back(sign);
        }
      }
      row_at.push_back(entry_col.size());
    }
    const std::size_t nrows = row_at.size() - 1;
    PartRows& out = parts[p];
    out.indices = std::move(entry_col);
    out.data = std::move(entry_value);
    std::vector<std::size_t> fill(row_at.begin(), row_at.end() - 1);
    // A chunk's emits overwrite entries of the same chunk still to be read: its values are copied
    // aside while its keys are made (every column() of a chunk comes before its first emit).
    std::vector<double> chunk_values;
    detail::RowSorter sorter;
    sorter.sort(
        nrows, row_at.data(), static_cast<std::uint64_t>(config.n_features),
        [&](std::size_t k) {
          const std::size_t at = k - sorter.chunk_begin;
          if (at >= chunk_values.size()) chunk_values.resize(std::max(at + 1, 2 * chunk_values.size()));
          chunk_values[at] = out.data[k];
          return std::int64_t{out.indices[k]};
        },
        [&](std::size_t r, std::size_t k, std::int64_t c) {
          const double v = chunk_values[k - sorter.chunk_begin];
          std::size_t& at = fill[r];
          if (at > row_at[r] && out.indices[at - 1] == static_cast<std::int32_t>(c)) {
            out.data[at - 1] += v;  // another term in the same column
          } else {
            out.indices[at] = static_cast<std::int32_t>(c);
            out.data[at++] = v;
          }
        });
    // Close the gaps that collisions left, row by row.
    std::size_t w = 0;
    out.row_sizes.resize(nrows);
    for (std::size_t r = 0; r < nrows; ++r) {
      const std::size_t n = fill[r] - row_at[r];
      if (w != row_at[r])
        for (std::size_t k = 0; k < n; ++k) {
          out.indices[w + k] = out.indices[row_at[r] + k];
          out.data[w + k] = out.data[row_at[r] + k];
        }
      w += n;
      out.row_sizes[r] = n;
    }
    out.indices.resize(w);
    out.data.resize(w);
    if (out.indices.capacity() > w + w / 4 + 1024) {  // the reserve was generous: keep no more than used
      out.indices.shrink_to_fit();
      out.data.shrink_to_fit();
    }
    if (config.binary) std::fill(out.data.begin(), out.data.end(), 1.0);
    if (config.norm != Norm::none) {  // rows are whole within a part: normalized here, in parallel
      std::vector<std::int64_t> at(nrows + 1, 0);
      for (std::size_t r = 0; r < nrows; ++r) at[r + 1] = at[r] + static_cast<std::int64_t>(out.row_sizes[r]);
      normalize_rows(at.data(), nrows, out.data.data(), config.norm);
    }
  });
  check_cancelled(cancel);
  Csr<double> m;
  m.rows = source.size();
  m.cols = static_cast<std::size_t>(config.n_features);
  m.indptr.assign(1, 0);
  m.indptr.reserve(m.rows + 1);
  if (n_parts == 1) {  // one part is the whole matrix: its buffers are moved, not copied
    for (std::size_t sz : parts[0].row_sizes) m.indptr.push_back(m.indptr.back() + static_cast<std::int64_t>(sz));
    m.indices = std::move(parts[0].indices);
    m.data = std::move(parts[0].data);
    return m;
  }
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
