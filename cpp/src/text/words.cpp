#include "mekong/text/words.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <map>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include "mekong/text/chars.hpp"
#include "mekong/text/utf8.hpp"
#include "mekong/util/parallel.hpp"

namespace mekong {

using namespace words;

namespace {

constexpr NormalizeConfig kCanonical{true, ToneStyle::traditional};
constexpr std::size_t kPollEvery = 1u << 16;  // syllables between cancel polls

// "ð" (U+00F0, Icelandic eth) is a common stand-in for "đ" (U+0111) in Vietnamese text: one syllable.
void canonical_eth(std::string& s) {
  for (std::size_t i = 0; i + 1 < s.size(); ++i)
    if (static_cast<unsigned char>(s[i]) == 0xC3 && static_cast<unsigned char>(s[i + 1]) == 0xB0) {
      s[i] = static_cast<char>(0xC4);
      s[i + 1] = static_cast<char>(0x91);
    }
}

bool is_latin_letter(char32_t c) { return c < 0x250 || (c >= 0x1E00 && c <= 0x1EFF); }

void set_prefixes(Syllable& s) {
  for (int p = 0; p < kPrefixes; ++p) s.pre[p] = key(kPrefixTemplate[p], s.hash);
}

// The prefixes of the boundary (s[i-2] before the start of a stretch).
const Syllable& boundary_syllable() {
  static const Syllable b = [] {
    Syllable s;
    s.hash = kBoundaryHash;
    set_prefixes(s);
    return s;
  }();
  return b;
}

// key(kShapeU, shape): the prefix of kShapeU's keys, one per shape.
const std::uint64_t* shape_u_prefixes() {
  static const auto table = [] {
    std::array<std::uint64_t, kShapes> t{};
    for (int a = 0; a < kShapes; ++a) t[a] = key(kShapeU, static_cast<std::uint64_t>(a));
    return t;
  }();
  return table.data();
}

std::uint64_t dict_key(const std::uint64_t* h, std::size_t n) {
  std::uint64_t k = mix(0x44494354ull ^ n);
  for (std::size_t i = 0; i < n; ++i) k = mix(k ^ h[i]);
  return k;
}

// key(kLexicon + n, s[0].hash, ..., s[n-1].hash), from the first syllable's memoised prefix.
std::uint64_t lexicon_key(const Syllable* s, std::size_t n) {
  switch (n) {
    case 2:
      return mix(s[0].pre[kPreLex2] ^ s[1].hash);
    case 3:
      return mix(mix(s[0].pre[kPreLex3] ^ s[1].hash) ^ s[2].hash);
    default:
      return mix(mix(mix(s[0].pre[kPreLex4] ^ s[1].hash) ^ s[2].hash) ^ s[3].hash);
  }
}

// Shape and joinability of one NFC token; `known` says whether its canonical hash is known.
Syllable describe(std::string_view token, std::uint64_t hash, bool known, bool link) {
  std::size_t letters = 0, upper = 0, digits = 0, other = 0, foreign = 0;
  bool first_upper = false;
  for (std::size_t i = 0; i < token.size();) {
    const char32_t c = utf8::next(token, i);  // bounded: a token may end inside a sequence
    const std::uint8_t cls = chars::classify(c);
    if (cls & chars::kLetter) {
      if (!is_latin_letter(c)) ++foreign;
      if (cls & chars::kUpper) {
        if (letters == 0) first_upper = true;
        ++upper;
      }
      ++letters;
    } else if (cls & chars::kNumber) {
      ++digits;
    } else if (!(cls & chars::kMark)) {
      ++other;
    }
  }
  Syllable s;
  s.hash = hash;
  if (foreign)
    s.shape = kForeign;
  else if (digits && !letters && !other)
    s.shape = kNumber;
  else if (digits || other || letters == 0)
    s.shape = kCode;
  else if (upper == 0)
    s.shape = known ? kLower : kUnknown;
  else if (first_upper && upper == 1)
    s.shape = kTitle;
  else if (upper == letters && letters >= 2)
    s.shape = kUpper;
  else
    s.shape = kCode;
  s.joinable = !link && (s.shape == kLower || s.shape == kTitle || s.shape == kUpper);
  return s;
}

// Viterbi over tags B (0) and I (1): `emit(i)` is the score of B at i (I scores 0), `allowed[i]`
// bit 0 permits B and bit 1 permits I. Ties go to B. Linear time; `back` holds 2 bits per position.
template <class Emit>
void viterbi(std::size_t n, const Emit& emit, const std::uint8_t* allowed, const float (&trans)[2][2],
             std::uint8_t* back, std::uint8_t* begins) {
  if (n == 0) return;
  constexpr double kNone = -std::numeric_limits<double>::infinity();
  double b = 0, in = kNone;  // position 0 is always B
  back[0] = 0;
  for (std::size_t i = 1; i < n; ++i) {
    const double e = emit(i);
    const double bb = b + trans[0][0], ib = in + trans[1][0];
    const double bi = b + trans[0][1], ii = in + trans[1][1];
    double nb = (bb >= ib ? bb : ib) + e, ni = bi >= ii ? bi : ii;
    std::uint8_t bk = static_cast<std::uint8_t>((bb >= ib ? 0 : 1) | (bi >= ii ? 0 : 2));
    if (!(allowed[i] & 1)) nb = kNone;
    if (!(allowed[i] & 2)) ni = kNone;
    back[i] = bk;
    b = nb;
    in = ni;
  }
  int tag = b >= in ? 0 : 1;
  for (std::size_t i = n; i-- > 0;) {
    begins[i] = tag == 0;
    const int prev = tag == 0 ? (back[i] & 1) : ((back[i] >> 1) & 1);
    tag = prev;
  }
}

// The lexicon flag mask at i from the 3-bit lexstart values of i-3 .. i packed in 12 bits (i-3 lowest).
const std::uint16_t* lex_window_masks() {
  static const auto table = [] {
    std::array<std::uint16_t, 1u << 12> t{};
    for (unsigned w = 0; w < t.size(); ++w)
      for (int k = 0; k < kLexFlagCount; ++k)
        if ((w >> ((kLexFlags[k].start + 3) * 3 + kLexFlags[k].len - 2)) & 1u) t[w] |= 1u << k;
    return t;
  }();
  return table.data();
}

unsigned lex_mask_at(const std::uint8_t* lexstart, std::size_t n, std::size_t i) {
  unsigned mask = 0;
  for (int k = 0; k < kLexFlagCount; ++k) {
    const long start = static_cast<long>(i) + kLexFlags[k].start;
    const int len = kLexFlags[k].len;
    if (start >= 0 && start + len <= static_cast<long>(n) && ((lexstart[start] >> (len - 2)) & 1)) mask |= 1u << k;
  }
  return mask;
}

void fill_lexstart(const WordModel& model, const Syllable* sy, std::size_t n, std::uint8_t* lexstart) {
  const std::size_t most = (model.disabled() & kNoLex4) ? 3 : kMaxLexicon;
  for (std::size_t k = 0; k < n; ++k) {
    // The keys of the 2-, 3- and 4-syllable n-grams from k, their slots prefetched before any is probed.
    std::uint64_t keys[kMaxLexicon + 1] = {};
    const std::size_t longest = std::min<std::size_t>(most, n - k);
    for (std::size_t len = 2; len <= longest; ++len) {
      keys[len] = lexicon_key(sy + k, len);
      model.prefetch_lexicon(keys[len]);
    }
    std::uint8_t bits = 0;
    for (std::size_t len = 2; len <= longest; ++len)
      if (model.in_lexicon(keys[len])) bits |= static_cast<std::uint8_t>(1u << (len - 2));
    lexstart[k] = bits;
  }
}

// kCapRun's count at each syllable: the kTitle syllables just before it, at most 3.
void cap_runs(const Syllable* sy, std::size_t n, std::vector<std::uint8_t>& out) {
  out.resize(n);
  unsigned run = 0;
  for (std::size_t i = 0; i < n; ++i) {
    out[i] = static_cast<std::uint8_t>(std::min(run, 3u));
    run = sy[i].shape == kTitle ? run + 1 : 0;
  }
}

template <class T>
void put(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));
  out.append(b, sizeof(T));
}

}  // namespace

