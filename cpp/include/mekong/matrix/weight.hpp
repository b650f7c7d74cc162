// Stage 7, weight: tf-idf with scikit-learn's formulas (TfidfTransformer), BM25, l1 / l2 row norms.
//
// The arithmetic follows scikit-learn step for step, so float64 results agree to the last few ulps:
//   idf = log((n + s) / (df + s)) + 1           s = 1 when smooth_idf, computed in T
//   tf  = 1 + log(tf) when sublinear_tf
//   x   = tf * idf, then each row divided by its l1 / l2 norm (summed in double).
// BM25 (Robertson / Lucene): idf = log(1 + (n - df + 0.5) / (df + 0.5)),
//   x = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len / avg_len)), len = the row's total count.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "mekong/matrix/csr_view.hpp"

namespace mekong {

enum class Norm { none, l1, l2 };

// Documents in which each column has a stored entry (explicit zeros count, as in scikit-learn).
template <class T, class I>
std::vector<std::int64_t> document_frequency(const CsrView<T, I>& X);

template <class T>
std::vector<T> tfidf_idf(const std::vector<std::int64_t>& df, std::size_t n_docs, bool smooth);

template <class T>
std::vector<T> bm25_idf(const std::vector<std::int64_t>& df, std::size_t n_docs);

// Writes the weighted values of X (same sparsity) to out[0..nnz). idf may be null (use_idf=False).
// Throws std::invalid_argument for a malformed matrix, NaN / inf, or counts <= 0 under sublinear_tf.
template <class T, class I>
void tfidf_weight(const CsrView<T, I>& X, const T* idf, bool sublinear_tf, Norm norm, T* out, int n_jobs);

// Row length = sum of a row's values (its number of tokens for a count matrix).
template <class T, class I>
double mean_row_sum(const CsrView<T, I>& X);

template <class T, class I>
void bm25_weight(const CsrView<T, I>& X, const T* idf, double k1, double b, double avg_len, Norm norm, T* out,
                 int n_jobs);

// Divides each row by its norm in place (rows of norm 0 are left as they are).
template <class T, class I>
void normalize_rows(const I* indptr, std::size_t rows, T* data, Norm norm);

}  // namespace mekong
