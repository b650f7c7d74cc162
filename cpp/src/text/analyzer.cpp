#include "mekong/text/analyzer.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>
#include <type_traits>

#include "mekong/text/chars.hpp"
#include "mekong/text/decode.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"

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

Analyzer::Analyzer(AnalyzerConfig config, std::size_t word_memo_bound)
    : config_(std::move(config)), normalizer_(config_.normalize), word_memo_bound_(word_memo_bound) {
  if (config_.ngram_range.first < 1 || config_.ngram_range.second < config_.ngram_range.first)
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
    cc.repeated_lines = config_.repeated_lines ? &config_.repeated_lines->keys : nullptr;
    cleaner_ = std::make_unique<Cleaner>(std::move(cc));
  }
  if (!config_.alias_table.empty()) {
    AliasKeys keys;
    for (const auto& [from, to] : config_.alias_table) {
      const std::string a = keys.key(from), b = keys.key(to);
      if (a.empty() || b.empty())
        throw std::invalid_argument("alias table entry without letters: '" + from + "' -> '" + to + "'");
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
  if (owner.config_.words)
    words_ =
        std::make_unique<WordSegmenter>(owner.config_.words, &owner.config_.user_dictionary, owner.word_memo_bound_);
}

void Analyzer::Worker::word_begins(std::string_view text) {
  syllable_memo_ids_.clear();
  if (words_ && preset_ && preset_->begins.size() == spans_.size()) {
    begins_ = preset_->begins;  // segmented when the document was prepared
  } else if (words_) {
    // The flag given for counting, else the one installed for this thread (learning passes, single texts).
    words_->segment(text, spans_, begins_, cancel_ ? cancel_ : current_cancel(), syllable_memo_ids_);
  } else {
    begins_.assign(spans_.size(), 1);
  }
}

void Analyzer::Worker::word_term(std::string_view text, std::size_t b, std::size_t e, std::string& out) {
  for (std::size_t k = b; k < e; ++k) {
    if (k > b) {  // syllables written apart join with "_"; a hyphen or a number's mark stays as written
      const Token& p = spans_[k - 1];
      const std::string_view gap = text.substr(p.begin + p.length, spans_[k].begin - p.begin - p.length);
      if (WordSegmenter::gap_kind(gap) == 0)
        out.push_back('_');
      else
        out.append(gap);
    }
    if (folds_ready_)
      fold_syllable(k, out);
    else
      fold_memo(text.substr(spans_[k].begin, spans_[k].length), out);
  }
}

void Analyzer::Worker::folded_word(std::size_t i, std::string_view surface, std::string& out) const {
  // The surface is the syllables joined by one space or hyphen (group_words), and folding works
  // within runs of letters, which never cross those: the folded word is the folded syllables
  // joined by the same characters (test_count_paths.cpp pins this against fold_token).
  const auto [b, e] = ranges_[i];
  std::size_t at = 0;
  for (std::size_t k = b; k < e; ++k) {
    if (k > b) out.push_back(surface[at++]);
    fold_syllable(k, out);
    at += spans_[k].length;
  }
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
      memo_raw_ = TokenMemo();
      memo_folded_.clear();
      memo_ends_.clear();
    }
    return;
  }
  const std::size_t b = id ? memo_ends_[id - 1] : 0;
  out.append(memo_folded_, b, memo_ends_[id] - b);
}

DocStats Analyzer::Worker::prepare(std::string_view raw, bool utf8, std::string_view& text, bool as_is) {
  const AnalyzerConfig& cfg = owner_.config_;
  Decoded d;
  if (as_is) {  // decoding and composing are known to give the bytes themselves
    d.text = raw;
    text = raw;
  } else {
    d = utf8 || is_utf8(cfg.encoding) ? decode_utf8(raw, decoded_) : decode_bytes(raw, cfg.encoding, decoded_);
    text = owner_.normalizer_.compose(d.text, composed_);
  }
  if (owner_.cleaner_) {
    cleaned_.clear();
    owner_.cleaner_->clean(text, cleaned_);
    text = cleaned_;
  }
  return {d.replaced, d.first_invalid};
}

std::string_view Analyzer::Worker::composed(std::string_view raw, bool utf8) {
  const AnalyzerConfig& cfg = owner_.config_;
  const Decoded d =
      utf8 || is_utf8(cfg.encoding) ? decode_utf8(raw, decoded_) : decode_bytes(raw, cfg.encoding, decoded_);
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
  folds_ready_ = false;
  segmenter_.segment(text, spans_);
  out.clear();
  out.bytes.reserve(text.size());
  out.ends.reserve(spans_.size());
  if (words_) {
    word_begins(text);
    for (std::size_t b = 0; b < spans_.size();) {
      std::size_t e = b + 1;
      while (e < spans_.size() && !begins_[e]) ++e;
      word_term(text, b, e, out.bytes);
      out.ends.push_back(out.bytes.size());
      b = e;
    }
    return stats;
  }
  for (const Token& t : spans_) {
    fold_memo(text.substr(t.begin, t.length), out.bytes);
    out.ends.push_back(out.bytes.size());
  }
  return stats;
}

std::string_view Analyzer::Worker::split_words(std::string_view raw, bool utf8) {
  std::string_view text = composed(raw, utf8);
  spans_.clear();
  folds_ready_ = false;
  segmenter_.segment(text, spans_);
  word_begins(text);
  return text;
}

void Analyzer::Worker::written_words(std::string_view raw, bool utf8, std::vector<std::string>& out) {
  out.clear();
  written_words(raw, utf8, [&](std::string_view w) { out.emplace_back(w); });
}

namespace {
// number_syllables's flags per folded syllable of a document.
constexpr std::uint8_t kWrittenLower = 1;  // some syllable of this form is not capitalised (group_words)
constexpr std::uint8_t kLowerWord = 2;     // a one-syllable word of this form is not capitalised
constexpr std::uint8_t kMidName = 4;       // a one-syllable capitalised word mid-sentence, never lower case
constexpr std::uint8_t kInLower = 8;       // evidence_of: already added to the evidence's lower-case words
}  // namespace

void Analyzer::Worker::number_syllables(const std::vector<WordToken>& syl) {
  // Each spelling is folded once for the worker's life (forms_raw_ -> form_of_raw_), and each folded
  // form has one id for the worker's life (forms_); the document's dense ids are handed out by a
  // stamp per form, so a syllable costs one lookup of its spelling and no hashing of its form.
  constexpr std::size_t kMaxEntries = 1u << 20;  // a fixed buffer: start afresh past a million spellings
  if (form_of_raw_.size() >= kMaxEntries || forms_.size() >= kMaxEntries) {
    forms_raw_ = TokenMemo();
    form_of_raw_.clear();
    forms_ = Interner();
    form_stamp_.clear();
    form_id_.clear();
  }
  if (++form_doc_stamp_ == 0) {  // the stamp wrapped: every form is forgotten explicitly once
    std::fill(form_stamp_.begin(), form_stamp_.end(), 0);
    form_doc_stamp_ = 1;
  }
  const std::uint32_t stamp = form_doc_stamp_;
  const std::size_t n = syl.size();
  syllable_ids_.resize(n);
  id_flags_.clear();
  id_form_.clear();
  for (std::size_t k = 0; k < n; ++k) {
    bool added = false;
    const std::uint32_t slot = forms_raw_.intern(syl[k].surface, &added);
    if (added) {
      fold_scratch_.clear();
      owner_.normalizer_.fold_token(syl[k].surface, fold_scratch_);
      bool new_form = false;
      const std::uint32_t g = forms_.intern(fold_scratch_, &new_form);
      if (new_form) {
        form_stamp_.push_back(0);
        form_id_.push_back(0);
      }
      form_of_raw_.push_back(g);
    }
    const std::uint32_t g = form_of_raw_[slot];
    if (form_stamp_[g] != stamp) {  // the form's first syllable in this document: the next id
      form_stamp_[g] = stamp;
      form_id_[g] = static_cast<std::uint32_t>(id_form_.size());
      id_form_.push_back(g);
      id_flags_.push_back(0);
    }
    const std::uint32_t id = form_id_[g];
    syllable_ids_[k] = id;
    if (!syl[k].capitalized) id_flags_[id] |= kWrittenLower;
  }
  // The forms by id, as views into forms_ (made now: it takes no new form until the next document).
  id_view_.resize(id_form_.size());
  for (std::size_t j = 0; j < id_view_.size(); ++j) id_view_[j] = forms_.str(id_form_[j]);
  folds_ready_ = true;
}

