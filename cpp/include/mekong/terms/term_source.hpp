// The contract between the stages that produce terms (text/: the analyzers) and the stages that
// consume them (matrix/: count, hashing): a corpus as a TermSource of per-document term readers, and
// the count stage's vocabulary lookup as a TermResolver. Neither side owns it, so text/ and matrix/
// include this header and never each other.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "mekong/terms/term_buffer.hpp"
#include "mekong/util/interner.hpp"

namespace mekong {

// The count stage's vocabulary lookup as a reader sees it: term -> column id, or Interner::npos to
// leave the term out.
struct TermResolver {
  std::uint32_t (*fn)(void* context, std::string_view term);
  void* context;
  // Optional: the ids of all of `terms` appended to `ids` (npos left out), as calling fn on each in
  // order would; lets the count stage look a document's terms up with its table slots prefetched.
  void (*fn_all)(void* context, const TermBuffer& terms, std::vector<std::uint32_t>& ids) = nullptr;
  std::uint32_t operator()(std::string_view term) const { return fn(context, term); }
  void all(const TermBuffer& terms, std::vector<std::uint32_t>& ids) const {
    if (fn_all) {
      fn_all(context, terms, ids);
      return;
    }
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const std::uint32_t id = fn(context, terms[t]);
      if (id != Interner::npos) ids.push_back(id);
    }
  }
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
      resolve.all(buffer_, ids);
    }

   private:
    TermBuffer buffer_;
  };
  virtual std::unique_ptr<Reader> reader() const = 0;
};

}  // namespace mekong
