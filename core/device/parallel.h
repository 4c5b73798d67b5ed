// SPDX-License-Identifier: GPL-2.0-or-later
// Runs one function per device, all at once, and waits until every one has
// finished or the deadline has passed. A hung ioctl cannot be cancelled, so a
// worker still running at the deadline is left behind (it owns what it uses)
// and its slot reports kTimeout. So `work` must own (capture by value)
// everything it touches.
#pragma once

#include <pthread.h>

#include <condition_variable>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "deadline.h"
#include "device.h"
#include "result.h"

namespace nvmepr {
namespace detail {

// Workers run one device's commands: a few frames of reservation logic, a
// Result, an spdlog line (fmt formats into a 250-byte buffer on the stack).
// glibc's default stack is 8 MB (RLIMIT_STACK), whose mapping, guard page
// and, beyond glibc's 40 MB stack cache, unmapping cost per thread under
// emulation; 256 KiB is far more than a worker touches. Sanitizers grow
// every frame: give them room.
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
inline constexpr std::size_t kWorkerStackBytes = 4 * 1024 * 1024;
#else
inline constexpr std::size_t kWorkerStackBytes = 256 * 1024;
#endif

/// Starts `body` on a detached thread with a kWorkerStackBytes stack.
/// Returns 0, or the error number of pthread_create.
inline int StartDetached(std::function<void()> body) {
  auto heap = std::make_unique<std::function<void()>>(std::move(body));
  pthread_attr_t attr;
  if (int rc = pthread_attr_init(&attr); rc != 0) return rc;
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, kWorkerStackBytes);
  pthread_t thread;
  // Like std::thread: an exception escaping `body` ends the process
  // (std::terminate), since the trampoline is noexcept.
  const int rc = pthread_create(
      &thread, &attr,
      [](void* arg) noexcept -> void* {
        std::unique_ptr<std::function<void()>> run(static_cast<std::function<void()>*>(arg));
        (*run)();
        return nullptr;
      },
      heap.get());
  pthread_attr_destroy(&attr);
  if (rc == 0) heap.release();  // the thread owns it now
  return rc;
}

}  // namespace detail

/// Runs work(i, 0) for every i in [0, count), each on its own thread, and
/// waits until every one has returned or the deadline has passed. If a
/// thread cannot be started, work(i, error number) runs at once on the
/// caller's thread instead and must only record the failure. Once the
/// deadline has passed no further thread is started and work(i, ...) is not
/// called for the rest. Never joins: the caller goes on (and the agents
/// exit) at the deadline even while a worker is stuck in the kernel.
inline void RunWorkers(std::size_t count, Deadline deadline,
                       std::function<void(std::size_t index, int start_error)> work) {
  struct Shared {
    std::mutex mutex;
    std::condition_variable done;
    std::size_t pending = 0;
  };
  auto shared = std::make_shared<Shared>();
  shared->pending = count;
  auto finish = [shared] {
    bool last;
    {
      std::lock_guard lock(shared->mutex);
      last = --shared->pending == 0;
    }
    // Notified outside the lock: the waiter need not wake only to block on it.
    if (last) shared->done.notify_all();
  };

  for (std::size_t i = 0; i < count; ++i) {
    // Starting hundreds of threads on a loaded machine takes time too: past
    // the deadline, start no more (those devices get no result).
    if (deadline.Expired()) break;
    const int rc = detail::StartDetached([work, finish, i] {
      work(i, 0);
      finish();
    });
    if (rc != 0) {
      work(i, rc);
      finish();
    }
  }
  std::unique_lock lock(shared->mutex);
  shared->done.wait_until(lock, deadline.at(), [&] { return shared->pending == 0; });
}

/// Why a device has no result: its worker was still busy at the deadline.
inline Error NoAnswer(const Device& device, Deadline deadline) {
  return Fail(ErrorKind::kTimeout, device.name() + ": " + deadline.Labelled("no answer before the deadline"));
}

/// The error a device gets when its worker thread cannot be started.
inline Error NoThread(const Device& device, int start_error) {
  return Fail(ErrorKind::kIo, device.name() + ": cannot start a thread for the device: " + std::strerror(start_error),
              start_error);
}

/// work(device, index) for every device at once (RunWorkers); a device whose
/// work has not returned by the deadline gets NoAnswer().
template <typename T>
std::vector<Result<T>> RunOnEach(const DeviceList& devices, Deadline deadline,
                                 std::function<Result<T>(Device&, std::size_t index)> work) {
  struct Shared {
    std::mutex mutex;
    std::vector<std::optional<Result<T>>> results;
  };
  auto shared = std::make_shared<Shared>();
  shared->results.resize(devices.size());
  RunWorkers(devices.size(), deadline, [shared, devices, work](std::size_t i, int start_error) {
    Result<T> result = start_error ? Result<T>(NoThread(*devices[i], start_error)) : work(*devices[i], i);
    std::lock_guard lock(shared->mutex);
    shared->results[i].emplace(std::move(result));
  });

  std::lock_guard lock(shared->mutex);
  std::vector<Result<T>> results;
  results.reserve(devices.size());
  for (std::size_t i = 0; i < devices.size(); ++i) {
    results.push_back(shared->results[i] ? std::move(*shared->results[i]) : Result<T>(NoAnswer(*devices[i], deadline)));
  }
  return results;
}

}  // namespace nvmepr
