// The analyzer composes the text stages for one document:
//   decode -> normalize (NFC) -> segment -> fold (case, tone marks) -> stop words -> n-grams.
// Each stage keeps its own configuration; the analyzer only wires them together.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mekong/matrix/count.hpp"
#include "mekong/text/normalize.hpp"
#include "mekong/text/segment.hpp"
#include "mekong/text/terms.hpp"
#include "mekong/util/interner.hpp"

namespace mekong {

struct AnalyzerConfig {
  std::string encoding;  // "" or "utf-8": UTF-8 checked in place; else an ICU converter name
  NormalizeConfig normalize;
  SegmentConfig segment;
  std::vector<std::string> stop_words;  // normalized like the text before use
  std::size_t ngram_min = 1;
  std::size_t ngram_max = 1;
};

struct DocStats {
  std::size_t replaced = 0;  // invalid sequences replaced by U+FFFD
  std::size_t first_invalid = std::string_view::npos;
};

class Analyzer {
 public:
  // Throws std::invalid_argument for an impossible configuration (ngram range, encoding).
  explicit Analyzer(AnalyzerConfig config);

  const AnalyzerConfig& config() const { return config_; }

  // Per-thread state: scratch buffers and a BreakIterator.
  class Worker {
   public:
    explicit Worker(const Analyzer& owner);
    // Writes the terms of one raw document to `out`. The bytes are in the configured encoding, or
    // UTF-8 whatever the configuration when `utf8` is set (text that arrived as str).
    DocStats analyze(std::string_view raw, TermBuffer& out, bool utf8 = false);
    // The normalized tokens of a document, before stop words and n-grams.
    DocStats tokens(std::string_view raw, TermBuffer& out, bool utf8 = false);

    // The ids `resolve` gives the document's terms (npos left out): the same as resolving each
    // term analyze() writes, but a token seen before costs one hash lookup on its raw bytes.
    // `resolve` must be the same mapping for the whole life of the worker (see reset_ids()).
    DocStats term_ids(std::string_view raw, bool utf8, const TermResolver& resolve, std::vector<std::uint32_t>& ids);
    void reset_ids();

   private:
    // Appends the folded form of a non-ASCII token, folding each distinct token once (words
    // repeat: news vocabularies follow Zipf's law).
    void fold_memo(std::string_view token, std::string& out);

    const Analyzer& owner_;
    Segmenter segmenter_;
    std::string decoded_, composed_;
    std::vector<Token> spans_;
    TermBuffer tokens_;  // analyze()'s tokens before stop words and n-grams
    TermBuffer terms_;   // term_ids()' terms when they are n-grams
    std::vector<std::string_view> kept_;
    std::string scratch_term_;
    Interner ids_raw_;                     // raw token -> slot in ids_ (term_ids' memo)
    std::vector<std::uint32_t> ids_;       // resolved id of each remembered raw token
    Interner memo_raw_;                    // raw token -> id
    std::string memo_folded_;              // folded forms, back to back
    std::vector<std::size_t> memo_ends_;   // end of id's folded form in memo_folded_
  };

  Worker worker() const { return Worker(*this); }

  // The normalized form of one term as the analyzer would produce it (for vocabularies, stop words).
  std::string normalize_term(std::string_view term) const;

  bool is_stop_word(std::string_view folded) const {
    return stop_words_.size() != 0 && stop_words_.find(folded) != Interner::npos;
  }

  const Normalizer& normalizer() const { return normalizer_; }

 private:
  AnalyzerConfig config_;
  Normalizer normalizer_;
  Interner stop_words_;
};

}  // namespace mekong
