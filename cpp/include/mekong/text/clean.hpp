// Stage 2, clean: drops page furniture so that only the article is analysed.
//
// Scraped news pages carry images, captions, navigation and lists of other headlines around the
// article. What carries the weight is the shape of a line and repetition across the corpus, so that
// sites never seen before are cleaned too; section markers are a settable extra:
//   - markup: markdown images go, markdown links keep their text, HTML tags go and entities are
//     decoded, bare URLs and e-mail addresses go;
//   - captions: lines set between "|" bars (markdown table cells under a photo), "Ảnh: ..." lines;
//   - markers: a line that is only a section marker ("Tin bài liên quan", "Đọc nhiều", ...) ends
//     the article, once some article text has been seen;
//   - repeated lines: lines seen in several documents of the corpus (learned by RepeatedLines) are
//     dropped where they frame the article (its head and its tail), never from its middle; a
//     document made only of such lines, prose among them, is a copy of an article and is kept;
//   - headline lists: a trailing run of three or more short lines without sentence punctuation
//     (or lines that are only a link) is navigation.
// Input and output are valid UTF-8 (NFC); kept lines are joined by "\n".
//
// Bound: O(n) in the text's bytes. Lines are split once; each line's markup is stripped in one pass
// (brackets matched with a stack; a tag never contains "<", so no "<" is scanned twice; an entity is
// looked for in the next 11 bytes only), and each kept line is read a constant number of times
// more (letters, words, key). Learning repeated lines is one pass over the corpus plus a hash set.
// The cancel flag is polled every 64 KiB, inside long lines too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "mekong/util/interner.hpp"

namespace mekong {

struct CleanConfig {
  bool markup = true;
  bool captions = true;
  bool headline_lists = true;
  std::vector<std::string> end_markers = default_end_markers();
  const Interner* repeated_lines = nullptr;  // keys from RepeatedLines (line_key), or none

  static std::vector<std::string> default_end_markers();
};

struct CleanStats {
  std::size_t lines_in = 0;
  std::size_t lines_kept = 0;
};

class Cleaner {
 public:
  explicit Cleaner(CleanConfig config);
  // Appends the cleaned text to `out`.
  CleanStats clean(std::string_view text, std::string& out) const;
  const CleanConfig& config() const { return config_; }

 private:
  CleanConfig config_;
  Interner markers_;                // marker keys
  std::size_t marker_key_max_ = 0;  // the longest marker key's bytes: a line's key is read no further
};

// The markup step alone on one line: images removed, links to their text, tags removed, entities
// decoded, bare links removed. `link_share` receives the share of the line's letters that were
// link text (a line that is only a link is navigation-shaped). `nfc`: the line is already NFC
// (the Cleaner's and RepeatedLines' input is, as Normalizer::compose gives it), so the result is not
// composed again when nothing was removed, nor when every join left by removed markup is followed by
// ASCII; with `nfc` and a line that is not composed, the result is unspecified.
std::string strip_markup(std::string_view line, double* link_share = nullptr, bool nfc = false);

// The form under which a line is compared across documents: markup stripped, lower-cased, only
// letters and digits kept, separated by single spaces. Empty for lines too short to count.
std::string line_key(std::string_view line);

// Counts, over a corpus, in how many different documents each line occurs. Documents made of the
// same lines (the same keys in the same order: a reprint, a file given twice) count once: a line
// repeated only because a whole document is repeated is the article, not furniture, and learning it
// would empty every copy. Identity is a 128-bit hash of the document's keys.
class RepeatedLines {
 public:
  void add_document(std::string_view text);  // text in NFC
  void merge(const RepeatedLines& other);
  // Lines found in at least `min_documents` documents.
  Interner repeated(std::size_t min_documents) const;
  std::vector<std::string> repeated_list(std::size_t min_documents) const;

 private:
  struct Signature {
    std::uint64_t a = 0, b = 0;
    bool operator==(const Signature& o) const { return a == o.a && b == o.b; }
  };
  struct SignatureHash {
    std::size_t operator()(const Signature& s) const {
      return static_cast<std::size_t>(s.a ^ (s.b * 0x9E3779B97F4A7C15ull));
    }
  };
  // Counts a document's distinct keys (ids into keys_) unless an identical document was counted.
  void count_document(const Signature& sig, const std::uint32_t* ids, std::size_t n);

  Interner keys_;
  std::vector<std::size_t> documents_;
  // Per key id, the last document (1-based count of add_document calls) it was seen in: a line counts
  // once per document without a set built per document.
  std::vector<std::uint32_t> last_document_;
  std::uint32_t document_number_ = 0;
  std::vector<std::uint32_t> ids_;  // the document's distinct keys, reused between documents
  std::string key_;                 // a line's key, reused between lines
  std::unordered_set<Signature, SignatureHash> seen_;
  // The documents counted, so that merge() can skip the ones the other side has counted too.
  std::vector<Signature> doc_signature_;
  std::vector<std::size_t> doc_begin_{0};
  std::vector<std::uint32_t> doc_keys_;
};

}  // namespace mekong
