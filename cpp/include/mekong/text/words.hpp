// Stage "words": Vietnamese words from syllables. Runs after segmentation on stretches of Latin-script
// syllables that only white space or a single hyphen separate ("hợp tác", "Xay-nhạ-phon"); anything
// else (punctuation, a line break, another script) ends a stretch and a word, with two exceptions
// (glued()): a number written with marks and an abbreviation with a dot inside. Two tokens of ASCII
// digits only, with exactly one of . , / - : and nothing else between them ("10.000", "1.234",
// "5/10/2025", "23-3", "7:30"), are one word: the second continues the first and the stretch goes
// on. So "1.234" is one word while "1. 234", "1..234" and "a.234" are two. Likewise one dot between
// 1-4 capitals without tone marks (or a capital and a lower-case letter: "Tp") and 1-4 such
// capitals ("TP.HCM", "Tp.HCM", "T.Ư", "U.S.A"; VTB writes "TP.HCM" as one word), while
// "Hà Nội.Ông", "Nam.UBND" and "TP. HCM" are two; and an ampersand between such capitals only
// ("NN&PTNT", "AT&T").
//
// The model tags each syllable B (begins a word) or I (continues the previous one). Its score for B
// at syllable i is a sum of weights of features of the window i-2..i+1: syllable unigrams, bigrams
// and trigrams (in a canonical form: lower case, traditional tone placement, so case, NFD and tone
// spelling never change a word), the shape of the syllables (lower, capitalised, all capitals, number,
// code) with the gap before i, lexicon features (whether the two, three or four syllables around i
// form a lexicon word) and where greedy longest matching over the lexicon, from the left and from the
// right, begins words. A model may leave templates out (TrainConfig::disabled, kept in the file):
// decoding then skips their lookups, so a model with fewer hashed templates is a faster one. The
// shipped model keeps the unigrams, the two bigrams with s[i] and the 2- and 3-syllable lexicon words
// of the hashed templates (scripts/train_words.py says which and why). Tags are decoded with Viterbi
// over first-order transitions, in time and memory linear in the stretch. Weights are learned by an
// averaged structured perceptron (train()); features seen at fewer than TrainConfig::min_count
// training positions are left out.
//
// Hard constraints: the first syllable of a stretch begins a word; a token glued to the previous one
// (above) continues its word, and a glued abbreviation is a word of its own (no neighbour joins it,
// nor does a user dictionary match cut it); otherwise a syllable that is a number, holds
// digits or symbols, is not in Latin script, is a link, or is a lower-case syllable the model has never
// seen stands alone (unknown tokens never join by accident); a user dictionary word is forced by
// longest match.
//
// Features are looked up by 64-bit keys made from precomputed syllable hashes (FNV-1a of the canonical
// form, then a splitmix64 chain), so decoding does no allocation per syllable. The model file is
// binary, little-endian: magic "MKWORDS\0", u32 version (2), u32 mask of the templates the model
// leaves out, 4 f32 transition weights, u64 n + n (u64 key, f32 weight) feature weights, u64 n + n
// (u64 key, f32 kBm1 weight, f32 kBp1 weight) pairs (the key is the pair's lexicon key, its bit 0 set
// when the pair is a lexicon word), then three u64-counted sets of u64 keys (lexicon words of three and
// four syllables, the lexicon's syllables, the training syllables), and a u64 FNV-1a checksum of
// everything before it.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "mekong/text/normalize.hpp"
#include "mekong/text/segment.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/interner.hpp"

namespace mekong {
namespace words {

inline std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;
  }
  return h;
}

// fnv1a() as the model file's checksum computes it (faster on long inputs; the same result).
std::uint64_t fnv1a_checksum(std::string_view s);

inline std::uint64_t mix(std::uint64_t x) {  // splitmix64's finalizer
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ull;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebull;
  x ^= x >> 31;
  return x;
}

