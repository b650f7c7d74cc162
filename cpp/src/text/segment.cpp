#include "mekong/text/segment.hpp"

#include <mutex>

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include "mekong/error.hpp"
#include "mekong/text/chars.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"

namespace mekong {
namespace {

// One word BreakIterator built from ICU's data; each Segmenter clones it (instances are not thread-safe).
const icu::BreakIterator& word_break_prototype() {
  static std::unique_ptr<icu::BreakIterator> prototype = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> bi(icu::BreakIterator::createWordInstance(icu::Locale::getRoot(), status));
    check_icu(status, "BreakIterator::createWordInstance");
    return bi;
  }();
  return *prototype;
}

struct UTextCloser {
  void operator()(UText* ut) const { utext_close(ut); }
};

std::size_t count_code_points(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

Segmenter::Segmenter(SegmentConfig config) : config_(config) { (void)chars::tables(); }
Segmenter::~Segmenter() = default;
Segmenter::Segmenter(Segmenter&&) noexcept = default;
Segmenter& Segmenter::operator=(Segmenter&&) noexcept = default;

void Segmenter::emit(std::string_view text, std::size_t begin, std::size_t end, bool all_numbers,
                     std::vector<Token>& out) const {
  if (all_numbers && !config_.numbers) return;
  const std::size_t len = end - begin;
  if (config_.min_token_length > 1 && (len < config_.min_token_length ||  // bytes >= code points
                                       count_code_points(text.substr(begin, len)) < config_.min_token_length))
    return;
  out.push_back({begin, len, false});
}

void Segmenter::segment_complex(std::string_view text, std::size_t begin, std::size_t end, std::vector<Token>& out) {
  if (!words_) words_.reset(word_break_prototype().clone());
  // ICU segments a whole dictionary range inside one call: a spaceless run longer than kComplexPiece
  // goes in pieces (cut before a code point that is not a mark), so the cancel flag is polled and
  // ICU's int32 offsets hold. A word straddling a cut, in a megabyte without a space, is split there.
  constexpr std::size_t kComplexPiece = std::size_t{1} << 20;
  CancelPoll poll;
  for (std::size_t piece = begin; piece < end;) {
    std::size_t stop = end;
    if (end - piece > kComplexPiece) {
      stop = piece + kComplexPiece;
      while (stop > piece + 1) {
        const auto b = static_cast<unsigned char>(text[stop]);
        std::size_t k = stop;
        if ((b & 0xC0) != 0x80 && !(chars::classify(utf8::next(text.data(), k)) & chars::kMark)) break;
        --stop;
      }
    }
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<UText, UTextCloser> ut(
        utext_openUTF8(nullptr, text.data() + piece, static_cast<int64_t>(stop - piece), &status));
    check_icu(status, "utext_openUTF8");
    words_->setText(ut.get(), status);
    check_icu(status, "BreakIterator::setText");
    int32_t from = words_->first();
    for (int32_t to = words_->next(); to != icu::BreakIterator::DONE; from = to, to = words_->next()) {
      poll.at(piece + static_cast<std::size_t>(to));
      if (words_->getRuleStatus() == UBRK_WORD_NONE) continue;
      bool all_numbers = true;
      for (std::size_t i = piece + static_cast<std::size_t>(from); i < piece + static_cast<std::size_t>(to);)
        all_numbers &= (chars::classify(utf8::next(text.data(), i)) & chars::kNumber) != 0;
      emit(text, piece + static_cast<std::size_t>(from), piece + static_cast<std::size_t>(to), all_numbers, out);
    }
    // Detach the iterator from the UText before it is closed.
    words_->setText(icu::UnicodeString());
    piece = stop;
  }
}

void Segmenter::split_by_script(std::string_view text, std::size_t begin, std::size_t end, std::vector<Token>& out) {
  // ICU does not break between a Latin word and Thai written against it ("COVID19ระบาด"): cut the
  // run where it passes between spaceless and spaced scripts (a mark stays with what precedes it).
  std::size_t i = begin, piece = begin;
  bool piece_complex = false, piece_numbers = true, first = true;
  while (i < end) {
    std::size_t j = i;
    const std::uint8_t cls = chars::classify(utf8::next(text.data(), j));
    const bool is_complex = (cls & chars::kComplex) != 0;
    if (!first && !(cls & chars::kMark) && is_complex != piece_complex) {
      if (piece_complex)
        segment_complex(text, piece, i, out);
      else
        emit(text, piece, i, piece_numbers, out);
      piece = i;
      piece_numbers = true;
    }
    if (first || !(cls & chars::kMark)) piece_complex = is_complex;
    piece_numbers &= (cls & chars::kNumber) != 0;
    first = false;
    i = j;
  }
  if (piece_complex)
    segment_complex(text, piece, end, out);
  else
    emit(text, piece, end, piece_numbers, out);
}

namespace {

// Decodes one code point at s[i], checking it as decode.cpp's validator does. Returns false on an
// invalid sequence.
inline bool next_checked(const char* s, std::size_t n, std::size_t& i, char32_t& c) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    c = b0;
    ++i;
    return true;
  }
  auto cont = [&](std::size_t k) { return i + k < n && (static_cast<unsigned char>(s[i + k]) & 0xC0) == 0x80; };
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    if (!cont(1)) return false;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    if (!cont(1) || !cont(2)) return false;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if ((b0 == 0xE0 && b1 < 0xA0) || (b0 == 0xED && b1 > 0x9F)) return false;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    if (!cont(1) || !cont(2) || !cont(3)) return false;
    const auto b1 = static_cast<unsigned char>(s[i + 1]);
    if ((b0 == 0xF0 && b1 < 0x90) || (b0 == 0xF4 && b1 > 0x8F)) return false;
  } else {
    return false;
  }
  c = utf8::next(s, i);
  return true;
}

}  // namespace

