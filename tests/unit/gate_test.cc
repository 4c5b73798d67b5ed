// SPDX-License-Identifier: GPL-2.0-or-later
#include "gate.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace nvmepr {
namespace {

using namespace std::chrono_literals;

TEST(GateTest, WaitReturnsTheValueItWasOpenedWith) {
  Gate gate;
  std::thread opener([&] {
    std::this_thread::sleep_for(20ms);
    gate.Open(7);
  });
  EXPECT_EQ(gate.Wait(Deadline::After(5s)), 7);
  opener.join();
}

TEST(GateTest, OnlyTheFirstOpenCounts) {
  Gate gate;
  EXPECT_EQ(gate.Wait(Deadline::After(-1s)), std::nullopt);  // closed
  gate.Open(2);
  gate.Open(1);
  EXPECT_EQ(gate.Wait(Deadline::After(-1s)), 2);
  EXPECT_EQ(gate.Wait(Deadline::After(1s)), 2);
}

TEST(GateTest, WaitGivesUpAtTheDeadline) {
  Gate gate;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(gate.Wait(Deadline::After(100ms)), std::nullopt);
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 100ms);
  EXPECT_LT(took, 2s);
}

TEST(GateTest, ADeadlineAlreadyPastReturnsAtOnce) {
  Gate gate;
  EXPECT_EQ(gate.Wait(Deadline::After(-1s)), std::nullopt);
  gate.Open(1);
  EXPECT_EQ(gate.Wait(Deadline::After(-1s)), 1);
}

TEST(GateTest, OpeningReleasesEveryWaiter) {
  Gate gate;
  std::atomic<int> released{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 64; ++i) {
    waiters.emplace_back([&] {
      if (gate.Wait(Deadline::After(10s)) == 3) ++released;
    });
  }
  std::this_thread::sleep_for(20ms);
  gate.Open(3);
  for (auto& t : waiters) t.join();
  EXPECT_EQ(released, 64);
}

}  // namespace
}  // namespace nvmepr
