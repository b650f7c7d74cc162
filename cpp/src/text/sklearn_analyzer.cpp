#include "mekong/text/sklearn_analyzer.hpp"

#include <stdexcept>

#include "mekong/text/chargrams.hpp"
#include "mekong/text/chars.hpp"

namespace mekong {

SkAnalyzer::SkAnalyzer(SkAnalyzerConfig config) : config_(std::move(config)) {
  if (config_.ngram_min < 1 || config_.ngram_max < config_.ngram_min)
    throw std::invalid_argument("ngram_range must be (min_n, max_n) with 1 <= min_n <= max_n");
  if (config_.kind == SkAnalyzerKind::word) {
    pattern_ = std::make_unique<pytext::TokenPattern>(config_.token_pattern);
    for (const std::string& w : config_.stop_words) stop_words_.intern(w);
  }
}

SkAnalyzer::Worker::Worker(const SkAnalyzer& owner) : owner_(owner) {
  if (owner.pattern_) matcher_ = std::make_unique<pytext::TokenPattern::Matcher>(*owner.pattern_);
}

std::string_view SkAnalyzer::Worker::preprocess(std::string_view doc) {
  const SkAnalyzerConfig& cfg = owner_.config_;
  std::string_view text = doc;
  if (cfg.lowercase) {
    pytext::lower(text, lowered_);
    text = lowered_;
  }
  if (cfg.strip_accents != StripAccents::none) {
    if (cfg.strip_accents == StripAccents::ascii)
      pytext::strip_accents_ascii(text, stripped_);
    else
      pytext::strip_accents_unicode(text, stripped_);
    text = stripped_;
  }
  return text;
}

void SkAnalyzer::Worker::term_ids(std::string_view doc, const TermResolver& resolve, std::vector<std::uint32_t>& ids) {
  const SkAnalyzerConfig& cfg = owner_.config_;
  ids.clear();
  if (cfg.kind != SkAnalyzerKind::chars_wb) {
    analyze(doc, word_grams_);  // not tokens_: analyze() uses that for its own tokens
    resolve.all(word_grams_, ids);
    return;
  }
  constexpr std::size_t kMaxWords = 1u << 20;  // a bounded memo: start afresh past a million words
  if (memo_ends_.size() >= kMaxWords) {
    memo_words_ = Interner();
    memo_ids_.clear();
    memo_ends_.clear();
  }
  const std::string_view text = preprocess(doc);
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t b = i;
    if (pytext::is_space(pytext::next(text, i))) continue;
    i = b;
    while (i < text.size()) {
      const std::size_t at = i;
      if (pytext::is_space(pytext::next(text, i))) {
        i = at;
        break;
      }
    }
    const std::string_view word = text.substr(b, i - b);
    bool added = false;
    const std::uint32_t slot = memo_words_.intern(word, &added);
    if (added) {
      word_grams_.clear();
      char_wb_ngrams(word, cfg.ngram_min, cfg.ngram_max, word_grams_, scratch_, offsets_);
      for (std::size_t t = 0; t < word_grams_.size(); ++t) {
        const std::uint32_t id = resolve(word_grams_[t]);
        if (id != Interner::npos) memo_ids_.push_back(id);
      }
      memo_ends_.push_back(memo_ids_.size());
    }
    const std::size_t from = slot ? memo_ends_[slot - 1] : 0;
    ids.insert(ids.end(), memo_ids_.begin() + static_cast<std::ptrdiff_t>(from),
               memo_ids_.begin() + static_cast<std::ptrdiff_t>(memo_ends_[slot]));
  }
}

