// Profiling driver for mekong.sklearn's core work without Python in the profile: the default
// scikit-learn analyzer (lower-case + (?u)\b\w\w+\b) counted with a learned vocabulary
// (CountVectorizer.fit_transform) and hashed (HashingVectorizer.transform), one thread.
//
//   python benchmarks/sklearn_dropin.py --repeats 1            # writes benchmarks/data/longtail-10mb.txt
//   g++ -O2 -g -std=c++20 -Icpp/include benchmarks/sk_driver.cpp build/<wheel-tag>/libmekong_core.a \
//       -o /tmp/skdriver -licuuc -licui18n -licudata -lpthread
//   perf record -g /tmp/skdriver benchmarks/data/longtail-10mb.txt [count|hash|pattern] [REPEATS] [units]
//
// Prints the best CPU seconds of REPEATS runs (default 5), MB/s and the matrix's shape. With
// "units" each document is first stored as a Python str stores it (1, 2 or 4 bytes a code point,
// by its largest) and read from there, as mekong.sklearn reads a list of str; the fingerprint
// must be the same as without.
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "mekong/matrix/count.hpp"
#include "mekong/matrix/hashing.hpp"
#include "mekong/text/sklearn_analyzer.hpp"

using namespace mekong;

// CPU seconds of the process: the machine is shared, so wall time also counts other processes' turns.
static double now() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + 1e-9 * static_cast<double>(t.tv_nsec);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s CORPUS [count|hash|pattern] [REPEATS]\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  std::vector<std::string_view> docs;
  for (std::size_t b = 0; b < text.size();) {
    std::size_t e = text.find('\n', b);
    if (e == std::string::npos) e = text.size();
    docs.emplace_back(text.data() + b, e - b);
    b = e + 1;
  }
  const std::string mode = argc > 2 ? argv[2] : "count";
  const int repeats = argc > 3 ? std::atoi(argv[3]) : 5;
  SkAnalyzerConfig cfg;
  if (mode == "pattern") cfg.token_pattern = "(?u)\\b\\w[\\w'-]*\\w\\b|\\d+(?:[.,]\\d+)+";
  SkAnalyzer analyzer(cfg);
  const bool units = argc > 4 && std::string(argv[4]) == "units";
  std::vector<std::u32string> points(units ? docs.size() : 0);
  std::vector<std::string> narrow(points.size());
  std::vector<std::u16string> wide(points.size());
  std::vector<CodeUnits> stored(points.size());
  for (std::size_t d = 0; d < points.size(); ++d) {
    for (std::size_t i = 0; i < docs[d].size();) points[d].push_back(pytext::next(docs[d], i));
    char32_t top = 0;
    for (char32_t c : points[d]) top = std::max(top, c);
    if (top < 0x100) {
      for (char32_t c : points[d]) narrow[d].push_back(static_cast<char>(c));
      stored[d] = {narrow[d].data(), narrow[d].size(), 1};
    } else if (top < 0x10000) {
      for (char32_t c : points[d]) wide[d].push_back(static_cast<char16_t>(c));
      stored[d] = {wide[d].data(), wide[d].size(), 2};
    } else {
      stored[d] = {points[d].data(), points[d].size(), 4};
    }
  }
  SkCorpus corpus = units ? SkCorpus(stored, analyzer) : SkCorpus(docs, analyzer);
  double best = 1e9;
  std::size_t rows = 0, cols = 0, nnz = 0;
  std::uint64_t fingerprint = 1469598103934665603ull;  // FNV-1a over the matrix and vocabulary
  auto mix = [&](std::uint64_t v) { fingerprint = (fingerprint ^ v) * 1099511628211ull; };
  auto print_of = [&](const auto& m) {
    fingerprint = 1469598103934665603ull;
    for (auto v : m.indptr) mix(static_cast<std::uint64_t>(v));
    for (auto v : m.indices) mix(static_cast<std::uint64_t>(v));
    for (auto v : m.data) mix(static_cast<std::uint64_t>(static_cast<std::int64_t>(v)));
  };
  for (int r = 0; r < repeats; ++r) {
    const double t0 = now();
    if (mode == "hash") {
      Csr<double> m = hash_terms(corpus, HashingConfig{});
      rows = m.rows, cols = m.cols, nnz = m.indices.size();
      print_of(m);
    } else {
      CountResult out = count_and_learn(corpus, CountConfig{});
      rows = out.matrix.rows, cols = out.matrix.cols, nnz = out.matrix.indices.size();
      print_of(out.matrix);
      for (const std::string& t : out.vocabulary)
        for (char c : t) mix(static_cast<unsigned char>(c));
    }
    best = std::min(best, now() - t0);
  }
  std::printf("%s: %.4f s (%.0f MB/s), %zu x %zu, nnz %zu, fingerprint %016llx\n", mode.c_str(), best,
              text.size() / best / 1e6, rows, cols, nnz, static_cast<unsigned long long>(fingerprint));
}
