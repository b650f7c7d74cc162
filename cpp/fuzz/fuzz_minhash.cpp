// minhash: signatures and near-duplicate pairs of a small corpus made of the input.
//   The input (after two option bytes) is split at 0x1E bytes into up to 12 documents. Signatures
//   from minhash_corpus (n_jobs 1 and 3, identical) are checked slot by slot against a reference
//   written here from the contract: the analyzer's terms, shingles as std::string joined by a
//   space, a byte-by-byte FNV-1a 64, the slot from a full 128-bit product. near_duplicate_pairs is
//   checked against all pairs by brute force: a pair is listed exactly when some band is equal in
//   all its slots and the estimate (or the exact Jaccard of the shingle sets) reaches the
//   threshold; labels are the components of the listed pairs, -1 for singletons.
#include <algorithm>
#include <set>
#include <stdexcept>

#include "fuzz_common.hpp"
#include "mekong/dedup/minhash.hpp"

namespace {

std::uint64_t ref_fnv(const std::string& s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

std::uint64_t ref_slot(std::uint64_t a, std::uint64_t b, std::uint64_t h) {
  const std::uint64_t x = (h ^ (h >> 32)) & 0xffffffffull;
  const unsigned __int128 t = static_cast<unsigned __int128>(a) * x + b;
  return static_cast<std::uint64_t>(t) >> 32;  // mod 2^64, then the top 32 bits
}

std::size_t find(std::vector<std::size_t>& p, std::size_t x) {
  while (p[x] != x) x = p[x];
  return x;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Bytes in(data, size);
  const std::uint8_t o1 = in.byte(), o2 = in.byte();
  mekong::MinHashConfig mc;
  mc.shingle = 1 + (o1 & 3);
  mc.num_perm = 1 + ((o1 >> 2) & 31);
  mc.seed = o2;
  const bool exact = o2 & 1;

  std::vector<std::string_view> parts;
  std::string_view rest = in.rest();
  std::size_t start = 0;
  for (std::size_t i = 0; i <= rest.size() && parts.size() < 12; ++i)
    if (i == rest.size() || rest[i] == '\x1e') {
      parts.push_back(rest.substr(start, i - start));
      start = i + 1;
    }
  mekong::RawDocuments docs;
  docs.bytes = parts;
  mekong::Analyzer analyzer(mekong::AnalyzerConfig{});

  mc.n_jobs = 1;
  const auto one = mekong::minhash_corpus(docs, analyzer, mc, true);
  mc.n_jobs = 3;
  const auto three = mekong::minhash_corpus(docs, analyzer, mc, true);
  FUZZ_CHECK(one.signatures == three.signatures && one.shingles == three.shingles, "n_jobs changed the result");
  FUZZ_CHECK(one.rows == docs.bytes.size(), "%zu rows for %zu documents", one.rows, docs.bytes.size());

  const auto perm = mekong::minhash_permutations(mc.num_perm, mc.seed);
  auto worker = analyzer.worker();
  std::vector<std::set<std::uint64_t>> sets(one.rows);
  for (std::size_t d = 0; d < one.rows; ++d) {
    mekong::TermBuffer terms;
    worker.analyze(docs.bytes[d], terms);
    std::vector<std::string> words;
    for (std::size_t t = 0; t < terms.size(); ++t) words.emplace_back(terms[t]);
    std::set<std::string> shingles;
    const std::size_t k = std::min(mc.shingle, words.size());
    for (std::size_t i = 0; k > 0 && i + k <= words.size(); ++i) {
      std::string s;
      for (std::size_t j = i; j < i + k; ++j) s += (j > i ? " " : "") + words[j];
      shingles.insert(s);
    }
    for (const auto& s : shingles) sets[d].insert(ref_fnv(s));
    FUZZ_CHECK(std::vector<std::uint64_t>(sets[d].begin(), sets[d].end()) == one.shingles[d],
               "document %zu: shingle hashes differ", d);
    for (std::size_t i = 0; i < mc.num_perm; ++i) {
      std::uint64_t want = mekong::kEmptySignature;
      for (std::uint64_t h : sets[d]) want = std::min(want, ref_slot(perm.a[i], perm.b[i], h));
      FUZZ_CHECK(one.signatures[d * mc.num_perm + i] == want, "document %zu slot %zu", d, i);
    }
  }

  mekong::LshConfig lc;
  lc.bands = 1 + (o2 >> 1) % mc.num_perm;
  lc.rows = std::max<std::size_t>(1, mc.num_perm / lc.bands);
  lc.threshold = 0.1 + 0.9 * ((o2 >> 4) / 15.0);
  const auto r =
      mekong::near_duplicate_pairs(one.signatures.data(), one.rows, mc.num_perm, lc, exact ? &one.shingles : nullptr);
  std::set<std::pair<std::int64_t, std::int64_t>> listed;
  for (std::size_t p = 0; p < r.first.size(); ++p) listed.emplace(r.first[p], r.second[p]);
  FUZZ_CHECK(listed.size() == r.first.size(), "a pair listed twice");
  std::vector<std::size_t> parent(one.rows);
  for (std::size_t d = 0; d < one.rows; ++d) parent[d] = d;
  const std::uint64_t* s = one.signatures.data();
  for (std::size_t i = 0; i < one.rows; ++i)
    for (std::size_t j = i + 1; j < one.rows; ++j) {
      bool band = false;
      const bool empty = s[i * mc.num_perm] == mekong::kEmptySignature || s[j * mc.num_perm] == mekong::kEmptySignature;
      for (std::size_t b = 0; b < lc.bands && !empty; ++b)
        band |= std::equal(s + i * mc.num_perm + b * lc.rows, s + i * mc.num_perm + (b + 1) * lc.rows,
                           s + j * mc.num_perm + b * lc.rows);
      double score;
      if (exact) {
        std::size_t common = 0;
        for (std::uint64_t h : sets[i]) common += sets[j].count(h);
        const std::size_t uni = sets[i].size() + sets[j].size() - common;
        score = sets[i].empty() || sets[j].empty() ? 0.0 : double(common) / double(uni);
      } else {
        std::size_t eq = 0;
        for (std::size_t q = 0; q < mc.num_perm; ++q) eq += s[i * mc.num_perm + q] == s[j * mc.num_perm + q];
        score = empty ? 0.0 : double(eq) / double(mc.num_perm);
      }
      const bool want = band && score >= lc.threshold;
      const bool got = listed.count({static_cast<std::int64_t>(i), static_cast<std::int64_t>(j)}) > 0;
      FUZZ_CHECK(want == got, "pair (%zu, %zu): band %d score %f threshold %f listed %d", i, j, band, score,
                 lc.threshold, got);
      if (got) parent[find(parent, j)] = find(parent, i);
    }
  std::vector<std::size_t> comp_size(one.rows, 0);
  for (std::size_t d = 0; d < one.rows; ++d) ++comp_size[find(parent, d)];
  for (std::size_t i = 0; i < one.rows; ++i) {
    FUZZ_CHECK((r.labels[i] < 0) == (comp_size[find(parent, i)] < 2), "document %zu: label %lld", i,
               static_cast<long long>(r.labels[i]));
    for (std::size_t j = 0; j < one.rows; ++j)
      if (r.labels[i] >= 0)
        FUZZ_CHECK((r.labels[i] == r.labels[j]) == (find(parent, i) == find(parent, j)), "labels (%zu, %zu)", i, j);
  }
  return 0;
}
