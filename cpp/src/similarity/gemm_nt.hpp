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

#if MEKONG_GEMM_X86
// R rows of Y in lockstep over their entries [from, to) (at[q], value[q]: row q's first entry):
// 2R independent sums, so that one add's latency overlaps the others' (a row alone waits for each
// add before the next: its sums are one chain). AVX2 without FMA for the reason add_postings_avx2
// gives.
template <class T, int R>
__attribute__((target("avx2"))) inline void gather_steps(typename Avx2<T>::V (&c)[4][2], const std::uint32_t* const* at,
                                                         const T* const* value, std::size_t from, std::size_t to,
                                                         const T* x) {
  using A = Avx2<T>;
  using V = typename A::V;
  constexpr std::size_t W = 32 / sizeof(T);
  V s[R][2];  // a local copy: the compiler keeps it in registers (the array behind c it spills)
#pragma GCC unroll 4
  for (int q = 0; q < R; ++q) s[q][0] = c[q][0], s[q][1] = c[q][1];
  for (std::size_t e = from; e < to; ++e) {
#pragma GCC unroll 4
    for (int q = 0; q < R; ++q) {
      const T* xe = x + at[q][e];
      const V v = A::splat(value[q] + e);
      s[q][0] = A::add(s[q][0], A::mul(v, A::load(xe)));
      s[q][1] = A::add(s[q][1], A::mul(v, A::load(xe + W)));
    }
  }
#pragma GCC unroll 4
  for (int q = 0; q < R; ++q) c[q][0] = s[q][0], c[q][1] = s[q][1];
}

// The gathered rows (see add_gathered), four at a time: the rows of a quad sorted by length, all
// four in lockstep while the shortest has entries, then three, two, one. A row's kNR<T> sums stay
// in registers while its entries are read: one load and one store of the tile per row, where a
// posting at a time loads and stores a tile line per entry.
template <class T>
__attribute__((target("avx2"))) inline void add_gathered_avx2(T* tile, const std::size_t* start,
                                                              const std::uint32_t* at, const T* value,
                                                              const std::uint32_t* order, const T* x, std::size_t j0,
                                                              std::size_t j1) {
  using A = Avx2<T>;
  constexpr std::size_t W = 32 / sizeof(T);
  for (std::size_t g = j0; g < j1; g += 4) {
    const int rows = static_cast<int>(std::min<std::size_t>(4, j1 - g));
    std::size_t row[4], len[4];
    for (int q = 0; q < rows; ++q) {
      row[q] = order[g + static_cast<std::size_t>(q)];
      len[q] = start[row[q] + 1] - start[row[q]];
    }
    for (int q = 1; q < rows; ++q)  // longest first
      for (int p = q; p > 0 && len[p] > len[p - 1]; --p) {
        std::swap(len[p], len[p - 1]);
        std::swap(row[p], row[p - 1]);
      }
    typename A::V c[4][2];
    const std::uint32_t* a[4];
    const T* v[4];
    for (int q = 0; q < rows; ++q) {
      T* t = tile + (row[q] - j0) * kNR<T>;
      c[q][0] = A::load(t);
      c[q][1] = A::load(t + W);
      a[q] = at + start[row[q]];
      v[q] = value + start[row[q]];
    }
    std::size_t done = 0;
    for (int r = rows; r > 0; --r) {  // r rows have entries left until the r-th longest ends
      const std::size_t to = len[r - 1];
      if (to == done) continue;
      if (r == 4)
        gather_steps<T, 4>(c, a, v, done, to, x);
      else if (r == 3)
        gather_steps<T, 3>(c, a, v, done, to, x);
      else if (r == 2)
        gather_steps<T, 2>(c, a, v, done, to, x);
      else
        gather_steps<T, 1>(c, a, v, done, to, x);
      done = to;
    }
    for (int q = 0; q < rows; ++q) {
      T* t = tile + (row[q] - j0) * kNR<T>;
      A::store(t, c[q][0]);
      A::store(t + W, c[q][1]);
    }
  }
}
#endif

template <class T>
inline void add_gathered_portable(T* tile, const std::size_t* start, const std::uint32_t* at, const T* value,
                                  const std::uint32_t* /*order*/, const T* x, std::size_t j0, std::size_t j1) {
  for (std::size_t j = j0; j < j1; ++j, tile += kNR<T>)
    for (std::size_t e = start[j], end = start[j + 1]; e < end; ++e) {
      const T v = value[e];
      const T* xe = x + at[e];
      for (std::size_t l = 0; l < kNR<T>; ++l) tile[l] += v * xe[l];
    }
}

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

// The same sums row by row of Y instead of column by column: Y's rows [j0, j1) given as entries
// (at[e], value[e]) for e in [start[j], start[j + 1]), where at[e] is the offset in x of the
// kNR<T> values of the entry's column (one per row of the sub-block, 0 where a row lacks it);
// tile row j - j0 (kNR<T> values) += value[e] * x[at[e] .. + kNR<T>) for each entry in order.
// order[j0 .. j1) is the rows of [j0, j1) in the order to take them (rows of similar lengths next
// to each other: the SIMD kernel takes four at once); any order gives the same sums. For columns
// common enough in the sub-block's rows that a scattered posting would update a tile line mostly
// for nothing (similarity.cpp, kMidShare).
template <class T>
inline void add_gathered(T* tile, const std::size_t* start, const std::uint32_t* at, const T* value,
                         const std::uint32_t* order, const T* x, std::size_t j0, std::size_t j1, bool simd = true) {
#if MEKONG_GEMM_X86
  if (simd && simd_available()) return detail::add_gathered_avx2(tile, start, at, value, order, x, j0, j1);
#endif
  detail::add_gathered_portable(tile, start, at, value, order, x, j0, j1);
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