// The key of template `t` over values xs: a chain of mixes (the Python reference does the same).
inline std::uint64_t key(std::uint64_t t, std::uint64_t a) { return mix(mix(t ^ 0x9E3779B97F4A7C15ull) ^ a); }
inline std::uint64_t key(std::uint64_t t, std::uint64_t a, std::uint64_t b) { return mix(key(t, a) ^ b); }
inline std::uint64_t key(std::uint64_t t, std::uint64_t a, std::uint64_t b, std::uint64_t c) {
  return mix(key(t, a, b) ^ c);
}
inline std::uint64_t key(std::uint64_t t, std::uint64_t a, std::uint64_t b, std::uint64_t c, std::uint64_t d) {
  return mix(key(t, a, b, c) ^ d);
}

// Syllable shapes. Values are part of the model format.
enum Shape : std::uint8_t {
  kBoundary = 0,  // before the first / after the last syllable of a stretch
  kLower = 1,
  kTitle = 2,    // "Hà", "X"
  kUpper = 3,    // "UBND", "HĐND"
  kNumber = 4,   // digits only
  kCode = 5,     // letters with digits or "_", mixed case ("iPhone", "A320", "COVID-19"'s parts)
  kForeign = 6,  // letters outside Latin script
  kUnknown = 7,  // a lower-case syllable the model never saw
  kShapes = 8,
};

// Feature templates. Values are part of the model format.
enum Template : std::uint64_t {
  kBias = 1,
  kU0 = 2,         // s[i]
  kUm1 = 3,        // s[i-1]
  kUp1 = 4,        // s[i+1]
  kBm1 = 5,        // s[i-1] s[i]
  kBp1 = 6,        // s[i] s[i+1]
  kBm2 = 7,        // s[i-2] s[i-1]
  kT0 = 8,         // s[i-1] s[i] s[i+1]
  kTm1 = 9,        // s[i-2] s[i-1] s[i]
  kShape = 10,     // shape[i-1], shape[i], shape[i+1], gap before i
  kLexMask = 11,   // all lexicon flags together
  kLexShape = 12,  // lexicon flags 0 and 1 with shape[i-1], shape[i]
  kShapeU = 13,    // shape[i-1], s[i]
  kUShape = 14,    // s[i-1], shape[i]
  kSkip = 15,      // s[i-1], s[i+1]
  kMatch = 16,     // longest-match boundaries at i (forward | backward << 1), shape[i-1], shape[i]
  kCapRun = 17,    // capitalised syllables just before i (0..3), shape[i], shape[i+1]
  kLexFlag = 20,   // + flag index: one lexicon flag
  kLexicon = 100,  // + n: a lexicon word of n syllables
  kKnown = 99,     // a known syllable
};

// Lexicon flags at syllable i (bit k): whether syllables [start, start + len) form a lexicon word.
struct LexFlag {
  int start;  // relative to i
  int len;
};
inline constexpr LexFlag kLexFlags[] = {{-1, 2}, {0, 2},  {-2, 2}, {-2, 3}, {-1, 3},
                                        {0, 3},  {-3, 4}, {-2, 4}, {-1, 4}, {0, 4}};
inline constexpr int kLexFlagCount = 10;
inline constexpr int kMaxLexicon = 4;

// Which templates a model leaves out (WordModel::TrainConfig::disabled, stored in the file): bit t for
// template t (kU0 .. kCapRun), kNoLexFlags for the kLexFlag group, kNoLex4 for lexicon words of four
// syllables (their lookups are skipped: the flags at offsets 6..9 never fire). A left-out template has
// no weight in the model; decoding skips its lookups, which is where a smaller model is faster.
inline constexpr std::uint32_t template_bit(std::uint64_t t) { return std::uint32_t{1} << t; }
inline constexpr std::uint32_t kNoLexFlags = std::uint32_t{1} << 20;
inline constexpr std::uint32_t kNoLex4 = std::uint32_t{1} << 21;

