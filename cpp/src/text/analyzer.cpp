#include "mekong/text/analyzer.hpp"

#include <stdexcept>

#include "mekong/text/decode.hpp"

namespace mekong {
namespace {

bool is_utf8(const std::string& encoding) {
  std::string e;
  for (char c : encoding)
    if (c != '-' && c != '_') e.push_back(static_cast<char>(c | 0x20));
  return e.empty() || e == "utf8";
}

}  // namespace

Analyzer::Analyzer(AnalyzerConfig config)
    : config_(std::move(config)), normalizer_(config_.normalize) {
  if (config_.ngram_min < 1 || config_.ngram_max < config_.ngram_min)
    throw std::invalid_argument("ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n");
  if (!is_utf8(config_.encoding)) {
    std::string scratch;
    decode_bytes("", config_.encoding, scratch);  // throws for an unknown encoding
  }
  for (const std::string& w : config_.stop_words) stop_words_.intern(normalize_term(w));
}

std::string Analyzer::normalize_term(std::string_view term) const {
  std::string decoded, composed, out;
  const Decoded d = decode_utf8(term, decoded);
  normalizer_.fold_token(normalizer_.compose(d.text, composed), out);
  return out;
}

Analyzer::Worker::Worker(const Analyzer& owner) : owner_(owner), segmenter_(owner.config_.segment) {}

DocStats Analyzer::Worker::tokens(std::string_view raw, TermBuffer& out, bool utf8) {
  const AnalyzerConfig& cfg = owner_.config_;
  const Decoded d = utf8 || is_utf8(cfg.encoding) ? decode_utf8(raw, decoded_) : decode_bytes(raw, cfg.encoding, decoded_);
  const std::string_view text = owner_.normalizer_.compose(d.text, composed_);
  spans_.clear();
  segmenter_.segment(text, spans_);
  out.clear();
  out.bytes.reserve(text.size());
  out.ends.reserve(spans_.size());
  for (const Token& t : spans_) {
    owner_.normalizer_.fold_token(text.substr(t.begin, t.length), out.bytes);
    out.ends.push_back(out.bytes.size());
  }
  return {d.replaced, d.first_invalid};
}

DocStats Analyzer::Worker::analyze(std::string_view raw, TermBuffer& out, bool utf8) {
  const AnalyzerConfig& cfg = owner_.config_;
  const bool plain = cfg.ngram_max == 1 && owner_.stop_words_.size() == 0;
  if (plain) return tokens(raw, out, utf8);
  const DocStats stats = tokens(raw, tokens_, utf8);
  out.clear();
  // Stop words go first, then n-grams over what remains (as scikit-learn does).
  std::vector<std::string_view> kept;
  kept.reserve(tokens_.size());
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    const std::string_view t = tokens_[i];
    if (owner_.stop_words_.size() == 0 || owner_.stop_words_.find(t) == Interner::npos) kept.push_back(t);
  }
  for (std::size_t n = cfg.ngram_min; n <= cfg.ngram_max && n <= kept.size(); ++n) {
    for (std::size_t i = 0; i + n <= kept.size(); ++i) {
      for (std::size_t k = 0; k < n; ++k) {
        if (k) out.bytes.push_back(' ');
        out.bytes.append(kept[i + k]);
      }
      out.ends.push_back(out.bytes.size());
    }
  }
  return stats;
}

}  // namespace mekong
