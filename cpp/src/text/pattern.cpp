#include "mekong/text/pattern.hpp"

#include <array>
#include <stdexcept>

#include <unicode/bytestream.h>
#include <unicode/casemap.h>
#include <unicode/normalizer2.h>
#include <unicode/regex.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>

#include "mekong/error.hpp"
#include "mekong/text/utf8.hpp"

namespace mekong::pytext {
namespace {

bool compute_word(char32_t c) {
  if (c == '_') return true;
  switch (u_charType(static_cast<UChar32>(c))) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
      return true;
    default:
      // Python's isalnum() also takes isdecimal/isdigit/isnumeric: any numeric type.
      return u_getIntPropertyValue(static_cast<UChar32>(c), UCHAR_NUMERIC_TYPE) != U_NT_NONE;
  }
}


bool all_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}

// The sets Python gives \w, \d and \s (bodies, without brackets), Unicode or ASCII.
struct Sets {
  std::string w, d, s;
};

Sets python_sets(bool ascii) {
  if (ascii) return {"a-zA-Z0-9_", "0-9", "\\t-\\r\\x{20}"};
  return {
      "\\p{L}\\p{Numeric_Type=Decimal}\\p{Numeric_Type=Digit}\\p{Numeric_Type=Numeric}_", "\\p{Nd}",
      "\\t-\\r\\x{1c}-\\x{20}\\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}"};
}

