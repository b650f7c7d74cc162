// MinHash near-duplicates: signatures over word shingles, LSH banding, candidate pairs and groups.
//
// Contract (exact, so that a slow reference reproduces every bit):
// - Terms: the analyzer's terms of the document (decode, NFC, case folding, one tone placement,
//   syllables or words), as CountVectorizer sees them. Callers use n-grams of (1, 1), so no term
//   contains a space.
// - Shingles: every run of `shingle` consecutive terms, its terms joined by one space (U+0020). A
//   document with 1 to shingle-1 terms has one shingle, all its terms joined; a document with no
//   terms has none.
// - h(shingle) = FNV-1a 64 of the shingle's UTF-8 bytes; its key x = (h XOR h >> 32) mod 2^32.
// - Permutation i (0 <= i < num_perm) is h_i(x) = ((a_i * x + b_i) mod 2^64) >> 32, where a_0, b_0,
//   a_1, b_1, ... are the outputs of splitmix64 seeded with `seed`.
// - signature[i] = min over the document's shingles of h_i(x), a value below 2^32;
//   kEmptySignature (2^64 - 1) in every slot of a document without shingles.
// Why this family (Dietzfelbinger's multiply-add-shift): it is strongly universal (2-independent) on
// 32-bit keys, as datasketch's (a x + b) mod (2^61 - 1) is on 61-bit keys, and it costs one 64-bit
// multiply-add and a shift with no modulus, in 32 x 32 -> 64-bit products that vectorize. 32-bit
// keys and slots: two distinct shingles share a key, or two slots agree by accident, with
// probability 2^-32 (datasketch also keeps 32-bit slots). Exact Jaccard uses the full 64-bit h.
//
// Estimated Jaccard of two signatures: the fraction of slots that are equal; 0 when either
// document has no shingles (an empty document is a near-duplicate of nothing, itself included).
//
// LSH: `bands` bands of `rows` slots each (bands * rows <= num_perm, the first bands * rows slots).
// Two documents are candidates when all slots of some band are equal. A pair is kept when its
// estimated Jaccard (or, with exact shingle sets, its exact Jaccard over shingle hashes) is at
// least the threshold. Groups: connected components of the kept pairs, numbered by their
// smallest document; documents in no pair have label -1.
//
// Bound: signatures O(total bytes + shingles * num_perm); banding O(n * bands log n) plus the
// pairs that share a bucket (quadratic only within a bucket, i.e. in the size of a duplicate
// group); exact Jaccard O(shingles of the two documents) per candidate pair. All loops poll the
// cancel flag; results are identical for any n_jobs.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "mekong/pipeline.hpp"
#include "mekong/text/analyzer.hpp"
#include "mekong/text/terms.hpp"

namespace mekong {

inline constexpr std::uint64_t kEmptySignature = ~std::uint64_t{0};

// The 32-bit key of a shingle hash.
inline std::uint64_t shingle_key(std::uint64_t h) { return (h ^ (h >> 32)) & 0xffffffffull; }

struct MinHashConfig {
  std::size_t num_perm = 128;
  std::size_t shingle = 3;  // terms per shingle
  std::uint64_t seed = 1;
  int n_jobs = 1;
};

// Throws std::invalid_argument for num_perm or shingle 0.
void validate(const MinHashConfig& config);

struct MinHashPermutations {
  std::vector<std::uint64_t> a, b;
  std::vector<std::uint32_t> a_lo, a_hi;  // the halves of a, for the vectorized kernel
};

MinHashPermutations minhash_permutations(std::size_t num_perm, std::uint64_t seed);

// FNV-1a 64 of the shingle made of terms [begin, end) joined by single spaces.
std::uint64_t shingle_hash(const TermBuffer& terms, std::size_t begin, std::size_t end);

// The shingle hashes h of one document's terms, in order (repeats kept).
void shingle_values(const TermBuffer& terms, std::size_t shingle, std::vector<std::uint64_t>& out);

// Writes the num_perm slots of one document's signature to out.
void minhash_signature(const std::vector<std::uint64_t>& shingles, const MinHashPermutations& perm, std::uint64_t* out);

struct MinHashResult {
  std::vector<std::uint64_t> signatures;  // rows x num_perm, row-major
  std::size_t rows = 0;
  // With keep_shingles: each document's distinct shingle hashes h, sorted (for exact Jaccard).
  std::vector<std::vector<std::uint64_t>> shingles;
};

// Signatures of a corpus on config.n_jobs threads.
MinHashResult minhash_corpus(const RawDocuments& docs, const Analyzer& analyzer, const MinHashConfig& config,
                             bool keep_shingles = false, const std::atomic<bool>* cancel = nullptr);

// Estimated Jaccard of two signatures of `num_perm` slots (see the contract).
double estimated_jaccard(const std::uint64_t* a, const std::uint64_t* b, std::size_t num_perm);

// Jaccard of two sorted sets of distinct values; 0 when either is empty.
double exact_jaccard(const std::vector<std::uint64_t>& a, const std::vector<std::uint64_t>& b);

struct LshConfig {
  std::size_t bands = 0;
  std::size_t rows = 0;
  double threshold = 0.8;  // in (0, 1]
  int n_jobs = 1;
};

struct NearDuplicatePairs {
  std::vector<std::int64_t> first, second;  // first < second, sorted by (first, second)
  std::vector<double> estimated;
  std::vector<double> exact;         // empty without shingle sets
  std::vector<std::int64_t> labels;  // per document; -1 in no group
  std::size_t groups = 0;
};

// Candidate pairs by banding, kept by the threshold on the exact Jaccard when `shingles` is given
// (one sorted set per row), else on the estimate; then groups. Throws std::invalid_argument for
// bands or rows 0, bands * rows > num_perm, or a threshold outside (0, 1].
NearDuplicatePairs near_duplicate_pairs(const std::uint64_t* signatures, std::size_t rows, std::size_t num_perm,
                                        const LshConfig& config,
                                        const std::vector<std::vector<std::uint64_t>>* shingles = nullptr,
                                        const std::atomic<bool>* cancel = nullptr);

}  // namespace mekong
