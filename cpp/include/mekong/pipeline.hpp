// Composes the stages for a corpus: the analyzer feeds the count stage, and each document's decode
// statistics are kept (nothing is dropped silently).
//
// Bound: every pass is O(total bytes) plus hash-table work per term: each document goes through the
// stages once per pass (see each stage's header for its own linear bound). The learning passes poll
// the cancel flag installed for the calling thread (CancelScope) between and inside documents.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string_view>
#include <vector>

#include "mekong/matrix/count.hpp"
#include "mekong/text/analyzer.hpp"
#include "mekong/text/code_units.hpp"

namespace mekong {

// The raw documents of a corpus: bytes, and whether each is UTF-8 already (a Python str) rather than
// in the analyzer's configured encoding.
struct RawDocuments {
  std::vector<std::string_view> bytes;
  std::vector<char> utf8;  // empty: all in the configured encoding
  // decode_error="strict": counting a document with an invalid sequence throws InputError (its
  // index and the sequence's byte offset) instead of counting a U+FFFD.
  bool strict = false;
  // Empty, or one entry a document: where units[i].data is set, document i is a str read from its
  // own storage (bytes[i] is then empty, utf8[i] set) and encoded to UTF-8 one document at a time
  // by the reader that analyses it, so no UTF-8 copy of the corpus is made. Only AnalyzedCorpus (the
  // count and hashing stages) reads these; every other pass takes bytes.
  std::vector<CodeUnits> units;
  bool from_units(std::size_t i) const { return !units.empty() && units[i].data != nullptr; }
  // bytes[i]'s size, or for a document read from units the UTF-8 size it will take (an estimate).
  std::size_t weight(std::size_t i) const { return from_units(i) ? utf8_weight(units[i]) : bytes[i].size(); }
};

// Preparations (analyzer.hpp PreparedDocument) a learning pass kept for the count that follows
// it (fit_text_models with TextModelsConfig::keep_prepared), so a fit_transform analyses each kept
// document once: slot i holds document i's preparation when kept[i]. The count reads a kept
// document's terms from it only when the counting analyzer prepares alike (same_preparation with
// `config`) and the document's byte length is the one prepared (raw_size); any other document is
// analysed from its bytes, with the same result.
struct PreparedCorpus {
  AnalyzerConfig config;  // the analyzer that prepared them
  std::vector<PreparedDocument> docs;
  std::vector<std::size_t> raw_size;
  std::vector<std::uint8_t> kept;
  // The preparation of document `doc` (`raw_size` bytes), or null.
  const PreparedDocument* find(std::size_t doc, std::size_t size) const {
    return doc < kept.size() && kept[doc] && raw_size[doc] == size ? &docs[doc] : nullptr;
  }
  std::size_t kept_count() const;
  std::size_t bytes() const;  // memory the kept preparations hold
};

// Documents counted from a kept preparation since the process started (relaxed; for the tests).
std::uint64_t prepared_documents_counted();

// The documents of a corpus seen through an analyzer; records each document's DocStats.
class AnalyzedCorpus : public TermSource {
 public:
  AnalyzedCorpus(const RawDocuments& docs, const Analyzer& analyzer);
  std::size_t size() const override { return docs_.bytes.size(); }
  std::size_t weight(std::size_t doc) const override { return docs_.weight(doc); }
  std::unique_ptr<Reader> reader() const override;
  const std::vector<DocStats>& stats() const { return stats_; }
  // Alias spellings the readers saw (after they are gone).
  const AliasObservations& aliases() const { return aliases_; }
  // A flag the readers poll inside long documents too (word segmentation).
  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }
  // Reads document i from prepared's slot offset + i where it is kept there (PreparedCorpus); it
  // is used only when the analyzer prepares alike. Null: every document analysed from its bytes.
  void set_prepared(const PreparedCorpus* prepared, std::size_t offset);

 private:
  class AnalyzerReader;
  mutable std::mutex aliases_lock_;
  mutable AliasObservations aliases_;
  const RawDocuments& docs_;
  const Analyzer& analyzer_;
  mutable std::vector<DocStats> stats_;  // each slot written by the one thread that reads that document
  const std::atomic<bool>* cancel_ = nullptr;
  const PreparedCorpus* prepared_ = nullptr;
  std::size_t prepared_offset_ = 0;
};

struct CorpusCounts {
  CountResult counts;
  std::vector<DocStats> stats;
  AliasObservations aliases;
};

// `prepared` (may be null): documents a learning pass already prepared, from slot `offset` on
// (AnalyzedCorpus::set_prepared); the counts are the same with or without it.
CorpusCounts count_corpus(const RawDocuments& docs, const Analyzer& analyzer, const CountConfig& config,
                          const std::atomic<bool>* cancel = nullptr, const PreparedCorpus* prepared = nullptr,
                          std::size_t offset = 0);

struct FixedCounts {
  Csr<std::int64_t> matrix;
  std::vector<DocStats> stats;
  AliasObservations aliases;
};

FixedCounts count_corpus_fixed(const RawDocuments& docs, const Analyzer& analyzer, const Interner& vocabulary,
                               bool binary, int n_jobs, const std::atomic<bool>* cancel = nullptr,
                               const PreparedCorpus* prepared = nullptr, std::size_t offset = 0);

// Lines seen in at least `min_documents` documents (decoded and in NFC; the analyzer's own
// cleaning is not applied), for CleanConfig::repeated_lines. `as_is` (may be null) receives per
// document 1 when decoding and composing it gave its bytes unchanged (valid UTF-8 in NFC, read as
// the analyzer's encoding says): a later pass with that encoding need not decode or compose it.
std::vector<std::string> learn_repeated_lines(const RawDocuments& docs, const Analyzer& analyzer,
                                              std::size_t min_documents, int n_jobs,
                                              std::vector<std::uint8_t>* as_is = nullptr);

// Name evidence over a corpus (see NameEvidence): what tells a name from a capital that only opens a
// sentence.
NameEvidence learn_name_evidence(const RawDocuments& docs, const Analyzer& analyzer, int n_jobs);

// A phrase model learned from the corpus as the analyzer segments it; `dictionary` (may be null)
// is kept and applied first.
PhraseModel learn_phrases(const RawDocuments& docs, const Analyzer& analyzer, const PhraseConfig& config,
                          const PhraseModel* dictionary, int n_jobs);

// Calls of the three learning passes above since the process started (relaxed; never reset): how the
// tests check that a transform learns nothing.
std::uint64_t learning_calls();
void count_learning_call();

}  // namespace mekong
