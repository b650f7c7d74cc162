#include "mekong/util/parallel.hpp"

#include <algorithm>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

#include "mekong/error.hpp"

namespace mekong {

int resolve_n_jobs(int n_jobs) {
  const int cores = std::max(1u, std::thread::hardware_concurrency());
  if (n_jobs == 0) throw std::invalid_argument("n_jobs == 0 has no meaning; use 1 for serial, -1 for all cores");
  if (n_jobs > 0) return n_jobs;
  return std::max(1, cores + 1 + n_jobs);
}

std::vector<std::size_t> balanced_bounds(std::size_t n, std::size_t parts,
                                         const std::function<std::size_t(std::size_t)>& weight) {
  parts = std::max<std::size_t>(1, std::min(parts, n));
  std::size_t total = 0;
  for (std::size_t i = 0; i < n; ++i) total += weight(i) + 1;
  std::vector<std::size_t> bounds{0};
  std::size_t acc = 0;
  for (std::size_t i = 0; i < n && bounds.size() < parts; ++i) {
    acc += weight(i) + 1;
    if (acc * parts >= total * bounds.size()) bounds.push_back(i + 1);
  }
  if (bounds.back() != n) bounds.push_back(n);
  return bounds;
}

namespace {
thread_local const std::atomic<bool>* tls_cancel = nullptr;
thread_local Progress* tls_progress = nullptr;
}  // namespace

const std::atomic<bool>* current_cancel() { return tls_cancel; }

CancelScope::CancelScope(const std::atomic<bool>* cancel) : previous_(tls_cancel) { tls_cancel = cancel; }
CancelScope::~CancelScope() { tls_cancel = previous_; }

Progress* current_progress() { return tls_progress; }

ProgressScope::ProgressScope(Progress* progress) : previous_(tls_progress) { tls_progress = progress; }
ProgressScope::~ProgressScope() { tls_progress = previous_; }

void progress_advance(std::size_t units) {
  if (tls_progress != nullptr) tls_progress->done.fetch_add(units, std::memory_order_relaxed);
}

void parallel_for(std::size_t parts, int threads, const std::function<void(std::size_t)>& fn) {
  threads = std::max(1, std::min<int>(threads, static_cast<int>(parts)));
  const std::atomic<bool>* cancel = tls_cancel;
  Progress* progress = tls_progress;
  if (threads <= 1) {
    for (std::size_t p = 0; p < parts; ++p) {
      check_cancelled(cancel);
      fn(p);
    }
    return;
  }
  std::atomic<std::size_t> next{0};
  std::exception_ptr first;
  std::mutex lock;
  auto work = [&] {
    CancelScope scope(cancel);         // the pool polls the caller's flag
    ProgressScope counting(progress);  // and counts into the caller's progress
    for (std::size_t p = next++; p < parts; p = next++) {
      try {
        check_cancelled(cancel);
        fn(p);
      } catch (...) {
        std::lock_guard<std::mutex> guard(lock);
        if (!first) first = std::current_exception();
        next = parts;  // stop handing out work
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads - 1));
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& th : pool) th.join();
  if (first) std::rethrow_exception(first);
}

void check_cancelled(const std::atomic<bool>* cancel) {
  if (cancel != nullptr && cancel->load(std::memory_order_relaxed)) throw Cancelled();
}

}  // namespace mekong
