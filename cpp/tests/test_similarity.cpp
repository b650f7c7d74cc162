#include <gtest/gtest.h>

#include <cmath>
#include <algorithm>
#include <numeric>
#include <random>

#include "mekong/matrix/weight.hpp"
#include "mekong/similarity/similarity.hpp"

using namespace mekong;

namespace {

struct Owned {
  std::vector<std::int32_t> indptr{0}, indices;
  std::vector<double> data;
  std::size_t rows = 0, cols = 0;
  CsrView<double, std::int32_t> view() const { return {indptr.data(), indices.data(), data.data(), rows, cols}; }
  std::vector<double> dense() const {
    std::vector<double> d(rows * cols, 0.0);
    for (std::size_t r = 0; r < rows; ++r)
      for (auto k = indptr[r]; k < indptr[r + 1]; ++k) d[r * cols + indices[k]] = data[k];
    return d;
  }
};

Owned random_csr(std::size_t rows, std::size_t cols, double density, unsigned seed, bool negative = false) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Owned m;
  m.rows = rows;
  m.cols = cols;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      if (u(g) < density) {
        m.indices.push_back(static_cast<std::int32_t>(c));
        m.data.push_back(negative ? u(g) * 2 - 1 : std::floor(u(g) * 4) + 1);
      }
    }
    m.indptr.push_back(static_cast<std::int32_t>(m.indices.size()));
  }
  return m;
}

// Reference cosine over dense rows.
double ref_cosine(const std::vector<double>& a, std::size_t i, const std::vector<double>& b, std::size_t j,
                  std::size_t cols) {
  double dot = 0, na = 0, nb = 0;
  for (std::size_t c = 0; c < cols; ++c) {
    dot += a[i * cols + c] * b[j * cols + c];
    na += a[i * cols + c] * a[i * cols + c];
    nb += b[j * cols + c] * b[j * cols + c];
  }
  return na > 0 && nb > 0 ? dot / std::sqrt(na * nb) : 0.0;
}

}  // namespace

TEST(Similarity, CosineMatchesReference) {
  const Owned x = random_csr(60, 30, 0.15, 1, true), y = random_csr(45, 30, 0.2, 2);
  const auto dx = x.dense(), dy = y.dense();
  const auto vx = x.view(), vy = y.view();
  const auto sym = similarity_matrix(vx, static_cast<const CsrView<double, std::int32_t>*>(nullptr), {});
  const auto cross = similarity_matrix(vx, &vy, {});
  for (std::size_t i = 0; i < x.rows; ++i) {
    for (std::size_t j = 0; j < x.rows; ++j) EXPECT_NEAR(sym[i * x.rows + j], ref_cosine(dx, i, dx, j, 30), 1e-12);
    for (std::size_t j = 0; j < y.rows; ++j) EXPECT_NEAR(cross[i * y.rows + j], ref_cosine(dx, i, dy, j, 30), 1e-12);
  }
}

TEST(Similarity, SymmetricResultIsExactlySymmetricAndThreadIndependent) {
  const Owned x = random_csr(500, 80, 0.05, 3);
  SimilarityConfig one, many;
  many.n_jobs = 4;
  const auto v = x.view();
  const auto a = similarity_matrix(v, static_cast<const CsrView<double, std::int32_t>*>(nullptr), one);
  const auto b = similarity_matrix(v, static_cast<const CsrView<double, std::int32_t>*>(nullptr), many);
  EXPECT_EQ(a, b);
  for (std::size_t i = 0; i < 500; ++i)
    for (std::size_t j = 0; j < i; ++j) ASSERT_EQ(a[i * 500 + j], a[j * 500 + i]);
}

TEST(Similarity, JaccardMatchesSets) {
  const Owned x = random_csr(40, 12, 0.3, 4);
  const auto d = x.dense();
  SimilarityConfig c;
  c.metric = Metric::jaccard;
  const auto v = x.view();
  const auto s = similarity_matrix(v, static_cast<const CsrView<double, std::int32_t>*>(nullptr), c);
  for (std::size_t i = 0; i < 40; ++i) {
    for (std::size_t j = 0; j < 40; ++j) {
      double inter = 0, uni = 0;
      for (std::size_t k = 0; k < 12; ++k) {
        const bool a = d[i * 12 + k] != 0, b = d[j * 12 + k] != 0;
        inter += a && b;
        uni += a || b;
      }
      EXPECT_NEAR(s[i * 40 + j], uni > 0 ? inter / uni : 0.0, 1e-12);
    }
  }
}