std::string hex_escape(char32_t c) {
  static const char* digits = "0123456789abcdef";
  std::string h;
  do {
    h.insert(h.begin(), digits[c & 15]);
    c >>= 4;
  } while (c);
  return "\\x{" + h + "}";
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum_ascii(char c) { return is_digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

[[noreturn]] void unsupported(const std::string& what) {
  throw std::invalid_argument("unsupported in the core's regular expressions: " + what);
}

class Translator {
 public:
  explicit Translator(std::string_view p) : p_(p) {}

  std::string run(std::size_t* groups, unsigned* flags) {
    unsigned f = UREGEX_UNIX_LINES;  // only "\n" ends a line, as in Python
    // Global flags come first in Python 3.11+: "(?u)", "(?i)", "(?ai)".
    while (i_ + 2 < p_.size() && p_[i_] == '(' && p_[i_ + 1] == '?' &&
           std::string_view("aiLmsux").find(p_[i_ + 2]) != std::string_view::npos) {
      std::size_t j = i_ + 2;
      std::string letters;
      while (j < p_.size() && std::string_view("aiLmsux").find(p_[j]) != std::string_view::npos)
        letters.push_back(p_[j++]);
      if (j >= p_.size() || p_[j] != ')') break;  // a scoped group "(?i:...)": handled below
      for (char c : letters) {
        if (c == 'a')
          ascii_ = true;
        else if (c == 'i')
          f |= UREGEX_CASE_INSENSITIVE;
        else if (c == 'm')
          f |= UREGEX_MULTILINE;
        else if (c == 's')
          f |= UREGEX_DOTALL;
        else if (c != 'u')
          unsupported(std::string("the flag (?") + c + ")");
      }
      i_ = j + 1;
    }
    sets_ = python_sets(ascii_);
    while (i_ < p_.size()) step();
    if (groups) *groups = groups_;
    if (flags) *flags = f;
    return out_;
  }

 private:
  std::string W() const { return "[" + sets_.w + "]"; }

  void step() {
    const char c = p_[i_++];
    // Whether the text just before the current position is surely a word character: after "\w"
    // or "\w+" (used to write "\b" as one lookaround instead of four).
    const bool after_word = after_word_;
    after_word_ = false;
    if (c == '+' && after_word && !(i_ < p_.size() && (p_[i_] == '?' || p_[i_] == '+'))) {
      after_word_ = true;
      out_ += c;
      return;
    }
    if (c == '\\' && i_ < p_.size() && p_[i_] == 'b') {
      ++i_;
      const bool word_follows =
          p_.substr(i_, 2) == "\\w" &&
          (i_ + 2 >= p_.size() || std::string_view("*?{").find(p_[i_ + 2]) == std::string_view::npos);
      if (word_follows)
        out_ += "(?<!" + W() + ")";  // a word character follows
      else if (after_word)
        out_ += "(?!" + W() + ")";  // one precedes
      else
        out_ += "(?:(?<=" + W() + ")(?!" + W() + ")|(?<!" + W() + ")(?=" + W() + "))";
      return;
    }
    if (c == '\\' && i_ < p_.size() && p_[i_] == 'w') after_word_ = true;
    switch (c) {
      case '\\':
        escape();
        return;
      case '[':
        klass();
        return;
      case '(':
        group();
        return;
      case '{':
        brace();
        return;
      case '}':
      case ']':
        out_ += '\\';
        out_ += c;
        return;
      default:
        out_ += c;
    }
  }

  // A numeric escape's code point (\x, \u, \U, octal), or -1 when `e` is none of them.
  long numeric(char e) {
    auto hexn = [&](std::size_t n) {
      if (i_ + n > p_.size()) unsupported("a short \\x escape");
      long v = 0;
      for (std::size_t k = 0; k < n; ++k) {
        const char h = p_[i_ + k];
        if (!is_hex(h)) unsupported("a bad hex escape");
        v = v * 16 + (is_digit(h) ? h - '0' : (h | 0x20) - 'a' + 10);
      }
      i_ += n;
      return v;
    };
    if (e == 'x') return hexn(2);
    if (e == 'u') return hexn(4);
    if (e == 'U') return hexn(8);
    if (e == '0') {  // octal: \0, \0o, \0oo
      long v = 0;
      for (int k = 0; k < 2 && i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '7'; ++k) v = v * 8 + (p_[i_++] - '0');
      return v;
    }
    static const std::string_view simple = "ntrfav";
    static const char codes[] = {'\n', '\t', '\r', '\f', '\a', '\v'};
    const auto k = simple.find(e);
    if (k != std::string_view::npos) return codes[k];
    return -1;
  }

  void escape() {
    if (i_ >= p_.size()) unsupported("a trailing backslash");
    const char e = p_[i_++];
    switch (e) {
      case 'w':
        out_ += W();
        return;
      case 'W':
        out_ += "[^" + sets_.w + "]";
        return;
      case 'd':
        out_ += "[" + sets_.d + "]";
        return;
      case 'D':
        out_ += "[^" + sets_.d + "]";
        return;
      case 's':
        out_ += "[" + sets_.s + "]";
        return;
      case 'S':
        out_ += "[^" + sets_.s + "]";
        return;
      case 'b':
        out_ += "(?:(?<=" + W() + ")(?!" + W() + ")|(?<!" + W() + ")(?=" + W() + "))";
        return;
      case 'B':
        out_ += "(?:(?<=" + W() + ")(?=" + W() + ")|(?<!" + W() + ")(?!" + W() + "))";
        return;
      case 'A':
        out_ += "\\A";
        return;
      case 'Z':
        out_ += "\\z";
        return;
      case 'N': {
        const std::size_t close = p_.find('}', i_);
        if (i_ >= p_.size() || p_[i_] != '{' || close == std::string_view::npos) unsupported("\\N without a name");
        out_ += "\\N";
        out_.append(p_.substr(i_, close + 1 - i_));
        i_ = close + 1;
        return;
      }
      default:
        break;
    }
    if (e >= '1' && e <= '9') {  // a back reference (Python reads up to two digits)
      std::string n(1, e);
      if (i_ < p_.size() && is_digit(p_[i_])) n += p_[i_++];
      out_ += "(?:\\" + n + ")";
      return;
    }
    const long v = numeric(e);
    if (v >= 0) {
      out_ += hex_escape(static_cast<char32_t>(v));
      return;
    }
    if (is_alnum_ascii(e)) unsupported(std::string("the escape \\") + e);
    // An escaped punctuation mark or non-ASCII character is itself.
    --i_;
    const char32_t lit = next(p_, i_);
    out_ += hex_escape(lit);
  }

  void klass() {
    std::string body;
    if (i_ < p_.size() && p_[i_] == '^') {
      body += '^';
      ++i_;
    }
    bool first = true;
    while (true) {
      if (i_ >= p_.size()) unsupported("an unterminated character set");
      const char c = p_[i_];
      if (c == ']' && !first) {
        ++i_;
        break;
      }
      if (c == '\\') {
        ++i_;
        if (i_ >= p_.size()) unsupported("a trailing backslash");
        const char e = p_[i_++];
        if (e == 'w')
          body += sets_.w;
        else if (e == 'W')
          body += "[^" + sets_.w + "]";
        else if (e == 'd')
          body += sets_.d;
        else if (e == 'D')
          body += "[^" + sets_.d + "]";
        else if (e == 's')
          body += sets_.s;
        else if (e == 'S')
          body += "[^" + sets_.s + "]";
        else if (e == 'b')
          body += hex_escape(8);
        else if (e == 'N') {
          const std::size_t close = p_.find('}', i_);
          if (close == std::string_view::npos) unsupported("\\N without a name");
          body += "\\N";
          body.append(p_.substr(i_, close + 1 - i_));
          i_ = close + 1;
        } else if (e >= '1' && e <= '7') {  // octal in a set
          long v = e - '0';
          for (int k = 0; k < 2 && i_ < p_.size() && p_[i_] >= '0' && p_[i_] <= '7'; ++k) v = v * 8 + (p_[i_++] - '0');
          body += hex_escape(static_cast<char32_t>(v));
        } else {
          const long v = numeric(e);
          if (v >= 0) {
            body += hex_escape(static_cast<char32_t>(v));
          } else {
            if (is_alnum_ascii(e)) unsupported(std::string("the escape \\") + e);
            --i_;
            body += hex_escape(next(p_, i_));
          }
        }
      } else if (c == '-') {
        ++i_;
        const bool literal = first || (i_ < p_.size() && p_[i_] == ']');
        body += literal ? hex_escape('-') : "-";
      } else if (static_cast<unsigned char>(c) < 0x80 && !is_alnum_ascii(c)) {
        ++i_;
        body += hex_escape(static_cast<unsigned char>(c));  // ICU gives [ & $ { } : and spaces meanings
      } else {
        const std::size_t b = i_;
        next(p_, i_);
        body.append(p_.substr(b, i_ - b));
      }
      first = false;
    }
    out_ += "[" + body + "]";
  }

  void group() {
    if (i_ >= p_.size() || p_[i_] != '?') {
      ++groups_;
      out_ += '(';
      return;
    }
    const std::string_view rest = p_.substr(i_ + 1);
    auto starts = [&](std::string_view s) { return rest.substr(0, s.size()) == s; };
    if (starts("P<")) {
      const std::size_t close = p_.find('>', i_);
      if (close == std::string_view::npos) unsupported("an unterminated group name");
      names_.emplace_back(p_.substr(i_ + 3, close - i_ - 3), ++groups_);
      out_ += '(';
      i_ = close + 1;
      return;
    }
    if (starts("P=")) {
      const std::size_t close = p_.find(')', i_);
      if (close == std::string_view::npos) unsupported("an unterminated group reference");
      const std::string_view name = p_.substr(i_ + 3, close - i_ - 3);
      for (const auto& [n, g] : names_)
        if (n == name) {
          out_ += "(?:\\" + std::to_string(g) + ")";
          i_ = close + 1;
          return;
        }
      unsupported("a reference to an unknown group");
    }
    if (starts("#")) {
      const std::size_t close = p_.find(')', i_);
      if (close == std::string_view::npos) unsupported("an unterminated comment");
      i_ = close + 1;
      return;
    }
    for (std::string_view same : {":", "=", "!", "<=", "<!", ">"})
      if (starts(same)) {
        out_ += "(?";
        out_.append(same);
        i_ += 1 + same.size();
        return;
      }
    // Scoped flags: "(?i:...)", "(?-i:...)", "(?u:...)".
    std::size_t j = i_ + 1;
    std::string flags;
    while (j < p_.size() && (std::string_view("imsu-").find(p_[j]) != std::string_view::npos)) {
      if (p_[j] != 'u') flags += p_[j];
      ++j;
    }
    if (j < p_.size() && p_[j] == ':' && j > i_ + 1) {
      out_ += "(?" + flags + ":";
      i_ = j + 1;
      return;
    }
    unsupported("the group syntax (?" + std::string(rest.substr(0, 2)));
  }

  void brace() {
    // Python reads {m}, {m,}, {,n}, {m,n} as a repetition and anything else as a literal brace.
    std::size_t j = i_;
    std::string lo, hi;
    while (j < p_.size() && is_digit(p_[j])) lo += p_[j++];
    bool comma = false;
    if (j < p_.size() && p_[j] == ',') {
      comma = true;
      ++j;
      while (j < p_.size() && is_digit(p_[j])) hi += p_[j++];
    }
    if (j < p_.size() && p_[j] == '}' && (!lo.empty() || comma)) {
      out_ += "{" + (lo.empty() ? std::string("0") : lo) + (comma ? "," + hi : std::string()) + "}";
      i_ = j + 1;
      return;
    }
    out_ += "\\{";
  }

  std::string_view p_;
  std::size_t i_ = 0;
  bool after_word_ = false;
  std::size_t groups_ = 0;
  bool ascii_ = false;
  Sets sets_;
  std::string out_;
  std::vector<std::pair<std::string_view, std::size_t>> names_;
};

// The fast path: "(?u)" then optional \b, k times \w ending in "+" or "\w{m,}", optional \b.
std::size_t fast_run_length(std::string_view p) {
  if (p.substr(0, 4) == "(?u)") p.remove_prefix(4);
  if (p.substr(0, 2) == "\\b") p.remove_prefix(2);
  if (p.size() >= 2 && p.substr(p.size() - 2) == "\\b" && !(p.size() >= 3 && p[p.size() - 3] == '\\'))
    p.remove_suffix(2);
  std::size_t k = 0;
  while (p.substr(0, 2) == "\\w") {
    p.remove_prefix(2);
    if (p == "+") return k + 1;
    if (p.size() > 3 && p[0] == '{' && p.substr(p.size() - 2) == ",}") {
      std::size_t m = 0;
      for (char c : p.substr(1, p.size() - 3)) {
        if (!is_digit(c) || m > 1000) return 0;
        m = m * 10 + static_cast<std::size_t>(c - '0');
      }
      return std::max<std::size_t>(k + m, 1);
    }
    ++k;
  }
  return 0;
}

void to_utf16(std::string_view s, std::u16string& out) {
  out.clear();
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) {
    const char32_t c = next(s, i);
    if (c < 0x10000) {
      out.push_back(static_cast<char16_t>(c));
    } else {
      out.push_back(static_cast<char16_t>(0xD7C0 + (c >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 | (c & 0x3FF)));
    }
  }
}

void append_utf16(std::string& out, const char16_t* s, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    char32_t c = s[k];
    if (c >= 0xD800 && c < 0xDC00 && k + 1 < n && s[k + 1] >= 0xDC00 && s[k + 1] < 0xE000)
      c = 0x10000 + ((c - 0xD800) << 10) + (s[++k] - 0xDC00);
    if (c < 0x80)
      out.push_back(static_cast<char>(c));
    else
      append_utf8(out, c);
  }
}

}  // namespace

