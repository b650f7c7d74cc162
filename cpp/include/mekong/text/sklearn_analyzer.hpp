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
#include "mekong/text/code_units.hpp"
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
    // The same for a document held as code points: identical terms and ids.
    void analyze(const CodeUnits& doc, TermBuffer& out);
    void term_ids(const CodeUnits& doc, const TermResolver& resolve, std::vector<std::uint32_t>& ids);

   private:
    std::string_view preprocess(std::string_view doc);
    const SkAnalyzer& owner_;
    std::unique_ptr<pytext::TokenPattern::Matcher> matcher_;
    // Whether analyze() is the one-pass lower-case + tokenize scan (the default pattern's path).
    bool plain_scan() const;
    std::string lowered_, stripped_, scratch_, utf8_;
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

// Documents seen through a SkAnalyzer, as the count stage's TermSource: UTF-8, or code points as
// Python's str holds them (the same terms either way).
class SkCorpus : public TermSource {
 public:
  SkCorpus(const std::vector<std::string_view>& docs, const SkAnalyzer& analyzer) : utf8_(&docs), analyzer_(analyzer) {}
  SkCorpus(const std::vector<CodeUnits>& docs, const SkAnalyzer& analyzer) : units_(&docs), analyzer_(analyzer) {}
  std::size_t size() const override { return utf8_ ? utf8_->size() : units_->size(); }
  // Bytes of UTF-8; for code points an estimate (Vietnamese takes about 1.25 bytes a character).
  std::size_t weight(std::size_t doc) const override {
    if (utf8_) return (*utf8_)[doc].size();
    return utf8_weight((*units_)[doc]);
  }
  std::unique_ptr<Reader> reader() const override;

 private:
  const std::vector<std::string_view>* utf8_ = nullptr;
  const std::vector<CodeUnits>* units_ = nullptr;
  const SkAnalyzer& analyzer_;
};

}  // namespace mekong
