// The analyzer composes the text stages for one document:
//   decode -> NFC -> clean -> segment -> fold (case, tone marks) -> terms (names, alias keys,
//   phrases) -> stop words -> n-grams.
// Each stage keeps its own configuration; the analyzer only wires them together.
#pragma once

#include <atomic>
#include <cstddef>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "mekong/terms/term_source.hpp"
#include "mekong/text/clean.hpp"
#include "mekong/text/code_units.hpp"
#include "mekong/text/names.hpp"
#include "mekong/text/normalize.hpp"
#include "mekong/text/phrases.hpp"
#include "mekong/text/segment.hpp"
#include "mekong/text/terms.hpp"
#include "mekong/text/words.hpp"
#include "mekong/util/interner.hpp"

namespace mekong {

// What a corpus says about names: syllables it writes in lower case (common words, so a
// capital opening a sentence is not a name's) and one-syllable names it uses mid-sentence.
struct NameEvidence {
  Interner lower;     // folded syllables seen in lower case
  Interner names;     // folded one-syllable names seen mid-sentence
  Interner clipped;   // folded syllables that alone are short forms of longer names (NameStarts)
  NameStarts starts;  // while learning: the tally clipped is made from

  // The corpus evidence from the parts' (one per thread, merged in part order, models.cpp): a
  // syllable the corpus writes in lower case is not a one-syllable name. The first part's sets are
  // moved, not copied (pass the parts with std::move; all of the work with one thread).
  static NameEvidence merge(std::vector<NameEvidence> parts);
};

// Lines a corpus repeats (learned by fit_text_models, models.hpp), shared read-only.
struct FurnitureLines {
  Interner keys;  // line_key of each line, in the order learned
  std::vector<std::string> list() const;
};

// Every field keeps the name of the Python option it comes from (python/mekong/_options.py), from
// the parameter down to here: tone_marks, urls, min_token_length, ngram_range, user_dictionary, ...
struct AnalyzerConfig {
  std::string encoding;  // "" or "utf-8": UTF-8 checked in place; else an ICU converter name
  NormalizeConfig normalize;
  SegmentConfig segment;
  bool clean = false;
  CleanConfig clean_config;                              // its repeated_lines is set from the field below
  std::shared_ptr<const FurnitureLines> repeated_lines;  // learned by fit_text_models (models.hpp), or none
  bool names = false;                                    // each name becomes one term ("kon_tum", "ắt-ta-pư")
  bool aliases = false;                                  // each name becomes its alias key ("attapu"); implies names
  std::vector<std::pair<std::string, std::string>> alias_table;  // spelling -> the name it stands for
  std::shared_ptr<const NameEvidence> name_evidence;             // learned with learn_name_evidence, or none
  std::shared_ptr<const PhraseModel> phrases;                    // multi-syllable words, or none
  // Vietnamese words from syllables ("hợp_tác"), or none: each syllable is a term. The user
  // dictionary's words (syllables each) are forced as words.
  std::shared_ptr<const WordModel> words;
  std::vector<std::vector<std::string>> user_dictionary;
  std::vector<std::string> stop_words;                    // normalized like the text before use
  std::pair<std::size_t, std::size_t> ngram_range{1, 1};  // (min_n, max_n) tokens per n-gram
};

struct DocStats {
  std::size_t replaced = 0;  // invalid sequences replaced by U+FFFD
  std::size_t first_invalid = std::string_view::npos;
};

// A document analysed as far as anything learned after the furniture lines can change it: decoded,
// in NFC, cleaned, and split into words (the word segmenter's begin flag of each syllable of
// `text`). Name evidence, names, phrase units and counts all start from here, so a learning pass
// that keeps it analyses the document once for several models (fit_text_models, models.hpp).
// Only valid for analyzers with the same encoding, normalization, cleaning, segmentation, word
// model and user dictionary as the one that prepared it.
struct PreparedDocument {
  std::string text;                  // decoded, NFC, cleaned
  std::vector<std::uint8_t> begins;  // per syllable of `text`: 1 where a word begins (empty: no word model)
  // Each syllable as names and units start from it (nothing learned changes these): where it is
  // (bytes after the previous syllable's end, length), how it follows the previous one (Gap,
  // sentence start), whether capitalised or a link, and the id of its folded form in the document
  // (ids dense, in order of first sight). Each id's form is given once, by its first syllable: that
  // syllable as written (a flag: most are lower case already) or the next of `folds` (ends in
  // fold_ends).
  // Kept with or without a word model; empty when a syllable or a gap is 64 KiB or longer, or the
  // document has more than 65,536 distinct folded syllables: then found again from `text`.
  std::vector<std::pair<std::uint16_t, std::uint16_t>> syllable_spans;
  std::vector<std::uint8_t> syllable_flags;
  std::vector<std::uint16_t> fold_ids;
  std::string folds;
  std::vector<std::uint32_t> fold_ends;
  DocStats stats;
  std::size_t bytes() const {
    return sizeof(PreparedDocument) + text.capacity() + begins.capacity() + syllable_spans.capacity() * 4 +
           syllable_flags.capacity() + fold_ids.capacity() * 2 + folds.capacity() + fold_ends.capacity() * 4;
  }
};

// Whether analyzers of these two configurations prepare every document alike (the fields a
// PreparedDocument depends on: encoding, normalization, cleaning and its furniture lines,
// segmentation, word model, user dictionary), so one's preparations serve the other.
bool same_preparation(const AnalyzerConfig& a, const AnalyzerConfig& b);

// The column of a name counted by its alias key is "name:" + key ("name:attapu"): no token can
// produce it, so a name never shares a column with an ordinary word its key happens to spell.
inline constexpr const char* kNameColumnPrefix = "name:";

// Name column -> surface form -> occurrences.
using AliasObservations = std::map<std::string, std::map<std::string, std::size_t>>;

class Analyzer {
 public:
  // Throws std::invalid_argument for an impossible configuration (ngram range, encoding).
  // `word_memo_bound`: the forms each worker's word segmenter memoizes before starting afresh
  // (WordSegmenter's memo_bound); a smaller bound than the default is for tests of the fresh starts.
  explicit Analyzer(AnalyzerConfig config, std::size_t word_memo_bound = WordSegmenter::kMaxMemoForms);

