// Small inline helpers for walking and writing UTF-8: next(const char*, i) for text already known to
// be valid, next(string_view, i) for bytes that may not be (it never reads past their end), and the
// validator decode_utf8 is built on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace mekong::utf8 {

inline bool continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

// Length of the valid sequence at p (1..4; n >= 1 bytes readable), or 0 when invalid; then *bad is
// the number of bytes one U+FFFD replaces: the maximal subpart of a valid sequence, at least 1
// (the Unicode / WHATWG practice), except that an encoded surrogate (ED A0..BF xx, how Python's
// "surrogatepass" writes a lone surrogate) counts as one sequence. Reads only p[0 .. n).
inline std::size_t sequence_length(const unsigned char* p, std::size_t n, std::size_t* bad) {
  const unsigned char b0 = p[0];
  std::size_t need;
  unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    need = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    need = 3;
    if (b0 == 0xE0) lo = 0xA0;
    if (b0 == 0xED) {
      hi = 0x9F;
      if (n >= 3 && p[1] >= 0xA0 && p[1] <= 0xBF && continuation(p[2])) {
        *bad = 3;
        return 0;
      }
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    need = 4;
    if (b0 == 0xF0) lo = 0x90;
    if (b0 == 0xF4) hi = 0x8F;
  } else {
    *bad = 1;
    return 0;
  }
  if (n < 2 || p[1] < lo || p[1] > hi) {
    *bad = 1;
    return 0;
  }
  for (std::size_t k = 2; k < need; ++k) {
    if (k >= n || !continuation(p[k])) {
      *bad = k;
      return 0;
    }
  }
  return need;
}

// Decodes the code point at s[i] (valid UTF-8 assumed) and advances i past it. Reads up to three
// bytes past s[i] as the lead byte says: only for buffers known to be valid.
inline char32_t next(const char* s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  if (b0 < 0xE0) {
    char32_t c = ((b0 & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu);
    i += 2;
    return c;
  }
  if (b0 < 0xF0) {
    char32_t c = ((b0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                 (static_cast<unsigned char>(s[i + 2]) & 0x3Fu);
    i += 3;
    return c;
  }
  char32_t c = ((b0 & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
               ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) | (static_cast<unsigned char>(s[i + 3]) & 0x3Fu);
  i += 4;
  return c;
}

// Decodes the code point at s[i] without reading past the end of `s`, and advances i past it. Valid
// UTF-8 reads as above; an invalid sequence, or one cut short by the end of `s`, reads as U+FFFD
// and advances over the bytes decode_utf8 would replace with that U+FFFD. For readers that may be
// handed bytes that were never decoded (a C++ caller's string_view ending in a lead byte).
inline char32_t next(std::string_view s, std::size_t& i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  if (p[0] < 0x80) {
    ++i;
    return p[0];
  }
  std::size_t bad = 1;
  if (!sequence_length(p, s.size() - i, &bad)) {
    i += bad;
    return 0xFFFD;
  }
  return next(s.data(), i);
}

inline void append(std::string& out, char32_t c) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

}  // namespace mekong::utf8
