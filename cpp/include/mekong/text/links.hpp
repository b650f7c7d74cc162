// Finds URLs and e-mail addresses, so the segmenter can drop them or keep each whole as one token.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace mekong {

struct Span {
  std::size_t begin = 0;
  std::size_t end = 0;
};

// URLs ("scheme://...", "www....") and e-mail addresses in valid UTF-8 text, in order, disjoint.
// Trailing sentence punctuation and an unbalanced closing bracket are not part of a URL, so
// "[text](https://a.vn/x)." yields "https://a.vn/x".
void find_links(std::string_view text, std::vector<Span>& out);

}  // namespace mekong