// The longest-match boundaries of a stretch from its lexicon starts (lexstart[k] bit len-2: syllables
// [k, k+len) form a lexicon word): bit 0 of out[i] is set when greedy longest match from the left
// begins a word at i, bit 1 when greedy longest match from the right does. Linear in n.
void longest_match(const std::uint8_t* lexstart, std::size_t n, std::uint8_t* out);

// The templates whose key starts with a syllable's hash: key(t, h, ...) = mix(key(t, h) ^ ...), so
// key(t, h) is computed once per distinct syllable (Syllable::pre) and each n-gram key at a position
// costs one mix fewer.
enum Prefix : int {
  kPreBm1,
  kPreBp1,
  kPreBm2,
  kPreT0,
  kPreTm1,
  kPreUShape,
  kPreSkip,
  kPreLex2,
  kPreLex3,
  kPreLex4,
  kPrefixes
};
inline constexpr std::uint64_t kPrefixTemplate[kPrefixes] = {kBm1,    kBp1,  kBm2,         kT0,          kTm1,
                                                             kUShape, kSkip, kLexicon + 2, kLexicon + 3, kLexicon + 4};

// What the model knows of one syllable.
struct Syllable {
  std::uint64_t hash = 0;  // fnv1a of the canonical form
  std::uint8_t shape = kBoundary;
  bool joinable = false;              // may be part of a word with its neighbours
  float u0 = 0, um1 = 0, up1 = 0;     // weights of its unigram features (as s[i], s[i-1], s[i+1])
  std::uint64_t pre[kPrefixes] = {};  // key(kPrefixTemplate[p], hash)
};

// A one-hash bit filter over 64-bit keys, 16 bits a key (about 6% false positives), read before a
// hash table: most lookups are of keys that are absent, and the filter (tens of KB) answers them from
// cache where the table (about a MB) would miss. Exact: a positive only sends the lookup on.
class KeyFilter {
 public:
  void build(const std::vector<std::uint64_t>& keys);
  bool maybe(std::uint64_t k) const {
    const std::uint64_t b = (k >> 32) & mask_;  // the table indexes with the low bits: use others
    return bits_.empty() || ((bits_[b >> 6] >> (b & 63)) & 1);
  }
  // Fetches the filter's word for k without reading it (a prefetch of the table slot must read it).
  void prefetch(std::uint64_t k) const {
    if (!bits_.empty()) __builtin_prefetch(&bits_[((k >> 32) & mask_) >> 6]);
  }

 private:
  std::vector<std::uint64_t> bits_;
  std::uint64_t mask_ = 0;
};

// A set of 64-bit keys (0 is never a key): open addressing, one flat array, no node per key.
class KeySet {
 public:
  void insert(std::uint64_t k);
  void prefetch(std::uint64_t k) const {
    if (!slots_.empty() && filter_.maybe(k)) __builtin_prefetch(&slots_[k & mask_]);
  }
  void prefetch_filter(std::uint64_t k) const { filter_.prefetch(k); }
  // Builds the filter; call once the set is complete (insert() after it drops the filter).
  void seal();
  bool count(std::uint64_t k) const {
    if (slots_.empty() || k == 0 || !filter_.maybe(k)) return false;
    for (std::size_t i = k & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == k) return true;
      if (slots_[i] == 0) return false;
    }
  }
  std::size_t size() const { return n_; }
  std::vector<std::uint64_t> keys() const;  // sorted
  void reserve(std::size_t n);

 private:
  std::vector<std::uint64_t> slots_;
  std::size_t mask_ = 0, n_ = 0;
  KeyFilter filter_;
};

inline constexpr std::uint64_t kBoundaryHash = 0x5b5d5b5d5b5d5b5dull;  // no canonical syllable hashes to it

}  // namespace words

class WordModel {
 public:
  static constexpr char kMagic[8] = {'M', 'K', 'W', 'O', 'R', 'D', 'S', '\0'};
  static constexpr std::uint32_t kVersion = 2;  // 2: left-out templates, the pair table

