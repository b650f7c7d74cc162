// Python's view of text, for the scikit-learn drop-in (mekong.sklearn): what Python's `re` calls a
// word character (\w) and a space (\s), str.lower(), scikit-learn's strip_accents, and token
// patterns written in Python's regular-expression syntax.
//
// A token pattern is matched one of two ways:
//  - the fast path: patterns that only take maximal runs of word characters of a minimum length
//    ("(?u)\b\w\w+\b", scikit-learn's default, "\b\w+\b", "\w{3,}", ...) are a scan over the UTF-8
//    bytes with a table lookup per character;
//  - any other pattern is translated from Python's syntax to ICU's, with Python's meaning of \w,
//    \W, \d, \s, \b and \B spelt out as explicit sets, and run by icu::RegexMatcher over UTF-16.
// A construct the translator does not know (conditional groups, verbose mode, ...) is refused with
// std::invalid_argument naming it; the Python layer then runs Python's `re`, as scikit-learn does.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mekong/text/terms.hpp"

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class RegexPattern;
class RegexMatcher;
U_NAMESPACE_END

namespace mekong::pytext {

namespace detail {
const std::uint8_t* word_table();  // BMP code point -> 1 when Python's \w
const char16_t* lower_table();     // BMP code point -> its lower case, 0 when str.lower() needs
                                   // more than a one-character mapping (U+0130, final sigma)
bool is_word_astral(char32_t c);
}  // namespace detail

// Python `re`'s \w for str patterns: str.isalnum() or "_" (letters of any case, and characters
// with a numeric value). Unlike ICU's \w, combining marks are not word characters.
inline bool is_word(char32_t c) { return c < 0x10000 ? detail::word_table()[c] != 0 : detail::is_word_astral(c); }
// str.isspace(): the characters Python's \s and str.split() treat as white space.
bool is_space(char32_t c);

// The code point at byte i of `s`, advancing i. Lenient: a lone surrogate encoded in three bytes
// (what "surrogatepass" writes for a Python str holding one) is returned as itself; an invalid byte
// is returned as U+FFFD, one byte consumed.
inline char32_t next(std::string_view s, std::size_t& i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t n;
  char32_t c;
  if ((b0 & 0xE0) == 0xC0) {
    n = 1;
    c = b0 & 0x1F;
  } else if ((b0 & 0xF0) == 0xE0) {
    n = 2;
    c = b0 & 0x0F;
  } else if ((b0 & 0xF8) == 0xF0) {
    n = 3;
    c = b0 & 0x07;
  } else {
    ++i;
    return 0xFFFD;
  }
  if (i + n >= s.size()) {
    ++i;
    return 0xFFFD;
  }
  for (std::size_t k = 1; k <= n; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) {
      ++i;
      return 0xFFFD;
    }
    c = (c << 6) | (b & 0x3F);
  }
  i += n + 1;
  return c;
}
void append_utf8(std::string& out, char32_t c);

// str.lower(): full Unicode lower-case mapping (final sigma included), via ICU's root locale.
void lower(std::string_view text, std::string& out);
// scikit-learn's strip_accents_unicode: NFKD, then characters with a non-zero combining class
// removed (marks of text already in NFD go too).
void strip_accents_unicode(std::string_view text, std::string& out);
// scikit-learn's strip_accents_ascii: NFKD, then every non-ASCII character removed.
void strip_accents_ascii(std::string_view text, std::string& out);

// Translates a Python regular expression to ICU's syntax with Python's meaning. Throws
// std::invalid_argument("unsupported ...") for what it cannot translate. `groups` receives the
// number of capturing groups; `flags` the ICU flags (UREGEX_*) to compile with.
std::string translate_regex(std::string_view python, std::size_t* groups = nullptr, unsigned* flags = nullptr);

// A compiled token pattern. Shared read-only between threads; each thread makes a Matcher.
class TokenPattern {
 public:
  explicit TokenPattern(const std::string& python_pattern);
  ~TokenPattern();
  TokenPattern(TokenPattern&&) noexcept;

  // 0 when the pattern runs through ICU; otherwise the minimum run length of the fast path.
  std::size_t fast_min_run() const { return fast_min_run_; }
  const std::string& icu_pattern() const { return icu_pattern_; }

  class Matcher {
   public:
    explicit Matcher(const TokenPattern& pattern);
    ~Matcher();
    Matcher(Matcher&&) noexcept;
    // Appends the tokens of `text` to `out` as Python's re.findall would return them: the whole
    // match, or group 1 when the pattern has one group ("" when the group did not take part).
    void tokens(std::string_view text, TermBuffer& out);
    // The tokens of str.lower(text), lower-cased on the way (fast path; other patterns lower-case
    // the text first).
    void lower_tokens(std::string_view text, TermBuffer& out);
    // The same for text held as code points of one width, as a Python str holds it (1, 2 or 4
    // bytes each: no UTF-8 copy of the document is made; lone surrogates are read as the UTF-8
    // path reads their "surrogatepass" bytes). Only for a fast-path pattern (fast_min_run() > 0).
    // Returns false, `out` unchanged, when a character needs str.lower()'s full mapping (U+0130,
    // final sigma): the caller then lower-cases the document's UTF-8 with lower_tokens above.
    bool lower_tokens(const std::uint8_t* text, std::size_t n, TermBuffer& out);
    bool lower_tokens(const char16_t* text, std::size_t n, TermBuffer& out);
    bool lower_tokens(const char32_t* text, std::size_t n, TermBuffer& out);

   private:
    const TokenPattern& pattern_;
    std::unique_ptr<icu::RegexMatcher> matcher_;
    std::u16string utf16_;
    std::string lowered_;
  };

 private:
  std::size_t fast_min_run_ = 0;
  std::size_t groups_ = 0;
  std::string icu_pattern_;
  std::unique_ptr<icu::RegexPattern> compiled_;
};

}  // namespace mekong::pytext