// fnv1a() unrolled eight bytes a step: the same function (a file's stored checksum still verifies),
// with a third of the instructions per byte on a model file's half megabyte.
std::uint64_t words::fnv1a_checksum(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8)
    for (std::size_t b = 0; b < 8; ++b) {
      h ^= p[i + b];
      h *= 0x100000001b3ull;
    }
  for (; i < s.size(); ++i) {
    h ^= p[i];
    h *= 0x100000001b3ull;
  }
  return h;
}

namespace {
// longest_match() over a lexstart with three readable zero bytes before it (no bound checks).
void longest_match_padded(const std::uint8_t* ls, std::size_t n, std::uint8_t* out) {
  // The longest word a 3-bit mask of lengths 2, 3, 4 holds (1: none, one syllable).
  static constexpr std::uint8_t kLongest[8] = {1, 2, 3, 3, 4, 4, 4, 4};
  std::fill(out, out + n, std::uint8_t{0});
  for (std::size_t k = 0; k < n; k += kLongest[ls[k] & 7u]) out[k] = 1;  // from the left
  for (std::size_t e = n; e > 0;) {  // from the right: the longest word ending at e - 1
    const long j = static_cast<long>(e);
    const std::size_t len = ((ls[j - 4] >> 2) & 1u) ? 4 : ((ls[j - 3] >> 1) & 1u) ? 3 : (ls[j - 2] & 1u) ? 2 : 1;
    out[e - len] |= 2;
    e -= len;
  }
}
}  // namespace

void words::longest_match(const std::uint8_t* lexstart, std::size_t n, std::uint8_t* out) {
  std::vector<std::uint8_t> padded(3, 0);  // three zero bytes, then lexstart
  padded.insert(padded.end(), lexstart, lexstart + n);
  longest_match_padded(padded.data() + 3, n, out);
}

void KeyFilter::build(const std::vector<std::uint64_t>& keys) {
  std::uint64_t bits = 1024;
  while (bits < keys.size() * 16) bits *= 2;
  bits_.assign(bits / 64, 0);
  mask_ = bits - 1;
  for (std::uint64_t k : keys) {
    const std::uint64_t b = (k >> 32) & mask_;
    bits_[b >> 6] |= std::uint64_t{1} << (b & 63);
  }
}

void KeySet::reserve(std::size_t n) {
  std::size_t cap = 16;
  while (cap < n * 2 + 2) cap *= 2;
  if (cap <= slots_.size()) return;
  std::vector<std::uint64_t> old;
  old.swap(slots_);
  slots_.assign(cap, 0);
  mask_ = cap - 1;
  n_ = 0;
  for (std::uint64_t k : old)
    if (k) insert(k);
}

void KeySet::insert(std::uint64_t k) {
  if (k == 0) return;
  filter_ = KeyFilter();  // an empty filter lets every key through until seal()
  if ((n_ + 1) * 2 > slots_.size()) reserve(std::max<std::size_t>(n_ + 1, slots_.size()));
  std::size_t i = k & mask_;
  while (slots_[i] != 0 && slots_[i] != k) i = (i + 1) & mask_;
  if (slots_[i] == 0) {
    slots_[i] = k;
    ++n_;
  }
}

void KeySet::seal() {
  // The filter does not care for order: the keys as they lie in the table, not sorted as keys() gives them.
  std::vector<std::uint64_t> k;
  k.reserve(n_);
  for (std::uint64_t slot : slots_)
    if (slot) k.push_back(slot);
  filter_.build(k);
}

std::vector<std::uint64_t> KeySet::keys() const {
  std::vector<std::uint64_t> out;
  for (std::uint64_t k : slots_)
    if (k) out.push_back(k);
  std::sort(out.begin(), out.end());
  return out;
}

void word_features(const Syllable* sy, const std::uint8_t* gap, const std::uint8_t* lexstart, const std::uint8_t* match,
                   std::size_t n, std::size_t i, std::vector<std::uint64_t>& out, std::uint32_t disabled) {
  out.clear();
  auto h = [&](long k) { return k < 0 || k >= static_cast<long>(n) ? kBoundaryHash : sy[k].hash; };
  auto s = [&](long k) -> std::uint64_t {
    return k < 0 || k >= static_cast<long>(n) ? std::uint64_t{kBoundary} : sy[k].shape;
  };
  const long j = static_cast<long>(i);
  auto on = [&](std::uint64_t t) { return !(disabled & template_bit(t)); };
  if (on(kBias)) out.push_back(key(kBias, 1));
  if (on(kU0)) out.push_back(key(kU0, h(j)));
  if (on(kUm1)) out.push_back(key(kUm1, h(j - 1)));
  if (on(kUp1)) out.push_back(key(kUp1, h(j + 1)));
  if (on(kBm1)) out.push_back(key(kBm1, h(j - 1), h(j)));
  if (on(kBp1)) out.push_back(key(kBp1, h(j), h(j + 1)));
  if (on(kBm2)) out.push_back(key(kBm2, h(j - 2), h(j - 1)));
  if (on(kT0)) out.push_back(key(kT0, h(j - 1), h(j), h(j + 1)));
  if (on(kTm1)) out.push_back(key(kTm1, h(j - 2), h(j - 1), h(j)));
  if (on(kShape)) out.push_back(key(kShape, s(j - 1), s(j), s(j + 1), gap[i]));
  if (on(kShapeU)) out.push_back(key(kShapeU, s(j - 1), h(j)));
  if (on(kUShape)) out.push_back(key(kUShape, h(j - 1), s(j)));
  if (on(kSkip)) out.push_back(key(kSkip, h(j - 1), h(j + 1)));
  const unsigned mask = lex_mask_at(lexstart, n, i);
  if (on(kLexMask)) out.push_back(key(kLexMask, mask));
  if (on(kLexShape)) out.push_back(key(kLexShape, mask & 3u, s(j - 1), s(j)));
  if (!(disabled & kNoLexFlags))
    for (int k = 0; k < kLexFlagCount; ++k)
      if (mask & (1u << k)) out.push_back(key(kLexFlag + k, 1));
  if (on(kMatch)) out.push_back(key(kMatch, match[i], s(j - 1), s(j)));
  if (on(kCapRun)) {
    unsigned run = 0;
    for (long k = j - 1; k >= 0 && run < 3 && sy[k].shape == kTitle; --k) ++run;
    out.push_back(key(kCapRun, run, s(j), s(j + 1)));
  }
}

// ---- the model ----

WordModel::WordModel() : canonical_(kCanonical) {}

float WordModel::weight(std::uint64_t k) const {
  if (slots_.empty() || k == 0 || !filter_.maybe(k)) return 0.0f;
  for (std::size_t i = k & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.key == k) return s.weight;
    if (s.key == 0) return 0.0f;
  }
}

void WordModel::set_weights(std::vector<std::pair<std::uint64_t, float>> weights) {
  std::size_t cap = 16;
  while (cap < weights.size() * 2 + 2) cap *= 2;
  slots_.assign(cap, Slot{});
  mask_ = cap - 1;
  n_features_ = 0;
  for (const auto& [k, w] : weights) {
    if (k == 0) continue;
    std::size_t i = k & mask_;
    while (slots_[i].key != 0 && slots_[i].key != k) i = (i + 1) & mask_;
    if (slots_[i].key == 0) ++n_features_;
    slots_[i] = {k, w};
  }
  std::vector<std::uint64_t> keys;
  keys.reserve(n_features_);
  for (const Slot& slot : slots_)
    if (slot.key) keys.push_back(slot.key);
  filter_.build(keys);
  lexicon_.seal();
  lexicon_known_.seal();
  known_.seal();
  derive_tables();
}

