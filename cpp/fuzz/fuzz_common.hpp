// Shared by the libFuzzer targets: a check that aborts (so libFuzzer saves the input), and slow,
// obviously-correct references written independently of the core (code point by code point, or
// through ICU's UTF-16 API where the core uses its UTF-8 one).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#define FUZZ_CHECK(cond, ...)                                                         \
  do {                                                                                \
    if (!(cond)) {                                                                    \
      std::fprintf(stderr, "%s:%d: check failed: %s\n  ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                                              \
      std::fprintf(stderr, "\n");                                                     \
      std::abort();                                                                   \
    }                                                                                 \
  } while (0)

namespace fuzz {

// Reads small numbers from the front of the input (configuration), leaving the rest as data.
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : p_(data), n_(size) {}
  std::uint8_t byte() {
    if (n_ == 0) return 0;
    --n_;
    return *p_++;
  }
  bool flag() { return byte() & 1; }
  std::string_view rest() const { return {reinterpret_cast<const char*>(p_), n_}; }
  std::size_t left() const { return n_; }
  // Up to `max` bytes, cut at the first `sep` byte (consumed); the rest stays.
  std::string_view until(char sep, std::size_t max) {
    std::size_t k = 0;
    while (k < n_ && k < max && p_[k] != static_cast<std::uint8_t>(sep)) ++k;
    std::string_view out(reinterpret_cast<const char*>(p_), k);
    const std::size_t used = k < n_ && k < max ? k + 1 : k;
    p_ += used;
    n_ -= used;
    return out;
  }

 private:
  const std::uint8_t* p_;
  std::size_t n_;
};

// Strict UTF-8 validation, one code point at a time from the definition (Unicode Table 3-7): no
// overlongs, no surrogates, nothing above U+10FFFF.
inline bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<unsigned char>(s[i]);
    std::size_t len;
    std::uint32_t cp;
    if (b < 0x80) {
      len = 1;
      cp = b;
    } else if ((b & 0xE0) == 0xC0) {
      len = 2;
      cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      len = 3;
      cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      len = 4;
      cp = b & 0x07;
    } else
      return false;
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto c = static_cast<unsigned char>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    static constexpr std::uint32_t kMin[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

// Code points of valid UTF-8.
inline std::u32string code_points(std::string_view s) {
  std::u32string out;
  const icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  for (int32_t i = 0; i < u.length();) {
    const UChar32 c = u.char32At(i);
    out.push_back(static_cast<char32_t>(c));
    i += U16_LENGTH(c);
  }
  return out;
}

inline std::string to_utf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

// NFC through ICU's UTF-16 API on the whole string (the core uses the UTF-8 API, in pieces).
inline std::string nfc_reference(std::string_view valid) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  const icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(valid.data(), static_cast<int32_t>(valid.size())));
  const icu::UnicodeString n = nfc->normalize(u, status);
  FUZZ_CHECK(U_SUCCESS(status), "ICU normalize: %s", u_errorName(status));
  return to_utf8(n);
}

inline bool is_nfc(std::string_view valid) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfc = icu::Normalizer2::getNFCInstance(status);
  const icu::UnicodeString u =
      icu::UnicodeString::fromUTF8(icu::StringPiece(valid.data(), static_cast<int32_t>(valid.size())));
  const bool yes = nfc->isNormalized(u, status);
  FUZZ_CHECK(U_SUCCESS(status), "ICU isNormalized: %s", u_errorName(status));
  return yes;
}

// Unicode's \w as the segmenter defines it, asked of ICU directly: letters, marks, numbers and
// connector punctuation.
inline bool word_char(char32_t c) {
  const std::uint32_t mask = U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK | U_GC_PC_MASK;
  return (U_GET_GC_MASK(static_cast<UChar32>(c)) & mask) != 0;
}

inline std::string hex(std::string_view s, std::size_t max = 96) {
  std::string out;
  char buf[4];
  for (std::size_t i = 0; i < s.size() && i < max; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", static_cast<unsigned char>(s[i]));
    out += buf;
  }
  if (s.size() > max) out += "...";
  return out;
}

}  // namespace fuzz