  // Reads a model file. Throws std::invalid_argument naming `path` when the file cannot be read, is
  // not a model file, has another version, or is corrupt. Models are cached by path: each file is
  // loaded once per process and shared read-only by every analyzer and thread.
  static std::shared_ptr<const WordModel> load(const std::string& path);
  static std::shared_ptr<const WordModel> from_bytes(std::string_view bytes, const std::string& name);
  std::string to_bytes() const;

  struct TrainConfig {
    std::size_t epochs = 8;
    double min_weight = 0.0;  // averaged weights of smaller magnitude are dropped from the model
    // Takes the lexicon (hashed n-grams and syllables) of this model instead of `lexicon`: how a
    // model is retrained on other sentences without the package that provided the word list.
    std::shared_ptr<const WordModel> lexicon_from;
    std::uint32_t disabled = 0;  // templates left out (words::template_bit, kNoLexFlags, kNoLex4)
    std::size_t min_count = 1;   // features seen at fewer training positions are left out
    // Seeds the fixed shuffle of the examples in each epoch. The default is the shipped model's;
    // other seeds give other models of the same data, which is how the spread between runs (the
    // noise a tuning step must beat) is measured.
    std::uint64_t seed = 0x2545F4914F6CDD1Dull;
  };
  // Learns from gold sentences, each given as its words (a word's syllables separated by spaces,
  // as CoNLL-U writes them), and a lexicon of words (lexicon entries of two to four syllables give
  // lexicon features; every syllable becomes known). `progress(epoch, accuracy)` is optional.
  static std::shared_ptr<WordModel> train(const std::vector<std::vector<std::string>>& sentences,
                                          const std::vector<std::string>& lexicon, const TrainConfig& config);

  // Weight of a feature key (0 when absent).
  float weight(std::uint64_t key) const;
  // Hints that weight(key) / in_lexicon(key) comes next: the slot is fetched meanwhile.
  void prefetch(std::uint64_t key) const {
    if (!slots_.empty() && filter_.maybe(key)) __builtin_prefetch(&slots_[key & mask_]);
  }
  void prefetch_lexicon(std::uint64_t key) const { lexicon_.prefetch(key); }
  // Whether a lexicon key (key(kLexicon + n, ...)) is a lexicon word: words of two syllables are
  // flags of the pair table, longer ones a set of their own (in_long_lexicon).
  bool in_lexicon(std::uint64_t key) const {
    const Pair* p = pair(key);
    return lexicon_.count(key) != 0 || (p && (p->key & 1));
  }
  bool in_long_lexicon(std::uint64_t key) const { return lexicon_.count(key) != 0; }

