// The count stage's private kernels against obviously-correct references: the term table against
// std::unordered_map, the chunked radix row sort against a stable sort of each row, and hashing
// against a per-row map of columns.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <string_view>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "../src/matrix/row_sort.hpp"
#include "../src/matrix/term_table.hpp"
#include "mekong/matrix/count.hpp"
#include "mekong/matrix/hashing.hpp"
#include "mekong/text/pattern.hpp"
#include "mekong/text/sklearn_analyzer.hpp"
#include "mekong/text/utf8.hpp"

#include <unicode/uchar.h>

using mekong::detail::RowSorter;
using mekong::detail::TermTable;

namespace {

// Short strings over a few bytes (NUL and UTF-8 lead and continuation bytes among them), so many
// terms of each length 0..20 differ in one middle byte: the cases the 8-byte slot codes must tell apart.
std::string random_term(std::mt19937& rng) {
  static const char alphabet[] = {'a', 'b', '\0', '\xc3', '\xa0', 'z'};
  const std::size_t len = std::uniform_int_distribution<std::size_t>(0, 20)(rng);
  std::string s;
  for (std::size_t i = 0; i < len; ++i) s.push_back(alphabet[std::uniform_int_distribution<int>(0, 5)(rng)]);
  return s;
}

}  // namespace

// Both slot layouts of the one interner (the count's CodedKeys, the general TaggedKeys) against
// std::unordered_map.
template <class Table>
void agrees_with_unordered_map() {
  std::mt19937 rng(7);
  Table table;
  std::unordered_map<std::string, std::uint32_t> reference;
  for (int i = 0; i < 100000; ++i) {
    const std::string term = random_term(rng);
    bool added = false;
    const std::uint32_t id = table.intern(term, &added);
    const auto [it, fresh] = reference.emplace(term, static_cast<std::uint32_t>(reference.size()));
    ASSERT_EQ(added, fresh) << i;
    ASSERT_EQ(id, it->second) << i;
    ASSERT_EQ(table.str(id), term);
  }
  ASSERT_EQ(table.size(), reference.size());
  for (const auto& [term, id] : reference) ASSERT_EQ(table.find(term), id);
  for (int i = 0; i < 1000; ++i) {
    const std::string term = random_term(rng) + "q";  // 'q' is not in the alphabet: never interned
    ASSERT_EQ(table.find(term), Table::npos);
  }
}

TEST(TermTable, AgreesWithUnorderedMap) { agrees_with_unordered_map<TermTable>(); }
TEST(Interner, AgreesWithUnorderedMap) { agrees_with_unordered_map<mekong::Interner>(); }

// A document's terms interned as one batch (slots prefetched ahead, the table growing mid-batch)
// give the ids that interning them one by one gives, and report each new term once, in order.
TEST(TermTable, InternAllEqualsInterningOneByOne) {
  std::mt19937 rng(9);
  TermTable batch, single;
  for (int doc = 0; doc < 400; ++doc) {
    mekong::TermBuffer terms;
    const std::size_t n = std::uniform_int_distribution<std::size_t>(0, 600)(rng);
    for (std::size_t k = 0; k < n; ++k) {
      terms.bytes += random_term(rng);
      terms.ends.push_back(terms.bytes.size());
    }
    std::vector<std::uint32_t> got{12345}, want{12345};  // appended after what is there
    std::vector<std::string> added_got, added_want;
    batch.intern_all(terms, got, [&](std::string_view t) { added_got.emplace_back(t); });
    for (std::size_t k = 0; k < terms.size(); ++k) {
      bool added = false;
      want.push_back(single.intern(terms[k], &added));
      if (added) added_want.emplace_back(terms[k]);
    }
    ASSERT_EQ(got, want) << "document " << doc;
    ASSERT_EQ(added_got, added_want) << "document " << doc;
  }
  ASSERT_GT(batch.size(), 10000u);  // the table grew through several rehashes
}

TEST(TermTable, ShortTermsDifferingInOneByteAreDistinct) {
  TermTable table;
  std::vector<std::string> terms;
  for (std::size_t len = 1; len <= 9; ++len)
    for (std::size_t at = 0; at < len; ++at)
      for (char c : {'a', 'b'}) {
        std::string s(len, 'a');
        s[at] = c;
        terms.push_back(s);
      }
  std::sort(terms.begin(), terms.end());
  terms.erase(std::unique(terms.begin(), terms.end()), terms.end());
  for (const std::string& t : terms) table.intern(t);
  ASSERT_EQ(table.size(), terms.size());
  for (std::uint32_t id = 0; id < terms.size(); ++id) EXPECT_EQ(table.find(terms[id]), id);
}

