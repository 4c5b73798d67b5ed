// SPDX-License-Identifier: GPL-2.0-or-later
#include "outcome.h"

#include <gtest/gtest.h>

namespace nvmepr {
namespace {

TEST(CombineFailuresTest, PutsConfigurationProblemsFirst) {
  const Error combined =
      CombineFailures({Fail(ErrorKind::kIo, "a: EIO"), Fail(ErrorKind::kUnsupported, "b: no PR")}, "2 devices failed");
  EXPECT_EQ(combined.kind, ErrorKind::kUnsupported);
  EXPECT_EQ(combined.message, "2 devices failed: b: no PR; a: EIO");  // the most telling first
  EXPECT_EQ(CombineFailures({Fail(ErrorKind::kIo, "a: EIO")}, "x").message, "a: EIO");
}

TEST(CombineFailuresTest, OneRuleForWhatIsReportedFirst) {
  // configuration, then refusal, then a missing device, then run time; ties in device order.
  const Error refused = Fail(ErrorKind::kRefused, "r");
  const Error missing = Fail(ErrorKind::kNotFound, "m");
  const Error timeout = Fail(ErrorKind::kTimeout, "t");
  const Error io = Fail(ErrorKind::kIo, "i");
  const Error config = Fail(ErrorKind::kInvalidArgument, "c");
  EXPECT_EQ(CombineFailures({timeout, missing, refused}, "s").message, "s: r; t; m");
  EXPECT_EQ(CombineFailures({refused, config}, "s").kind, ErrorKind::kInvalidArgument);
  EXPECT_EQ(CombineFailures({timeout, missing}, "s").kind, ErrorKind::kNotFound);
  EXPECT_EQ(CombineFailures({timeout, io}, "s").kind, ErrorKind::kTimeout) << "device order among equals";
}

TEST(CombineOutcomesTest, SucceedsWhenEnoughDevicesDid) {
  const std::vector<Result<void>> outcomes = {Result<void>(), Fail(ErrorKind::kIo, "/dev/b: EIO"), Result<void>()};
  auto all = CombineOutcomes(outcomes, 0, "acquire");
  ASSERT_FALSE(all);
  EXPECT_EQ(all.error().message, "/dev/b: EIO") << "a single failure as it is";
  auto two = CombineOutcomes(outcomes, 2, "acquire");
  ASSERT_TRUE(two);
  EXPECT_EQ(*two, 2u);
  const std::vector<Result<void>> worse = {Fail(ErrorKind::kTimeout, "/dev/a: timeout"),
                                           Fail(ErrorKind::kIo, "/dev/b: EIO"), Result<void>()};
  auto failed = CombineOutcomes(worse, 2, "acquire");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().message, "acquire failed on 2 of 3 devices (2 must succeed): /dev/a: timeout; /dev/b: EIO");
  EXPECT_EQ(NeededOf(3, 0), 3u);
  EXPECT_EQ(NeededOf(3, 5), 3u);
  EXPECT_EQ(NeededOf(3, 2), 2u);
}

}  // namespace
}  // namespace nvmepr