namespace detail {
// Tables over the BMP, filled once: the fast path looks characters up and never asks ICU.
const std::uint8_t* word_table() {
  static const std::vector<std::uint8_t> table = [] {
    std::vector<std::uint8_t> t(0x10000);
    for (char32_t c = 0; c < 0x10000; ++c) t[c] = compute_word(c);
    return t;
  }();
  return table.data();
}

const char16_t* lower_table() {
  static const std::vector<char16_t> table = [] {
    std::vector<char16_t> t(0x10000);
    for (char32_t c = 0; c < 0x10000; ++c) {
      const UChar32 l = u_tolower(static_cast<UChar32>(c));
      t[c] = l < 0x10000 ? static_cast<char16_t>(l) : 0;
    }
    // Full case mapping differs from the simple one for these: "İ" -> "i̇", and sigma's final form.
    t[0x130] = 0;
    t[0x3A3] = 0;
    t[0] = 0;  // never used as a mapping: NUL is looked up as ASCII
    return t;
  }();
  return table.data();
}

bool is_word_astral(char32_t c) { return c <= 0x10FFFF && compute_word(c); }
}  // namespace detail

bool is_space(char32_t c) {
  if (c < 0x80) return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20);
  switch (c) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200A;
  }
}

void append_utf8(std::string& out, char32_t c) { utf8::append(out, c); }

