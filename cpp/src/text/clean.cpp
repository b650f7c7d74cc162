#include "mekong/text/clean.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <deque>

#include "mekong/text/chars.hpp"
#include "mekong/text/links.hpp"
#include "mekong/text/normalize.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"
#include "markup.hpp"

namespace mekong {
using detail::class_of;
using detail::count_letters;
using detail::decode_entity;
using detail::link_end;
using detail::tag_length;

namespace {

// The lines of a text, one at a time: "\n", "\r" and "\r\n" end a line; a last line without an end
// counts; an ending line break does not start an empty line. The next "\n" and the next "\r" are
// each found with memchr and kept until passed, so each byte is searched once per break kind: linear
// even in a text of "\r" only.
class LineSplitter {
 public:
  explicit LineSplitter(std::string_view text) : t_(text), nl_(find('\n', 0)), cr_(find('\r', 0)) {}
  bool next(std::string_view& line) {
    if (pos_ >= t_.size()) return false;
    if (nl_ < pos_) nl_ = find('\n', pos_);
    if (cr_ < pos_) cr_ = find('\r', pos_);
    const std::size_t end = std::min(nl_, cr_);
    line = t_.substr(pos_, end - pos_);
    pos_ = end + 1;
    if (end < t_.size() && t_[end] == '\r' && end + 1 < t_.size() && t_[end + 1] == '\n') ++pos_;
    return true;
  }

 private:
  std::size_t find(char c, std::size_t from) const {
    if (from >= t_.size()) return t_.size();  // and no memchr on an empty view's null data
    const void* hit = std::memchr(t_.data() + from, c, t_.size() - from);
    return hit ? static_cast<std::size_t>(static_cast<const char*>(hit) - t_.data()) : t_.size();
  }
  std::string_view t_;
  std::size_t pos_ = 0;
  std::size_t nl_, cr_;
};

// The bytes markup_possible stops at: the three that start markup, and those of the link cues.
constexpr std::array<bool, 256> kMarkupBytes = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {'<', '&', '[', '@', ':', '.'}) t[c] = true;
  return t;
}();

// strip_markup's bracket path: the bytes its matching pass pairs, and those its main loop acts on
// (everything else is copied as it is, in runs).
constexpr std::array<bool, 256> kBracketBytes = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {'[', ']', '(', ')'}) t[c] = true;
  return t;
}();
constexpr std::array<bool, 256> kLinkPathBytes = [] {
  std::array<bool, 256> t{};
  for (unsigned char c : {'!', '[', '<', '&'}) t[c] = true;
  return t;
}();

// Whether the link cue or markup start at line[i] (a byte of kMarkupBytes) is one: "@", "<", "&"
// and "[" always count; ":" when "//" follows; "." when "www" or "WWW" precedes.
inline bool markup_at(const char* p, std::size_t n, std::size_t i) {
  switch (p[i]) {
    case ':':
      return i + 2 < n && p[i + 1] == '/' && p[i + 2] == '/';
    case '.':
      return i >= 3 && ((p[i - 3] == 'w' && p[i - 2] == 'w' && p[i - 1] == 'w') ||
                        (p[i - 3] == 'W' && p[i - 2] == 'W' && p[i - 1] == 'W'));
    default:
      return true;
  }
}

// Whether strip_markup(line, nullptr, /*nfc=*/true) could differ from the line: it changes only
// what starts with "<", "&" or "[" (tags, entities, links and images) and what find_links finds,
// which needs "://", "@", "www." or "WWW."; with none of them it returns the line itself (NFC
// text is not composed again when nothing was removed).
bool markup_possible(std::string_view line) {
  const char* p = line.data();
  const std::size_t n = line.size();
  for (std::size_t i = 0; i < n; ++i)
    if (kMarkupBytes[static_cast<unsigned char>(p[i])] && markup_at(p, n, i)) return true;
  return false;
}

std::string_view trim(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  // Non-breaking spaces at either end.
  while (s.size() >= 2 && s.substr(0, 2) == "\xC2\xA0") s.remove_prefix(2);
  while (s.size() >= 2 && s.substr(s.size() - 2) == "\xC2\xA0") s.remove_suffix(2);
  return s;
}

