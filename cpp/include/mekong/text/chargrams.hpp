// Character n-grams exactly as scikit-learn's analyzer="char" and "char_wb" make them, counted in
// code points. Both first replace every run of two or more white-space characters (Python's \s)
// by one space; a single white-space character is kept as it is.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mekong/text/terms.hpp"

namespace mekong {

// analyzer="char": every substring of n code points, n in [lo, hi].
void char_ngrams(std::string_view text, std::size_t lo, std::size_t hi, TermBuffer& out, std::string& scratch,
                 std::vector<std::size_t>& offsets);

// analyzer="char_wb": the text split on white space, each word padded with one space either side,
// and its n-grams for n in [lo, hi]; a padded word no longer than n gives itself once and ends the
// word's n-grams (scikit-learn's "count a short word only once").
void char_wb_ngrams(std::string_view text, std::size_t lo, std::size_t hi, TermBuffer& out, std::string& scratch,
                    std::vector<std::size_t>& offsets);

}  // namespace mekong