void WordModel::set_pairs(const std::vector<Pair>& pairs) {
  // Filled up to 3/4 (not 1/2 as the feature table): most pairs a text looks up are absent and the filter
  // answers them; a present pair is found within its line, and a smaller table misses the cache less.
  std::size_t cap = 16;
  while (cap * 3 < pairs.size() * 4 + 4) cap *= 2;
  pairs_.assign(cap, Pair{});
  pair_mask_ = cap - 1;
  n_pairs_ = n_pair_words_ = 0;
  std::vector<std::uint64_t> keys;
  keys.reserve(pairs.size());
  for (const Pair& p : pairs) {
    if ((p.key | 1) == 1) continue;  // keys 0 and 1 would read as an empty slot
    std::size_t i = (p.key >> 1) & pair_mask_;
    while (pairs_[i].key != 0 && (pairs_[i].key | 1) != (p.key | 1)) i = (i + 1) & pair_mask_;
    if (pairs_[i].key == 0) {
      ++n_pairs_;
      n_pair_words_ += p.key & 1;
      keys.push_back(p.key);
    }
    pairs_[i] = p;
  }
  pair_filter_.build(keys);  // the filter reads bits 32.., never bit 0
}

std::size_t WordModel::lexicon_size() const { return lexicon_.size() + n_pair_words_; }

void WordModel::derive_tables() {
  shape_w_.assign(kShapes * kShapes * kShapes * 2, 0.0f);
  for (int a = 0; a < kShapes; ++a)
    for (int b = 0; b < kShapes; ++b)
      for (int c = 0; c < kShapes; ++c)
        for (int g = 0; g < 2; ++g) shape_w_[((a * 8 + b) * 8 + c) * 2 + g] = weight(key(kShape, a, b, c, g));
  lex_mask_w_.assign(1u << kLexFlagCount, 0.0f);
  for (unsigned m = 0; m < lex_mask_w_.size(); ++m) lex_mask_w_[m] = weight(key(kLexMask, m));
  lex_shape_w_.assign(4 * kShapes * kShapes, 0.0f);
  for (unsigned f = 0; f < 4; ++f)
    for (int a = 0; a < kShapes; ++a)
      for (int b = 0; b < kShapes; ++b) lex_shape_w_[(f * 8 + a) * 8 + b] = weight(key(kLexShape, f, a, b));
  for (int k = 0; k < kLexFlagCount; ++k) lex_flag_w_[k] = weight(key(kLexFlag + k, 1));
  match_w_.assign(4 * kShapes * kShapes, 0.0f);
  cap_run_w_.assign(4 * kShapes * kShapes, 0.0f);
  for (unsigned v = 0; v < 4; ++v)
    for (int a = 0; a < kShapes; ++a)
      for (int b = 0; b < kShapes; ++b) {
        match_w_[(v * 8 + a) * 8 + b] = weight(key(kMatch, v, a, b));
        cap_run_w_[(v * 8 + a) * 8 + b] = weight(key(kCapRun, v, a, b));
      }
  bias_ = weight(key(kBias, 1));
  boundary_up1_ = weight(key(kUp1, kBoundaryHash));
}

std::string WordModel::to_bytes() const {
  std::string out(kMagic, sizeof kMagic);
  put<std::uint32_t>(out, kVersion);
  put<std::uint32_t>(out, disabled_);
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) put<float>(out, trans_[a][b]);
  std::vector<std::pair<std::uint64_t, float>> w;
  for (const Slot& s : slots_)
    if (s.key) w.emplace_back(s.key, s.weight);
  std::sort(w.begin(), w.end());
  put<std::uint64_t>(out, w.size());
  for (const auto& [k, v] : w) {
    put<std::uint64_t>(out, k);
    put<float>(out, v);
  }
  std::vector<Pair> pairs;
  for (const Pair& p : pairs_)
    if (p.key) pairs.push_back(p);
  std::sort(pairs.begin(), pairs.end(), [](const Pair& a, const Pair& b) { return a.key < b.key; });
  put<std::uint64_t>(out, pairs.size());
  for (const Pair& p : pairs) {
    put<std::uint64_t>(out, p.key);
    put<float>(out, p.bm1);
    put<float>(out, p.bp1);
  }
  for (const auto* set : {&lexicon_, &lexicon_known_, &known_}) {
    const std::vector<std::uint64_t> keys = set->keys();
    put<std::uint64_t>(out, keys.size());
    for (std::uint64_t k : keys) put<std::uint64_t>(out, k);
  }
  put<std::uint64_t>(out, fnv1a_checksum(out));
  return out;
}

std::shared_ptr<const WordModel> WordModel::from_bytes(std::string_view bytes, const std::string& name) {
  auto fail = [&](const std::string& why) { throw std::invalid_argument("word model " + name + ": " + why); };
  std::size_t pos = 0;
  auto need = [&](std::size_t n) {
    if (bytes.size() - pos < n) fail("truncated (file is " + std::to_string(bytes.size()) + " bytes)");
  };
  auto get = [&](auto& v) {
    need(sizeof v);
    std::memcpy(&v, bytes.data() + pos, sizeof v);
    pos += sizeof v;
  };
  if (bytes.size() < sizeof kMagic || std::memcmp(bytes.data(), kMagic, sizeof kMagic) != 0)
    fail("not a mekong word model (bad magic)");
  pos = sizeof kMagic;
  std::uint32_t version = 0, reserved = 0;
  get(version);
  get(reserved);
  if (version != kVersion)
    fail("version " + std::to_string(version) + ", but this mekong reads version " + std::to_string(kVersion));
  if (bytes.size() < pos + 8) fail("truncated");
  std::uint64_t stored = 0;
  std::memcpy(&stored, bytes.data() + bytes.size() - 8, 8);
  if (stored != fnv1a_checksum(bytes.substr(0, bytes.size() - 8))) fail("corrupt (checksum mismatch)");
  bytes = bytes.substr(0, bytes.size() - 8);
  std::shared_ptr<WordModel> m(new WordModel());
  m->disabled_ = reserved;
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) get(m->trans_[a][b]);
  std::uint64_t n = 0;
  get(n);
  if (n > (bytes.size() - pos) / 12) fail("corrupt (feature count)");
  // The counts are checked against the bytes left, so the entries are read without a check each.
  std::vector<std::pair<std::uint64_t, float>> w(n);
  for (auto& [k, v] : w) {
    std::memcpy(&k, bytes.data() + pos, 8);
    std::memcpy(&v, bytes.data() + pos + 8, 4);
    pos += 12;
    if (!std::isfinite(v)) fail("corrupt (weight is not finite)");
  }
  get(n);
  if (n > (bytes.size() - pos) / 16) fail("corrupt (pair count)");
  std::vector<Pair> pairs(n);
  for (Pair& p : pairs) {
    std::memcpy(&p.key, bytes.data() + pos, 8);
    std::memcpy(&p.bm1, bytes.data() + pos + 8, 4);
    std::memcpy(&p.bp1, bytes.data() + pos + 12, 4);
    pos += 16;
    if (!std::isfinite(p.bm1) || !std::isfinite(p.bp1)) fail("corrupt (weight is not finite)");
  }
  m->set_pairs(pairs);
  for (auto* set : {&m->lexicon_, &m->lexicon_known_, &m->known_}) {
    get(n);
    if (n > (bytes.size() - pos) / 8) fail("corrupt (set size)");
    set->reserve(n);
    for (std::uint64_t i = 0; i < n; ++i) {
      std::uint64_t k = 0;
      std::memcpy(&k, bytes.data() + pos, 8);
      pos += 8;
      set->insert(k);
    }
  }
  if (pos != bytes.size()) fail("corrupt (trailing bytes)");
  m->set_weights(std::move(w));
  return m;
}

