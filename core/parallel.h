// Runs one function per device, all at once, and waits until every one has
// finished or the deadline has passed. A hung ioctl cannot be cancelled, so a
// worker still running at the deadline is left behind (it owns what it uses)
// and its slot reports kTimeout. So `work` must own (capture by value)
// everything it touches.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "deadline.h"
#include "device.h"
#include "result.h"

namespace nvmepr {

template <typename T>
std::vector<Result<T>> RunOnEach(const DeviceList& devices, Deadline deadline,
                                 std::function<Result<T>(Device&, std::size_t index)> work) {
  struct Shared {
    std::mutex mutex;
    std::condition_variable done;
    std::vector<std::optional<Result<T>>> results;
    std::size_t pending = 0;
  };
  auto shared = std::make_shared<Shared>();
  shared->results.resize(devices.size());
  shared->pending = devices.size();

  for (std::size_t i = 0; i < devices.size(); ++i) {
    std::thread([shared, device = devices[i], work, i] {
      Result<T> result = work(*device, i);
      std::lock_guard lock(shared->mutex);
      shared->results[i].emplace(std::move(result));
      if (--shared->pending == 0) shared->done.notify_all();
    }).detach();
  }

  std::unique_lock lock(shared->mutex);
  shared->done.wait_until(lock, deadline.at(), [&] { return shared->pending == 0; });
  std::vector<Result<T>> results;
  results.reserve(devices.size());
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (shared->results[i]) {
      results.push_back(std::move(*shared->results[i]));
    } else {
      results.push_back(Fail(ErrorKind::kTimeout,
                             devices[i]->name() + ": no answer before the deadline (power_timeout)"));
    }
  }
  return results;
}

}  // namespace nvmepr