  // A pair of adjacent syllables s[j] s[j+1], keyed by its lexicon key key(kLexicon + 2, h[j], h[j+1]):
  // whether it is a lexicon word, and the weights of the two bigram templates over it, kBm1 at j+1 and
  // kBp1 at j. One probe answers the three lookups positions make of the same pair.
  struct Pair {
    std::uint64_t key = 0;  // bit 0 set: a lexicon word (keys compare on bits 1..63); 0: an empty slot
    float bm1 = 0, bp1 = 0;
  };
  const Pair* pair(std::uint64_t k) const {
    if (pairs_.empty() || !pair_filter_.maybe(k)) return nullptr;
    for (std::size_t i = (k >> 1) & pair_mask_;; i = (i + 1) & pair_mask_) {
      const Pair& p = pairs_[i];
      if ((p.key | 1) == (k | 1)) return &p;
      if (p.key == 0) return nullptr;
    }
  }
  void prefetch_pair(std::uint64_t k) const {
    if (!pairs_.empty() && pair_filter_.maybe(k)) __builtin_prefetch(&pairs_[(k >> 1) & pair_mask_]);
  }
  // The pair's slot whatever the filter says: most adjacent pairs of real text are in the table, and
  // this needs no filter read first (one line a position, fetched while the stretch's keys are made).
  void prefetch_pair_slot(std::uint64_t k) const {
    if (!pairs_.empty()) __builtin_prefetch(&pairs_[(k >> 1) & pair_mask_]);
  }
  // The filters' words only: the first step of a two-step prefetch (then prefetch_pair / _lexicon).
  void prefetch_pair_filter(std::uint64_t k) const { pair_filter_.prefetch(k); }
  void prefetch_lexicon_filter(std::uint64_t k) const { lexicon_.prefetch_filter(k); }
  std::size_t pair_count() const { return n_pairs_; }
  bool known(std::uint64_t syllable_hash) const {
    const std::uint64_t k = words::key(words::kKnown, syllable_hash);
    return known_.count(k) != 0 || lexicon_known_.count(k) != 0;
  }
  float transition(int from, int to) const { return trans_[from][to]; }
  // weight() inline, for the segmenter's loop (weight() stays the reference).
  float weight_inline(std::uint64_t k) const {
    if (slots_.empty() || k == 0 || !filter_.maybe(k)) return 0.0f;  // most: the filter answers, from cache
    for (std::size_t i = k & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.key == k) return s.weight;
      if (s.key == 0) return 0.0f;
    }
  }

  std::size_t feature_count() const { return n_features_; }
  std::uint32_t disabled() const { return disabled_; }
  bool uses(std::uint64_t t) const { return !(disabled_ & words::template_bit(t)); }
  std::size_t lexicon_size() const;  // words of two to four syllables

  // The canonical form of a syllable, whose fnv1a is its hash (lower case, traditional tones).
  const Normalizer& canonical() const { return canonical_; }

  // Precomputed tables for the templates over small values (derived from the weights on load).
  float shape_weight(int a, int b, int c, int gap) const { return shape_w_[((a * 8 + b) * 8 + c) * 2 + gap]; }
  float lex_mask_weight(unsigned mask) const { return lex_mask_w_[mask]; }
  float lex_shape_weight(unsigned flags01, int a, int b) const { return lex_shape_w_[(flags01 * 8 + a) * 8 + b]; }
  float lex_flag_weight(int k) const { return lex_flag_w_[k]; }
  float match_weight(unsigned v, int a, int b) const { return match_w_[(v * 8 + a) * 8 + b]; }
  float cap_run_weight(unsigned r, int b, int c) const { return cap_run_w_[(r * 8 + b) * 8 + c]; }
  float bias() const { return bias_; }

 private:
  WordModel();
  void set_weights(std::vector<std::pair<std::uint64_t, float>> weights);
  void set_pairs(const std::vector<Pair>& pairs);  // keys with their lexicon bit
  void derive_tables();

  Normalizer canonical_;
  float trans_[2][2] = {{0, 0}, {0, 0}};
  struct Slot {
    std::uint64_t key = 0;  // 0: empty
    float weight = 0;
  };
  std::vector<Slot> slots_;  // open addressing, one cache line per probe
  std::size_t mask_ = 0, n_features_ = 0;
  words::KeyFilter filter_;  // of the keys in slots_
  std::vector<Pair> pairs_;  // open addressing by key bits 1..; one line a probe
  std::size_t pair_mask_ = 0, n_pairs_ = 0, n_pair_words_ = 0;
  words::KeyFilter pair_filter_;
  words::KeySet lexicon_;        // lexicon n-gram keys of three and four syllables
  words::KeySet lexicon_known_;  // keys of the lexicon's syllables
  words::KeySet known_;          // keys of the training sentences' syllables
  float boundary_up1_ = 0;       // weight of kUp1 past the end of a stretch
  std::vector<float> shape_w_, lex_mask_w_, lex_shape_w_, match_w_, cap_run_w_;
  std::uint32_t disabled_ = 0;
  float lex_flag_w_[words::kLexFlagCount] = {};
  float bias_ = 0;

  friend class WordSegmenter;
};

