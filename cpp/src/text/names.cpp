#include "mekong/text/names.hpp"

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include "mekong/error.hpp"
#include "mekong/text/chars.hpp"
#include "mekong/text/utf8.hpp"

namespace mekong {

Gap classify_gap(std::string_view gap, bool* sentence_break) {
  bool only_space = true, brk = false;
  std::size_t hyphens = 0;
  for (std::size_t i = 0; i < gap.size();) {
    const char32_t c = utf8::next(gap.data(), i);
    if (c == ' ' || c == '\t' || c == 0xA0) continue;
    only_space = false;
    if (c == '-' || c == 0x2010 || c == 0x2011) ++hyphens;
    // What opens a sentence (a capital after it says nothing): sentence punctuation, a line
    // break, a colon, an opening quote. Brackets and bars do not: "(Lào)" is a name.
    if (c == '.' || c == '!' || c == '?' || c == 0x2026 || c == '\n' || c == '\r' || c == ':' || c == '"' ||
        c == 0x201C)
      brk = true;
  }
  if (sentence_break) *sentence_break = brk;
  if (only_space) return gap.empty() ? Gap::other : Gap::space;
  if (hyphens == 1 && gap.size() <= 3 && !brk) {
    bool spaced = false;
    for (char ch : gap) spaced |= ch == ' ';
    if (!spaced) return Gap::hyphen;
  }
  return Gap::other;
}

void find_names(const std::vector<WordToken>& tokens, const std::function<bool(std::string_view)>& is_common,
                const std::function<bool(std::string_view)>& is_known, std::vector<NameSpan>& out) {
  out.clear();
  const std::size_t n = tokens.size();
  for (std::size_t i = 0; i < n;) {
    if (!tokens[i].capitalized) {
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    bool hyphenated = false;
    while (end < n) {
      const WordToken& t = tokens[end];
      if (t.gap == Gap::hyphen) {  // a transliteration goes on in lower case: "Ắt-ta-pư"
        hyphenated = true;
        ++end;
      } else if (t.gap == Gap::space && t.capitalized && !t.sentence_start) {
        ++end;
      } else {
        break;
      }
    }
    std::size_t begin = i;
    if (tokens[i].sentence_start && !hyphenated) {
      if (end - begin == 1) {  // a lone capital opening a sentence: a name only if known as one
        if (!is_known(tokens[i].surface)) {
          i = end;
          continue;
        }
      } else if (is_common(tokens[i].surface)) {
        ++begin;
      }
    }
    // One syllable that is also a common word ("Ban", "Khu", "Sở" of an organisation's name, "Hai"
    // opening a sentence) is not a name by itself; "Lào", "Attapư", "UBND" are.
    if (end - begin == 1 && !hyphenated && is_common(tokens[begin].surface)) {
      i = end;
      continue;
    }
    if (end > begin) out.push_back({begin, end});
    i = end;
  }
}

AliasKeys::AliasKeys() {
  static const std::unique_ptr<icu::Transliterator> prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::Transliterator> t(
        icu::Transliterator::createInstance("Any-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, status));
    check_icu(status, "Transliterator::createInstance");
    return t;
  }();
  translit_.reset(prototype->clone());
}

AliasKeys::~AliasKeys() = default;
AliasKeys::AliasKeys(AliasKeys&&) noexcept = default;

std::string AliasKeys::key(std::string_view name) {
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  translit_->transliterate(u);
  std::string ascii;
  u.toUTF8String(ascii);
  std::string out;
  for (char c : ascii) {
    const char l = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
    if ((l >= 'a' && l <= 'z') || (l >= '0' && l <= '9')) out.push_back(l);
  }
  if (!out.empty()) return out;
  // A script ICU cannot romanize (Lao has no Latin transliterator): the name's own letters.
  for (std::size_t i = 0; i < ascii.size();) {
    const char32_t c = utf8::next(ascii.data(), i);
    if (chars::classify(c) & (chars::kLetter | chars::kMark | chars::kNumber)) utf8::append(out, chars::lower(c));
  }
  return out;
}

}  // namespace mekong
