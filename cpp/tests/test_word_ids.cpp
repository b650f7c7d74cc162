// Counting with words against the path that builds every term as a string: term_ids finds a
// one-syllable word's slot by the segmenter's syllable id instead of hashing the word's text, which
// must give the same words, counts and vocabulary as folding and joining each word's syllables.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "mekong/pipeline.hpp"
#include "mekong/text/analyzer.hpp"
#include "mekong/text/segment.hpp"
#include "mekong/text/words.hpp"
#include "count_reference.hpp"
#include "word_models.hpp"

using namespace mekong;

namespace {

using mekong_test::count_by_strings;
using mekong_test::expect_same;
using mekong_test::shipped_model;
using mekong_test::toy_words;

// Documents over known syllables in NFC and NFD, capitals, hyphenated names, numbers the segmenter
// glues, unknown syllables (some longer than 8 bytes, so the memo compares them in its arena), and
// gaps of one space, two spaces, a tab, a no-break space or punctuation.
std::vector<std::string> random_documents(std::mt19937& rng, int n_docs) {
  const std::vector<std::string> syl = {"các",
                                        "của",
                                        "và",
                                        "là",
                                        "người",
                                        "tỉnh",
                                        "kinh",
                                        "tế",
                                        "hợp",
                                        "tác",
                                        "với",
                                        "mưa",
                                        "lũ",
                                        "đường",
                                        "năm",
                                        "hoà",
                                        "hòa",
                                        "thủy",
                                        "Kinh",
                                        "TẾ",
                                        "Hợp",
                                        "nghiêng",
                                        "Lào",
                                        "Quốc",
                                        "Trung",
                                        "Kon",
                                        "Tum",
                                        "ha\xCC\x80",
                                        "no\xCC\xA3\xCC\x82i",
                                        "Ắt-ta-pư",
                                        "Xa-va-na-khệt",
                                        "3.500",
                                        "14/9",
                                        "10",
                                        "2024",
                                        "COVID-19",
                                        "e\xCC\x81",
                                        "đđ"};
  const std::vector<std::string> gaps = {" ", " ", " ", " ", " ", "  ", "\t", "\xC2\xA0", ", ", ". ", "-", " - "};
  std::vector<std::string> docs;
  for (int d = 0; d < n_docs; ++d) {
    std::string doc;
    const int n = static_cast<int>(rng() % 60);
    for (int i = 0; i < n; ++i) {
      if (i) doc += gaps[rng() % gaps.size()];
      const unsigned r = rng() % 10;
      if (r < 8) {
        doc += syl[rng() % syl.size()];
      } else {  // an unknown syllable, from 1 to 14 letters
        const int len = 1 + static_cast<int>(rng() % 14);
        for (int k = 0; k < len; ++k) doc += static_cast<char>((rng() % 3 == 0 ? 'A' : 'a') + rng() % 6);
      }
    }
    docs.push_back(doc);
  }
  return docs;
}

}  // namespace

TEST(WordIds, CountingWithWordsEqualsTheTermsAsStrings) {
  std::mt19937 rng(13);
  const auto shipped = shipped_model();
  const auto toy = toy_words();
  int compared = 0;
  for (int round = 0; round < 24; ++round) {
    const auto model = shipped && round % 3 != 2 ? shipped : toy;
    const std::vector<std::string> docs = random_documents(rng, 1 + static_cast<int>(rng() % 80));
    RawDocuments raw;
    for (const auto& d : docs) raw.bytes.emplace_back(d);
    AnalyzerConfig cfg;
    cfg.words = model;
    if (round % 2) cfg.stop_words = {"các", "của", "là", "kinh tế"};
    if (round % 4 == 1) cfg.user_dictionary = {{"mưa", "lũ"}};
    const Analyzer analyzer(cfg);
    CountResult want;
    try {
      want = count_by_strings(analyzer, docs);
    } catch (...) {
      continue;
    }
    if (want.vocabulary.empty()) continue;
    for (int n_jobs : {1, 2, 3}) {
      CountConfig cc;
      cc.n_jobs = n_jobs;
      // Twice: the second count's segmenters take the first's pooled memos, ids already given.
      for (int again = 0; again < 2; ++again)
        expect_same(count_corpus(raw, analyzer, cc).counts, want,
                    "round " + std::to_string(round) + " n_jobs " + std::to_string(n_jobs));
      ++compared;
    }
  }
  EXPECT_GE(compared, 60);
}

TEST(WordIds, SegmenterIdsNameEqualTokensAlike) {
  // The ids segment() hands out: equal ids for equal raw tokens and different ids for different
  // ones, across documents of one segmenter.
  std::mt19937 rng(17);
  WordSegmenter seg(toy_words());
  Segmenter tokenizer;
  std::map<std::string, std::uint32_t> id_of;
  std::map<std::uint32_t, std::string> token_of;
  for (int d = 0; d < 200; ++d) {
    const std::string doc = random_documents(rng, 1)[0];
    std::vector<Token> tokens;
    tokenizer.segment(doc, tokens);
    std::vector<std::uint8_t> begins;
    std::vector<std::uint32_t> ids;
    seg.segment(doc, tokens, begins, nullptr, ids);
    ASSERT_EQ(ids.size(), tokens.size());
    for (std::size_t i = 0; i < tokens.size(); ++i) {
      const std::string tok = doc.substr(tokens[i].begin, tokens[i].length);
      EXPECT_EQ(id_of.emplace(tok, ids[i]).first->second, ids[i]) << tok;
      EXPECT_EQ(token_of.emplace(ids[i], tok).first->second, tok) << ids[i];
    }
  }
  EXPECT_GT(id_of.size(), 100u);
}

