#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "mekong/dedup/minhash.hpp"

using namespace mekong;

namespace {

TermBuffer terms_of(const std::vector<std::string>& words) {
  TermBuffer t;
  for (const auto& w : words) t.push(w);
  return t;
}

// The slow, obviously correct slot value: the full 128-bit product, taken mod 2^64, top 32 bits.
std::uint64_t slow_slot(std::uint64_t a, std::uint64_t h, std::uint64_t b) {
  const std::uint64_t x = (h ^ (h >> 32)) % (std::uint64_t{1} << 32);
  const unsigned __int128 t = static_cast<unsigned __int128>(a) * x + b;
  return static_cast<std::uint64_t>(t % (static_cast<unsigned __int128>(1) << 64)) >> 32;
}

std::vector<std::uint64_t> signature_of(const std::vector<std::uint64_t>& shingles, const MinHashPermutations& p) {
  std::vector<std::uint64_t> out(p.a.size());
  minhash_signature(shingles, p, out.data());
  return out;
}

}  // namespace

TEST(MinHash, ShingleHashIsFnv1a64) {
  // Published FNV-1a 64 test vectors.
  EXPECT_EQ(shingle_hash(terms_of({"a"}), 0, 1), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(shingle_hash(terms_of({"foobar"}), 0, 1), 0x85944171f73967e8ull);
  // Terms joined by one space: the shingle "foo bar" hashes as that string.
  const TermBuffer t = terms_of({"foo", "bar"});
  TermBuffer joined = terms_of({"foo bar"});
  EXPECT_EQ(shingle_hash(t, 0, 2), shingle_hash(joined, 0, 1));
}

TEST(MinHash, ShinglesOfShortAndEmptyDocuments) {
  std::vector<std::uint64_t> v;
  shingle_values(terms_of({}), 3, v);
  EXPECT_TRUE(v.empty());
  shingle_values(terms_of({"x", "y"}), 3, v);  // fewer terms than a shingle: one shingle of all
  ASSERT_EQ(v.size(), 1u);
  EXPECT_EQ(v[0], shingle_hash(terms_of({"x y"}), 0, 1));
  shingle_values(terms_of({"a", "b", "c", "d"}), 3, v);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_EQ(v[1], shingle_hash(terms_of({"b c d"}), 0, 1));
}

TEST(MinHash, PermutationsInRangeAndSeeded) {
  const auto p = minhash_permutations(256, 7);
  for (std::size_t i = 0; i < 256; ++i) {
    EXPECT_EQ(p.a_lo[i], static_cast<std::uint32_t>(p.a[i]));
    EXPECT_EQ(p.a_hi[i], static_cast<std::uint32_t>(p.a[i] >> 32));
  }
  // splitmix64 seeded with 0: its published first output is 0xe220a8397b1dcdaf.
  EXPECT_EQ(minhash_permutations(1, 0).a[0], 0xe220a8397b1dcdafull);
  EXPECT_EQ(minhash_permutations(256, 7).a, p.a);
  EXPECT_NE(minhash_permutations(256, 8).a, p.a);
}

TEST(MinHash, SignatureEqualsSlowProduct) {
  std::mt19937_64 g(3);
  const auto p = minhash_permutations(64, 1);
  std::vector<std::uint64_t> shingles;
  // Edge values of h next to random ones: 0, all ones, 2^32 - 1.
  shingles.push_back(0);
  shingles.push_back(~0ull);
  shingles.push_back(0xffffffffull);
  for (int i = 0; i < 200; ++i) shingles.push_back(g());
  const auto sig = signature_of(shingles, p);
  for (std::size_t i = 0; i < 64; ++i) {
    std::uint64_t m = ~0ull;
    for (std::uint64_t h : shingles) m = std::min(m, slow_slot(p.a[i], h, p.b[i]));
    EXPECT_LT(m, std::uint64_t{1} << 32);
    EXPECT_EQ(sig[i], m) << "slot " << i;
  }
  EXPECT_EQ(signature_of({}, p), std::vector<std::uint64_t>(64, kEmptySignature));
}

TEST(MinHash, EstimateWithinBinomialBoundOfExact) {
  std::mt19937_64 g(11);
  const std::size_t m = 256;
  const auto p = minhash_permutations(m, 5);
  for (int trial = 0; trial < 20; ++trial) {
    std::set<std::uint64_t> a, b;
    const int common = 50 + trial * 10, only = 100 - trial * 4;
    for (int i = 0; i < common; ++i) {
      const std::uint64_t x = g();
      a.insert(x);
      b.insert(x);
    }
    for (int i = 0; i < only; ++i) a.insert(g());
    for (int i = 0; i < only; ++i) b.insert(g());
    const std::vector<std::uint64_t> va(a.begin(), a.end()), vb(b.begin(), b.end());
    const double j = exact_jaccard(va, vb);
    const double est = estimated_jaccard(signature_of(va, p).data(), signature_of(vb, p).data(), m);
    EXPECT_NEAR(est, j, 5 * std::sqrt(j * (1 - j) / m) + 1e-9) << "trial " << trial;
  }
}

TEST(MinHash, ExactJaccardOfSortedSets) {
  EXPECT_DOUBLE_EQ(exact_jaccard({1, 2, 3}, {2, 3, 4}), 0.5);
  EXPECT_DOUBLE_EQ(exact_jaccard({1}, {1}), 1.0);
  EXPECT_DOUBLE_EQ(exact_jaccard({}, {}), 0.0);
  EXPECT_DOUBLE_EQ(exact_jaccard({}, {1}), 0.0);
}

TEST(MinHash, BandingGroupsDuplicatesAndSkipsEmpty) {
  const std::size_t m = 16;
  std::mt19937_64 g(1);
  std::vector<std::uint64_t> sig(6 * m);
  for (auto& v : sig) v = g();
  auto row = [&](std::size_t d) { return sig.begin() + static_cast<std::ptrdiff_t>(d * m); };
  std::copy(row(0), row(1), row(3));           // 3 == 0
  std::copy(row(1), row(2), row(4));           // 4 resembles 1 in half its slots
  std::fill(row(4) + 8, row(5), 12345);        // second band differs
  std::fill(row(2), row(3), kEmptySignature);  // empty documents: never duplicates
  std::fill(row(5), row(6), kEmptySignature);
  LshConfig cfg{4, 4, 0.5, 1};
  NearDuplicatePairs r = near_duplicate_pairs(sig.data(), 6, m, cfg);
  ASSERT_EQ(r.first.size(), 2u);
  EXPECT_EQ(r.first[0], 0);
  EXPECT_EQ(r.second[0], 3);
  EXPECT_DOUBLE_EQ(r.estimated[0], 1.0);
  EXPECT_EQ(r.first[1], 1);
  EXPECT_EQ(r.second[1], 4);
  EXPECT_DOUBLE_EQ(r.estimated[1], 0.5);
  EXPECT_EQ(r.labels, (std::vector<std::int64_t>{0, 1, -1, 0, 1, -1}));
  EXPECT_EQ(r.groups, 2u);
  cfg.threshold = 0.6;  // the half-equal pair is a candidate but below the threshold
  r = near_duplicate_pairs(sig.data(), 6, m, cfg);
  EXPECT_EQ(r.labels, (std::vector<std::int64_t>{0, -1, -1, 0, -1, -1}));
}

TEST(MinHash, BandingIsTheSameForAnyThreads) {
  const std::size_t m = 32, n = 400;
  std::mt19937_64 g(2);
  std::vector<std::uint64_t> sig(n * m);
  for (std::size_t d = 0; d < n; ++d)
    for (std::size_t i = 0; i < m; ++i)
      sig[d * m + i] = (d % 7 == 0 || i % 3) ? (d % 50) * 1000 + i : g();  // many near copies
  LshConfig one{8, 4, 0.5, 1}, four{8, 4, 0.5, 4};
  const auto a = near_duplicate_pairs(sig.data(), n, m, one), b = near_duplicate_pairs(sig.data(), n, m, four);
  EXPECT_GT(a.first.size(), 0u);
  EXPECT_EQ(a.first, b.first);
  EXPECT_EQ(a.second, b.second);
  EXPECT_EQ(a.estimated, b.estimated);
  EXPECT_EQ(a.labels, b.labels);
}

TEST(MinHash, BadConfigurationsThrow) {
  std::vector<std::uint64_t> sig(8, 1);
  EXPECT_THROW(near_duplicate_pairs(sig.data(), 1, 8, LshConfig{0, 4, 0.5, 1}), std::invalid_argument);
  EXPECT_THROW(near_duplicate_pairs(sig.data(), 1, 8, LshConfig{3, 3, 0.5, 1}), std::invalid_argument);
  EXPECT_THROW(near_duplicate_pairs(sig.data(), 1, 8, LshConfig{2, 4, 0.0, 1}), std::invalid_argument);
  EXPECT_THROW(near_duplicate_pairs(sig.data(), 1, 8, LshConfig{2, 4, 1.5, 1}), std::invalid_argument);
  MinHashConfig c;
  c.num_perm = 0;
  EXPECT_THROW(validate(c), std::invalid_argument);
  c.num_perm = 4;
  c.shingle = 0;
  EXPECT_THROW(validate(c), std::invalid_argument);
}

TEST(MinHash, CorpusSignaturesSameForAnyThreadsAndEveryDocumentKeepsItsRow) {
  AnalyzerConfig ac;
  Analyzer analyzer(ac);
  std::vector<std::string> texts;
  for (int i = 0; i < 300; ++i)
    texts.push_back(i % 11 == 0 ? std::string()
                                : "Tin số " + std::to_string(i % 40) + " về bão lũ ở Quảng Trị hôm nay");
  RawDocuments docs;
  for (const auto& t : texts) docs.bytes.emplace_back(t);
  MinHashConfig cfg;
  cfg.num_perm = 32;
  cfg.n_jobs = 1;
  const MinHashResult a = minhash_corpus(docs, analyzer, cfg, true);
  cfg.n_jobs = 3;
  const MinHashResult b = minhash_corpus(docs, analyzer, cfg, true);
  ASSERT_EQ(a.rows, texts.size());
  EXPECT_EQ(a.signatures, b.signatures);
  EXPECT_EQ(a.shingles, b.shingles);
  EXPECT_EQ(a.signatures[0], kEmptySignature);  // document 0 is empty
  // Documents 1 and 41 have the same text, so the same signature.
  EXPECT_TRUE(std::equal(a.signatures.begin() + 32, a.signatures.begin() + 64, a.signatures.begin() + 41 * 32));
}
