// The count stage's term -> id table (private to cpp/src/matrix/): Interner's interface (intern,
// find, str, size), laid out for the lookup of every token. Most terms are at most 8 bytes, and
// those are stored whole in their slot as an exact 64-bit code, so a lookup is one slot read and
// an integer compare: no string compare and no read of the byte arena, which a vocabulary of
// tens of thousands of terms keeps out of the cache. Longer terms keep a 64-bit hash in the slot
// and are compared with the arena.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "mekong/terms/term_buffer.hpp"
#include "mekong/util/interner.hpp"

namespace mekong::detail {

class TermTable {
 public:
  static constexpr std::uint32_t npos = Interner::npos;

  TermTable() { rehash(64); }

  std::size_t size() const { return offsets_.size() - 1; }

  std::string_view str(std::uint32_t id) const {
    return std::string_view(arena_.data() + offsets_[id], offsets_[id + 1] - offsets_[id]);
  }

  std::uint32_t find(std::string_view s) const {
    const std::uint64_t key = code(s);
    const auto len = static_cast<std::uint32_t>(s.size());
    for (std::size_t i = spread(key, len) & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == npos) return npos;
      if (slot.key == key && slot.len == len && (len <= 8 || same(slot.id, s))) return slot.id;
    }
  }

  // A term's slot code and its spread hash, computed ahead of the lookup so the slot can be
  // prefetched while earlier terms are looked up.
  struct Hashed {
    std::uint64_t key;
    std::uint64_t spread;
  };
  static Hashed hashed(std::string_view s) {
    const std::uint64_t key = code(s);
    return {key, spread(key, static_cast<std::uint32_t>(s.size()))};
  }
  void prefetch(const Hashed& h) const { __builtin_prefetch(&slots_[h.spread & mask_]); }

  // The id of `s`, added with the next free id when new; `added` tells which.
  std::uint32_t intern(std::string_view s, bool* added = nullptr) { return intern(s, hashed(s), added); }

  // The same with `h` = hashed(s).
  std::uint32_t intern(std::string_view s, const Hashed& h, bool* added = nullptr) {
    const std::uint64_t key = h.key;
    if (s.size() >= 0xFFFFFFFFu) throw std::length_error("a term longer than 4 GB");
    const auto len = static_cast<std::uint32_t>(s.size());
    std::size_t i = h.spread & mask_;
    for (;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.id == npos) break;
      if (slot.key == key && slot.len == len && (len <= 8 || same(slot.id, s))) {
        if (added) *added = false;
        return slot.id;
      }
    }
    if (size() >= npos - 1) throw std::length_error("more than 2^32 - 2 distinct terms");
    const auto id = static_cast<std::uint32_t>(size());
    arena_.append(s);
    offsets_.push_back(arena_.size());
    slots_[i] = {key, id, len};
    if (added) *added = true;
    if ((size() + 1) * 4 > slots_.size() * 3) rehash(slots_.size() * 2);
    return id;
  }

  // Interns every term of `terms` in order, appending the ids to `ids` and calling
  // on_added(term) for each new one. A long-tailed vocabulary's table does not fit in the cache,
  // so each term's slot is prefetched kAhead terms before its lookup.
  template <class OnAdded>
  void intern_all(const TermBuffer& terms, std::vector<std::uint32_t>& ids, OnAdded&& on_added) {
    constexpr std::size_t kAhead = 8;
    const std::size_t n = terms.size();
    Hashed ahead[kAhead];
    for (std::size_t k = 0; k < n && k < kAhead; ++k) {
      ahead[k] = hashed(terms[k]);
      prefetch(ahead[k]);
    }
    for (std::size_t k = 0; k < n; ++k) {
      const Hashed h = ahead[k % kAhead];
      if (k + kAhead < n) {
        ahead[k % kAhead] = hashed(terms[k + kAhead]);
        prefetch(ahead[k % kAhead]);
      }
      bool added = false;
      const std::string_view term = terms[k];
      ids.push_back(intern(term, h, &added));
      if (added) on_added(term);
    }
  }

  // The code of a term: for at most 8 bytes, an exact encoding given the length (overlapping
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

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::uint32_t id = npos;
    std::uint32_t len = 0;
  };

  static std::uint64_t spread(std::uint64_t key, std::uint32_t len) {
    std::uint64_t x = (key ^ (std::uint64_t{len} << 59)) * 0x9E3779B97F4A7C15ull;
    x ^= x >> 32;  // every bit of the key reaches the low bits the mask keeps
    x *= 0xD6E8FEB86659FD93ull;
    return x ^ (x >> 32);
  }

  bool same(std::uint32_t id, std::string_view s) const {
    return equal_bytes(arena_.data() + offsets_[id], s.data(), s.size());
  }

  void rehash(std::size_t capacity) {
    std::vector<Slot> fresh(capacity);
    const std::size_t mask = capacity - 1;
    for (const Slot& slot : slots_) {
      if (slot.id == npos) continue;
      std::size_t i = spread(slot.key, slot.len) & mask;
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

}  // namespace mekong::detail
