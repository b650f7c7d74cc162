#include <gtest/gtest.h>

#include "mekong/text/segment.hpp"

using namespace mekong;

namespace {
std::vector<std::string> seg(std::string_view text, SegmentConfig c = {}) {
  Segmenter s(c);
  std::vector<Token> toks;
  s.segment(text, toks);
  std::vector<std::string> out;
  for (const Token& t : toks) out.emplace_back(text.substr(t.begin, t.length));
  return out;
}
using V = std::vector<std::string>;
}  // namespace

TEST(Segment, SyllablesAndPunctuation) {
  EXPECT_EQ(seg("Kon Tum, Bờ Y: hợp tác!"), (V{"Kon", "Tum", "Bờ", "Y", "hợp", "tác"}));
  EXPECT_EQ(seg("Ắt-ta-pư"), (V{"Ắt", "ta", "pư"}));
}

TEST(Segment, CombiningMarksStayInsideTokens) {
  EXPECT_EQ(seg("Vie\xCC\xA3\xCC\x82t Nam"), (V{"Vie\xCC\xA3\xCC\x82t", "Nam"}));
}

TEST(Segment, NumbersKeptOrDropped) {
  EXPECT_EQ(seg("747 tỷ đồng 2022-2027 covid19"), (V{"747", "tỷ", "đồng", "2022", "2027", "covid19"}));
  SegmentConfig c;
  c.numbers = false;
  EXPECT_EQ(seg("747 tỷ đồng 2022-2027 covid19", c), (V{"tỷ", "đồng", "covid19"}));
}

TEST(Segment, MinimumLengthInCodePoints) {
  SegmentConfig c;
  c.min_token_length = 2;
  EXPECT_EQ(seg("ở Bờ Y có y tế", c), (V{"Bờ", "có", "tế"}));
}

TEST(Segment, UnderscoreIsAWordCharacter) { EXPECT_EQ(seg("hợp_tác x_"), (V{"hợp_tác", "x_"})); }

TEST(Segment, LinksDroppedKeptOrSplit) {
  const std::string text = "Xem [bài](https://tin.example.vn/a-b?x=1). Gửi tới ban.bt@example.vn nhé, www.abc.vn";
  EXPECT_EQ(seg(text), (V{"Xem", "bài", "Gửi", "tới", "nhé"}));
  SegmentConfig keep;
  keep.urls = LinkPolicy::keep;
  EXPECT_EQ(seg(text, keep), (V{"Xem", "bài", "https://tin.example.vn/a-b?x=1", "Gửi", "tới", "ban.bt@example.vn",
                                "nhé", "www.abc.vn"}));
  SegmentConfig split;
  split.urls = LinkPolicy::split;
  EXPECT_EQ(seg("a@b.vn", split), (V{"a", "b", "vn"}));
}

TEST(Segment, ThaiAndLaoGoThroughTheDictionary) {
  // "ภาษาไทย" is two words; Lao "ສະບາຍດີ" (hello) is split by ICU's Lao dictionary too.
  const V thai = seg("ภาษาไทย");
  EXPECT_EQ(thai, (V{"ภาษา", "ไทย"}));
  const V lao = seg("ສະບາຍດີ ປະເທດລາວ");
  EXPECT_GE(lao.size(), 3u);
  std::string joined;
  for (auto& t : lao) joined += t;
  EXPECT_EQ(joined, "ສະບາຍດີປະເທດລາວ");  // nothing lost
}

TEST(Segment, MixedScriptsInOneRun) {
  const V t = seg("COVID19ระบาด");
  ASSERT_GE(t.size(), 2u);
  EXPECT_EQ(t.front(), "COVID19");
}

TEST(Segment, EmptyAndSeparatorOnly) {
  EXPECT_TRUE(seg("").empty());
  EXPECT_TRUE(seg(" \n\t—…!?").empty());
}
