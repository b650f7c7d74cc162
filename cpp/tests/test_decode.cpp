#include <gtest/gtest.h>

#include "mekong/text/decode.hpp"

using namespace mekong;

TEST(Decode, ValidTextIsReturnedAsItIs) {
  std::string scratch;
  const std::string text = "Việt Nam hợp tác với Lào";
  const Decoded d = decode_utf8(text, scratch);
  EXPECT_EQ(d.text, text);
  EXPECT_EQ(d.text.data(), text.data());  // no copy
  EXPECT_EQ(d.replaced, 0u);
  EXPECT_EQ(d.first_invalid, std::string_view::npos);
}

TEST(Decode, EachMaximalInvalidSubpartBecomesOneReplacement) {
  std::string scratch;
  // C3 alone, then a truncated 3-byte sequence E1 BB, then a stray continuation byte 80.
  const std::string text = std::string("a\xC3") + "b" + "\xE1\xBB" + "c" + "\x80";
  const Decoded d = decode_utf8(text, scratch);
  EXPECT_EQ(std::string(d.text),
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c\xEF\xBF\xBD");
  EXPECT_EQ(d.replaced, 3u);
  EXPECT_EQ(d.first_invalid, 1u);
}

TEST(Decode, RejectsOverlongsSurrogatesAndOutOfRange) {
  std::string scratch;
  EXPECT_EQ(decode_utf8("\xC0\xAF", scratch).replaced, 2u);          // overlong '/'
  EXPECT_EQ(decode_utf8("\xED\xA0\x80", scratch).replaced, 1u);      // one encoded surrogate
  EXPECT_EQ(decode_utf8("\xF4\x90\x80\x80", scratch).replaced, 4u);  // above U+10FFFF
  EXPECT_EQ(decode_utf8("\xF0\x9F\x98\x80", scratch).replaced, 0u);  // U+1F600 is fine
}

TEST(Decode, NulBytesAreText) {
  std::string scratch;
  const std::string text("a\0b", 3);
  const Decoded d = decode_utf8(text, scratch);
  EXPECT_EQ(d.text.size(), 3u);
  EXPECT_EQ(d.replaced, 0u);
}

TEST(Decode, FindInvalidAgreesWithDecodeOnAllTwoByteInputs) {
  std::string scratch;
  for (int a = 0; a < 256; ++a) {
    for (int b = 0; b < 256; ++b) {
      const std::string s{static_cast<char>(a), static_cast<char>(b)};
      const bool valid = find_invalid_utf8(s) == std::string_view::npos;
      EXPECT_EQ(valid, decode_utf8(s, scratch).replaced == 0) << a << " " << b;
      EXPECT_EQ(find_invalid_utf8(decode_utf8(s, scratch).text), std::string_view::npos);
    }
  }
}

TEST(Decode, Windows1258RecomposesThroughIcu) {
  std::string scratch;
  // windows-1258 writes "Việt" as V i e-circumflex(0xEA) combining dot below (0xF2) t.
  const Decoded d = decode_bytes("Vi\xEA\xF2t", "windows-1258", scratch);
  EXPECT_EQ(d.replaced, 0u);
  EXPECT_EQ(std::string(d.text), "Vi\xC3\xAA\xCC\xA3t");  // ê + combining dot below; normalize composes
}

TEST(Decode, Utf16WithBomAndLoneSurrogate) {
  std::string scratch;
  const std::string le(
      "\xFF\xFE"
      "A\0"
      "\x00\xD8"
      "B\0",
      8);  // BOM, 'A', lone high surrogate, 'B'
  const Decoded d = decode_bytes(le, "UTF-16", scratch);
  EXPECT_EQ(std::string(d.text),
            "A\xEF\xBF\xBD"
            "B");
  EXPECT_EQ(d.replaced, 1u);
}

TEST(Decode, UnknownEncodingIsAnArgumentError) {
  std::string scratch;
  EXPECT_THROW(decode_bytes("x", "no-such-encoding", scratch), std::invalid_argument);
}

TEST(Decode, EncodingsThatExpandGrowTheBuffer) {
  std::string scratch;
  // SCSU: a window switch, then 64 bytes each decoding to one character of the window.
  std::string scsu("\x0B\xD8\x00", 3);
  scsu += std::string(64, '\x80');
  const Decoded d = decode_bytes(scsu, "SCSU", scratch);
  EXPECT_EQ(d.replaced, 0u);
  EXPECT_GT(d.text.size(), 64u);
}