void Analyzer::Worker::group_words(std::string_view text, std::vector<WordToken>& words) {
  // `words` holds one token per syllable; regroup them into the segmenter's words.
  word_begins(text);                           // the syllables are numbered (words_and_names)
  std::vector<WordToken>& syl = syl_scratch_;  // buffers kept between documents
  syl.swap(words);
  words.clear();
  std::vector<std::pair<std::size_t, std::size_t>>& ranges = ranges_scratch_;
  ranges.clear();
  for (std::size_t b = 0; b < syl.size();) {
    std::size_t e = b + 1;
    while (e < syl.size() && !begins_[e]) ++e;
    ranges.emplace_back(b, e);
    b = e;
  }
  auto capitalized = [&](std::size_t b, std::size_t e) {
    bool cap = syl[b].capitalized;
    for (std::size_t k = b + 1; k < e; ++k)
      if (syl[k].gap != Gap::hyphen) cap &= syl[k].capitalized;
    return cap;
  };
  auto key_of = [&](std::size_t b, std::size_t e, std::string& out) {
    out.clear();
    for (std::size_t k = b; k < e; ++k) {
      if (k > b) out.push_back(syl[k].gap == Gap::hyphen ? '-' : '_');
      fold_syllable(k, out);
    }
  };
  // Two names written one after the other ("Trung Quốc Tập Cận Bình", "Attapư Lệt Xay-nhạ-phon")
  // may come out of the segmenter as one capitalised word: split it after a prefix that the
  // document, or the corpus, writes as a name of its own, when two or more syllables remain.
  const NameEvidence* evidence = owner_.config_.name_evidence.get();
  Interner standalone;
  std::vector<std::size_t> standalone_count;
  std::string key;
  // Syllables the document (or the corpus) writes in lower case: a capital on one of them that
  // opens a sentence, or a title before a name, is not part of the name ("Tỉnh Attapư", "Phó Tỉnh").
  // Asked of syllable k by its folded form's id (number_syllables).
  auto written_lower = [&](std::size_t k) { return (id_flags_[syllable_ids_[k]] & kWrittenLower) != 0; };
  auto leading_common = [&](std::size_t b) {
    key.clear();
    fold_syllable(b, key);
    if (is_title_word(key)) return true;
    if (!syl[b].sentence_start) return false;
    return written_lower(b) || owner_.is_stop_word(key) || (evidence && evidence->lower.find(key) != Interner::npos);
  };
  // The capitalised words of the document, as names of their own; a word that opens with a title
  // or a capitalised common syllable ("Tỉnh Quảng Trị", "Ông Hoàng Nam") counts as the rest too.
  auto tally = [&](std::size_t b, std::size_t e) {
    key_of(b, e, key);
    bool added = false;
    const std::uint32_t id = standalone.intern(key, &added);
    if (added) standalone_count.push_back(0);
    ++standalone_count[id];
  };
  for (const auto& [b, e] : ranges)
    if (capitalized(b, e)) {
      tally(b, e);
      if (e - b >= 3 && syl[b + 1].gap != Gap::hyphen && leading_common(b)) tally(b + 1, e);
    }
  // Whether [b, e) is written as a name of its own elsewhere (`self` occurrences of it are this one).
  auto known_name = [&](std::size_t b, std::size_t e, std::size_t self = 0) {
    key_of(b, e, key);
    const std::uint32_t id = standalone.find(key);
    return (id != Interner::npos && standalone_count[id] > self) ||
           (evidence && evidence->names.find(key) != Interner::npos);
  };
  ranges_.clear();
  std::vector<std::uint8_t>& split =
      split_scratch_;  // a title or sentence-opening syllable split off: never merged back
  split.clear();
  for (auto [b, e] : ranges) {
    bool was_split = false;
    if (e - b >= 2 && syl[b + 1].gap != Gap::hyphen && capitalized(b, e) && leading_common(b)) {
      ranges_.emplace_back(b, b + 1);
      split.push_back(1);
      ++b;
      was_split = true;
    }
    std::size_t cut = 0;
    bool country_cut = false;
    if (e - b >= 2 && capitalized(b, e)) {
      // Prefixes of at most kMaxNamePrefix syllables: each is keyed afresh, so a capitalised word
      // of n syllables (a hostile "Quảng Trị Quảng Trị ...") would otherwise cost n^2.
      constexpr std::size_t kMaxNamePrefix = 12;
      // Countries first (the hyphen rule below would cut inside "Jean-Noël"). A country of two
      // syllables ("Thái Lan", "Trung Quốc", "Nhật Bản", which the lexicon lacks) is cut off any
      // name of two or more syllables after it ("Trung Quốc Lý Cường": the names after it are
      // often Sino-Vietnamese, known syllables); "Ấn Độ Dương" stays whole.
      if (e - b >= 4 && syl[b + 1].gap == Gap::space && syl[b + 2].gap == Gap::space) {
        key_of(b, b + 2, key);
        if (is_foreign_place(key)) {
          cut = b + 2;
          country_cut = true;
        }
      }
      // A country of one syllable or token before a foreign name of two or more syllables, one
      // holding a syllable the model has never seen or a transliteration (a hyphen before a
      // lower-case syllable): "Lào Khăm-phăn Phôm-ma-thắt", "Campuchia Hun Manet", "Pháp
      // Jean-Noël Barrot". Not when the country's syllable opens a lexicon word or a name the
      // text knows with the next, nor before a place ("Mỹ Phước Tây": known syllables; "Mỹ
      // Tho-Cần Thơ", a route: a capital after the hyphen).
      if (!cut && e - b >= 3 && syl[b + 1].gap == Gap::space) {
        key.clear();
        fold_syllable(b, key);
        if (is_foreign_place(key) && !known_name(b, b + 2) &&
            !words_->in_lexicon(std::vector<std::string_view>{syl[b].surface, syl[b + 1].surface})) {
          bool foreign = false;
          for (std::size_t k = b + 1; k < e && !foreign; ++k)
            foreign = (syl[k].gap == Gap::hyphen && !syl[k].capitalized) || !words_->known_syllable(syl[k].surface);
          if (foreign) cut = b + 1;
          country_cut = foreign;
        }
      }
      for (std::size_t p = std::min(e - b - 1, kMaxNamePrefix); p >= 1 && !cut; --p) {
        if (syl[b + p].gap == Gap::other) continue;  // never inside a glued abbreviation ("U.S.A")
        if (syl[b + p].gap == Gap::hyphen) {
          // "Việt Nam-Lào", "Bờ Y-Phu Cưa": a capital after the hyphen starts another name when
          // what comes before is a name of two or more syllables, or one the text knows.
          if (syl[b + p].capitalized && (p >= 2 || known_name(b, b + p))) cut = b + p;
          continue;
        }
        if (e - (b + p) >= 2 && known_name(b, b + p)) cut = b + p;
        // A prefix the lexicon knows as a word ("Trung Quốc") before a name of two or more syllables.
        if (!cut && p >= 2 && e - (b + p) >= 2) {
          std::vector<std::string_view> prefix;
          for (std::size_t k = b; k < b + p; ++k) prefix.push_back(syl[k].surface);
          if (words_->in_lexicon(prefix)) cut = b + p;
        }
      }
      // An official's full name after the place they serve ("UBND tỉnh Quảng Trị Hoàng Nam", "TP Hồ
      // Chí Minh Phan Văn Mãi"): after the noun of an administrative unit, a family name opening the
      // last two to four syllables, after two or more that are not an office or title, starts a
      // second name. Only there: elsewhere such a word is a person's own four-syllable name ("Mai
      // Thị Hoàng Yến", "Cao Văn Hoàng Long").
      bool after_unit_noun = false;
      if (!cut && e - b >= 4 && b > 0 && syl[b].gap == Gap::space) {
        key.clear();
        fold_syllable(b - 1, key);
        after_unit_noun = is_unit_noun(key);
      }
      if (after_unit_noun)
        for (std::size_t p = std::max<std::size_t>(2, e - b - std::min<std::size_t>(e - b, 4)); p + 2 <= e - b && !cut;
             ++p)
          if (syl[b + p].gap == Gap::space && is_family_name(syl[b + p].surface)) {
            key_of(b, b + p, key);
            if (!is_office_body(key) && !is_title_word(key)) cut = b + p;
          }
      // Anywhere, a full name in the commonest shape, family name + "Văn" or "Thị" + given name, as
      // the last three of five or more syllables ("Bí thư Tỉnh ủy Kon Tum Dương Văn Trang"): no
      // person's name has two syllables before that shape ("Ngô Lê Văn" is three in all).
      if (!cut && e - b >= 5) {
        const std::size_t p = e - b - 3;
        if (syl[b + p].gap == Gap::space && syl[b + p + 1].gap == Gap::space && is_family_name(syl[b + p].surface)) {
          key.clear();
          fold_syllable(b + p + 1, key);
          if (key == "văn" || key == "thị") {
            key_of(b, b + p, key);
            if (!is_office_body(key) && !is_title_word(key)) cut = b + p;
          }
        }
      }
    }
    if (cut) {
      ranges_.emplace_back(b, cut);
      ranges_.emplace_back(cut, e);
      split.push_back(was_split || country_cut);  // a country cut off stays a name of its own
      split.push_back(0);
    } else {
      ranges_.emplace_back(b, e);
      split.push_back(was_split);
    }
  }
  // A one-syllable capitalised word right after a name ("Tập Cận" + "Bình") is the end of that
  // name unless the text knows it as a name of its own or writes it in lower case. What comes
  // before must be a name: not a title or a sentence-opening common word, written by the
  // segmenter as a word of its own ("Ông" + "Nam" of "Ông Nam cho biết", where the text writes
  // "ông" elsewhere), which leading_common splits off when the two come as one word.
  // A word glued across a mark ("TP.HCM") is an abbreviation or a number: no name goes on from it.
  auto glued_inside = [&](std::size_t b, std::size_t e) {
    for (std::size_t k = b + 1; k < e; ++k)
      if (syl[k].gap == Gap::other) return true;
    return false;
  };
  std::vector<std::pair<std::size_t, std::size_t>>& merged = merged_scratch_;
  merged.clear();
  bool last_split = false;
  for (std::size_t ri = 0; ri < ranges_.size(); ++ri) {
    const auto r = ranges_[ri];
    const auto [b, e] = r;
    const bool prev_split = last_split;
    last_split = split[ri];
    // A family name the segmenter left alone before the rest of a full name ("Ngô" + "Bảo Châu")
    // begins that name (four syllables at most, before the one-syllable rule below). Not opening
    // a sentence, nor where the text writes the syllable in lower case: there it may be the
    // common word ("Đoàn Việt Nam thăm Lào", "Đoàn Công Tác": the delegation).
    if (!merged.empty() && !split[ri] && !prev_split && e - b >= 2 && e - b <= 3 && syl[b].gap == Gap::space &&
        !syl[b].sentence_start && merged.back().second == b && merged.back().second - merged.back().first == 1 &&
        !syl[merged.back().first].sentence_start && is_family_name(syl[merged.back().first].surface) &&
        !written_lower(merged.back().first) && capitalized(b, e) && !glued_inside(b, e)) {
      bool caps = true;
      for (std::size_t k = b; k < e; ++k)
        for (char c : syl[k].surface) caps &= !(c >= 'a' && c <= 'z');
      if (!caps) {
        merged.back().second = e;
        continue;
      }
    }
    if (!merged.empty() && !split[ri] && !prev_split && e - b == 1 && syl[b].gap == Gap::space &&
        !syl[b].sentence_start && syl[b].capitalized && capitalized(merged.back().first, merged.back().second) &&
        merged.back().second == b &&
        !(merged.back().second - merged.back().first == 1 && leading_common(merged.back().first)) &&
        !glued_inside(merged.back().first, merged.back().second) && !known_name(b, e, 1)) {
      bool caps = true;
      for (std::size_t k = merged.back().first; k < e; ++k)
        for (char c : syl[k].surface) caps &= !(c >= 'a' && c <= 'z');
      if (!caps && !written_lower(b)) {
        merged.back().second = e;
        continue;
      }
    }
    merged.push_back(r);
  }
  ranges_.swap(merged);
  const chars::Tables& tab = chars::tables();  // once: the loop below reads characters
  all_caps_.clear();
  word_surfaces_.clear();
  words.reserve(ranges_.size());
  for (const auto& [b, e] : ranges_) {
    WordToken w = syl[b];
    w.capitalized = capitalized(b, e);
    // In capitals only (an abbreviation: "UBND"): read only for capitalised words, and decided by
    // the first lower-case letter, so only capitalised words are scanned, most of them briefly.
    bool caps = w.capitalized;
    std::size_t letters = 0;
    for (std::size_t k = b; k < e && caps; ++k) {
      const std::string_view sv = syl[k].surface;
      for (std::size_t i = 0; i < sv.size() && caps;) {
        const auto b0 = static_cast<unsigned char>(sv[i]);
        const char32_t c = b0 < 0x80 ? (++i, b0) : utf8::next(sv.data(), i);
        const std::uint8_t cls = c < 0x10000 ? tab.cls[c] : chars::classify_astral(c);
        if (!(cls & chars::kLetter)) continue;
        ++letters;
        if (!(cls & chars::kUpper)) caps = false;
      }
    }
    // A word the segmenter glued across a mark (Gap::other inside: "TP.HCM", "Tp.HCM", "10.000") is
    // an abbreviation or a number, never a name, however it is capitalised.
    const bool glued = glued_inside(b, e);
    if (e - b > 1) {
      // The syllables joined by one space or hyphen, or by the one mark that glued them: the text
      // itself where it is written so (the common case: a view, no copy), else a copy kept in
      // word_surfaces_.
      auto joint = [&](std::size_t k) {
        if (syl[k].gap == Gap::hyphen) return '-';
        const char mark = syl[k].surface.data()[-1];  // a glued gap is one ASCII mark (WordSegmenter::glued)
        return syl[k].gap == Gap::other && !(mark & 0x80) ? mark : ' ';
      };
      bool as_written = true;
      for (std::size_t k = b + 1; k < e && as_written; ++k) {
        const char* prev_end = syl[k - 1].surface.data() + syl[k - 1].surface.size();
        as_written = syl[k].surface.data() == prev_end + 1 && *prev_end == joint(k);
      }
      if (as_written) {
        w.surface = std::string_view(syl[b].surface.data(),
                                     syl[e - 1].surface.data() + syl[e - 1].surface.size() - syl[b].surface.data());
      } else {
        std::string surface(syl[b].surface);
        for (std::size_t k = b + 1; k < e; ++k) {
          surface.push_back(joint(k));
          surface.append(syl[k].surface);
        }
        word_surfaces_.push_back(std::move(surface));
        w.surface = word_surfaces_.back();  // a deque: earlier surfaces stay where they are
      }
    }
    words.push_back(w);
    all_caps_.push_back((caps && letters >= 2) || (glued && w.capitalized));
  }
}

