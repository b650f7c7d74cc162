// Profiling driver for the similarity kernels, without Python in the profile.
//
//   python benchmarks/dump_csr.py 5000 /tmp/x            # writes /tmp/x.{indptr,indices,data,shape}
//   g++ -O3 -DNDEBUG -g -std=c++20 -Icpp/include -I/usr/include/eigen3 benchmarks/similarity_driver.cpp
//       build/cpp-release/libmekong_core.a -o /tmp/simdriver -lpthread -licui18n -licuuc -licudata
//   perf record -g /tmp/simdriver /tmp/x topk 10      # or: valgrind --tool=callgrind ...
//
// Modes: cosine (dense symmetric matrix), topk K (symmetric top-k), query K (the first 1000 rows
// against a fitted index of all rows). Prints the best wall and CPU time of RUNS runs (default 3);
// cosine with OUT writes the last run's matrix there (raw float64, row-major) to check it:
//   similarity_driver PREFIX MODE [K] [N_JOBS] [RUNS] [OUT]
// What the result's pages cost alone (no input): a fresh anonymous mapping of BYTES populated by
// MADV_POPULATE_WRITE, as similarity_matrix_buffer does, after MADV_HUGEPAGE when `huge`:
//   similarity_driver pages BYTES [huge|small] [RUNS]
#include <chrono>
#include <cstdint>
#include <ctime>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "mekong/similarity/similarity.hpp"

#if defined(__linux__)
#include <sys/mman.h>
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif
#endif

template <class T>
std::vector<T> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  if (!in) throw std::runtime_error("cannot read " + path);
  const auto bytes = static_cast<std::size_t>(in.tellg());
  std::vector<T> v(bytes / sizeof(T));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(bytes));
  return v;
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: similarity_driver PREFIX cosine|topk|query [K] [N_JOBS] [RUNS] [OUT]\n"
                 "       similarity_driver pages BYTES [huge|small] [RUNS]\n";
    return 2;
  }
  auto cpu_now = [] {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);  // all threads: wall alone misleads on a shared machine
    return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
  };
#if defined(__linux__)
  if (std::string(argv[1]) == "pages") {
    const std::size_t bytes = std::stoul(argv[2]), huge_page = std::size_t{2} << 20;
    const bool huge = argc > 3 && std::string(argv[3]) == "huge";
    const int runs = argc > 4 ? std::stoi(argv[4]) : 1;
    const std::size_t len = (bytes + huge_page - 1) / huge_page * huge_page;
    for (int run = 0; run < runs; ++run) {
      const auto t0 = std::chrono::steady_clock::now();
      const double c0 = cpu_now();
      // 2 MB more than needed, so that a 2 MB-aligned range of len bytes lies inside.
      void* base = mmap(nullptr, len + huge_page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (base == MAP_FAILED) return 1;
      auto* p = reinterpret_cast<char*>((reinterpret_cast<std::uintptr_t>(base) + huge_page - 1) & ~(huge_page - 1));
      if (huge) madvise(p, len, MADV_HUGEPAGE);
      const int rc = madvise(p, len, MADV_POPULATE_WRITE);
      const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf("pages %zu bytes, %s: populate %s, %.3f s wall, %.3f s CPU\n", len, huge ? "huge" : "small",
                  rc == 0 ? "ok" : "failed", wall, cpu_now() - c0);
      munmap(base, len + huge_page);
    }
    return 0;
  }
#endif
  const std::string prefix = argv[1], mode = argv[2];
  const std::size_t k = argc > 3 ? std::stoul(argv[3]) : 10;
  const int jobs = argc > 4 ? std::stoi(argv[4]) : 1;
  const auto indptr = read_all<std::int32_t>(prefix + ".indptr");
  const auto indices = read_all<std::int32_t>(prefix + ".indices");
  const auto data = read_all<double>(prefix + ".data");
  const auto shape = read_all<std::int64_t>(prefix + ".shape");
  mekong::CsrView<double, std::int32_t> X{indptr.data(), indices.data(), data.data(),
                                          static_cast<std::size_t>(shape[0]), static_cast<std::size_t>(shape[1])};
  mekong::SimilarityConfig cfg;
  cfg.n_jobs = jobs;
  const int runs = argc > 5 ? std::stoi(argv[5]) : 3;
  double best = 1e30, best_cpu = 1e30, check = 0;
  for (int run = 0; run < runs; ++run) {
    const auto t0 = std::chrono::steady_clock::now();
    const double c0 = cpu_now();
    if (mode == "cosine") {
      // The buffer Python receives (not zero-filled), not the std::vector of C++ callers.
      const auto S = mekong::similarity_matrix_buffer(X, static_cast<const decltype(X)*>(nullptr), cfg);
      check = S[1];
      if (argc > 6 && run == runs - 1) {
        std::ofstream out(argv[6], std::ios::binary);
        out.write(reinterpret_cast<const char*>(S.get()),
                  static_cast<std::streamsize>(X.rows * X.rows * sizeof(double)));
      }
    } else if (mode == "topk") {
      const auto top = mekong::top_k_similar(X, static_cast<const decltype(X)*>(nullptr), k, 0.0, cfg);
      check = static_cast<double>(top.rows_pruned);
    } else {
      const auto ix = mekong::build_similarity_index(X, mekong::Metric::cosine);
      auto Q = X;
      Q.rows = std::min<std::size_t>(1000, X.rows);
      const auto top = mekong::top_k_query(ix, Q, k, 0.0, cfg);
      check = static_cast<double>(top.rows_pruned);
    }
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
    best_cpu = std::min(best_cpu, cpu_now() - c0);
  }
  std::printf("%s %zu x %zu, nnz %zu: best %.3f s wall, %.3f s CPU (check %g)\n", mode.c_str(), X.rows, X.cols, X.nnz(),
              best, best_cpu, check);
  return 0;
}
