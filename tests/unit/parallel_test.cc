// SPDX-License-Identifier: GPL-2.0-or-later
#include "parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace nvmepr {
namespace {

using namespace std::chrono_literals;

TEST(RunWorkersTest, StartsNoThreadOnceTheDeadlineHasPassed) {
  auto started = std::make_shared<std::atomic<int>>(0);
  RunWorkers(500, Deadline::After(-1ms), [started](std::size_t, int) { ++*started; });
  EXPECT_EQ(started->load(), 0);
}

TEST(RunWorkersTest, ReturnsAtTheDeadlineWhileAWorkerIsStillBusy) {
  auto release = std::make_shared<std::atomic<bool>>(false);
  const auto start = std::chrono::steady_clock::now();
  RunWorkers(2, Deadline::After(200ms), [release](std::size_t i, int) {
    while (i == 1 && !*release) std::this_thread::sleep_for(5ms);
  });
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 190ms);
  EXPECT_LT(took, 2s);
  *release = true;
}

}  // namespace
}  // namespace nvmepr