namespace {
// str.lower() through the table, each lower-cased code point handed to emit (ASCII without a
// table read); false (output partial) when a character needs ICU's full mapping. Decodes exactly
// as to_utf16 does (lenient: U+FFFD per invalid byte, lone surrogates kept).
template <class Emit>
bool lower_each(std::string_view text, Emit&& emit) {
  const char16_t* table = detail::lower_table();
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      emit(static_cast<char32_t>(b >= 'A' && b <= 'Z' ? b | 0x20 : b));
      ++i;
      continue;
    }
    const char32_t c = next(text, i);
    char32_t l;
    if (c < 0x10000) {
      l = table[c];
      if (l == 0) return false;
    } else {
      l = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
    }
    emit(l);
  }
  return true;
}

bool lower_simple(std::string_view text, std::string& out) {
  out.clear();
  out.reserve(text.size());
  return lower_each(text, [&](char32_t l) {
    if (l < 0x80) {
      out.push_back(static_cast<char>(l));
    } else {
      append_utf8(out, l);
    }
  });
}
}  // namespace

void lower(std::string_view text, std::string& out) {
  if (lower_simple(text, out)) return;
  out.clear();
  UErrorCode status = U_ZERO_ERROR;
  icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(text.size()));
  icu::CaseMap::utf8ToLower("", 0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink, nullptr,
                            status);
  check_icu(status, "lower-casing");
}

