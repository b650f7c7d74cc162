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

// The same, and says whether the UTF-8 written is known to be valid and NFC already: no lone
// surrogate, and every code point NFC_Quick_Check=Yes with combining class 0 (chars::kNfcYes, the
// test the checked scan makes). Then a reader may skip the UTF-8 and NFC checks (Segmenter::segment
// instead of segment_checked). A 1-byte (Latin-1) str always is: U+0000-U+00FF are all NFC_QC=Yes
// with class 0. A false answer only costs the checked path, which gives the same result.
bool append_utf8_nfc(const CodeUnits& doc, std::string& out);

// Bytes of the UTF-8 append_utf8 writes for `doc`, estimated without reading it (Vietnamese takes
// about 1.25 bytes a character): a work weight for balancing threads.
inline std::size_t utf8_weight(const CodeUnits& doc) {
  return doc.width == 1 ? doc.length : doc.length + doc.length / 4;
}

}  // namespace mekong
