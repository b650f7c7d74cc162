// C = A B^T for the dense part of the similarity kernels: A is rows x d (row-major), B is given as
// packed panels (below); each C[i][j] = sum over t of A[i][t] * B[j][t], written, not added.
//
// Why not Eigen: the package is built without -march (wheels must run on any x86-64), so Eigen's
// GEMM is compiled for SSE2. This kernel has an AVX2 + FMA version picked at run time
// (__builtin_cpu_supports, as the MinHash kernel does; target_clones' ifunc broke the TSan build):
// a 6 x 8 register tile of fused multiply-adds over panels of B packed once (benchmarks/SIMILARITY.md
// has the kernels' times against the Eigen build).
//
// Every element is summed in the same order, t = 0 .. d-1, whatever the tile it falls in, the
// block sizes or the thread count: results are bit-identical for any n_jobs on one machine. (The
// AVX2 version fuses multiply and add, so its bits can differ from the portable one's.)
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define MEKONG_GEMM_X86 1
#else
#define MEKONG_GEMM_X86 0
#endif

namespace mekong::gemm {

// Columns per panel: two AVX2 registers of T.
template <class T>
constexpr std::size_t kNR = 32 / sizeof(T) * 2;  // 8 doubles, 16 floats
constexpr std::size_t kMR = 6;                   // rows per micro-tile: 12 accumulators + 3 registers

// B (m x d) as panels of kNR rows, each stored t-major (d x kNR, contiguous), zero-padded past m.
template <class T>
struct Panels {
  std::size_t m = 0, d = 0, count = 0;
  std::vector<T> data;  // count * d * kNR
  const T* panel(std::size_t p) const { return data.data() + p * d * kNR<T>; }
};

// Packs row r of B from a callback fill(r, dst) that writes the row's d values (dst zeroed).
template <class T, class Fill>
Panels<T> pack(std::size_t m, std::size_t d, Fill fill) {
  constexpr std::size_t NR = kNR<T>;
  Panels<T> P;
  P.m = m;
  P.d = d;
  P.count = (m + NR - 1) / NR;
  P.data.assign(P.count * d * NR, T(0));
  std::vector<T> row(d);
  for (std::size_t r = 0; r < m; ++r) {
    std::fill(row.begin(), row.end(), T(0));
    fill(r, row.data());
    T* dst = P.data.data() + (r / NR) * d * NR + (r % NR);
    for (std::size_t t = 0; t < d; ++t) dst[t * NR] = row[t];
  }
  return P;
}

namespace detail {

// The portable micro-kernel: kMR rows of A (pointers; rows past `mr` repeat a valid row and are
// not stored) against one panel, into tile (kMR x NR).
template <class T>
inline void tile_portable(const T* const* a, const T* bp, std::size_t d, T* tile) {
  constexpr std::size_t NR = kNR<T>;
  T acc[kMR][NR] = {};
  for (std::size_t t = 0; t < d; ++t) {
    const T* b = bp + t * NR;
    for (std::size_t r = 0; r < kMR; ++r) {
      const T x = a[r][t];
      for (std::size_t c = 0; c < NR; ++c) acc[r][c] += x * b[c];
    }
  }
  std::memcpy(tile, acc, sizeof(acc));
}

#if MEKONG_GEMM_X86
// The AVX2 intrinsics of one element type: a register holds 32 / sizeof(T) values.
template <class T>
struct Avx2;
template <>
struct Avx2<double> {
  using V = __m256d;
  __attribute__((target("avx2"))) static V zero() { return _mm256_setzero_pd(); }
  __attribute__((target("avx2"))) static V load(const double* p) { return _mm256_loadu_pd(p); }
  __attribute__((target("avx2"))) static V splat(const double* p) { return _mm256_broadcast_sd(p); }
  __attribute__((target("avx2"))) static V mul(V a, V b) { return _mm256_mul_pd(a, b); }
  __attribute__((target("avx2"))) static V add(V a, V b) { return _mm256_add_pd(a, b); }
  __attribute__((target("avx2,fma"))) static V fmadd(V a, V b, V c) { return _mm256_fmadd_pd(a, b, c); }
  __attribute__((target("avx2"))) static void store(double* p, V v) { _mm256_storeu_pd(p, v); }
};
template <>
struct Avx2<float> {
  using V = __m256;
  __attribute__((target("avx2"))) static V zero() { return _mm256_setzero_ps(); }
  __attribute__((target("avx2"))) static V load(const float* p) { return _mm256_loadu_ps(p); }
  __attribute__((target("avx2"))) static V splat(const float* p) { return _mm256_broadcast_ss(p); }
  __attribute__((target("avx2"))) static V mul(V a, V b) { return _mm256_mul_ps(a, b); }
  __attribute__((target("avx2"))) static V add(V a, V b) { return _mm256_add_ps(a, b); }
  __attribute__((target("avx2,fma"))) static V fmadd(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
  __attribute__((target("avx2"))) static void store(float* p, V v) { _mm256_storeu_ps(p, v); }
};

// The AVX2 micro-kernel, one template for both element types: kMR rows x two registers (kNR<T>
// columns) of fused multiply-adds, 12 accumulators; the loops over rows and registers have
// constant bounds and are unrolled, so the accumulators stay in registers.
template <class T>
__attribute__((target("avx2,fma"))) inline void tile_avx2(const T* const* a, const T* bp, std::size_t d, T* tile) {
  using A = Avx2<T>;
  using V = typename A::V;
  constexpr std::size_t W = 32 / sizeof(T);  // values per register
  static_assert(kNR<T> == 2 * W, "a panel row is two registers");
  V c[kMR][2];
#pragma GCC unroll 6
  for (std::size_t r = 0; r < kMR; ++r) c[r][0] = c[r][1] = A::zero();
  for (std::size_t t = 0; t < d; ++t) {
    const V b0 = A::load(bp + t * kNR<T>), b1 = A::load(bp + t * kNR<T> + W);
#pragma GCC unroll 6
    for (std::size_t r = 0; r < kMR; ++r) {
      const V x = A::splat(a[r] + t);
      c[r][0] = A::fmadd(x, b0, c[r][0]);
      c[r][1] = A::fmadd(x, b1, c[r][1]);
    }
  }
#pragma GCC unroll 6
  for (std::size_t r = 0; r < kMR; ++r) {
    A::store(tile + r * kNR<T>, c[r][0]);
    A::store(tile + r * kNR<T> + W, c[r][1]);
  }
}
#endif

#if MEKONG_GEMM_X86
// AVX2 without FMA on purpose: a product then a sum, rounded twice, as the portable loop and the
// row-at-a-time top-k scatter do, so that every path gives the same bits.
template <class T>
__attribute__((target("avx2"))) inline std::size_t add_postings_avx2(T* tile, const std::uint32_t* row, const T* value,
                                                                     std::size_t p, std::size_t e, std::uint32_t j0,
                                                                     std::uint32_t j1, const T* x) {
  using A = Avx2<T>;
  constexpr std::size_t W = 32 / sizeof(T);
  const typename A::V x0 = A::load(x), x1 = A::load(x + W);
  for (; p < e && row[p] < j1; ++p) {
    T* t = tile + static_cast<std::size_t>(row[p] - j0) * kNR<T>;
    const typename A::V v = A::splat(value + p);
    A::store(t, A::add(A::load(t), A::mul(v, x0)));
    A::store(t + W, A::add(A::load(t + W), A::mul(v, x1)));
  }
  return p;
}
#endif

template <class T>
inline std::size_t add_postings_portable(T* tile, const std::uint32_t* row, const T* value, std::size_t p,
                                         std::size_t e, std::uint32_t j0, std::uint32_t j1, const T* x) {
  for (; p < e && row[p] < j1; ++p) {
    T* t = tile + static_cast<std::size_t>(row[p] - j0) * kNR<T>;
    const T v = value[p];
    for (std::size_t l = 0; l < kNR<T>; ++l) t[l] += v * x[l];
  }
  return p;
}

}  // namespace detail

// Whether the AVX2 + FMA kernel runs on this CPU (checked once).
inline bool simd_available() {
#if MEKONG_GEMM_X86 && defined(__GNUC__)
  static const bool ok = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return ok;
#else
  return false;
#endif
}

// One micro-tile: out (kMR x kNR<T>, row stride kNR<T>) = rows a[0..kMR) against panel bp.
template <class T>
inline void micro_tile(const T* const* a, const T* bp, std::size_t d, T* out, bool simd = true) {
#if MEKONG_GEMM_X86
  if (simd && simd_available()) return detail::tile_avx2(a, bp, d, out);
#endif
  detail::tile_portable(a, bp, d, out);
}

// The sparse side of a tile stored column-major by panel (row j of the tile: kNR<T> values, one
// per row of a panel): tile[(row[p] - j0) * kNR<T> + l] += value[p] * x[l] for the postings p
// from p on while p < e and row[p] < j1 (rows ascending). Returns the first posting not taken.
template <class T>
inline std::size_t add_postings(T* tile, const std::uint32_t* row, const T* value, std::size_t p, std::size_t e,
                                std::uint32_t j0, std::uint32_t j1, const T* x, bool simd = true) {
#if MEKONG_GEMM_X86
  if (simd && simd_available()) return detail::add_postings_avx2(tile, row, value, p, e, j0, j1, x);
#endif
  return detail::add_postings_portable(tile, row, value, p, e, j0, j1, x);
}

// C[i][j - j_begin] = row i of A . row j of B for i < rows, j in [j_begin, j_end), C with row
// stride ldc. A: row-major with stride lda >= P.d. simd = false forces the portable kernel (tests).
template <class T>
void multiply(const T* A, std::size_t lda, std::size_t rows, const Panels<T>& P, std::size_t j_begin, std::size_t j_end,
              T* C, std::size_t ldc, bool simd = true) {
  constexpr std::size_t NR = kNR<T>;
  if (rows == 0 || j_begin >= j_end) return;
  const bool fast = simd && simd_available();
  alignas(64) T tile[kMR * NR];
  const std::size_t p0 = j_begin / NR, p1 = (j_end + NR - 1) / NR;
  for (std::size_t p = p0; p < p1; ++p) {
    const T* bp = P.panel(p);
    const std::size_t c_lo = std::max(j_begin, p * NR), c_hi = std::min(j_end, (p + 1) * NR);
    for (std::size_t i0 = 0; i0 < rows; i0 += kMR) {
      const std::size_t mr = std::min(kMR, rows - i0);
      const T* a[kMR];
      for (std::size_t r = 0; r < kMR; ++r) a[r] = A + (i0 + std::min(r, mr - 1)) * lda;
      micro_tile(a, bp, P.d, tile, fast);
      for (std::size_t r = 0; r < mr; ++r)
        std::memcpy(C + (i0 + r) * ldc + (c_lo - j_begin), tile + r * NR + (c_lo - p * NR), (c_hi - c_lo) * sizeof(T));
    }
  }
}

}  // namespace mekong::gemm