std::shared_ptr<const WordModel> WordModel::load(const std::string& path) {
  static std::mutex mutex;
  static std::map<std::string, std::shared_ptr<const WordModel>> cache;
  std::lock_guard<std::mutex> lock(mutex);
  const auto it = cache.find(path);
  if (it != cache.end()) return it->second;
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::invalid_argument("word model " + path + ": cannot be opened");
  // A regular file is read in one call into a buffer of its size (a character at a time cost more
  // than parsing the model); anything else (a pipe, a device) is read as a stream to its end.
  std::error_code ec;
  const bool regular = std::filesystem::is_regular_file(path, ec);
  const std::uintmax_t size = regular ? std::filesystem::file_size(path, ec) : 0;
  std::string bytes;
  if (regular && !ec) {
    bytes.resize(static_cast<std::size_t>(size));
    f.read(bytes.data(), static_cast<std::streamsize>(size));
    bytes.resize(static_cast<std::size_t>(f.gcount()));  // a file cut meanwhile reads short: "truncated"
  } else {
    try {
      bytes.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    } catch (const std::ios_base::failure&) {  // a directory: the stream's read throws
      throw std::invalid_argument("word model " + path + ": cannot be read");
    }
  }
  if (f.bad()) throw std::invalid_argument("word model " + path + ": cannot be read");
  auto m = from_bytes(bytes, path);
  cache.emplace(path, m);
  return m;
}

// ---- segmentation ----

WordSegmenter::WordSegmenter(std::shared_ptr<const WordModel> model,
                             const std::vector<std::vector<std::string>>* dictionary, std::size_t memo_bound)
    : model_(std::move(model)), memo_bound_(std::max<std::size_t>(memo_bound, 1)) {
  if (!model_) throw std::invalid_argument("WordSegmenter needs a model");
  if (dictionary) {
    std::vector<std::uint64_t> h;
    for (const auto& word : *dictionary) {
      if (word.size() < 2) throw std::invalid_argument("a user dictionary word needs two or more syllables");
      h.clear();
      for (const std::string& syl : word) {
        scratch_.clear();
        model_->canonical().fold_token(syl, scratch_);
        h.push_back(fnv1a(scratch_));
      }
      dictionary_.insert(dict_key(h.data(), h.size()));
      dictionary_max_ = std::max(dictionary_max_, word.size());
    }
  }
  take_memo();
}

WordSegmenter::~WordSegmenter() { give_memo(); }

// Never destroyed: a segmenter that ends while the process exits (a worker thread, an object freed
// late) must still find the pool and its mutex.
std::mutex& WordSegmenter::pool_mutex() {
  static auto* mu = new std::mutex;
  return *mu;
}

std::vector<WordSegmenter::PooledMemo>& WordSegmenter::pool() {
  static auto* memos = new std::vector<PooledMemo>;
  return *memos;
}

void WordSegmenter::take_memo() {
  std::lock_guard<std::mutex> lock(pool_mutex());
  auto& memos = pool();
  // Memos of models that are gone can serve no segmenter: dropped first, so indices below are stable.
  memos.erase(std::remove_if(memos.begin(), memos.end(), [](const PooledMemo& e) { return e.model.expired(); }),
              memos.end());
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::size_t best = kNone;
  for (std::size_t i = 0; i < memos.size(); ++i)
    if (memos[i].model.lock() == model_ && (best == kNone || memos[i].syllables.size() > memos[best].syllables.size()))
      best = i;
  if (best == kNone) return;
  memo_raw_ = std::move(memos[best].raw);
  memo_ = std::move(memos[best].syllables);
  memo_shapes_ = std::move(memos[best].shapes);
  memos.erase(memos.begin() + static_cast<long>(best));
}

void WordSegmenter::give_memo() {
  if (!pooled_ || memo_.empty() || memo_.size() > kPooledForms) return;
  PooledMemo m{model_, std::move(memo_raw_), std::move(memo_), std::move(memo_shapes_)};
  std::lock_guard<std::mutex> lock(pool_mutex());
  auto& memos = pool();
  memos.erase(std::remove_if(memos.begin(), memos.end(), [](const PooledMemo& e) { return e.model.expired(); }),
              memos.end());
  if (memos.size() < kPooledMemos) {
    memos.push_back(std::move(m));
    return;
  }
  // Full: the smallest memo makes room for a larger one (more forms already looked up).
  auto smallest = std::min_element(memos.begin(), memos.end(), [](const PooledMemo& a, const PooledMemo& b) {
    return a.syllables.size() < b.syllables.size();
  });
  if (smallest->syllables.size() < m.syllables.size()) *smallest = std::move(m);
}

namespace {

// Whether `t` is 1 to 4 letters without tone marks (chars::toneless_letter), all capitals ("TP", "HCM", "Ư"), or when
// `mixed` also a capital and a lower-case letter ("Tp"): longer capitalised words are syllables ("Nam.UBND" is a
// sentence run on without a space).
bool abbreviation_part(std::string_view t, bool mixed) {
  int kinds[5];
  std::size_t letters = 0;
  for (std::size_t i = 0; i < t.size();) {
    const int kind = chars::toneless_letter(utf8::next(t.data(), i));
    if (kind == 0 || letters == 4) return false;
    kinds[letters++] = kind;
  }
  if (letters == 0 || kinds[0] != 2) return false;
  if (mixed && letters == 2 && kinds[1] == 1) return true;
  for (std::size_t k = 1; k < letters; ++k)
    if (kinds[k] != 2) return false;
  return true;
}

}  // namespace

bool WordSegmenter::number_glue(std::string_view left, std::string_view gap, std::string_view right) {
  if (gap.size() != 1 || left.empty() || right.empty()) return false;
  const char g = gap[0];
  if (g != '.' && g != ',' && g != '/' && g != '-' && g != ':') return false;
  for (std::string_view t : {left, right})
    for (char c : t)
      if (c < '0' || c > '9') return false;
  return true;
}

bool WordSegmenter::abbreviation_glue(std::string_view left, std::string_view gap, std::string_view right) {
  // An abbreviation with a dot inside ("TP.HCM", "Tp.HCM", "T.Ư", "U.S.A"): capitals after the dot, so
  // a sentence run on without a space ("Hà Nội.Ông", "Nam.UBND", "ASEAN.Hội nghị") stays two.
  // Or an ampersand between capitals only ("NN&PTNT", "AT&T", "H&M"), as underthesea reads them.
  if (gap.size() != 1 || (gap[0] != '.' && gap[0] != '&')) return false;
  return abbreviation_part(left, gap[0] == '.') && abbreviation_part(right, false);
}

bool WordSegmenter::glued(std::string_view left, std::string_view gap, std::string_view right) {
  return number_glue(left, gap, right) || abbreviation_glue(left, gap, right);
}

int WordSegmenter::gap_kind(std::string_view gap) {
  if (gap.empty()) return -1;  // tokens that touch (a script without spaces): ICU already made words
  if (gap == "-" || gap == "\u2010" || gap == "\u2011") return 1;
  for (std::size_t i = 0; i < gap.size(); ++i) {
    const char c = gap[i];
    if (c == ' ' || c == '\t') continue;
    if (static_cast<unsigned char>(c) == 0xC2 && i + 1 < gap.size() && static_cast<unsigned char>(gap[i + 1]) == 0xA0) {
      ++i;
      continue;
    }
    return -1;
  }
  return 0;
}

