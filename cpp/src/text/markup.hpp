// strip_markup's pieces (private to cpp/src/text/, and included by the tests' reference loop in
// cpp/tests/strip_markup_reference.hpp so that the reference differs from clean.cpp only in the loop
// it checks): entities, HTML tags, the end of a "[...](...)" link, and letters counted by class.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "mekong/text/chars.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"

namespace mekong::detail {

struct Entity {
  const char* name;
  const char* text;
};
inline constexpr Entity kEntities[] = {{"amp", "&"},
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

// "[...](...)": the position of the closing ')' when line[open] ('[') starts a link, else npos.
// `match` holds each bracket's matching position (npos when unmatched), as strip_markup pairs them.
inline std::size_t link_end(std::string_view line, const std::vector<std::size_t>& match, std::size_t open) {
  constexpr std::size_t none = std::string_view::npos;
  const std::size_t n = line.size();
  const std::size_t close = match[open];
  if (close == none || close + 1 >= n || line[close + 1] != '(' || match[close + 1] == none) return none;
  return match[close + 1];
}

}  // namespace mekong::detail
