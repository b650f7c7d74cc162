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

void Analyzer::Worker::fold_memo(std::string_view token, std::string& out) {
  constexpr std::size_t kMaxEntries = 1u << 20;  // a fixed buffer: start afresh past a million forms
  bool added = false;
  const std::uint32_t id = memo_raw_.intern(token, &added);
  if (added) {
    const std::size_t start = memo_folded_.size();
    owner_.normalizer_.fold_token(token, memo_folded_);
    memo_ends_.push_back(memo_folded_.size());
    out.append(memo_folded_, start, memo_folded_.size() - start);
    if (memo_ends_.size() >= kMaxEntries) {
      memo_raw_ = Interner();
      memo_folded_.clear();
      memo_ends_.clear();
    }
    return;
  }
  const std::size_t b = id ? memo_ends_[id - 1] : 0;
  out.append(memo_folded_, b, memo_ends_[id] - b);
}

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
    const std::string_view tok = text.substr(t.begin, t.length);
    bool ascii = true;
    for (char c : tok) ascii &= static_cast<unsigned char>(c) < 0x80;
    if (ascii) owner_.normalizer_.fold_token(tok, out.bytes);
    else fold_memo(tok, out.bytes);
    out.ends.push_back(out.bytes.size());
  }
  return {d.replaced, d.first_invalid};
}

void Analyzer::Worker::reset_ids() {
  ids_raw_ = Interner();
  ids_.clear();
}

DocStats Analyzer::Worker::term_ids(std::string_view raw, bool utf8, const TermResolver& resolve,
                                    std::vector<std::uint32_t>& ids) {
  const AnalyzerConfig& cfg = owner_.config_;
  ids.clear();
  if (cfg.ngram_max > 1) {  // n-grams need the whole token list: resolve each term written
    const DocStats stats = analyze(raw, terms_, utf8);
    for (std::size_t t = 0; t < terms_.size(); ++t) {
      const std::uint32_t id = resolve(terms_[t]);
      if (id != Interner::npos) ids.push_back(id);
    }
    return stats;
  }
  // Clean text (valid UTF-8, already NFC) is segmented in one checked pass over the raw bytes;
  // anything else goes through decode and compose first.
  DocStats stats;
  std::string_view text = raw;
  spans_.clear();
  if (!((utf8 || is_utf8(cfg.encoding)) && segmenter_.segment_checked(raw, spans_))) {
    const Decoded d = utf8 || is_utf8(cfg.encoding) ? decode_utf8(raw, decoded_) : decode_bytes(raw, cfg.encoding, decoded_);
    stats = {d.replaced, d.first_invalid};
    text = owner_.normalizer_.compose(d.text, composed_);
    spans_.clear();
    segmenter_.segment(text, spans_);
  }
  constexpr std::size_t kMaxEntries = 1u << 20;  // a fixed buffer: start afresh past a million forms
  if (ids_.size() >= kMaxEntries) reset_ids();
  ids.reserve(spans_.size());
  for (const Token& t : spans_) {
    const std::string_view tok = text.substr(t.begin, t.length);
    bool added = false;
    const std::uint32_t slot = ids_raw_.intern(tok, &added);
    if (added) {
      scratch_term_.clear();
      owner_.normalizer_.fold_token(tok, scratch_term_);
      ids_.push_back(owner_.is_stop_word(scratch_term_) ? Interner::npos : resolve(scratch_term_));
    }
    const std::uint32_t id = ids_[slot];
    if (id != Interner::npos) ids.push_back(id);
  }
  return stats;
}

DocStats Analyzer::Worker::analyze(std::string_view raw, TermBuffer& out, bool utf8) {
  const AnalyzerConfig& cfg = owner_.config_;
  const bool plain = cfg.ngram_max == 1 && owner_.stop_words_.size() == 0;
  if (plain) return tokens(raw, out, utf8);
  const DocStats stats = tokens(raw, tokens_, utf8);
  out.clear();
  // Stop words go first, then n-grams over what remains (as scikit-learn does).
  std::vector<std::string_view>& kept = kept_;
  kept.clear();
  for (std::size_t i = 0; i < tokens_.size(); ++i) {
    const std::string_view t = tokens_[i];
    if (!owner_.is_stop_word(t)) kept.push_back(t);
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
