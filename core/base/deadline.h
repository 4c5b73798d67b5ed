// SPDX-License-Identifier: GPL-2.0-or-later
// A point in time by which an action must be over. The agents wait for their
// device workers no longer than this and then exit with a failure; a device
// command itself gets at least kCommandTimeoutFloor (CommandTimeoutMs), so
// that a deadline running out never makes the kernel abort a command, and
// reset the controller, of the node that is fencing.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <string>

namespace nvmepr {

/// The shortest timeout any NVMe command is sent with. When a command times
/// out the Linux NVMe driver aborts it and, on PCIe, resets the controller
/// (admin commands on the first timeout, I/O commands on the second), which
/// stalls every application on this node's disks behind that controller, in
/// the middle of a failover. A reservation command answers in milliseconds
/// (cloud disks: tens); 10 s is far beyond a healthy controller, while a
/// command the kernel still holds at the action's deadline (uninterruptible:
/// the process's exit status reaches Pacemaker only when the kernel lets go)
/// returns within the floor, twice the floor with PCIe's abort-then-reset:
/// 20 s, inside the 40 s between power_timeout's default (20 s) and
/// Pacemaker's default fencing timeout (60 s). The driver's own defaults
/// (admin 60 s, I/O 30 s) would exceed that. docs/safety.md.
inline constexpr std::chrono::milliseconds kCommandTimeoutFloor{10000};

/// The longest time an action can be given: longer timeouts are cut to it,
/// so no deadline arithmetic can overflow (steady_clock counts nanoseconds in
/// 64 bits, about 292 years; a timeout of 2^63 ms would wrap to the past).
inline constexpr std::chrono::milliseconds kMaxTimeout{std::chrono::hours(24 * 366)};

class Deadline {
 public:
  using Clock = std::chrono::steady_clock;

  /// `label` names what set the deadline in the caller's words (the fence
  /// agent's "power_timeout", the resource agent's operation timeout), for
  /// the timeout messages of the layers below, which know no parameters. A
  /// string literal: the deadline keeps only the pointer.
  explicit Deadline(Clock::time_point at, const char* label = "") : at_(at), label_(label) {}
  /// Now plus `timeout`, which is clamped to [-kMaxTimeout, kMaxTimeout];
  /// never before the clock's epoch (boot), so that a deadline converts to a
  /// valid absolute CLOCK_MONOTONIC time (gate.h), past or not.
  static Deadline After(std::chrono::milliseconds timeout, const char* label = "") {
    return Deadline(std::max(Clock::now() + std::clamp(timeout, -kMaxTimeout, kMaxTimeout), Clock::time_point()),
                    label);
  }
  /// A timeout in milliseconds as any caller may hold it (CRM_meta_timeout,
  /// parsed to long long), clamped like After().
  static Deadline AfterMs(long long timeout_ms, const char* label = "") {
    const long long max = kMaxTimeout.count();
    return After(std::chrono::milliseconds(std::clamp(timeout_ms, -max, max)), label);
  }

  Clock::time_point at() const { return at_; }
  /// What set the deadline, as the caller named it; empty if it did not.
  const char* label() const { return label_; }
  /// `what` and, when the deadline has a label, " (label)": "deadline passed (power_timeout)".
  std::string Labelled(const std::string& what) const { return *label_ == '\0' ? what : what + " (" + label_ + ")"; }
  bool Expired() const { return Clock::now() >= at_; }
  /// Milliseconds left, at least 1 (a poll or wait timeout).
  std::uint32_t RemainingMs() const {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(at_ - Clock::now());
    return static_cast<std::uint32_t>(std::clamp<std::int64_t>(left.count(), 1, UINT32_MAX));
  }
  /// The timeout for one device command: the time left, but never less than
  /// kCommandTimeoutFloor (see there). The action itself still ends at the
  /// deadline: its workers are abandoned, not the command cut short.
  std::uint32_t CommandTimeoutMs() const {
    return std::max<std::uint32_t>(RemainingMs(), static_cast<std::uint32_t>(kCommandTimeoutFloor.count()));
  }

 private:
  Clock::time_point at_;
  const char* label_;
};

}  // namespace nvmepr
