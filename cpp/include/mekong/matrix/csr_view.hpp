// A read-only view of CSR arrays owned elsewhere (NumPy, or a Csr<T>), for the weight and similarity
// stages. I is the index type (int32 or int64), T the value type.
#pragma once

#include <cmath>
#include <cstddef>
#include <stdexcept>
#include <string>

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

// Checks that a view is a well-formed CSR matrix (indptr starts at 0 and never decreases, every
// column index is in range) and, when `finite` is set, that no value is NaN or infinite. Every stage
// that reads a matrix from outside calls it first; throws std::invalid_argument naming `name`.
template <class T, class I>
void validate_csr(const CsrView<T, I>& X, const char* name, bool finite = true) {
  const std::string who(name);
  if (X.rows > 0 && X.indptr[0] != 0) throw std::invalid_argument(who + ": indptr must start at 0");
  for (std::size_t r = 0; r < X.rows; ++r)
    if (X.indptr[r + 1] < X.indptr[r])
      throw std::invalid_argument(who + ": indptr decreases at row " + std::to_string(r));
  for (std::size_t k = 0; k < X.nnz(); ++k) {
    if (X.indices[k] < 0 || static_cast<std::size_t>(X.indices[k]) >= X.cols)
      throw std::invalid_argument(who + ": column index " + std::to_string(static_cast<long long>(X.indices[k])) +
                                  " out of range for " + std::to_string(X.cols) + " columns");
    if (finite && !std::isfinite(X.data[k])) throw std::invalid_argument(who + " contains NaN or infinity");
  }
}

}  // namespace mekong
