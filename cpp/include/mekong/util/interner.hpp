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

inline std::uint64_t hash_bytes(const char* p, std::size_t n) {
  constexpr std::uint64_t k = 0x9E3779B97F4A7C15ull;
  std::uint64_t h = 0x243F6A8885A308D3ull ^ (n * k);
  auto mix = [](std::uint64_t x) {
    x ^= x >> 32;
    x *= 0xD6E8FEB86659FD93ull;
    x ^= x >> 32;
    return x;
  };
  while (n >= 8) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    h = mix(h ^ v) * k;
    p += 8;
    n -= 8;
  }
  if (n > 0) {
    std::uint64_t v = 0;
    std::memcpy(&v, p, n);
    h = mix(h ^ v ^ (std::uint64_t{n} << 59)) * k;
  }
  return mix(h);
}

class Interner {
 public:
  static constexpr std::uint32_t npos = 0xFFFFFFFFu;

  Interner() { rehash(64); }

  std::size_t size() const { return offsets_.size() - 1; }

  std::string_view str(std::uint32_t id) const {
    return std::string_view(arena_.data() + offsets_[id], offsets_[id + 1] - offsets_[id]);
  }

  std::uint32_t find(std::string_view s) const {
    const std::uint64_t h = hash_bytes(s.data(), s.size());
    for (std::size_t i = h & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == npos) return npos;
      if (slot.tag == static_cast<std::uint32_t>(h >> 32) && str(slot.id) == s) return slot.id;
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
      if (slot.tag == tag && str(slot.id) == s) {
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
