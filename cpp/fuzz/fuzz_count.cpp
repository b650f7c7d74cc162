// count: the analyzer and the count stage over a small corpus made of the input.
//   The input (after a few option bytes) is split at 0x1E bytes into up to 12 documents. The
//   matrix from count_corpus (whose readers take Analyzer::Worker::term_ids: the fast path on the
//   raw bytes with a memo of raw tokens) is checked against a reference built from
//   Analyzer::Worker::analyze (the staged path: decode, NFC, clean, segment, fold, terms) on a
//   worker of its own, counted in std::map, with min_df / max_features / binary applied
//   as scikit-learn defines them. Every document keeps its row; the vocabulary is sorted and
//   valid UTF-8; n_jobs 1 and 3 give the same matrix; count_corpus_fixed against the learned
//   vocabulary gives the same matrix again; each document's replaced count is the decoder's.
//   When every document is UTF-8 a Python str could hold (lone surrogates allowed, as
//   "surrogatepass" writes them), the same documents stored as a str stores them (1, 2 or 4 bytes
//   a code point: RawDocuments::units, the code-unit scan and the encoded paths) count the same.
#include <algorithm>
#include <map>
#include <set>
#include <stdexcept>

#include "fuzz_common.hpp"
#include "mekong/pipeline.hpp"
#include "mekong/text/decode.hpp"

namespace {

using Row = std::map<std::string, std::int64_t>;

std::vector<Row> rows_of(const mekong::Csr<std::int64_t>& m, const std::vector<std::string>& vocab) {
  std::vector<Row> out(m.rows);
  for (std::size_t r = 0; r < m.rows; ++r) {
    for (auto k = m.indptr[r]; k < m.indptr[r + 1]; ++k) {
      if (k > m.indptr[r]) FUZZ_CHECK(m.indices[k - 1] < m.indices[k], "row %zu: columns not strictly increasing", r);
      FUZZ_CHECK(m.indices[k] >= 0 && static_cast<std::size_t>(m.indices[k]) < vocab.size(), "column out of range");
      FUZZ_CHECK(m.data[k] > 0, "a stored count of %lld", static_cast<long long>(m.data[k]));
      out[r][vocab[m.indices[k]]] = m.data[k];
    }
  }
  return out;
}

// The code points of `s` when it is UTF-8 with surrogates allowed (what encoding a str with
// "surrogatepass" gives); false otherwise.
bool str_code_points(std::string_view s, std::u32string& out) {
  out.clear();
  for (std::size_t i = 0; i < s.size();) {
    const auto b = static_cast<unsigned char>(s[i]);
    const int len = b < 0x80                   ? 1
                    : (b >= 0xC2 && b <= 0xDF) ? 2
                    : (b >= 0xE0 && b <= 0xEF) ? 3
                    : (b >= 0xF0 && b <= 0xF4) ? 4
                                               : 0;
    if (!len || i + len > s.size()) return false;
    char32_t c = len == 1 ? b : b & (0x7F >> len);
    for (int k = 1; k < len; ++k) {
      const auto x = static_cast<unsigned char>(s[i + k]);
      if ((x & 0xC0) != 0x80) return false;
      c = c << 6 | (x & 0x3F);
    }
    if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10FFFF))) return false;  // overlong, too large
    out.push_back(c);
    i += len;
  }
  return true;
}