TEST(Similarity, TopKEqualsStableSortOfTheFullMatrix) {
  const Owned x = random_csr(120, 20, 0.15, 5);
  const auto v = x.view();
  const auto full = similarity_matrix(v, static_cast<const CsrView<double, std::int32_t>*>(nullptr), {});
  for (int jobs : {1, 3}) {
    SimilarityConfig c;
    c.n_jobs = jobs;
    const auto top = top_k_similar(v, static_cast<const CsrView<double, std::int32_t>*>(nullptr), 7, 0.0, c);
    ASSERT_EQ(top.k, 7u);
    for (std::size_t i = 0; i < 120; ++i) {
      std::vector<std::pair<double, std::int64_t>> all;
      for (std::size_t j = 0; j < 120; ++j)
        if (j != i && full[i * 120 + j] > 0) all.emplace_back(-full[i * 120 + j], static_cast<std::int64_t>(j));
      std::stable_sort(all.begin(), all.end());
      for (std::size_t q = 0; q < 7; ++q) {
        if (q < all.size()) {
          // top-k sums a row's terms in its own fixed order (by score bound), the matrix in column
          // order: the same value within rounding; the index too unless a neighbour is that close.
          EXPECT_NEAR(top.score[i * 7 + q], -all[q].first, 1e-12);
          const bool near_tie = (q > 0 && all[q].first - all[q - 1].first < 1e-12) ||
                                (q + 1 < all.size() && all[q + 1].first - all[q].first < 1e-12);
          if (!near_tie) EXPECT_EQ(top.index[i * 7 + q], all[q].second) << i << " " << q;
        } else {
          EXPECT_EQ(top.index[i * 7 + q], -1);
          EXPECT_TRUE(std::isnan(top.score[i * 7 + q]));
        }
      }
    }
  }
}

TEST(Similarity, BadInputs) {
  const Owned x = random_csr(5, 4, 0.5, 6), y = random_csr(5, 3, 0.5, 7);
  const auto vx = x.view(), vy = y.view();
  EXPECT_THROW(similarity_matrix(vx, &vy, {}), std::invalid_argument);
  EXPECT_THROW(top_k_similar(vx, static_cast<const CsrView<double, std::int32_t>*>(nullptr), 0, 0.0, {}),
               std::invalid_argument);
  Owned nan = x;
  nan.data[0] = std::nan("");
  const auto vn = nan.view();
  EXPECT_THROW(similarity_matrix(vn, static_cast<const CsrView<double, std::int32_t>*>(nullptr), {}),
               std::invalid_argument);
  SimilarityConfig tight;
  tight.memory_budget = 10;
  EXPECT_THROW(similarity_matrix(vx, static_cast<const CsrView<double, std::int32_t>*>(nullptr), tight),
               MemoryBudgetError);
}

TEST(Similarity, ZeroRowsGiveZeroNotNan) {
  Owned z;
  z.rows = 3;
  z.cols = 2;
  z.indptr = {0, 0, 1, 1};
  z.indices = {0};
  z.data = {2.0};
  const auto v = z.view();
  const auto s = similarity_matrix(v, static_cast<const CsrView<double, std::int32_t>*>(nullptr), {});
  for (double val : s) EXPECT_FALSE(std::isnan(val));
  EXPECT_EQ(s[0], 0.0);
  EXPECT_DOUBLE_EQ(s[4], 1.0);
}

TEST(Weight, TfidfFormulas) {
  // Two documents, three terms: counts [[3, 0, 1], [2, 2, 0]].
  std::vector<std::int32_t> indptr{0, 2, 4}, indices{0, 2, 0, 1};
  std::vector<double> data{3, 1, 2, 2};
  CsrView<double, std::int32_t> v{indptr.data(), indices.data(), data.data(), 2, 3};
  const auto df = document_frequency(v);
  EXPECT_EQ(df, (std::vector<std::int64_t>{2, 1, 1}));
  const auto idf = tfidf_idf<double>(df, 2, true);
  EXPECT_DOUBLE_EQ(idf[0], std::log(3.0 / 3.0) + 1);
  EXPECT_DOUBLE_EQ(idf[1], std::log(3.0 / 2.0) + 1);
  std::vector<double> out(4);
  tfidf_weight(v, idf.data(), false, Norm::l2, out.data(), 1);
  const double a = 3 * idf[0], b = 1 * idf[2];
  EXPECT_DOUBLE_EQ(out[0], a / std::sqrt(a * a + b * b));
  tfidf_weight(v, static_cast<const double*>(nullptr), true, Norm::l1, out.data(), 1);
  EXPECT_DOUBLE_EQ(out[0], (std::log(3.0) + 1) / (std::log(3.0) + 1 + 1));
}