namespace {
const icu::Normalizer2& nfkd() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* n = icu::Normalizer2::getNFKDInstance(status);
  check_icu(status, "loading NFKD");
  return *n;
}

// NFKD of `text` into out; returns false (out untouched) when `text` is already NFKD.
bool to_nfkd(std::string_view text, std::string& out) {
  const icu::Normalizer2& n = nfkd();
  UErrorCode status = U_ZERO_ERROR;
  const icu::StringPiece piece(text.data(), static_cast<int32_t>(text.size()));
  if (n.isNormalizedUTF8(piece, status) && U_SUCCESS(status)) return false;
  status = U_ZERO_ERROR;
  out.clear();
  icu::StringByteSink<std::string> sink(&out, static_cast<int32_t>(text.size()) + 16);
  n.normalizeUTF8(0, piece, sink, nullptr, status);
  check_icu(status, "NFKD");
  return true;
}
}  // namespace

void strip_accents_unicode(std::string_view text, std::string& out) {
  if (all_ascii(text)) {
    out.assign(text);
    return;
  }
  std::string decomposed;
  const std::string_view src = to_nfkd(text, decomposed) ? std::string_view(decomposed) : text;
  out.clear();
  for (std::size_t i = 0; i < src.size();) {
    const std::size_t b = i;
    const char32_t c = next(src, i);
    if (u_getCombiningClass(static_cast<UChar32>(c)) == 0) out.append(src, b, i - b);
  }
}

void strip_accents_ascii(std::string_view text, std::string& out) {
  std::string decomposed;
  if (all_ascii(text)) {
    out.assign(text);
    return;
  }
  const std::string_view src = to_nfkd(text, decomposed) ? std::string_view(decomposed) : text;
  out.clear();
  for (char c : src)
    if (static_cast<unsigned char>(c) < 0x80) out.push_back(c);
}

std::string translate_regex(std::string_view python, std::size_t* groups, unsigned* flags) {
  return Translator(python).run(groups, flags);
}

TokenPattern::TokenPattern(const std::string& python_pattern) : fast_min_run_(fast_run_length(python_pattern)) {
  if (fast_min_run_) return;
  unsigned flags = 0;
  icu_pattern_ = translate_regex(python_pattern, &groups_, &flags);
  UErrorCode status = U_ZERO_ERROR;
  UParseError where{};
  compiled_.reset(icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(icu_pattern_), flags, where, status));
  if (U_FAILURE(status)) unsupported(std::string("ICU refused the translated pattern (") + u_errorName(status) + ")");
  {
    std::unique_ptr<icu::RegexMatcher> probe(compiled_->matcher(status));
    check_icu(status, "creating a regex matcher");
    groups_ = static_cast<std::size_t>(probe->groupCount());
  }
  if (groups_ > 1)
    throw std::invalid_argument(
        "More than 1 capturing group in token pattern. Only a single group should be captured.");
}

TokenPattern::~TokenPattern() = default;
TokenPattern::TokenPattern(TokenPattern&&) noexcept = default;

TokenPattern::Matcher::Matcher(const TokenPattern& pattern) : pattern_(pattern) {
  if (pattern.fast_min_run_) return;
  UErrorCode status = U_ZERO_ERROR;
  matcher_.reset(pattern.compiled_->matcher(status));
  check_icu(status, "creating a regex matcher");
}

TokenPattern::Matcher::~Matcher() = default;
TokenPattern::Matcher::Matcher(Matcher&&) noexcept = default;

