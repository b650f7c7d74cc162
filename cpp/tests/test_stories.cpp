#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>

#include "mekong/stories/stories.hpp"

using namespace mekong;

namespace {

NeighbourLists chain_example() {
  // 0-1-2 are one story (all pairs similar); 3 resembles 2 only (a shared footer), 4 resembles 3.
  NeighbourLists nb;
  nb.rows = 5;
  nb.k = 2;
  nb.index = {1, 2, 0, 2, 0, 1, 2, 4, 3, -1};
  nb.score = {0.8, 0.7, 0.8, 0.75, 0.7, 0.75, 0.6, 0.55, 0.55, NAN};
  return nb;
}

NeighbourLists random_lists(std::size_t n, std::size_t k, unsigned seed) {
  std::mt19937 g(seed);
  std::uniform_real_distribution<double> u(0, 1);
  NeighbourLists nb;
  nb.rows = n;
  nb.k = k;
  for (std::size_t i = 0; i < n; ++i) {
    std::vector<std::size_t> others;
    for (std::size_t j = 0; j < n; ++j)
      if (j != i) others.push_back(j);
    std::shuffle(others.begin(), others.end(), g);
    std::vector<double> s;
    for (std::size_t q = 0; q < k; ++q) s.push_back(std::round(u(g) * 1000) / 1000);
    std::sort(s.rbegin(), s.rend());
    for (std::size_t q = 0; q < k; ++q) {
      const bool pad = u(g) < 0.1;  // some rows have fewer neighbours
      nb.index.push_back(pad ? -1 : static_cast<std::int64_t>(others[q]));
      nb.score.push_back(pad ? NAN : s[q]);
    }
  }
  return nb;
}

// Brute-force UPGMA over the dense similarity the lists define (0 for unlisted pairs and for pairs
// outside the window); with dates, two groups merge only if all their known dates lie within the window.
std::vector<std::vector<std::size_t>> reference_groups(const NeighbourLists& nb, double thr,
                                                       const std::vector<double>* dates, double window) {
  const std::size_t n = nb.rows, k = nb.k;
  std::vector<std::vector<double>> sim(n, std::vector<double>(n, 0.0));
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t q = 0; q < k; ++q) {
      if (nb.index[i * k + q] < 0) continue;
      const auto j = static_cast<std::size_t>(nb.index[i * k + q]);
      if (dates && std::isfinite((*dates)[i]) && std::isfinite((*dates)[j]) &&
          std::fabs((*dates)[i] - (*dates)[j]) > window)
        continue;
      sim[i][j] = sim[j][i] = std::max(sim[i][j], nb.score[i * k + q]);
    }
  std::vector<std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < n; ++i) groups.push_back({i});
  while (true) {
    double best = thr;
    std::size_t ba = 0, bb = 0;
    bool found = false;
    for (std::size_t a = 0; a < groups.size(); ++a)
      for (std::size_t b = a + 1; b < groups.size(); ++b) {
        double sum = 0;
        for (auto x : groups[a])
          for (auto y : groups[b]) sum += sim[x][y];
        const double avg = sum / static_cast<double>(groups[a].size() * groups[b].size());
        std::vector<std::size_t> both = groups[a];
        both.insert(both.end(), groups[b].begin(), groups[b].end());
        bool within = true;
        for (auto x : both)
          for (auto y : both)
            if (dates && std::isfinite((*dates)[x]) && std::isfinite((*dates)[y]) &&
                std::fabs((*dates)[x] - (*dates)[y]) > window)
              within = false;
        if (avg > best && within) {
          best = avg;
          ba = a;
          bb = b;
          found = true;
        }
      }
    if (!found) break;
    groups[ba].insert(groups[ba].end(), groups[bb].begin(), groups[bb].end());
    groups.erase(groups.begin() + static_cast<std::ptrdiff_t>(bb));
  }
  return groups;
}