void WordSegmenter::bound_memo() {
  if (memo_.size() < memo_bound_) return;  // a fixed memo: start afresh past memo_bound_ forms
  memo_raw_ = SyllableMemoKeys();
  ++memo_generation_;
  memo_.clear();
  memo_shapes_.clear();
}

std::uint32_t WordSegmenter::syllable_id(std::string_view token) {
  bool added = false;
  const std::uint32_t id = memo_raw_.intern(token, &added);
  if (!added) return id;
  scratch_.clear();
  model_->canonical().fold_token(token, scratch_);
  canonical_eth(scratch_);
  const std::uint64_t h = fnv1a(scratch_);
  Syllable s = describe(token, h, model_->known(h), false);
  s.u0 = model_->weight(key(kU0, h));
  s.um1 = model_->weight(key(kUm1, h));
  s.up1 = model_->weight(key(kUp1, h));
  set_prefixes(s);
  memo_.push_back(s);
  ShapeWeights sw;
  for (int a = 0; a < kShapes; ++a) {
    sw.shape_u[a] = model_->weight(key(kShapeU, static_cast<std::uint64_t>(a), h));
    sw.u_shape[a] = model_->weight(key(kUShape, h, static_cast<std::uint64_t>(a)));
  }
  memo_shapes_.push_back(sw);
  return id;
}

Syllable WordSegmenter::syllable(std::string_view token, bool link) {
  bound_memo();
  Syllable r = memo_[syllable_id(token)];
  if (link) r.joinable = false;
  return r;
}

bool WordSegmenter::in_lexicon(const std::vector<std::string_view>& syllables) {
  if (syllables.size() < 2 || syllables.size() > kMaxLexicon) return false;
  Syllable s[kMaxLexicon];
  for (std::size_t i = 0; i < syllables.size(); ++i) s[i] = syllable(syllables[i], false);
  return model_->in_lexicon(lexicon_key(s, syllables.size()));
}

namespace {
// The lexicon flag masks of a stretch from its lexstart bits.
void lex_masks(const std::uint8_t* lexstart, std::size_t n, std::vector<std::uint8_t>& lexpad,
               std::vector<std::uint16_t>& lex) {
  // The flags read lexstart at i-3 .. i: with three zero bytes in front no bound is checked (a bit of
  // lexstart[k] is set only when its word ends inside the stretch), the same masks as lex_mask_at().
  lexpad.assign(n + 3, 0);
  std::memcpy(lexpad.data() + 3, lexstart, n);
  lex.resize(n);
  const std::uint8_t* ls = lexpad.data() + 3;
  for (std::size_t i = 0; i < n; ++i) {
    unsigned mask = 0;
    for (int k = 0; k < kLexFlagCount; ++k)  // unrolled: the flags are constants
      mask |= ((ls[static_cast<long>(i) + kLexFlags[k].start] >> (kLexFlags[k].len - 2)) & 1u) << k;
    lex[i] = static_cast<std::uint16_t>(mask);
  }
}
}  // namespace

void WordSegmenter::prepare_stretch(std::size_t n) {
  lexstart_.resize(n);
  fill_lexstart(*model_, sy_.data(), n, lexstart_.data());
  lex_masks(lexstart_.data(), n, lexpad_, lex_);
  match_.resize(n);
  longest_match(lexstart_.data(), n, match_.data());
  cap_runs(sy_.data(), n, caprun_);
  brief_.resize(n);
  for (std::size_t i = 0; i < n; ++i) brief_[i] = {sy_[i].hash, sy_[i].shape, sy_[i].joinable};
  constrain(n);
}

void WordSegmenter::own_word_abbreviations(std::size_t n) {
  // An abbreviation glued across its dot is a word of its own: the model never joins a neighbour to
  // it ("Nguyễn" + "V.A", "T.Ư" + "Đảng"), as a number never joins one.
  if (glue_.size() != n) return;
  for (std::size_t i = 1; i < n; ++i) {
    if (glue_[i] != 2) continue;
    if (!glue_[i - 1]) allowed_[i - 1] = 1;
    if (i + 1 < n && !glue_[i + 1]) allowed_[i + 1] = 1;
  }
}

void WordSegmenter::constrain(std::size_t n) {
  allowed_.assign(n, 3);
  allowed_[0] = 1;
  for (std::size_t i = 0; i < n; ++i)
    if (!brief_[i].joinable) {
      allowed_[i] = 1;
      if (i + 1 < n) allowed_[i + 1] = 1;
    }
  if (glue_.size() == n)
    for (std::size_t i = 1; i < n; ++i)
      if (glue_[i]) allowed_[i] = 2;
  // A hyphen between letters makes one word, as transliterations are written ("Xay-nhạ-phon",
  // "Ắt-ta-pư"): the writer joined them, so unknown syllables join here on purpose.
  for (std::size_t i = 1; i < n; ++i)
    if (gap_[i] == 1 && brief_[i - 1].shape != kNumber && brief_[i].shape != kNumber &&
        brief_[i - 1].shape != kForeign && brief_[i].shape != kForeign)
      allowed_[i] = 2;
  own_word_abbreviations(n);
  if (dictionary_max_ == 0) return;
  std::uint64_t h[64];
  const std::size_t longest = std::min<std::size_t>(dictionary_max_, 64);
  for (std::size_t k = 0; k < n;) {
    std::size_t matched = 0;
    for (std::size_t len = std::min(longest, n - k); len >= 2; --len) {
      for (std::size_t t = 0; t < len; ++t) h[t] = brief_[k + t].hash;
      if (dictionary_.count(dict_key(h, len))) {
        matched = len;
        break;
      }
    }
    // A match that would cut a glued pair ("HCM phát" of "TP.HCM phát") is not taken: glued tokens
    // are one word whatever else says.
    if (!matched || (glue_.size() == n && ((k > 0 && glue_[k]) || (k + matched < n && glue_[k + matched])))) {
      ++k;
      continue;
    }
    allowed_[k] = 1;
    for (std::size_t t = 1; t < matched; ++t) allowed_[k + t] = 2;
    if (k + matched < n) allowed_[k + matched] = 1;
    k += matched;
  }
}

float WordSegmenter::score(std::size_t i) const {
  const WordModel& m = *model_;
  const std::size_t n = sy_.size();
  const Syllable* s = sy_.data();
  const Syllable& sm2 = i >= 2 ? s[i - 2] : boundary_syllable();
  const Syllable& sm1 = s[i - 1];
  const std::uint64_t hm1 = s[i - 1].hash, h0 = s[i].hash;
  const std::uint64_t hp1 = i + 1 < n ? s[i + 1].hash : kBoundaryHash;
  const int sp1 = i + 1 < n ? int{s[i + 1].shape} : int{kBoundary};
  float e = m.bias_;
  e += s[i].u0;  // the unigram weights were looked up once per distinct syllable
  e += s[i - 1].um1;
  e += i + 1 < n ? s[i + 1].up1 : m.boundary_up1_;
  // All keys first, their slots prefetched, then the lookups: the misses overlap instead of queueing.
  // The keys of word_features(), from the syllables' memoised prefixes: key(t, a, b) = mix(key(t, a) ^ b).
  // kBm1 and kBp1 are read from the pair table, by the pairs' lexicon keys key(kLexicon + 2, a, b).
  const WordModel::Pair* left = m.pair(mix(sm1.pre[kPreLex2] ^ h0));
  const WordModel::Pair* right = m.pair(mix(s[i].pre[kPreLex2] ^ hp1));
  e += left ? left->bm1 : 0.0f;
  e += right ? right->bp1 : 0.0f;
  const std::uint64_t keys[6] = {mix(sm2.pre[kPreBm2] ^ hm1),           mix(mix(sm1.pre[kPreT0] ^ h0) ^ hp1),
                                 mix(mix(sm2.pre[kPreTm1] ^ hm1) ^ h0), mix(shape_u_prefixes()[s[i - 1].shape] ^ h0),
                                 mix(sm1.pre[kPreUShape] ^ s[i].shape), mix(sm1.pre[kPreSkip] ^ hp1)};
  for (std::uint64_t k : keys) m.prefetch(k);
  for (std::uint64_t k : keys) e += m.weight(k);  // the same order as the fast path: the same sums
  e += m.shape_weight(s[i - 1].shape, s[i].shape, sp1, gap_[i]);
  const unsigned mask = lex_[i];
  e += m.lex_mask_w_[mask];
  e += m.lex_shape_weight(mask & 3u, s[i - 1].shape, s[i].shape);
  for (unsigned b = mask; b; b &= b - 1) e += m.lex_flag_w_[__builtin_ctz(b)];
  e += m.match_weight(match_[i], s[i - 1].shape, s[i].shape);
  e += m.cap_run_weight(caprun_[i], s[i].shape, sp1);
  return e;
}

