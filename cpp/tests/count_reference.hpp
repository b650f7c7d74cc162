// Counting references the C++ tests share: the count of each document's terms as strings, an
// exact comparison of two counts, and documents stored as a Python str stores them.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "mekong/pipeline.hpp"
#include "mekong/text/analyzer.hpp"
#include "mekong/text/utf8.hpp"

namespace mekong_test {

// Each document's terms as strings (Worker::tokens, which folds them and joins a word's
// syllables), stop words dropped, counted with a map; columns in sorted order.
inline mekong::CountResult count_by_strings(const mekong::Analyzer& analyzer, const std::vector<std::string>& docs) {
  auto worker = analyzer.worker();
  std::vector<std::map<std::string, std::int64_t>> rows(docs.size());
  std::set<std::string> vocabulary;
  mekong::TermBuffer terms;
  for (std::size_t d = 0; d < docs.size(); ++d) {
    worker.tokens(docs[d], terms, true);
    for (std::size_t t = 0; t < terms.size(); ++t) {
      const std::string term(terms[t]);
      if (analyzer.is_stop_word(term)) continue;
      ++rows[d][term];
      vocabulary.insert(term);
    }
  }
  mekong::CountResult out;
  out.vocabulary.assign(vocabulary.begin(), vocabulary.end());
  std::map<std::string, std::int64_t> column;
  for (const std::string& v : out.vocabulary) column.emplace(v, static_cast<std::int64_t>(column.size()));
  out.matrix.rows = docs.size();
  out.matrix.cols = out.vocabulary.size();
  for (const auto& row : rows) {
    for (const auto& [term, count] : row) {  // sorted terms: sorted columns
      out.matrix.indices.push_back(column.at(term));
      out.matrix.data.push_back(count);
    }
    out.matrix.indptr.push_back(static_cast<std::int64_t>(out.matrix.indices.size()));
  }
  return out;
}

// The same vocabulary and every entry of the matrix equal.
inline void expect_same(const mekong::CountResult& got, const mekong::CountResult& want, const std::string& what) {
  ASSERT_EQ(got.vocabulary, want.vocabulary) << what;
  EXPECT_EQ(got.matrix.rows, want.matrix.rows) << what;
  ASSERT_EQ(got.matrix.indptr.size(), want.matrix.indptr.size()) << what;
  for (std::size_t i = 0; i < want.matrix.indptr.size(); ++i)
    ASSERT_EQ(static_cast<std::int64_t>(got.matrix.indptr[i]), want.matrix.indptr[i]) << what << " row " << i;
  ASSERT_EQ(got.matrix.indices.size(), want.matrix.indices.size()) << what;
  for (std::size_t i = 0; i < want.matrix.indices.size(); ++i) {
    ASSERT_EQ(static_cast<std::int64_t>(got.matrix.indices[i]), want.matrix.indices[i]) << what << " at " << i;
    ASSERT_EQ(got.matrix.data[i], want.matrix.data[i]) << what << " at " << i;
  }
}

// The code points of a UTF-8 string (lone surrogates as "surrogatepass" wrote them come back as
// themselves), for the widths a Python str stores.
inline std::u32string code_points(const std::string& s) {
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) out.push_back(mekong::utf8::next(s.data(), i));
  return out;
}

// Documents as RawDocuments::units, each in the narrowest width that holds it (one, two or four
// bytes a code point), as CPython stores a str; `units` points into the other members.
struct StrDocuments {
  std::vector<std::u32string> cps;
  std::vector<std::vector<std::uint8_t>> w1;
  std::vector<std::u16string> w2;
  mekong::RawDocuments units;

  explicit StrDocuments(const std::vector<std::string>& texts) {
    cps.reserve(texts.size());  // no reallocation: units keep pointers into these
    w1.reserve(texts.size());
    w2.reserve(texts.size());
    units.utf8.assign(texts.size(), 1);
    units.units.resize(texts.size());
    for (std::size_t i = 0; i < texts.size(); ++i) {
      cps.push_back(code_points(texts[i]));
      char32_t top = 0;
      for (char32_t c : cps.back()) top = std::max(top, c);
      units.bytes.emplace_back();
      if (top < 0x100) {
        w1.emplace_back(cps.back().begin(), cps.back().end());
        units.units[i] = {w1.back().data(), w1.back().size(), 1};
      } else if (top < 0x10000) {
        w2.emplace_back(cps.back().begin(), cps.back().end());
        units.units[i] = {w2.back().data(), w2.back().size(), 2};
      } else {
        units.units[i] = {cps.back().data(), cps.back().size(), 4};
      }
    }
  }
  StrDocuments(const StrDocuments&) = delete;  // units point into this object's members
  StrDocuments& operator=(const StrDocuments&) = delete;
};

}  // namespace mekong_test