void expect_same_partition(const std::vector<std::vector<std::size_t>>& groups, const std::vector<std::int64_t>& labels,
                           unsigned seed) {
  std::vector<std::int64_t> group_of(labels.size());
  for (std::size_t g = 0; g < groups.size(); ++g)
    for (auto x : groups[g]) group_of[x] = groups[g].size() < 2 ? -1 : static_cast<std::int64_t>(g);
  for (std::size_t x = 0; x < labels.size(); ++x) {
    EXPECT_EQ(labels[x] < 0, group_of[x] < 0) << "seed " << seed << " row " << x;
    for (std::size_t y = 0; y < labels.size(); ++y)
      if (labels[x] >= 0 && group_of[x] >= 0)
        EXPECT_EQ(labels[x] == labels[y], group_of[x] == group_of[y]) << "seed " << seed;
  }
}

}  // namespace

TEST(StoryStage, AverageLinkageDoesNotChain) {
  const NeighbourLists nb = chain_example();
  EXPECT_EQ(story_linkage(nb, {0.5}), (std::vector<std::int64_t>{0, 0, 0, 1, 1}));
  // Single linkage at 0.5 would join all five; average linkage keeps 3 out of {0,1,2}: its
  // average with them is 0.6 / 3 = 0.2.
  EXPECT_EQ(story_linkage(nb, {0.73}), (std::vector<std::int64_t>{0, 0, -1, -1, -1}));  // {0,1} vs 2: 0.725
  EXPECT_EQ(story_linkage(nb, {0.9}), (std::vector<std::int64_t>{-1, -1, -1, -1, -1}));
}

TEST(StoryStage, WindowSeparatesDistantDates) {
  const NeighbourLists nb = chain_example();
  const std::vector<double> dates = {0, 1, 2, 400, NAN};  // 3 is a year later; 4 has no date
  LinkageConfig cfg{0.5, &dates, 7.0};
  // 2-3 is cut by the window; 3-4 stays (4's date is unknown).
  EXPECT_EQ(story_linkage(nb, cfg), (std::vector<std::int64_t>{0, 0, 0, 1, 1}));
  const std::vector<double> far = {0, 100, 200, 300, 400};
  LinkageConfig all_far{0.5, &far, 7.0};
  EXPECT_EQ(story_linkage(nb, all_far), (std::vector<std::int64_t>{-1, -1, -1, -1, -1}));
  const std::vector<double> short_dates = {0, 1};
  EXPECT_THROW(story_linkage(nb, LinkageConfig{0.5, &short_dates, 7.0}), std::invalid_argument);
}

TEST(StoryStage, WindowBoundsTheWholeStoryNotOnlyEachLinkedPair) {
  // 0 and 2 are 10 days apart and never listed together; 1 has no date and is close to both.
  // Pairwise, 0-1 and 1-2 pass the window, and UPGMA would make one story of three (the events set's
  // rice-price reports of March and October joined through undated ones so).
  NeighbourLists nb;
  nb.rows = 3;
  nb.k = 1;
  nb.index = {1, 2, 1};
  nb.score = {0.9, 0.9, 0.9};
  const std::vector<double> dates = {0, NAN, 10};
  EXPECT_EQ(story_linkage(nb, {0.3}), (std::vector<std::int64_t>{0, 0, 0}));  // no window: one story
  EXPECT_EQ(story_linkage(nb, {0.3, &dates, 6.0}), (std::vector<std::int64_t>{0, 0, -1}));
  EXPECT_EQ(story_linkage(nb, {0.3, &dates, 10.0}), (std::vector<std::int64_t>{0, 0, 0}));  // span 10: within
}

TEST(StoryStage, LinkageEqualsBruteForceOnRandomGraphs) {
  for (unsigned seed = 1; seed < 40; ++seed) {
    const NeighbourLists nb = random_lists(14, 4, seed);
    std::vector<double> dates;
    std::mt19937 g(seed);
    for (std::size_t i = 0; i < nb.rows; ++i) dates.push_back(g() % 5 == 0 ? NAN : static_cast<double>(g() % 20));
    expect_same_partition(reference_groups(nb, 0.3, nullptr, 0), story_linkage(nb, {0.3}), seed);
    expect_same_partition(reference_groups(nb, 0.3, &dates, 6.0), story_linkage(nb, {0.3, &dates, 6.0}), seed);
  }
}

