// Plain counting's raw-token memo (term_ids' plain loops, bytes and code units: one inlined probe a
// token whose hash also places a new token): counts and vocabulary equal to counting each
// document's tokens as strings, on long-tailed corpora whose memos grow many times over.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "mekong/pipeline.hpp"
#include "mekong/text/analyzer.hpp"
#include "count_reference.hpp"

using namespace mekong;

namespace {

using mekong_test::count_by_strings;
using mekong_test::expect_same;
using mekong_test::StrDocuments;

// A long-tailed vocabulary: Latin and Vietnamese letters (1-3 bytes each in UTF-8), 1-14 letters
// a token, so keys of both CodedKeys forms (at most 8 bytes, stored whole; longer, confirmed in
// the arena) and of every code-unit width.
std::vector<std::string> random_vocabulary(std::mt19937& rng, int n) {
  const std::vector<std::string> letters = {"a", "b", "c", "d", "e", "g", "h", "i", "k", "l", "m", "n",
                                            "o", "t", "u", "y", "A", "T", "N", "é", "ư", "ơ", "đ", "Đ",
                                            "ạ", "ế", "ộ", "ữ", "ỳ", "à", "ã", "ñ", "ß", "0", "7"};
  std::set<std::string> seen;
  std::vector<std::string> out;
  while (static_cast<int>(out.size()) < n) {
    std::string t;
    const int len = 1 + static_cast<int>(rng() % (rng() % 4 == 0 ? 14 : 6));
    for (int k = 0; k < len; ++k) t += letters[rng() % letters.size()];
    if (seen.insert(t).second) out.push_back(t);
  }
  return out;
}

// A token of the vocabulary, Zipf-like: a few very common, most rare.
const std::string& pick(std::mt19937& rng, const std::vector<std::string>& vocab) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double x = u(rng);
  return vocab[static_cast<std::size_t>(x * x * x * static_cast<double>(vocab.size())) % vocab.size()];
}

// Documents: empty ones, one-token ones, long ones (up to 600 tokens), a token repeated at once
// and a few tokens later (1-17 tokens back), NFD forms (decomposed tone marks: the byte path
// composes them), links, numbers and punctuation between tokens.
std::vector<std::string> random_corpus(std::mt19937& rng, const std::vector<std::string>& vocab, int n_docs) {
  const std::vector<std::string> gaps = {" ", " ", " ", " ", "  ", "\t", "\n", ", ", ". ", " - ", "\xC2\xA0", "("};
  const std::vector<std::string> extra = {"ha\xCC\x80",
                                          "no\xCC\xA3\xCC\x82i",
                                          "Vie\xCC\xA3\xCC\x82t",
                                          "e\xCC\x81",
                                          "http://vnexpress.net/a-b",
                                          "ban@vi.vn",
                                          "www.example.com",
                                          "3.500",
                                          "2024",
                                          "COVID-19"};
  std::vector<std::string> docs;
  for (int d = 0; d < n_docs; ++d) {
    const unsigned kind = rng() % 8;
    const int n = kind == 0   ? 0
                  : kind == 1 ? 1
                  : kind == 2 ? static_cast<int>(rng() % 8)
                              : static_cast<int>(rng() % 600);
    std::vector<std::string> toks;
    for (int i = 0; i < n; ++i) {
      const unsigned r = rng() % 20;
      if (r == 0 && !toks.empty()) {
        toks.push_back(toks[toks.size() - 1 - rng() % std::min<std::size_t>(toks.size(), 17)]);
      } else if (r == 1) {
        toks.push_back(extra[rng() % extra.size()]);
      } else {
        toks.push_back(pick(rng, vocab));
      }
    }
    std::string doc;
    for (std::size_t i = 0; i < toks.size(); ++i) {
      if (i) doc += gaps[rng() % gaps.size()];
      doc += toks[i];
    }
    if (kind == 3) doc = "  " + doc + " ";  // leading and trailing separators
    docs.push_back(doc);
  }
  return docs;
}

}  // namespace

// The plain count (bytes, and strs read from their own storage in their narrowest width) against
// the documents' tokens counted as strings, on 1-3 threads.
TEST(PlainMemo, PlainCountEqualsTokensCountedAsStrings) {
  std::mt19937 rng(29);
  int compared = 0;
  for (int round = 0; round < 12; ++round) {
    const std::vector<std::string> vocab = random_vocabulary(rng, round % 3 == 0 ? 40 : 4000);
    const std::vector<std::string> docs = random_corpus(rng, vocab, 1 + static_cast<int>(rng() % 160));
    RawDocuments bytes;
    bytes.utf8.assign(docs.size(), 1);
    for (const auto& d : docs) bytes.bytes.emplace_back(d);
    const StrDocuments strs(docs);
    const RawDocuments& units = strs.units;
    AnalyzerConfig cfg;
    if (round % 2) cfg.stop_words = {vocab[0], vocab[1], vocab[vocab.size() / 2], "là"};
    if (round % 4 == 3) cfg.segment.urls = LinkPolicy::keep;
    const Analyzer analyzer(cfg);
    const CountResult want = count_by_strings(analyzer, docs);
    for (int n_jobs : {1, 2, 3}) {
      CountConfig cc;
      cc.n_jobs = n_jobs;
      const std::string what = "round " + std::to_string(round) + " n_jobs " + std::to_string(n_jobs);
      expect_same(count_corpus(bytes, analyzer, cc).counts, want, what + " bytes");
      expect_same(count_corpus(units, analyzer, cc).counts, want, what + " units");
      ++compared;
    }
  }
  EXPECT_EQ(compared, 36);
}