void WordSegmenter::decode_fast(std::size_t n, std::uint8_t* begins) {
  const WordModel& m = *model_;
  const Syllable* memo = memo_.data();
  const std::uint32_t* id = ids_.data();
  const Syllable& edge = boundary_syllable();
  if (dictionary_max_ > 0) {  // the dictionary's longest match reads the hashes: the general pass
    brief_.resize(n);
    for (std::size_t i = 0; i < n; ++i) brief_[i] = {memo[id[i]].hash, memo[id[i]].shape, joinable_[i] != 0};
    constrain(n);
  } else {
    // constrain()'s rules in one pass, without its copies (the same allowed_): a syllable that may not
    // join, and the one after it, begin words; a glued token, then a hyphen between non-numbers and
    // non-foreign syllables, continue the word.
    allowed_.resize(n);
    allowed_[0] = 1;
    for (std::size_t i = 1; i < n; ++i) {
      std::uint8_t a = joinable_[i] && joinable_[i - 1] ? 3 : 1;
      if (glue_[i]) a = 2;
      const int sa = memo[id[i - 1]].shape, sb = memo[id[i]].shape;
      if (gap_[i] == 1 && sa != kNumber && sb != kNumber && sa != kForeign && sb != kForeign) a = 2;
      allowed_[i] = a;
    }
    own_word_abbreviations(n);
  }
  // Every key of the stretch first: the lexicon's (fill_lexstart's, from the memo in place) and
  // score()'s, so the table lines are prefetched a few positions before they are read and the misses
  // of neighbouring positions overlap instead of queueing.
  constexpr std::size_t kAhead = 4;  // positions between a line's prefetch and its read
  // A template the model leaves out has no weight: its key is neither made nor looked up (adding its
  // zero would not change a sum). The kept keys are packed in score()'s order: `before` of them ahead
  // of the two shape templates, then kSkip's when kept. q[0] is the pair (i, i+1)'s key, whose one
  // probe gives its lexicon flag, kBp1 at i and kBm1 at i+1.
  const bool bm2 = m.uses(kBm2), t0 = m.uses(kT0), tm1 = m.uses(kTm1);
  const bool skip = m.uses(kSkip), lex4 = !(m.disabled() & kNoLex4);
  const int before = 3 + bm2 + t0 + tm1, last_key = before + skip;
  keys_.resize(n * kKeysAt);
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t* q = keys_.data() + i * kKeysAt;
    const Syllable& s0 = memo[id[i]];
    const Syllable& sm1 = i >= 1 ? memo[id[i - 1]] : edge;
    const Syllable& sm2 = i >= 2 ? memo[id[i - 2]] : edge;
    const Syllable& sp1 = i + 1 < n ? memo[id[i + 1]] : edge;
    const std::uint64_t hm1 = sm1.hash, h0 = s0.hash, hp1 = sp1.hash;
    // The pair (i, i+1) (past the stretch: with the boundary, for kBp1), then [i, i+3) and [i, i+4) in
    // the lexicon (0: past the stretch or left out, never a key).
    q[0] = mix(s0.pre[kPreLex2] ^ hp1);
    q[1] = i + 3 <= n ? mix(mix(s0.pre[kPreLex3] ^ hp1) ^ memo[id[i + 2]].hash) : 0;
    q[2] = lex4 && i + 4 <= n ? mix(mix(mix(s0.pre[kPreLex4] ^ hp1) ^ memo[id[i + 2]].hash) ^ memo[id[i + 3]].hash) : 0;
    // score()'s keys, in score()'s order.
    int t = 3;
    if (bm2) q[t++] = mix(sm2.pre[kPreBm2] ^ hm1);
    if (t0) q[t++] = mix(mix(sm1.pre[kPreT0] ^ h0) ^ hp1);
    if (tm1) q[t++] = mix(mix(sm2.pre[kPreTm1] ^ hm1) ^ h0);
    if (skip) q[t++] = mix(sm1.pre[kPreSkip] ^ hp1);  // kShapeU and kUShape come from memo_shapes_
    // The filters' words now, so the table prefetches below read them from cache (a stretch is a
    // few syllables: its first positions had no prefetch at all, and their filter reads missed).
    m.prefetch_pair_filter(q[0]);
    m.prefetch_pair_slot(q[0]);
    m.prefetch_lexicon_filter(q[1]);
    if (lex4) m.prefetch_lexicon_filter(q[2]);
    // The syllable's shape-template weights, read by emit() below: a line of their own per form.
    __builtin_prefetch(&memo_shapes_[id[i]]);
  }
  // The flags below read lexstart[i-3 .. i] after three zero bytes, without bound checks (lex_masks).
  lexpad_.assign(n + 3, 0);
  std::uint8_t* lexstart = lexpad_.data() + 3;
  pw_.assign(2 * n + 2, 0.0f);  // pw_[2i]: kBm1 at i, pw_[2i + 1]: kBp1 at i
  for (std::size_t k = 0; k < std::min(n, kAhead); ++k) {
    const std::uint64_t* a = keys_.data() + k * kKeysAt;
    m.prefetch_lexicon(a[1]);
    if (lex4) m.prefetch_lexicon(a[2]);
  }
  for (std::size_t k = 0; k < n; ++k) {
    if (k + kAhead < n) {  // the pair slots were fetched with the keys
      const std::uint64_t* a = keys_.data() + (k + kAhead) * kKeysAt;
      m.prefetch_lexicon(a[1]);
      if (lex4) m.prefetch_lexicon(a[2]);
    }
    const std::uint64_t* q = keys_.data() + k * kKeysAt;
    const WordModel::Pair* p = m.pair(q[0]);
    unsigned bits = 0;
    if (p) {
      bits = k + 2 <= n && (p->key & 1);
      pw_[2 * k + 1] = p->bp1;
      pw_[2 * k + 2] = p->bm1;  // kBm1 at k + 1 (past the stretch: never read)
    }
    lexstart[k] = static_cast<std::uint8_t>(bits | m.in_long_lexicon(q[1]) << 1 | m.in_long_lexicon(q[2]) << 2);
  }
  match_.assign(n, 0);  // a template the model leaves out reads zeros, whose weights are zero
  if (m.uses(kMatch)) longest_match_padded(lexstart, n, match_.data());
  caprun_.assign(n, 0);
  if (m.uses(kCapRun)) {
    unsigned run = 0;
    for (std::size_t i = 0; i < n; ++i) {
      caprun_[i] = static_cast<std::uint8_t>(std::min(run, 3u));
      run = memo[id[i]].shape == kTitle ? run + 1 : 0;
    }
  }
  for (std::size_t i = 1; i < std::min(n, kAhead + 1); ++i)
    for (int t = 3; t < last_key; ++t) m.prefetch(keys_[i * kKeysAt + t]);
  // score()'s float additions in score()'s order (float addition is not associative).
  auto emit = [&](std::size_t i) {
    if (i + kAhead < n)
      for (int t = 3; t < last_key; ++t) m.prefetch(keys_[(i + kAhead) * kKeysAt + t]);
    const std::uint64_t* q = keys_.data() + i * kKeysAt;
    const Syllable &s0 = memo[id[i]], &sm1 = memo[id[i - 1]];
    const bool last = i + 1 >= n;
    const int sp1 = last ? int{kBoundary} : int{memo[id[i + 1]].shape};
    float e = m.bias_;
    e += s0.u0;
    e += sm1.um1;
    e += last ? m.boundary_up1_ : memo[id[i + 1]].up1;
    e += pw_[2 * i];
    e += pw_[2 * i + 1];
    for (int t = 3; t < before; ++t) e += m.weight_inline(q[t]);
    e += memo_shapes_[id[i]].shape_u[sm1.shape];
    e += memo_shapes_[id[i - 1]].u_shape[s0.shape];
    if (skip) e += m.weight_inline(q[before]);
    e += m.shape_weight(sm1.shape, s0.shape, sp1, gap_[i]);
    const std::uint8_t* w = lexpad_.data() + i;  // lexstart[i-3 .. i]
    const unsigned mask = lex_window_masks()[w[0] | w[1] << 3 | w[2] << 6 | static_cast<unsigned>(w[3]) << 9];
    e += m.lex_mask_w_[mask];
    e += m.lex_shape_weight(mask & 3u, sm1.shape, s0.shape);
    for (unsigned b = mask; b; b &= b - 1) e += m.lex_flag_w_[__builtin_ctz(b)];
    e += m.match_weight(match_[i], sm1.shape, s0.shape);
    e += m.cap_run_weight(caprun_[i], s0.shape, sp1);
    return e;
  };
  float trans[2][2];
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) trans[a][b] = m.transition(a, b);
  back_.resize(n);
  viterbi(n, emit, allowed_.data(), trans, back_.data(), begins);
}