TEST(Weight, Bm25) {
  std::vector<std::int32_t> indptr{0, 1, 3}, indices{0, 0, 1};
  std::vector<double> data{2, 1, 3};
  CsrView<double, std::int32_t> v{indptr.data(), indices.data(), data.data(), 2, 2};
  const auto idf = bm25_idf<double>(document_frequency(v), 2);
  EXPECT_DOUBLE_EQ(idf[0], std::log(1 + 0.5 / 2.5));
  const double avg = mean_row_sum(v);
  EXPECT_DOUBLE_EQ(avg, 3.0);
  std::vector<double> out(3);
  bm25_weight(v, idf.data(), 1.2, 0.75, avg, Norm::none, out.data(), 1);
  EXPECT_DOUBLE_EQ(out[0], idf[0] * 2 * 2.2 / (2 + 1.2 * (1 - 0.75 + 0.75 * 2 / 3.0)));
}

TEST(Similarity, NegativeThresholdKeepsTouchedScores) {
  // Row 0 and row 1 point in opposite directions (cosine -1); row 2 shares nothing (cosine 0).
  std::vector<std::int32_t> indptr{0, 1, 2, 3}, indices{0, 0, 1};
  std::vector<double> data{1.0, -1.0, 1.0};
  CsrView<double, std::int32_t> v{indptr.data(), indices.data(), data.data(), 3, 2};
  const auto top = top_k_similar(v, static_cast<const CsrView<double, std::int32_t>*>(nullptr), 2, -0.5, {});
  EXPECT_EQ(top.index[0], 2);  // only row 2 (score 0) passes -0.5; row 1 (-1) does not
  EXPECT_EQ(top.index[1], -1);
  EXPECT_EQ(top.score[0], 0.0);
}

TEST(Weight, MalformedMatricesAreArgumentErrors) {
  std::vector<std::int32_t> indptr{0, 2}, indices{0, 2000000000};
  std::vector<double> data{1, 1}, out(2);
  CsrView<double, std::int32_t> v{indptr.data(), indices.data(), data.data(), 1, 3};
  const std::vector<double> idf{1, 1, 1};
  EXPECT_THROW(tfidf_weight(v, idf.data(), false, Norm::l2, out.data(), 1), std::invalid_argument);
  EXPECT_THROW(bm25_weight(v, idf.data(), 1.2, 0.75, 1.0, Norm::none, out.data(), 1), std::invalid_argument);
  indices[1] = -1;
  EXPECT_THROW(document_frequency(v), std::invalid_argument);
  indices[1] = 1;
  data[1] = 0;  // an explicit zero under sublinear_tf
  EXPECT_THROW(tfidf_weight(v, idf.data(), true, Norm::l2, out.data(), 1), std::invalid_argument);
}

namespace {

// Brute-force top-k from a dense reference: (score, index) best first, ties to the lower index.
std::vector<std::pair<double, std::int64_t>> brute_top_k(const std::vector<double>& dx, std::size_t i,
                                                         const std::vector<double>& dy, std::size_t m, std::size_t cols,
                                                         double thr, std::size_t self, bool dot) {
  std::vector<std::pair<double, std::int64_t>> all;
  for (std::size_t j = 0; j < m; ++j) {
    if (j == self) continue;
    double s = 0;
    if (dot) {
      for (std::size_t c = 0; c < cols; ++c) s += dx[i * cols + c] * dy[j * cols + c];
    } else {
      s = ref_cosine(dx, i, dy, j, cols);
    }
    if (s > thr) all.emplace_back(-s, static_cast<std::int64_t>(j));
  }
  std::stable_sort(all.begin(), all.end());
  return all;
}

// A long-tailed matrix: column c is used with probability ~ 1/(c+1), values spread over a range,
// so that score bounds differ a lot between terms and top-k pruning really prunes.
Owned zipf_csr(std::size_t rows, std::size_t cols, unsigned seed, double row_terms) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> u(0, 1);
  Owned m;
  m.rows = rows;
  m.cols = cols;
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      if (u(g) < std::min(1.0, row_terms / static_cast<double>(c + 1) / 4.0)) {
        m.indices.push_back(static_cast<std::int32_t>(c));
        m.data.push_back(std::floor(u(g) * 5) + 1 + (c > 5 ? 3.0 : 0.0));
      }
    }
    m.indptr.push_back(static_cast<std::int32_t>(m.indices.size()));
  }
  return m;
}

