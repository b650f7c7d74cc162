// Work on the core's own threads: n_jobs resolution, contiguous chunks, the first exception re-thrown
// on the caller, and a cancel flag that workers poll (Ctrl-C in Python sets it).
//
// Cancellation reaches inside a document: the binding installs the call's flag for its thread with
// CancelScope, parallel_for hands it on to its pool, and every long per-document loop (decode,
// normalize, clean, links, segment) polls it with a CancelPoll every kCancelStride bytes. A poll is
// one relaxed load; nothing is polled when no flag is installed.
//
// Progress travels the same way: the binding installs a Progress counter with ProgressScope,
// parallel_for hands it on, and the stages add the units (documents, rows) they finish with
// progress_advance (one relaxed atomic add; nothing when no counter is installed). The caller's
// thread reads the counter while it waits, so no worker touches Python.
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

// The cancel flag installed for this thread (null when none).
const std::atomic<bool>* current_cancel();

// Installs `cancel` as this thread's flag for its lifetime (restores the previous one after).
class CancelScope {
 public:
  explicit CancelScope(const std::atomic<bool>* cancel);
  ~CancelScope();
  CancelScope(const CancelScope&) = delete;
  CancelScope& operator=(const CancelScope&) = delete;

 private:
  const std::atomic<bool>* previous_;
};

// Units of work finished in a long call (documents or rows), written by the core's threads and read
// by the thread that waits for them.
struct Progress {
  std::atomic<std::size_t> done{0};
};

// The progress counter installed for this thread (null when none).
Progress* current_progress();

// Installs `progress` as this thread's counter for its lifetime (restores the previous one after).
class ProgressScope {
 public:
  explicit ProgressScope(Progress* progress);
  ~ProgressScope();
  ProgressScope(const ProgressScope&) = delete;
  ProgressScope& operator=(const ProgressScope&) = delete;

 private:
  Progress* previous_;
};

// Adds `units` finished units to this thread's counter, if one is installed. Each stage reports
// every unit of its main pass exactly once, so the count ends at the call's total.
void progress_advance(std::size_t units);

// Bytes of input a scanner may walk between two polls: about a millisecond of the slowest stage.
inline constexpr std::size_t kCancelStride = std::size_t{1} << 16;

// Polls this thread's flag once every kCancelStride bytes of progress: at(position) is cheap enough
// for an inner loop.
class CancelPoll {
 public:
  CancelPoll() : flag_(current_cancel()) {}
  void at(std::size_t position) {
    if (position >= next_) {
      next_ = position + kCancelStride;
      check_cancelled(flag_);
    }
  }
  void now() const { check_cancelled(flag_); }

 private:
  const std::atomic<bool>* flag_;
  std::size_t next_ = kCancelStride;
};

}  // namespace mekong
