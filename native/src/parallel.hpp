// A minimal fork-join helper: split [0, n) into contiguous ranges, one std::thread per range.
#pragma once
#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <thread>
#include <vector>

namespace zkf {

/** Worker threads to use: $ZKFORGET_PROVER_THREADS if set (>= 1), else the hardware's count. */
inline unsigned defaultThreads() {
  if (const char* env = std::getenv("ZKFORGET_PROVER_THREADS")) {
    int n = std::atoi(env);
    if (n >= 1) return (unsigned)n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : hw;
}

/**
 * Runs fn(begin, end, part) on up to `parts` contiguous ranges of [0, n), in parallel. An
 * exception thrown in any range is rethrown here (the first one), after every thread joined.
 */
template <class Fn>
void parallelFor(size_t n, unsigned parts, Fn&& fn) {
  if (parts <= 1 || n < 2 * (size_t)parts) {
    fn((size_t)0, n, 0u);
    return;
  }
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(parts);
  size_t chunk = (n + parts - 1) / parts;
  auto guarded = [&fn, &errors](size_t b, size_t e, unsigned t) {
    try {
      fn(b, e, t);
    } catch (...) {
      errors[t] = std::current_exception();
    }
  };
  for (unsigned t = 1; t < parts; t++) {
    size_t b = std::min(n, t * chunk), e = std::min(n, b + chunk);
    pool.emplace_back(guarded, b, e, t);
  }
  guarded((size_t)0, std::min(n, chunk), 0u);
  for (auto& th : pool) th.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

/**
 * Runs fn(task, thread) for every task in [0, tasks) on up to `threads` threads, each thread
 * taking the next unclaimed task (tasks of uneven cost still keep every thread busy). An
 * exception in any task is rethrown here after all threads joined.
 */
template <class Fn>
void parallelTasks(size_t tasks, unsigned threads, Fn&& fn) {
  const unsigned parts = (unsigned)std::min<size_t>(threads == 0 ? 1 : threads, tasks);
  if (parts <= 1) {
    for (size_t i = 0; i < tasks; i++) fn(i, 0u);
    return;
  }
  std::atomic<size_t> next{0};
  std::vector<std::exception_ptr> errors(parts);
  auto worker = [&](unsigned t) {
    try {
      for (size_t i; (i = next.fetch_add(1)) < tasks;) fn(i, t);
    } catch (...) {
      errors[t] = std::current_exception();
      next.store(tasks);  // the others stop at their next claim
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < parts; t++) pool.emplace_back(worker, t);
  worker(0);
  for (auto& th : pool) th.join();
  for (auto& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

}  // namespace zkf
