// String -> dense id table: open addressing over one byte arena. The vocabulary of every count is one.
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

class Interner {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;

  Interner() { rehash(64); }

  // A fixed vocabulary: terms[j] gets id j. Throws std::invalid_argument naming the first term listed
  // twice, since a column can hold only one term.
  template <class Terms>
  static Interner of_unique(const Terms& terms) {
    Interner out;
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

  std::uint32_t find(std::string_view s) const {
    const std::uint64_t h = hash_bytes(s.data(), s.size());
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == npos) return npos;
      if (slot.tag == static_cast<std::uint32_t>(h >> 32) && same(slot.id, s)) return slot.id;
    }
  }

  // The id of `s`, added with the next free id when new; `added` tells which.
  std::uint32_t intern(std::string_view s, bool* added = nullptr) {
    const std::uint64_t h = hash_bytes(s.data(), s.size());
    const auto tag = static_cast<std::uint32_t>(h >> 32);
    std::size_t i = h & mask_;
    for (;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == npos) break;
      if (slot.tag == tag && same(slot.id, s)) {
        if (added) *added = false;
        return slot.id;
      }
    }
    if (size() >= npos - 1) throw std::length_error("more than 2^32 - 2 distinct terms");
    const auto id = static_cast<std::uint32_t>(size());
    arena_.append(s);
    offsets_.push_back(arena_.size());
    slots_[i] = {id, tag};
    if (added) *added = true;
    if ((size() + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
    return id;
  }

  std::size_t arena_bytes() const { return arena_.size(); }

 private:
  struct Slot {
    std::uint32_t id = npos;
    std::uint32_t tag = 0;
  };

  bool same(std::uint32_t id, std::string_view s) const {
    const std::uint64_t b = offsets_[id];
    return offsets_[id + 1] - b == s.size() && equal_bytes(arena_.data() + b, s.data(), s.size());
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> fresh(capacity);
    const std::size_t mask = capacity - 1;
    for (std::uint32_t id = 0; id < size(); ++id) {
      const std::string_view s = str(id);
      const std::uint64_t h = hash_bytes(s.data(), s.size());
      std::size_t i = h & mask;
      while (fresh[i].id != npos) i = (i + 1) & mask;
      fresh[i] = {id, static_cast<std::uint32_t>(h >> 32)};
    }
    slots_.swap(fresh);
    mask_ = mask;
  }

  std::string arena_;
  std::vector<std::uint64_t> offsets_{0};
  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
};

}  // namespace mekong
