// String -> dense id tables: open addressing over one byte arena, one probe loop for two slot layouts.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace mekong {

inline std::uint64_t load64(const char* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}
inline std::uint32_t load32(const char* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// A fast hash for short keys (terms are a few bytes): fixed-size loads only, overlapping at the end.
inline std::uint64_t hash_bytes(const char* p, std::size_t n) {
  constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull;
  auto mix = [](std::uint64_t x) {
    x ^= x >> 32;
    x *= 0xD6E8FEB86659FD93ull;
    x ^= x >> 32;
    return x;
  };
  std::uint64_t h = 0x243F6A8885A308D3ull ^ (n * k);
  if (n >= 8) {
    const char* end = p + n - 8;
    for (; p < end; p += 8) h = mix(h ^ load64(p)) * k;
    h = mix(h ^ load64(end)) * k;
  } else if (n >= 4) {
    h = mix(h ^ ((std::uint64_t{load32(p)} << 32) | load32(p + n - 4))) * k;
  } else if (n > 0) {
    const auto b0 = static_cast<unsigned char>(p[0]), b1 = static_cast<unsigned char>(p[n >> 1]),
               b2 = static_cast<unsigned char>(p[n - 1]);
    h = mix(h ^ ((std::uint64_t{b0} << 16) | (std::uint64_t{b1} << 8) | b2)) * k;
  }
  return mix(h);
}

// Byte equality of two equal-length keys, without a library call for the short ones.
inline bool equal_bytes(const char* a, const char* b, std::size_t n) {
  if (n >= 8) {
    for (std::size_t i = 0; i + 8 <= n; i += 8)
      if (load64(a + i) != load64(b + i)) return false;
    return load64(a + n - 8) == load64(b + n - 8);
  }
  if (n >= 4) return load32(a) == load32(b) && load32(a + n - 4) == load32(b + n - 4);
  for (std::size_t i = 0; i < n; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// How a table's slot holds its key; BasicInterner's probe, append and growth are the same for both.
//
// TaggedKeys: an 8-byte slot, the id and 32 bits of the key's hash; a slot whose tag matches is
// confirmed against the byte arena. Small slots for tables of long keys (names, lines, words).
struct TaggedKeys {
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;
  struct Slot {
    std::uint32_t id = npos;
    std::uint32_t tag = 0;
  };
  struct Hashed {
    std::uint64_t hash;
  };
  static Hashed hashed(std::string_view s) { return {hash_bytes(s.data(), s.size())}; }
  static std::uint64_t home(const Hashed& h) { return h.hash; }
  static Slot slot(std::uint32_t id, const Hashed& h, std::string_view) {
    return {id, static_cast<std::uint32_t>(h.hash >> 32)};
  }
  // Whether `slot` holds `s`; same(id) compares with the arena.
  template <class Same>
  static bool holds(const Slot& slot, const Hashed& h, std::string_view, Same&& same) {
    return slot.tag == static_cast<std::uint32_t>(h.hash >> 32) && same(slot.id);
  }
  // The home of a stored key when the table grows (`stored` is its bytes).
  static std::uint64_t rehome(const Slot&, std::string_view stored) { return hash_bytes(stored.data(), stored.size()); }
  static void admit(std::string_view) {}
};

// CodedKeys: a 16-byte slot. A key of at most 8 bytes is stored whole as an exact 64-bit code (with
// its length), so its lookup is one slot read and an integer compare, with no read of the arena,
// which a large vocabulary keeps out of the cache; a longer key keeps a 64-bit hash and is compared
// with the arena. For tables looked up once per token (the count's vocabulary, the token memos).
struct CodedKeys {
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t id = npos;
    std::uint32_t len = 0;
  };
  struct Hashed {
    std::uint64_t key;
    std::uint64_t spread;
  };
  // The code of a key: for at most 8 bytes, an exact encoding given the length (overlapping
  // fixed-size loads, as hash_bytes reads them); longer, hash_bytes itself.
  static std::uint64_t code(std::string_view s) {
    const char* p = s.data();
    const std::size_t n = s.size();
    if (n > 8) return hash_bytes(p, n);
    if (n >= 4) return std::uint64_t{load32(p)} << 32 | load32(p + n - 4);
    if (n == 0) return 0;
    return std::uint64_t{static_cast<unsigned char>(p[0])} << 16 |
           std::uint64_t{static_cast<unsigned char>(p[n >> 1])} << 8 | static_cast<unsigned char>(p[n - 1]);
  }
  static std::uint64_t spread(std::uint64_t key, std::uint32_t len) {
    std::uint64_t x = (key ^ (std::uint64_t{len} << 59)) * 0x9E3779B97F4A7C15ull;
    x ^= x >> 32;  // every bit of the key reaches the low bits the mask keeps
    x *= 0xD6E8FEB86659FD93ull;
    return x ^ (x >> 32);
  }
  static Hashed hashed(std::string_view s) {
    const std::uint64_t key = code(s);
    return {key, spread(key, static_cast<std::uint32_t>(s.size()))};
  }
  static std::uint64_t home(const Hashed& h) { return h.spread; }
  static Slot slot(std::uint32_t id, const Hashed& h, std::string_view s) {
    return {h.key, id, static_cast<std::uint32_t>(s.size())};
  }
  template <class Same>
  static bool holds(const Slot& slot, const Hashed& h, std::string_view s, Same&& same) {
    return slot.key == h.key && slot.len == s.size() && (s.size() <= 8 || same(slot.id));
  }
  static std::uint64_t rehome(const Slot& slot, std::string_view) { return spread(slot.key, slot.len); }
  static void admit(std::string_view s) {
    if (s.size() >= 0xFFFFFFFFu) throw std::length_error("a term longer than 4 GB");
  }
};

// String -> dense id table: open addressing (linear probing, at most 3/4 full) over one byte arena;
// ids are given in order of first appearance. `Keys` is the slot layout (TaggedKeys, CodedKeys).
template <class Keys>
class BasicInterner {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;
  using Hashed = typename Keys::Hashed;

  BasicInterner() { rehash(64); }

  // A fixed vocabulary: terms[j] gets id j. Throws std::invalid_argument naming the first term listed
  // twice, since a column can hold only one term.
  template <class Terms>
  static BasicInterner of_unique(const Terms& terms) {
    BasicInterner out;
    for (const auto& t : terms) {
      bool added = false;
      out.intern(std::string_view(t), &added);
      if (!added) throw std::invalid_argument("Duplicate term in vocabulary: '" + std::string(t) + "'");
    }
    return out;
  }

  std::size_t size() const { return offsets_.size() - 1; }

  std::string_view str(std::uint32_t id) const {
    return std::string_view(arena_.data() + offsets_[id], offsets_[id + 1] - offsets_[id]);
  }

  // A key's hashed form, computed ahead of its lookup so that its slot can be prefetched while
  // earlier keys are looked up.
  static Hashed hashed(std::string_view s) { return Keys::hashed(s); }
  void prefetch(const Hashed& h) const { __builtin_prefetch(&slots_[Keys::home(h) & mask_]); }

  std::uint32_t find(std::string_view s) const { return find(s, Keys::hashed(s)); }

  // The same with `h` = hashed(s).
  std::uint32_t find(std::string_view s, const Hashed& h) const {
    for (std::size_t i = Keys::home(h) & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == npos) return npos;
      if (Keys::holds(slot, h, s, [&](std::uint32_t id) { return same(id, s); })) return slot.id;
    }
  }

  // The id of `s`, added with the next free id when new; `added` tells which.
  std::uint32_t intern(std::string_view s, bool* added = nullptr) { return intern(s, Keys::hashed(s), added); }

  // The same with `h` = hashed(s). Inlined into the batch loop (intern_all) and the analyzer's
  // token memos (term_ids), where a call per token was measurable.
  [[gnu::always_inline]] inline std::uint32_t intern(std::string_view s, const Hashed& h, bool* added = nullptr) {
    Keys::admit(s);
    std::size_t i = Keys::home(h) & mask_;
    for (;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == npos) break;
      if (Keys::holds(slot, h, s, [&](std::uint32_t id) { return same(id, s); })) {
        if (added) *added = false;
        return slot.id;
      }
    }
    if (size() >= npos - 1) throw std::length_error("more than 2^32 - 2 distinct terms");
    const auto id = static_cast<std::uint32_t>(size());
    arena_.append(s);
    offsets_.push_back(arena_.size());
    slots_[i] = Keys::slot(id, h, s);
    if (added) *added = true;
    if ((size() + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
    return id;
  }

  // Interns every term of `terms` (a TermBuffer or anything with size() and operator[] giving
  // string views) in order, appending the ids to `ids` and calling on_added(term) for each new one.
  // A large table does not fit in the cache, so each term's slot is prefetched kAhead terms before
  // its lookup.
  template <class Terms, class OnAdded>
  void intern_all(const Terms& terms, std::vector<std::uint32_t>& ids, OnAdded&& on_added) {
    constexpr std::size_t kAhead = 8;
    const std::size_t n = terms.size();
    Hashed ahead[kAhead];
    for (std::size_t k = 0; k < n && k < kAhead; ++k) {
      ahead[k] = Keys::hashed(terms[k]);
      prefetch(ahead[k]);
    }
    for (std::size_t k = 0; k < n; ++k) {
      const Hashed h = ahead[k % kAhead];
      if (k + kAhead < n) {
        ahead[k % kAhead] = Keys::hashed(terms[k + kAhead]);
        prefetch(ahead[k % kAhead]);
      }
      bool added = false;
      const std::string_view term = terms[k];
      ids.push_back(intern(term, h, &added));
      if (added) on_added(term);
    }
  }

  std::size_t arena_bytes() const { return arena_.size(); }

 private:
  using Slot = typename Keys::Slot;

  bool same(std::uint32_t id, std::string_view s) const {
    const std::uint64_t b = offsets_[id];
    return offsets_[id + 1] - b == s.size() && equal_bytes(arena_.data() + b, s.data(), s.size());
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> fresh(capacity);
    const std::size_t mask = capacity - 1;
    for (const Slot& slot : slots_) {
      if (slot.id == npos) continue;
      std::size_t i = Keys::rehome(slot, str(slot.id)) & mask;
      while (fresh[i].id != npos) i = (i + 1) & mask;
      fresh[i] = slot;
    }
    slots_.swap(fresh);
    mask_ = mask;
  }

  std::string arena_;
  std::vector<std::uint64_t> offsets_{0};
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

// The general string table (stop words, names, lines, memos, fixed vocabularies).
using Interner = BasicInterner<TaggedKeys>;

}  // namespace mekong
