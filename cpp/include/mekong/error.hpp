// Errors the core throws. The binding maps std::invalid_argument to ValueError,
// std::out_of_range to IndexError and std::bad_alloc to MemoryError.
#pragma once

#include <stdexcept>
#include <string>

#include <unicode/utypes.h>

namespace mekong {

// Raised when a long computation was cancelled (Ctrl-C in Python).
struct Cancelled : std::exception {
  const char* what() const noexcept override { return "cancelled"; }
};

// Turns a failed ICU status into an exception naming what was being done.
inline void check_icu(UErrorCode status, const char* what) {
  if (U_FAILURE(status)) {
    if (status == U_MEMORY_ALLOCATION_ERROR) throw std::bad_alloc();
    throw std::runtime_error(std::string("ICU error in ") + what + ": " + u_errorName(status));
  }
}

}  // namespace mekong
