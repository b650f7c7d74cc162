// Stage 5, terms: names and their alias keys.
//
// A name is a run of capitalised syllables joined by spaces, or by single hyphens as transliterated
// names are written ("Kon Tum", "Lê Ngọc Tuấn", "Ắt-ta-pư", "Chăm-pa-sắc"). A run that opens a
// sentence loses its first syllable when that syllable is a common word (it is capitalised only
// because it opens the sentence: "Theo Nguyễn Văn An"), a lone capitalised syllable opening a
// sentence is not taken for a name unless known as one, and a one-syllable name must not be a
// common word ("Ban", "Sở" are capitalised inside organisations' names; "Lào" is a name).
//
// An alias key is a name written in plain ASCII without spaces or hyphens (ICU's
// "Any-Latin; Latin-ASCII" transliteration, lower-cased): "Attapư", "Attapu" and "Ắt-ta-pư" all
// become "attapu". Keys are only made for names: for ordinary words they would merge distinct
// words ("ma", "má", "mà", "mả", "mã", "mạ"). A name in a script ICU cannot romanize (Lao) keeps
// its own letters, lower-cased, as its key.
//
// Bound: O(tokens) to find names (each token is passed once; a name's run ends where the scan
// resumes) and O(gap bytes) to classify the text between tokens. An alias key is ICU's
// transliteration of the name in pieces of at most 1 KiB (ICU's own cost grows with the square
// of its input on long non-ASCII text), cut after a space or punctuation, so O(length) for any name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/uversion.h>

#include "mekong/util/interner.hpp"

U_NAMESPACE_BEGIN
class Transliterator;
U_NAMESPACE_END