void expect_top_k_equals_brute_force(const TopK<double>& top, const std::vector<double>& dx,
                                     const std::vector<double>& dy, std::size_t m, std::size_t cols, double thr,
                                     bool symmetric, bool dot) {
  for (std::size_t i = 0; i < top.rows; ++i) {
    const auto ref = brute_top_k(dx, i, dy, m, cols, thr, symmetric ? i : SIZE_MAX, dot);
    for (std::size_t q = 0; q < top.k; ++q) {
      const std::int64_t got = top.index[i * top.k + q];
      if (q >= ref.size()) {
        EXPECT_EQ(got, -1) << "row " << i << " rank " << q;
        continue;
      }
      ASSERT_GE(got, 0) << "row " << i << " rank " << q;
      EXPECT_NEAR(top.score[i * top.k + q], -ref[q].first, 1e-9 * std::max(1.0, -ref[q].first));
      const bool near_tie = (q > 0 && std::fabs(ref[q].first - ref[q - 1].first) < 1e-9) ||
                            (q + 1 < ref.size() && std::fabs(ref[q + 1].first - ref[q].first) < 1e-9);
      if (!near_tie) EXPECT_EQ(got, ref[q].second) << "row " << i << " rank " << q;
    }
  }
}

}  // namespace

TEST(Similarity, PrunedTopKEqualsBruteForceOnLongTailedRows) {
  std::size_t pruned = 0, rows = 0;
  for (unsigned seed = 1; seed <= 2; ++seed) {
    const Owned x = zipf_csr(150, 300, seed, 12.0), y = zipf_csr(400, 300, seed + 50, 12.0);
    const auto dx = x.dense(), dy = y.dense();
    const auto vx = x.view(), vy = y.view();
    for (double thr : {0.0, 0.2, 0.6}) {
      for (std::size_t k : {1u, 3u, 10u}) {
        // top_k_similar takes the common columns through the dense product; a fitted index
        // always walks postings with pruning: both against brute force.
        const auto cross = top_k_similar(vx, &vy, k, thr, {});
        expect_top_k_equals_brute_force(cross, dx, dy, 400, 300, thr, false, false);
        const auto queried = top_k_query(build_similarity_index(vy, Metric::cosine), vx, k, thr, {});
        pruned += queried.rows_pruned;
        rows += queried.rows;
        expect_top_k_equals_brute_force(queried, dx, dy, 400, 300, thr, false, false);
        const auto sym = top_k_similar(vx, static_cast<const CsrView<double, std::int32_t>*>(nullptr), k, thr, {});
        expect_top_k_equals_brute_force(sym, dx, dx, 150, 300, thr, true, false);
        SimilarityConfig dot;
        dot.metric = Metric::dot;
        const auto d = top_k_similar(vx, &vy, k, thr, dot);
        expect_top_k_equals_brute_force(d, dx, dy, 400, 300, thr, false, true);
      }
    }
  }
  // the test is about pruning: a good share of rows must have taken the pruned path
  EXPECT_GT(pruned * 20, rows) << pruned << " of " << rows;
}

TEST(Similarity, TopKQueryOnAFittedIndexEqualsTopKSimilar) {
  const Owned x = zipf_csr(60, 200, 9, 8.0), y = zipf_csr(500, 200, 10, 8.0);
  const auto vx = x.view(), vy = y.view();
  for (Metric metric : {Metric::cosine, Metric::dot, Metric::jaccard}) {
    SimilarityConfig c;
    c.metric = metric;
    const SimilarityIndex<double> ix = build_similarity_index(vy, metric);
    EXPECT_EQ(ix.rows, 500u);
    EXPECT_EQ(ix.nnz(), y.data.size());
    for (int jobs : {1, 2}) {
      c.n_jobs = jobs;
      const auto a = top_k_query(ix, vx, 5, 0.0, c);
      const auto b = top_k_similar(vx, &vy, 5, 0.0, c);
      EXPECT_EQ(a.index, b.index);
      for (std::size_t q = 0; q < a.score.size(); ++q)
        EXPECT_TRUE(a.score[q] == b.score[q] || (std::isnan(a.score[q]) && std::isnan(b.score[q])));
    }
  }
  const Owned narrow = random_csr(3, 7, 0.5, 1);
  const auto vn = narrow.view();
  const SimilarityIndex<double> ix = build_similarity_index(vy, Metric::cosine);
  EXPECT_THROW(top_k_query(ix, vn, 3, 0.0, {}), std::invalid_argument);
}

TEST(Similarity, TiedDuplicatesGoToTheLowerIndexUnderPruning) {
  // rows 1, 3 and 4 are the same document: equal scores, reported in index order.
  std::vector<std::int32_t> indptr{0, 3, 5, 6, 8, 10}, indices{0, 1, 2, 0, 2, 1, 0, 2, 0, 2};
  std::vector<double> data{5, 1, 1, 5, 1, 7, 5, 1, 5, 1};
  CsrView<double, std::int32_t> v{indptr.data(), indices.data(), data.data(), 5, 3};
  const auto top = top_k_similar(v, static_cast<const CsrView<double, std::int32_t>*>(nullptr), 2, 0.0, {});
  EXPECT_EQ(top.index[0], 1);
  EXPECT_EQ(top.index[1], 3);
  EXPECT_EQ(top.score[0], top.score[1]);
}

