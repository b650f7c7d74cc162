// Stage 6, count: a vocabulary and a CSR term-frequency matrix (documents x terms).
//
// The count stage reads terms from a TermSource and knows nothing of text. Vocabulary order is
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
#include "mekong/text/terms.hpp"
#include "mekong/util/interner.hpp"

namespace mekong {

// The count stage's vocabulary lookup as a reader sees it: term -> column id, or Interner::npos to
// leave the term out.
struct TermResolver {
  std::uint32_t (*fn)(void* context, std::string_view term);
  void* context;
  std::uint32_t operator()(std::string_view term) const { return fn(context, term); }
};

// Where the terms of each document come from. A Reader is used by one thread at a time.
class TermSource {
 public:
  virtual ~TermSource() = default;
  virtual std::size_t size() const = 0;                   // number of documents
  virtual std::size_t weight(std::size_t doc) const = 0;  // work estimate (bytes), for balancing
  class Reader {
   public:
    virtual ~Reader() = default;
    virtual void terms(std::size_t doc, TermBuffer& out) = 0;
    // The ids `resolve` gives the document's terms, in order, npos left out. A reader may remember
    // ids (by raw token), so one reader must always be given resolvers that agree.
    virtual void term_ids(std::size_t doc, const TermResolver& resolve, std::vector<std::uint32_t>& ids) {
      terms(doc, buffer_);
      ids.clear();
      for (std::size_t t = 0; t < buffer_.size(); ++t) {
        const std::uint32_t id = resolve(buffer_[t]);
        if (id != Interner::npos) ids.push_back(id);
      }
    }

   private:
    TermBuffer buffer_;
  };
  virtual std::unique_ptr<Reader> reader() const = 0;
};

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
