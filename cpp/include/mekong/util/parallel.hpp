// Work on the core's own threads: n_jobs resolution, contiguous chunks, the first exception re-thrown
// on the caller, and a cancel flag that workers poll (Ctrl-C in Python sets it).
#pragma once

#include <atomic>
#include <cstddef>
#include <functional>
#include <vector>

namespace mekong {

// n_jobs as scikit-learn means it: 1 serial, -1 all cores, -2 all but one, ...; 0 is an error.
int resolve_n_jobs(int n_jobs);

// Splits [0, n) into at most `parts` contiguous ranges of about equal total weight
// (weight(i) >= 0, e.g. document bytes). Returns part boundaries: bounds[k]..bounds[k+1].
std::vector<std::size_t> balanced_bounds(std::size_t n, std::size_t parts,
                                         const std::function<std::size_t(std::size_t)>& weight);

// Runs fn(part) for part in [0, parts) on `threads` threads (the caller runs one of them).
// The first exception thrown by any part is re-thrown here after all threads have joined.
void parallel_for(std::size_t parts, int threads, const std::function<void(std::size_t)>& fn);

// Throws Cancelled when the flag is set.
void check_cancelled(const std::atomic<bool>* cancel);

}  // namespace mekong
