#include <gtest/gtest.h>

#include <map>
#include <sstream>

#include "mekong/error.hpp"
#include "mekong/matrix/count.hpp"
#include "mekong/pipeline.hpp"

using namespace mekong;

namespace {

// Documents given directly as lists of terms.
class ListSource : public TermSource {
 public:
  explicit ListSource(std::vector<std::vector<std::string>> docs) : docs_(std::move(docs)) {}
  std::size_t size() const override { return docs_.size(); }
  std::size_t weight(std::size_t d) const override { return docs_[d].size() * 8; }
  std::unique_ptr<Reader> reader() const override {
    struct R : Reader {
      const ListSource& s;
      explicit R(const ListSource& src) : s(src) {}
      void terms(std::size_t d, TermBuffer& out) override {
        out.clear();
        for (auto& t : s.docs_[d]) out.push(t);
      }
    };
    return std::make_unique<R>(*this);
  }
  std::vector<std::vector<std::string>> docs_;
};

// Reference: a map per document, then a sorted vocabulary. Slow and obviously right.
std::vector<std::map<std::string, std::int64_t>> reference(const std::vector<std::vector<std::string>>& docs) {
  std::vector<std::map<std::string, std::int64_t>> out;
  for (auto& d : docs) {
    std::map<std::string, std::int64_t> m;
    for (auto& t : d) ++m[t];
    out.push_back(m);
  }
  return out;
}

void expect_matches(const CountResult& r, const std::vector<std::map<std::string, std::int64_t>>& ref) {
  ASSERT_EQ(r.matrix.rows, ref.size());
  for (std::size_t i = 0; i < ref.size(); ++i) {
    std::map<std::string, std::int64_t> row;
    for (auto k = r.matrix.indptr[i]; k < r.matrix.indptr[i + 1]; ++k) {
      if (k > r.matrix.indptr[i]) EXPECT_LT(r.matrix.indices[k - 1], r.matrix.indices[k]);
      row[r.vocabulary[r.matrix.indices[k]]] = r.matrix.data[k];
    }
    EXPECT_EQ(row, ref[i]) << "row " << i;
  }
}

std::vector<std::vector<std::string>> random_docs(std::size_t n, unsigned seed) {
  std::vector<std::vector<std::string>> docs(n);
  unsigned x = seed;
  for (auto& d : docs) {
    x = x * 1103515245 + 12345;
    const std::size_t len = (x >> 16) % 40;
    for (std::size_t k = 0; k < len; ++k) {
      x = x * 1103515245 + 12345;
      d.push_back("t" + std::to_string((x >> 16) % 300));
    }
  }
  return docs;
}

}  // namespace