TEST(StoryStage, RejectsBadLists) {
  NeighbourLists nb = chain_example();
  nb.index[0] = 0;  // itself
  EXPECT_THROW(story_linkage(nb, {0.5}), std::invalid_argument);
  nb.index[0] = 5;  // out of range
  EXPECT_THROW(rerank_neighbours(nb), std::invalid_argument);
  nb = chain_example();
  nb.score.pop_back();
  EXPECT_THROW(story_linkage(nb, {0.5}), std::invalid_argument);
  EXPECT_THROW(story_linkage(chain_example(), {NAN}), std::invalid_argument);
}

TEST(StoryStage, RerankByHand) {
  // 0: [1 .5, 2 .4]   1: [0 .5, 2 .3]   2: [0 .4, 3 .2]   3: [2 .2]
  NeighbourLists nb;
  nb.rows = 4;
  nb.k = 2;
  nb.index = {1, 2, 0, 2, 0, 3, 2, -1};
  nb.score = {0.5, 0.4, 0.5, 0.3, 0.4, 0.2, 0.2, NAN};
  const NeighbourLists r = rerank_neighbours(nb);
  // Profiles over third documents: (0, 1) both see only 2 (c = 1): 0.5 stays. (0, 2): 0 sees 1, 2
  // sees 3 (c = 0): 0.4 halves to 0.2. (1, 2): 1 sees {0: .5}, 2 sees {0: .4, 3: .2}, so
  // c = .2 / (.5 * sqrt(.2)) and the score is .3 (1 + c) / 2. (2, 3): 3 has no third neighbour but 2
  // has (c = 0): 0.1.
  const double c12 = 0.2 / (0.5 * std::sqrt(0.2));
  EXPECT_EQ(r.index, (std::vector<std::int64_t>{1, 2, 0, 2, 0, 3, 2, -1}));
  EXPECT_NEAR(r.score[0], 0.5, 1e-15);
  EXPECT_NEAR(r.score[1], 0.2, 1e-15);
  EXPECT_NEAR(r.score[2], 0.5, 1e-15);
  EXPECT_NEAR(r.score[3], 0.3 * (1 + c12) / 2, 1e-15);
  EXPECT_NEAR(r.score[4], 0.2, 1e-15);
  EXPECT_NEAR(r.score[5], 0.1, 1e-15);
  EXPECT_NEAR(r.score[6], 0.1, 1e-15);
  EXPECT_TRUE(std::isnan(r.score[7]));
  // Two documents with no third neighbour: no evidence either way, the plain score stands.
  NeighbourLists pair;
  pair.rows = 2;
  pair.k = 1;
  pair.index = {1, 0};
  pair.score = {0.3, 0.3};
  EXPECT_EQ(rerank_neighbours(pair).score, (std::vector<double>{0.3, 0.3}));
  // The same for any n_jobs.
  const NeighbourLists big = random_lists(3000, 6, 7);
  const NeighbourLists a = rerank_neighbours(big, 1), b = rerank_neighbours(big, -1);
  EXPECT_EQ(a.index, b.index);
  for (std::size_t i = 0; i < a.score.size(); ++i)
    if (!std::isnan(a.score[i])) EXPECT_EQ(a.score[i], b.score[i]);
}

TEST(StoryStage, CalibrationFindsTheValley) {
  // Two populations of scores: many around 0.1 (same topic), a few around 0.4 (same event).
  NeighbourLists nb;
  std::mt19937 g(3);
  std::normal_distribution<double> low(0.1, 0.03), high(0.4, 0.04);
  nb.rows = 400;
  nb.k = 5;
  for (std::size_t i = 0; i < nb.rows; ++i)
    for (std::size_t q = 0; q < nb.k; ++q) {
      nb.index.push_back(static_cast<std::int64_t>((i + q + 1) % nb.rows));
      nb.score.push_back(q < 1 ? high(g) : std::max(0.0, low(g)));
    }
  const double t = calibrate_threshold(nb);
  EXPECT_GT(t, 0.2);
  EXPECT_LT(t, 0.3);
  EXPECT_DOUBLE_EQ(calibrate_threshold(nb, 0.35), 0.35);  // the floor
  NeighbourLists none;
  EXPECT_EQ(calibrate_threshold(none), 1.0);  // nothing to read: nothing links
}
