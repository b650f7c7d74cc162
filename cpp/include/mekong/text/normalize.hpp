// Stage 3, normalize: NFC (ICU Normalizer2), lower-casing, and one Vietnamese tone-mark placement.
//
// Tone placement. The two spellings in use differ only in open syllables whose nucleus is oa, oe or
// uy: the traditional placement writes "hòa, khỏe, thủy" (most news, and law titles), the 2018
// placement (Decision 1989/QĐ-BGDĐT) writes "hoà, khoẻ, thuỷ". ToneStyle::traditional is the default.
// Every Vietnamese syllable is rewritten to the chosen placement from its structure (onset, nucleus,
// coda), which also repairs misplaced marks such as "qúy" -> "quý" and "gìa" -> "già". A word that is
// not a well-formed Vietnamese syllable is left as it is.
//
// Bound: O(n) in the text's bytes, whatever it holds. ICU's NFC reorders each run of combining marks
// by insertion, quadratic in the run, so text is first put in UAX #15's stream-safe format: a run of
// more than 30 non-starters gets U+034F COMBINING GRAPHEME JOINER before its 31st (text with no such
// run, all real text, is unchanged, so NFC and NFD input still give the same result). ICU then sees
// runs of at most ~33 marks, in pieces of 256 KiB cut at NFC boundaries, polling the cancel flag
// between pieces. Folding is one pass over each token; a syllable has at most 12 code points.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mekong {

enum class ToneStyle { keep, traditional, modern };

struct NormalizeConfig {
  bool lowercase = true;
  ToneStyle tone_marks = ToneStyle::traditional;  // Python: tone_marks ("traditional", "modern", None = keep)
};

class Normalizer {
 public:
  explicit Normalizer(NormalizeConfig config = {});

  const NormalizeConfig& config() const { return config_; }

  // NFC of valid UTF-8. Returns `text` itself when it is already NFC, else a view of `scratch`.
  std::string_view compose(std::string_view text, std::string& scratch) const;

  // Appends the normalized form of one NFC token (lower-cased when configured, tone marks placed).
  void fold_token(std::string_view token, std::string& out) const;

  // mekong.normalize(): NFC, then every word folded; spaces and punctuation are kept as they are.
  std::string normalize_text(std::string_view valid_utf8) const;

 private:
  NormalizeConfig config_;
};

// Rewrites one syllable (code points, NFC) to the tone placement of `style`. Returns false, leaving it
// unchanged, when it is not a well-formed Vietnamese syllable carrying exactly one tone mark.
bool place_tone(std::u32string& syllable, ToneStyle style);

}  // namespace mekong