namespace {
// Appends the matches of `matcher` over `utf16` to `out` as UTF-8, as re.findall lists them.
void match_utf16(icu::RegexMatcher& matcher, std::size_t groups, const std::u16string& utf16, TermBuffer& out) {
  const icu::UnicodeString input(false, reinterpret_cast<const UChar*>(utf16.data()),
                                 static_cast<int32_t>(utf16.size()));
  matcher.reset(input);
  UErrorCode status = U_ZERO_ERROR;
  const int group = groups == 1 ? 1 : 0;
  while (matcher.find(status)) {
    const int32_t b = matcher.start(group, status), e = matcher.end(group, status);
    check_icu(status, "matching a token pattern");
    if (b < 0) {  // the group did not take part: Python's findall gives ""
      out.ends.push_back(out.bytes.size());
      continue;
    }
    append_utf16(out.bytes, utf16.data() + b, static_cast<std::size_t>(e - b));
    out.ends.push_back(out.bytes.size());
  }
  check_icu(status, "matching a token pattern");
  static const icu::UnicodeString kEmpty;
  matcher.reset(kEmpty);  // drop the reference to this document
}

// str.lower() of UTF-8 text straight to UTF-16 for ICU's matcher (one pass instead of
// lower-casing to UTF-8 and converting that); false (out partial) as for lower_simple.
bool lower_to_utf16(std::string_view text, std::u16string& out) {
  out.clear();
  out.reserve(text.size());
  return lower_each(text, [&](char32_t l) {
    if (l < 0x10000) {
      out.push_back(static_cast<char16_t>(l));
    } else {
      out.push_back(static_cast<char16_t>(0xD7C0 + (l >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 | (l & 0x3FF)));
    }
  });
}
}  // namespace

namespace {
// The fast scan's entry per character: the UTF-8 bytes of its lower case (low 24 bits), their
// number (bits 24-25), kScanWord when that lower case is a word character, kScanFull (and
// nothing else) when str.lower() needs ICU's full mapping.
// kScanAstral marks a character above the BMP, its lower case's code point in the low 21 bits.
constexpr std::uint32_t kScanWord = 1u << 30, kScanFull = 1u << 31, kScanAstral = 1u << 29;

// The entry of a character whose lower case is `l` (a lower_table() value: 0 = full mapping).
std::uint32_t scan_entry(char32_t l) {
  if (l == 0) return kScanFull;
  std::uint32_t bytes, len;
  if (l < 0x80) {
    bytes = l;
    len = 1;
  } else if (l < 0x800) {
    bytes = (0xC0 | l >> 6) | (0x80 | (l & 0x3F)) << 8;
    len = 2;
  } else {
    bytes = (0xE0 | l >> 12) | (0x80 | (l >> 6 & 0x3F)) << 8 | (0x80 | (l & 0x3F)) << 16;
    len = 3;
  }
  return bytes | len << 24 | (detail::word_table()[l] ? kScanWord : 0u);
}

// One table for the three forms the scan decodes directly: a byte < 0x80 (NUL
// included: looked up as itself) at [0, 0x80); a 2-byte sequence by its 11 payload bits (overlong
// forms too) at kTwo; E1 B8-BB xx, U+1E00-U+1EFF (Vietnamese letters with a tone mark), at kLatinExt.
constexpr std::size_t kTwo = 0x80, kLatinExt = kTwo + 0x800;
struct ScanTables {
  std::uint32_t entry[kLatinExt + 0x100];
};

// Built from lower_table() and word_table(), so the tables and the generic path cannot disagree.
const ScanTables& scan_tables() {
  static const ScanTables tables = [] {
    ScanTables t{};
    for (char32_t b = 0; b < 0x80; ++b) {
      const char32_t l = b >= 'A' && b <= 'Z' ? b | 0x20 : b;
      t.entry[b] = l | 1u << 24 | (detail::word_table()[l] ? kScanWord : 0u);
    }
    for (char32_t c = 0; c < 0x800; ++c) t.entry[kTwo + c] = scan_entry(detail::lower_table()[c]);
    for (char32_t c = 0; c < 0x100; ++c) t.entry[kLatinExt + c] = scan_entry(detail::lower_table()[0x1E00 + c]);
    return t;
  }();
  return tables;
}

// Writes code point l (any length) as UTF-8 at w, advancing w.
void utf8_store(char*& w, char32_t l) {
  if (l < 0x80) {
    *w++ = static_cast<char>(l);
  } else if (l < 0x800) {
    *w++ = static_cast<char>(0xC0 | (l >> 6));
    *w++ = static_cast<char>(0x80 | (l & 0x3F));
  } else if (l < 0x10000) {
    *w++ = static_cast<char>(0xE0 | (l >> 12));
    *w++ = static_cast<char>(0x80 | ((l >> 6) & 0x3F));
    *w++ = static_cast<char>(0x80 | (l & 0x3F));
  } else {
    *w++ = static_cast<char>(0xF0 | (l >> 18));
    *w++ = static_cast<char>(0x80 | ((l >> 12) & 0x3F));
    *w++ = static_cast<char>(0x80 | ((l >> 6) & 0x3F));
    *w++ = static_cast<char>(0x80 | (l & 0x3F));
  }
}

// Appends the lower case a word character's scan entry carries, advancing w: a character above the
// BMP as its 4 bytes, any other as the entry's 1-3 bytes, stored 3 at a time (the buffers keep
// slack for that). Both scans (UTF-8 and code points) write through here.
inline void store_lower(char*& w, std::uint32_t e) {
  if (e & kScanAstral) {
    utf8_store(w, e & 0x1FFFFF);
    return;
  }
  w[0] = static_cast<char>(e);
  w[1] = static_cast<char>(e >> 8);
  w[2] = static_cast<char>(e >> 16);
  w += e >> 24 & 3;
}
}  // namespace

void TokenPattern::Matcher::lower_tokens(std::string_view text, TermBuffer& out) {
  const std::size_t min_run = pattern_.fast_min_run_;
  if (!min_run) {
    if (lower_to_utf16(text, utf16_)) {
      match_utf16(*matcher_, pattern_.groups_, utf16_, out);
      return;
    }
    lower(text, lowered_);
    tokens(lowered_, out);
    return;
  }
  // One pass: each character lower-cased, classified after lower-casing (as scikit-learn
  // tokenizes the lower-cased text), and written to the token being built. Lower case never
  // takes more than 3/2 the bytes (2-byte letters with 3-byte lower cases), so the buffer is
  // sized once and written through a pointer (3 bytes stored per character, the pointer moved by
  // the character's length: the +8 keeps those stores inside the buffer).
  const ScanTables& tables = scan_tables();
  const std::size_t bytes0 = out.bytes.size(), terms0 = out.ends.size();
  out.bytes.resize(bytes0 + text.size() + text.size() / 2 + 8);
  char* const base = out.bytes.data();
  char* w = base + bytes0;
  char* run_begin = w;
  std::size_t run_len = 0;
  auto close_run = [&] {
    if (run_len >= min_run)
      out.ends.push_back(static_cast<std::size_t>(w - base));
    else
      w = run_begin;
    run_len = 0;
  };
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  // Any character: next() decodes it; the entry of its lower case, or kScanAstral | (its lower case).
  auto entry_at = [&](std::size_t& i) -> std::uint32_t {
    const char32_t c = next(text, i);
    if (c < 0x10000) return c < 0x80 ? tables.entry[c] : scan_entry(detail::lower_table()[c]);
    const auto l = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
    return kScanAstral | l | (is_word(l) ? kScanWord : 0u);
  };
  for (std::size_t i = 0; i < n;) {
    // ASCII, 2-byte and U+1E00-U+1EFF characters (Vietnamese text is a mix of the three) are
    // looked up in one table, decoded as next() decodes them; anything else goes through next().
    // (A branch-free choice between the three forms was measured slower: the position then
    // waits on two loads per character instead of being predicted.)
    const unsigned b = p[i];
    std::uint32_t e;
    if (b < 0x80) {
      e = tables.entry[b];
      ++i;
    } else if ((b & 0xE0) == 0xC0 && i + 1 < n && (p[i + 1] & 0xC0) == 0x80) {
      e = tables.entry[kTwo + ((b & 0x1F) << 6 | (p[i + 1] & 0x3F))];
      i += 2;
    } else if (b == 0xE1 && i + 2 < n && (p[i + 1] & 0xFC) == 0xB8 && (p[i + 2] & 0xC0) == 0x80) {
      e = tables.entry[kLatinExt + ((p[i + 1] & 3) << 6 | (p[i + 2] & 0x3F))];
      i += 3;
    } else {
      e = entry_at(i);
    }
    if (e & kScanWord) {
      if (run_len++ == 0) run_begin = w;
      store_lower(w, e);
    } else if (e & kScanFull) {  // needs the full mapping: lower-case the document with ICU, then scan it
      out.bytes.resize(bytes0);
      out.ends.resize(terms0);
      lower(text, lowered_);
      tokens(lowered_, out);
      return;
    } else if (run_len) {
      close_run();
    }
  }
  if (run_len) close_run();
  out.bytes.resize(static_cast<std::size_t>(w - base));
}

namespace {
// The scan entry of every BMP code point, for text read as code points (a Python str's own
// storage): one load a character, with no decoding and no branch on its UTF-8 length. Built from
// the same entries as ScanTables (the ASCII ones for c < 0x80, NUL included), so both scans agree.
const std::uint32_t* bmp_entries() {
  static const std::vector<std::uint32_t> table = [] {
    std::vector<std::uint32_t> t(0x10000);
    const ScanTables& tables = scan_tables();
    for (char32_t c = 0; c < 0x10000; ++c) t[c] = c < 0x80 ? tables.entry[c] : scan_entry(detail::lower_table()[c]);
    return t;
  }();
  return table.data();
}

// lower_tokens over code points of one width; false (out restored) at a character that needs the
// full mapping.
template <class Unit>
bool lower_tokens_units(const Unit* p, std::size_t n, std::size_t min_run, TermBuffer& out) {
  const std::uint32_t* entries = bmp_entries();
  const std::size_t bytes0 = out.bytes.size(), terms0 = out.ends.size();
  // At most 4 bytes of lower case a code point (3 for the BMP), stored 3 at a time: +8 keeps the
  // stores inside the buffer.
  out.bytes.resize(bytes0 + n * (sizeof(Unit) == 1 ? 2 : sizeof(Unit) == 2 ? 3 : 4) + 8);
  char* const base = out.bytes.data();
  char* w = base + bytes0;
  char* run_begin = w;
  std::size_t run_len = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char32_t c = p[i];
    std::uint32_t e;
    if (sizeof(Unit) < 4 || c < 0x10000) {
      e = entries[c];
    } else {
      const auto l = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
      e = kScanAstral | l | (is_word(l) ? kScanWord : 0u);
    }
    if (e & kScanWord) {
      if (run_len++ == 0) run_begin = w;
      store_lower(w, e);
    } else if (e & kScanFull) {
      out.bytes.resize(bytes0);
      out.ends.resize(terms0);
      return false;
    } else if (run_len) {
      if (run_len >= min_run)
        out.ends.push_back(static_cast<std::size_t>(w - base));
      else
        w = run_begin;
      run_len = 0;
    }
  }
  if (run_len) {
    if (run_len >= min_run)
      out.ends.push_back(static_cast<std::size_t>(w - base));
    else
      w = run_begin;
  }
  out.bytes.resize(static_cast<std::size_t>(w - base));
  return true;
}
}  // namespace

