// A CSR matrix in plain vectors, so the binding can move each buffer to NumPy without a copy.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <numeric>
#include <utility>
#include <vector>

namespace mekong {

template <class T>
struct Csr {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<std::int64_t> indptr{0};  // rows + 1 entries
  std::vector<std::int32_t> indices;    // sorted within each row
  std::vector<T> data;

  std::size_t nnz() const { return indices.size(); }
};

// Sorts the entries of one row [b, e) by column index.
template <class T>
void sort_row(std::int32_t* idx, T* val, std::size_t n) {
  if (n < 2) return;
  bool sorted = true;
  for (std::size_t k = 1; k < n && sorted; ++k) sorted = idx[k - 1] < idx[k];
  if (sorted) return;
  if (n <= 16) {  // insertion sort: rows are short
    for (std::size_t k = 1; k < n; ++k) {
      const std::int32_t ci = idx[k];
      const T cv = val[k];
      std::size_t j = k;
      for (; j > 0 && idx[j - 1] > ci; --j) {
        idx[j] = idx[j - 1];
        val[j] = val[j - 1];
      }
      idx[j] = ci;
      val[j] = cv;
    }
    return;
  }
  thread_local std::vector<std::pair<std::int32_t, T>> scratch;
  scratch.resize(n);
  for (std::size_t k = 0; k < n; ++k) scratch[k] = {idx[k], val[k]};
  std::sort(scratch.begin(), scratch.end(),
            [](const std::pair<std::int32_t, T>& a, const std::pair<std::int32_t, T>& b) { return a.first < b.first; });
  for (std::size_t k = 0; k < n; ++k) {
    idx[k] = scratch[k].first;
    val[k] = scratch[k].second;
  }
}

}  // namespace mekong
