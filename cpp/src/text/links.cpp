#include "mekong/text/links.hpp"

#include <algorithm>
#include <cstring>

#include "mekong/util/parallel.hpp"

namespace mekong {
namespace {

inline bool ascii_alnum(unsigned char c) { return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }

// Bytes that end a URL: ASCII space and controls, and characters never left unescaped in one.
inline bool url_stop(std::string_view t, std::size_t i) {
  const auto c = static_cast<unsigned char>(t[i]);
  if (c <= 0x20 || c == 0x7F) return true;
  if (std::strchr("<>\"'`{}|\\^", c) != nullptr) return true;
  // Non-ASCII spaces: U+00A0, U+2000..U+200B, U+3000.
  if (c == 0xC2 && i + 1 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0xA0) return true;
  if (c == 0xE2 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
      static_cast<unsigned char>(t[i + 2]) <= 0x8B)
    return true;
  if (c == 0xE3 && i + 2 < t.size() && static_cast<unsigned char>(t[i + 1]) == 0x80 &&
      static_cast<unsigned char>(t[i + 2]) == 0x80)
    return true;
  return false;
}

// End of a URL whose body starts at `i`.
std::size_t url_end(std::string_view t, std::size_t i) {
  int parens = 0, brackets = 0;
  std::size_t end = i;
  CancelPoll poll;
  for (; end < t.size() && !url_stop(t, end); ++end) {
    poll.at(end - i);
    const char c = t[end];
    if (c == '(') ++parens;
    if (c == '[') ++brackets;
    if (c == ')' && --parens < 0) break;
    if (c == ']' && --brackets < 0) break;
  }
  while (end > i && std::strchr(".,;:!?", t[end - 1]) != nullptr) --end;
  return end;
}

// Each loop skips the starts that fall inside the URL it found last: such a URL would end no later
// than the one containing it (its bracket count starts from zero, not from a positive balance) and
// is merged into it by find_links anyway. Without the skip, "http://a.b/" written back to back
// rescans the rest of the text from every "://", quadratic in the run.
void find_urls(std::string_view t, std::vector<Span>& out) {
  std::size_t covered = 0;  // end of the last URL found
  for (std::size_t at = t.find("://"); at != std::string_view::npos; at = t.find("://", at + 3)) {
    if (at < covered) continue;
    std::size_t b = at;
    while (b > 0) {
      const auto c = static_cast<unsigned char>(t[b - 1]);
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
    covered = 0;
    for (std::size_t at = t.find(www); at != std::string_view::npos; at = t.find(www, at + 4)) {
      if (at < covered) continue;
      if (at > 0) {
        const auto c = static_cast<unsigned char>(t[at - 1]);
        if (ascii_alnum(c) || c == '.' || c == '-' || c == '/' || c >= 0x80) continue;
      }
      if (at + 4 >= t.size() || !ascii_alnum(static_cast<unsigned char>(t[at + 4]))) continue;
      out.push_back({at, url_end(t, at + 4)});
      covered = out.back().end;
    }
  }
}

void find_emails(std::string_view t, std::vector<Span>& out) {
  auto local_char = [](unsigned char c) { return ascii_alnum(c) || std::strchr("._%+-", c) != nullptr; };
  for (std::size_t at = t.find('@'); at != std::string_view::npos; at = t.find('@', at + 1)) {
    std::size_t b = at;
    while (b > 0 && local_char(static_cast<unsigned char>(t[b - 1]))) --b;
    while (b < at && t[b] == '.') ++b;
    if (b == at) continue;
    std::size_t e = at + 1;
    while (e < t.size() && (ascii_alnum(static_cast<unsigned char>(t[e])) || t[e] == '.' || t[e] == '-')) ++e;
    while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) --e;
    const std::string_view domain = t.substr(at + 1, e - at - 1);
    const std::size_t dot = domain.rfind('.');
    if (dot == std::string_view::npos || dot == 0 || domain.size() - dot < 3) continue;
    bool tld_letters = true;
    for (std::size_t k = dot + 1; k < domain.size(); ++k)
      tld_letters &= ((domain[k] | 0x20) >= 'a' && (domain[k] | 0x20) <= 'z');
    if (tld_letters) out.push_back({b, e});
  }
}

}  // namespace

void find_links(std::string_view text, std::vector<Span>& out) {
  out.clear();
  if (text.find("://") == std::string_view::npos && text.find('@') == std::string_view::npos &&
      text.find("www.") == std::string_view::npos && text.find("WWW.") == std::string_view::npos)
    return;
  find_urls(text, out);
  find_emails(text, out);
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

}  // namespace mekong
