// Stage 6, count: a vocabulary and a CSR term-frequency matrix (documents x terms).
//
// The count stage reads terms from a TermSource (terms/term_source.hpp) and knows nothing of text. Vocabulary order is
// scikit-learn's: terms sorted by code point (UTF-8 byte order is the same order). Results are
// bit-identical for any number of threads.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mekong/matrix/csr.hpp"
#include "mekong/terms/term_source.hpp"  // TermSource, TermResolver: shared with the analyzers
#include "mekong/util/interner.hpp"

namespace mekong {

struct CountConfig {
  // scikit-learn's min_df / max_df: a document count when *_is_count, else a proportion of documents.
  double min_df = 1;
  bool min_df_is_count = true;
  double max_df = 1.0;
  bool max_df_is_count = false;
  std::int64_t max_features = -1;  // keep the most frequent terms (ties: the earlier term); -1 = all
  bool binary = false;             // 1 for every term present
  int n_jobs = 1;
};

struct CountResult {
  Csr<std::int64_t> matrix;
  std::vector<std::string> vocabulary;  // column j's term
};

// Learns the vocabulary and counts (fit_transform). Throws std::invalid_argument when no term is
// left ("empty vocabulary ...", "After pruning, no terms remain ...") or the configuration is impossible.
CountResult count_and_learn(const TermSource& source, const CountConfig& config,
                            const std::atomic<bool>* cancel = nullptr);

// Counts against a fixed vocabulary: column j is vocabulary.str(j); unknown terms are skipped.
Csr<std::int64_t> count_fixed(const TermSource& source, const Interner& vocabulary, bool binary, int n_jobs,
                              const std::atomic<bool>* cancel = nullptr);

}  // namespace mekong
