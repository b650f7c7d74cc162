// The terms of one document, stored flat: one byte buffer and the end offset of each term. Shared by
// the text stages (which write terms) and the matrix stages (which read them), so it belongs to neither.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace mekong {

struct TermBuffer {
  std::string bytes;
  std::vector<std::size_t> ends;

  void clear() {
    bytes.clear();
    ends.clear();
  }
  std::size_t size() const { return ends.size(); }
  std::string_view operator[](std::size_t i) const {
    const std::size_t b = i ? ends[i - 1] : 0;
    return std::string_view(bytes).substr(b, ends[i] - b);
  }
  void push(std::string_view term) {
    bytes.append(term);
    ends.push_back(bytes.size());
  }
};

}  // namespace mekong
