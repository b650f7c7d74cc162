// The hashing trick as scikit-learn's FeatureHasher / HashingVectorizer compute it: a term's column
// is |MurmurHash3_x86_32(UTF-8 bytes, seed 0)| mod n_features (with scikit-learn's rule for -2^31),
// and with alternate_sign its value is -1 when the signed hash is negative. Stateless: no
// vocabulary, so any number of documents can be hashed in pieces.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "mekong/matrix/count.hpp"
#include "mekong/matrix/csr.hpp"
#include "mekong/matrix/weight.hpp"

namespace mekong {

// MurmurHash3_x86_32 of `key`, as a signed 32-bit value (sklearn.utils.murmurhash3_32, positive=False).
std::int32_t murmurhash3_32(std::string_view key, std::uint32_t seed = 0);

// The column a hash falls in, as scikit-learn's _hashing_fast computes it.
inline std::int32_t hashed_column(std::int32_t h, std::int32_t n_features) {
  if (h == INT32_MIN) return static_cast<std::int32_t>((2147483647LL - (n_features - 1)) % n_features);
  return static_cast<std::int32_t>((h < 0 ? -static_cast<std::int64_t>(h) : h) % n_features);
}

struct HashingConfig {
  std::int32_t n_features = 1 << 20;
  bool alternate_sign = true;
  int n_jobs = 1;
  // Distinct terms whose column is remembered (each is hashed once) before the memo starts afresh:
  // bounds the memory of hashing a stream. Never changes a result.
  std::size_t memo_terms = std::size_t{1} << 20;
  // HashingVectorizer's last steps, in its order: every stored value set to 1 (binary), then each
  // row divided by its l1 / l2 norm (normalize_rows: scikit-learn's normalize, value for value).
  bool binary = false;
  Norm norm = Norm::none;
};

// documents x n_features: each row's terms hashed and summed, columns sorted; entries that sum to
// zero (opposite signs colliding) are kept, as scipy's sum_duplicates keeps them; then binary and
// norm as configured.
Csr<double> hash_terms(const TermSource& source, const HashingConfig& config,
                       const std::atomic<bool>* cancel = nullptr);

}  // namespace mekong
