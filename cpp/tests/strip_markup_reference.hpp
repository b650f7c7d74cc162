// strip_markup as it was before its bracket path copied runs of plain bytes whole: the byte-by-byte
// loop (and the helpers it calls, copied unchanged from clean.cpp), kept as the tests' reference.
#pragma once

#include <algorithm>
#include <array>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mekong/text/chars.hpp"
#include "mekong/text/links.hpp"
#include "mekong/text/normalize.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"

namespace mekong_reference {
using namespace mekong;

struct Entity {
  const char* name;
  const char* text;
};
constexpr Entity kEntities[] = {{"amp", "&"},
                                {"lt", "<"},
                                {"gt", ">"},
                                {"quot", "\""},
                                {"apos", "'"},
                                {"nbsp", " "},
                                {"ndash", "\xE2\x80\x93"},
                                {"mdash", "\xE2\x80\x94"},
                                {"hellip", "\xE2\x80\xA6"},
                                {"laquo", "\xC2\xAB"},
                                {"raquo", "\xC2\xBB"},
                                {"ldquo", "\xE2\x80\x9C"},
                                {"rdquo", "\xE2\x80\x9D"},
                                {"lsquo", "\xE2\x80\x98"},
                                {"rsquo", "\xE2\x80\x99"}};

// Decodes the entity at s[i] ('&'); returns its length (0 when it is not one) and appends the text.
inline std::size_t decode_entity(std::string_view s, std::size_t i, std::string& out) {
  // Only the next 11 bytes are looked at: a search to the end from every '&' is quadratic on "&&&...".
  const std::size_t semi = s.substr(0, std::min(s.size(), i + 12)).find(';', i);
  if (semi == std::string_view::npos || semi - i > 10 || semi == i + 1) return 0;
  const std::string_view body = s.substr(i + 1, semi - i - 1);
  if (body[0] == '#') {
    char32_t cp = 0;
    const bool hex = body.size() > 1 && (body[1] == 'x' || body[1] == 'X');
    for (std::size_t k = hex ? 2 : 1; k < body.size(); ++k) {
      const char ch = body[k];
      int d;
      if (ch >= '0' && ch <= '9')
        d = ch - '0';
      else if (hex && (ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
        d = (ch | 0x20) - 'a' + 10;
      else
        return 0;
      cp = cp * (hex ? 16 : 10) + static_cast<char32_t>(d);
      if (cp > 0x10FFFF) return 0;
    }
    if ((cp >= 0xD800 && cp <= 0xDFFF) || cp == 0) return 0;
    // A line break or another control written as an entity ("&#xD;") is a space inside its line:
    // lines are already split, and a kept line never holds a line break.
    if (cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0x2028 || cp == 0x2029) cp = ' ';
    utf8::append(out, cp);
    return semi - i + 1;
  }
  for (const Entity& e : kEntities) {
    if (body == e.name) {
      out += e.text;
      return semi - i + 1;
    }
  }
  return 0;
}

// chars::classify with the tables fetched once by the caller: tables() is an out-of-line call, and
// these loops run over every character of every line in each analysis.
inline std::uint8_t class_of(const chars::Tables& tab, char32_t c) {
  return c < 0x10000 ? tab.cls[c] : chars::classify_astral(c);
}

inline std::size_t count_letters(std::string_view s) {
  const chars::Tables& tab = chars::tables();
  std::size_t n = 0;
  CancelPoll poll;
  for (std::size_t i = 0; i < s.size();) {
    poll.at(i);
    const char32_t c = utf8::next(s.data(), i);
    n += (class_of(tab, c) & (chars::kLetter | chars::kNumber)) != 0;
  }
  return n;
}

// Whether s has a letter or a digit: count_letters(s) != 0, stopping at the first.
inline bool has_letter(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {  // ASCII: no table lookup
      if ((b | 0x20) >= 'a' && (b | 0x20) <= 'z') return true;
      if (b >= '0' && b <= '9') return true;
      ++i;
      continue;
    }
    if (chars::classify(utf8::next(s.data(), i)) & (chars::kLetter | chars::kNumber)) return true;
  }
  return false;
}

// The number of words of s, counted no further than `cap` (more words: cap). The callers compare it
// with a bound, so a long line is read only until the bound is passed.
inline std::size_t count_words(std::string_view s, std::size_t cap = std::string_view::npos) {
  const chars::Tables& tab = chars::tables();
  std::size_t words = 0;
  bool in = false;
  CancelPoll poll;
  for (std::size_t i = 0; i < s.size() && words < cap;) {
    poll.at(i);
    const char32_t c = utf8::next(s.data(), i);
    const bool w = (class_of(tab, c) & chars::kToken) != 0;
    words += w && !in;
    in = w;
  }
  return words;
}

inline bool ascii_letter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }
inline bool ascii_digit(char c) { return c >= '0' && c <= '9'; }
inline bool html_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

// Length of the HTML tag, comment or declaration starting at s[i] ('<'), or 0 when the text there is
// not one. Only real tag syntax is markup: "<" ["/"] name, then attributes (ASCII names, each with
// an optional quoted or unquoted value) separated by spaces, then ">" or "/>"; "<!--...-->";
// "<!name ...>". So "a<b và c>d" and "x < y > z" are text. A tag never contains another "<", so a
// failed parse reads no further than the next "<" and the scans from successive "<" never overlap:
// O(n) per line. `comment_miss` remembers the first "<!--" with no "-->" after it (none further on
// can have one either).
inline std::size_t tag_length(std::string_view s, std::size_t i, std::size_t& comment_miss) {
  const std::size_t n = s.size();
  std::size_t k = i + 1;
  if (s.compare(i, 4, "<!--") == 0) {
    if (i >= comment_miss) return 0;
    const std::size_t end = s.find("-->", i + 4);
    if (end == std::string_view::npos) {
      comment_miss = i;
      return 0;
    }
    return end + 3 - i;
  }
  if (k < n && (s[k] == '/' || s[k] == '!')) ++k;
  if (k >= n || !ascii_letter(s[k])) return 0;
  while (k < n && (ascii_letter(s[k]) || ascii_digit(s[k]) || s[k] == '-' || s[k] == ':')) ++k;
  while (true) {
    const std::size_t before = k;
    while (k < n && html_space(s[k])) ++k;
    if (k >= n) return 0;
    if (s[k] == '>') return k + 1 - i;
    if (s[k] == '/' && k + 1 < n && s[k + 1] == '>') return k + 2 - i;
    if (k == before) return 0;  // attributes are separated by space
    // An attribute name.
    const char c0 = s[k];
    if (!(ascii_letter(c0) || c0 == '_' || c0 == ':' || c0 == '@')) return 0;
    while (k < n && (ascii_letter(s[k]) || ascii_digit(s[k]) || std::strchr("-_:.@", s[k]) != nullptr) && s[k] != 0)
      ++k;
    std::size_t v = k;
    while (v < n && html_space(s[v])) ++v;
    if (v < n && s[v] == '=') {
      ++v;
      while (v < n && html_space(s[v])) ++v;
      if (v >= n) return 0;
      if (s[v] == '"' || s[v] == '\'') {
        const char q = s[v];
        for (++v; v < n && s[v] != q; ++v)
          if (s[v] == '<') return 0;
        if (v >= n) return 0;
        ++v;
      } else {
        const std::size_t start = v;
        while (v < n && !html_space(s[v]) && std::strchr("\"'=<>`", s[v]) == nullptr) ++v;
        if (v == start) return 0;
      }
      k = v;
    }
  }
}

// The end of strip_markup: bare URLs and e-mail addresses removed, NFC again, the share of letters
// inside link text.
inline std::string finish_markup(std::string out, std::string_view line, bool nfc, std::size_t link_letters,
                                 double* link_share) {
  // Bare URLs and e-mail addresses.
  std::vector<Span> links;
  find_links(out, links);
  if (!links.empty()) {
    std::string kept;
    std::size_t at = 0;
    for (const Span& sp : links) {
      kept.append(out, at, sp.begin - at);
      at = sp.end;
    }
    kept.append(out, at, std::string::npos);
    out.swap(kept);
  }
  // Removed markup or a decoded entity can put a mark right after a letter it composes with
  // ("a&#769;", "[a](u)" + U+0301): compose again, so that cleaned text is NFC as promised.
  // Not needed when nothing was removed or decoded from a line already in NFC (most prose lines).
  if (!(nfc && links.empty() && std::string_view(out) == line)) {
    static const Normalizer normalizer;
    std::string composed;
    const std::string_view normal = normalizer.compose(out, composed);
    if (normal.data() != out.data()) out.assign(normal);
  }
  if (link_share) {
    // No letter inside a link: the share is 0 whatever the letters elsewhere (no count needed).
    const std::size_t letters = link_letters ? count_letters(out) : 0;
    *link_share = letters ? std::min(1.0, static_cast<double>(link_letters) / static_cast<double>(letters)) : 0.0;
  }
  return out;
}

inline std::string strip_markup(std::string_view line, double* link_share = nullptr, bool nfc = false) {
  const std::size_t n = line.size();
  constexpr std::size_t none = std::string_view::npos;
  std::string out;
  out.reserve(n);
  std::size_t link_letters = 0;
  if (line.find('[') == std::string_view::npos) {
    // No link or image can start without "[": copy the runs between "<" and "&" whole, which is most
    // lines (prose), instead of byte by byte.
    std::size_t comment_miss_fast = none;
    CancelPoll poll_fast;
    for (std::size_t i = 0; i < n;) {
      poll_fast.at(i);
      std::size_t j = i;  // a plain loop: find_first_of calls memchr over its set for every byte
      while (j < n && line[j] != '<' && line[j] != '&') ++j;
      out.append(line.data() + i, j - i);
      i = j;
      if (i >= n) break;
      if (line[i] == '<') {
        const std::size_t len = tag_length(line, i, comment_miss_fast);
        if (len != 0) {
          out.push_back(' ');
          i += len;
          continue;
        }
      } else {
        const std::size_t used = decode_entity(line, i, out);
        if (used) {
          i += used;
          continue;
        }
      }
      out.push_back(line[i]);
      ++i;
    }
    return finish_markup(std::move(out), line, nfc, 0, link_share);
  }
  // Matching brackets, found in one pass with a stack: no rescans, no recursion, whatever the
  // nesting (pages do nest: "![[Video] ...](url)").
  std::vector<std::size_t> match(n, none);
  {
    std::vector<std::size_t> squares, rounds;
    CancelPoll poll;
    for (std::size_t i = 0; i < n; ++i) {
      poll.at(i);
      const char c = line[i];
      if (c == '[')
        squares.push_back(i);
      else if (c == '(')
        rounds.push_back(i);
      else if (c == ']' && !squares.empty())
        match[squares.back()] = i, squares.pop_back();
      else if (c == ')' && !rounds.empty())
        match[rounds.back()] = i, rounds.pop_back();
    }
  }
  // "[...](...)": the position of the closing ')' when s[open] starts a link, else none.
  auto link_end = [&](std::size_t open) -> std::size_t {
    const std::size_t close = match[open];
    if (close == none || close + 1 >= n || line[close + 1] != '(' || match[close + 1] == none) return none;
    return match[close + 1];
  };
  std::vector<std::pair<std::size_t, std::size_t>> open_links;  // (']' position, ')' position)
  std::size_t comment_miss = none;
  CancelPoll poll;
  for (std::size_t i = 0; i < n;) {
    poll.at(i);
    if (!open_links.empty() && i >= open_links.back().first) {  // end of a link's text: skip "](url)"
      i = std::max(i, open_links.back().second + 1);
      open_links.pop_back();
      continue;
    }
    const char c = line[i];
    if (c == '!' && i + 1 < n && line[i + 1] == '[') {  // an image: dropped whole
      const std::size_t end = link_end(i + 1);
      if (end != none) {
        i = end + 1;
        continue;
      }
    }
    if (c == '[') {  // a link: its text stays, read on as ordinary text
      const std::size_t end = link_end(i);
      if (end != none) {
        open_links.emplace_back(match[i], end);
        ++i;
        continue;
      }
    }
    if (c == '<') {
      const std::size_t len = tag_length(line, i, comment_miss);
      if (len != 0) {  // an HTML tag
        out.push_back(' ');
        i += len;
        continue;
      }
    }
    if (c == '&') {
      const std::size_t used = decode_entity(line, i, out);
      if (used) {
        i += used;
        continue;
      }
    }
    if (!open_links.empty() && (static_cast<unsigned char>(c) & 0xC0) != 0x80) {
      std::size_t k = i;
      link_letters += (chars::classify(utf8::next(line.data(), k)) & (chars::kLetter | chars::kNumber)) != 0;
    }
    out.push_back(c);
    ++i;
  }
  return finish_markup(std::move(out), line, nfc, link_letters, link_share);
}

}  // namespace mekong_reference