// Whether s has a letter or a digit: count_letters(s) != 0, stopping at the first.
bool has_letter(std::string_view s) {
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
std::size_t count_words(std::string_view s, std::size_t cap = std::string_view::npos) {
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

// A marker line's key: lower-cased letters and digits, single spaces.
std::string marker_key(std::string_view line) { return line_key(line); }

bool ends_like_a_sentence(std::string_view s) {
  static constexpr std::string_view kEnds[] = {
      ".", "!", "?", "\xE2\x80\xA6", ".\"", ".\xE2\x80\x9D", "!\xE2\x80\x9D", "?\xE2\x80\x9D", ".)", ";", ":"};
  for (auto e : kEnds)
    if (s.size() >= e.size() && s.substr(s.size() - e.size()) == e) return true;
  return false;
}

bool is_caption(std::string_view line) {
  if (line.size() >= 1 && line.front() == '|') return true;  // a markdown table cell under a photo
  static constexpr std::string_view kStarts[] = {"Ảnh:",  "Ảnh minh họa", "Ảnh minh hoạ",
                                                 "(Ảnh:", "Nguồn ảnh",    "Photo:"};
  for (auto s : kStarts)
    if (line.substr(0, s.size()) == s) return count_words(line, 41) <= 40;
  return false;
}

}  // namespace

std::vector<std::string> CleanConfig::default_end_markers() {
  return {
      "Tin bài liên quan",   "Tin liên quan",    "Bài liên quan", "Các tin bài khác", "Các tin khác", "Tin khác",
      "Tin cùng chuyên mục", "Cùng chuyên mục",  "Đọc nhiều",     "Đọc nhiều nhất",   "Đọc thêm",     "Xem thêm",
      "Tin mới nhất",        "Tin mới",          "Tin nổi bật",   "Tin nóng",         "Multimedia",   "Bình luận",
      "Ý kiến bạn đọc",      "Gửi bình luận",    "Từ khóa",       "Từ khoá",          "Tags",         "Related",
      "Related news",        "Related articles", "Read more",     "More news",        "Most read",    "Most popular"};
}

// The end of strip_markup: bare URLs and e-mail addresses removed, NFC again, the share of letters
// inside link text. `ascii_joins`: every place where `out` stops following the line (markup removed
// or replaced) is followed in `out` by an ASCII byte or by its end, and all inserted text is ASCII.
//
// Why that makes composing again unneeded for a line already composed (C = Normalizer::compose, so
// C(line) == line): C is NFC of the stream-safe form, and both cut at an ASCII character (NFC has a
// boundary before every ASCII character, and the stream-safe count restarts at one), so C(x + y) ==
// C(x) + C(y) when y starts with ASCII. (A) If C(x + y) == x + y with y starting with ASCII, then
// C(x) == x and C(y) == y: C(x) + C(y) == x + y, and were C(x) longer or shorter than x, the
// difference w would satisfy |NFD(w)| == the CGJs C adds, on one side, and |NFD(w)| + those of the
// other side == 0 on the other (NFD(C(x)) is NFD(x) plus the added CGJs, and NFD's length is the sum
// over the parts), so w is empty. (B) C(x) == x and C(y) == y with y empty or starting with ASCII give
// C(x + y) == x + y. Each piece of the line kept in `out` starts at the line's start or at an ASCII
// byte (checked) and ends at the line's end or at an ASCII byte (markup starts with "<", "&", "[",
// "!" or "]"), so by (A) it is composed; ASCII insertions are; by (B) so is their concatenation; a
// bare link cut where `out` has ASCII bytes on both sides (checked below) leaves, by (A) and (B), a
// composed text again. The case a combining mark, a Hangul vowel or any non-ASCII character follows
// removed markup ("[a](u)" + U+0301, "a<b>" + U+0301) fails the check and is composed as before.
static std::string finish_markup(std::string out, std::string_view line, bool nfc, std::size_t link_letters,
                                 double* link_share, bool ascii_joins = false) {
  // Bare URLs and e-mail addresses.
  std::vector<Span> links;
  find_links(out, links);
  if (!links.empty()) {
    const auto ascii_or_end = [&](std::size_t p) {
      return p == 0 || p >= out.size() || static_cast<unsigned char>(out[p]) < 0x80;
    };
    std::string kept;
    std::size_t at = 0;
    for (const Span& sp : links) {
      if (!ascii_or_end(sp.begin) || !ascii_or_end(sp.end)) ascii_joins = false;
      kept.append(out, at, sp.begin - at);
      at = sp.end;
    }
    kept.append(out, at, std::string::npos);
    out.swap(kept);
  }
  // Removed markup or a decoded entity can put a mark right after a letter it composes with
  // ("a&#769;", "[a](u)" + U+0301): compose again, so that cleaned text is NFC as promised.
  // Not needed when nothing was removed or decoded from a line already in NFC (most prose lines),
  // nor when every join is at ASCII (see above).
  const bool composed = nfc && (ascii_joins || (links.empty() && std::string_view(out) == line));
  if (!composed) {
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

std::string strip_markup(std::string_view line, double* link_share, bool nfc) {
  const std::size_t n = line.size();
  constexpr std::size_t none = std::string_view::npos;
  std::string out;
  out.reserve(n);
  std::size_t link_letters = 0;
  // Whether every place where `out` stops following the line is followed by ASCII (finish_markup):
  // checked where the line is read on after markup, and on every decoded entity's text.
  bool ascii_joins = true;
  const auto resume_at = [&](std::size_t p) {
    if (p < n && static_cast<unsigned char>(line[p]) >= 0x80) ascii_joins = false;
  };
  const auto entity_at = [&](std::size_t i) {
    const std::size_t before = out.size();
    const std::size_t used = decode_entity(line, i, out);
    if (used) {
      for (std::size_t k = before; k < out.size(); ++k)
        if (static_cast<unsigned char>(out[k]) >= 0x80) ascii_joins = false;
      resume_at(i + used);
    }
    return used;
  };
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
          resume_at(i);
          continue;
        }
      } else {
        const std::size_t used = entity_at(i);
        if (used) {
          i += used;
          continue;
        }
      }
      out.push_back(line[i]);
      ++i;
    }
    return finish_markup(std::move(out), line, nfc, 0, link_share, ascii_joins);
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
      if (!kBracketBytes[static_cast<unsigned char>(c)]) continue;  // one test for most bytes
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
      resume_at(i);
      continue;
    }
    {
      // A run of bytes none of the cases below acts on, up to the end of the innermost link's text:
      // copied whole (as the byte-by-byte path would, one byte at a time). Letters inside a link
      // are counted only when the share is asked for (it is their only use).
      const std::size_t limit = open_links.empty() ? n : open_links.back().first;
      std::size_t j = i;
      while (j < limit && !kLinkPathBytes[static_cast<unsigned char>(line[j])]) ++j;
      if (j > i) {
        if (link_share && !open_links.empty())
          for (std::size_t k = i; k < j; ++k)
            if ((static_cast<unsigned char>(line[k]) & 0xC0) != 0x80) {
              std::size_t at = k;
              link_letters += (chars::classify(utf8::next(line.data(), at)) & (chars::kLetter | chars::kNumber)) != 0;
            }
        out.append(line.data() + i, j - i);
        i = j;
        continue;
      }
    }
    const char c = line[i];
    if (c == '!' && i + 1 < n && line[i + 1] == '[') {  // an image: dropped whole
      const std::size_t end = link_end(line, match, i + 1);
      if (end != none) {
        i = end + 1;
        resume_at(i);
        continue;
      }
    }
    if (c == '[') {  // a link: its text stays, read on as ordinary text
      const std::size_t end = link_end(line, match, i);
      if (end != none) {
        open_links.emplace_back(match[i], end);
        ++i;
        resume_at(i);
        continue;
      }
    }
    if (c == '<') {
      const std::size_t len = tag_length(line, i, comment_miss);
      if (len != 0) {  // an HTML tag
        out.push_back(' ');
        i += len;
        resume_at(i);
        continue;
      }
    }
    if (c == '&') {
      const std::size_t used = entity_at(i);
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
  return finish_markup(std::move(out), line, nfc, link_letters, link_share, ascii_joins);
}