bool TokenPattern::Matcher::lower_tokens(const std::uint8_t* text, std::size_t n, TermBuffer& out) {
  return lower_tokens_units(text, n, pattern_.fast_min_run_, out);
}
bool TokenPattern::Matcher::lower_tokens(const char16_t* text, std::size_t n, TermBuffer& out) {
  return lower_tokens_units(text, n, pattern_.fast_min_run_, out);
}
bool TokenPattern::Matcher::lower_tokens(const char32_t* text, std::size_t n, TermBuffer& out) {
  return lower_tokens_units(text, n, pattern_.fast_min_run_, out);
}

void TokenPattern::Matcher::tokens(std::string_view text, TermBuffer& out) {
  if (const std::size_t min_run = pattern_.fast_min_run_) {
    std::size_t run_begin = 0, run_len = 0;
    const std::uint8_t* words = detail::word_table();
    for (std::size_t i = 0; i < text.size();) {
      const std::size_t at = i;
      const auto b = static_cast<unsigned char>(text[i]);
      bool word;
      if (b < 0x80) {
        ++i;
        word = words[b] != 0;
      } else {
        const char32_t c = next(text, i);
        word = c < 0x10000 ? words[c] != 0 : detail::is_word_astral(c);
      }
      if (word) {
        if (run_len++ == 0) run_begin = at;
      } else {
        if (run_len >= min_run) out.push(text.substr(run_begin, at - run_begin));
        run_len = 0;
      }
    }
    if (run_len >= min_run) out.push(text.substr(run_begin));
    return;
  }
  to_utf16(text, utf16_);
  match_utf16(*matcher_, pattern_.groups_, utf16_, out);
}

}  // namespace mekong::pytext