bool same(const mekong::Csr<std::int64_t>& a, const mekong::Csr<std::int64_t>& b) {
  return a.rows == b.rows && a.cols == b.cols && a.indptr == b.indptr && a.indices == b.indices && a.data == b.data;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const std::uint8_t o1 = in.byte(), o2 = in.byte(), o3 = in.byte(), utf8_mask = in.byte();

  mekong::AnalyzerConfig cfg;
  cfg.normalize.lowercase = !(o1 & 1);
  cfg.normalize.tone_marks = static_cast<mekong::ToneStyle>((o1 >> 1) % 3);
  cfg.segment.numbers = !(o1 & 8);
  cfg.segment.urls = static_cast<mekong::LinkPolicy>(((o1 >> 4) & 3) % 3);
  cfg.segment.min_token_length = 1 + ((o1 >> 6) & 1);
  cfg.clean = o2 & 1;
  cfg.names = o2 & 2;
  cfg.aliases = o2 & 4;
  if (o2 & 8) cfg.encoding = "windows-1258";
  if (o2 & 16) cfg.stop_words = {"và", "của", "the", "a", "hợp tác"};
  cfg.ngram_range.first = 1 + ((o2 >> 5) & 1);
  cfg.ngram_range.second = cfg.ngram_range.first + ((o2 >> 6) & 1);
  mekong::CountConfig cc;
  cc.binary = o3 & 1;
  cc.min_df = 1 + ((o3 >> 1) & 1);
  cc.max_features = (o3 & 4) ? 1 + ((o3 >> 3) & 7) : -1;
  const bool phrases = o3 & 64;

  std::vector<std::string_view> parts;
  {
    std::string_view rest = in.rest();
    std::size_t start = 0;
    for (std::size_t i = 0; i <= rest.size() && parts.size() < 12; ++i)
      if (i == rest.size() || rest[i] == '\x1e') {
        parts.push_back(rest.substr(start, i - start));
        start = i + 1;
      }
  }
  mekong::RawDocuments docs;
  docs.bytes = parts;
  for (std::size_t i = 0; i < parts.size(); ++i) docs.utf8.push_back((utf8_mask >> (i % 8)) & 1);

  std::unique_ptr<mekong::Analyzer> analyzer = std::make_unique<mekong::Analyzer>(cfg);
  if (phrases) {  // learned from the corpus itself, as Phrases().fit does
    mekong::PhraseConfig pc;
    pc.min_count = 2;
    pc.threshold = 0.0;
    cfg.phrases = std::make_shared<mekong::PhraseModel>(mekong::learn_phrases(docs, *analyzer, pc, nullptr, 1));
    analyzer = std::make_unique<mekong::Analyzer>(cfg);
  }

  // Reference: the staged path, one worker of its own (count_corpus's readers have theirs).
  std::vector<Row> ref(parts.size());
  std::vector<std::size_t> ref_replaced(parts.size());
  auto w = analyzer->worker();
  for (std::size_t i = 0; i < parts.size(); ++i) {
    mekong::TermBuffer terms;
    ref_replaced[i] = w.analyze(parts[i], terms, docs.utf8[i]).replaced;
    for (std::size_t t = 0; t < terms.size(); ++t) {
      FUZZ_CHECK(fuzz::valid_utf8(terms[t]) && !terms[t].empty(), "term empty or not valid UTF-8");
      ref[i][std::string(terms[t])] += 1;
    }
    if (cc.binary)
      for (auto& [term, n] : ref[i]) n = 1;
  }
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> df_tf;  // sorted by code point = bytes
  for (const Row& r : ref)
    for (const auto& [term, n] : r) {
      ++df_tf[term].first;
      df_tf[term].second += n;
    }
  std::vector<std::string> keep;
  for (const auto& [term, dt] : df_tf)
    if (static_cast<double>(dt.first) >= cc.min_df) keep.push_back(term);
  if (cc.max_features > 0 && keep.size() > static_cast<std::size_t>(cc.max_features)) {
    std::stable_sort(keep.begin(), keep.end(),
                     [&](const std::string& a, const std::string& b) { return df_tf[a].second > df_tf[b].second; });
    keep.resize(static_cast<std::size_t>(cc.max_features));
    std::sort(keep.begin(), keep.end());
  }
  const std::set<std::string> kept(keep.begin(), keep.end());
  for (Row& r : ref)
    for (auto it = r.begin(); it != r.end();) it = kept.count(it->first) ? std::next(it) : r.erase(it);

  mekong::CorpusCounts got;
  try {
    got = mekong::count_corpus(docs, *analyzer, cc);
  } catch (const std::invalid_argument& e) {
    FUZZ_CHECK(keep.empty(), "count_corpus threw '%s' with %zu terms to keep", e.what(), keep.size());
    return 0;
  }
  FUZZ_CHECK(!keep.empty(), "count_corpus learned terms the reference does not have");
  const mekong::CountResult& r = got.counts;
  FUZZ_CHECK(r.matrix.rows == parts.size(), "%zu rows for %zu documents", r.matrix.rows, parts.size());
  FUZZ_CHECK(r.vocabulary == keep, "vocabulary: %zu terms, reference %zu", r.vocabulary.size(), keep.size());
  const std::vector<Row> rows = rows_of(r.matrix, r.vocabulary);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    FUZZ_CHECK(rows[i] == ref[i], "row %zu differs from the staged path's terms", i);
    FUZZ_CHECK(got.stats[i].replaced == ref_replaced[i], "document %zu: replaced %zu, reference %zu", i,
               got.stats[i].replaced, ref_replaced[i]);
  }

  mekong::CountConfig cc3 = cc;
  cc3.n_jobs = 3;
  const mekong::CorpusCounts threaded = mekong::count_corpus(docs, *analyzer, cc3);
  FUZZ_CHECK(same(threaded.counts.matrix, r.matrix) && threaded.counts.vocabulary == r.vocabulary,
             "n_jobs=3 differs from n_jobs=1");

  // The same documents as strs hold them, when they can be strs.
  {
    std::vector<std::u32string> cps(parts.size());
    std::vector<std::vector<std::uint8_t>> w1(parts.size());
    std::vector<std::u16string> w2(parts.size());
    bool strs = true;
    for (std::size_t i = 0; i < parts.size() && strs; ++i) strs = docs.utf8[i] && str_code_points(parts[i], cps[i]);
    if (strs) {
      mekong::RawDocuments units;
      units.utf8.assign(parts.size(), 1);
      units.bytes.assign(parts.size(), std::string_view());
      units.units.resize(parts.size());
      for (std::size_t i = 0; i < parts.size(); ++i) {
        char32_t top = 0;
        for (char32_t c : cps[i]) top = std::max(top, c);
        if (top < 0x100) {
          w1[i].assign(cps[i].begin(), cps[i].end());
          units.units[i] = {w1[i].data(), w1[i].size(), 1};
        } else if (top < 0x10000) {
          w2[i].assign(cps[i].begin(), cps[i].end());
          units.units[i] = {w2[i].data(), w2[i].size(), 2};
        } else {
          units.units[i] = {cps[i].data(), cps[i].size(), 4};
        }
      }
      for (int n_jobs : {1, 2}) {
        mekong::CountConfig cu = cc;
        cu.n_jobs = n_jobs;
        const mekong::CorpusCounts from_units = mekong::count_corpus(units, *analyzer, cu);
        FUZZ_CHECK(same(from_units.counts.matrix, r.matrix) && from_units.counts.vocabulary == r.vocabulary,
                   "the documents as strs (n_jobs=%d) count differently from their bytes", n_jobs);
        for (std::size_t i = 0; i < parts.size(); ++i)
          FUZZ_CHECK(from_units.stats[i].replaced == got.stats[i].replaced &&
                         from_units.stats[i].first_invalid == got.stats[i].first_invalid,
                     "document %zu as a str: replaced %zu, from bytes %zu", i, from_units.stats[i].replaced,
                     got.stats[i].replaced);
      }
    }
  }

  mekong::Interner vocab;
  for (const std::string& t : r.vocabulary) vocab.intern(t);
  const mekong::FixedCounts fixed = mekong::count_corpus_fixed(docs, *analyzer, vocab, cc.binary, 2);
  FUZZ_CHECK(same(fixed.matrix, r.matrix), "count_corpus_fixed on the learned vocabulary differs");
  return 0;
}
