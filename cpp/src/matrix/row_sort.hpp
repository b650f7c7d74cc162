// Putting each CSR row's columns in ascending order, for the count and hashing stages (private to
// cpp/src/matrix/). The rows of a corpus hold a few hundred entries each in the order terms were met;
// a comparison sort per row cost the hashing stage a quarter of its time. Here rows are taken in
// chunks of at most kChunk entries (so the working arrays stay in the L2 cache) and each chunk is
// LSD-radix-sorted by column, a few bits per pass; the sort is stable, so entries meet `emit` in
// column order and, within one column, in row order. The caller writes each entry to its row.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace mekong::detail {

struct RowSorter {
  static constexpr std::size_t kChunk = std::size_t{1} << 15;
  std::vector<std::uint64_t> keys, spare;  // column << 32 | entry index within the chunk
  std::vector<std::uint32_t> row_of;       // entry index within the chunk -> row
  std::vector<std::uint32_t> count;
  std::size_t chunk_begin = 0;  // the first entry of the chunk being sorted (for column and emit)

  // Rows [0, n_rows): row r's entries are [row_at[r], row_at[r + 1]). column(k) gives entry k's
  // column (< cols), or a negative value to leave the entry out. emit(row, k, column) is called for
  // every kept entry, ascending by column within each row.
  template <class Column, class Emit>
  void sort(std::size_t n_rows, const std::size_t* row_at, std::uint64_t cols, Column&& column, Emit&& emit) {
    const int bits = cols > 1 ? static_cast<int>(std::bit_width(cols - 1)) : 0;
    const int passes = (bits + 10) / 11;  // digits of at most 11 bits
    const int digit = passes ? (bits + passes - 1) / passes : 0;
    count.resize(std::size_t{1} << digit);
    for (std::size_t c0 = 0; c0 < n_rows;) {
      std::size_t c1 = c0 + 1;
      while (c1 < n_rows && row_at[c1 + 1] - row_at[c0] <= kChunk && c1 - c0 < 0xFFFFFFFFu) ++c1;
      const std::size_t k0 = row_at[c0], n = row_at[c1] - k0;
      chunk_begin = k0;
      keys.resize(n);
      row_of.resize(n);
      std::size_t kept = 0;
      for (std::size_t r = c0; r < c1; ++r)
        for (std::size_t k = row_at[r]; k < row_at[r + 1]; ++k) {
          const auto c = column(k);
          if (c < 0) continue;
          row_of[k - k0] = static_cast<std::uint32_t>(r);
          keys[kept++] = static_cast<std::uint64_t>(c) << 32 | (k - k0);
        }
      spare.resize(kept);
      for (int p = 0; p < passes; ++p) {
        const int shift = 32 + p * digit;
        const std::uint64_t mask = (std::uint64_t{1} << digit) - 1;
        std::fill(count.begin(), count.end(), 0u);
        for (std::size_t i = 0; i < kept; ++i) ++count[(keys[i] >> shift) & mask];
        std::uint32_t sum = 0;
        for (std::uint32_t& c : count) {
          const std::uint32_t here = c;
          c = sum;
          sum += here;
        }
        for (std::size_t i = 0; i < kept; ++i) spare[count[(keys[i] >> shift) & mask]++] = keys[i];
        keys.swap(spare);
      }
      for (std::size_t i = 0; i < kept; ++i) {
        const std::uint64_t key = keys[i];
        const std::size_t at = static_cast<std::uint32_t>(key);
        emit(static_cast<std::size_t>(row_of[at]), k0 + at, static_cast<std::int64_t>(key >> 32));
      }
      c0 = c1;
    }
  }
};

}  // namespace mekong::detail