// Defect 6 of issue 9: float32 values below ~1e-38 made cosine inf; float64 rows of values beyond
// ~1e+-150 counted as empty (their squares under- or overflowed).
TEST(Similarity, Defect6ExtremeValuesGiveUnitRows) {
  {
    std::vector<std::int32_t> indptr{0, 1, 2, 4}, indices{0, 0, 0, 1};
    std::vector<float> data{1e-39f, 3e-45f, 1e-39f, 1e-39f};  // subnormal floats
    CsrView<float, std::int32_t> v{indptr.data(), indices.data(), data.data(), 3, 2};
    const auto s = similarity_matrix(v, static_cast<const CsrView<float, std::int32_t>*>(nullptr), {});
    for (float val : s) EXPECT_TRUE(std::isfinite(val));
    EXPECT_FLOAT_EQ(s[0 * 3 + 1], 1.0f);
    EXPECT_FLOAT_EQ(s[0 * 3 + 0], 1.0f);
    EXPECT_NEAR(s[0 * 3 + 2], 1.0f / std::sqrt(2.0f), 1e-6);
    const auto top = top_k_similar(v, static_cast<const CsrView<float, std::int32_t>*>(nullptr), 1, 0.0, {});
    EXPECT_EQ(top.index[0], 1);
    EXPECT_FLOAT_EQ(top.score[0], 1.0f);
    std::vector<float> dense{1e-39f, 0.0f, 3e-39f, 4e-39f};
    const auto d = dense_similarity_matrix<float>(dense.data(), 2, 2, nullptr, 2, {});
    EXPECT_NEAR(d[1], 0.6f, 1e-6);
    EXPECT_FLOAT_EQ(d[3], 1.0f);
  }
  for (double scale : {1e-300, 1e-160, 1e160, 1e300, 1e-320}) {
    std::vector<std::int32_t> indptr{0, 2, 4}, indices{0, 1, 0, 1};
    std::vector<double> data{3 * scale, 4 * scale, 4 * scale, 3 * scale};
    CsrView<double, std::int32_t> v{indptr.data(), indices.data(), data.data(), 2, 2};
    const auto s = similarity_matrix(v, static_cast<const CsrView<double, std::int32_t>*>(nullptr), {});
    const double expected = scale == 1e-320 ? s[1] : 24.0 / 25.0;  // 3e-320 is subnormal: only 1 digit
    EXPECT_NEAR(s[1], expected, 1e-12) << scale;
    EXPECT_GT(s[1], 0.9) << scale;
    EXPECT_NEAR(s[0], 1.0, 1e-12) << scale;
    const auto d = dense_similarity_matrix<double>(data.data(), 2, 2, nullptr, 2, {});
    EXPECT_NEAR(d[1], s[1], 1e-12) << scale;
  }
}

// The dense part's product kernel (cpp/src/similarity/gemm_nt.hpp): AVX2 (when the CPU has it)
// and portable kernels against a plain double loop, over shapes that leave partial tiles and
// panels; and each element's bits do not depend on which tile or column range computed it.
#include "../src/similarity/gemm_nt.hpp"

namespace {
template <class T>
void check_gemm(std::size_t rows, std::size_t m, std::size_t d, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> A(rows * d), B(m * d);
  for (auto& a : A) a = static_cast<T>(u(g));
  for (auto& b : B) b = static_cast<T>(u(g));
  const auto P = gemm::pack<T>(m, d, [&](std::size_t r, T* dst) {
    for (std::size_t t = 0; t < d; ++t) dst[t] += B[r * d + t];
  });
  const double tol = sizeof(T) == 4 ? 1e-4 : 1e-12;
  for (bool simd : {false, true}) {
    std::vector<T> C(rows * m, T(-7));
    gemm::multiply(A.data(), d, rows, P, 0, m, C.data(), m, simd);
    for (std::size_t i = 0; i < rows; ++i)
      for (std::size_t j = 0; j < m; ++j) {
        double ref = 0;
        for (std::size_t t = 0; t < d; ++t)
          ref += static_cast<double>(A[i * d + t]) * static_cast<double>(B[j * d + t]);
        ASSERT_NEAR(C[i * m + j], ref, tol * (1 + std::sqrt(static_cast<double>(d))))
            << rows << "x" << m << "x" << d << " simd " << simd << " at " << i << "," << j;
      }
    // A sub-range of rows and columns, written at another stride: the same bits.
    if (rows > 2 && m > 3) {
      const std::size_t i0 = 1, j0 = 3, w = m - j0;
      std::vector<T> D((rows - i0) * w);
      gemm::multiply(A.data() + i0 * d, d, rows - i0, P, j0, m, D.data(), w, simd);
      for (std::size_t i = i0; i < rows; ++i)
        for (std::size_t j = j0; j < m; ++j) ASSERT_EQ(D[(i - i0) * w + (j - j0)], C[i * m + j]);
    }
  }
}
}  // namespace