TEST(WordIds, SegmenterIdsAreDroppedWhenTheMemoStartsAfreshMidway) {
  // Past 2^20 forms the memo starts afresh between stretches and gives ids anew: a call whose
  // memo started afresh midway hands out no ids (its earlier ones are stale), the generation
  // says so, and the next call's ids name tokens consistently again.
  WordSegmenter seg(toy_words());
  Segmenter tokenizer;
  auto five_letters = [](std::size_t i) {
    std::string f;
    for (std::size_t k = 0; k < 5; ++k, i /= 26) f.push_back(static_cast<char>('a' + i % 26));
    return f;
  };
  std::vector<Token> tokens;
  std::vector<std::uint8_t> begins;
  std::vector<std::uint32_t> ids;
  const std::size_t per_doc = 50000;
  std::size_t next = 0, emptied = 0;
  std::uint64_t generation = seg.memo_generation();
  for (int d = 0; d < 23; ++d) {
    std::string doc;
    for (std::size_t k = 0; k < per_doc; ++k, ++next) doc += five_letters(next) + (k % 100 == 99 ? ". " : " ");
    tokens.clear();
    tokenizer.segment(doc, tokens);
    seg.segment(doc, tokens, begins, nullptr, ids);
    if (seg.memo_generation() != generation) {
      EXPECT_TRUE(ids.empty()) << "doc " << d;
      emptied += ids.empty();
      generation = seg.memo_generation();
    } else {
      ASSERT_EQ(ids.size(), tokens.size()) << "doc " << d;
    }
  }
  EXPECT_EQ(emptied, 1u);
  // After the fresh start: equal tokens, equal ids; different tokens, different ids.
  std::string doc;
  for (std::size_t k = 0; k < 2000; ++k) doc += five_letters(k % 700) + " ";
  tokens.clear();
  tokenizer.segment(doc, tokens);
  seg.segment(doc, tokens, begins, nullptr, ids);
  ASSERT_EQ(ids.size(), tokens.size());
  std::map<std::uint32_t, std::string> token_of;
  std::set<std::uint32_t> distinct;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string tok = doc.substr(tokens[i].begin, tokens[i].length);
    EXPECT_EQ(token_of.emplace(ids[i], tok).first->second, tok);
    distinct.insert(ids[i]);
  }
  EXPECT_EQ(distinct.size(), 700u);
}

TEST(WordIds, CountingWithWordsEqualsTheTermsAsStringsAcrossMemoFreshStarts) {
  // The worker remembers a one-syllable word's slot by the segmenter's syllable id; when the
  // segmenter's memo starts afresh it gives ids anew, so the worker must forget those slots. With a
  // small memo bound (the analyzer's word_memo_bound) the memo starts afresh several times within
  // one worker's count (each time in a document, whose ids are then dropped; the next document's
  // ids are the new generation's, the old ones' slots stale): the counts must stay those of the
  // terms as strings.
  std::mt19937 rng(29);
  const auto shipped = shipped_model();
  const auto toy = toy_words();
  constexpr std::size_t kBound = 200;
  for (int round = 0; round < 6; ++round) {
    const auto model = shipped && round % 2 == 0 ? shipped : toy;
    const std::vector<std::string> docs = random_documents(rng, 120);
    RawDocuments raw;
    for (const auto& d : docs) raw.bytes.emplace_back(d);
    AnalyzerConfig cfg;
    cfg.words = model;
    if (round % 3 == 1) cfg.stop_words = {"các", "của", "là", "kinh tế"};
    if (round % 3 == 2) cfg.user_dictionary = {{"mưa", "lũ"}};
    const Analyzer analyzer(cfg, kBound);
    const CountResult want = count_by_strings(analyzer, docs);
    ASSERT_FALSE(want.vocabulary.empty());
    {
      // The same documents through a segmenter of the same bound, as one worker sees them: its
      // memo starts afresh more than once, in documents with later documents after them.
      WordSegmenter seg(model, &cfg.user_dictionary, kBound);
      Segmenter tokenizer(cfg.segment);
      auto worker = analyzer.worker();
      std::vector<Token> tokens;
      std::vector<std::uint8_t> begins;
      std::vector<std::uint32_t> ids;
      std::size_t fresh = 0;
      for (std::size_t d = 0; d + 1 < docs.size(); ++d) {
        const std::string text(worker.composed(docs[d], true));
        tokens.clear();
        tokenizer.segment(text, tokens);
        const std::uint64_t generation = seg.memo_generation();
        seg.segment(text, tokens, begins, nullptr, ids);
        fresh += seg.memo_generation() - generation;
      }
      EXPECT_GE(fresh, 3u) << "round " << round;
    }
    for (int n_jobs : {1, 2}) {
      CountConfig cc;
      cc.n_jobs = n_jobs;
      for (int again = 0; again < 2; ++again)  // the second count's segmenters take pooled memos
        expect_same(count_corpus(raw, analyzer, cc).counts, want,
                    "round " + std::to_string(round) + " n_jobs " + std::to_string(n_jobs));
    }
  }
}
