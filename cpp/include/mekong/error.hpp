// Errors the core throws. The binding maps std::invalid_argument to ValueError,
// std::out_of_range to IndexError and std::bad_alloc to MemoryError (MemoryBudgetError, refused
// before the allocation, is in util/memory_budget.hpp).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include <unicode/utypes.h>

namespace mekong {

// Raised when a long computation was cancelled (Ctrl-C in Python).
struct Cancelled : std::exception {
  const char* what() const noexcept override { return "cancelled"; }
};

// Input at fault, located: the document's index in the corpus (kNoDocument for a single text) and
// the byte offset in it, as given (a str's UTF-8). A ValueError in Python. The one place such a
// message is built: "document 3, byte offset 17: <what>" (as mekong.sklearn words it).
struct InputError : std::invalid_argument {
  static constexpr std::size_t kNoDocument = static_cast<std::size_t>(-1);
  std::size_t document;
  std::size_t offset;
  InputError(std::size_t document, std::size_t offset, const std::string& what)
      : std::invalid_argument(where(document, offset) + what), document(document), offset(offset) {}

 private:
  static std::string where(std::size_t document, std::size_t offset) {
    std::string out = document == kNoDocument ? "" : "document " + std::to_string(document) + ", ";
    return out + "byte offset " + std::to_string(offset) + ": ";
  }
};

// Turns a failed ICU status into an exception naming what was being done.
inline void check_icu(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) {
    if (status == U_MEMORY_ALLOCATION_ERROR) throw std::bad_alloc();
    throw std::runtime_error(std::string("ICU error in ") + what + ": " + u_errorName(status));
  }
}

}  // namespace mekong
