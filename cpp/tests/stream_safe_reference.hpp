// UAX #15 section 13's stream-safe form, the slow way, for the tests and the fuzz target: U+034F
// (CGJ) before a code point whose leading non-starters (combining class > 0) would make the run
// since the last starter longer than 30, the run counted in each code point's canonical
// decomposition (ICU's NFD of it alone), so that a precomposed "ệ" starts the run at its two marks.
// Written from the definition, independently of the core's one-pass version (normalize.cpp).
#pragma once

#include <cstddef>
#include <vector>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

namespace mekong_reference {

inline icu::UnicodeString stream_safe(const icu::UnicodeString& text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  icu::UnicodeString out;
  std::size_t run = 0;
  for (int32_t i = 0; i < text.length(); i = text.moveIndex32(i, 1)) {
    const UChar32 c = text.char32At(i);
    const icu::UnicodeString d = nfd->normalize(icu::UnicodeString(c), status);
    std::vector<bool> mark;
    for (int32_t k = 0; k < d.length(); k = d.moveIndex32(k, 1))
      mark.push_back(u_getCombiningClass(d.char32At(k)) != 0);
    std::size_t leading = 0, trailing = 0;
    while (leading < mark.size() && mark[leading]) ++leading;
    while (trailing < mark.size() && mark[mark.size() - 1 - trailing]) ++trailing;
    if (run + leading > 30) {
      out.append(static_cast<UChar32>(0x034F));
      run = 0;
    }
    run = leading == mark.size() ? run + leading : trailing;
    out.append(c);
  }
  return out;
}

}  // namespace mekong_reference
