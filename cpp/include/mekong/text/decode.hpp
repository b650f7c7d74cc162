// Stage 1, decode: turns input bytes into valid UTF-8.
//
// Invalid sequences become U+FFFD and are counted, so nothing is lost silently. One U+FFFD replaces
// each maximal invalid subpart (the Unicode / WHATWG practice), except that a UTF-8-encoded surrogate
// (ED A0..BF xx, how Python's "surrogatepass" writes a lone surrogate) counts as one sequence.
//
// Bound: O(n) in the input's bytes, each read once by the validator (and once more when a repaired
// copy is written); other encodings go through ICU's converter in 256 KiB pieces. The cancel flag is
// polled every 64 KiB of UTF-8 and between converter pieces.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "mekong/error.hpp"

namespace mekong {

// Returns the byte offset of the first invalid sequence, or npos when `bytes` is valid UTF-8.
std::size_t find_invalid_utf8(std::string_view bytes);

struct Decoded {
  std::string_view text;     // valid UTF-8: either the input itself or a view of the scratch buffer
  std::size_t replaced = 0;  // invalid sequences replaced by U+FFFD
  std::size_t first_invalid = std::string_view::npos;  // byte offset of the first one
};

// decode_error="strict": throws InputError naming `document` (InputError::kNoDocument for a single
// text) and the byte offset of the first invalid sequence when anything was replaced.
void require_valid(std::size_t replaced, std::size_t first_invalid, std::size_t document = InputError::kNoDocument);

// Validates `bytes`; when invalid, writes a repaired copy into `scratch` and returns a view of it.
Decoded decode_utf8(std::string_view bytes, std::string& scratch);

// Decodes bytes in a named encoding (any ICU converter name: "windows-1258", "utf-16", "latin1",
// ...) into UTF-8. Bytes that are invalid in that encoding become U+FFFD and are counted.
// Throws std::invalid_argument for an unknown encoding name or one containing a NUL.
Decoded decode_bytes(std::string_view bytes, const std::string& encoding, std::string& scratch);

}  // namespace mekong