namespace mekong {

enum class Gap : unsigned char {
  space,   // only white space before the token
  hyphen,  // a single hyphen, no space ("Sê-kông")
  other,   // punctuation, or the start of the text
};

struct WordToken {
  std::string_view surface;  // as written (NFC)
  Gap gap = Gap::other;      // what separates it from the previous token
  bool sentence_start = false;
  bool capitalized = false;
};

struct NameSpan {
  std::size_t begin = 0;  // token indices [begin, end)
  std::size_t end = 0;
};

// Finds names among tokens. `is_common(syllable)` says whether a syllable is a common word (dropped
// from the start of a sentence-opening name, never a name alone); `is_known(token)` whether a lone capitalised syllable
// opening a sentence is a name all the same (one the corpus uses mid-sentence).
void find_names(const std::vector<WordToken>& tokens, const std::function<bool(std::string_view)>& is_common,
                const std::function<bool(std::string_view)>& is_known, std::vector<NameSpan>& out);
// The same, with the questions asked by token index (`is_common(i)`, `is_known(i)`), so a caller
// answers from what it knows of token i (its folded syllable's id) and no std::function is called
// per token. find_names is this with the surfaces passed on.
template <class IsCommon, class IsKnown>
void find_names_at(const std::vector<WordToken>& tokens, IsCommon&& is_common, IsKnown&& is_known,
                   std::vector<NameSpan>& out) {
  out.clear();
  const std::size_t n = tokens.size();
  for (std::size_t i = 0; i < n;) {
    if (!tokens[i].capitalized) {
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    bool hyphenated = false;
    while (end < n) {
      const WordToken& t = tokens[end];
      if (t.gap == Gap::hyphen) {  // a transliteration goes on in lower case: "Ắt-ta-pư"
        hyphenated = true;
        ++end;
      } else if (t.gap == Gap::space && t.capitalized && !t.sentence_start) {
        ++end;
      } else {
        break;
      }
    }
    std::size_t begin = i;
    if (tokens[i].sentence_start && !hyphenated) {
      if (end - begin == 1) {  // a lone capital opening a sentence: a name only if known as one
        if (!is_known(i)) {
          i = end;
          continue;
        }
      } else if (is_common(i)) {
        ++begin;
      }
    }
    // One syllable that is also a common word ("Ban", "Khu", "Sở" of an organisation's name, "Hai"
    // opening a sentence) is not a name by itself; "Lào", "Attapư", "UBND" are.
    if (end - begin == 1 && !hyphenated && is_common(begin)) {
      i = end;
      continue;
    }
    if (end > begin) out.push_back({begin, end});
    i = end;
  }
}

// Names among words (the word segmenter's output; each token one word). A name is one word whose
// syllables are all capitalised (after a hyphen a transliteration may go on in lower case:
// "Ắt-ta-pư"); two adjacent names stay two ("Trung Quốc" + "Tập Cận Bình"). Not names: a word in
// capitals only (an abbreviation such as "UBND", "ASEAN": a term), a title or office ("Phó",
// "Chủ tịch", "Bí thư": is_title), a one-syllable word that is a common word or never_a_name(), and a lone
// one-syllable word opening a sentence unless known as a name. Transliterated parts written one
// after the other, each hyphenated ("Xổm-phon Khăm-mạ-ni"), are one name of several words.
// `all_caps[i]` is read only for capitalised words. `is_common(i)` and `is_known(i)` are asked only of
// one-syllable words (by index, so the caller can answer from what it knows of word i).
// The three questions are callables (templates: inlined, no std::function call per word).
bool never_a_name(std::string_view syllable);
// Whether a syllable as written (NFC, capitalised: "Nguyễn", "Hoàng") is one of the common Vietnamese
// family names. After the noun of an administrative unit, a capitalised run that goes on with one
// after a place's name ("tỉnh Quảng Trị Hoàng Nam") holds two names.
bool is_family_name(std::string_view syllable);
// Whether a folded syllable is the noun (or the last syllable of the noun) of an administrative
// unit written before its name: "tỉnh", "huyện", "xã", "phường", "quận", "thôn", "phố" (thành phố),
// "tp", "trấn" (thị trấn), "đô" (thủ đô).
bool is_unit_noun(std::string_view folded);
// Whether a folded word is a foreign place that news writes before a foreign person's name, a name
// of its own there ("Lào Khăm-phăn Phôm-ma-thắt", "Attapư Lệt Xay-nhạ-phon" are two names each): a
// country of one syllable or token ("lào", "mỹ", "campuchia") or of two syllables ("thái_lan",
// "trung_quốc"), or a province of Laos or Cambodia written as one token ("attapư", "sekong").
bool is_foreign_place(std::string_view folded);
template <class IsTitle, class IsCommon, class IsKnown>
void find_word_names(const std::vector<WordToken>& words, const std::vector<std::uint8_t>& all_caps, IsTitle&& is_title,
                     IsCommon&& is_common, IsKnown&& is_known, std::vector<NameSpan>& out) {
  out.clear();
  for (std::size_t i = 0; i < words.size(); ++i) {
    const WordToken& w = words[i];
    if (!w.capitalized || all_caps[i] || is_title(i)) continue;
    const bool one_syllable = w.surface.find_first_of(" -") == std::string_view::npos;
    if (one_syllable) {
      if (never_a_name(w.surface)) continue;
      if (w.sentence_start && !is_known(i)) continue;
      if (is_common(i)) continue;
    }
    // A Lao or Khmer full name is written as transliterated parts, each hyphenated, one after
    // the other ("Xổm-phon Khăm-mạ-ni"): one name, not two.
    std::size_t end = i + 1;
    auto hyphenated = [&](std::size_t k) { return words[k].surface.find('-') != std::string_view::npos; };
    while (hyphenated(end - 1) && end < words.size() && hyphenated(end) && words[end].capitalized &&
           words[end].gap == Gap::space && !words[end].sentence_start && !all_caps[end] && !is_title(end))
      ++end;
    out.push_back({i, end});
    i = end - 1;
  }
}

// Short forms of longer names. News writes the first syllable of a name alone where it stands for
// the name or a part of it ("tiếng Việt", "Việt - Lào" for Việt Nam; "miền Trung", "miền Tây"
// beside "Trung Quốc", "Tây Nguyên", "Tây Ninh"): a capitalised syllable, but not a name of its own.
// The tally counts, per folded syllable, its uses as a one-syllable capitalised word mid-sentence
// and as the first syllable of a longer capitalised word; a syllable used more often to begin a
// longer name than alone is a short form ("Việt"), one used alone at least as often stays a name
// ("Lào" beside "Lào Cai", "Mỹ" beside "Mỹ Tho"). Over a corpus the uses are counted in documents,
// not occurrences: one article on Vietnamese lessons says "tiếng Việt" twenty times, and a use
// repeated inside one article is one piece of evidence.
class NameStarts {
 public:
  // Counts the capitalised words of one text. `fold_first(i, first, out)` appends the folded form
  // of `first`, word i's surface up to its first space or hyphen (a caller that has word i's
  // syllables folded already answers from them). Words in capitals only and titles (`is_title(i)`)
  // are left out: they are not names. Callables, not std::function: asked once per capitalised word.
  template <class IsTitle, class FoldFirst>
  void tally(const std::vector<WordToken>& words, const std::vector<std::uint8_t>& all_caps, IsTitle&& is_title,
             FoldFirst&& fold_first) {
    for (std::size_t i = 0; i < words.size(); ++i) {
      const WordToken& w = words[i];
      if (!w.capitalized || all_caps[i] || is_title(i)) continue;
      const std::size_t cut = w.surface.find_first_of(" -");
      const bool alone = cut == std::string_view::npos;
      // A lone syllable opening a sentence may be capitalised for that alone: no evidence either way.
      if (alone && w.sentence_start) continue;
      scratch_.clear();
      fold_first(i, w.surface.substr(0, cut), scratch_);
      bool added = false;
      const std::uint32_t id = ids_.intern(scratch_, &added);
      if (added) uses_.emplace_back();
      ++(alone ? uses_[id].alone : uses_[id].first);
    }
  }
  // Adds the counts of `other` (as_document: 1 for each kind of use it has, whatever its count).
  void merge(const NameStarts& other, bool as_document = false);
  bool clipped(std::string_view folded) const;
  // The syllables that are short forms, in first-seen order.
  std::vector<std::string> clipped_all() const;

 private:
  struct Uses {
    std::uint64_t alone = 0, first = 0;
  };
  Interner ids_;
  std::vector<Uses> uses_;
  std::string scratch_;
};

// Whether a one-syllable word (NFC, any case) is of the closed class that is never a name alone:
// calendar words ("Ngày", "Tháng"), nouns of the units before a name ("Đồn", "Xã", "Tỉnh") and
// prepositions ("Theo", "Tại"), capitalised only because they open a sentence or a heading; and a
// single letter without a tone mark ("Q" of "Q.1"; "Ý", Italy, is a name).
bool never_a_name(std::string_view syllable);

// Whether a word (canonical form: lower case, syllables joined by "_") is a title or office: one of a
// closed list ("chủ_tịch", "bí_thư", "tỉnh_trưởng"), or a word the segmenter made of them: modifiers
// ("phó", "quyền", "nguyên", "tổng"...) before a title, then titles and the bodies they are held in
// ("phó_tổng", "phó_bí_thư_tỉnh_ủy", "quyền_bộ_trưởng"). A modifier alone is not a title unless
// listed ("phó", "tổng" are; "nguyên", a given name too, is not).
bool is_title_word(std::string_view canonical);
// Whether a title word (canonical form) can start with this syllable (canonical, no "_"): false
// means is_title_word is false of every word whose first syllable it is, so a word can be ruled out
// from its first syllable alone.
bool may_open_title_word(std::string_view first_syllable);
// Whether a word (canonical form) is a body an office is held in, written after a title ("tỉnh_ủy", "ubnd").
bool is_office_body(std::string_view canonical);

// Describes the gap text between two tokens; *sentence_break tells whether it opens a sentence.
Gap classify_gap(std::string_view gap, bool* sentence_break);

// Alias keys; one per thread (it owns an ICU Transliterator, made only when a name needs ICU).
class AliasKeys {
 public:
  AliasKeys();
  ~AliasKeys();
  AliasKeys(AliasKeys&&) noexcept;
  // The key of a name; remembered per distinct name written (a transliteration costs microseconds,
  // and a corpus writes the same names over and over).
  std::string key(std::string_view name);
  // The same, without the memo (what key() remembers). A name of ASCII and Latin letters with
  // marks (every Vietnamese name) is keyed from a table, without ICU; the others go to ICU.
  std::string transliterate(std::string_view name);
  // ICU's transliteration alone: the reference the table is tested against.
  std::string transliterate_icu(std::string_view name);
  // Whether this object has needed ICU's transliterator so far.
  bool used_icu() const { return translit_ != nullptr; }

 private:
  std::unique_ptr<icu::Transliterator> translit_;  // cloned on the first name ICU must key
  Interner memo_names_;                            // name as written -> slot
  std::vector<std::string> memo_keys_;             // its key
};

}  // namespace mekong
