// Every byte reader of the text stages, fed a buffer that ends inside a multi-byte sequence.
//
// Each input is copied into a heap block of exactly its size (no NUL after it, nothing readable
// past the end), so under AddressSanitizer a reader that trusts a lead byte's length and reads the
// continuation bytes that are not there fails with heap-buffer-overflow. In the plain build the
// tests check that the result is defined: valid UTF-8 out, and the same as for the decoded input
// where the stage promises that.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mekong/text/clean.hpp"
#include "mekong/text/decode.hpp"
#include "mekong/text/links.hpp"
#include "mekong/text/names.hpp"
#include "mekong/text/normalize.hpp"
#include "mekong/text/segment.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/text/words.hpp"

using namespace mekong;

namespace {

// A copy of `s` in a heap block of exactly s.size() bytes.
class Exact {
 public:
  explicit Exact(std::string_view s) : size_(s.size()), data_(new char[s.size() ? s.size() : 1]) {
    std::copy(s.begin(), s.end(), data_.get());
  }
  std::string_view view() const { return {data_.get(), size_}; }

 private:
  std::size_t size_;
  std::unique_ptr<char[]> data_;
};

// Multi-byte sequences of every length, and the shapes decode treats specially.
const std::vector<std::string> kSequences = {
    "\xC3\xA9",          // é
    "\xCC\x81",          // U+0301 combining acute (a non-starter: the NFC paths)
    "\xE1\xBA\xA1",      // ạ
    "\xE0\xB8\x81",      // ก (Thai: the dictionary segmenter's path)
    "\xED\x9F\xBF",      // U+D7FF, last before the surrogates
    "\xEF\xBF\xBD",      // U+FFFD
    "\xF0\x9D\x90\x80",  // U+1D400 (astral)
    "\xF4\x8F\xBF\xBF",  // U+10FFFF
};

// What comes before the cut: plain, Vietnamese, marks (so the non-ASCII and the NFC paths run).
const std::vector<std::string> kPrefixes = {
    "", "a", "Vi\xE1\xBB\x87t ", "A\xCC\x81", "https://x.vn/", "Nguy\xE1\xBB\x85n V\xC4\x83n ", "\xE0\xB8\x81"};

// Every input that ends with a strict prefix of a multi-byte sequence (1 .. length-1 bytes of it),
// plus a lone continuation byte and the invalid leads at the end.
std::vector<std::string> truncated_inputs() {
  std::vector<std::string> out;
  for (const auto& prefix : kPrefixes) {
    for (const auto& seq : kSequences)
      for (std::size_t k = 1; k < seq.size(); ++k) out.push_back(prefix + seq.substr(0, k));
    for (const char* tail : {"\x80", "\xBF", "\xC0", "\xC1", "\xF5", "\xF8", "\xFC", "\xFE", "\xFF"})
      out.push_back(prefix + tail);
  }
  return out;
}

bool valid(std::string_view s) { return find_invalid_utf8(s) == std::string_view::npos; }

std::string hex(std::string_view s) {
  static const char* d = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out += d[c >> 4];
    out += d[c & 15];
    out += ' ';
  }
  return out;
}

}  // namespace

TEST(TruncatedUtf8, BoundedNextStaysInsideAndReplaces) {
  for (const auto& in : truncated_inputs()) {
    const Exact e(in);
    const std::string_view s = e.view();
    std::size_t i = 0, steps = 0;
    std::u32string cps;
    while (i < s.size()) {
      const std::size_t before = i;
      cps.push_back(utf8::next(s, i));
      ASSERT_GT(i, before) << hex(in);
      ASSERT_LE(i, s.size()) << hex(in);
      ++steps;
    }
    ASSERT_FALSE(cps.empty()) << hex(in);
    EXPECT_EQ(cps.back(), U'\uFFFD') << hex(in);  // the cut sequence reads as one replacement
  }
  // Valid text reads as the pointer version reads it.
  const std::string ok = "Vi\xE1\xBB\x87t \xF0\x9D\x90\x80 A\xCC\x81";
  std::size_t i = 0, j = 0;
  while (i < ok.size()) {
    EXPECT_EQ(utf8::next(std::string_view(ok), i), utf8::next(ok.data(), j));
    EXPECT_EQ(i, j);
  }
}