void Analyzer::Worker::find_names_in_words(const std::vector<WordToken>& words, std::vector<NameSpan>& names) {
  const NameEvidence* evidence = owner_.config_.name_evidence.get();
  // Only one-syllable words are ever looked up here (a longer word's folded form holds a space or
  // hyphen, which no syllable's does), and a one-syllable word's folded form is its syllable's,
  // already folded and numbered (number_syllables): the document's sets are flags per id.
  const auto one_syllable = [&](std::size_t i) { return ranges_[i].second - ranges_[i].first == 1; };
  const auto id_of = [&](std::size_t i) { return syllable_ids_[ranges_[i].first]; };
  const auto syllable_fold = [&](std::size_t i) -> const std::string& {
    scratch_term_.clear();
    fold_syllable(ranges_[i].first, scratch_term_);
    return scratch_term_;
  };
  // Words the document writes in lower case.
  for (std::size_t i = 0; i < words.size(); ++i)
    if (!words[i].capitalized && one_syllable(i)) id_flags_[id_of(i)] |= kLowerWord;
  // One-syllable names the document itself uses mid-sentence: known when they open a sentence.
  for (std::size_t i = 0; i < words.size(); ++i)
    if (words[i].capitalized && !words[i].sentence_start && one_syllable(i) && !(id_flags_[id_of(i)] & kLowerWord))
      id_flags_[id_of(i)] |= kMidName;
  title_cache_.assign(words.size(), -1);
  const auto is_title = [&](std::size_t i) { return title_of(words, i); };
  // Short forms of longer names ("tiếng Việt", "miền Trung"): by the corpus's tally when there is
  // one, else by this text's own.
  NameStarts& own = own_starts_;
  own = NameStarts();
  if (!evidence) {
    own.tally(words, all_caps_, is_title,
              [&](std::size_t i, std::string_view first, std::string& out) { fold_first_syllable(i, first, out); });
    own_starts_ready_ = true;  // the document's tally: evidence_of adds it to the corpus's
  }
  find_word_names(
      words, all_caps_, is_title,
      [&](std::size_t i) {
        if (id_flags_[id_of(i)] & kLowerWord) return true;
        const std::string& f = syllable_fold(i);
        return owner_.is_stop_word(f) || (evidence && evidence->lower.find(f) != Interner::npos) ||
               (evidence ? evidence->clipped.find(f) != Interner::npos : own.clipped(f));
      },
      [&](std::size_t i) {
        if (id_flags_[id_of(i)] & kMidName) return true;
        if (evidence && evidence->names.find(syllable_fold(i)) != Interner::npos) return true;
        return alias_keys_ && !owner_.alias_table_.empty() &&
               owner_.alias_table_.count(alias_keys_->key(words[i].surface)) != 0;
      },
      names);
}