TEST(Count, SmallCorpusSortedVocabularyAndEmptyRows) {
  ListSource src({{"b", "a", "b"}, {}, {"c", "a"}});
  const CountResult r = count_and_learn(src, {});
  EXPECT_EQ(r.vocabulary, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(r.matrix.indptr, (std::vector<std::int64_t>{0, 2, 2, 4}));
  EXPECT_EQ(r.matrix.indices, (std::vector<std::int32_t>{0, 1, 0, 2}));
  EXPECT_EQ(r.matrix.data, (std::vector<std::int64_t>{1, 2, 1, 1}));
}

TEST(Count, MatchesReferenceOnRandomCorpora) {
  for (unsigned seed = 1; seed < 6; ++seed) {
    ListSource src(random_docs(200, seed));
    expect_matches(count_and_learn(src, {}), reference(src.docs_));
  }
}

TEST(Count, ThreadCountDoesNotChangeTheResult) {
  // Large enough to be split between threads.
  ListSource src(random_docs(40000, 7));
  CountConfig one, four;
  four.n_jobs = 4;
  const CountResult a = count_and_learn(src, one), b = count_and_learn(src, four);
  EXPECT_EQ(a.vocabulary, b.vocabulary);
  EXPECT_EQ(a.matrix.indptr, b.matrix.indptr);
  EXPECT_EQ(a.matrix.indices, b.matrix.indices);
  EXPECT_EQ(a.matrix.data, b.matrix.data);
}

TEST(Count, DocumentFrequencyLimitsAndMaxFeatures) {
  ListSource src({{"a", "b", "c"}, {"a", "b"}, {"a", "d", "d", "d"}});
  CountConfig c;
  c.min_df = 2;
  EXPECT_EQ(count_and_learn(src, c).vocabulary, (std::vector<std::string>{"a", "b"}));
  c = {};
  c.max_df = 0.9;  // a is in all 3 documents
  EXPECT_EQ(count_and_learn(src, c).vocabulary, (std::vector<std::string>{"b", "c", "d"}));
  c = {};
  c.max_features = 2;  // totals: a 3, d 3, b 2, c 1
  EXPECT_EQ(count_and_learn(src, c).vocabulary, (std::vector<std::string>{"a", "d"}));
  c.binary = true;  // document frequencies: a 3, b 2, d 1
  EXPECT_EQ(count_and_learn(src, c).vocabulary, (std::vector<std::string>{"a", "b"}));
}

TEST(Count, ErrorsAreArgumentErrors) {
  ListSource empty_corpus({});
  EXPECT_THROW(count_and_learn(empty_corpus, {}), std::invalid_argument);
  ListSource no_terms({{}, {}});
  EXPECT_THROW(count_and_learn(no_terms, {}), std::invalid_argument);
  ListSource src({{"a"}, {"b"}});
  CountConfig c;
  c.min_df = 3;
  EXPECT_THROW(count_and_learn(src, c), std::invalid_argument);
  c = {};
  c.min_df = 2;
  c.max_df = 1;
  c.max_df_is_count = true;
  EXPECT_THROW(count_and_learn(src, c), std::invalid_argument);
}

TEST(Count, FixedVocabularyKeepsItsOrder) {
  ListSource src({{"z", "a", "q", "z"}, {"q"}});
  Interner voc;
  voc.intern("z");
  voc.intern("a");
  const Csr<std::int64_t> m = count_fixed(src, voc, false, 1);
  EXPECT_EQ(m.cols, 2u);
  EXPECT_EQ(m.indptr, (std::vector<std::int64_t>{0, 2, 2}));
  EXPECT_EQ(m.indices, (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(m.data, (std::vector<std::int64_t>{2, 1}));
}

TEST(Count, CancelFlagStopsTheWork) {
  ListSource src(random_docs(1000, 3));
  std::atomic<bool> cancel{true};
  EXPECT_THROW(count_and_learn(src, {}, &cancel), Cancelled);
}

TEST(Pipeline, AnalyzerFeedsTheCount) {
  AnalyzerConfig ac;
  Analyzer analyzer(ac);
  RawDocuments docs;
  const std::string bad = "Ho\xC3 hoà";
  docs.bytes = {"Tỉnh uỷ và Tỉnh ủy", "", bad};
  const CorpusCounts r = count_corpus(docs, analyzer, {});
  EXPECT_EQ(r.counts.vocabulary, (std::vector<std::string>{"ho", "hòa", "tỉnh", "và", "ủy"}));  // U+FFFD separates
  EXPECT_EQ(r.counts.matrix.rows, 3u);
  EXPECT_EQ(r.stats[2].replaced, 1u);
  EXPECT_EQ(r.stats[2].first_invalid, 2u);
  EXPECT_EQ(r.stats[0].replaced, 0u);
}

TEST(Pipeline, StrictDecodingNamesTheDocumentAndByte) {
  Analyzer analyzer(AnalyzerConfig{});
  RawDocuments docs;
  const std::string bad = "Ho\xC3 hoà";
  docs.bytes = {"Tỉnh uỷ", "", bad};
  docs.strict = true;
  for (int n_jobs : {1, 3}) {
    CountConfig cfg;
    cfg.n_jobs = n_jobs;
    try {
      count_corpus(docs, analyzer, cfg);
      FAIL() << "strict decoding counted an invalid document";
    } catch (const InputError& e) {
      EXPECT_EQ(e.document, 2u);
      EXPECT_EQ(e.offset, 2u);
    }
  }
  Interner vocabulary = Interner::of_unique(std::vector<std::string>{"tỉnh"});
  EXPECT_THROW(count_corpus_fixed(docs, analyzer, vocabulary, false, 1), InputError);
  docs.bytes.pop_back();
  EXPECT_EQ(count_corpus(docs, analyzer, {}).counts.matrix.rows, 2u);  // valid input: counted as ever
}

TEST(Pipeline, StopWordsAndNgrams) {
  AnalyzerConfig ac;
  ac.stop_words = {"Và"};
  ac.ngram_range.first = 1;
  ac.ngram_range.second = 2;
  Analyzer analyzer(ac);
  auto w = analyzer.worker();
  TermBuffer out;
  w.analyze("Kon Tum và Attapư", out);
  std::vector<std::string> terms;
  for (std::size_t i = 0; i < out.size(); ++i) terms.emplace_back(out[i]);
  EXPECT_EQ(terms, (std::vector<std::string>{"kon", "tum", "attapư", "kon tum", "tum attapư"}));
}
