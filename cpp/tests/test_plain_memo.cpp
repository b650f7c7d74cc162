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

using namespace mekong;

namespace {

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

std::u32string code_points(const std::string& s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int len = b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
    char32_t c = len == 1 ? b : b & (0x7F >> len);
    for (int k = 1; k < len; ++k) c = c << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    out.push_back(c);
    i += len;
  }
  return out;
}

// The reference: each document's tokens as strings (Worker::tokens), stop words dropped, counted
// with a map; columns in sorted order.
CountResult count_by_strings(const Analyzer& analyzer, const std::vector<std::string>& docs) {
  auto worker = analyzer.worker();
  std::vector<std::map<std::string, std::int64_t>> rows(docs.size());
  std::set<std::string> vocabulary;
  TermBuffer terms;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    worker.tokens(docs[d], terms, true);
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const std::string term(terms[t]);
      if (analyzer.is_stop_word(term)) continue;
      ++rows[d][term];
      vocabulary.insert(term);
    }
  }
  CountResult out;
  out.vocabulary.assign(vocabulary.begin(), vocabulary.end());
  std::map<std::string, std::int64_t> column;
  for (const std::string& v : out.vocabulary) column.emplace(v, static_cast<std::int64_t>(column.size()));
  out.matrix.rows = docs.size();
  out.matrix.cols = out.vocabulary.size();
  for (const auto& row : rows) {
    for (const auto& [term, count] : row) {
      out.matrix.indices.push_back(column.at(term));
      out.matrix.data.push_back(count);
    }
    out.matrix.indptr.push_back(static_cast<std::int64_t>(out.matrix.indices.size()));
  }
  return out;
}

void expect_same(const CountResult& got, const CountResult& want, const std::string& what) {
  ASSERT_EQ(got.vocabulary, want.vocabulary) << what;
  EXPECT_EQ(got.matrix.rows, want.matrix.rows) << what;
  ASSERT_EQ(got.matrix.indptr.size(), want.matrix.indptr.size()) << what;
  for (std::size_t i = 0; i < want.matrix.indptr.size(); ++i)
    ASSERT_EQ(static_cast<std::int64_t>(got.matrix.indptr[i]), want.matrix.indptr[i]) << what << " row " << i;
  ASSERT_EQ(got.matrix.indices.size(), want.matrix.indices.size()) << what;
  for (std::size_t i = 0; i < want.matrix.indices.size(); ++i) {
    ASSERT_EQ(static_cast<std::int64_t>(got.matrix.indices[i]), want.matrix.indices[i]) << what << " at " << i;
    ASSERT_EQ(got.matrix.data[i], want.matrix.data[i]) << what << " at " << i;
  }
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
    std::vector<std::u32string> cps;
    std::vector<std::vector<std::uint8_t>> w1;
    std::vector<std::u16string> w2;
    cps.reserve(docs.size());
    w1.reserve(docs.size());
    w2.reserve(docs.size());
    RawDocuments units;
    units.utf8.assign(docs.size(), 1);
    units.units.resize(docs.size());
    for (std::size_t i = 0; i < docs.size(); ++i) {
      cps.push_back(code_points(docs[i]));
      char32_t top = 0;
      for (char32_t c : cps.back()) top = std::max(top, c);
      units.bytes.emplace_back();
      if (top < 0x100) {
        w1.emplace_back(cps.back().begin(), cps.back().end());
        units.units[i] = {w1.back().data(), w1.back().size(), 1};
      } else if (top < 0x10000) {
        w2.emplace_back(cps.back().begin(), cps.back().end());
        units.units[i] = {w2.back().data(), w2.back().size(), 2};
      } else {
        units.units[i] = {cps.back().data(), cps.back().size(), 4};
      }
    }
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
