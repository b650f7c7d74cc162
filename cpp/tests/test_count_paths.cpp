// The fast paths of counting against their slow references: strip_markup's run copy (lines without
// "[") against its byte-by-byte path, and memoized alias keys against a fresh transliteration.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "mekong/text/clean.hpp"
#include "mekong/text/names.hpp"

using namespace mekong;

TEST(CountPaths, StripMarkupRunCopyMatchesTheBracketPath) {
  // A line without "[" takes the run-copy path; the same line with an unmatched "[" in front takes
  // the bracket-matching path, where an unmatched "[" is plain text. Both must strip alike.
  const std::vector<std::string> pieces = {
      "Lào",     " ",        "<b>",  "</b>", "&amp;",    "&#769;",         "a",
      "&bogus;", "<",        ">",    "&",    "!",        "x < y > z",      "(",
      ")",       "<!--c-->", "<!--", "ắt",   "\xCC\x81", "https://a.vn/x", "ban@example.vn",
      "&#xD;",   "1.5",      " , "};
  std::mt19937 rng(11);
  for (int round = 0; round < 3000; ++round) {
    std::string line;
    const int n = static_cast<int>(rng() % 12);
    for (int k = 0; k < n; ++k) line += pieces[rng() % pieces.size()];
    const std::string fast = strip_markup(line);
    const std::string slow = strip_markup("[ " + line);
    ASSERT_EQ("[ " + fast, slow) << line;
    double share_fast = -1, share_slow = -1;
    strip_markup(line, &share_fast);
    strip_markup("[ " + line, &share_slow);
    EXPECT_EQ(share_fast, 0.0) << line;  // no link: no link letters
    EXPECT_EQ(share_slow, 0.0) << line;
  }
}

TEST(CountPaths, CleanerFurnitureCheckMatchesLineKey) {
  // The furniture check keys the stripped line (the key strips first anyway): a repeated line in
  // markup is recognised as in a key learned from its raw form.
  Interner repeated;
  repeated.intern(line_key("<b>Trang chủ</b> &gt; [Thời sự](https://a.vn/ts)"));
  CleanConfig c;
  c.repeated_lines = &repeated;
  Cleaner cleaner(c);
  std::string out;
  cleaner.clean(
      "<b>Trang chủ</b> &gt; [Thời sự](https://a.vn/ts)\nMưa lớn ở Kon Tum làm sạt lở nhiều đoạn đường trong "
      "đêm qua.\n  <b>Trang chủ</b> &gt; [Thời sự](https://a.vn/ts)  ",
      out);
  EXPECT_EQ(out, "Mưa lớn ở Kon Tum làm sạt lở nhiều đoạn đường trong đêm qua.");
}

TEST(CountPaths, AliasKeyMemoMatchesFreshTransliteration) {
  const std::vector<std::string> names = {"Attapư",  "Ắt-ta-pư",  "Attapu", "Savannakhet", "Xa-va-na-khệt",
                                          "Kon Tum", "Lê Văn An", "Chía",   "ສະຫວັນນະເຂດ",  ""};
  AliasKeys memo;
  for (int round = 0; round < 3; ++round)
    for (const std::string& n : names) {
      AliasKeys fresh;
      EXPECT_EQ(memo.key(n), fresh.transliterate(n)) << n;
    }
}