TEST(RowSorter, EqualsAStableSortOfEachRow) {
  std::mt19937 rng(11);
  // Column counts at the digit boundaries (one pass, two passes, three) and the extremes.
  for (const std::uint64_t cols : {1ull, 2ull, 3ull, 2048ull, 2049ull, 1ull << 20, (1ull << 31) - 1}) {
    // Row sizes around the chunk size, so chunks hold many rows, one row, or a row bigger than a chunk.
    std::vector<std::size_t> sizes;
    for (int r = 0; r < 60; ++r) sizes.push_back(std::uniform_int_distribution<std::size_t>(0, 900)(rng));
    sizes.push_back(0);
    sizes.push_back(RowSorter::kChunk + 3);
    sizes.push_back(RowSorter::kChunk - 1);
    sizes.push_back(1);
    std::vector<std::size_t> row_at{0};
    for (std::size_t s : sizes) row_at.push_back(row_at.back() + s);
    std::vector<std::int64_t> column(row_at.back());
    for (auto& c : column) {
      c = static_cast<std::int64_t>(std::uniform_int_distribution<std::uint64_t>(0, cols - 1)(rng));
      if (std::uniform_int_distribution<int>(0, 9)(rng) == 0) c = -1;  // dropped
    }
    std::vector<std::vector<std::pair<std::int64_t, std::size_t>>> got(sizes.size()), want(sizes.size());
    RowSorter sorter;
    sorter.sort(
        sizes.size(), row_at.data(), cols, [&](std::size_t k) { return column[k]; },
        [&](std::size_t r, std::size_t k, std::int64_t c) { got[r].emplace_back(c, k); });
    for (std::size_t r = 0; r < sizes.size(); ++r) {
      for (std::size_t k = row_at[r]; k < row_at[r + 1]; ++k)
        if (column[k] >= 0) want[r].emplace_back(column[k], k);
      std::stable_sort(want[r].begin(), want[r].end(), [](const auto& a, const auto& b) { return a.first < b.first; });
      ASSERT_EQ(got[r], want[r]) << "cols " << cols << ", row " << r;
    }
  }
}

TEST(HashTerms, RegressionMemoStartingAfreshNeverChangesTheMatrix) {
  // The memo of hashed terms is bounded; when it starts afresh the reader must start afresh too
  // (char_wb readers remember the ids they were given), or later words get other terms' columns.
  std::vector<std::string> texts;
  std::mt19937 rng(3);
  for (int d = 0; d < 200; ++d) {
    std::string doc;
    for (int w = 0; w < 30; ++w) {
      doc += static_cast<char>('a' + std::uniform_int_distribution<int>(0, 5)(rng));
      doc += static_cast<char>('a' + std::uniform_int_distribution<int>(0, 5)(rng));
      doc += w % 7 ? " " : "  ";
    }
    texts.push_back(doc);
  }
  const std::vector<std::string_view> docs(texts.begin(), texts.end());
  for (const auto kind : {mekong::SkAnalyzerKind::word, mekong::SkAnalyzerKind::chars_wb}) {
    mekong::SkAnalyzerConfig acfg;
    acfg.kind = kind;
    acfg.ngram_min = 1;
    acfg.ngram_max = 3;
    const mekong::SkAnalyzer analyzer(acfg);
    const mekong::SkCorpus corpus(docs, analyzer);
    mekong::HashingConfig cfg;
    cfg.n_features = 13;  // collisions in every row
    const auto whole = mekong::hash_terms(corpus, cfg);
    cfg.memo_terms = 3;
    const auto small = mekong::hash_terms(corpus, cfg);
    EXPECT_EQ(small.indptr, whole.indptr);
    EXPECT_EQ(small.indices, whole.indices);
    EXPECT_EQ(small.data, whole.data);
    // And against a reference: each term's column and sign summed per row, from the analyzer's terms.
    mekong::SkAnalyzer::Worker worker(analyzer);
    mekong::TermBuffer terms;
    for (std::size_t d = 0; d < docs.size(); ++d) {
      worker.analyze(docs[d], terms);
      std::map<std::int32_t, double> row;
      for (std::size_t t = 0; t < terms.size(); ++t) {
        const std::int32_t h = mekong::murmurhash3_32(terms[t]);
        row[mekong::hashed_column(h, 13)] += h < 0 ? -1.0 : 1.0;
      }
      std::vector<std::int32_t> cols;
      std::vector<double> vals;
      for (const auto& [c, v] : row) cols.push_back(c), vals.push_back(v);
      const auto b = static_cast<std::size_t>(whole.indptr[d]), e = static_cast<std::size_t>(whole.indptr[d + 1]);
      EXPECT_EQ(std::vector<std::int32_t>(whole.indices.begin() + b, whole.indices.begin() + e), cols) << d;
      EXPECT_EQ(std::vector<double>(whole.data.begin() + b, whole.data.begin() + e), vals) << d;
    }
  }
}

