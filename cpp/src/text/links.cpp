#include "mekong/text/links.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"

namespace mekong {
namespace {

// The text a link finder reads: UTF-8 bytes (Bytes) or a str's code units (Units<Unit>), each
// position one byte or one code point. Every test below is on ASCII values, so both give the same
// links, at byte or code point positions; only url_stop's non-ASCII spaces differ in form.
// What a text holds of the patterns links start from.
enum Trigger : unsigned { kScheme = 1, kWww = 2, kWwwUpper = 4, kAt = 8 };

// The non-ASCII characters that end a URL: no-break space, « and », and the General Punctuation
// and CJK Symbols and Punctuation blocks (spaces, dashes, quotes, the ellipsis).
inline bool wide_stop_code(char32_t c) {
  return c == 0xA0 || c == 0xAB || c == 0xBB || (c >= 0x2000 && c <= 0x206F) || (c >= 0x3000 && c <= 0x303F);
}

struct Bytes {
  std::string_view t;
  std::size_t size() const { return t.size(); }
  char32_t operator[](std::size_t i) const { return static_cast<unsigned char>(t[i]); }
  std::size_t find(std::string_view pattern, std::size_t from) const { return t.find(pattern, from); }
  unsigned triggers() const {
    return (t.find("://") != std::string_view::npos ? kScheme : 0u) |
           (t.find("www.") != std::string_view::npos ? kWww : 0u) |
           (t.find("WWW.") != std::string_view::npos ? kWwwUpper : 0u) |
           (t.find('@') != std::string_view::npos ? kAt : 0u);
  }
  // The first byte of the character whose UTF-8 holds byte i.
  std::size_t char_start(std::size_t i) const {
    while (i > 0 && ((*this)[i] & 0xC0) == 0x80) --i;
    return i;
  }
  // Whether the character whose UTF-8 starts at i is one of wide_stop_code's (bounds-checked decode).
  bool wide_stop(std::size_t i) const { return wide_stop_code(utf8::next(t, i)); }
};

template <class Unit>
struct Units {
  const Unit* p;
  std::size_t n;
  std::size_t size() const { return n; }
  char32_t operator[](std::size_t i) const { return p[i]; }
  std::size_t find(std::string_view pattern, std::size_t from) const {  // patterns of at most 4 ASCII bytes
    const std::size_t m = pattern.size();
    const char32_t first = static_cast<unsigned char>(pattern[0]);
    for (std::size_t i = from; i + m <= n; ++i) {
      if (p[i] != first) continue;  // the tight loop: one compare a code unit
      std::size_t k = 1;
      while (k < m && p[i + k] == static_cast<unsigned char>(pattern[k])) ++k;
      if (k == m) return i;
    }
    return std::string_view::npos;
  }
  // One pass for all four patterns (each would be a pass of find), reading only what may end one.
  unsigned triggers() const {
    unsigned out = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const char32_t c = p[i];
      if (c == '@')
        out |= kAt;
      else if (c == '/' && i >= 2 && p[i - 1] == '/' && p[i - 2] == ':')
        out |= kScheme;
      else if (c == '.' && i >= 3 && p[i - 1] == p[i - 2] && p[i - 2] == p[i - 3] &&
               (p[i - 1] == 'w' || p[i - 1] == 'W'))
        out |= p[i - 1] == 'w' ? kWww : kWwwUpper;
    }
    return out;
  }
  std::size_t char_start(std::size_t i) const { return i; }
  bool wide_stop(std::size_t i) const { return wide_stop_code(p[i]); }
};

inline bool ascii_alnum(char32_t c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// c is one of `set` (ASCII only; never NUL, which strchr would find at the end).
inline bool one_of(const char* set, char32_t c) { return c != 0 && c < 0x80 && std::strchr(set, static_cast<int>(c)); }

// Bytes that end a URL: ASCII space and controls, characters never left unescaped in one, and
// the non-ASCII spaces and punctuation text writes right after a link (quotes, dashes, an ellipsis:
// "xem “https://x.vn/a” nhé", "https://x.vn/a—rồi"), which a URL holds only percent-encoded.
template <class Text>
bool url_stop(const Text& t, std::size_t i) {
  const char32_t c = t[i];
  if (c <= 0x20 || c == 0x7F) return true;
  if (one_of("<>\"'`{}|\\^", c)) return true;
  return c >= 0x80 && t.wide_stop(i);
}

// End of a URL whose body starts at `i`.
template <class Text>
std::size_t url_end(const Text& t, std::size_t i) {
  int parens = 0, brackets = 0;
  std::size_t end = i;
  CancelPoll poll;
  for (; end < t.size() && !url_stop(t, end); ++end) {
    poll.at(end - i);
    const char32_t c = t[end];
    if (c == '(') ++parens;
    if (c == '[') ++brackets;
    if (c == ')' && --parens < 0) break;
    if (c == ']' && --brackets < 0) break;
  }
  while (end > i && one_of(".,;:!?", t[end - 1])) --end;
  return end;
}

// Each loop skips the starts that fall inside the URL it found last: such a URL would end no later
// than the one containing it (its bracket count starts from zero, not from a positive balance) and
// is merged into it by find_links anyway. Without the skip, "http://a.b/" written back to back
// rescans the rest of the text from every "://", quadratic in the run.
template <class Text>
void find_urls(const Text& t, unsigned triggers, std::vector<Span>& out) {
  std::size_t covered = 0;  // end of the last URL found
  for (std::size_t at = triggers & kScheme ? t.find("://", 0) : std::string_view::npos; at != std::string_view::npos;
       at = t.find("://", at + 3)) {
    if (at < covered) continue;
    std::size_t b = at;
    while (b > 0) {
      const char32_t c = t[b - 1];
      if (!(ascii_alnum(c) || c == '+' || c == '.' || c == '-')) break;
      --b;
    }
    while (b < at && !((t[b] | 0x20) >= 'a' && (t[b] | 0x20) <= 'z')) ++b;  // scheme starts with a letter
    if (at - b < 2) continue;
    const std::size_t e = url_end(t, at + 3);
    if (e > at + 3) out.push_back({b, e});
    covered = std::max(covered, e);
  }
  for (const char* www : {"www.", "WWW."}) {
    if (!(triggers & (www[0] == 'w' ? kWww : kWwwUpper))) continue;
    covered = 0;
    for (std::size_t at = t.find(www, 0); at != std::string_view::npos; at = t.find(www, at + 4)) {
      if (at < covered) continue;
      if (at > 0) {
        const char32_t c = t[at - 1];
        if (ascii_alnum(c) || c == '.' || c == '-' || c == '/' || c >= 0x80) continue;
      }
      if (at + 4 >= t.size() || !ascii_alnum(t[at + 4])) continue;
      out.push_back({at, url_end(t, at + 4)});
      covered = out.back().end;
    }
  }
}

template <class Text>
void find_emails(const Text& t, std::vector<Span>& out) {
  auto local_char = [](char32_t c) { return ascii_alnum(c) || one_of("._%+-", c); };
  for (std::size_t at = t.find("@", 0); at != std::string_view::npos; at = t.find("@", at + 1)) {
    std::size_t b = at;
    while (b > 0 && local_char(t[b - 1])) --b;
    while (b < at && t[b] == '.') ++b;
    if (b == at) continue;
    // A local part that starts inside a word ("Nguyễn.Văn@bao.vn" would be "n@bao.vn", cutting
    // "Văn" in two): not an address; the text is read as words.
    if (b > 0 && t[b - 1] >= 0x80 && !t.wide_stop(t.char_start(b - 1))) continue;
    std::size_t e = at + 1;
    while (e < t.size() && (ascii_alnum(t[e]) || t[e] == '.' || t[e] == '-')) ++e;
    while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) --e;
    // The domain is t[at + 1, e): its last dot, not first, with at least two letters after it.
    std::size_t dot = e;
    for (std::size_t k = e; k > at + 1; --k)
      if (t[k - 1] == '.') {
        dot = k - 1;
        break;
      }
    if (dot == e || dot == at + 1 || e - dot < 3) continue;
    bool tld_letters = true;
    for (std::size_t k = dot + 1; k < e; ++k) tld_letters &= ((t[k] | 0x20) >= 'a' && (t[k] | 0x20) <= 'z');
    if (tld_letters) out.push_back({b, e});
  }
}

template <class Text>
void find_links_in(const Text& text, std::vector<Span>& out) {
  out.clear();
  const unsigned triggers = text.triggers();
  if (!triggers) return;
  find_urls(text, triggers, out);
  if (triggers & kAt) find_emails(text, out);
  std::sort(out.begin(), out.end(),
            [](const Span& a, const Span& b) { return a.begin != b.begin ? a.begin < b.begin : a.end > b.end; });
  // Keep the first of overlapping spans, widened to cover the others it overlaps.
  std::size_t kept = 0;
  for (const Span& s : out) {
    if (kept > 0 && s.begin < out[kept - 1].end) {
      out[kept - 1].end = std::max(out[kept - 1].end, s.end);
    } else {
      out[kept++] = s;
    }
  }
  out.resize(kept);
}

}  // namespace

void find_links(std::string_view text, std::vector<Span>& out) { find_links_in(Bytes{text}, out); }

void find_links(const CodeUnits& text, std::vector<Span>& out) {
  if (text.width == 1)
    find_links_in(Units<std::uint8_t>{static_cast<const std::uint8_t*>(text.data), text.length}, out);
  else if (text.width == 2)
    find_links_in(Units<char16_t>{static_cast<const char16_t*>(text.data), text.length}, out);
  else
    find_links_in(Units<char32_t>{static_cast<const char32_t*>(text.data), text.length}, out);
}

}  // namespace mekong