void Analyzer::Worker::fold_first_syllable(std::size_t i, std::string_view first, std::string& out) {
  // `first` is word i's surface up to its first space or hyphen: its first syllable, already folded,
  // unless that syllable holds a hyphen itself (then folded here, as written).
  const std::size_t b = ranges_[i].first;
  if (first.size() == spans_[b].length)
    fold_syllable(b, out);
  else
    fold_memo(first, out);
}

bool Analyzer::Worker::title_of(const std::vector<WordToken>& words, std::size_t i) {
  if (title_cache_[i] < 0) title_cache_[i] = title_word(words[i].surface);
  return title_cache_[i] != 0;
}

bool Analyzer::Worker::title_word(std::string_view sv) {
  // Remembered per surface: a capitalised word is asked about up to three times a document (tally,
  // names, hyphenated runs), and the canonical folding plus the title split cost ~2,000
  // instructions each time.
  constexpr std::size_t kMaxEntries = 1u << 18;  // a fixed buffer: start afresh past 262,144 words
  bool added = false;
  const std::uint32_t slot = title_memo_.intern(sv, &added);
  if (!added) return title_is_[slot] != 0;
  const bool title = title_word_uncached(sv);
  title_is_.push_back(title);
  if (title_is_.size() >= kMaxEntries) {
    title_memo_ = TokenMemo();
    title_is_.clear();
  }
  return title;
}

bool Analyzer::Worker::title_word_uncached(std::string_view sv) {
  const Normalizer& canonical = words_->model().canonical();
  title_scratch_.clear();
  // The first syllable first: most capitalised words are names, whose first syllable opens no title
  // (may_open_title_word), and are answered without folding the others.
  std::size_t first_end = sv.find_first_of(" -");
  if (first_end == std::string_view::npos) first_end = sv.size();
  canonical.fold_token(sv.substr(0, first_end), title_scratch_);
  if (!may_open_title_word(std::string_view(title_scratch_).substr(0, title_scratch_.find('_')))) return false;
  for (std::size_t p = first_end + 1; p <= sv.size();) {
    std::size_t q = sv.find_first_of(" -", p);
    if (q == std::string_view::npos) q = sv.size();
    if (p) title_scratch_.push_back('_');
    canonical.fold_token(sv.substr(p, q - p), title_scratch_);
    p = q + 1;
  }
  return is_title_word(title_scratch_);
}

void Analyzer::Worker::syllable_tokens(std::string_view text, std::vector<WordToken>& words) {
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
}

namespace {
// PreparedDocument::syllable_flags bits.
// kFoldAsWritten: the syllable is its folded form's first in the document, and that form is the
// syllable as written (most are: lower case already), so the preparation does not keep it again.
constexpr std::uint8_t kGapMask = 3, kSentenceStart = 4, kCapitalized = 8, kLink = 16, kFoldAsWritten = 32;
}  // namespace