namespace {
// line_key of a line whose markup is already stripped, into `key`; false (key unspecified) as soon
// as the key grows past `limit` bytes (a key only grows as the line is read).
bool key_of_plain_within(std::string_view plain, std::size_t limit, std::string& key) {
  constexpr std::uint8_t kKept = chars::kLetter | chars::kNumber | chars::kMark;
  const chars::Tables& tab = chars::tables();  // once per line rather than once per character
  key.clear();
  key.reserve(std::min(plain.size(), limit) + 4);
  bool space = false;
  CancelPoll poll;
  for (std::size_t i = 0; i < plain.size();) {
    if (key.size() > limit) return false;
    poll.at(i);
    const auto b = static_cast<unsigned char>(plain[i]);
    if (b < 0x80) {  // most bytes of Vietnamese text: one byte in, at most one out, the same tables
      ++i;
      if (tab.cls[b] & kKept) {
        if (space && !key.empty()) key.push_back(' ');
        space = false;
        key.push_back(static_cast<char>(tab.lower[b]));  // the lower case of ASCII is ASCII
      } else {
        space = true;
      }
      continue;
    }
    const char32_t c = utf8::next(plain.data(), i);
    if (class_of(tab, c) & kKept) {
      if (space && !key.empty()) key.push_back(' ');
      space = false;
      utf8::append(key, c < 0x10000 ? char32_t{tab.lower[c]} : chars::lower_astral(c));
    } else {
      space = true;
    }
  }
  return key.size() <= limit;
}

std::string key_of_plain(std::string_view plain) {
  std::string key;
  key_of_plain_within(plain, std::string::npos, key);
  return key;
}
}  // namespace

