// Finds URLs and e-mail addresses, so the segmenter can drop them or keep each whole as one token.
//
// Bound: O(n) in the text's bytes whatever it holds. Every byte is read by at most one URL scan
// per pattern ("://", "www.", "WWW."), since a start inside a URL already found is skipped, and by
// at most two e-mail scans (the local part backwards and the domain forwards stop at '@').
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "mekong/text/code_units.hpp"

namespace mekong {

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// URLs ("scheme://...", "www....") and e-mail addresses in valid UTF-8 text, in order, disjoint.
// Trailing sentence punctuation and an unbalanced closing bracket are not part of a URL, so
// "[text](https://a.vn/x)." yields "https://a.vn/x".
void find_links(std::string_view text, std::vector<Span>& out);

// The same in a str's code units (its UTF-8 is what the other reads): the links of that UTF-8, at
// code point positions instead of byte positions.
void find_links(const CodeUnits& text, std::vector<Span>& out);

}  // namespace mekong