bool Analyzer::Worker::preset_syllables(std::string_view text, std::vector<WordToken>& words) {
  if (!preset_ || preset_->text.data() != text.data() || preset_->syllable_flags.empty()) return false;
  const PreparedDocument& d = *preset_;
  const std::size_t n = d.syllable_flags.size();
  spans_.resize(n);
  words.assign(n, WordToken{});
  syllable_ids_.resize(n);
  // The document's folded forms, each once, and their ids: number_syllables's work, done when the
  // document was prepared. Ids are in order of first sight, so the syllable where an id is first
  // seen brings its form: itself as written (a flag) or the next of the preparation's folds.
  id_flags_.assign(n, 0);  // at most one id a syllable; cut to the ids' count below
  id_view_.clear();
  std::size_t end = 0, stored = 0;
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint8_t f = d.syllable_flags[k];
    const std::size_t begin = end + d.syllable_spans[k].first;
    end = begin + d.syllable_spans[k].second;
    spans_[k] = {begin, end - begin, (f & kLink) != 0};
    words[k].surface = text.substr(begin, end - begin);
    words[k].gap = static_cast<Gap>(f & kGapMask);
    words[k].sentence_start = (f & kSentenceStart) != 0;
    words[k].capitalized = (f & kCapitalized) != 0;
    const std::uint32_t id = d.fold_ids[k];
    if (id == id_view_.size()) {  // the form's first syllable: the form is read in place, not copied
      if (f & kFoldAsWritten) {
        id_view_.push_back(words[k].surface);
      } else {
        const std::size_t b = stored ? d.fold_ends[stored - 1] : 0;
        id_view_.emplace_back(d.folds.data() + b, d.fold_ends[stored] - b);
        ++stored;
      }
    }
    syllable_ids_[k] = id;
    if (!(f & kCapitalized)) id_flags_[id] |= kWrittenLower;
  }
  id_flags_.resize(id_view_.size());
  folds_ready_ = true;
  return true;
}

void Analyzer::Worker::words_and_names(std::string_view text, std::vector<WordToken>& words,
                                       std::vector<NameSpan>* names) {
  own_starts_ready_ = false;
  // A prepared document's syllables (scan, gaps, capitals, folded forms: nothing learned changes
  // them) are read from the preparation instead of found again.
  if (!preset_syllables(text, words)) {
    spans_.clear();
    folds_ready_ = false;
    segmenter_.segment(text, spans_);
    syllable_tokens(text, words);
    // Each syllable folded and numbered once here: grouping, names and word terms read it by index,
    // where each used to look it up in the fold memo again (three or four times a syllable).
    if (words_) number_syllables(words);
  }
  if (words_) {
    group_words(text, words);
    if (!names) return;
    find_names_in_words(words, *names);
    return;
  }
  if (!names) return;
  // A sentence-opening syllable is common when the text (or the corpus) also writes it in lower
  // case, or it is a stop word; a lone one is a name when the corpus uses it as one mid-sentence.
  // Each token is a syllable: folded once (or read from the preparation) and numbered, so "the
  // text writes it in lower case" is a flag of its folded form's id (number_syllables).
  const NameEvidence* evidence = owner_.config_.name_evidence.get();
  if (!folds_ready_) number_syllables(words);
  const auto folded = [&](std::size_t k) { return id_fold(syllable_ids_[k]); };
  find_names_at(
      words,
      [&](std::size_t k) {
        if (id_flags_[syllable_ids_[k]] & kWrittenLower) return true;
        const std::string_view f = folded(k);
        return owner_.is_stop_word(f) || (evidence && evidence->lower.find(f) != Interner::npos);
      },
      [&](std::size_t k) {
        if (evidence && evidence->names.find(folded(k)) != Interner::npos) return true;
        // A spelling the user's alias table lists is a name.
        return alias_keys_ && !owner_.alias_table_.empty() &&
               owner_.alias_table_.count(alias_keys_->key(words[k].surface)) != 0;
      },
      *names);
}

DocStats Analyzer::Worker::prepare_document(std::string_view raw, bool utf8, PreparedDocument& out, bool as_is) {
  std::string_view text;
  out.stats = prepare(raw, utf8, text, as_is);
  out.text.assign(text);
  out.begins.clear();
  out.syllable_spans.clear();
  out.syllable_flags.clear();
  out.fold_ids.clear();
  out.folds.clear();
  out.fold_ends.clear();
  {
    spans_.clear();
    folds_ready_ = false;
    segmenter_.segment(out.text, spans_);
    if (words_) {
      word_begins(out.text);
      out.begins.assign(begins_.begin(), begins_.end());
    }
    // The syllables as words_and_names finds them, kept for every later analysis of this text
    // (with or without a word model: the evidence step and the count read them instead of
    // segmenting, classifying gaps and folding again).
    std::vector<WordToken>& syl = evidence_words_;
    syllable_tokens(out.text, syl);
    number_syllables(syl);
    const std::size_t n = spans_.size();
    bool fits = id_view_.size() <= 65536;
    std::uint32_t next_new = 0;
    if (fits) {
      out.syllable_spans.resize(n);
      out.syllable_flags.resize(n);
      out.fold_ids.resize(n);
    }
    std::size_t end = 0;
    for (std::size_t k = 0; k < n && fits; ++k) {
      const std::size_t gap = spans_[k].begin - end, len = spans_[k].length;
      fits = gap < 65536 && len < 65536;
      out.syllable_spans[k] = {static_cast<std::uint16_t>(gap), static_cast<std::uint16_t>(len)};
      end = spans_[k].begin + len;
      const std::uint32_t id = syllable_ids_[k];
      bool as_written = false;
      if (id == next_new) {  // the form's first syllable: the form is kept unless it is the syllable itself
        ++next_new;
        as_written = id_fold(id) == syl[k].surface;
        if (!as_written) {
          out.folds.append(id_fold(id));
          fits = fits && out.folds.size() < (std::size_t{1} << 32);
          out.fold_ends.push_back(static_cast<std::uint32_t>(out.folds.size()));
        }
      }
      out.syllable_flags[k] = static_cast<std::uint8_t>(
          static_cast<std::uint8_t>(syl[k].gap) | (syl[k].sentence_start ? kSentenceStart : 0) |
          (syl[k].capitalized ? kCapitalized : 0) | (spans_[k].link ? kLink : 0) | (as_written ? kFoldAsWritten : 0));
      out.fold_ids[k] = static_cast<std::uint16_t>(id);
    }
    if (fits) {
      out.folds.shrink_to_fit();  // grown by appending: kept (and budgeted) at its size
      out.fold_ends.shrink_to_fit();
    } else {  // a syllable or gap of 64 KiB or more, or too many distinct forms (hostile text): scanned again each time
      out.syllable_spans.clear();
      out.syllable_flags.clear();
      out.fold_ids.clear();
      out.folds.clear();
      out.fold_ends.clear();
    }
  }
  return out.stats;
}

namespace {
// Installs a prepared document (its word flags and syllables) for the worker's next analysis of its text.
class PresetDocument {
 public:
  PresetDocument(const PreparedDocument*& slot, const PreparedDocument& doc) : slot_(slot) { slot_ = &doc; }
  ~PresetDocument() { slot_ = nullptr; }

 private:
  const PreparedDocument*& slot_;
};
}  // namespace

void Analyzer::Worker::gather_name_evidence(const PreparedDocument& doc, NameEvidence& evidence) {
  const PresetDocument preset(preset_, doc);
  evidence_of(doc.text, evidence);
}

void Analyzer::Worker::segments(const PreparedDocument& doc, std::vector<PhraseModel::Segment>& out) {
  const PresetDocument preset(preset_, doc);
  units(doc.text, out, nullptr);
}

