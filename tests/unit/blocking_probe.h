// SPDX-License-Identifier: GPL-2.0-or-later
// Runs a call that must return promptly (never wait on a FIFO) on a thread
// of its own, so that a test of code that does block fails instead of hanging
// the test binary: after the timeout, `unblock` (e.g. opening the FIFO's
// other end) lets the blocked call go.
#pragma once

#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>

namespace nvmepr::testing {

template <typename T>
std::optional<T> ReturnsWithin(std::chrono::milliseconds timeout, std::function<T()> call,
                               std::function<void()> unblock) {
  auto promise = std::make_shared<std::promise<T>>();
  auto future = promise->get_future();
  std::thread([promise, call] { promise->set_value(call()); }).detach();
  if (future.wait_for(timeout) == std::future_status::ready) return future.get();
  unblock();
  future.wait_for(std::chrono::seconds(5));
  return std::nullopt;
}

}  // namespace nvmepr::testing