// Per-thread state for word segmentation: syllable memo and Viterbi buffers.
class WordSegmenter {
 public:
  // `dictionary`: user words (each a list of syllables) forced as words by longest match.
  // The syllable memo (what the model knows of each distinct form, filled as forms are first seen)
  // outlives the segmenter: it is handed back to a small process-wide pool when the segmenter ends and
  // taken by the next segmenter of the same model, so repeated calls (one analyzer worker each) do not
  // look every syllable up again. The memo depends on the model only, never on the dictionary; the
  // pool is bounded (kPooledMemos memos of at most kPooledForms forms; larger ones are dropped).
  // `memo_bound`: the memo starts afresh (bound_memo) once it holds this many forms; the default
  // is kMaxMemoForms, a smaller bound is for tests of the fresh starts.
  static constexpr std::size_t kMaxMemoForms = std::size_t{1} << 20;
  explicit WordSegmenter(std::shared_ptr<const WordModel> model,
                         const std::vector<std::vector<std::string>>* dictionary = nullptr,
                         std::size_t memo_bound = kMaxMemoForms);
  ~WordSegmenter();
  WordSegmenter(const WordSegmenter&) = delete;
  WordSegmenter& operator=(const WordSegmenter&) = delete;
  static constexpr std::size_t kPooledMemos = 4;
  static constexpr std::size_t kPooledForms = std::size_t{1} << 15;
  // Distinct forms in this segmenter's memo (for tests of the pool).
  std::size_t memo_size() const { return memo_.size(); }

  // For each token of `text` (NFC, tokens as the Segmenter writes them), whether it begins a word
  // (1) or continues the previous token's word (0). Polls `cancel` on long texts.
  void segment(std::string_view text, const std::vector<Token>& tokens, std::vector<std::uint8_t>& begins,
               const std::atomic<bool>* cancel = nullptr);
  // The same, and each token's syllable id (its index in the memo: equal ids, equal raw tokens) in
  // `ids`, so that a caller can remember what it derives from a token by id instead of hashing its
  // text again. Ids are valid while memo_generation() is unchanged; when it changed during the call
  // (the memo started afresh), the earlier ids of the call are stale and `ids` is left empty.
  void segment(std::string_view text, const std::vector<Token>& tokens, std::vector<std::uint8_t>& begins,
               const std::atomic<bool>* cancel, std::vector<std::uint32_t>& ids);
  // Bumped each time the memo starts afresh (bound_memo), after which ids are given anew.
  std::uint64_t memo_generation() const { return memo_generation_; }

  // Whether the gap text between two tokens keeps them in one stretch (white space only, or one
  // hyphen with no space).
  static int gap_kind(std::string_view gap);  // 0 space, 1 hyphen, -1 breaks
  // Whether two tokens are one word whatever the model says: ASCII digits with exactly one of
  // . , / - : between them, one number ("10.000", "5/10/2000", "23-3": number_glue, the rule training
  // uses too); or an abbreviation with one dot inside ("TP.HCM", "T.Ư"; the header's first paragraph
  // says which), a rule of decoding only.
  static bool number_glue(std::string_view left, std::string_view gap, std::string_view right);
  static bool abbreviation_glue(std::string_view left, std::string_view gap, std::string_view right);
  static bool glued(std::string_view left, std::string_view gap, std::string_view right);

  // The emission score of B at position i of a stretch on the reference path (reads sy_).
  float score(std::size_t i) const;

  // Decodes the current stretch (n syllables with their gaps); `begins` receives one flag each. Two
  // paths give the same words: the fast one (decode_fast: the syllable memo read in place, every key
  // of the stretch computed before its lookups, per-syllable tables for the shape templates) when
  // segment() recorded the stretch's memo ids, else the reference (prepare_stretch + score on sy_).
  void decode(std::size_t n, std::uint8_t* begins);

  // Decodes with the kept reference path (score() over copies of the syllables, one table lookup per
  // feature) instead of the fast one: for tests and benchmarks, which check both give the same words.
  void set_reference(bool on) { reference_ = on; }