void Analyzer::Worker::gather_name_evidence(std::string_view raw, bool utf8, NameEvidence& evidence) {
  std::string_view text;
  prepare(raw, utf8, text);
  evidence_of(text, evidence);
}

void Analyzer::Worker::evidence_of(std::string_view text, NameEvidence& evidence) {
  std::vector<WordToken>& words = evidence_words_;  // kept between documents
  std::vector<NameSpan>& spans = evidence_names_;
  words_and_names(text, words, &spans);  // numbers the syllables (number_syllables) in both modes
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i].capitalized) continue;
    scratch_term_.clear();
    // A one-syllable word (every token without a word model) is its syllable, folded and numbered
    // already: added once a document (the set's order is of first sight either way).
    const std::size_t k = words_ ? ranges_[i].first : i;
    if (!words_ || ranges_[i].second - k == 1) {
      std::uint8_t& flags = id_flags_[syllable_ids_[k]];
      if (flags & kInLower) continue;
      flags |= kInLower;
      fold_syllable(k, scratch_term_);
    } else {
      folded_word(i, words[i].surface, scratch_term_);
    }
    evidence.lower.intern(scratch_term_);
  }
  if (words_ && own_starts_ready_) {
    evidence.starts.merge(own_starts_, /*as_document=*/true);  // tallied by find_names_in_words
  } else if (words_) {
    NameStarts doc;
    doc.tally(
        words, all_caps_, [&](std::size_t i) { return title_word(words[i].surface); },
        [&](std::size_t i, std::string_view first, std::string& out) { fold_first_syllable(i, first, out); });
    evidence.starts.merge(doc, /*as_document=*/true);
  }
  for (const NameSpan& nm : spans) {
    if (nm.end - nm.begin != 1 || words[nm.begin].sentence_start) continue;
    scratch_term_.clear();
    if (words_) {  // word mode: every name, as its key ("trung_quốc"), for splitting run-on names
      word_term(text, ranges_[nm.begin].first, ranges_[nm.begin].second, scratch_term_);
    } else {
      fold_memo(words[nm.begin].surface, scratch_term_);
    }
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
      std::string surface, unit;
      name_unit(text, words, nm, surface, unit);
      if (name_surfaces) name_surfaces->push_back(surface);
      flush();  // a name stands alone: it does not join phrases
      segs.push_back({std::move(unit)});
      i = nm.end;
      continue;
    }
    std::string unit;
    if (words_)
      word_term(text, ranges_[i].first, ranges_[i].second, unit);
    else
      fold_memo(words[i].surface, unit);
    current.push_back(std::move(unit));
    ++i;
  }
  flush();
}

