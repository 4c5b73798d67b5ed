// SPDX-License-Identifier: GPL-2.0-or-later
#include "fence_options.h"

#include <gtest/gtest.h>

#include <string>

namespace nvmepr {
namespace {

Result<FenceOptions> Options(std::map<std::string, std::string> values) {
  ParsedParams params;
  params.values = std::move(values);
  return ToFenceOptions(params);
}

void ExpectInvalid(std::map<std::string, std::string> values, const std::string& mention) {
  auto options = Options(values);
  ASSERT_FALSE(options) << mention;
  EXPECT_EQ(options.error().kind, ErrorKind::kInvalidArgument) << mention;
  EXPECT_NE(options.error().message.find(mention), std::string::npos) << options.error().message;
}

TEST(ToFenceOptionsTest, DefaultsWhenNothingIsGiven) {
  auto options = Options({});
  ASSERT_TRUE(options);
  EXPECT_EQ(options->action, "");
  EXPECT_FALSE(options->key);
  EXPECT_EQ(options->reservation_type, ReservationType::kNone);
  EXPECT_EQ(options->backend, Backend::kAuto);
  EXPECT_EQ(options->store_path, "/run/fence_nvme_pr");
  EXPECT_EQ(options->power_timeout, std::chrono::milliseconds(20000));
  EXPECT_EQ(options->delay, std::chrono::milliseconds(0));
  EXPECT_FALSE(options->verbose);
  EXPECT_FALSE(options->quiet);
  EXPECT_TRUE(options->devices.empty());
}

TEST(ToFenceOptionsTest, TypesEveryParameter) {
  auto options = Options({{"action", "Off"},
                          {"plug", "node2"},
                          {"nodename", "node1"},
                          {"devices", "/dev/nvme0n1,/dev/nvme1n1 d-abc"},
                          {"key", "0X6C9D0001"},
                          {"reservation_type", "WEAR"},
                          {"device_backend", "block"},
                          {"store_path", "/var/lib/x"},
                          {"power_timeout", "2.5"},
                          {"delay", "3"},
                          {"verbose", "yes"},
                          {"quiet", "0"},
                          {"debug_file", "/tmp/d.log"},
                          {"help", "1"},
                          {"version", "off"}});
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->action, "off");
  EXPECT_EQ(options->plug, "node2");
  EXPECT_EQ(options->nodename, "node1");
  EXPECT_EQ(options->devices, (std::vector<std::string>{"/dev/nvme0n1", "/dev/nvme1n1", "d-abc"}));
  EXPECT_EQ(options->key, 0x6c9d0001u);
  EXPECT_EQ(options->reservation_type, ReservationType::kWriteExclusiveAllRegistrants);
  EXPECT_EQ(options->backend, Backend::kBlock);
  EXPECT_EQ(options->store_path, "/var/lib/x");
  EXPECT_EQ(options->power_timeout, std::chrono::milliseconds(2500));
  EXPECT_EQ(options->delay, std::chrono::milliseconds(3000));
  EXPECT_TRUE(options->verbose);
  EXPECT_FALSE(options->quiet);
  EXPECT_EQ(options->debug_file, "/tmp/d.log");
  EXPECT_TRUE(options->help);
  EXPECT_FALSE(options->version);
}

TEST(ToFenceOptionsTest, KeysAreHexInAnyCase) {
  EXPECT_EQ(Options({{"key", "abcdef"}})->key, 0xabcdefu);
  EXPECT_EQ(Options({{"key", "0xABCDEF"}})->key, 0xabcdefu);
  EXPECT_FALSE(Options({{"key", ""}})->key);
}

TEST(ToFenceOptionsTest, RefusesKeyZeroAndNonHexKeys) {
  for (const char* bad : {"0", "0x0", "xyz", "0x1ffffffffffffffff"}) ExpectInvalid({{"key", bad}}, "key");
}

TEST(ToFenceOptionsTest, ReservationTypeAcceptsNamesAcronymsAndAuto) {
  for (ReservationType type : kAllTypes) {
    EXPECT_EQ(Options({{"reservation_type", std::string(TypeName(type))}})->reservation_type, type);
  }
  EXPECT_EQ(Options({{"reservation_type", "earo"}})->reservation_type,
            ReservationType::kExclusiveAccessRegistrantsOnly);
  EXPECT_EQ(Options({{"reservation_type", "auto"}})->reservation_type, ReservationType::kNone);
  EXPECT_EQ(Options({{"reservation_type", ""}})->reservation_type, ReservationType::kNone);
}

TEST(ToFenceOptionsTest, ReservationTypeRefusesUnknownNames) {
  for (const char* bad : {"none", "0", "7", "exclusive", "we ar"}) {
    ExpectInvalid({{"reservation_type", bad}}, "reservation_type");
  }
}

TEST(ToFenceOptionsTest, DeviceBackendChoices) {
  EXPECT_EQ(Options({{"device_backend", "auto"}})->backend, Backend::kAuto);
  EXPECT_EQ(Options({{"device_backend", "passthrough"}})->backend, Backend::kPassthrough);
  EXPECT_EQ(Options({{"device_backend", "block"}})->backend, Backend::kBlock);
  ExpectInvalid({{"device_backend", "ioctl"}}, "device_backend");
}

TEST(ToFenceOptionsTest, StorePathMustBeAbsolute) {
  ExpectInvalid({{"store_path", "run/fence"}}, "absolute");
  ExpectInvalid({{"store_path", "./x"}}, "store_path");
  EXPECT_EQ(Options({{"store_path", ""}})->store_path, "/run/fence_nvme_pr");
}

TEST(ToFenceOptionsTest, PowerTimeoutIsAtLeastOneSecond) {
  EXPECT_EQ(Options({{"power_timeout", "1"}})->power_timeout, std::chrono::milliseconds(1000));
  ExpectInvalid({{"power_timeout", "0.999"}}, "power_timeout");
  ExpectInvalid({{"power_timeout", "0"}}, "power_timeout");
  ExpectInvalid({{"power_timeout", "-5"}}, "power_timeout");
  ExpectInvalid({{"power_timeout", "soon"}}, "power_timeout");
}

TEST(ToFenceOptionsTest, DelayMayBeZeroButNotNegativeOrGarbage) {
  EXPECT_EQ(Options({{"delay", "0"}})->delay, std::chrono::milliseconds(0));
  EXPECT_EQ(Options({{"delay", "0.25"}})->delay, std::chrono::milliseconds(250));
  ExpectInvalid({{"delay", "-1"}}, "delay");
  ExpectInvalid({{"delay", "nan"}}, "delay");
}

TEST(ToFenceOptionsTest, DevicesSplitOnCommasAndSpacesDroppingEmptyNames) {
  auto options = Options({{"devices", " /dev/a,, /dev/b\t/dev/c ,"}});
  ASSERT_TRUE(options);
  EXPECT_EQ(options->devices, (std::vector<std::string>{"/dev/a", "/dev/b", "/dev/c"}));
}

TEST(ToFenceOptionsTest, BadBooleanIsAnErrorNotTrue) {
  ExpectInvalid({{"verbose", "maybe"}}, "verbose");
  ExpectInvalid({{"quiet", "2"}}, "quiet");
  EXPECT_FALSE(Options({{"verbose", "0"}})->verbose);
}

TEST(ToFenceOptionsTest, UnknownActionIsAnError) { ExpectInvalid({{"action", "explode"}}, "explode"); }

TEST(CanonicalActionTest, LowerCasesKnownActions) {
  for (const char* action :
       {"on", "off", "reboot", "status", "list", "list-status", "monitor", "metadata", "manpage", "validate-all"}) {
    EXPECT_EQ(*CanonicalAction(action), action);
  }
  EXPECT_EQ(*CanonicalAction("OFF"), "off");
  EXPECT_EQ(*CanonicalAction("Status"), "status");
}

TEST(CanonicalActionTest, MapsFenceAgentsAliases) {
  EXPECT_EQ(*CanonicalAction("meta-data"), "metadata");
  EXPECT_EQ(*CanonicalAction("META-DATA"), "metadata");
  EXPECT_EQ(*CanonicalAction("enable"), "on");
  EXPECT_EQ(*CanonicalAction("disable"), "off");
  EXPECT_EQ(*CanonicalAction("list_status"), "list-status");
  EXPECT_EQ(*CanonicalAction("validate_all"), "validate-all");
}

TEST(CanonicalActionTest, UnknownActionSuggestsTheClosest) {
  auto action = CanonicalAction("stauts");
  ASSERT_FALSE(action);
  EXPECT_EQ(action.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(action.error().message.find("did you mean 'status'"), std::string::npos) << action.error().message;
  EXPECT_NE(CanonicalAction("monitr").error().message.find("'monitor'"), std::string::npos);
}

TEST(CanonicalActionTest, PrefixOfOffSuggestsOff) {
  auto action = CanonicalAction("of");
  ASSERT_FALSE(action);
  EXPECT_NE(action.error().message.find("did you mean 'off'"), std::string::npos) << action.error().message;
}

TEST(CanonicalActionTest, NoSuggestionForSomethingFarAway) {
  auto action = CanonicalAction("self-destruct-sequence");
  ASSERT_FALSE(action);
  EXPECT_EQ(action.error().message.find("did you mean"), std::string::npos);
  EXPECT_LT(CanonicalAction(std::string(10000, 'x')).error().message.size(), 200u);
  EXPECT_FALSE(CanonicalAction(""));
}

}  // namespace
}  // namespace nvmepr
