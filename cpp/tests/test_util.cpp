#include <gtest/gtest.h>

#include <set>

#include "mekong/util/interner.hpp"
#include "mekong/util/parallel.hpp"

using namespace mekong;

TEST(Interner, AssignsDenseIdsAndFindsThemAgain) {
  Interner in;
  std::vector<std::string> words;
  for (int i = 0; i < 5000; ++i) words.push_back("w" + std::to_string(i * 7919));
  for (std::size_t i = 0; i < words.size(); ++i) EXPECT_EQ(in.intern(words[i]), i);
  for (std::size_t i = 0; i < words.size(); ++i) {
    EXPECT_EQ(in.find(words[i]), i);
    EXPECT_EQ(in.str(static_cast<std::uint32_t>(i)), words[i]);
  }
  EXPECT_EQ(in.find("absent"), Interner::npos);
  EXPECT_EQ(in.intern(""), 5000u);
  EXPECT_EQ(in.find(""), 5000u);
}

TEST(Parallel, NJobs) {
  EXPECT_EQ(resolve_n_jobs(3), 3);
  EXPECT_GE(resolve_n_jobs(-1), 1);
  EXPECT_THROW(resolve_n_jobs(0), std::invalid_argument);
}

TEST(Parallel, BoundsCoverEverythingOnce) {
  for (std::size_t n : {0, 1, 5, 100}) {
    for (std::size_t parts : {1, 2, 3, 8}) {
      auto b = balanced_bounds(n, parts, [](std::size_t i) { return i % 7; });
      EXPECT_EQ(b.front(), 0u);
      EXPECT_EQ(b.back(), n);
      for (std::size_t k = 1; k < b.size(); ++k) EXPECT_LE(b[k - 1], b[k]);
    }
  }
}

TEST(Parallel, FirstExceptionIsRethrown) {
  EXPECT_THROW(parallel_for(10, 4,
                            [](std::size_t p) {
                              if (p == 3) throw std::invalid_argument("x");
                            }),
               std::invalid_argument);
  std::vector<int> seen(100, 0);
  parallel_for(100, 3, [&](std::size_t p) { seen[p] += 1; });
  EXPECT_EQ(std::set<int>(seen.begin(), seen.end()), std::set<int>{1});
}
