// SPDX-License-Identifier: GPL-2.0-or-later
// A one-shot signal between threads: closed until Open(value), then open for
// good. Waiters sleep in the kernel (futex) until it opens or a deadline
// passes, and wake without taking any lock: when 64 device workers wait for
// one gate, opening it lets all of them go at once, instead of one after the
// other through a mutex as with std::condition_variable.
#pragma once

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <ctime>
#include <optional>

#include "deadline.h"

namespace nvmepr {

class Gate {
 public:
  /// Opens the gate with `value` (not 0) and wakes every waiter. Only the
  /// first Open counts.
  void Open(int value) {
    int closed = 0;
    if (!state_.compare_exchange_strong(closed, value, std::memory_order_release)) return;
    syscall(SYS_futex, Address(), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
  }

  /// The value the gate was opened with; std::nullopt if the deadline
  /// passed first.
  std::optional<int> Wait(Deadline deadline) const {
    // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC time, the clock
    // of std::chrono::steady_clock on Linux.
    const auto since_boot = deadline.at().time_since_epoch();
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_boot);
    const timespec at{
        static_cast<time_t>(seconds.count()),
        static_cast<long>(std::chrono::duration_cast<std::chrono::nanoseconds>(since_boot - seconds).count())};
    for (;;) {
      if (const int value = state_.load(std::memory_order_acquire); value != 0) return value;
      if (syscall(SYS_futex, Address(), FUTEX_WAIT_BITSET_PRIVATE, 0, &at, nullptr, FUTEX_BITSET_MATCH_ANY) != 0 &&
          errno == ETIMEDOUT) {
        if (const int value = state_.load(std::memory_order_acquire); value != 0) return value;
        return std::nullopt;
      }
    }
  }

 private:
  int* Address() const { return reinterpret_cast<int*>(const_cast<std::atomic<int>*>(&state_)); }

  static_assert(sizeof(std::atomic<int>) == sizeof(int) && std::atomic<int>::is_always_lock_free);
  std::atomic<int> state_{0};
};

}  // namespace nvmepr