std::string line_key(std::string_view line) { return key_of_plain(strip_markup(line)); }

Cleaner::Cleaner(CleanConfig config) : config_(std::move(config)) {
  for (const std::string& m : config_.end_markers) {
    const std::string k = marker_key(m);
    if (!k.empty()) markers_.intern(k);
    marker_key_max_ = std::max(marker_key_max_, k.size());
  }
}

CleanStats Cleaner::clean(std::string_view text, std::string& out) const {
  struct Line {
    std::string_view text;      // into the input, or into `stripped` when markup was removed
    std::string_view source;    // the line as written (trimmed), for its key
    signed char repeated = -1;  // furniture? -1: not asked yet
    bool headline = false;      // short, no sentence punctuation, or only a link
    bool prose = false;         // a sentence of some length
  };
  CleanStats stats;
  std::vector<Line> kept;
  std::deque<std::string> stripped;  // lines the markup step changed (a deque: views into it stay valid)
  bool body_seen = false;
  std::string marker;  // a line's marker key (reused)
  CancelPoll poll;
  LineSplitter lines(text);
  std::string_view raw;
  while (lines.next(raw)) {
    poll.at(static_cast<std::size_t>(raw.data() - text.data()));
    ++stats.lines_in;
    std::string_view line = trim(raw);
    if (line.empty()) continue;
    if (config_.captions && is_caption(line)) continue;
    double link_share = 0.0;
    // Most lines hold nothing the markup step would change: they are read as they are, not copied.
    const bool strip = config_.markup && markup_possible(line);
    std::string_view plain = line;
    if (strip) plain = stripped.emplace_back(strip_markup(line, &link_share, /*nfc=*/true));
    if (markers_.size() != 0 && body_seen) {
      // The line's marker_key (line_key: markup stripped, as `plain` already is when markup is on;
      // the text is NFC), read only as far as the longest marker's key: most lines are longer and
      // stop after a few words, where keying each whole line cost more than the rest of cleaning.
      std::string unmarked;  // markup off: the key still strips it
      const bool unmark = !config_.markup && markup_possible(line);
      if (unmark) unmarked = strip_markup(line, nullptr, true);
      const bool fits = key_of_plain_within(unmark ? std::string_view(unmarked) : plain, marker_key_max_, marker);
      if (fits && !marker.empty() && markers_.find(marker) != Interner::npos) break;  // the article ends here
    }
    const std::string_view t = trim(plain);
    if (!has_letter(t)) continue;  // what is left of an image, a table bar, a rule
    Line l;
    l.text = t;
    // Prose needs 12 words and a sentence end; a headline, no end and at most 25: words are counted
    // only as far as the bound that decides.
    const bool ends = ends_like_a_sentence(t);
    const std::size_t words = count_words(t, ends ? 12 : 26);
    l.prose = ends && words >= 12;
    l.headline = link_share >= 0.7 || (words <= 25 && !ends);
    l.source = line;
    body_seen = true;
    kept.push_back(l);
  }
  // Repeated lines framing the article: strip them from the head and the tail. A line is keyed
  // only when asked, so the article's middle (never stripped) is not keyed at all.
  const auto repeated = [&](Line& l) {
    if (l.repeated < 0) {
      // The key strips markup first: reuse the stripped text rather than strip the line twice
      // (trimming only removes spaces, which a key drops anyway).
      const std::string key = config_.markup ? key_of_plain(l.text) : line_key(l.source);
      l.repeated = !key.empty() && config_.repeated_lines->find(key) != Interner::npos;
    }
    return l.repeated != 0;
  };
  std::size_t first = 0, last = kept.size();
  if (config_.repeated_lines) {
    while (first < last && repeated(kept[first])) ++first;
    while (last > first && repeated(kept[last - 1])) --last;
    if (first == last) {
      const bool copy_of_article = std::any_of(kept.begin(), kept.end(), [](const Line& l) { return l.prose; });
      if (copy_of_article) first = 0, last = kept.size();
    }
  }
  // A trailing list of headlines.
  if (config_.headline_lists) {
    std::size_t run = 0;
    while (run < last - first && kept[last - 1 - run].headline) ++run;
    if (run >= 3 && run < last - first) last -= run;
  }
  for (std::size_t i = first; i < last; ++i) {
    if (i > first) out.push_back('\n');
    out += kept[i].text;
  }
  stats.lines_kept = last - first;
  return stats;
}

