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

namespace mekong {

// The raw documents of a corpus: bytes, and whether each is UTF-8 already (a Python str) rather than
// in the analyzer's configured encoding.
struct RawDocuments {
  std::vector<std::string_view> bytes;
  std::vector<char> utf8;  // empty: all in the configured encoding
  // decode_error="strict": counting a document with an invalid sequence throws InputError (its
  // index and the sequence's byte offset) instead of counting a U+FFFD.
  bool strict = false;
};

// The documents of a corpus seen through an analyzer; records each document's DocStats.
class AnalyzedCorpus : public TermSource {
 public:
  AnalyzedCorpus(const RawDocuments& docs, const Analyzer& analyzer);
  std::size_t size() const override { return docs_.bytes.size(); }
  std::size_t weight(std::size_t doc) const override { return docs_.bytes[doc].size(); }
  std::unique_ptr<Reader> reader() const override;
  const std::vector<DocStats>& stats() const { return stats_; }
  // Alias spellings the readers saw (after they are gone).
  const AliasObservations& aliases() const { return aliases_; }
  // A flag the readers poll inside long documents too (word segmentation).
  void set_cancel(const std::atomic<bool>* cancel) { cancel_ = cancel; }

 private:
  class AnalyzerReader;
  mutable std::mutex aliases_lock_;
  mutable AliasObservations aliases_;
  const RawDocuments& docs_;
  const Analyzer& analyzer_;
  mutable std::vector<DocStats> stats_;  // each slot written by the one thread that reads that document
  const std::atomic<bool>* cancel_ = nullptr;
};

struct CorpusCounts {
  CountResult counts;
  std::vector<DocStats> stats;
  AliasObservations aliases;
};

CorpusCounts count_corpus(const RawDocuments& docs, const Analyzer& analyzer, const CountConfig& config,
                          const std::atomic<bool>* cancel = nullptr);

struct FixedCounts {
  Csr<std::int64_t> matrix;
  std::vector<DocStats> stats;
  AliasObservations aliases;
};

FixedCounts count_corpus_fixed(const RawDocuments& docs, const Analyzer& analyzer, const Interner& vocabulary,
                               bool binary, int n_jobs, const std::atomic<bool>* cancel = nullptr);

// Lines seen in at least `min_documents` documents (decoded and in NFC; the analyzer's own
// cleaning is not applied), for CleanConfig::repeated_lines.
std::vector<std::string> learn_repeated_lines(const RawDocuments& docs, const Analyzer& analyzer,
                                              std::size_t min_documents, int n_jobs);

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