TEST(TruncatedUtf8, DecodeStaysInside) {
  for (const auto& in : truncated_inputs()) {
    const Exact e(in);
    EXPECT_NE(find_invalid_utf8(e.view()), std::string_view::npos) << hex(in);
    std::string scratch;
    const Decoded d = decode_utf8(e.view(), scratch);
    EXPECT_TRUE(valid(d.text)) << hex(in);
    EXPECT_GE(d.replaced, 1u) << hex(in);
    std::string scratch2;
    const Decoded c = decode_bytes(e.view(), "utf-8", scratch2);
    EXPECT_TRUE(valid(c.text)) << hex(in);
  }
}

// Regression: Normalizer::compose read past the end of a buffer ending in a lead byte (the
// stream-safe scan and piece_end trusted the lead byte's length).
TEST(TruncatedUtf8, NormalizerComposeStaysInside) {
  for (const auto& config : {NormalizeConfig{true, ToneStyle::traditional}, NormalizeConfig{false, ToneStyle::keep}}) {
    const Normalizer norm(config);
    for (const auto& in : truncated_inputs()) {
      const Exact e(in);
      std::string scratch;
      const std::string_view nfc = norm.compose(e.view(), scratch);
      EXPECT_TRUE(valid(nfc)) << hex(in);
      // Defined result: the same as composing the decoded input (U+FFFD for the cut sequence).
      std::string dscratch, dnfc_scratch;
      const std::string_view decoded = decode_utf8(e.view(), dscratch).text;
      EXPECT_EQ(std::string(nfc), std::string(norm.compose(decoded, dnfc_scratch))) << hex(in);
      const std::string folded = norm.normalize_text(e.view());
      EXPECT_TRUE(valid(folded)) << hex(in);
      EXPECT_EQ(folded, norm.normalize_text(decoded)) << hex(in);
      std::string token;
      norm.fold_token(e.view(), token);
      EXPECT_TRUE(valid(token)) << hex(in);
    }
  }
}

TEST(TruncatedUtf8, SegmentCheckedStaysInside) {
  for (const auto& in : truncated_inputs()) {
    for (LinkPolicy urls : {LinkPolicy::drop, LinkPolicy::keep, LinkPolicy::split}) {
      Segmenter seg({true, urls, 1});
      const Exact e(in);
      std::vector<Token> tokens;
      EXPECT_FALSE(seg.segment_checked(e.view(), tokens)) << hex(in);  // not valid UTF-8: the caller decodes
      std::vector<Span> links;
      find_links(e.view(), links);
      for (const Span& l : links) EXPECT_LE(l.end, in.size());
    }
  }
}

TEST(TruncatedUtf8, CleanReadersStayInside) {
  for (const auto& in : truncated_inputs()) {
    const Exact e(in);
    double share = 0;
    const std::string plain = strip_markup(e.view(), &share);
    EXPECT_LE(plain.size(), 3 * in.size() + 3) << hex(in);
    (void)line_key(e.view());
  }
}

TEST(TruncatedUtf8, NameReadersStayInside) {
  for (const auto& in : truncated_inputs()) {
    const Exact e(in);
    bool brk = false;
    (void)classify_gap(e.view(), &brk);
    (void)never_a_name(e.view());
    (void)is_title_word(e.view());
    (void)is_office_body(e.view());
  }
}

TEST(TruncatedUtf8, WordSyllableReaderStaysInside) {
  std::vector<std::vector<std::string>> sentences(10, {"h\xE1\xBB\xA3p t\xC3\xA1\x63", "v\xE1\xBB\x9Bi"});
  const auto model = WordModel::train(sentences, {"h\xE1\xBB\xA3p t\xC3\xA1\x63"}, {});
  WordSegmenter ws(model);
  for (const auto& in : truncated_inputs()) {
    const Exact e(in);
    (void)ws.syllable(e.view(), false);
    (void)WordSegmenter::gap_kind(e.view());
  }
}
