// Character classes and lower-case mapping, read from ICU once into flat tables for the BMP so that the
// tokenizer's inner loop never calls ICU per character.
//
// Bound: O(1) per character after the tables are built once (65,536 entries, at first use); astral
// characters are classified by ICU, also O(1).
#pragma once

#include <cstdint>

namespace mekong::chars {

enum Class : std::uint8_t {
  kToken = 1,     // letter, mark, number or connector punctuation (Unicode's word characters, \w)
  kLetter = 2,    // general category L*
  kNumber = 4,    // general category N*
  kMark = 8,      // general category M*
  kComplex = 16,  // a script written without spaces between words (Thai, Lao, Khmer, Myanmar, Han, kana)
  kUpper = 32,    // has a different lower-case form
  kNfcYes = 64,   // NFC_Quick_Check=Yes and combining class 0: text made only of these is NFC already
};

struct Tables {
  std::uint8_t cls[0x10000];
  char16_t lower[0x10000];
};

const Tables& tables();

std::uint8_t classify_astral(char32_t c);
char32_t lower_astral(char32_t c);

inline std::uint8_t classify(char32_t c) { return c < 0x10000 ? tables().cls[c] : classify_astral(c); }

// Unicode simple lower-case mapping (one code point to one), as u_tolower.
inline char32_t lower(char32_t c) { return c < 0x10000 ? tables().lower[c] : lower_astral(c); }

// A Latin letter without a tone mark, as abbreviations are written (the first letters of syllables:
// "TP" thành phố, "Ư" ương, "Đ"): 2 for a capital, 1 for a lower-case letter, 0 for anything else.
inline int toneless_letter(char32_t c) {
  if (c >= 'A' && c <= 'Z') return 2;
  if (c >= 'a' && c <= 'z') return 1;
  switch (c) {
    case U'Đ':
    case U'Ă':
    case U'Â':
    case U'Ê':
    case U'Ô':
    case U'Ơ':
    case U'Ư':
      return 2;
    case U'đ':
    case U'ă':
    case U'â':
    case U'ê':
    case U'ô':
    case U'ơ':
    case U'ư':
      return 1;
    default:
      return 0;
  }
}

}  // namespace mekong::chars
