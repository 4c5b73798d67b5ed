// SPDX-License-Identifier: GPL-2.0-or-later
// Result<T>: a value or an Error, the error type of everything in core/.
//
// g++ 12 has no std::expected in C++20, so this carries the few members of it
// that we use; switching later is a rename. core/ never throws and never exits.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace nvmepr {

/// What went wrong, in the categories the agents map to exit codes.
enum class ErrorKind {
  kInvalidArgument,      ///< bad parameter or device path given by the user
  kNotFound,             ///< device or key does not exist
  kUnsupported,          ///< device lacks reservations, or an option is not supported
  kTimeout,              ///< the action's deadline passed
  kIo,                   ///< a system call failed (errno)
  kNvmeStatus,           ///< the device answered with an NVMe status
  kReservationConflict,  ///< NVMe status 0x83: our key is not registered or not allowed
  kVerifyFailed,         ///< the read-back did not show the state we asked for
  kRefused,              ///< we decline to act (e.g. this node has itself been fenced)
};

/// An error: its kind, the raw errno or NVMe status, and one line for people.
struct Error {
  ErrorKind kind = ErrorKind::kIo;
  int code = 0;         ///< errno for kIo (and for kUnsupported when this node's kernel refused), the NVMe status for
                        ///< kNvmeStatus, else 0
  std::string message;  ///< one line naming the device and key involved
};

/// Builds an Error; the usual way to fail: `return Fail(ErrorKind::kIo, "...")`.
inline Error Fail(ErrorKind kind, std::string message, int code = 0) { return Error{kind, code, std::move(message)}; }

/// A value of type T or an Error. Like std::expected<T, Error>.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : state_(std::move(error)) {}  // NOLINT: implicit by design

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

/// Result of an operation that returns nothing but may fail.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

}  // namespace nvmepr
