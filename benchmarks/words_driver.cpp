// Speed driver for the word stage (words.cpp) on one thread, without Python in the profile.
//
//   python -c "import mekong.datasets as d; print(d.SEGMENTATION_GOLD.read_text().replace('_', ' '))" > /tmp/gold.txt
//   g++ -O2 -g -std=c++20 -Icpp/include benchmarks/words_driver.cpp build/cpp-release/libmekong_core.a \
//       -o /tmp/wordsdriver -licui18n -licuuc -licudata -lpthread
//   /tmp/wordsdriver python/mekong/models/words.bin /tmp/gold.txt 200000
//   perf record -g /tmp/wordsdriver python/mekong/models/words.bin /tmp/gold.txt 200000 cached
//   perf record -g /tmp/wordsdriver ...                  # or: valgrind --tool=callgrind ...
//   /tmp/wordsdriver python/mekong/models/words.bin /tmp/gold.txt 200000 per-sentence   # a segmenter a line
//
// Reads the text (one sentence a line), repeats it to at least N syllables, and times over it, best
// of five: the syllable segmenter alone, then the segmenter and the word segmenter (WordSegmenter::
// segment) on its cached path and on its reference path (set_reference), interleaved. Prints syllables per second of
// both and of the word stage by itself (the difference). Times are this thread's CPU time (CLOCK_THREAD_CPUTIME_ID): on
// a shared, loaded machine wall time measures the queue for a core, not the code.
#include <algorithm>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "mekong/text/segment.hpp"
#include "mekong/text/words.hpp"

static double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: wordsdriver MODEL TEXT [MIN_SYLLABLES]\n";
    return 2;
  }
  const auto model = mekong::WordModel::load(argv[1]);
  std::ifstream in(argv[2]);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) lines.push_back(line);
  const std::size_t min_syllables = argc > 3 ? std::strtoull(argv[3], nullptr, 10) : 200000;
  mekong::Segmenter seg;
  std::vector<mekong::Token> tokens;
  std::size_t once = 0;
  for (const auto& l : lines) {
    tokens.clear();
    seg.segment(l, tokens);
    once += tokens.size();
  }
  if (once == 0) return 1;
  const std::size_t reps = (min_syllables + once - 1) / once;
  const double n_syllables = static_cast<double>(once * reps);
  mekong::WordSegmenter ws(model), ref(model);
  ref.set_reference(true);
  std::vector<std::uint8_t> begins;
  // Best of five passes over the corpus of per_line(line) after the syllable segmenter; returns
  // (best CPU seconds, sum of the words begun, for a check that the paths agree).
  auto best_of_five = [&](auto&& per_line) {
    double best = 1e30;
    std::size_t sum = 0;
    for (int r = 0; r < 5; ++r) {
      const double t0 = cpu_seconds();
      for (std::size_t k = 0; k < reps; ++k)
        for (const auto& l : lines) {
          tokens.clear();
          seg.segment(l, tokens);
          sum += per_line(l);
        }
      best = std::min(best, cpu_seconds() - t0);
    }
    return std::make_pair(best, sum);
  };
  auto begun = [&](mekong::WordSegmenter& w, const std::string& l) {
    w.segment(l, tokens, begins);
    std::size_t n = 0;
    for (auto b : begins) n += b;
    return n;
  };
  auto run = [&](int words) {  // 0: syllables only, 1: + words (cached path), 2: + words (reference path)
    return best_of_five(
        [&](const std::string& l) -> std::size_t { return words == 0 ? 0 : begun(words == 1 ? ws : ref, l); });
  };
  if (argc > 4 && std::string(argv[4]) == "per-sentence") {
    // A new WordSegmenter for every sentence, as a call per text makes (word_tokenize(str), MinHash's
    // worker per call): what the syllable memo costs when it is not kept from one segmenter to the next.
    const auto [best, sum] = best_of_five([&](const std::string& l) {
      mekong::WordSegmenter fresh(model);
      return begun(fresh, l);
    });
    std::printf("per-sentence segmenters: %.0f syllables/s with the segmenter (words begun %zu)\n", n_syllables / best,
                sum / 5);
    return 0;
  }
  if (argc > 4) {  // one path only ("cached" or "reference"), for a profile of it
    const auto [t, words_begun] = run(std::string(argv[4]) == "reference" ? 2 : 1);
    std::printf("%s path: %.0f syllables/s with the segmenter (words begun %zu)\n", argv[4], n_syllables / t,
                words_begun);
    return 0;
  }
  // Interleaved, three rounds, so drift in the machine's load hits both paths alike.
  double syl = 1e30, both = 1e30, both_ref = 1e30;
  std::size_t s1 = 0, s2 = 0;
  for (int round = 0; round < 3; ++round) {
    syl = std::min(syl, run(0).first);
    const auto [f, a] = run(1);
    const auto [r, b] = run(2);
    both = std::min(both, f);
    both_ref = std::min(both_ref, r);
    s1 = a;
    s2 = b;
  }
  const double n = static_cast<double>(once * reps);
  std::printf("syllables %zu (words begun %zu; reference path %zu)\n", once * reps, s1 / 5, s2 / 5);
  if (s1 != s2) std::printf("MISMATCH: the two paths begin different words\n");
  std::printf("segmenter alone: %.0f syllables/s (CPU time)\n", n / syl);
  std::printf("segmenter + words: %.0f syllables/s (reference path %.0f)\n", n / both, n / both_ref);
  std::printf("word stage alone: %.0f syllables/s, %.1f ns a syllable (reference path %.0f, %.1f ns): %.2fx\n",
              n / std::max(both - syl, 1e-9), 1e9 * (both - syl) / n, n / std::max(both_ref - syl, 1e-9),
              1e9 * (both_ref - syl) / n, (both_ref - syl) / std::max(both - syl, 1e-9));
  return 0;
}