TEST(Similarity, GemmKernelEqualsPlainLoopOnPartialTiles) {
  unsigned seed = 1;
  for (std::size_t rows : {1u, 5u, 6u, 13u})
    for (std::size_t m : {1u, 7u, 8u, 17u, 33u})
      for (std::size_t d : {0u, 1u, 3u, 40u}) {
        check_gemm<double>(rows, m, d, seed++);
        check_gemm<float>(rows, m, d, seed++);
      }
}

// Top-k through the dense product, symmetric: only the upper triangle is computed and each score
// is offered to both rows; the threads keep their own k best of every row and merge. Against the
// full matrix (computed with the same sums: the same bits) and brute force, for n_jobs 1, 2, 3.
TEST(Similarity, SymmetricDenseTopKEqualsTheFullMatrixForAnyNJobs) {
  for (unsigned seed : {3u, 4u}) {
    const Owned x = zipf_csr(230, 120, seed, 14.0);
    const auto v = x.view();
    const auto* none = static_cast<const CsrView<double, std::int32_t>*>(nullptr);
    for (Metric metric : {Metric::cosine, Metric::dot, Metric::jaccard}) {
      SimilarityConfig c;
      c.metric = metric;
      const auto full = similarity_matrix(v, none, c);
      for (double thr : {0.0, 0.3}) {
        for (std::size_t k : {1u, 4u, 300u}) {
          TopK<double> first;
          for (int jobs : {1, 2, 3}) {
            c.n_jobs = jobs;
            const auto top = top_k_similar(v, none, k, thr, c);
            if (jobs == 1) {
              first = top;
              ASSERT_EQ(top.k, std::min<std::size_t>(k, 229));
              for (std::size_t i = 0; i < 230; ++i) {
                std::vector<std::pair<double, std::int64_t>> all;
                for (std::size_t j = 0; j < 230; ++j)
                  if (j != i && full[i * 230 + j] > thr) all.emplace_back(-full[i * 230 + j], std::int64_t(j));
                std::sort(all.begin(), all.end());
                for (std::size_t q = 0; q < top.k; ++q) {
                  if (q < all.size()) {
                    ASSERT_EQ(top.index[i * top.k + q], all[q].second) << i << " " << q;
                    ASSERT_EQ(top.score[i * top.k + q], -all[q].first) << i << " " << q;
                  } else {
                    ASSERT_EQ(top.index[i * top.k + q], -1);
                  }
                }
              }
            } else {
              EXPECT_EQ(top.index, first.index) << jobs;
              for (std::size_t q = 0; q < top.score.size(); ++q)
                ASSERT_TRUE(top.score[q] == first.score[q] || (std::isnan(top.score[q]) && std::isnan(first.score[q])));
            }
          }
        }
      }
      if (metric == Metric::cosine) {
        const auto top = top_k_similar(v, none, 6, 0.0, {});
        expect_top_k_equals_brute_force(top, x.dense(), x.dense(), 230, 120, 0.0, true, false);
      }
    }
  }
}