void SkAnalyzer::Worker::analyze(std::string_view doc, TermBuffer& out) {
  const SkAnalyzerConfig& cfg = owner_.config_;
  out.clear();
  // scikit-learn's _preprocess: lower-case first, then strip accents.
  std::string_view text = doc;
  const bool plain = cfg.kind == SkAnalyzerKind::word && cfg.ngram_max == 1 && !cfg.use_stop_words;
  if (plain && cfg.lowercase && cfg.strip_accents == StripAccents::none) {
    matcher_->lower_tokens(doc, out);  // lower-cased while tokenizing: one pass
    return;
  }
  text = preprocess(doc);
  if (cfg.kind == SkAnalyzerKind::chars) {
    char_ngrams(text, cfg.ngram_min, cfg.ngram_max, out, scratch_, offsets_);
    return;
  }
  if (cfg.kind == SkAnalyzerKind::chars_wb) {
    char_wb_ngrams(text, cfg.ngram_min, cfg.ngram_max, out, scratch_, offsets_);
    return;
  }
  TermBuffer& tokens = plain ? out : tokens_;
  tokens.clear();
  matcher_->tokens(text, tokens);
  if (plain) {
    return;
  }
  kept_.clear();
  for (std::size_t i = 0; i < tokens.size(); ++i)
    if (!cfg.use_stop_words || owner_.stop_words_.find(tokens[i]) == Interner::npos) kept_.push_back(tokens[i]);
  // Word n-grams joined by one space, as scikit-learn's _word_ngrams.
  for (std::size_t n = cfg.ngram_min; n <= cfg.ngram_max && n <= kept_.size(); ++n)
    for (std::size_t i = 0; i + n <= kept_.size(); ++i) {
      for (std::size_t k = 0; k < n; ++k) {
        if (k) out.bytes.push_back(' ');
        out.bytes.append(kept_[i + k]);
      }
      out.ends.push_back(out.bytes.size());
    }
}