  const WordModel& model() const { return *model_; }
  // Whether the tokens (NFC syllables, two to four) form a word of the model's lexicon.
  bool in_lexicon(const std::vector<std::string_view>& syllables);
  // Whether the model has seen the syllable (NFC, any case) in training or in its lexicon.
  bool known_syllable(std::string_view token) { return model_->known(syllable(token, false).hash); }
  words::Syllable syllable(std::string_view token, bool link);

 private:
  friend class WordModel;
  void prepare_stretch(std::size_t n);                    // lexicon flags and constraints of sy_[0..n)
  void decode_fast(std::size_t n, std::uint8_t* begins);  // lexicon, scores and Viterbi in one pass
  void own_word_abbreviations(std::size_t n);             // allowed_: a glued abbreviation joins no neighbour
  void constrain(std::size_t n);                          // allowed_ from brief_, glue_, gap_ and the user dictionary
  std::uint32_t syllable_id(std::string_view token);      // index into memo_, computed once per form
  void bound_memo();                                      // starts afresh past a fixed number of forms
  void take_memo();                                       // from the pool, when it holds one of model_'s
  void give_memo();                                       // to the pool, when small enough


  // The raw-token memo is read once per syllable: a syllable's UTF-8 is at most 8 bytes nearly always,
  // so exact codes (one integer compare, no read of the arena) make the lookup cheaper than tagged keys.
  using SyllableMemoKeys = BasicInterner<CodedKeys>;

  std::shared_ptr<const WordModel> model_;
  std::unordered_set<std::uint64_t> dictionary_;  // keys of user words
  std::size_t dictionary_max_ = 0;
  SyllableMemoKeys memo_raw_;  // raw token -> index into memo_ (exact codes: a syllable fits 8 bytes)
  std::vector<words::Syllable> memo_;
  std::uint64_t memo_generation_ = 0;
  std::size_t memo_bound_ = kMaxMemoForms;
  std::vector<std::uint32_t>* ids_out_ = nullptr;  // segment()'s per-token ids, when asked for
  std::string scratch_;
  // The current stretch.
  std::vector<words::Syllable> sy_;
  std::vector<std::uint8_t> gap_;      // gap before each syllable: 0 space, 1 hyphen
  std::vector<std::uint8_t> glue_;     // glued to the previous token: 1 a number ("10.000", "5/10"), 2 "TP.HCM"
  std::vector<std::uint16_t> lex_;     // lexicon flag mask at each syllable
  std::vector<std::uint8_t> allowed_;  // bit 0: may be B, bit 1: may be I
  std::vector<std::uint8_t> back_;
  std::vector<std::uint8_t> lexstart_;  // bit n-2: syllables [k, k+n) form a lexicon word
  std::vector<std::uint8_t> lexpad_;    // lexstart_ after three zero bytes
  std::vector<std::uint8_t> match_;     // longest_match() of the stretch
  std::vector<std::uint8_t> caprun_;    // kCapRun's count at each syllable
  bool reference_ = false;
  // The fast path reads the memo in place: ids_ index memo_, joinable_ is after links; sy_ stays empty.
  std::vector<std::uint32_t> ids_;
  std::vector<std::uint8_t> joinable_;
  struct Brief {  // what constrain() reads of a syllable
    std::uint64_t hash;
    std::uint8_t shape;
    bool joinable;
  };
  std::vector<Brief> brief_;
  static constexpr int kKeysAt = 9;  // keys a position looks up: 3 lexicon, 6 weights
  // Per memo id: the weights of the templates of one syllable and one shape, for every shape:
  // shape_u[a] = weight(key(kShapeU, a, hash)), u_shape[b] = weight(key(kUShape, hash, b)).
  struct ShapeWeights {
    float shape_u[words::kShapes];
    float u_shape[words::kShapes];
  };
  std::vector<ShapeWeights> memo_shapes_;
  bool pooled_ = true;  // false while the model is still being trained (its weights change)
  struct PooledMemo {
    std::weak_ptr<const WordModel> model;
    SyllableMemoKeys raw;
    std::vector<words::Syllable> syllables;
    std::vector<ShapeWeights> shapes;
  };
  static std::mutex& pool_mutex();
  static std::vector<PooledMemo>& pool();
  std::vector<std::uint64_t> keys_;  // kKeysAt per position of the stretch
  std::vector<float> pw_;            // the pair table's kBm1 and kBp1 weights at each position
};

