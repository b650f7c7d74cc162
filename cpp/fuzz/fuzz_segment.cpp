// segment: NFC text -> tokens, on both of the segmenter's paths.
//   Staged path: decode, compose, Segmenter::segment. Fast path: Segmenter::segment_checked on the
//   raw bytes, which checks UTF-8 and NFC on the way and must either give the staged path's tokens
//   exactly or refuse (return false); it may refuse only input that is invalid or holds a code
//   point that is not NFC_Quick_Check=Yes with combining class 0.
//   Tokens are in order, disjoint, on code point boundaries, made of word characters (ICU's
//   general categories L, M, N, Pc) unless they are links; with links split, a run of word
//   characters in no spaceless script is exactly one token (before the length and number filters).
//   The first byte picks numbers / link policy / min_token_length.
#include <unicode/unorm2.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include "fuzz_common.hpp"
#include "mekong/text/decode.hpp"
#include "mekong/text/normalize.hpp"
#include "mekong/text/segment.hpp"

namespace {

bool spaceless(char32_t c) {
  UErrorCode status = U_ZERO_ERROR;
  switch (uscript_getScript(static_cast<UChar32>(c), &status)) {
    case USCRIPT_THAI:
    case USCRIPT_LAO:
    case USCRIPT_KHMER:
    case USCRIPT_MYANMAR:
    case USCRIPT_HAN:
    case USCRIPT_HIRAGANA:
    case USCRIPT_KATAKANA:
      return true;
    default:
      return false;
  }
}

bool all_numbers(std::string_view tok) {
  for (char32_t c : fuzz::code_points(tok))
    if (!(U_GET_GC_MASK(static_cast<UChar32>(c)) & U_GC_N_MASK)) return false;
  return true;
}

bool boundary(std::string_view s, std::size_t i) {
  return i == 0 || i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
}

struct Run {
  std::size_t begin, end;
  bool spaceless;
};

// Maximal runs of word characters, by byte offset.
std::vector<Run> word_runs(std::string_view s) {
  std::vector<Run> runs;
  std::size_t i = 0, start = std::string_view::npos;
  bool complex = false;
  while (i < s.size()) {
    std::size_t j = i;
    UChar32 c;
    U8_NEXT(reinterpret_cast<const std::uint8_t*>(s.data()), j, static_cast<std::int64_t>(s.size()), c);
    const bool w = fuzz::word_char(static_cast<char32_t>(c));
    if (w && start == std::string_view::npos) {
      start = i;
      complex = false;
    }
    if (w) complex |= spaceless(static_cast<char32_t>(c));
    if (!w && start != std::string_view::npos) {
      runs.push_back({start, i, complex});
      start = std::string_view::npos;
    }
    i = j;
  }
  if (start != std::string_view::npos) runs.push_back({start, s.size(), complex});
  return runs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const std::uint8_t opt = in.byte();
  mekong::SegmentConfig cfg;
  cfg.numbers = opt & 1;
  cfg.urls = static_cast<mekong::LinkPolicy>(((opt >> 1) & 3) % 3);
  cfg.min_token_length = 1 + ((opt >> 3) & 3);
  const std::string_view raw = in.rest();

  static const mekong::Normalizer norm;
  std::string decoded, composed;
  const mekong::Decoded d = mekong::decode_utf8(raw, decoded);
  const std::string_view text = norm.compose(d.text, composed);

  mekong::Segmenter seg(cfg);
  std::vector<mekong::Token> staged;
  seg.segment(text, staged);

  std::size_t prev_end = 0;
  for (const mekong::Token& t : staged) {
    FUZZ_CHECK(t.length > 0, "empty token");
    FUZZ_CHECK(t.begin >= prev_end && t.begin + t.length <= text.size(), "tokens out of order or out of range");
    FUZZ_CHECK(boundary(text, t.begin) && boundary(text, t.begin + t.length), "token cuts a code point");
    const std::string_view tok = text.substr(t.begin, t.length);
    if (t.link) {
      FUZZ_CHECK(cfg.urls == mekong::LinkPolicy::keep, "a link token although links are not kept");
    } else {
      const std::u32string cps = fuzz::code_points(tok);
      for (char32_t c : cps) FUZZ_CHECK(fuzz::word_char(c), "token holds U+%04X, not a word character", unsigned(c));
      FUZZ_CHECK(cps.size() >= cfg.min_token_length, "token shorter than min_length");
      if (!cfg.numbers) FUZZ_CHECK(!all_numbers(tok), "number token with numbers=false");
    }
    prev_end = t.begin + t.length;
  }

  if (cfg.urls == mekong::LinkPolicy::split) {
    // Runs outside spaceless scripts are one token each; spaceless runs are cut by ICU inside them.
    std::vector<mekong::Token> expect_plain;
    std::size_t k = 0;
    for (const Run& r : word_runs(text)) {
      std::vector<mekong::Token> inside;
      while (k < staged.size() && staged[k].begin < r.end) {
        FUZZ_CHECK(staged[k].begin >= r.begin && staged[k].begin + staged[k].length <= r.end,
                   "token crosses a run boundary");
        inside.push_back(staged[k++]);
      }
      if (r.spaceless) continue;
      const std::string_view whole = text.substr(r.begin, r.end - r.begin);
      const bool kept = fuzz::code_points(whole).size() >= cfg.min_token_length && (cfg.numbers || !all_numbers(whole));
      FUZZ_CHECK(inside.size() == (kept ? 1u : 0u), "a run without spaceless script gave %zu tokens", inside.size());
      if (kept) FUZZ_CHECK(inside[0].begin == r.begin && inside[0].length == r.end - r.begin, "run not one token");
    }
    FUZZ_CHECK(k == staged.size(), "tokens outside every run");
  }

  // The fast path on the raw bytes.
  std::vector<mekong::Token> fast;
  const bool ok = seg.segment_checked(raw, fast);
  bool clean = fuzz::valid_utf8(raw);
  if (clean) {
    for (char32_t c : fuzz::code_points(raw))
      clean &= u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_NFC_QUICK_CHECK) == UNORM_YES &&
               u_getCombiningClass(static_cast<UChar32>(c)) == 0;
  }
  FUZZ_CHECK(ok == clean, "segment_checked returned %d on input that is %s", int(ok), clean ? "clean" : "not clean");
  if (ok) {
    FUZZ_CHECK(text == raw, "clean input changed by decode / compose");
    FUZZ_CHECK(fast.size() == staged.size(), "fast path: %zu tokens, staged: %zu", fast.size(), staged.size());
    for (std::size_t i = 0; i < fast.size(); ++i)
      FUZZ_CHECK(
          fast[i].begin == staged[i].begin && fast[i].length == staged[i].length && fast[i].link == staged[i].link,
          "fast and staged paths differ at token %zu", i);
  }
  return 0;
}
