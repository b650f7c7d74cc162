// Stage 4, segment: splits NFC text into tokens.
//
// A token is a run of word characters (letters, combining marks, numbers, connector punctuation such
// as "_": Unicode's \w, which unlike Python's includes the marks of NFD text). Runs in Latin and other
// spaced scripts take a fast path; a run that holds Thai, Lao, Khmer, Myanmar, Han or kana characters,
// written without spaces between words, goes to ICU's dictionary word BreakIterator.
//
// Bound: O(n) in the text's bytes. One forward pass reads every byte once (links found first, in
// O(n), see links.hpp); a spaceless run is read once more by the script split and once by ICU, in
// pieces of at most 1 MiB; the cancel flag is polled every 64 KiB.
#pragma once

#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include "mekong/text/links.hpp"

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class BreakIterator;
U_NAMESPACE_END

namespace mekong {

enum class LinkPolicy {
  drop,   // URLs and e-mail addresses are not tokens
  keep,   // each is one token, whole
  split,  // treated as ordinary text ("https", "example", "com"), as scikit-learn does
};

struct SegmentConfig {
  bool numbers = true;                 // keep tokens made only of digits / numerals
  LinkPolicy urls = LinkPolicy::drop;  // URLs and e-mail addresses: dropped, kept whole or split like text
  std::size_t min_token_length = 1;    // in code points; scikit-learn's default pattern needs 2
};

struct Token {
  std::size_t begin = 0;
  std::size_t length = 0;
  bool link = false;
};

// One per thread: it owns a BreakIterator clone.
class Segmenter {
 public:
  explicit Segmenter(SegmentConfig config = {});
  ~Segmenter();
  Segmenter(Segmenter&&) noexcept;
  Segmenter& operator=(Segmenter&&) noexcept;

  // Appends the tokens of `text` (valid UTF-8, NFC) to `out`, in order.
  void segment(std::string_view text, std::vector<Token>& out);

  // The same on raw bytes, checking on the way that they are valid UTF-8 and already NFC (every
  // code point NFC_Quick_Check=Yes with combining class 0). Returns false when they are not; then
  // `out` holds a partial result and the caller must decode and compose first. One pass instead
  // of three for the common case of clean text.
  bool segment_checked(std::string_view raw, std::vector<Token>& out);

  const SegmentConfig& config() const { return config_; }

 private:
  void emit(std::string_view text, std::size_t begin, std::size_t end, bool all_numbers, std::vector<Token>& out) const;
  template <bool kChecked>
  bool scan(std::string_view text, std::vector<Token>& out);
  void split_by_script(std::string_view text, std::size_t begin, std::size_t end, std::vector<Token>& out);
  void segment_complex(std::string_view text, std::size_t begin, std::size_t end, std::vector<Token>& out);

  SegmentConfig config_;
  std::unique_ptr<icu::BreakIterator> words_;  // created on the first run that needs it
  std::vector<Span> links_;
};

}  // namespace mekong