template <bool kChecked>
bool Segmenter::scan(std::string_view text, std::vector<Token>& out) {
  const chars::Tables& tab = chars::tables();
  if (config_.urls != LinkPolicy::split)
    find_links(text, links_);
  else
    links_.clear();
  std::size_t next_link = 0;
  const char* s = text.data();
  const std::size_t n = text.size();
  std::size_t i = 0;
  char32_t c = 0;
  std::uint8_t cls = 0;
  CancelPoll poll;
  // Reads the code point at j into cls; in checked mode fails on invalid or non-NFC text. ASCII,
  // most of the bytes even in Vietnamese, takes the short way: always valid, always NFC.
  auto read = [&](std::size_t& j) {
    const auto b = static_cast<unsigned char>(s[j]);
    if (b < 0x80) {
      cls = tab.cls[b];
      ++j;
      return true;
    }
    if constexpr (kChecked) {
      if (!next_checked(s, n, j, c)) return false;
    } else {
      c = utf8::next(s, j);
    }
    cls = c < 0x10000 ? tab.cls[c] : chars::classify_astral(c);
    if constexpr (kChecked) return (cls & chars::kNfcYes) != 0;
    return true;
  };
  while (i < n) {
    poll.at(i);
    if (next_link < links_.size() && i >= links_[next_link].begin) {
      const Span link = links_[next_link++];
      if constexpr (kChecked) {  // the link's bytes are skipped, so check them here
        for (std::size_t j = link.begin; j < link.end;)
          if (!read(j)) return false;
      }
      if (config_.urls == LinkPolicy::keep) out.push_back({link.begin, link.end - link.begin, true});
      i = link.end;
      continue;
    }
    const std::size_t limit = next_link < links_.size() ? links_[next_link].begin : n;
    std::size_t j = i;
    if (!read(j)) return false;
    if (!(cls & chars::kToken)) {  // a separator
      i = j;
      continue;
    }
    // A run of word characters, up to the next link. The classes of its characters are folded
    // together: all numbers when every one has kNumber, complex when any has kComplex.
    const std::size_t begin = i;
    std::uint8_t all = cls, any = cls;
    while (true) {
      i = j;
      if (i >= limit) break;
      poll.at(i);  // a run of word characters can be the whole text
      if (!read(j)) return false;
      if (!(cls & chars::kToken)) break;
      all &= cls;
      any |= cls;
    }
    const bool all_numbers = (all & chars::kNumber) != 0, complex = (any & chars::kComplex) != 0;
    if (complex)
      split_by_script(text, begin, i, out);
    else
      emit(text, begin, i, all_numbers, out);
  }
  return true;
}

void Segmenter::segment(std::string_view text, std::vector<Token>& out) { scan<false>(text, out); }

bool Segmenter::segment_checked(std::string_view raw, std::vector<Token>& out) { return scan<true>(raw, out); }

}  // namespace mekong