  const AnalyzerConfig& config() const { return config_; }

  // Per-thread state: scratch buffers, a BreakIterator, a transliterator.
  class Worker {
    // The memos looked up once per token or word: short keys (most syllables and words as written
    // are at most 8 bytes) compare as one integer, without reading the key bytes (CodedKeys).
    using TokenMemo = BasicInterner<CodedKeys>;

   public:
    explicit Worker(const Analyzer& owner);
    // Writes the terms of one raw document to `out`. The bytes are in the configured encoding, or
    // UTF-8 whatever the configuration when `utf8` is set (text that arrived as str).
    DocStats analyze(std::string_view raw, TermBuffer& out, bool utf8 = false);
    // The normalized tokens of a document, before names, phrases, stop words and n-grams.
    DocStats tokens(std::string_view raw, TermBuffer& out, bool utf8 = false);
    // The ids `resolve` gives the document's terms (npos left out): the same as resolving each
    // term analyze() writes, but on the plain path a token seen before costs one hash lookup on
    // its raw bytes. `resolve` must be the same mapping for the whole life of the worker. `nfc`:
    // the bytes are known to be valid UTF-8 and NFC already (a str encoded by append_utf8_nfc), so
    // the plain path scans them unchecked and the others skip decoding and composing.
    DocStats term_ids(std::string_view raw, bool utf8, const TermResolver& resolve, std::vector<std::uint32_t>& ids,
                      bool nfc = false);
    // The same for a str read from its own storage, on the plain path (no cleaning, names,
    // phrases, words or n-grams), without encoding it: its tokens are found on the code units and
    // remembered by them. Returns false (ids cleared) when the document needs the byte path
    // (scan_units in analyzer.cpp says which); a clean document has DocStats{}.
    bool term_ids(const CodeUnits& doc, const TermResolver& resolve, std::vector<std::uint32_t>& ids);
    // The stretches of units (tokens, names joined) between punctuation, before phrases: what a
    // phrase model learns from.
    void segments(std::string_view raw, bool utf8, std::vector<PhraseModel::Segment>& out);
    // Names as written in the document, in order.
    void names(std::string_view raw, bool utf8, std::vector<std::string>& out);
    // Adds the document's name evidence to `evidence`.
    void gather_name_evidence(std::string_view raw, bool utf8, NameEvidence& evidence);
    // The document decoded, composed, cleaned and split into words, into `out` (its buffers reused).
    // `as_is`: the bytes are known to be valid UTF-8 in NFC (learn_repeated_lines found decoding
    // and composing them changed nothing), so neither is done again.
    DocStats prepare_document(std::string_view raw, bool utf8, PreparedDocument& out, bool as_is = false);
    // gather_name_evidence and segments of a prepared document: the same results as from its raw
    // bytes, without decoding, cleaning or word segmentation again.
    void gather_name_evidence(const PreparedDocument& doc, NameEvidence& evidence);
    void segments(const PreparedDocument& doc, std::vector<PhraseModel::Segment>& out);
    // analyze and term_ids of a prepared document (prepared by an analyzer of the same
    // preparation, same_preparation): the same terms and ids as from its raw bytes.
    DocStats analyze(const PreparedDocument& doc, TermBuffer& out);
    DocStats term_ids(const PreparedDocument& doc, const TermResolver& resolve, std::vector<std::uint32_t>& ids);
    // The cleaned document text (decode, NFC, clean).
    std::string cleaned(std::string_view raw, bool utf8);
    // The document decoded and in NFC, before cleaning.
    std::string_view composed(std::string_view raw, bool utf8);

