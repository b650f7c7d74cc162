// A document as a Python str holds it, read without a UTF-8 copy of the corpus: both the
// scikit-learn analyzer (sklearn_analyzer.hpp) and the top-level count (pipeline.hpp RawDocuments)
// take str documents this way.
#pragma once

#include <cstddef>
#include <string>

namespace mekong {

// `length` code points of `width` bytes each (1, 2 or 4; an ASCII str is width 1). A reader
// either scans the code points themselves (the default-pattern scan) or encodes one document at a
// time into its worker's buffer (as "surrogatepass" would, so lone surrogates survive).
struct CodeUnits {
  const void* data = nullptr;
  std::size_t length = 0;
  int width = 1;
};

// Appends the UTF-8 of `doc` to `out`.
void append_utf8(const CodeUnits& doc, std::string& out);

// Bytes of the UTF-8 append_utf8 writes for `doc`, estimated without reading it (Vietnamese takes
// about 1.25 bytes a character): a work weight for balancing threads.
inline std::size_t utf8_weight(const CodeUnits& doc) {
  return doc.width == 1 ? doc.length : doc.length + doc.length / 4;
}

}  // namespace mekong
