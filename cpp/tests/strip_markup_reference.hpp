// strip_markup as it was before its bracket path copied runs of plain bytes whole and before it
// skipped composing at ASCII joins: the byte-by-byte loop and the finish that composes whenever
// anything was removed, kept as the tests' reference. The pieces the loop calls (entities, tags,
// link ends, letter counts) are clean.cpp's own, from src/text/markup.hpp: only the loop is checked.
#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mekong/text/chars.hpp"
#include "mekong/text/links.hpp"
#include "mekong/text/normalize.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"
#include "../src/text/markup.hpp"

namespace mekong_reference {
using namespace mekong;
using detail::count_letters;
using detail::decode_entity;
using detail::link_end;
using detail::tag_length;

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
      const std::size_t end = link_end(line, match, i + 1);
      if (end != none) {
        i = end + 1;
        continue;
      }
    }
    if (c == '[') {  // a link: its text stays, read on as ordinary text
      const std::size_t end = link_end(line, match, i);
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