// The features of position i of a stretch (keys of the hashed templates and the small-value templates
// expanded to keys), for training and for tests. `lexstart[k]` bit (n-2) says [k, k+n) is a lexicon word;
// `match` is longest_match() of the stretch; templates in `disabled` are left out.
void word_features(const words::Syllable* sy, const std::uint8_t* gap, const std::uint8_t* lexstart,
                   const std::uint8_t* match, std::size_t n, std::size_t i, std::vector<std::uint64_t>& out,
                   std::uint32_t disabled = 0);


namespace words {

// word_tokenize's tokens of `text` (NFC) from its syllable tokens and their word flags, in order: each
// word as written, its syllables separated by one space, or by the hyphen (or number mark) written
// between them; each punctuation mark between words its own token, a run of one mark ("...", "--")
// one token; white space dropped. `emit(std::string_view)` receives each token, a view of `text` when
// the word is written that way already (almost always) or of `scratch` (valid until the next emit),
// so no string is made per word.
template <class Emit>
void for_each_written_word(std::string_view text, const std::vector<Token>& tokens,
                           const std::vector<std::uint8_t>& begins, std::string& scratch, Emit&& emit) {
  auto punctuation = [&](std::size_t from, std::size_t to) {
    const std::string_view gap = text.substr(from, to - from);
    for (std::size_t i = 0; i < gap.size();) {
      const std::size_t b = i;
      const char32_t c = utf8::next(gap.data(), i);
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x3000 || c == 0x2028 || c == 0xFEFF ||
          (c >= 0x2000 && c <= 0x200B))
        continue;
      std::size_t e = i;
      while (e < gap.size()) {
        std::size_t j = e;
        if (utf8::next(gap.data(), j) != c) break;
        e = j;
      }
      emit(gap.substr(b, e - b));
      i = e;
    }
  };
  std::size_t prev = 0;
  for (std::size_t b = 0; b < tokens.size();) {
    std::size_t e = b + 1;
    while (e < tokens.size() && !begins[e]) ++e;
    punctuation(prev, tokens[b].begin);
    // A gap of white space other than one space ("  ", a tab) becomes one space: only then is the
    // word rebuilt.
    bool as_written = true;
    for (std::size_t k = b + 1; k < e && as_written; ++k) {
      const std::size_t g = tokens[k - 1].begin + tokens[k - 1].length;
      const std::string_view gap = text.substr(g, tokens[k].begin - g);
      as_written = gap == " " || WordSegmenter::gap_kind(gap) != 0;
    }
    const std::size_t end = tokens[e - 1].begin + tokens[e - 1].length;
    if (as_written) {
      emit(text.substr(tokens[b].begin, end - tokens[b].begin));
    } else {
      scratch.assign(text.substr(tokens[b].begin, tokens[b].length));
      for (std::size_t k = b + 1; k < e; ++k) {
        const std::size_t g = tokens[k - 1].begin + tokens[k - 1].length;
        const std::string_view gap = text.substr(g, tokens[k].begin - g);
        scratch.append(WordSegmenter::gap_kind(gap) == 0 ? std::string_view(" ") : gap);
        scratch.append(text.substr(tokens[k].begin, tokens[k].length));
      }
      emit(std::string_view(scratch));
    }
    prev = end;
    b = e;
  }
  punctuation(prev, text.size());
}

}  // namespace words

}  // namespace mekong
