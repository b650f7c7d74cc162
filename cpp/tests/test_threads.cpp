// Every stage that runs on the core's threads, run with n_jobs > 1 on a corpus large enough to be
// split, and compared with n_jobs = 1 (results are bit-identical for any n_jobs). Under the
// ThreadSanitizer build (MEKONG_SANITIZE=thread) these are what shows a data race: shared
// Normalizer / ICU singletons, per-thread BreakIterators and transliterators, the alias merge, the
// accumulator pool, the cancel flag set from another thread.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <random>
#include <thread>

#include "mekong/error.hpp"
#include "mekong/matrix/weight.hpp"
#include "mekong/pipeline.hpp"
#include "mekong/similarity/similarity.hpp"
#include "mekong/util/parallel.hpp"

using namespace mekong;

namespace {

// A corpus of generated articles: Vietnamese syllables (NFC and NFD), names, links, markup, a
// shared footer line, Thai and Lao runs (ICU's dictionary segmentation), invalid bytes.
struct Corpus {
  std::vector<std::string> texts;
  RawDocuments raw;
};

Corpus make_corpus(std::size_t n, unsigned seed) {
  static const char* const kSyllables[] = {
      "hợp", "tác", "kinh", "tế",    "tỉnh", "ủy", "hoà", "bình", "cửa", "khẩu", "Vie\u0323\u0302t",
      "nam", "mưa", "lớn",  "đường", "ngập", "và", "của"};
  static const char* const kNames[] = {"Kon Tum", "Ắt-ta-pư", "Attapư", "Lê Ngọc Tuấn", "Lào", "Chăm-pa-sắc"};
  static const char* const kExtras[] = {
      "https://bao.vn/tin/a.html", "lien.he@bao.vn", "<b>đậm</b> &amp;", "ประเทศไทยสวัสดี", "ສະບາຍດີປະເທດລາວ", "\xff\xfe",
      "[Tin](https://a.vn/x)"};
  std::mt19937 g(seed);
  Corpus c;
  for (std::size_t d = 0; d < n; ++d) {
    std::string t;
    const std::size_t lines = 1 + g() % 5;
    for (std::size_t l = 0; l < lines; ++l) {
      const std::size_t words = 4 + g() % 16;
      for (std::size_t w = 0; w < words; ++w) {
        if (w) t += ' ';
        const unsigned r = g() % 20;
        if (r == 0)
          t += kNames[g() % 6];
        else if (r == 1)
          t += kExtras[g() % 7];
        else
          t += kSyllables[g() % 18];
      }
      t += ". \n";
    }
    if (d % 3 == 0) t += "Trang chủ Thời sự Kinh tế Văn hóa\n";  // furniture shared across pages
    c.texts.push_back(std::move(t));
  }
  for (const std::string& t : c.texts) c.raw.bytes.emplace_back(t);
  return c;
}

AnalyzerConfig rich_config() {
  AnalyzerConfig ac;
  ac.clean = true;
  ac.aliases = true;
  ac.stop_words = {"và", "của"};
  ac.ngram_range.second = 2;
  return ac;
}

void expect_same(const Csr<std::int64_t>& a, const Csr<std::int64_t>& b) {
  EXPECT_EQ(a.rows, b.rows);
  EXPECT_EQ(a.indptr, b.indptr);
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_EQ(a.data, b.data);
}

}  // namespace

TEST(Threads, CountCorpusPlainAndRichPathsMatchSerial) {
  const Corpus c = make_corpus(600, 1);
  for (const AnalyzerConfig& ac : {AnalyzerConfig{}, rich_config()}) {
    const Analyzer analyzer(ac);
    CountConfig one, four;
    four.n_jobs = 4;
    const CorpusCounts a = count_corpus(c.raw, analyzer, one), b = count_corpus(c.raw, analyzer, four);
    EXPECT_EQ(a.counts.vocabulary, b.counts.vocabulary);
    expect_same(a.counts.matrix, b.counts.matrix);
    EXPECT_EQ(a.aliases, b.aliases);
    ASSERT_EQ(b.stats.size(), c.raw.bytes.size());
    for (std::size_t i = 0; i < b.stats.size(); ++i) EXPECT_EQ(a.stats[i].replaced, b.stats[i].replaced);

    Interner vocab;
    for (const std::string& t : a.counts.vocabulary) vocab.intern(t);
    expect_same(count_corpus_fixed(c.raw, analyzer, vocab, false, 4).matrix, a.counts.matrix);
  }
}

