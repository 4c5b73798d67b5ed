// SPDX-License-Identifier: GPL-2.0-or-later
#include "deadline.h"

#include <gtest/gtest.h>

#include <climits>

namespace nvmepr {
namespace {

using namespace std::chrono_literals;

TEST(DeadlineTest, HugeTimeoutsDoNotWrapIntoThePast) {
  // CRM_meta_timeout is any number Pacemaker (or a user) sends, in ms.
  for (long long ms : {LLONG_MAX, LLONG_MAX / 1000, 1LL << 62, 9'223'372'036'854LL}) {
    const Deadline deadline = Deadline::AfterMs(ms);
    EXPECT_FALSE(deadline.Expired()) << ms;
    EXPECT_GT(deadline.at(), Deadline::Clock::now() + 24h * 365) << ms;
    EXPECT_EQ(deadline.RemainingMs(), UINT32_MAX) << ms;
  }
  EXPECT_FALSE(Deadline::After(std::chrono::milliseconds::max()).Expired());
}

// The layers below the agents know no parameter: the caller names what set
// its deadline, and only that name appears in their timeout messages.
TEST(DeadlineTest, TimeoutMessagesNameWhatTheCallerLabelled) {
  EXPECT_EQ(Deadline::After(1s, "power_timeout").Labelled("deadline passed"), "deadline passed (power_timeout)");
  EXPECT_EQ(Deadline::AfterMs(1000, "op timeout").Labelled("no answer"), "no answer (op timeout)");
  EXPECT_EQ(Deadline::After(1s).Labelled("deadline passed"), "deadline passed");
}

TEST(DeadlineTest, NegativeTimeoutsAreInThePastWithoutWrapping) {
  EXPECT_TRUE(Deadline::AfterMs(LLONG_MIN).Expired());
  EXPECT_TRUE(Deadline::After(std::chrono::milliseconds::min()).Expired());
  EXPECT_TRUE(Deadline::After(-1ms).Expired());
  EXPECT_EQ(Deadline::After(-1ms).RemainingMs(), 1u);
}

TEST(DeadlineTest, CommandTimeoutIsTheTimeLeftButNeverBelowTheFloor) {
  const auto floor = static_cast<std::uint32_t>(kCommandTimeoutFloor.count());
  EXPECT_GE(floor, 5000u) << "several seconds";
  EXPECT_EQ(Deadline::After(-5s).CommandTimeoutMs(), floor);
  EXPECT_EQ(Deadline::After(1ms).CommandTimeoutMs(), floor);
  const std::uint32_t long_one = Deadline::After(kCommandTimeoutFloor + 60s).CommandTimeoutMs();
  EXPECT_GT(long_one, floor + 59000);
  EXPECT_LE(long_one, floor + 60000);
}

}  // namespace
}  // namespace nvmepr
