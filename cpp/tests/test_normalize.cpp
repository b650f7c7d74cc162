#include <gtest/gtest.h>

#include "mekong/text/normalize.hpp"

using namespace mekong;

namespace {
std::string fold(std::string_view s, NormalizeConfig c = {}) {
  Normalizer n(c);
  return n.normalize_text(s);
}
}  // namespace

TEST(Normalize, NfdBecomesNfcByteForByte) {
  Normalizer n({false, ToneStyle::keep});
  std::string scratch;
  // "Việt" in NFD: V i e U+0323 U+0302 t (canonical order: dot below before circumflex)
  const std::string decomposed = "Vie\xCC\xA3\xCC\x82t";
  EXPECT_EQ(std::string(n.compose(decomposed, scratch)), "Việt");
  const std::string composed = "Việt";
  EXPECT_EQ(n.compose(composed, scratch).data(), composed.data());  // already NFC: no copy
}

TEST(Normalize, LowercasesVietnameseCapitals) {
  EXPECT_EQ(fold("ĐÀ NẴNG Đắk Lắk", {true, ToneStyle::keep}), "đà nẵng đắk lắk");
  EXPECT_EQ(fold("ĐÀ NẴNG", {false, ToneStyle::keep}), "ĐÀ NẴNG");
}

TEST(Normalize, TraditionalToneMarkPlacement) {
  NormalizeConfig c{true, ToneStyle::traditional};
  EXPECT_EQ(fold("hoà hòa", c), "hòa hòa");
  EXPECT_EQ(fold("Tỉnh uỷ Tỉnh ủy", c), "tỉnh ủy tỉnh ủy");
  EXPECT_EQ(fold("thuỷ thủy khoẻ khỏe", c), "thủy thủy khỏe khỏe");
}

TEST(Normalize, ModernToneMarkPlacement) {
  NormalizeConfig c{true, ToneStyle::modern};
  EXPECT_EQ(fold("hoà hòa", c), "hoà hoà");
  EXPECT_EQ(fold("ủy uỷ thủy khỏe", c), "uỷ uỷ thuỷ khoẻ");
}

TEST(Normalize, PlacementsAgreeOutsideOpenOaOeUy) {
  for (ToneStyle s : {ToneStyle::traditional, ToneStyle::modern}) {
    NormalizeConfig c{false, s};
    // Closed syllables, marked vowels, qu/gi onsets, three-vowel nuclei: one placement only.
    EXPECT_EQ(fold("hoàng huỳnh người nguyễn quý già gìn khoái xoáy mía múa tiếng", c),
              "hoàng huỳnh người nguyễn quý già gìn khoái xoáy mía múa tiếng");
  }
}

TEST(Normalize, RepairsMisplacedMarks) {
  NormalizeConfig c{true, ToneStyle::traditional};
  EXPECT_EQ(fold("qúy", c), "quý");
  EXPECT_EQ(fold("gìa", c), "già");
  EXPECT_EQ(fold("hoáng", c), "hoáng" /* not a word, still one placement */);
  EXPECT_EQ(fold("hóang", c), "hoáng");
}

TEST(Normalize, KeepsCaseWhenPlacingTones) { EXPECT_EQ(fold("HOÀ Thuỷ", {false, ToneStyle::traditional}), "HÒA Thủy"); }

TEST(Normalize, LeavesNonVietnameseWordsAlone) {
  NormalizeConfig c{false, ToneStyle::traditional};
  EXPECT_EQ(fold("café región naïve Zürich", c), "café región naïve Zürich");
  EXPECT_EQ(fold("hoà_bình", c), "hòa_bình");  // each syllable of a joined word
}

TEST(Normalize, PlaceToneReportsNonSyllables) {
  std::u32string s = U"xyz";
  EXPECT_FALSE(place_tone(s, ToneStyle::traditional));
  s = U"hoà";
  EXPECT_TRUE(place_tone(s, ToneStyle::traditional));
  EXPECT_EQ(s, U"hòa");
  s = U"hòà";  // two tone marks
  EXPECT_FALSE(place_tone(s, ToneStyle::traditional));
}

TEST(Normalize, NonLetterTextIsKept) {
  EXPECT_EQ(fold("Giá: 747 tỷ đồng (13/9)!", {true, ToneStyle::traditional}), "giá: 747 tỷ đồng (13/9)!");
}

TEST(Normalize, FoldedTokensAreNfcAndFoldingIsIdempotent) {
  Normalizer n({true, ToneStyle::traditional});
  for (const std::string t : {"hoà\xCC\x80", "\xC4\xB0\xCC\x81", "Tỉnh uỷ", "Vie\xCC\xA3\xCC\x82t"}) {
    const std::string once = n.normalize_text(t);
    EXPECT_EQ(n.normalize_text(once), once) << t;
    std::string scratch;
    EXPECT_EQ(std::string(n.compose(once, scratch)), once) << t;  // already NFC
  }
}

// Found by fuzz_normalize: a grave written before a circumflex blocks the circumflex in NFC ("uà"
// + U+0302); moving the grave off the "a" let it compose, leaving "ùâ" with the tone on the wrong
// vowel, and a second normalization gave "uầ". The syllable is now placed again after it composes.
TEST(Normalize, ToneMarkThatBlockedAQualityMarkIsPlacedAgain) {
  for (ToneStyle style : {ToneStyle::traditional, ToneStyle::modern}) {
    Normalizer n({false, style});
    const std::string once = n.normalize_text("vu\xC3\xA0\xCC\x82");  // "vuà" + COMBINING CIRCUMFLEX
    EXPECT_EQ(once, "vu\xE1\xBA\xA7");                                // "vuầ"
    EXPECT_EQ(n.normalize_text(once), once);
    EXPECT_EQ(n.normalize_text("vu\xE1\xBA\xA7"), once);  // the same as written correctly
  }
}
