// The analyzer of scikit-learn's text vectorizers, in the core, for mekong.sklearn: no NFC, no tone
// marks, no word segmentation; Python's str.lower(), scikit-learn's strip_accents, its token
// pattern, stop words after tokenizing, word n-grams joined by a space, and char / char_wb n-grams.
// Documents arrive as UTF-8 (decoded by the Python layer with the vectorizer's encoding and
// decode_error, exactly as scikit-learn's decode does).
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mekong/terms/term_source.hpp"
#include "mekong/text/pattern.hpp"
#include "mekong/text/terms.hpp"
#include "mekong/util/interner.hpp"

namespace mekong {

enum class SkAnalyzerKind { word, chars, chars_wb };
enum class StripAccents { none, ascii, unicode };

struct SkAnalyzerConfig {
  SkAnalyzerKind kind = SkAnalyzerKind::word;
  bool lowercase = true;
  StripAccents strip_accents = StripAccents::none;
  std::string token_pattern = "(?u)\\b\\w\\w+\\b";
  bool use_stop_words = false;
  std::vector<std::string> stop_words;  // compared with tokens as they are
  std::size_t ngram_min = 1;
  std::size_t ngram_max = 1;
};

class SkAnalyzer {
 public:
  // Throws std::invalid_argument for an impossible configuration or an untranslatable pattern.
  explicit SkAnalyzer(SkAnalyzerConfig config);

  const SkAnalyzerConfig& config() const { return config_; }
  const pytext::TokenPattern* pattern() const { return pattern_.get(); }

  class Worker {
   public:
    explicit Worker(const SkAnalyzer& owner);
    // The terms of one UTF-8 document, as scikit-learn's build_analyzer()(doc) lists them.
    void analyze(std::string_view doc, TermBuffer& out);
    // The ids `resolve` gives the document's terms (npos left out). For char_wb a word's n-grams
    // depend on the word alone, so each distinct word is resolved once and remembered: `resolve`
    // must be the same mapping for the worker's whole life.
    void term_ids(std::string_view doc, const TermResolver& resolve, std::vector<std::uint32_t>& ids);

   private:
    std::string_view preprocess(std::string_view doc);
    const SkAnalyzer& owner_;
    std::unique_ptr<pytext::TokenPattern::Matcher> matcher_;
    std::string lowered_, stripped_, scratch_;
    std::vector<std::size_t> offsets_;
    TermBuffer tokens_, word_grams_;
    std::vector<std::string_view> kept_;
    Interner memo_words_;                  // word -> slot (char_wb)
    std::vector<std::uint32_t> memo_ids_;  // the ids of each remembered word's n-grams, flat
    std::vector<std::size_t> memo_ends_;
  };

 private:
  SkAnalyzerConfig config_;
  std::unique_ptr<pytext::TokenPattern> pattern_;
  Interner stop_words_;
};

// UTF-8 documents seen through a SkAnalyzer, as the count stage's TermSource.
class SkCorpus : public TermSource {
 public:
  SkCorpus(const std::vector<std::string_view>& docs, const SkAnalyzer& analyzer) : docs_(docs), analyzer_(analyzer) {}
  std::size_t size() const override { return docs_.size(); }
  std::size_t weight(std::size_t doc) const override { return docs_[doc].size(); }
  std::unique_ptr<Reader> reader() const override;

 private:
  const std::vector<std::string_view>& docs_;
  const SkAnalyzer& analyzer_;
};

}  // namespace mekong