TEST(Threads, LearningPassesMatchSerial) {
  const Corpus c = make_corpus(400, 2);
  const Analyzer analyzer(rich_config());
  EXPECT_EQ(learn_repeated_lines(c.raw, analyzer, 2, 1), learn_repeated_lines(c.raw, analyzer, 2, 4));
  const NameEvidence e1 = learn_name_evidence(c.raw, analyzer, 1), e4 = learn_name_evidence(c.raw, analyzer, 4);
  EXPECT_EQ(e1.lower.size(), e4.lower.size());
  EXPECT_EQ(e1.names.size(), e4.names.size());
  PhraseConfig pc;
  pc.min_count = 2;
  pc.threshold = 0.1;
  const PhraseModel p1 = learn_phrases(c.raw, analyzer, pc, nullptr, 1);
  const PhraseModel p4 = learn_phrases(c.raw, analyzer, pc, nullptr, 4);
  const auto pairs1 = p1.pairs(), pairs4 = p4.pairs();
  ASSERT_EQ(pairs1.size(), pairs4.size());
  ASSERT_FALSE(pairs1.empty());
  for (std::size_t i = 0; i < pairs1.size(); ++i) {
    EXPECT_EQ(pairs1[i].left, pairs4[i].left);
    EXPECT_EQ(pairs1[i].right, pairs4[i].right);
    EXPECT_EQ(pairs1[i].score, pairs4[i].score);
  }
}

TEST(Threads, WeightAndSimilarityMatchSerial) {
  const Corpus c = make_corpus(700, 3);
  const Analyzer analyzer{AnalyzerConfig{}};
  const CorpusCounts counts = count_corpus(c.raw, analyzer, {});
  const Csr<std::int64_t>& m = counts.counts.matrix;
  const std::vector<double> values(m.data.begin(), m.data.end());
  const std::vector<std::int64_t> indices(m.indices.begin(), m.indices.end());
  const CsrView<double, std::int64_t> V{m.indptr.data(), indices.data(), values.data(), m.rows, m.cols};
  const auto idf = tfidf_idf<double>(document_frequency(V), m.rows, true);
  std::vector<double> w1(values.size()), w4(values.size());
  tfidf_weight(V, idf.data(), true, Norm::l2, w1.data(), 1);
  tfidf_weight(V, idf.data(), true, Norm::l2, w4.data(), 4);
  EXPECT_EQ(w1, w4);
  const auto bidf = bm25_idf<double>(document_frequency(V), m.rows);
  bm25_weight(V, bidf.data(), 1.2, 0.75, mean_row_sum(V), Norm::none, w1.data(), 1);
  bm25_weight(V, bidf.data(), 1.2, 0.75, mean_row_sum(V), Norm::none, w4.data(), 4);
  EXPECT_EQ(w1, w4);

  CsrView<double, std::int64_t> W = V;
  W.data = w1.data();
  const CsrView<double, std::int64_t>* self = nullptr;  // Y = X
  for (Metric metric : {Metric::cosine, Metric::jaccard}) {
    SimilarityConfig one, four;
    one.metric = four.metric = metric;
    four.n_jobs = 4;
    EXPECT_EQ(similarity_matrix(W, self, one), similarity_matrix(W, self, four));
    const TopK<double> a = top_k_similar(W, self, 5, 0.0, one), b = top_k_similar(W, self, 5, 0.0, four);
    EXPECT_EQ(a.index, b.index);
    EXPECT_EQ(a.score, b.score);
  }
}

TEST(Threads, CancelFromAnotherThreadStopsTheWork) {
  const Corpus c = make_corpus(3000, 4);
  const Analyzer analyzer(rich_config());
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    cancel = true;
  });
  CountConfig four;
  four.n_jobs = 4;
  bool cancelled = false;
  try {
    count_corpus(c.raw, analyzer, four, &cancel);
  } catch (const Cancelled&) {
    cancelled = true;
  }
  canceller.join();
  // Fast machines may finish first; either way the flag was read while workers ran.
  if (!cancelled) SUCCEED() << "finished before the flag was set";
  EXPECT_THROW(count_corpus(c.raw, analyzer, four, &cancel), Cancelled);  // set before the start
}

TEST(Threads, ParallelForReportsTheFirstErrorAndJoinsAll) {
  std::atomic<int> ran{0};
  EXPECT_THROW(parallel_for(64, 4,
                            [&](std::size_t p) {
                              ++ran;
                              if (p % 7 == 3) throw std::invalid_argument("part " + std::to_string(p));
                            }),
               std::invalid_argument);
  EXPECT_GE(ran.load(), 1);
}
