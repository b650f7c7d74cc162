#include "mekong/text/analyzer.hpp"

#include <stdexcept>

#include "mekong/text/chars.hpp"
#include "mekong/text/decode.hpp"
#include "mekong/text/utf8.hpp"

namespace mekong {
namespace {

bool is_utf8(const std::string& encoding) {
  std::string e;
  for (char c : encoding)
    if (c != '-' && c != '_') e.push_back(static_cast<char>(c | 0x20));
  return e.empty() || e == "utf8";
}

// Writes the n-grams of `units` for n in [lo, hi], joined by a space (scikit-learn's word n-grams).
void write_ngrams(const std::vector<std::string_view>& units, std::size_t lo, std::size_t hi, TermBuffer& out) {
  for (std::size_t n = lo; n <= hi && n <= units.size(); ++n) {
    for (std::size_t i = 0; i + n <= units.size(); ++i) {
      for (std::size_t k = 0; k < n; ++k) {
        if (k) out.bytes.push_back(' ');
        out.bytes.append(units[i + k]);
      }
      out.ends.push_back(out.bytes.size());
    }
  }
}

bool starts_upper(std::string_view s) {
  if (s.empty()) return false;
  std::size_t i = 0;
  const char32_t c = utf8::next(s.data(), i);
  const std::uint8_t cls = chars::classify(c);
  return (cls & chars::kLetter) && (cls & chars::kUpper);
}

}  // namespace

Analyzer::Analyzer(AnalyzerConfig config) : config_(std::move(config)), normalizer_(config_.normalize) {
  if (config_.ngram_min < 1 || config_.ngram_max < config_.ngram_min)
    throw std::invalid_argument("ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n");
  if (!is_utf8(config_.encoding)) {
    std::string scratch;
    decode_bytes("", config_.encoding, scratch);  // throws for an unknown encoding
  }
  for (const std::string& w : config_.stop_words) {
    std::string term = normalize_term(w);
    for (char& c : term)
      if (c == ' ') c = '_';  // a multi-syllable stop word stands for the word phrases join with "_"
    stop_words_.intern(term);
  }
  if (config_.aliases) config_.names = true;
  if (config_.clean) {
    CleanConfig cc = config_.clean_config;
    cc.repeated_lines = config_.repeated_lines.get();
    cleaner_ = std::make_unique<Cleaner>(std::move(cc));
  }
  if (!config_.alias_table.empty()) {
    AliasKeys keys;
    for (const auto& [from, to] : config_.alias_table) {
      const std::string a = keys.key(from), b = keys.key(to);
      if (a.empty() || b.empty()) throw std::invalid_argument("alias table entry without letters: '" + from + "' -> '" + to + "'");
      alias_table_[a] = b;
    }
  }
  rich_ = config_.clean || config_.names || (config_.phrases && !config_.phrases->empty());
}

std::string Analyzer::normalize_term(std::string_view term) const {
  std::string decoded, composed, out;
  const Decoded d = decode_utf8(term, decoded);
  normalizer_.fold_token(normalizer_.compose(d.text, composed), out);
  return out;
}

Analyzer::Worker::Worker(const Analyzer& owner) : owner_(owner), segmenter_(owner.config_.segment) {
  if (owner.config_.aliases) alias_keys_ = std::make_unique<AliasKeys>();
}

void Analyzer::Worker::fold_memo(std::string_view token, std::string& out) {
  constexpr std::size_t kMaxEntries = 1u << 20;  // a fixed buffer: start afresh past a million forms
  bool ascii = true;
  for (char c : token) ascii &= static_cast<unsigned char>(c) < 0x80;
  if (ascii) {
    owner_.normalizer_.fold_token(token, out);
    return;
  }
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

DocStats Analyzer::Worker::prepare(std::string_view raw, bool utf8, std::string_view& text) {
  const AnalyzerConfig& cfg = owner_.config_;
  const Decoded d = utf8 || is_utf8(cfg.encoding) ? decode_utf8(raw, decoded_) : decode_bytes(raw, cfg.encoding, decoded_);
  text = owner_.normalizer_.compose(d.text, composed_);
  if (owner_.cleaner_) {
    cleaned_.clear();
    owner_.cleaner_->clean(text, cleaned_);
    text = cleaned_;
  }
  return {d.replaced, d.first_invalid};
}

std::string_view Analyzer::Worker::composed(std::string_view raw, bool utf8) {
  const AnalyzerConfig& cfg = owner_.config_;
  const Decoded d = utf8 || is_utf8(cfg.encoding) ? decode_utf8(raw, decoded_) : decode_bytes(raw, cfg.encoding, decoded_);
  return owner_.normalizer_.compose(d.text, composed_);
}

std::string Analyzer::Worker::cleaned(std::string_view raw, bool utf8) {
  std::string_view text;
  prepare(raw, utf8, text);
  return std::string(text);
}

DocStats Analyzer::Worker::tokens(std::string_view raw, TermBuffer& out, bool utf8) {
  std::string_view text;
  const DocStats stats = prepare(raw, utf8, text);
  spans_.clear();
  segmenter_.segment(text, spans_);
  out.clear();
  out.bytes.reserve(text.size());
  out.ends.reserve(spans_.size());
  for (const Token& t : spans_) {
    fold_memo(text.substr(t.begin, t.length), out.bytes);
    out.ends.push_back(out.bytes.size());
  }
  return stats;
}

void Analyzer::Worker::words_and_names(std::string_view text, std::vector<WordToken>& words,
                                       std::vector<NameSpan>* names) {
  spans_.clear();
  segmenter_.segment(text, spans_);
  words.assign(spans_.size(), WordToken{});
  std::size_t prev_end = 0;
  for (std::size_t i = 0; i < spans_.size(); ++i) {
    const Token& t = spans_[i];
    bool brk = false;
    words[i].surface = text.substr(t.begin, t.length);
    words[i].gap = i == 0 ? Gap::other : classify_gap(text.substr(prev_end, t.begin - prev_end), &brk);
    words[i].sentence_start = i == 0 || brk;
    words[i].capitalized = !t.link && starts_upper(words[i].surface);
    prev_end = t.begin + t.length;
  }
  if (!names) return;
  // A sentence-opening syllable is common when the text (or the corpus) also writes it in lower
  // case, or it is a stop word; a lone one is a name when the corpus uses it as one mid-sentence.
  const NameEvidence* evidence = owner_.config_.name_evidence.get();
  Interner lower_seen;
  for (const WordToken& w : words)
    if (!w.capitalized) {
      scratch_term_.clear();
      fold_memo(w.surface, scratch_term_);
      lower_seen.intern(scratch_term_);
    }
  auto folded = [&](std::string_view surface) -> const std::string& {
    scratch_term_.clear();
    fold_memo(surface, scratch_term_);
    return scratch_term_;
  };
  find_names(
      words,
      [&](std::string_view first) {
        const std::string& f = folded(first);
        return lower_seen.find(f) != Interner::npos || owner_.is_stop_word(f) ||
               (evidence && evidence->lower.find(f) != Interner::npos);
      },
      [&](std::string_view lone) {
        if (evidence && evidence->names.find(folded(lone)) != Interner::npos) return true;
        // A spelling the user's alias table lists is a name.
        return alias_keys_ && !owner_.alias_table_.empty() &&
               owner_.alias_table_.count(alias_keys_->key(lone)) != 0;
      },
      *names);
}

void Analyzer::Worker::gather_name_evidence(std::string_view raw, bool utf8, NameEvidence& evidence) {
  std::string_view text;
  prepare(raw, utf8, text);
  std::vector<WordToken> words;
  std::vector<NameSpan> spans;
  words_and_names(text, words, &spans);
  for (const WordToken& w : words) {
    if (w.capitalized) continue;
    scratch_term_.clear();
    fold_memo(w.surface, scratch_term_);
    evidence.lower.intern(scratch_term_);
  }
  for (const NameSpan& nm : spans) {
    if (nm.end - nm.begin != 1 || words[nm.begin].sentence_start) continue;
    scratch_term_.clear();
    fold_memo(words[nm.begin].surface, scratch_term_);
    evidence.names.intern(scratch_term_);
  }
}

void Analyzer::Worker::units(std::string_view text, std::vector<PhraseModel::Segment>& segs,
                             std::vector<std::string>* name_surfaces) {
  const AnalyzerConfig& cfg = owner_.config_;
  segs.clear();
  std::vector<WordToken> words;
  std::vector<NameSpan> names;
  words_and_names(text, words, cfg.names ? &names : nullptr);
  std::size_t next_name = 0;
  PhraseModel::Segment current;
  auto flush = [&] {
    if (!current.empty()) segs.push_back(std::move(current));
    current.clear();
  };
  for (std::size_t i = 0; i < words.size();) {
    if (words[i].gap == Gap::other) flush();
    if (next_name < names.size() && names[next_name].begin == i) {
      const NameSpan nm = names[next_name++];
      std::string surface(words[nm.begin].surface), unit;
      fold_memo(words[nm.begin].surface, unit);
      for (std::size_t k = nm.begin + 1; k < nm.end; ++k) {
        const char sep = words[k].gap == Gap::hyphen ? '-' : ' ';
        surface.push_back(sep);
        surface.append(words[k].surface);
        unit.push_back(sep == '-' ? '-' : '_');
        fold_memo(words[k].surface, unit);
      }
      if (name_surfaces) name_surfaces->push_back(surface);
      if (cfg.aliases) {
        std::string key = alias_keys_->key(surface);
        if (!key.empty()) {
          const auto it = owner_.alias_table_.find(key);
          if (it != owner_.alias_table_.end()) key = it->second;
          // Keys live in their own namespace: accent-free "chia" (the name "Chía") must not be
          // counted with the word "chia".
          unit = kNameColumnPrefix;
          unit += key;
          ++aliases_seen_[unit][surface];
        }
      }
      flush();  // a name stands alone: it does not join phrases
      segs.push_back({std::move(unit)});
      i = nm.end;
      continue;
    }
    std::string unit;
    fold_memo(words[i].surface, unit);
    current.push_back(std::move(unit));
    ++i;
  }
  flush();
}

void Analyzer::Worker::segments(std::string_view raw, bool utf8, std::vector<PhraseModel::Segment>& out) {
  std::string_view text;
  prepare(raw, utf8, text);
  units(text, out, nullptr);
}

void Analyzer::Worker::names(std::string_view raw, bool utf8, std::vector<std::string>& out) {
  std::string_view text;
  prepare(raw, utf8, text);
  out.clear();
  std::vector<WordToken> words;
  std::vector<NameSpan> spans;
  words_and_names(text, words, &spans);  // names are found whatever the configuration says
  for (const NameSpan& nm : spans) {
    std::string surface(words[nm.begin].surface);
    for (std::size_t k = nm.begin + 1; k < nm.end; ++k) {
      surface.push_back(words[k].gap == Gap::hyphen ? '-' : ' ');
      surface.append(words[k].surface);
    }
    out.push_back(std::move(surface));
  }
}

void Analyzer::Worker::finish_terms(std::vector<PhraseModel::Segment>& segs, TermBuffer& out) {
  const AnalyzerConfig& cfg = owner_.config_;
  out.clear();
  std::vector<std::string_view>& kept = kept_;
  kept.clear();
  for (PhraseModel::Segment& s : segs) {
    if (cfg.phrases && s.size() > 1) cfg.phrases->apply(s);
  }
  for (const PhraseModel::Segment& s : segs)
    for (const std::string& u : s)
      if (!owner_.is_stop_word(u)) kept.push_back(u);
  write_ngrams(kept, cfg.ngram_min, cfg.ngram_max, out);
}

DocStats Analyzer::Worker::analyze(std::string_view raw, TermBuffer& out, bool utf8) {
  const AnalyzerConfig& cfg = owner_.config_;
  if (owner_.rich_) {
    std::string_view text;
    const DocStats stats = prepare(raw, utf8, text);
    units(text, segments_, nullptr);
    finish_terms(segments_, out);
    return stats;
  }
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
  write_ngrams(kept, cfg.ngram_min, cfg.ngram_max, out);
  return stats;
}

DocStats Analyzer::Worker::term_ids(std::string_view raw, bool utf8, const TermResolver& resolve,
                                    std::vector<std::uint32_t>& ids) {
  const AnalyzerConfig& cfg = owner_.config_;
  ids.clear();
  if (cfg.ngram_max > 1 || owner_.rich_) {  // terms need more than one token each: resolve each term
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
    stats = prepare(raw, utf8, text);
    spans_.clear();
    segmenter_.segment(text, spans_);
  }
  constexpr std::size_t kMaxEntries = 1u << 20;  // a fixed buffer: start afresh past a million forms
  if (ids_.size() >= kMaxEntries) {
    ids_raw_ = Interner();
    ids_.clear();
  }
  ids.reserve(spans_.size());
  for (const Token& t : spans_) {
    const std::string_view tok = text.substr(t.begin, t.length);
    std::uint32_t slot = ids_raw_.find(tok);  // the hot path: a token seen before
    if (slot == Interner::npos) {
      slot = ids_raw_.intern(tok);
      scratch_term_.clear();
      owner_.normalizer_.fold_token(tok, scratch_term_);
      ids_.push_back(owner_.is_stop_word(scratch_term_) ? Interner::npos : resolve(scratch_term_));
    }
    const std::uint32_t id = ids_[slot];
    if (id != Interner::npos) ids.push_back(id);
  }
  return stats;
}

}  // namespace mekong