void WordSegmenter::decode(std::size_t n, std::uint8_t* begins) {
  // The fast path needs the memo ids of the stretch (segment() records them); the reference does not.
  if (!reference_ && ids_.size() == n) return decode_fast(n, begins);
  prepare_stretch(n);
  back_.resize(n);
  float trans[2][2];
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) trans[a][b] = model_->transition(a, b);
  viterbi(
      n, [&](std::size_t i) { return score(i); }, allowed_.data(), trans, back_.data(), begins);
}

void WordSegmenter::segment(std::string_view text, const std::vector<Token>& tokens, std::vector<std::uint8_t>& begins,
                            const std::atomic<bool>* cancel, std::vector<std::uint32_t>& ids) {
  ids.clear();
  ids.reserve(tokens.size());
  ids_out_ = &ids;
  bound_memo();  // a fresh start due now happens before the first id, not midway
  const std::uint64_t generation = memo_generation_;
  try {
    segment(text, tokens, begins, cancel);
  } catch (...) {
    ids_out_ = nullptr;
    throw;
  }
  ids_out_ = nullptr;
  if (memo_generation_ != generation) ids.clear();  // the memo started afresh midway: earlier ids are stale
}

void WordSegmenter::segment(std::string_view text, const std::vector<Token>& tokens, std::vector<std::uint8_t>& begins,
                            const std::atomic<bool>* cancel) {
  begins.assign(tokens.size(), 1);
  std::size_t start = 0;
  sy_.clear();
  ids_.clear();
  joinable_.clear();
  gap_.clear();
  glue_.clear();
  bound_memo();
  auto flush = [&](std::size_t end) {
    if (end - start > 1) decode(end - start, begins.data() + start);
    sy_.clear();
    ids_.clear();
    joinable_.clear();
    gap_.clear();
    glue_.clear();
    start = end;
    bound_memo();  // between stretches: a stretch's ids stay valid while it is decoded
  };
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const Token& t = tokens[i];
    if (i > 0) {
      const Token& p = tokens[i - 1];
      const std::string_view gap = text.substr(p.begin + p.length, t.begin - (p.begin + p.length));
      // One space, by far the most common gap, keeps the stretch and glues nothing.
      const bool space = gap.size() == 1 && gap[0] == ' ';
      // 1: a number's glue, 2: an abbreviation's (a word of its own: own_word_abbreviations).
      std::uint8_t glue = 0;
      if (!space) {
        const std::string_view left = text.substr(p.begin, p.length), right = text.substr(t.begin, t.length);
        glue = number_glue(left, gap, right) ? 1 : abbreviation_glue(left, gap, right) ? 2 : 0;
      }
      const int g = space || glue ? 0 : gap_kind(gap);
      if (g < 0) {
        flush(i);
        if (cancel && (i & (kPollEvery - 1)) == 0) check_cancelled(cancel);
      }
      gap_.push_back(g < 0 ? 0 : static_cast<std::uint8_t>(g));
      glue_.push_back(glue);
    } else {
      gap_.push_back(0);
      glue_.push_back(0);
    }
    const std::uint32_t id = syllable_id(text.substr(t.begin, t.length));
    ids_.push_back(id);
    if (ids_out_) ids_out_->push_back(id);
    joinable_.push_back(memo_[id].joinable && !t.link);
    if (reference_) {  // the reference path reads copies
      sy_.push_back(memo_[id]);
      if (t.link) sy_.back().joinable = false;
    }
    if (cancel && (i & (kPollEvery - 1)) == kPollEvery - 1) check_cancelled(cancel);
  }
  flush(tokens.size());
}

// ---- training ----