namespace {
// key_of_plain(plain) written into `buf` (grown, never shrunk, so that no line allocates); returns
// the key's length. A key is at most twice its line's bytes: a character's lower case takes at
// most one byte more than it (2 -> 3), a space replaces at least one byte, and an ASCII byte gives
// at most one.
// With `markup_check`, returns npos as soon as a markup trigger (markup_possible) is met instead:
// the triggers are ASCII punctuation, never kept in a key, so only the bytes a key drops are looked at.
constexpr std::size_t kMarkupMet = std::string_view::npos;
std::size_t key_into(std::string_view plain, std::string& buf, bool markup_check = false) {
  constexpr std::uint8_t kKept = chars::kLetter | chars::kNumber | chars::kMark;
  if (buf.size() < 2 * plain.size() + 8) buf.resize(2 * plain.size() + 8);
  const chars::Tables& tab = chars::tables();
  char* const begin = buf.data();
  char* o = begin;
  bool space = false;
  CancelPoll poll;
  for (std::size_t i = 0; i < plain.size();) {
    poll.at(i);
    const auto b = static_cast<unsigned char>(plain[i]);
    if (b < 0x80) {
      ++i;
      if (tab.cls[b] & kKept) {
        if (space && o != begin) *o++ = ' ';
        space = false;
        *o++ = static_cast<char>(tab.lower[b]);
      } else {
        if (markup_check && kMarkupBytes[b] && markup_at(plain.data(), plain.size(), i - 1)) return kMarkupMet;
        space = true;
      }
      continue;
    }
    const char32_t c = utf8::next(plain.data(), i);
    if (!(class_of(tab, c) & kKept)) {
      space = true;
      continue;
    }
    if (space && o != begin) *o++ = ' ';
    space = false;
    const char32_t l = c < 0x10000 ? char32_t{tab.lower[c]} : chars::lower_astral(c);
    if (l < 0x80) {
      *o++ = static_cast<char>(l);
    } else if (l < 0x800) {
      *o++ = static_cast<char>(0xC0 | (l >> 6));
      *o++ = static_cast<char>(0x80 | (l & 0x3F));
    } else if (l < 0x10000) {
      *o++ = static_cast<char>(0xE0 | (l >> 12));
      *o++ = static_cast<char>(0x80 | ((l >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (l & 0x3F));
    } else {
      *o++ = static_cast<char>(0xF0 | (l >> 18));
      *o++ = static_cast<char>(0x80 | ((l >> 12) & 0x3F));
      *o++ = static_cast<char>(0x80 | ((l >> 6) & 0x3F));
      *o++ = static_cast<char>(0x80 | (l & 0x3F));
    }
  }
  return static_cast<std::size_t>(o - begin);
}

// A second 64-bit hash of a key, independent of hash_bytes (other multipliers, other order), so
// that a document's signature stays 128 bits wide: two documents are taken for the same only
// when both lanes agree over every key.
inline std::uint64_t second_hash(const char* p, std::size_t n) {
  std::uint64_t h = 0x84222325CBF29CE4ull + n;
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) h = (h ^ load64(p + i)) * 0xC2B2AE3D27D4EB4Full, h ^= h >> 29;
  std::uint64_t tail = 0;
  for (std::size_t k = 0; i + k < n; ++k) tail |= std::uint64_t{static_cast<unsigned char>(p[i + k])} << (8 * k);
  h = (h ^ tail) * 0x165667B19E3779F9ull;
  return h ^ (h >> 32);
}
}  // namespace

// One pass over the document: lines split in place, each keyed straight from its bytes unless it
// holds something the markup step would change, the key hashed once for the table and the
// signature, and a line counted once per document by the key's last-seen document number.
void RepeatedLines::add_document(std::string_view text) {
  ++document_number_;
  ids_.clear();
  Signature sig{0xCBF29CE484222325ull, 0x84222325CBF29CE4ull};
  CancelPoll poll;
  LineSplitter lines(text);
  std::string_view raw;
  while (lines.next(raw)) {
    poll.at(static_cast<std::size_t>(raw.data() - text.data()));
    std::size_t len = key_into(raw, key_, /*markup_check=*/true);
    if (len == kMarkupMet) len = key_into(strip_markup(raw, nullptr, /*nfc=*/true), key_);
    if (len == 0) continue;
    const std::string_view key(key_.data(), len);
    const std::uint64_t h = hash_bytes(key.data(), key.size());
    // The signature: the keys in order, both lanes.
    sig.a = (sig.a ^ h) * 0x100000001B3ull;
    sig.a ^= sig.a >> 31;
    sig.b = (sig.b ^ second_hash(key.data(), key.size())) * 0x9E3779B97F4A7C15ull;
    sig.b ^= sig.b >> 29;
    bool added = false;
    const std::uint32_t id = keys_.intern(key, Interner::Hashed{h}, &added);
    if (added) {
      documents_.push_back(0);
      last_document_.push_back(0);
    }
    if (last_document_[id] == document_number_) continue;  // seen earlier in this document
    last_document_[id] = document_number_;
    ids_.push_back(id);
  }
  count_document(sig, ids_.data(), ids_.size());
}

void RepeatedLines::count_document(const Signature& sig, const std::uint32_t* ids, std::size_t n) {
  if (!seen_.insert(sig).second) return;  // an identical document was counted
  for (std::size_t k = 0; k < n; ++k) ++documents_[ids[k]];
  doc_signature_.push_back(sig);
  doc_keys_.insert(doc_keys_.end(), ids, ids + n);
  doc_begin_.push_back(doc_keys_.size());
}

void RepeatedLines::merge(const RepeatedLines& other) {
  std::vector<std::uint32_t> mine(other.keys_.size());
  for (std::uint32_t id = 0; id < other.keys_.size(); ++id) {
    bool added = false;
    mine[id] = keys_.intern(other.keys_.str(id), &added);
    if (added) documents_.push_back(0), last_document_.push_back(0);
  }
  std::vector<std::uint32_t> ids;
  for (std::size_t d = 0; d < other.doc_signature_.size(); ++d) {
    ids.clear();
    for (std::size_t k = other.doc_begin_[d]; k < other.doc_begin_[d + 1]; ++k) ids.push_back(mine[other.doc_keys_[k]]);
    count_document(other.doc_signature_[d], ids.data(), ids.size());
  }
}

Interner RepeatedLines::repeated(std::size_t min_documents) const {
  Interner out;
  for (std::uint32_t id = 0; id < keys_.size(); ++id)
    if (documents_[id] >= min_documents) out.intern(keys_.str(id));
  return out;
}

std::vector<std::string> RepeatedLines::repeated_list(std::size_t min_documents) const {
  std::vector<std::string> out;
  for (std::uint32_t id = 0; id < keys_.size(); ++id)
    if (documents_[id] >= min_documents) out.emplace_back(keys_.str(id));
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace mekong
