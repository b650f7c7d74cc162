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
__attribute__((target("avx2,fma"))) inline void tile_avx2(const double* const* a, const double* bp, std::size_t d,
                                                          double* tile) {
  __m256d c00 = _mm256_setzero_pd(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256d c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  const double *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  for (std::size_t t = 0; t < d; ++t) {
    const __m256d b0 = _mm256_loadu_pd(bp + t * 8), b1 = _mm256_loadu_pd(bp + t * 8 + 4);
    __m256d x = _mm256_broadcast_sd(a0 + t);
    c00 = _mm256_fmadd_pd(x, b0, c00);
    c01 = _mm256_fmadd_pd(x, b1, c01);
    x = _mm256_broadcast_sd(a1 + t);
    c10 = _mm256_fmadd_pd(x, b0, c10);
    c11 = _mm256_fmadd_pd(x, b1, c11);
    x = _mm256_broadcast_sd(a2 + t);
    c20 = _mm256_fmadd_pd(x, b0, c20);
    c21 = _mm256_fmadd_pd(x, b1, c21);
    x = _mm256_broadcast_sd(a3 + t);
    c30 = _mm256_fmadd_pd(x, b0, c30);
    c31 = _mm256_fmadd_pd(x, b1, c31);
    x = _mm256_broadcast_sd(a4 + t);
    c40 = _mm256_fmadd_pd(x, b0, c40);
    c41 = _mm256_fmadd_pd(x, b1, c41);
    x = _mm256_broadcast_sd(a5 + t);
    c50 = _mm256_fmadd_pd(x, b0, c50);
    c51 = _mm256_fmadd_pd(x, b1, c51);
  }
  _mm256_storeu_pd(tile + 0, c00);
  _mm256_storeu_pd(tile + 4, c01);
  _mm256_storeu_pd(tile + 8, c10);
  _mm256_storeu_pd(tile + 12, c11);
  _mm256_storeu_pd(tile + 16, c20);
  _mm256_storeu_pd(tile + 20, c21);
  _mm256_storeu_pd(tile + 24, c30);
  _mm256_storeu_pd(tile + 28, c31);
  _mm256_storeu_pd(tile + 32, c40);
  _mm256_storeu_pd(tile + 36, c41);
  _mm256_storeu_pd(tile + 40, c50);
  _mm256_storeu_pd(tile + 44, c51);
}

__attribute__((target("avx2,fma"))) inline void tile_avx2(const float* const* a, const float* bp, std::size_t d,
                                                          float* tile) {
  __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
  __m256 c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
  const float *a0 = a[0], *a1 = a[1], *a2 = a[2], *a3 = a[3], *a4 = a[4], *a5 = a[5];
  for (std::size_t t = 0; t < d; ++t) {
    const __m256 b0 = _mm256_loadu_ps(bp + t * 16), b1 = _mm256_loadu_ps(bp + t * 16 + 8);
    __m256 x = _mm256_broadcast_ss(a0 + t);
    c00 = _mm256_fmadd_ps(x, b0, c00);
    c01 = _mm256_fmadd_ps(x, b1, c01);
    x = _mm256_broadcast_ss(a1 + t);
    c10 = _mm256_fmadd_ps(x, b0, c10);
    c11 = _mm256_fmadd_ps(x, b1, c11);
    x = _mm256_broadcast_ss(a2 + t);
    c20 = _mm256_fmadd_ps(x, b0, c20);
    c21 = _mm256_fmadd_ps(x, b1, c21);
    x = _mm256_broadcast_ss(a3 + t);
    c30 = _mm256_fmadd_ps(x, b0, c30);
    c31 = _mm256_fmadd_ps(x, b1, c31);
    x = _mm256_broadcast_ss(a4 + t);
    c40 = _mm256_fmadd_ps(x, b0, c40);
    c41 = _mm256_fmadd_ps(x, b1, c41);
    x = _mm256_broadcast_ss(a5 + t);
    c50 = _mm256_fmadd_ps(x, b0, c50);
    c51 = _mm256_fmadd_ps(x, b1, c51);
  }
  _mm256_storeu_ps(tile + 0, c00);
  _mm256_storeu_ps(tile + 8, c01);
  _mm256_storeu_ps(tile + 16, c10);
  _mm256_storeu_ps(tile + 24, c11);
  _mm256_storeu_ps(tile + 32, c20);
  _mm256_storeu_ps(tile + 40, c21);
  _mm256_storeu_ps(tile + 48, c30);
  _mm256_storeu_ps(tile + 56, c31);
  _mm256_storeu_ps(tile + 64, c40);
  _mm256_storeu_ps(tile + 72, c41);
  _mm256_storeu_ps(tile + 80, c50);
  _mm256_storeu_ps(tile + 88, c51);
}
#endif

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
#if MEKONG_GEMM_X86
      if (fast)
        detail::tile_avx2(a, bp, P.d, tile);
      else
#endif
        detail::tile_portable(a, bp, P.d, tile);
      for (std::size_t r = 0; r < mr; ++r)
        std::memcpy(C + (i0 + r) * ldc + (c_lo - j_begin), tile + r * NR + (c_lo - p * NR), (c_hi - c_lo) * sizeof(T));
    }
  }
}

}  // namespace mekong::gemm
