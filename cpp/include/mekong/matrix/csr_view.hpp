// A read-only view of CSR arrays owned elsewhere (NumPy, or a Csr<T>), for the weight and similarity
// stages. I is the index type (int32 or int64), T the value type.
#pragma once

#include <cstddef>

namespace mekong {

template <class T, class I>
struct CsrView {
  const I* indptr = nullptr;  // rows + 1
  const I* indices = nullptr;
  const T* data = nullptr;
  std::size_t rows = 0;
  std::size_t cols = 0;

  std::size_t row_begin(std::size_t r) const { return static_cast<std::size_t>(indptr[r]); }
  std::size_t row_end(std::size_t r) const { return static_cast<std::size_t>(indptr[r + 1]); }
  std::size_t nnz() const { return rows ? static_cast<std::size_t>(indptr[rows]) : 0; }
};

}  // namespace mekong