namespace {
using mekong::TermBuffer;
namespace pytext = mekong::pytext;

// The lower-case + tokenize scan as it was before the direct tables: decode each character with
// next(), look its lower case up in lower_table(), classify it with word_table(), encode it. Kept
// as the reference the table-driven scan must equal byte for byte.
void reference_lower_tokens(pytext::TokenPattern::Matcher& matcher, std::size_t min_run, std::string_view text,
                            TermBuffer& out) {
  const std::uint8_t* words = pytext::detail::word_table();
  const char16_t* table = pytext::detail::lower_table();
  TermBuffer mine;
  std::string token;
  std::size_t run_len = 0;
  auto close_run = [&] {
    if (run_len >= min_run) {
      mine.bytes += token;
      mine.ends.push_back(mine.bytes.size());
    }
    token.clear();
    run_len = 0;
  };
  for (std::size_t i = 0; i < text.size();) {
    const auto b = static_cast<unsigned char>(text[i]);
    char32_t l;
    bool word;
    if (b < 0x80) {
      ++i;
      l = b >= 'A' && b <= 'Z' ? b | 0x20 : b;
      word = words[l] != 0;
    } else {
      const char32_t c = pytext::next(text, i);
      if (c < 0x10000) {
        l = table[c];
        if (l == 0) {  // full mapping: ICU lower-cases the whole document, then the plain scan
          std::string lowered;
          pytext::lower(text, lowered);
          mine = TermBuffer{};
          matcher.tokens(lowered, mine);
          run_len = 0;
          break;
        }
        word = words[l] != 0;
      } else {
        l = static_cast<char32_t>(u_tolower(static_cast<UChar32>(c)));
        word = pytext::is_word(l);
      }
    }
    if (word) {
      ++run_len;
      pytext::append_utf8(token, l);
    } else if (run_len) {
      close_run();
    }
  }
  if (run_len) close_run();
  const std::size_t at = out.bytes.size();
  out.bytes += mine.bytes;
  for (std::size_t e : mine.ends) out.ends.push_back(at + e);
}

// Text over a pool that reaches every branch of the scan: ASCII, 2-byte letters whose lower case
// takes 3 bytes, Vietnamese letters in U+1E00-U+1EFF and in other blocks, combining marks,
// characters needing the full mapping (U+0130, U+03A3), astral letters and digits, KELVIN SIGN,
// overlong and truncated sequences, lone surrogates, stray continuation bytes.
std::string random_text(std::mt19937& rng) {
  static const char* pool[] = {"a",
                               "Z",
                               "_",
                               "7",
                               " ",
                               "-",
                               "\n",
                               "",
                               "\xc3\x80",
                               "\xc3\xa0",
                               "\xc4\x90",
                               "\xc6\xaf",
                               "\xc8\xba",
                               "\xe1\xba\xa0",
                               "\xe1\xbb\x87",
                               "\xe1\xb8\x80",
                               "\xe1\xbb\xbf",
                               "\xcc\x81",
                               "\xc4\xb0",
                               "\xce\xa3",
                               "\xce\xb1",
                               "\xf0\x9d\x90\x80",
                               "\xf0\x90\x90\x80",
                               "\xe2\x84\xaa",
                               "\xc0\x80",
                               "\xc1\x81",
                               "\xed\xa0\x80",
                               "\x80",
                               "\xc3",
                               "\xe1\xbb",
                               "\xe1",
                               "\xf0\x9f",
                               "\xe2\x80\x83",
                               "\xd9\xa3"};
  constexpr std::size_t kPool = sizeof(pool) / sizeof(pool[0]);
  const std::size_t len = std::uniform_int_distribution<std::size_t>(0, 40)(rng);
  std::string s;
  for (std::size_t i = 0; i < len; ++i) {
    const std::size_t k = std::uniform_int_distribution<std::size_t>(0, kPool - 1)(rng);
    if (k == 7)
      s.push_back('\0');
    else
      s += pool[k];
  }
  return s;
}
}  // namespace

