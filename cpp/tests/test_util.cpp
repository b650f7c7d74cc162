#include <gtest/gtest.h>

#include <set>

#include "mekong/error.hpp"
#include "mekong/util/interner.hpp"
#include "mekong/util/memory_budget.hpp"
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

TEST(Progress, ParallelForHandsTheCallersCounterToItsPool) {
  constexpr std::size_t kParts = 37;
  for (int threads : {1, 4}) {
    Progress progress;
    std::atomic<int> with_counter{0};
    {
      ProgressScope scope(&progress);
      parallel_for(kParts, threads, [&](std::size_t p) {
        with_counter += current_progress() == &progress;
        progress_advance(p + 1);  // unequal units per part, each part counted once
      });
    }
    EXPECT_EQ(with_counter.load(), static_cast<int>(kParts));
    EXPECT_EQ(progress.done.load(), kParts * (kParts + 1) / 2);
    EXPECT_EQ(current_progress(), nullptr);  // the scope restored "none"
  }
  progress_advance(5);  // no counter installed: nothing to do, no crash
}

TEST(Interner, OfUniqueRefusesARepeatedTerm) {
  const std::vector<std::string> terms{"kon_tum", "attapư", "hợp_tác"};
  const Interner v = Interner::of_unique(terms);
  for (std::size_t j = 0; j < terms.size(); ++j) EXPECT_EQ(v.find(terms[j]), j);
  try {
    Interner::of_unique(std::vector<std::string>{"a", "b", "a"});
    FAIL() << "a repeated term was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "Duplicate term in vocabulary: 'a'");
  }
}

TEST(MemoryBudget, RefusesOverTheBudgetWithOneMessage) {
  EXPECT_NO_THROW(check_memory_budget(1000, 1000, 8, 0, "matrix", "advice"));         // 0: no limit
  EXPECT_NO_THROW(check_memory_budget(1024, 1024, 8, 8u << 20, "matrix", "advice"));  // exactly the budget
  try {
    check_memory_budget(2048, 1024, 8, 8u << 20, "similarity matrix", "use top-k");
    FAIL() << "16 MiB passed an 8 MiB budget";
  } catch (const MemoryBudgetError& e) {
    EXPECT_STREQ(e.what(), "a dense 2048 x 1024 similarity matrix needs 16 MiB, over the budget of 8 MiB; use top-k");
  }
  EXPECT_THROW(check_memory_budget(2048, 1024, 8, 8u << 20, "m", "a"), std::bad_alloc);  // MemoryError
}

TEST(InputError, NamesTheDocumentAndTheByteOffset) {
  const InputError in_corpus(3, 17, "invalid byte sequence");
  EXPECT_STREQ(in_corpus.what(), "document 3, byte offset 17: invalid byte sequence");
  EXPECT_EQ(in_corpus.document, 3u);
  EXPECT_EQ(in_corpus.offset, 17u);
  const InputError one_text(InputError::kNoDocument, 0, "x");
  EXPECT_STREQ(one_text.what(), "byte offset 0: x");
  EXPECT_THROW(throw InputError(0, 0, "x"), std::invalid_argument);  // ValueError in Python
}
