// Loading the word model file: the loaded model against a field-by-field reference parse of the same
// bytes, the checksum against the byte-at-a-time FNV-1a, the key sets' filters, and the errors of
// corrupt files.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include "mekong/text/words.hpp"
#include "word_models.hpp"

using namespace mekong;

namespace {

using mekong_test::shipped_model_path;

std::string read_slowly(const std::string& path) {  // a character at a time
  std::ifstream f(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

// The file's fields, read one at a time with a bounds check each (the format as to_bytes() writes it).
struct Reference {
  std::uint32_t version = 0, disabled = 0;
  float trans[4] = {};
  std::vector<std::pair<std::uint64_t, float>> weights;
  std::vector<WordModel::Pair> pairs;
  std::vector<std::uint64_t> sets[3];  // lexicon, lexicon_known, known
};

Reference parse_reference(const std::string& bytes) {
  Reference r;
  std::size_t pos = 8;
  auto get = [&](auto& v) {
    if (pos + sizeof v > bytes.size() - 8) throw std::runtime_error("reference: truncated");
    std::memcpy(&v, bytes.data() + pos, sizeof v);
    pos += sizeof v;
  };
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  if (stored != words::fnv1a(std::string_view(bytes).substr(0, bytes.size() - 8)))
    throw std::runtime_error("reference: checksum");
  get(r.version);
  get(r.disabled);
  for (float& t : r.trans) get(t);
  std::uint64_t n = 0;
  get(n);
  r.weights.resize(n);
  for (auto& [k, v] : r.weights) {
    get(k);
    get(v);
  }
  get(n);
  r.pairs.resize(n);
  for (auto& p : r.pairs) {
    get(p.key);
    get(p.bm1);
    get(p.bp1);
  }
  for (auto& set : r.sets) {
    get(n);
    set.resize(n);
    for (std::uint64_t& k : set) get(k);
  }
  if (pos != bytes.size() - 8) throw std::runtime_error("reference: trailing bytes");
  return r;
}

bool same_bits(float a, float b) { return std::memcmp(&a, &b, sizeof a) == 0; }

void expect_model_equals_reference(const WordModel& m, const Reference& r, const std::string& bytes) {
  std::size_t features = 0;
  for (const auto& [k, v] : r.weights) {
    features += k != 0;
    ASSERT_TRUE(same_bits(m.weight(k), v)) << "feature " << k;
  }
  EXPECT_EQ(m.feature_count(), features);
  std::set<std::uint64_t> pair_keys;
  for (const auto& p : r.pairs) {
    const WordModel::Pair* q = m.pair(p.key);
    ASSERT_NE(q, nullptr) << "pair " << p.key;
    EXPECT_EQ(q->key, p.key);
    EXPECT_TRUE(same_bits(q->bm1, p.bm1) && same_bits(q->bp1, p.bp1)) << "pair " << p.key;
    pair_keys.insert(p.key | 1);
  }
  EXPECT_EQ(m.pair_count(), pair_keys.size());
  for (std::uint64_t k : r.sets[0]) ASSERT_TRUE(m.in_long_lexicon(k)) << "lexicon key " << k;
  // Every slot of every table (the sets' too) and the checksum, written back: the file's bytes.
  EXPECT_EQ(m.to_bytes(), bytes);
}

std::string load_message(const std::string& bytes, const std::string& path) {
  { std::ofstream(path, std::ios::binary) << bytes; }
  try {
    WordModel::load(path);
  } catch (const std::invalid_argument& e) {
    std::remove(path.c_str());
    return e.what();
  }
  std::remove(path.c_str());
  return "no error";
}

std::string load_message_of(const std::string& path) {
  try {
    WordModel::load(path);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "no error";
}

// Rewrites the checksum of bytes changed on purpose, so the parse reaches the change.
std::string resealed(std::string bytes) {
  const std::uint64_t h = words::fnv1a(std::string_view(bytes).substr(0, bytes.size() - 8));
  std::memcpy(bytes.data() + bytes.size() - 8, &h, 8);
  return bytes;
}

}  // namespace

TEST(ModelLoad, ChecksumIsFnv1aAtEveryLength) {
  std::string s;
  std::uint64_t r = 11;
  for (std::size_t n = 0; n < 200; ++n) {
    EXPECT_EQ(words::fnv1a_checksum(s), words::fnv1a(s)) << "length " << n;
    r = words::mix(r + n);
    s.push_back(static_cast<char>(r & 0xff));
  }
  const std::string shipped = read_slowly(shipped_model_path());
  if (shipped.empty()) GTEST_SKIP() << "python/mekong/models/words.bin not found";
  EXPECT_EQ(words::fnv1a_checksum(shipped), words::fnv1a(shipped));
}

TEST(ModelLoad, ShippedModelEqualsTheReferenceParse) {
  const std::string path = shipped_model_path();
  const std::string bytes = read_slowly(path);
  if (bytes.empty()) GTEST_SKIP() << "python/mekong/models/words.bin not found";
  const Reference r = parse_reference(bytes);
  EXPECT_GT(r.weights.size() + r.pairs.size(), 1000u);
  expect_model_equals_reference(*WordModel::load(path), r, bytes);
  expect_model_equals_reference(*WordModel::from_bytes(bytes, path), r, bytes);
}

TEST(ModelLoad, TrainedModelEqualsTheReferenceParse) {
  std::vector<std::vector<std::string>> sentences;
  for (int i = 0; i < 20; ++i) {
    sentences.push_back({"hợp tác", "kinh tế", "với", "Lào"});
    sentences.push_back({"kinh tế", "và", "hợp tác", "bệnh viện", "chủ tịch"});
  }
  const std::string bytes =
      WordModel::train(sentences, {"hợp tác", "kinh tế", "chủ tịch tỉnh", "ủy ban nhân dân"}, {})->to_bytes();
  const Reference r = parse_reference(bytes);
  EXPECT_FALSE(r.sets[0].empty());
  const std::string path = (std::filesystem::temp_directory_path() / "mekong_model_load_trained.bin").string();
  { std::ofstream(path, std::ios::binary) << bytes; }
  const auto loaded = WordModel::load(path);
  std::remove(path.c_str());
  expect_model_equals_reference(*loaded, r, bytes);
  expect_model_equals_reference(*WordModel::from_bytes(bytes, "trained"), r, bytes);
}

TEST(ModelLoad, KeySetAnswersLikeAStdSetAfterSeal) {
  for (std::size_t n : {0u, 1u, 7u, 100u, 5000u}) {
    words::KeySet ks;
    std::set<std::uint64_t> ref;
    std::uint64_t r = n + 3;
    ks.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      r = words::mix(r + 1);
      ks.insert(r | 1);
      ref.insert(r | 1);
    }
    ks.seal();
    EXPECT_EQ(ks.size(), ref.size());
    for (std::uint64_t k : ref) ASSERT_TRUE(ks.count(k)) << "n " << n;
    for (int i = 0; i < 20000; ++i) {
      r = words::mix(r + 1);
      ASSERT_EQ(ks.count(r), ref.count(r) != 0);
    }
    EXPECT_EQ(ks.keys(), std::vector<std::uint64_t>(ref.begin(), ref.end()));
  }
}

TEST(ModelLoad, CorruptFilesGiveClearErrorsNamingTheFile) {
  const std::string bytes = read_slowly(shipped_model_path());
  if (bytes.empty()) GTEST_SKIP() << "python/mekong/models/words.bin not found";
  const std::string path = (std::filesystem::temp_directory_path() / "mekong_model_load_corrupt.bin").string();
  auto expect = [&](const std::string& b, const std::string& what) {
    const std::string message = load_message(b, path);
    EXPECT_NE(message.find("word model " + path + ": " + what), std::string::npos) << message;
  };
  std::string flipped = bytes;
  flipped[flipped.size() / 2] ^= 0x40;
  expect(flipped, "corrupt (checksum mismatch)");
  expect(bytes.substr(0, bytes.size() - 1), "corrupt (checksum mismatch)");
  expect(bytes.substr(0, 100), "corrupt (checksum mismatch)");
  expect(bytes.substr(0, 20), "truncated");
  expect(bytes.substr(0, 10), "truncated");
  expect("", "not a mekong word model (bad magic)");
  std::string version = bytes;
  version[8] = 9;
  expect(version, "version 9, but this mekong reads version 2");
  expect(resealed(bytes.substr(0, bytes.size() - 8) + "xxxxxxxx" + bytes.substr(bytes.size() - 8)),
         "corrupt (trailing bytes)");
  std::string count = bytes;  // the feature count, after magic, version, reserved and four floats
  const std::uint64_t huge = std::uint64_t{1} << 40;
  std::memcpy(count.data() + 32, &huge, 8);
  expect(resealed(count), "corrupt (feature count)");
  const Reference r = parse_reference(bytes);
  const std::size_t first_pair = 40 + 12 * r.weights.size() + 8;
  std::string nan = bytes;
  const float inf = INFINITY;
  std::memcpy(nan.data() + first_pair + 12, &inf, 4);
  expect(resealed(nan), "corrupt (weight is not finite)");
  std::string pairs = bytes;
  std::memcpy(pairs.data() + first_pair - 8, &huge, 8);
  expect(resealed(pairs), "corrupt (pair count)");
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "mekong_model_load_dir";
  std::filesystem::create_directories(dir);
  EXPECT_EQ(load_message_of(dir.string()), "word model " + dir.string() + ": cannot be read");
  std::filesystem::remove(dir);
  EXPECT_EQ(load_message_of("/nonexistent/words.bin"), "word model /nonexistent/words.bin: cannot be opened");
}
