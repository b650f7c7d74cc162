// The count stage's term -> id table (private to cpp/src/matrix/): the interner with the slot
// layout for a lookup of every token (CodedKeys, util/interner.hpp). Most terms are at most 8 bytes
// and are stored whole in their slot, so a lookup is one slot read and an integer compare, with no
// read of the byte arena that a vocabulary of tens of thousands of terms keeps out of the cache.
#pragma once

#include "mekong/util/interner.hpp"

namespace mekong::detail {

using TermTable = BasicInterner<CodedKeys>;

}  // namespace mekong::detail