void Analyzer::Worker::name_unit(std::string_view text, const std::vector<WordToken>& words, const NameSpan& nm,
                                 std::string& surface, std::string& unit) {
  surface.assign(words[nm.begin].surface);
  unit.clear();
  if (words_)
    word_term(text, ranges_[nm.begin].first, ranges_[nm.begin].second, unit);
  else
    fold_memo(words[nm.begin].surface, unit);
  for (std::size_t k = nm.begin + 1; k < nm.end; ++k) {
    const char sep = words[k].gap == Gap::hyphen ? '-' : ' ';
    surface.push_back(sep);
    surface.append(words[k].surface);
    unit.push_back(sep == '-' ? '-' : '_');
    fold_memo(words[k].surface, unit);
  }
  if (owner_.config_.aliases) {
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
  write_ngrams(kept, cfg.ngram_range.first, cfg.ngram_range.second, out);
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
  const bool plain = cfg.ngram_range.second == 1 && owner_.stop_words_.size() == 0;
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
  write_ngrams(kept, cfg.ngram_range.first, cfg.ngram_range.second, out);
  return stats;
}

DocStats Analyzer::Worker::term_ids(std::string_view raw, bool utf8, const TermResolver& resolve,
                                    std::vector<std::uint32_t>& ids, bool nfc) {
  const AnalyzerConfig& cfg = owner_.config_;
  ids.clear();
  reset_id_memo_if_full();
  if (owner_.rich_ && cfg.ngram_range.second == 1) {
    std::string_view text;
    const DocStats stats = prepare(raw, utf8, text, nfc);
    rich_term_ids(text, resolve, ids);
    return stats;
  }
  if (cfg.ngram_range.second > 1 || owner_.rich_) {  // terms need more than one token each: resolve each term
    const DocStats stats = analyze(raw, terms_, utf8);
    for (std::size_t t = 0; t < terms_.size(); ++t) {
      const std::uint32_t id = resolve(terms_[t]);
      if (id != Interner::npos) ids.push_back(id);
    }
    return stats;
  }
  // Clean text (valid UTF-8, already NFC) is segmented in one checked pass over the raw bytes, or
  // unchecked when the caller knows it clean; anything else goes through decode and compose first.
  DocStats stats;
  std::string_view text = raw;
  spans_.clear();
  folds_ready_ = false;
  if (nfc)
    segmenter_.segment(raw, spans_);
  else if (!((utf8 || is_utf8(cfg.encoding)) && segmenter_.segment_checked(raw, spans_))) {
    stats = prepare(raw, utf8, text);
    spans_.clear();
    folds_ready_ = false;
    segmenter_.segment(text, spans_);
  }
  // At most one id a token, written through a pointer (the loops below are the count's hot path).
  ids.resize(spans_.size());
  std::uint32_t* const out = ids.data();
  std::size_t n = 0;
  if (words_) {
    word_begins(text);
    // The segmenter has looked every syllable up in its memo already: a one-syllable word (most
    // words) finds its slot by that id, with no second hash of its text.
    const bool by_id = syllable_memo_ids_.size() == spans_.size();
    if (by_id && words_->memo_generation() != word_slot_generation_) {
      word_slot_of_syllable_.clear();  // the segmenter's memo started afresh: its ids were given anew
      word_slot_generation_ = words_->memo_generation();
    }
    for (std::size_t b = 0; b < spans_.size();) {
      std::size_t e = b + 1;
      while (e < spans_.size() && !begins_[e]) ++e;
      std::uint32_t* by_syllable = nullptr;
      if (by_id && e == b + 1) {
        const std::uint32_t sid = syllable_memo_ids_[b];
        if (sid >= word_slot_of_syllable_.size())
          word_slot_of_syllable_.resize(std::max<std::size_t>(sid + 1, 2 * word_slot_of_syllable_.size()),
                                        Interner::npos);
        by_syllable = &word_slot_of_syllable_[sid];
      }
      std::uint32_t slot = by_syllable ? *by_syllable : Interner::npos;
      if (slot == Interner::npos) {
        // The memo's key is the word as written, spaces included.
        const std::string_view tok =
            text.substr(spans_[b].begin, spans_[e - 1].begin + spans_[e - 1].length - spans_[b].begin);
        slot = ids_raw_.find(tok);
        if (slot == Interner::npos) {
          slot = ids_raw_.intern(tok);
          scratch_term_.clear();
          word_term(text, b, e, scratch_term_);
          ids_.push_back(owner_.is_stop_word(scratch_term_) ? Interner::npos : resolve(scratch_term_));
        }
        if (by_syllable) *by_syllable = slot;
      }
      const std::uint32_t id = ids_[slot];
      if (id != Interner::npos) out[n++] = id;
      b = e;
    }
    ids.resize(n);
    return stats;
  }
  for (const Token& t : spans_) {
    const std::string_view tok = text.substr(t.begin, t.length);
    // The hot path: a token seen before. The probe is inlined and its hash also places a new
    // token (find, then intern, hashed a new token twice and cost a call a token). Looking a
    // document's tokens up as a batch with their slots prefetched gained nothing more (PROFILE.md,
    // round 15): the memo of a few MB of text stays in L2.
    bool added = false;
    const std::uint32_t slot = ids_raw_.intern(tok, TokenMemo::hashed(tok), &added);
    if (added) {
      scratch_term_.clear();
      owner_.normalizer_.fold_token(tok, scratch_term_);
      ids_.push_back(owner_.is_stop_word(scratch_term_) ? Interner::npos : resolve(scratch_term_));
    }
    const std::uint32_t id = ids_[slot];
    if (id != Interner::npos) out[n++] = id;
  }
  ids.resize(n);
  return stats;
}

namespace {

// The tokens Segmenter::segment would give the UTF-8 of a str, found on the str's own code units:
// calls on_token(begin, end) (in code units) for each, in order, and returns true; or returns false
// when the text needs more than this scan does (the caller then encodes the document and takes the
// byte path, which gives the same result): a code point that is not NFC_QC=Yes with class 0 or is a
// lone surrogate (decoding and composing), an astral code point, or a run in a spaceless script
// (ICU's word breaks). `links` are the document's links at code point positions (find_links of
// the code units; empty when links are split like text), dropped or kept whole as the segmenter
// does. Otherwise a token is a run of word characters (kToken), as in Segmenter::scan.
//
// With `trigger` set (and no links given) the scan stops, returning false with *trigger set, at
// the first '@', "://", "www." or "WWW." (what find_links starts from, all separators here): the
// caller then finds the links and scans again. Most documents hold none, so most are read once.
template <class Unit, class OnToken>
bool scan_units(const Unit* p, std::size_t n, const SegmentConfig& cfg, const std::vector<Span>& links, bool* trigger,
                OnToken&& on_token) {
  const std::uint8_t* const cls = chars::tables().cls;
  CancelPoll poll;
  bool bad = false;
  // The class of p[k]; `bad` set for what this scan leaves to the byte path.
  auto class_of = [&](std::size_t k) -> std::uint8_t {
    const char32_t c = p[k];
    if (sizeof(Unit) == 4 && c >= 0x10000) {
      bad = true;
      return 0;
    }
    const std::uint8_t e = cls[c];
    bad |= !(e & chars::kNfcYes) || (c & 0xF800) == 0xD800;
    return e;
  };
  std::size_t i = 0, next_link = 0;
  while (i < n) {
    poll.at(i);
    if (next_link < links.size() && i >= links[next_link].begin) {
      const Span link = links[next_link++];
      for (std::size_t k = link.begin; k < link.end; ++k) class_of(k);  // checked as the byte path checks
      if (bad) return false;
      if (cfg.urls == LinkPolicy::keep) on_token(link.begin, link.end);
      i = link.end;
      continue;
    }
    const std::size_t limit = next_link < links.size() ? links[next_link].begin : n;
    std::uint8_t e = class_of(i);
    if (bad) return false;
    if (!(e & chars::kToken)) {
      if (trigger) {
        const char32_t c = p[i];
        if (c == '@' || (c == ':' && i + 2 < n && p[i + 1] == '/' && p[i + 2] == '/') ||
            (c == '.' && i >= 3 && p[i - 1] == p[i - 2] && p[i - 2] == p[i - 3] &&
             (p[i - 1] == 'w' || p[i - 1] == 'W'))) {
          *trigger = true;
          return false;
        }
      }
      ++i;
      continue;
    }
    const std::size_t begin = i;
    std::uint8_t all = e, any = e;
    for (++i; i < limit; ++i) {
      e = class_of(i);
      if (bad) return false;
      if (!(e & chars::kToken)) break;
      all &= e;
      any |= e;
    }
    if (any & chars::kComplex) return false;
    if ((all & chars::kNumber) && !cfg.numbers) continue;
    if (i - begin < cfg.min_token_length) continue;  // a code unit is a code point here
    on_token(begin, i);
  }
  return true;
}

}  // namespace

bool Analyzer::Worker::term_ids(const CodeUnits& doc, const TermResolver& resolve, std::vector<std::uint32_t>& ids) {
  const AnalyzerConfig& cfg = owner_.config_;
  if (owner_.rich_ || words_ || cfg.ngram_range.second > 1) return false;
  ids.clear();
  reset_id_memo_if_full();
  // One memo a width: the same bytes in two widths are different text.
  const int slot_of_width = doc.width == 1 ? 0 : doc.width == 2 ? 1 : 2;
  TokenMemo& memo = units_raw_[slot_of_width];
  std::vector<std::uint32_t>& memo_ids = units_ids_[slot_of_width];
  // Tokens are collected first and resolved after the scan has succeeded: a scan that stops at
  // a link trigger or gives up must leave no term resolved (a dropped address's local part would
  // otherwise reach the vocabulary).
  const bool links = segmenter_.config().urls != LinkPolicy::split;
  auto run = [&](const auto* p) {
    using Unit = std::remove_const_t<std::remove_pointer_t<decltype(p)>>;
    // A token and a separator at least per two code units: room for all, kept between documents
    // and written through a pointer (a push per token showed in the profile).
    if (unit_spans_.size() < doc.length / 2 + 1) unit_spans_.resize(doc.length / 2 + 1);
    // A huge document's room (16 bytes a pair) is given back when it is done, not kept for the
    // rest of the pass; up to a million pairs stay for the next documents.
    struct ReleaseLarge {
      std::vector<std::pair<std::size_t, std::size_t>>& v;
      ~ReleaseLarge() {
        if (v.size() > (std::size_t{1} << 20)) std::vector<std::pair<std::size_t, std::size_t>>().swap(v);
      }
    } release_large{unit_spans_};
    std::pair<std::size_t, std::size_t>* const spans = unit_spans_.data();
    std::size_t n_spans = 0;
    auto collect = [&](std::size_t b, std::size_t e) { spans[n_spans++] = {b, e}; };
    unit_links_.clear();
    bool trigger = false;
    if (!scan_units(p, doc.length, segmenter_.config(), unit_links_, links ? &trigger : nullptr, collect)) {
      if (!trigger) return false;
      n_spans = 0;
      find_links(doc, unit_links_);
      if (!scan_units(p, doc.length, segmenter_.config(), unit_links_, nullptr, collect)) return false;
    }
    ids.resize(n_spans);  // at most one id a token, written through a pointer
    std::uint32_t* const out = ids.data();
    std::size_t k = 0;
    for (std::size_t t = 0; t < n_spans; ++t) {
      const auto [b, e] = spans[t];
      const std::string_view key(reinterpret_cast<const char*>(p + b), (e - b) * sizeof(Unit));
      // The hot path: a token seen before (inlined probe; the hash also places a new token).
      bool added = false;
      const std::uint32_t slot = memo.intern(key, TokenMemo::hashed(key), &added);
      if (added) {
        units_token_.clear();
        append_utf8(CodeUnits{p + b, e - b, static_cast<int>(sizeof(Unit))}, units_token_);
        scratch_term_.clear();
        owner_.normalizer_.fold_token(units_token_, scratch_term_);
        memo_ids.push_back(owner_.is_stop_word(scratch_term_) ? Interner::npos : resolve(scratch_term_));
      }
      const std::uint32_t id = memo_ids[slot];
      if (id != Interner::npos) out[k++] = id;
    }
    ids.resize(k);
    return true;
  };
  bool done;
  if (doc.width == 1)
    done = run(static_cast<const std::uint8_t*>(doc.data));
  else if (doc.width == 2)
    done = run(static_cast<const char16_t*>(doc.data));
  else
    done = run(static_cast<const char32_t*>(doc.data));
  if (!done) ids.clear();
  return done;
}

void Analyzer::Worker::reset_id_memo_if_full() {
  constexpr std::size_t kMaxEntries = 1u << 20;  // a fixed buffer: start afresh past a million forms
  if (ids_.size() >= kMaxEntries) {
    ids_raw_ = TokenMemo();
    ids_.clear();
    word_slot_of_syllable_.clear();  // slots into ids_
  }
  if (name_ids_.size() >= kMaxEntries) {
    name_ids_raw_ = TokenMemo();
    name_ids_.clear();
  }
  for (int w = 0; w < 3; ++w)
    if (units_ids_[w].size() >= kMaxEntries) {
      units_raw_[w] = TokenMemo();
      units_ids_[w].clear();
    }
}

void Analyzer::Worker::rich_term_ids(std::string_view text, const TermResolver& resolve,
                                     std::vector<std::uint32_t>& ids) {
  // Cleaning, names or phrases: the units come from the whole document's analysis, then each
  // unit's id (npos for a stop word) is remembered by the unit's text, so a unit seen before
  // costs one lookup instead of a stop-word lookup, a copy and a resolution. (ids_raw_ holds
  // units here and raw tokens on the plain path: a worker's analyzer takes one path only.)
  const AnalyzerConfig& cfg = owner_.config_;
  if (!cfg.phrases || cfg.phrases->empty()) {
    direct_term_ids(text, resolve, ids);
    return;
  }
  units(text, segments_, nullptr);
  for (PhraseModel::Segment& seg : segments_) {
    if (cfg.phrases && seg.size() > 1) cfg.phrases->apply(seg);
    for (const std::string& u : seg) {
      std::uint32_t slot = ids_raw_.find(u);
      if (slot == Interner::npos) {
        slot = ids_raw_.intern(u);
        ids_.push_back(owner_.is_stop_word(u) ? Interner::npos : resolve(u));
      }
      const std::uint32_t id = ids_[slot];
      if (id != Interner::npos) ids.push_back(id);
    }
  }
}

void Analyzer::Worker::direct_term_ids(std::string_view text, const TermResolver& resolve,
                                       std::vector<std::uint32_t>& ids) {
  // What units() and rich_term_ids give without phrases, one id a word (or name) in order. A
  // word's unit is a function of the word as written (its syllables folded, joined as its gaps
  // say: word_term), so the word as written is the memo's key, as on the plain path; a name's unit
  // depends on more (its alias key, the alias table) and is remembered by the unit itself. The two
  // memos are apart: the same bytes may be a written word in one and a unit in the other.
  std::vector<WordToken>& words = direct_words_;
  std::vector<NameSpan>& names = direct_names_;
  names.clear();
  words_and_names(text, words, owner_.config_.names ? &names : nullptr);
  const auto remembered = [&](TokenMemo& memo, std::vector<std::uint32_t>& slots, std::string_view key, auto&& unit) {
    std::uint32_t slot = memo.find(key);
    if (slot == Interner::npos) {
      slot = memo.intern(key);
      const std::string& u = unit();
      slots.push_back(owner_.is_stop_word(u) ? Interner::npos : resolve(u));
    }
    const std::uint32_t id = slots[slot];
    if (id != Interner::npos) ids.push_back(id);
  };
  ids.reserve(ids.size() + words.size());
  std::size_t next_name = 0;
  for (std::size_t i = 0; i < words.size();) {
    if (next_name < names.size() && names[next_name].begin == i) {
      const NameSpan nm = names[next_name++];
      name_unit(text, words, nm, name_surface_, scratch_term_);
      remembered(name_ids_raw_, name_ids_, scratch_term_, [&]() -> const std::string& { return scratch_term_; });
      i = nm.end;
      continue;
    }
    if (words_) {
      const auto [b, e] = ranges_[i];
      const std::size_t begin = spans_[b].begin;
      remembered(ids_raw_, ids_, text.substr(begin, spans_[e - 1].begin + spans_[e - 1].length - begin),
                 [&, b = b, e = e]() -> const std::string& {
                   scratch_term_.clear();
                   word_term(text, b, e, scratch_term_);
                   return scratch_term_;
                 });
    } else {
      remembered(ids_raw_, ids_, words[i].surface, [&]() -> const std::string& {
        scratch_term_.clear();
        fold_memo(words[i].surface, scratch_term_);
        return scratch_term_;
      });
    }
    ++i;
  }
}

DocStats Analyzer::Worker::analyze(const PreparedDocument& doc, TermBuffer& out) {
  if (!owner_.rich_) {
    // Without cleaning the prepared text is the decoded NFC text: analysing it as UTF-8 again
    // decodes and composes nothing (both are the identity on it).
    analyze(doc.text, out, /*utf8=*/true);
    return doc.stats;
  }
  const PresetDocument preset(preset_, doc);
  units(doc.text, segments_, nullptr);
  finish_terms(segments_, out);
  return doc.stats;
}

DocStats Analyzer::Worker::term_ids(const PreparedDocument& doc, const TermResolver& resolve,
                                    std::vector<std::uint32_t>& ids) {
  ids.clear();
  if (!owner_.rich_) {
    term_ids(doc.text, /*utf8=*/true, resolve, ids);  // as in analyze above
    return doc.stats;
  }
  reset_id_memo_if_full();
  if (owner_.config_.ngram_range.second == 1) {
    const PresetDocument preset(preset_, doc);
    rich_term_ids(doc.text, resolve, ids);
    return doc.stats;
  }
  analyze(doc, terms_);
  for (std::size_t t = 0; t < terms_.size(); ++t) {
    const std::uint32_t id = resolve(terms_[t]);
    if (id != Interner::npos) ids.push_back(id);
  }
  return doc.stats;
}

bool same_preparation(const AnalyzerConfig& a, const AnalyzerConfig& b) {
  const auto same_normalize = [](const NormalizeConfig& x, const NormalizeConfig& y) {
    return x.lowercase == y.lowercase && x.tone_marks == y.tone_marks;
  };
  const auto same_segment = [](const SegmentConfig& x, const SegmentConfig& y) {
    return x.numbers == y.numbers && x.urls == y.urls && x.min_token_length == y.min_token_length;
  };
  const auto same_clean = [](const CleanConfig& x, const CleanConfig& y) {
    return x.markup == y.markup && x.captions == y.captions && x.headline_lists == y.headline_lists &&
           x.end_markers == y.end_markers;
  };
  return a.encoding == b.encoding && same_normalize(a.normalize, b.normalize) && same_segment(a.segment, b.segment) &&
         a.clean == b.clean &&
         (!a.clean || (same_clean(a.clean_config, b.clean_config) && a.repeated_lines == b.repeated_lines)) &&
         a.words == b.words && a.user_dictionary == b.user_dictionary;
}

}  // namespace mekong
