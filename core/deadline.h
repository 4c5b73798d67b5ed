// A point in time by which an action must be over. Every device command gets
// the time that is left, so a hung device cannot hold an action past its
// power_timeout.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace nvmepr {

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  explicit Deadline(Clock::time_point at) : at_(at) {}
  static Deadline After(std::chrono::milliseconds timeout) { return Deadline(Clock::now() + timeout); }

  Clock::time_point at() const { return at_; }
  bool Expired() const { return Clock::now() >= at_; }
  /// Milliseconds left, at least 1 so it can be passed as a command timeout.
  std::uint32_t RemainingMs() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at_ - Clock::now());
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(left.count(), 1, UINT32_MAX));
  }

 private:
  Clock::time_point at_;
};

}  // namespace nvmepr