// The dense matrix in tiles (parts of 64 rows against chunks of 2048 rows of Y, the sparse
// columns added to a sub-block of rows at once, every cell written once into a buffer that is not
// zero-filled): against the plain reference over rows that straddle the part and chunk edges,
// symmetric and cross, for cosine, dot and Jaccard; the same bits for n_jobs 1 and 3, exactly
// symmetric, and the buffer equal to the std::vector version.
TEST(Similarity, TiledMatrixEqualsReferenceAcrossPartAndChunkEdges) {
  const Owned x = zipf_csr(2100, 90, 7, 12.0), y = zipf_csr(2070, 90, 8, 12.0);
  const auto vx = x.view(), vy = y.view();
  const auto dx = x.dense(), dy = y.dense();
  const auto* none = static_cast<const CsrView<double, std::int32_t>*>(nullptr);
  for (Metric metric : {Metric::cosine, Metric::dot, Metric::jaccard}) {
    SimilarityConfig one, three;
    one.metric = three.metric = metric;
    three.n_jobs = 3;
    for (bool symmetric : {true, false}) {
      const std::size_t n = 2100, m = symmetric ? 2100 : 2070;
      const auto& other = symmetric ? dx : dy;
      const auto S = similarity_matrix_buffer(vx, symmetric ? none : &vy, one);
      const auto S3 = similarity_matrix_buffer(vx, symmetric ? none : &vy, three);
      const auto V = similarity_matrix(vx, symmetric ? none : &vy, one);
      ASSERT_TRUE(std::equal(V.begin(), V.end(), S.get()));
      ASSERT_TRUE(std::equal(V.begin(), V.end(), S3.get()));
      if (symmetric)
        for (std::size_t i = 0; i < n; i += 7)
          for (std::size_t j = 0; j < n; ++j) ASSERT_EQ(S[i * n + j], S[j * n + i]);
      // rows around the part (64) and chunk (2048) edges, and a spread of others
      for (std::size_t i : {0u, 1u, 63u, 64u, 65u, 127u, 128u, 1000u, 2047u, 2048u, 2049u, 2099u}) {
        for (std::size_t j = 0; j < m; ++j) {
          double want = 0;
          if (metric == Metric::cosine) {
            want = ref_cosine(dx, i, other, j, 90);
          } else {
            double dot = 0, a = 0, b = 0;
            for (std::size_t c = 0; c < 90; ++c) {
              const double p = dx[i * 90 + c], q = other[j * 90 + c];
              dot += metric == Metric::dot ? p * q : double(p != 0 && q != 0);
              a += p != 0;
              b += q != 0;
            }
            want = metric == Metric::dot ? dot : (a + b - dot > 0 ? dot / (a + b - dot) : 0.0);
          }
          ASSERT_NEAR(S[i * m + j], want, 1e-12 * std::max(1.0, std::fabs(want))) << i << " " << j;
        }
      }
    }
  }
}

// The sparse columns' kernel: the AVX2 version (a product then a sum, no fused multiply-add) gives
// the portable loop's bits, and stops at the chunk's end.
TEST(Similarity, AddPostingsSimdEqualsPortable) {
  std::mt19937 g(5);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<std::uint32_t> rows;
  std::vector<double> vals;
  for (std::uint32_t r = 0; r < 300; r += 1 + g() % 3) {
    rows.push_back(r);
    vals.push_back(u(g));
  }
  double x[gemm::kNR<double>];
  for (auto& v : x) v = u(g);
  std::vector<double> a(300 * gemm::kNR<double>), b;
  for (auto& v : a) v = u(g);
  b = a;
  const std::size_t pa = gemm::add_postings(a.data(), rows.data(), vals.data(), 3, rows.size(), 0, 200, x, false);
  const std::size_t pb = gemm::add_postings(b.data(), rows.data(), vals.data(), 3, rows.size(), 0, 200, x, true);
  EXPECT_EQ(pa, pb);
  ASSERT_LT(pa, rows.size());
  EXPECT_GE(rows[pa], 200u);
  EXPECT_LT(rows[pa - 1], 200u);
  EXPECT_EQ(a, b);
}

// The mid band's kernel (gemm::add_gathered): Y's rows one at a time (the SIMD version four at a
// time in lockstep, in the order given) against a table of the sub-block's values per column. The
// SIMD version gives the portable loop's bits and both equal a plain loop, for rows of any length
// (none included), runs not a multiple of four, and any order of the rows.
template <class T>
void check_add_gathered() {
  constexpr std::size_t NR = gemm::kNR<T>;
  std::mt19937 g(11);
  std::uniform_real_distribution<double> u(-1, 1);
  const std::size_t slots = 37, rows = 203;
  std::vector<T> x(slots * NR);
  for (auto& v : x) v = static_cast<T>(u(g));
  std::vector<std::size_t> start{0};
  std::vector<std::uint32_t> at;
  std::vector<T> value;
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t len = r % 17 == 0 ? 0 : g() % 40;
    for (std::size_t e = 0; e < len; ++e) {
      at.push_back(static_cast<std::uint32_t>(g() % slots * NR));
      value.push_back(static_cast<T>(u(g)));
    }
    start.push_back(at.size());
  }
  std::vector<std::uint32_t> order(rows);
  std::iota(order.begin(), order.end(), 0u);
  std::shuffle(order.begin() + 5, order.begin() + 198, g);  // [5, 198) permuted among themselves
  std::vector<T> base(rows * NR);
  for (auto& v : base) v = static_cast<T>(u(g));
  std::vector<T> want = base;
  for (std::size_t j = 5; j < 198; ++j)
    for (std::size_t e = start[j]; e < start[j + 1]; ++e)
      for (std::size_t l = 0; l < NR; ++l) want[j * NR + l] += value[e] * x[at[e] + l];
  std::vector<T> a = base, b = base;
  gemm::add_gathered(a.data() + 5 * NR, start.data(), at.data(), value.data(), order.data(), x.data(), 5, 198, false);
  gemm::add_gathered(b.data() + 5 * NR, start.data(), at.data(), value.data(), order.data(), x.data(), 5, 198, true);
  EXPECT_EQ(a, want);
  EXPECT_EQ(b, want);
}

