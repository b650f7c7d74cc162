#include "mekong/text/chargrams.hpp"

#include "mekong/text/pattern.hpp"

namespace mekong {
namespace {

// `text` with each run of 2+ white-space characters replaced by " " (Python's re.sub(r"\s\s+", " ")),
// into `out`, and the byte offset where each code point starts (plus the end) into `offsets`.
void collapse_spaces(std::string_view text, std::string& out, std::vector<std::size_t>& offsets) {
  out.clear();
  offsets.clear();
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t b = i;
    const char32_t c = pytext::next(text, i);
    if (pytext::is_space(c)) {
      std::size_t j = i, run = 1;
      while (j < text.size()) {
        std::size_t k = j;
        if (!pytext::is_space(pytext::next(text, k))) break;
        j = k;
        ++run;
      }
      offsets.push_back(out.size());
      if (run >= 2) {
        out.push_back(' ');
        i = j;
      } else {
        out.append(text, b, i - b);
      }
      continue;
    }
    offsets.push_back(out.size());
    out.append(text, b, i - b);
  }
  offsets.push_back(out.size());
}

}  // namespace

void char_ngrams(std::string_view text, std::size_t lo, std::size_t hi, TermBuffer& out, std::string& scratch,
                 std::vector<std::size_t>& offsets) {
  collapse_spaces(text, scratch, offsets);
  const std::size_t len = offsets.size() - 1;
  for (std::size_t n = lo; n <= hi && n <= len; ++n)
    for (std::size_t i = 0; i + n <= len; ++i)
      out.push(std::string_view(scratch).substr(offsets[i], offsets[i + n] - offsets[i]));
}

void char_wb_ngrams(std::string_view text, std::size_t lo, std::size_t hi, TermBuffer& out, std::string& scratch,
                    std::vector<std::size_t>& offsets) {
  // Splitting on white space makes the collapse of runs irrelevant: words are what is between.
  std::string& word = scratch;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t b = i;
    if (pytext::is_space(pytext::next(text, i))) continue;
    // A word: code points up to the next white space.
    word.assign(" ");
    offsets.assign(1, 0);
    i = b;
    while (i < text.size()) {
      const std::size_t at = i;
      if (pytext::is_space(pytext::next(text, i))) {
        i = at;
        break;
      }
      offsets.push_back(word.size());
      word.append(text, at, i - at);
    }
    offsets.push_back(word.size());
    word.push_back(' ');
    offsets.push_back(word.size());
    const std::size_t w_len = offsets.size() - 1;  // code points, padding included
    const std::string_view w(word);
    for (std::size_t n = lo; n <= hi; ++n) {
      std::size_t offset = 0;
      auto piece = [&](std::size_t from) {
        const std::size_t to = std::min(from + n, w_len);
        out.push(w.substr(offsets[from], offsets[to] - offsets[from]));
      };
      piece(0);
      while (offset + n < w_len) piece(++offset);
      if (offset == 0) break;
    }
  }
}

}  // namespace mekong