TEST(LowerTokens, TableScanEqualsTheDecodingReference) {
  std::mt19937 rng(12);
  for (const char* pattern : {"(?u)\\b\\w\\w+\\b", "(?u)\\b\\w+\\b"}) {
    pytext::TokenPattern compiled(pattern);
    ASSERT_GT(compiled.fast_min_run(), 0u);
    pytext::TokenPattern::Matcher fast(compiled), slow(compiled);
    for (int round = 0; round < 20000; ++round) {
      const std::string text = random_text(rng);
      TermBuffer got, want;
      got.bytes = "x";  // appends after what is there
      got.ends.push_back(1);
      want = got;
      fast.lower_tokens(text, got);
      reference_lower_tokens(slow, compiled.fast_min_run(), text, want);
      ASSERT_EQ(got.bytes, want.bytes) << "text #" << round;
      ASSERT_EQ(got.ends, want.ends) << "text #" << round;
    }
  }
}

namespace {
// Code points that reach every branch of the code-point scan and of its fallbacks: ASCII (NUL
// included), Latin-1, Vietnamese letters in and outside U+1E00-U+1EFF, a combining mark, the
// full-mapping letters U+0130 and U+03A3, KELVIN SIGN, lone surrogates, astral letters and digits,
// white space of several kinds.
std::u32string random_code_points(std::mt19937& rng, char32_t limit) {
  static const char32_t pool[] = {U'a',  U'Z',   U'_',   U'7',   U' ',    U'-',    U'\n',  0,      0xC0,  0xE0,   0xB5,
                                  0xDF,  0x110,  0x1AF,  0x23A,  0x1EA0,  0x1EC7,  0x1E00, 0x1EFF, 0x301, 0x130,  0x3A3,
                                  0x3B1, 0x212A, 0xD800, 0xDC00, 0x1D400, 0x10400, 0x2003, 0x663,  0xA0,  0x1F600};
  constexpr std::size_t kPool = sizeof(pool) / sizeof(pool[0]);
  const std::size_t len = std::uniform_int_distribution<std::size_t>(0, 40)(rng);
  std::u32string s;
  while (s.size() < len) {
    const char32_t c = pool[std::uniform_int_distribution<std::size_t>(0, kPool - 1)(rng)];
    if (c < limit) s.push_back(c);
  }
  return s;
}

// A document of code points stored at `width` bytes each, as a Python str of that kind holds it.
struct StoredDoc {
  std::vector<std::uint8_t> w1;
  std::u16string w2;
  std::u32string w4;
  mekong::CodeUnits units(int width) const {
    if (width == 1) return {w1.data(), w1.size(), 1};
    if (width == 2) return {w2.data(), w2.size(), 2};
    return {w4.data(), w4.size(), 4};
  }
};
// The UTF-8 of code points by utf8::append, one at a time: independent of append_utf8 (CodeUnits),
// which the fallbacks under test use.
std::string utf8_of(const std::u32string& cps) {
  std::string out;
  for (char32_t c : cps) mekong::utf8::append(out, c);
  return out;
}

StoredDoc stored(const std::u32string& cps) {
  StoredDoc d;
  d.w4 = cps;
  for (char32_t c : cps) {
    d.w1.push_back(static_cast<std::uint8_t>(c));
    d.w2.push_back(static_cast<char16_t>(c));
  }
  return d;
}
}  // namespace