TEST(Similarity, AddGatheredSimdEqualsPortableAndPlainLoop) {
  check_add_gathered<double>();
  check_add_gathered<float>();
}

// Columns in 10-40% of the rows (the mid band, gathered row by row of Y) beside dense ones (the
// product) and rare ones (postings): the matrix equals the plain reference, its bits do not depend
// on n_jobs, and top_k_similar, which sums in the same order, gives the matrix's bits.
// The buffer is page-aligned: with a row length of whole cache lines (2112 and 2056 doubles) every
// row and every mirror line of a sub-block starts on a line, the streaming stores' whole-line case;
// the test above (2100, 2070 columns) has rows starting mid-line, the partial-line case.
TEST(Similarity, BufferIsPageAlignedAndEqualsMatrixForWholeLineRows) {
  const Owned x = zipf_csr(2112, 90, 11, 12.0), y = zipf_csr(2056, 90, 12, 12.0);
  const auto vx = x.view(), vy = y.view();
  const auto dx = x.dense(), dy = y.dense();
  const auto* none = static_cast<const CsrView<double, std::int32_t>*>(nullptr);
  SimilarityConfig two;
  two.n_jobs = 2;
  for (bool symmetric : {true, false}) {
    const std::size_t n = 2112, m = symmetric ? 2112 : 2056;
    const auto S = similarity_matrix_buffer(vx, symmetric ? none : &vy, two);
    ASSERT_EQ(reinterpret_cast<std::uintptr_t>(S.get()) % 4096, 0u);
    const auto V = similarity_matrix(vx, symmetric ? none : &vy, SimilarityConfig{});
    ASSERT_TRUE(std::equal(V.begin(), V.end(), S.get()));
    if (symmetric)
      for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < i; ++j) ASSERT_EQ(S[i * n + j], S[j * n + i]);
    for (std::size_t i : {0u, 7u, 8u, 63u, 64u, 2047u, 2048u, 2111u})
      for (std::size_t j = 0; j < m; ++j) {
        const double want = ref_cosine(dx, i, symmetric ? dx : dy, j, 90);
        ASSERT_NEAR(S[i * m + j], want, 1e-12) << i << " " << j;
      }
  }
}

TEST(Similarity, MidBandColumnsMatchReferenceAndTopKBits) {
  std::mt19937 g(21);
  std::uniform_real_distribution<double> u(0, 1);
  Owned x;
  x.rows = 330;
  x.cols = 700;
  for (std::size_t r = 0; r < x.rows; ++r) {
    for (std::size_t c = 0; c < x.cols; ++c) {
      const double p = c < 8 ? 0.8 : c < 500 ? 0.1 + 0.3 * static_cast<double>(c % 7) / 7.0 : 0.01;
      if (u(g) < p) {
        x.indices.push_back(static_cast<std::int32_t>(c));
        x.data.push_back(std::floor(u(g) * 5) + 1);
      }
    }
    x.indptr.push_back(static_cast<std::int32_t>(x.indices.size()));
  }
  const auto v = x.view();
  const auto d = x.dense();
  const auto* none = static_cast<const CsrView<double, std::int32_t>*>(nullptr);
  SimilarityConfig one, three;
  three.n_jobs = 3;
  const auto S = similarity_matrix(v, none, one);
  EXPECT_EQ(S, similarity_matrix(v, none, three));
  for (std::size_t i = 0; i < x.rows; i += 13)
    for (std::size_t j = 0; j < x.rows; ++j)
      ASSERT_NEAR(S[i * x.rows + j], ref_cosine(d, i, d, j, x.cols), 1e-12) << i << " " << j;
  const auto top = top_k_similar(v, none, 5, 0.0, three);
  for (std::size_t i = 0; i < x.rows; ++i)
    for (std::size_t q = 0; q < top.k; ++q) {
      const auto j = static_cast<std::size_t>(top.index[i * top.k + q]);
      ASSERT_EQ(top.score[i * top.k + q], S[i * x.rows + j]) << i << " " << j;
    }
}