    // The words of a document as written, NFC, syllables separated by one space (or the hyphen
    // written between them), and each punctuation mark as its own token (word_tokenize). Without a
    // word model each syllable is a word.
    void written_words(std::string_view raw, bool utf8, std::vector<std::string>& out);
    // The same words handed to `emit(std::string_view)` one by one (words::for_each_written_word), with
    // no string made per word: word_tokenize's binding makes one Python str per distinct word.
    template <class Emit>
    void written_words(std::string_view raw, bool utf8, Emit&& emit) {
      const std::string_view text = split_words(raw, utf8);
      words::for_each_written_word(text, spans_, begins_, written_scratch_, emit);
    }

    const AliasObservations& alias_observations() const { return aliases_seen_; }

    // A flag that long work inside one document polls (word segmentation of a huge text).
    void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

   private:
    DocStats prepare(std::string_view raw, bool utf8, std::string_view& text, bool as_is = false);
    // The document composed, its syllables in spans_ and their word flags in begins_ (written_words).
    std::string_view split_words(std::string_view raw, bool utf8);
    void evidence_of(std::string_view text, NameEvidence& evidence);
    // The document's tokens with their gaps and capitals, and (when `names` is given) its names.
    void words_and_names(std::string_view text, std::vector<WordToken>& words, std::vector<NameSpan>* names);
    // spans_ as WordTokens (surface, gap, sentence start, capital).
    void syllable_tokens(std::string_view text, std::vector<WordToken>& words);
    // spans_, `words` and the folded syllables from preset_ when it holds them for `text`.
    bool preset_syllables(std::string_view text, std::vector<WordToken>& words);
    // The units of the document after names, as segments; `name_surfaces` receives names.
    void units(std::string_view text, std::vector<PhraseModel::Segment>& segments,
               std::vector<std::string>* name_surfaces);
    void fold_memo(std::string_view token, std::string& out);
    // The folded form of the document's syllable id `id` (number_syllables), and of syllable k of spans_.
    std::string_view id_fold(std::uint32_t id) const { return id_view_[id]; }
    void fold_syllable(std::size_t k, std::string& out) const { out.append(id_fold(syllable_ids_[k])); }
    // Word mode, after group_words: the folded form of word i (its surface folded), from its
    // folded syllables.
    void folded_word(std::size_t i, std::string_view surface, std::string& out) const;
    // Word mode: syllable tokens regrouped into words (ranges_ and all_caps_ describe each).
    void group_words(std::string_view text, std::vector<WordToken>& words);
    void find_names_in_words(const std::vector<WordToken>& words, std::vector<NameSpan>& names);
    // Folds each syllable of spans_ (`syllables`, their WordTokens) and gives each distinct folded
    // form of the document a dense id in order of first sight (syllable_ids_ per syllable, id_view_
    // per id), with its flags cleared but kWrittenLower. The per-document sets of name finding are
    // flags per id: each syllable is looked up once, by its spelling, and each folded form is kept
    // once. A preparation keeps the ids and forms (preset_syllables).
    void number_syllables(const std::vector<WordToken>& syllables);
    // Word mode: appends the folded form of `first`, word i's surface up to its first space or hyphen
    // (NameStarts::tally), from its folded syllables.
    void fold_first_syllable(std::size_t i, std::string_view first, std::string& out);
    bool title_of(const std::vector<WordToken>& words, std::size_t i);  // title_word of word i, asked once
    bool title_word(std::string_view surface);  // is_title_word of a word as written (remembered)
    bool title_word_uncached(std::string_view surface);
    // The unit of name `nm` of words (its words' terms joined, or its alias key column with
    // aliases, counted in aliases_seen_) and the name as written.
    void name_unit(std::string_view text, const std::vector<WordToken>& words, const NameSpan& nm, std::string& surface,
                   std::string& unit);
    void finish_terms(std::vector<PhraseModel::Segment>& segments, TermBuffer& out);
    // rich_term_ids without phrases: each word's id remembered by the word as written (as the
    // plain path does), a name's by its unit; no unit strings or segments built.
    void direct_term_ids(std::string_view text, const TermResolver& resolve, std::vector<std::uint32_t>& ids);
    // term_ids' rich path (cleaning, names or phrases; one token a term) over the prepared text.
    void rich_term_ids(std::string_view text, const TermResolver& resolve, std::vector<std::uint32_t>& ids);
    void reset_id_memo_if_full();
    // Word flags of spans_ (1: the token begins a word); all 1 without a word model.
    void word_begins(std::string_view text);
    // The term of the word made of tokens [b, e) of spans_: folded syllables joined by "_" (or "-"
    // where a hyphen joins them).
    void word_term(std::string_view text, std::size_t b, std::size_t e, std::string& out);

