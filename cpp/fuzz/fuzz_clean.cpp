// clean: page furniture out of NFC text (Cleaner, strip_markup, line_key, RepeatedLines).
//   The input is split at 0x1E bytes into up to 8 documents; lines repeated across them are learned
//   with RepeatedLines and the first document is cleaned. Output is valid UTF-8 in NFC, made of
//   at most as many lines as came in, each trimmed and holding a letter or digit. With every step
//   turned off, cleaning keeps every line that holds a letter or digit, trimmed (nothing lost):
//   that is checked against a line splitter written here. line_key and strip_markup give valid
//   UTF-8; a key has no leading, trailing or double spaces.
//   The first byte picks the steps.
#include <unicode/uchar.h>

#include "fuzz_common.hpp"
#include "mekong/text/clean.hpp"
#include "mekong/text/decode.hpp"
#include "mekong/text/normalize.hpp"

namespace {

// Lines at \n, \r and \r\n, trimmed of ASCII blanks and no-break spaces, kept when they hold a
// letter or a number.
std::vector<std::string> reference_lines(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    std::u32string cps = fuzz::code_points(cur);
    auto blank = [](char32_t c) { return c == ' ' || c == '\t' || c == '\f' || c == '\v' || c == 0xA0; };
    std::size_t b = 0, e = cps.size();
    while (b < e && blank(cps[b])) ++b;
    while (e > b && blank(cps[e - 1])) --e;
    bool letters = false;
    for (std::size_t k = b; k < e; ++k)
      letters |= (U_GET_GC_MASK(static_cast<UChar32>(cps[k])) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
    if (letters) {
      icu::UnicodeString u;
      for (std::size_t k = b; k < e; ++k) u.append(static_cast<UChar32>(cps[k]));
      out.push_back(fuzz::to_utf8(u));
    }
    cur.clear();
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || text[i] == '\r') {
      flush();
      if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      cur.push_back(text[i]);
    }
  }
  if (!cur.empty()) flush();
  return out;
}

// A line without blanks at either end (the cleaner trims ASCII blanks, then no-break spaces).
std::string trimmed(std::string_view line) {
  const std::vector<std::string> l = reference_lines(line);
  return l.empty() ? std::string() : l[0];
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i)
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const std::uint8_t opt = in.byte();
  static const mekong::Normalizer norm;

  std::vector<std::string> docs;
  for (std::string_view part : split(in.rest(), '\x1e')) {
    if (docs.size() == 8) break;
    std::string decoded, composed;
    const std::string_view text = norm.compose(mekong::decode_utf8(part, decoded).text, composed);
    docs.emplace_back(text);
  }
  mekong::RepeatedLines learner;
  for (const std::string& d : docs) learner.add_document(d);
  const mekong::Interner repeated = learner.repeated(2);
  for (const std::string& key : learner.repeated_list(2)) {
    FUZZ_CHECK(fuzz::valid_utf8(key), "repeated line key is not valid UTF-8");
    FUZZ_CHECK(repeated.find(key) != mekong::Interner::npos, "repeated_list and repeated disagree");
  }

  mekong::CleanConfig cfg;
  cfg.markup = opt & 1;
  cfg.captions = opt & 2;
  cfg.headline_lists = opt & 4;
  if (opt & 8) cfg.end_markers.clear();
  if (opt & 16) cfg.repeated_lines = &repeated;
  const mekong::Cleaner cleaner(cfg);
  const std::string& doc = docs[0];
  std::string out;
  const mekong::CleanStats stats = cleaner.clean(doc, out);
  FUZZ_CHECK(fuzz::valid_utf8(out), "clean output is not valid UTF-8 on %s", fuzz::hex(doc).c_str());
  FUZZ_CHECK(fuzz::is_nfc(out), "clean output is not NFC on %s", fuzz::hex(doc).c_str());
  FUZZ_CHECK(stats.lines_kept <= stats.lines_in, "kept %zu of %zu lines", stats.lines_kept, stats.lines_in);
  const std::vector<std::string_view> out_lines = out.empty() ? std::vector<std::string_view>{} : split(out, '\n');
  FUZZ_CHECK(out_lines.size() == stats.lines_kept, "%zu lines out, %zu counted", out_lines.size(), stats.lines_kept);
  for (std::string_view l : out_lines) FUZZ_CHECK(l.find('\r') == std::string_view::npos, "a kept line holds \\r");

  if (!cfg.markup && !cfg.captions && !cfg.headline_lists && !cfg.repeated_lines) {
    // Nothing to drop but markers, and with no markers nothing at all.
    const std::vector<std::string> expect = reference_lines(doc);
    if (cfg.end_markers.empty()) {
      FUZZ_CHECK(out_lines.size() == expect.size(), "lost lines: %zu kept of %zu", out_lines.size(), expect.size());
      for (std::size_t i = 0; i < expect.size(); ++i)
        FUZZ_CHECK(trimmed(out_lines[i]) == expect[i], "line %zu changed", i);
    } else {  // markers only end the article: what is kept is a prefix
      FUZZ_CHECK(out_lines.size() <= expect.size(), "more lines than the text has");
      for (std::size_t i = 0; i < out_lines.size(); ++i)
        FUZZ_CHECK(trimmed(out_lines[i]) == expect[i], "line %zu changed", i);
    }
  }

  for (std::string_view line : split(doc, '\n')) {
    double share = -1;
    const std::string plain = mekong::strip_markup(line, &share);
    FUZZ_CHECK(fuzz::valid_utf8(plain), "strip_markup output is not valid UTF-8 on %s", fuzz::hex(line).c_str());
    FUZZ_CHECK(share >= 0.0 && share <= 1.0, "link share %f", share);
    const std::string key = mekong::line_key(line);
    FUZZ_CHECK(fuzz::valid_utf8(key), "line_key output is not valid UTF-8");
    FUZZ_CHECK(key.empty() || (key.front() != ' ' && key.back() != ' ' && key.find("  ") == std::string::npos),
               "line_key spacing");
  }
  return 0;
}
