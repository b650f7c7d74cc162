// The memory budget of a dense result: checked before the allocation, so a request the machine cannot
// hold is refused with a message instead of an abort (MemoryError in Python).
#pragma once

#include <cstddef>
#include <new>
#include <string>

namespace mekong {

// Thrown before allocating a dense result larger than the memory budget.
struct MemoryBudgetError : std::bad_alloc {
  std::string message;
  explicit MemoryBudgetError(std::string m) : message(std::move(m)) {}
  const char* what() const noexcept override { return message.c_str(); }
};

// Throws MemoryBudgetError when a dense rows x cols result of `element_size`-byte values exceeds
// `budget` bytes (0 = no limit). `what` names the result ("similarity matrix"); `advice` says what to
// do instead. The one place the message is built.
inline void check_memory_budget(std::size_t rows, std::size_t cols, std::size_t element_size, std::size_t budget,
                                const char* what, const char* advice) {
  const double bytes = static_cast<double>(rows) * static_cast<double>(cols) * static_cast<double>(element_size);
  if (budget == 0 || bytes <= static_cast<double>(budget)) return;
  throw MemoryBudgetError("a dense " + std::to_string(rows) + " x " + std::to_string(cols) + " " + what + " needs " +
                          std::to_string(static_cast<long long>(bytes / 1048576.0)) + " MiB, over the budget of " +
                          std::to_string(budget / 1048576) + " MiB; " + advice);
}

}  // namespace mekong
