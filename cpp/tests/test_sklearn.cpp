// The scikit-learn drop-in's core parts against values scikit-learn computes (copied from
// sklearn.utils.murmurhash3_32 and CountVectorizer(...).build_analyzer() of scikit-learn 1.9.1).
#include <gtest/gtest.h>

#include "mekong/matrix/hashing.hpp"
#include "mekong/text/chargrams.hpp"
#include "mekong/text/pattern.hpp"
#include "mekong/text/sklearn_analyzer.hpp"

using namespace mekong;

namespace {
std::vector<std::string> all(const TermBuffer& t) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < t.size(); ++i) out.emplace_back(t[i]);
  return out;
}

std::vector<std::string> analyze(SkAnalyzerConfig c, std::string_view doc) {
  SkAnalyzer a(std::move(c));
  SkAnalyzer::Worker w(a);
  TermBuffer out;
  w.analyze(doc, out);
  return all(out);
}
}  // namespace

TEST(Murmurhash, MatchesScikitLearn) {
  EXPECT_EQ(murmurhash3_32(""), 0);
  EXPECT_EQ(murmurhash3_32("", 42), 142593372);
  EXPECT_EQ(murmurhash3_32("a"), 1009084850);
  EXPECT_EQ(murmurhash3_32("a", 42), -1293573533);
  EXPECT_EQ(murmurhash3_32("foo"), -156908512);
  EXPECT_EQ(murmurhash3_32("h\xe1\xbb\xa3p t\xc3\xa1\x63"), 96297685);  // "hợp tác"
  EXPECT_EQ(murmurhash3_32("Vi\xe1\xbb\x87t Nam 2025"), 1035302164);
}

TEST(Murmurhash, ColumnOfMinus2To31IsScikitLearns) {
  EXPECT_EQ(hashed_column(INT32_MIN, 7), static_cast<std::int32_t>((2147483647LL - 6) % 7));
  EXPECT_EQ(hashed_column(-5, 3), 2);
  EXPECT_EQ(hashed_column(5, 3), 2);
}

TEST(CharNgrams, CharWbPadsWordsAndCountsShortWordsOnce) {
  SkAnalyzerConfig c;
  c.kind = SkAnalyzerKind::chars_wb;
  c.ngram_min = 2;
  c.ngram_max = 4;
  const std::vector<std::string> want = {" a", "ab",  "b ",  " ab", "ab ",  " ab ", " c", "cd", "de",
                                         "e ", " cd", "cde", "de ", " cde", "cde ", " x", "x ", " x "};
  EXPECT_EQ(analyze(c, "ab  cde\nx"), want);
}

TEST(CharNgrams, CharCollapsesOnlyRunsOfWhiteSpace) {
  SkAnalyzerConfig c;
  c.kind = SkAnalyzerKind::chars;
  c.ngram_min = 2;
  c.ngram_max = 3;
  const std::vector<std::string> want = {"a ", " b", "b ", " c", "c\t", "\td", "a b", " b ", "b c", " c\t", "c\td"};
  EXPECT_EQ(analyze(c, "a b  c\td"), want);
}

TEST(PythonText, WordCharactersArePythons) {
  EXPECT_TRUE(pytext::is_word(U'_'));
  EXPECT_TRUE(pytext::is_word(U'\u1EE3'));   // ợ
  EXPECT_TRUE(pytext::is_word(U'\u00B2'));   // ² has a numeric value
  EXPECT_FALSE(pytext::is_word(U'\u0301'));  // a combining mark is not \w in Python
  EXPECT_FALSE(pytext::is_word(U'-'));
  EXPECT_TRUE(pytext::is_space(U'\u001C'));
  EXPECT_FALSE(pytext::is_space(U'\u200B'));
}

TEST(PythonText, LowerIsFullCaseMapping) {
  std::string out;
  pytext::lower("\xC4\xB0", out);  // İ -> i + combining dot above
  EXPECT_EQ(out, "i\xCC\x87");
  pytext::lower("\xCE\xA3\xCE\x91\xCE\xA3", out);  // ΣΑΣ -> σας (final sigma)
  EXPECT_EQ(out, "\xCF\x83\xCE\xB1\xCF\x82");
}

TEST(TokenPattern, DefaultPatternDropsOneLetterRunsAndNfdMarksSplit) {
  SkAnalyzerConfig c;
  const std::vector<std::string> want = {"vie", "nam", "2025"};
  EXPECT_EQ(analyze(c, "Vie\xCC\xA3\xCC\x82t Nam y 2025"), want);  // NFD "Việt": the marks split it
}

TEST(TokenPattern, TranslatedPatternsKeepPythonsMeaning) {
  SkAnalyzerConfig c;
  c.token_pattern = "[^\\W\\d]+";  // letters and "_", no digits: a nested negated set in ICU
  const std::vector<std::string> want = {"ab", "_c", "\xC4\x91", "x"};
  EXPECT_EQ(analyze(c, "ab12_c \xC4\x91\x33 \xD9\xA3x"), want);
  c.token_pattern = "(\\w)\\w";  // one group: findall gives the group
  const std::vector<std::string> groups = {"a", "c"};
  EXPECT_EQ(analyze(c, "ab cd"), groups);
  c.token_pattern = "(a)(b)";
  EXPECT_THROW(analyze(c, "ab"), std::invalid_argument);
  c.token_pattern = "(?x) \\w+";  // verbose mode: left to Python's re
  EXPECT_THROW(analyze(c, "ab"), std::invalid_argument);
}