// The scan over a str's own code points equals the scan over its UTF-8 ("surrogatepass" bytes for
// lone surrogates), or declines (out unchanged) exactly where the document needs the full mapping.
TEST(LowerTokens, CodePointScanEqualsTheUtf8Scan) {
  std::mt19937 rng(21);
  for (const char* pattern : {"(?u)\\b\\w\\w+\\b", "(?u)\\b\\w+\\b"}) {
    pytext::TokenPattern compiled(pattern);
    pytext::TokenPattern::Matcher units_matcher(compiled), utf8_matcher(compiled);
    int declined = 0;
    for (int round = 0; round < 30000; ++round) {
      const int width = round % 3 == 0 ? 1 : round % 3 == 1 ? 2 : 4;
      const std::u32string cps = random_code_points(rng, width == 1 ? 0x100 : width == 2 ? 0x10000 : 0x110000);
      const StoredDoc doc = stored(cps);
      const std::string utf8 = utf8_of(cps);
      std::string encoded;
      mekong::append_utf8(doc.units(width), encoded);
      ASSERT_EQ(encoded, utf8) << "round " << round;
      TermBuffer got, want;
      got.bytes = "x";  // appends after what is there
      got.ends.push_back(1);
      want = got;
      const TermBuffer before = got;
      bool done;
      if (width == 1)
        done = units_matcher.lower_tokens(doc.w1.data(), doc.w1.size(), got);
      else if (width == 2)
        done = units_matcher.lower_tokens(doc.w2.data(), doc.w2.size(), got);
      else
        done = units_matcher.lower_tokens(doc.w4.data(), doc.w4.size(), got);
      const bool full = cps.find(0x130) != std::u32string::npos || cps.find(0x3A3) != std::u32string::npos;
      ASSERT_EQ(done, !full) << "round " << round;
      if (!done) {
        ++declined;
        ASSERT_EQ(got.bytes, before.bytes);
        ASSERT_EQ(got.ends, before.ends);
        continue;
      }
      utf8_matcher.lower_tokens(utf8, want);
      ASSERT_EQ(got.bytes, want.bytes) << "round " << round;
      ASSERT_EQ(got.ends, want.ends) << "round " << round;
    }
    EXPECT_GT(declined, 100);
  }
}

// Every analyzer kind counts and hashes a corpus of code points exactly as it does the corpus's
// UTF-8: the default pattern through the code-point scan, everything else through its fallback.
TEST(SkCorpus, CodePointDocumentsCountAndHashAsTheirUtf8) {
  std::mt19937 rng(22);
  std::vector<StoredDoc> stored_docs;
  std::vector<int> widths;
  for (int d = 0; d < 300; ++d) {
    const int width = d % 3 == 0 ? 1 : d % 3 == 1 ? 2 : 4;
    std::u32string cps = random_code_points(rng, width == 1 ? 0x100 : width == 2 ? 0x10000 : 0x110000);
    cps += U" ab Cd";  // no document without terms
    stored_docs.push_back(stored(cps));
    widths.push_back(width);
  }
  std::vector<mekong::CodeUnits> units;
  std::vector<std::string> utf8(stored_docs.size());
  for (std::size_t d = 0; d < stored_docs.size(); ++d) {
    units.push_back(stored_docs[d].units(widths[d]));
    utf8[d] = utf8_of(stored_docs[d].w4);
  }
  const std::vector<std::string_view> views(utf8.begin(), utf8.end());
  std::vector<mekong::SkAnalyzerConfig> configs(8);
  configs[1].token_pattern = "(?u)\\b\\w+\\b";
  configs[2].token_pattern = "(?u)\\b\\w[\\w'-]*\\w\\b";  // ICU
  configs[3].kind = mekong::SkAnalyzerKind::chars_wb;
  configs[3].ngram_min = 2, configs[3].ngram_max = 4;
  configs[4].kind = mekong::SkAnalyzerKind::chars;
  configs[5].use_stop_words = true, configs[5].stop_words = {"ab"};
  configs[5].ngram_max = 2;
  configs[6].strip_accents = mekong::StripAccents::unicode;
  configs[7].lowercase = false;
  for (std::size_t c = 0; c < configs.size(); ++c) {
    const mekong::SkAnalyzer analyzer(configs[c]);
    const mekong::SkCorpus from_units(units, analyzer), from_utf8(views, analyzer);
    for (int threads : {1, 2}) {
      mekong::CountConfig cfg;
      cfg.n_jobs = threads;
      const auto a = mekong::count_and_learn(from_units, cfg), b = mekong::count_and_learn(from_utf8, cfg);
      EXPECT_EQ(a.vocabulary, b.vocabulary) << "config " << c;
      EXPECT_EQ(a.matrix.indptr, b.matrix.indptr) << "config " << c;
      EXPECT_EQ(a.matrix.indices, b.matrix.indices) << "config " << c;
      EXPECT_EQ(a.matrix.data, b.matrix.data) << "config " << c;
      mekong::HashingConfig h;
      h.n_features = 1 << 10;
      h.n_jobs = threads;
      const auto x = mekong::hash_terms(from_units, h), y = mekong::hash_terms(from_utf8, h);
      EXPECT_EQ(x.indptr, y.indptr) << "config " << c;
      EXPECT_EQ(x.indices, y.indices) << "config " << c;
      EXPECT_EQ(x.data, y.data) << "config " << c;
    }
  }
}

