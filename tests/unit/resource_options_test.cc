// SPDX-License-Identifier: GPL-2.0-or-later
#include "resource_options.h"

#include <gtest/gtest.h>

namespace nvmepr {
namespace {

ParsedParams Params(std::map<std::string, std::string> values) {
  ParsedParams params;
  params.values = std::move(values);
  return params;
}

Result<ResourceOptions> Options(std::map<std::string, std::string> extra) {
  std::map<std::string, std::string> values = {{"devices", "/dev/nvme0n1,/dev/nvme1n1"}};
  for (auto& [name, value] : extra) values[name] = value;
  return ToResourceOptions(Params(values));
}

void ExpectBad(std::map<std::string, std::string> extra, const std::string& fragment) {
  auto options = Options(extra);
  ASSERT_FALSE(options) << fragment;
  EXPECT_EQ(options.error().kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(options.error().message.find(fragment), std::string::npos) << options.error().message;
}

TEST(ResourceOptionsTest, Defaults) {
  auto options = Options({});
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->devices, (std::vector<std::string>{"/dev/nvme0n1", "/dev/nvme1n1"}));
  EXPECT_FALSE(options->key.has_value());
  EXPECT_TRUE(options->key_map.empty());
  EXPECT_EQ(options->reservation_type, ReservationType::kWriteExclusive);
  EXPECT_EQ(options->Required(), 2u);
  EXPECT_TRUE(options->preempt_abort);
  EXPECT_EQ(options->backend, Backend::kAuto);
  EXPECT_EQ(options->store_path, "/run/nvme_persist");
  EXPECT_EQ(options->promotion_score, 1000);
}

TEST(ResourceOptionsTest, EveryParameter) {
  auto options = Options({{"key", "0X1A"},
                          {"reservation_type", "EA"},
                          {"required_devices", "1"},
                          {"preempt_abort", "no"},
                          {"device_backend", "block"},
                          {"store_path", "/tmp/x"},
                          {"promotion_score", "10"},
                          {"devices", "d-2ze0abc /dev/nvme1n1"}});
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(options->key, std::optional<Key>(0x1a));
  EXPECT_EQ(options->reservation_type, ReservationType::kExclusiveAccess);
  EXPECT_EQ(options->Required(), 1u);
  EXPECT_FALSE(options->preempt_abort);
  EXPECT_EQ(options->backend, Backend::kBlock);
  EXPECT_EQ(options->store_path, "/tmp/x");
  EXPECT_EQ(options->promotion_score, 10);
  EXPECT_EQ(Options({{"required_devices", "2"}})->required_devices, 0u) << "2 of 2 is all";
}

TEST(ResourceOptionsTest, BadValuesNameTheParameter) {
  auto missing = ToResourceOptions(Params({}));
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("devices is required"), std::string::npos);
  ExpectBad({{"devices", " , "}}, "devices is required");
  ExpectBad({{"devices", "nvme0n1"}}, "devices=");
  ExpectBad({{"devices", "/dev/a,/dev/a"}}, "listed twice");
  ExpectBad({{"key", "0"}}, "key=");
  ExpectBad({{"key", "xyz"}}, "key=");
  ExpectBad({{"reservation_type", "write-exclusive-all-registrants"}}, "reservation_type=");
  ExpectBad({{"required_devices", "0"}}, "required_devices=");
  ExpectBad({{"required_devices", "3"}}, "from 1 to 2");
  ExpectBad({{"preempt_abort", "maybe"}}, "preempt_abort=");
  ExpectBad({{"device_backend", "scsi"}}, "device_backend=");
  ExpectBad({{"store_path", "run/x"}}, "absolute");
  ExpectBad({{"promotion_score", "-5"}}, "promotion_score=");
}

TEST(ResourceOptionsTest, KeyMapGivesEachNodeItsKey) {
  auto options = Options({{"key", "node1:0x11; node2.example.com:0x22"}});
  ASSERT_TRUE(options) << options.error().message;
  EXPECT_EQ(*ConfiguredKey(*options, {"node1"}), std::optional<Key>(0x11));
  EXPECT_EQ(*ConfiguredKey(*options, {"", "node2.example.com"}), std::optional<Key>(0x22));
  EXPECT_EQ(*ConfiguredKey(*options, {"node1.example.com"}), std::optional<Key>(0x11)) << "short name";
  auto none = ConfiguredKey(*options, {"node3"});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::kNotFound);
  ExpectBad({{"key", "node1:0x1;node2:0x1"}}, "two nodes");
  ExpectBad({{"key", "node1:0x1;:0x2"}}, "node:key");
  ExpectBad({{"key", "node1:0x1;node2:0x2;node1:0x3"}}, "node1 is listed twice");
  EXPECT_EQ(*ConfiguredKey(*Options({}), {"node1"}), std::nullopt) << "no key=: derive it";
  EXPECT_EQ(*ConfiguredKey(*Options({{"key", "5"}}), {}), std::optional<Key>(5));
}

}  // namespace
}  // namespace nvmepr
