#include "mekong/text/chars.hpp"

#include <memory>

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/uscript.h>

namespace mekong::chars {
namespace {

std::uint8_t compute_class(UChar32 c) {
  const std::int32_t mask = U_GET_GC_MASK(c);
  std::uint8_t out = 0;
  if (mask & U_GC_L_MASK) out |= kLetter | kToken;
  if (mask & U_GC_M_MASK) out |= kMark | kToken;
  if (mask & U_GC_N_MASK) out |= kNumber | kToken;
  if (mask & U_GC_PC_MASK) out |= kToken;
  if (out & kToken) {
    UErrorCode status = U_ZERO_ERROR;
    switch (uscript_getScript(c, &status)) {
      case USCRIPT_THAI:
      case USCRIPT_LAO:
      case USCRIPT_KHMER:
      case USCRIPT_MYANMAR:
      case USCRIPT_HAN:
      case USCRIPT_HIRAGANA:
      case USCRIPT_KATAKANA:
        out |= kComplex;
        break;
      default:
        break;
    }
  }
  if (u_tolower(c) != c) out |= kUpper;
  if (u_getIntPropertyValue(c, UCHAR_NFC_QUICK_CHECK) == UNORM_YES && u_getCombiningClass(c) == 0) out |= kNfcYes;
  return out;
}

std::unique_ptr<Tables> build() {
  auto t = std::make_unique<Tables>();
  for (UChar32 c = 0; c < 0x10000; ++c) {
    const bool surrogate = c >= 0xD800 && c <= 0xDFFF;
    t->cls[c] = surrogate ? 0 : compute_class(c);
    const UChar32 lo = surrogate ? c : u_tolower(c);
    // Every BMP character lower-cases within the BMP; keep the character itself otherwise.
    t->lower[c] = static_cast<char16_t>(lo < 0x10000 ? lo : c);
  }
  return t;
}

}  // namespace

const Tables& tables() {
  static const std::unique_ptr<Tables> instance = build();
  return *instance;
}

std::uint8_t classify_astral(char32_t c) { return compute_class(static_cast<UChar32>(c)); }

char32_t lower_astral(char32_t c) { return static_cast<char32_t>(u_tolower(static_cast<UChar32>(c))); }

}  // namespace mekong::chars