// count_and_learn against a per-row std::map over the analyzer's terms, on one thread (its lone
// part's buffers become the matrix, sorted in place chunk by chunk) and on two, with and without
// pruning (which takes the copying path) and binary. Chunks of many rows, and one row of more
// distinct terms than a radix chunk holds.
TEST(CountAndLearn, InPlaceAndCopyingAssemblyEqualAReference) {
  std::mt19937 rng(23);
  for (int round = 0; round < 12; ++round) {
    std::vector<std::string> texts;
    const std::size_t n_docs = std::uniform_int_distribution<std::size_t>(1, 30)(rng);
    const int vocab = round % 2 ? 40 : 100000;
    for (std::size_t d = 0; d < n_docs; ++d) {
      std::string doc;
      const std::size_t words = std::uniform_int_distribution<std::size_t>(0, round % 3 ? 200 : 3000)(rng);
      for (std::size_t w = 0; w < words; ++w)
        doc += "w" + std::to_string(std::uniform_int_distribution<int>(0, vocab)(rng)) + (w % 9 ? " " : ". ");
      texts.push_back(doc);
    }
    if (round == 0) {  // 40,000 distinct terms in one row: more than a chunk (RowSorter::kChunk)
      std::string doc;
      for (int w = 0; w < 40000; ++w) doc += "w" + std::to_string(w) + " ";
      texts.push_back(doc);
    }
    texts.push_back("w1 w2");  // twice: no vocabulary is empty, even at min_df 2
    texts.push_back("w2 w1");
    const std::vector<std::string_view> docs(texts.begin(), texts.end());
    const mekong::SkAnalyzer analyzer{mekong::SkAnalyzerConfig{}};
    const mekong::SkCorpus corpus(docs, analyzer);
    mekong::SkAnalyzer::Worker worker(analyzer);
    std::vector<std::map<std::string, std::int64_t>> rows(docs.size());
    std::map<std::string, std::int64_t> df;
    for (std::size_t d = 0; d < docs.size(); ++d) {
      TermBuffer terms;
      worker.analyze(docs[d], terms);
      for (std::size_t t = 0; t < terms.size(); ++t) ++rows[d][std::string(terms[t])];
      for (const auto& [term, n] : rows[d]) ++df[term];
    }
    for (const double min_df : {1.0, 2.0}) {
      std::vector<std::string> vocabulary;
      for (const auto& [term, n] : df)
        if (n >= min_df) vocabulary.push_back(term);
      std::unordered_map<std::string, std::int32_t> column;
      for (std::size_t c = 0; c < vocabulary.size(); ++c) column[vocabulary[c]] = static_cast<std::int32_t>(c);
      std::vector<std::int64_t> indptr{0};
      std::vector<std::int32_t> indices;
      std::vector<std::int64_t> counts;
      for (const auto& row : rows) {
        for (const auto& [term, n] : row)  // std::map: in term order, which is column order
          if (const auto it = column.find(term); it != column.end()) {
            indices.push_back(it->second);
            counts.push_back(n);
          }
        indptr.push_back(static_cast<std::int64_t>(indices.size()));
      }
      for (const bool binary : {false, true})
        for (const int threads : {1, 2}) {
          mekong::CountConfig cfg;
          cfg.binary = binary;
          cfg.min_df = min_df;
          cfg.n_jobs = threads;
          const auto out = mekong::count_and_learn(corpus, cfg);
          ASSERT_EQ(out.vocabulary, vocabulary) << round;
          ASSERT_EQ(out.matrix.indptr, indptr) << round;
          ASSERT_EQ(out.matrix.indices, indices) << round;
          ASSERT_EQ(out.matrix.data, binary ? std::vector<std::int64_t>(counts.size(), 1) : counts) << round;
        }
    }
  }
}
