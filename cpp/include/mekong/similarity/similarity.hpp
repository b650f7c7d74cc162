// Stage 8, similarity: dense similarity matrices, top-k neighbours and a fitted index for queries
// over CSR rows. Story groups over the neighbours are the next stage (mekong/stories/).
//
// Both kernels walk an inverted index of Y (the columns as lists of (row, value)) and accumulate
// each row of X against it into a dense buffer: the work is proportional to the shared terms, not
// to N x M. The symmetric case (Y = X) computes one triangle and mirrors it. Each output value is
// summed in the same order for any thread count, so results are bit-identical for any n_jobs.
//
// Cosine normalises each row by its l2 norm computed without overflow or underflow: in double for
// float32 input (whose squares always fit), and for float64 rows with values beyond 1e+-140 after
// dividing by the row's largest magnitude (LAPACK's scaled sum of squares), so a row of tiny or huge
// values is a unit vector like any other, never inf and never "empty".
//
// Top-k (and SearchIndex queries) prune with score upper bounds (MaxScore): a row's terms are taken
// by decreasing bound (query value x the column's largest value); once no document that the terms
// taken so far missed can reach the k-th best partial score, or the threshold, the remaining terms
// only update the documents still in contention. Work follows the postings of the terms that
// matter. Pruning never changes a result: every returned score is summed over all terms, in one
// fixed order per row.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "mekong/util/memory_budget.hpp"  // MemoryBudgetError, thrown before a dense result
#include "mekong/matrix/csr_view.hpp"

namespace mekong {

enum class Metric {
  cosine,   // x.y / (|x| |y|); rows of norm 0 give 0
  dot,      // x.y
  jaccard,  // |A & B| / |A | B| over the sets of non-zero columns; two empty sets give 0
};

struct SimilarityConfig {
  Metric metric = Metric::cosine;
  int n_jobs = 1;
  std::size_t memory_budget = 0;  // bytes for a dense result; 0 = no limit
};

// Dense X x Y^T similarities, row-major, rows(X) x rows(Y). Y == nullptr: Y = X (symmetric).
template <class T, class I>
std::vector<T> similarity_matrix(const CsrView<T, I>& X, const CsrView<T, I>* Y, const SimilarityConfig& config,
                                 const std::atomic<bool>* cancel = nullptr);

// The storage of similarity_matrix_buffer: page-aligned, so that the kernel's streaming stores
// cover whole cache lines; freed by this deleter (not delete[]).
struct SimilarityBufferDelete {
  void operator()(void* p) const noexcept;
};
template <class T>
using SimilarityBuffer = std::unique_ptr<T[], SimilarityBufferDelete>;

// The same in a buffer that is never zero-filled (the kernel writes every cell exactly once), as
// np.empty would give: what Python receives. The budget is checked before the allocation.
template <class T, class I>
SimilarityBuffer<T> similarity_matrix_buffer(const CsrView<T, I>& X, const CsrView<T, I>* Y,
                                             const SimilarityConfig& config, const std::atomic<bool>* cancel = nullptr);

// Dense rows (row-major n x d and m x d; Y == nullptr: Y = X): cosine or dot products through
// Eigen's matrix product, in fixed blocks of rows so that the result is the same for any n_jobs;
// the symmetric case is made exactly symmetric. For embeddings and other dense features, where a
// GEMM beats walking postings.
template <class T>
std::vector<T> dense_similarity_matrix(const T* X, std::size_t n, std::size_t d, const T* Y, std::size_t m,
                                       const SimilarityConfig& config, const std::atomic<bool>* cancel = nullptr);

// Y fitted once: its columns as postings (rows ascending), values as the metric reads them
// (l2-normalised rows for cosine, 1 for Jaccard's sets), each column's largest value (the bounds
// top-k pruning needs) and row set sizes (Jaccard). Queries against it cost the postings of their
// terms, not a rebuild. Immutable after building; safe to query from several threads.
template <class T>
struct SimilarityIndex {
  Metric metric = Metric::cosine;
  std::size_t rows = 0, cols = 0;
  std::vector<std::size_t> start;  // cols + 1
  std::vector<std::uint32_t> row;  // nnz
  std::vector<T> value;            // nnz
  std::vector<T> col_max;          // cols: largest value of each column (0 for an empty column)
  std::vector<T> set_size;         // rows: non-zeros per row (Jaccard only)
  bool nonnegative = true;         // no negative value: upper bounds hold, pruning allowed
  std::size_t nnz() const { return row.size(); }
  std::size_t bytes() const;
};

template <class T, class I>
SimilarityIndex<T> build_similarity_index(const CsrView<T, I>& Y, Metric metric);

template <class T>
struct TopK {
  std::size_t rows = 0;
  std::size_t k = 0;                // columns of the arrays below
  std::vector<std::int64_t> index;  // rows x k, -1 where a row has fewer than k neighbours
  std::vector<T> score;             // rows x k, NaN where index is -1
  std::size_t rows_pruned = 0;      // rows whose last terms only updated the documents in contention
};

// The k most similar rows of Y for each row of X with a score > threshold, best first, ties broken
// by the lower index. Y == nullptr: Y = X and each row's own index is left out. k is clipped to the
// number of candidates. Never builds the rows(X) x rows(Y) matrix.
template <class T, class I>
TopK<T> top_k_similar(const CsrView<T, I>& X, const CsrView<T, I>* Y, std::size_t k, double threshold,
                      const SimilarityConfig& config, const std::atomic<bool>* cancel = nullptr);

// The k best rows of the index for each row of Q (cosine: Q's rows are normalised here; dot: Q as
// given; Jaccard: Q's sets), with the conventions of top_k_similar. Q must have index.cols columns.
template <class T, class I>
TopK<T> top_k_query(const SimilarityIndex<T>& index, const CsrView<T, I>& Q, std::size_t k, double threshold,
                    const SimilarityConfig& config, const std::atomic<bool>* cancel = nullptr);

}  // namespace mekong