std::shared_ptr<WordModel> WordModel::train(const std::vector<std::vector<std::string>>& sentences,
                                            const std::vector<std::string>& lexicon, const TrainConfig& config) {
  std::shared_ptr<WordModel> model(new WordModel());
  model->disabled_ = config.disabled;
  std::string folded;
  auto hash_of = [&](std::string_view syl) {
    folded.clear();
    model->canonical_.fold_token(syl, folded);
    canonical_eth(folded);
    return fnv1a(folded);
  };
  Segmenter seg;
  std::vector<Token> toks;
  // The lexicon: every syllable becomes known; words of 2..4 syllables give lexicon keys (those of two
  // syllables are pairs with bit 0 set).
  std::vector<Pair> lexicon_pairs;
  if (config.lexicon_from) {
    model->lexicon_ = config.lexicon_from->lexicon_;
    model->lexicon_known_ = config.lexicon_from->lexicon_known_;
    for (const Pair& p : config.lexicon_from->pairs_)
      if (p.key & 1) lexicon_pairs.push_back({p.key, 0, 0});
  }
  for (const std::string& entry : config.lexicon_from ? std::vector<std::string>{} : lexicon) {
    toks.clear();
    seg.segment(entry, toks);
    std::vector<Syllable> sy;
    for (const Token& t : toks) {
      Syllable s;
      s.hash = hash_of(entry.substr(t.begin, t.length));
      set_prefixes(s);
      model->lexicon_known_.insert(key(kKnown, s.hash));
      sy.push_back(s);
    }
    const std::size_t longest = (config.disabled & kNoLex4) ? 3 : kMaxLexicon;  // left out: not kept
    if (sy.size() == 2)
      lexicon_pairs.push_back({lexicon_key(sy.data(), 2) | 1, 0, 0});
    else if (sy.size() >= 3 && sy.size() <= longest)
      model->lexicon_.insert(lexicon_key(sy.data(), sy.size()));
  }
  model->set_pairs(lexicon_pairs);  // the lexicon flags, read while the examples are prepared
  // The bigram features' pairs: kBm1 and kBp1 weights are stored in the pair table by the pair's key.
  std::unordered_map<std::uint64_t, std::pair<std::uint64_t, int>> bigram_pair;  // feature -> (pair, 0: kBm1)
  // Sentences: the text is the words joined by spaces; a token begins a word where a word begins.
  struct Example {
    std::vector<Syllable> sy;
    std::vector<std::uint8_t> gap, glue, gold, allowed;
    std::vector<std::vector<std::uint64_t>> feats;
  };
  std::vector<std::string> texts;
  std::vector<std::vector<std::size_t>> starts;
  for (const auto& sentence : sentences) {
    std::string text;
    std::vector<std::size_t> st;
    for (const std::string& w : sentence) {
      if (!text.empty()) text.push_back(' ');
      st.push_back(text.size());
      text += w;
    }
    toks.clear();
    seg.segment(text, toks);
    for (const Token& t : toks) model->known_.insert(key(kKnown, hash_of(text.substr(t.begin, t.length))));
    texts.push_back(std::move(text));
    starts.push_back(std::move(st));
  }
  WordSegmenter ws(model);
  ws.pooled_ = false;  // its memo holds the weights of a model not yet trained
  std::vector<Example> examples;
  for (std::size_t s = 0; s < texts.size(); ++s) {
    const std::string& text = texts[s];
    toks.clear();
    seg.segment(text, toks);
    Example ex;
    auto flush = [&] {
      if (ex.sy.size() > 1) {
        const std::size_t n = ex.sy.size();
        ws.sy_ = ex.sy;
        ws.gap_ = ex.gap;
        ws.glue_ = ex.glue;
        ws.prepare_stretch(n);
        ex.allowed = ws.allowed_;
        for (std::size_t i = 0; i < n; ++i) ex.allowed[i] |= ex.gold[i] ? 1 : 2;  // gold is always reachable
        ex.allowed[0] = 1;
        ex.feats.resize(n);
        for (std::size_t i = 1; i < n; ++i) {
          const std::uint64_t h0 = ex.sy[i].hash, hp1 = i + 1 < n ? ex.sy[i + 1].hash : kBoundaryHash;
          bigram_pair.emplace(key(kBm1, ex.sy[i - 1].hash, h0),
                              std::make_pair(mix(ex.sy[i - 1].pre[kPreLex2] ^ h0), 0));
          bigram_pair.emplace(key(kBp1, h0, hp1), std::make_pair(mix(ex.sy[i].pre[kPreLex2] ^ hp1), 1));
        }
        for (std::size_t i = 1; i < n; ++i)
          word_features(ex.sy.data(), ex.gap.data(), ws.lexstart_.data(), ws.match_.data(), n, i, ex.feats[i],
                        config.disabled);
        examples.push_back(std::move(ex));
      }
      ex = Example();
    };
    for (std::size_t i = 0; i < toks.size(); ++i) {
      const Token& t = toks[i];
      int g = -1;
      bool glue = false;
      if (i > 0) {
        const Token& p = toks[i - 1];
        const std::string_view gap = std::string_view(text).substr(p.begin + p.length, t.begin - p.begin - p.length);
        // Numbers only: an abbreviation's glue is a rule of decoding, as the user dictionary is, and
        // training with it (one sentence of VTB train has "TP.HCM") gives another shuffle's model
        // (dev F1 over 8 seeds: mean 0.9613 with it, 0.9614 without), not a better one.
        glue = WordSegmenter::number_glue(std::string_view(text).substr(p.begin, p.length), gap,
                                          std::string_view(text).substr(t.begin, t.length));
        g = glue ? 0 : WordSegmenter::gap_kind(gap);
      }
      if (g < 0) flush();
      ex.gap.push_back(g < 0 ? 0 : static_cast<std::uint8_t>(g));
      ex.glue.push_back(glue);
      ex.sy.push_back(ws.syllable(text.substr(t.begin, t.length), t.link));
      ex.gold.push_back(std::binary_search(starts[s].begin(), starts[s].end(), t.begin) || ex.sy.size() == 1);
    }
    flush();
  }
  // Features seen at fewer than min_count positions are left out before training (rare n-grams
  // carry little and make the table bigger).
  if (config.min_count > 1) {
    std::unordered_map<std::uint64_t, std::size_t> seen;
    for (const Example& ex : examples)
      for (const auto& f : ex.feats)
        for (std::uint64_t k : f) ++seen[k];
    for (Example& ex : examples)
      for (auto& f : ex.feats)
        f.erase(std::remove_if(f.begin(), f.end(), [&](std::uint64_t k) { return seen[k] < config.min_count; }),
                f.end());
  }
  // Averaged perceptron (Daume's trick: avg = w - u / c).
  struct Acc {
    double w = 0, u = 0;
  };
  std::unordered_map<std::uint64_t, Acc> acc;
  Acc tacc[2][2];
  double c = 1;
  std::vector<std::uint8_t> pred, back;
  std::vector<std::size_t> order(examples.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::uint64_t rng = config.seed;
  for (std::size_t epoch = 0; epoch < config.epochs; ++epoch) {
    for (std::size_t i = order.size(); i > 1; --i) {  // a fixed shuffle per epoch: reproducible
      rng = mix(rng + 0x9E3779B97F4A7C15ull);
      std::swap(order[i - 1], order[rng % i]);
    }
    for (std::size_t idx : order) {
      const Example& ex = examples[idx];
      const std::size_t n = ex.sy.size();
      float trans[2][2];
      for (int a = 0; a < 2; ++a)
        for (int b = 0; b < 2; ++b) trans[a][b] = static_cast<float>(tacc[a][b].w);
      pred.resize(n);
      back.resize(n);
      viterbi(
          n,
          [&](std::size_t i) {
            double e = 0;
            for (std::uint64_t k : ex.feats[i]) {
              const auto it = acc.find(k);
              if (it != acc.end()) e += it->second.w;
            }
            return static_cast<float>(e);
          },
          ex.allowed.data(), trans, back.data(), pred.data());
      for (std::size_t i = 1; i < n; ++i) {
        if (pred[i] != ex.gold[i]) {
          const double d = ex.gold[i] ? 1.0 : -1.0;
          for (std::uint64_t k : ex.feats[i]) {
            Acc& a = acc[k];
            a.w += d;
            a.u += c * d;
          }
        }
        const int gp = ex.gold[i - 1] ? 0 : 1, gc = ex.gold[i] ? 0 : 1;
        const int pp = pred[i - 1] ? 0 : 1, pc = pred[i] ? 0 : 1;
        if (gp != pp || gc != pc) {
          tacc[gp][gc].w += 1;
          tacc[gp][gc].u += c;
          tacc[pp][pc].w -= 1;
          tacc[pp][pc].u -= c;
        }
      }
      c += 1;
    }
  }
  std::vector<std::pair<std::uint64_t, float>> weights;
  std::map<std::uint64_t, Pair> pairs;  // by key without bit 0
  for (const Pair& p : lexicon_pairs) pairs[p.key & ~std::uint64_t{1}] = p;
  for (const auto& [k, a] : acc) {
    const double avg = a.w - a.u / c;
    if (!(std::fabs(avg) > config.min_weight && avg != 0)) continue;
    const auto bp = bigram_pair.find(k);
    if (bp == bigram_pair.end()) {
      weights.emplace_back(k, static_cast<float>(avg));
      continue;
    }
    Pair& p = pairs[bp->second.first & ~std::uint64_t{1}];
    if (!p.key) p.key = bp->second.first & ~std::uint64_t{1};
    (bp->second.second == 0 ? p.bm1 : p.bp1) = static_cast<float>(avg);
  }
  std::sort(weights.begin(), weights.end());
  std::vector<Pair> pair_list;
  pair_list.reserve(pairs.size());
  for (const auto& [k, p] : pairs) pair_list.push_back(p);
  model->set_pairs(pair_list);
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b) model->trans_[a][b] = static_cast<float>(tacc[a][b].w - tacc[a][b].u / c);
  model->set_weights(std::move(weights));
  return model;
}

}  // namespace mekong