    const Analyzer& owner_;
    Segmenter segmenter_;
    std::unique_ptr<AliasKeys> alias_keys_;
    std::unique_ptr<WordSegmenter> words_;
    std::vector<std::uint8_t> begins_;
    const PreparedDocument* preset_ = nullptr;  // a prepared document being analysed (its word flags, syllables)
    std::vector<std::pair<std::size_t, std::size_t>> ranges_;  // word -> its tokens in spans_
    std::vector<std::uint8_t> all_caps_;       // read only for capitalised words (find_word_names, NameStarts)
    std::vector<std::uint32_t> syllable_ids_;  // number_syllables: id of each syllable's folded form
    std::vector<std::uint8_t> id_flags_;       // per id: kWrittenLower, kLowerWord, kMidName, kInLower
    // number_syllables: each spelling's folded form (forms_raw_ -> form_of_raw_, an id in forms_),
    // and per form the document it was last seen in (form_stamp_) and its id there (form_id_).
    TokenMemo forms_raw_;
    std::vector<std::uint32_t> form_of_raw_;
    Interner forms_;
    std::vector<std::uint32_t> form_stamp_, form_id_;
    std::uint32_t form_doc_stamp_ = 0;
    std::vector<std::uint32_t> id_form_;  // per id of the document: its form in forms_
    // Per id: its folded form, in forms_ or, for a prepared document, in its text or its folds.
    std::vector<std::string_view> id_view_;
    std::string fold_scratch_;
    std::vector<std::int8_t> title_cache_;  // per word of the document: title_word (-1: not asked)
    std::vector<WordToken> syl_scratch_;    // group_words' buffers, kept between documents
    std::vector<std::pair<std::size_t, std::size_t>> ranges_scratch_, merged_scratch_;
    std::vector<std::uint8_t> split_scratch_;
    std::deque<std::string> word_surfaces_;
    const std::atomic<bool>* cancel_ = nullptr;
    std::string decoded_, composed_, cleaned_;
    std::vector<Token> spans_;
    bool folds_ready_ = false;  // syllable_ids_ and id_view_ describe spans_ (cleared with it)
    TermBuffer tokens_;         // analyze()'s tokens before stop words and n-grams
    TermBuffer terms_;          // term_ids()' terms on the rich path
    std::vector<std::string_view> kept_;
    std::vector<PhraseModel::Segment> segments_;
    std::string scratch_term_;
    std::string written_scratch_;  // a word written_words rebuilds (a gap other than one space)
    std::string title_scratch_;
    NameStarts own_starts_;          // find_names_in_words without evidence: the document's tally
    bool own_starts_ready_ = false;  // own_starts_ is of the document words_and_names last read
    TokenMemo title_memo_;           // word as written -> slot in title_is_ (title_word)
    std::vector<std::uint8_t> title_is_;
    TokenMemo ids_raw_;               // raw token -> slot in ids_ (term_ids' memo)
    std::vector<std::uint32_t> ids_;  // resolved id of each remembered raw token
    // word_begins: each token of spans_'s syllable id in words_'s memo (empty when the flags came
    // from a preparation). A one-syllable word's slot in ids_ is remembered by that id
    // (word_slot_of_syllable_, npos: not yet), so term_ids need not hash the word's text again; the
    // ids are of memo generation word_slot_generation_.
    std::vector<std::uint32_t> syllable_memo_ids_;
    std::vector<std::uint32_t> word_slot_of_syllable_;
    std::uint64_t word_slot_generation_ = 0;
    TokenMemo units_raw_[3];  // term_ids of code units: token's units -> slot, a memo per width
    std::vector<std::uint32_t> units_ids_[3];
    std::string units_token_;                                      // a new token's UTF-8
    std::vector<Span> unit_links_;                                 // the document's links, at code point positions
    std::vector<std::pair<std::size_t, std::size_t>> unit_spans_;  // its tokens, in code units
    TokenMemo name_ids_raw_;                                       // direct_term_ids: name unit -> slot in name_ids_
    std::vector<std::uint32_t> name_ids_;                          // resolved id of each remembered name unit
    std::vector<WordToken> direct_words_;                          // direct_term_ids' buffers, kept between documents
    std::vector<NameSpan> direct_names_;
    std::vector<WordToken> evidence_words_;  // evidence_of's and prepare_document's buffers
    std::vector<NameSpan> evidence_names_;
    std::string name_surface_;
    TokenMemo memo_raw_;  // raw token -> folded form (fold_memo)
    std::string memo_folded_;
    std::vector<std::size_t> memo_ends_;
    AliasObservations aliases_seen_;
  };

  Worker worker() const { return Worker(*this); }

  // The normalized form of one term as the analyzer would produce it (for vocabularies, stop words).
  std::string normalize_term(std::string_view term) const;

  bool is_stop_word(std::string_view folded) const {
    return stop_words_.size() != 0 && stop_words_.find(folded) != Interner::npos;
  }

  const Normalizer& normalizer() const { return normalizer_; }

  // Whether documents need more than tokens (cleaning, names, phrases).
  bool rich() const { return rich_; }

 private:
  AnalyzerConfig config_;
  Normalizer normalizer_;
  Interner stop_words_;
  std::unique_ptr<Cleaner> cleaner_;
  std::unordered_map<std::string, std::string> alias_table_;  // key -> key
  bool rich_ = false;
  std::size_t word_memo_bound_ = WordSegmenter::kMaxMemoForms;
};

}  // namespace mekong
