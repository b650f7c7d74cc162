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
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
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
  Interner markers_;  // marker keys
};

// The markup step alone on one line: images removed, links to their text, tags removed, entities
// decoded, bare links removed. `link_share` receives the share of the line's letters that were
// link text (a line that is only a link is navigation-shaped).
std::string strip_markup(std::string_view line, double* link_share = nullptr);

// The form under which a line is compared across documents: markup stripped, lower-cased, only
// letters and digits kept, separated by single spaces. Empty for lines too short to count.
std::string line_key(std::string_view line);

// Counts, over a corpus, in how many documents each line occurs.
class RepeatedLines {
 public:
  void add_document(std::string_view text);
  void merge(const RepeatedLines& other);
  // Lines found in at least `min_documents` documents.
  Interner repeated(std::size_t min_documents) const;
  std::vector<std::string> repeated_list(std::size_t min_documents) const;

 private:
  Interner keys_;
  std::vector<std::size_t> documents_;
};

}  // namespace mekong