namespace {
template <class Unit>
char* store_utf8(const Unit* p, std::size_t n, char* w) {
  for (std::size_t i = 0; i < n; ++i) {
    const char32_t c = p[i];
    if (c < 0x80) {
      *w++ = static_cast<char>(c);
    } else if (c < 0x800) {
      *w++ = static_cast<char>(0xC0 | (c >> 6));
      *w++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {  // lone surrogates too, as "surrogatepass" writes them
      *w++ = static_cast<char>(0xE0 | (c >> 12));
      *w++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      *w++ = static_cast<char>(0xF0 | (c >> 18));
      *w++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *w++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return w;
}
}  // namespace

void append_utf8(const CodeUnits& doc, std::string& out) {
  // Sized once for the longest form (2 bytes a code point below U+0100, 3 in the BMP, 4 above),
  // written through a pointer, then cut to what was written.
  const std::size_t at = out.size(), n = doc.length;
  out.resize(at + n * (doc.width == 1 ? 2 : doc.width == 2 ? 3 : 4));
  char* const begin = out.data() + at;
  char* end;
  if (doc.width == 1)
    end = store_utf8(static_cast<const std::uint8_t*>(doc.data), n, begin);
  else if (doc.width == 2)
    end = store_utf8(static_cast<const char16_t*>(doc.data), n, begin);
  else
    end = store_utf8(static_cast<const char32_t*>(doc.data), n, begin);
  out.resize(at + static_cast<std::size_t>(end - begin));
}

namespace {
// store_utf8 for 2- and 4-byte strs, also folding into `clean` whether every code point is a
// non-surrogate with chars::kNfcYes. Runs of ASCII (most of the bytes of Vietnamese text) are
// copied four units at a time.
template <class Unit>
char* store_utf8_nfc(const Unit* p, std::size_t n, char* w, bool& clean) {
  const std::uint8_t* const cls = chars::tables().cls;
  std::uint8_t yes = chars::kNfcYes;  // the AND of every non-ASCII code point's class
  bool surrogate = false;
  std::size_t i = 0;
  while (i < n) {
    if (i + 4 <= n && (p[i] | p[i + 1] | p[i + 2] | p[i + 3]) < 0x80) {
      w[0] = static_cast<char>(p[i]);
      w[1] = static_cast<char>(p[i + 1]);
      w[2] = static_cast<char>(p[i + 2]);
      w[3] = static_cast<char>(p[i + 3]);
      w += 4;
      i += 4;
      continue;
    }
    const char32_t c = p[i++];
    if (c < 0x80) {
      *w++ = static_cast<char>(c);
    } else if (c < 0x800) {
      yes &= cls[c];
      *w++ = static_cast<char>(0xC0 | (c >> 6));
      *w++ = static_cast<char>(0x80 | (c & 0x3F));
    } else if (c < 0x10000) {  // lone surrogates too, as "surrogatepass" writes them
      yes &= cls[c];
      surrogate |= (c & 0xF800) == 0xD800;
      *w++ = static_cast<char>(0xE0 | (c >> 12));
      *w++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (c & 0x3F));
    } else {
      yes &= chars::classify_astral(c);
      *w++ = static_cast<char>(0xF0 | (c >> 18));
      *w++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *w++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      *w++ = static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  clean = yes != 0 && !surrogate;
  return w;
}
}  // namespace

bool append_utf8_nfc(const CodeUnits& doc, std::string& out) {
  const std::size_t at = out.size(), n = doc.length;
  out.resize(at + n * (doc.width == 1 ? 2 : doc.width == 2 ? 3 : 4));
  char* const begin = out.data() + at;
  char* end;
  bool clean = true;  // Latin-1: valid and NFC whatever it holds
  if (doc.width == 1)
    end = store_utf8(static_cast<const std::uint8_t*>(doc.data), n, begin);
  else if (doc.width == 2)
    end = store_utf8_nfc(static_cast<const char16_t*>(doc.data), n, begin, clean);
  else
    end = store_utf8_nfc(static_cast<const char32_t*>(doc.data), n, begin, clean);
  out.resize(at + static_cast<std::size_t>(end - begin));
  return clean;
}

bool SkAnalyzer::Worker::plain_scan() const {
  const SkAnalyzerConfig& cfg = owner_.config_;
  return cfg.kind == SkAnalyzerKind::word && cfg.ngram_max == 1 && !cfg.use_stop_words && cfg.lowercase &&
         cfg.strip_accents == StripAccents::none && owner_.pattern_->fast_min_run() > 0;
}

void SkAnalyzer::Worker::analyze(const CodeUnits& doc, TermBuffer& out) {
  if (plain_scan()) {
    out.clear();
    bool done;
    if (doc.width == 1)
      done = matcher_->lower_tokens(static_cast<const std::uint8_t*>(doc.data), doc.length, out);
    else if (doc.width == 2)
      done = matcher_->lower_tokens(static_cast<const char16_t*>(doc.data), doc.length, out);
    else
      done = matcher_->lower_tokens(static_cast<const char32_t*>(doc.data), doc.length, out);
    if (done) return;
  }
  utf8_.clear();
  append_utf8(doc, utf8_);
  analyze(std::string_view(utf8_), out);
}

void SkAnalyzer::Worker::term_ids(const CodeUnits& doc, const TermResolver& resolve, std::vector<std::uint32_t>& ids) {
  if (plain_scan()) {
    ids.clear();
    analyze(doc, word_grams_);
    resolve.all(word_grams_, ids);
    return;
  }
  utf8_.clear();
  append_utf8(doc, utf8_);
  term_ids(std::string_view(utf8_), resolve, ids);
}

namespace {
template <class Doc>
class SkReader : public TermSource::Reader {
 public:
  SkReader(const std::vector<Doc>& docs, const SkAnalyzer& analyzer) : docs_(docs), worker_(analyzer) {}
  void terms(std::size_t doc, TermBuffer& out) override { worker_.analyze(docs_[doc], out); }
  void term_ids(std::size_t doc, const TermResolver& resolve, std::vector<std::uint32_t>& ids) override {
    worker_.term_ids(docs_[doc], resolve, ids);
  }

 private:
  const std::vector<Doc>& docs_;
  SkAnalyzer::Worker worker_;
};
}  // namespace

std::unique_ptr<TermSource::Reader> SkCorpus::reader() const {
  if (utf8_) return std::make_unique<SkReader<std::string_view>>(*utf8_, analyzer_);
  return std::make_unique<SkReader<CodeUnits>>(*units_, analyzer_);
}

}  // namespace mekong
