// SPDX-License-Identifier: GPL-2.0-or-later
#include "keys.h"

#include <gtest/gtest.h>

#include "fnv1a.h"

namespace nvmepr {
namespace {

TEST(ParseKeyTest, AcceptsHexWithOrWithoutPrefixInAnyCase) {
  EXPECT_EQ(*ParseKey("0x1a"), 0x1aU);
  EXPECT_EQ(*ParseKey("0X1A"), 0x1aU);
  EXPECT_EQ(*ParseKey("6C9D0001"), 0x6c9d0001U);
  EXPECT_EQ(*ParseKey("ffffffffffffffff"), 0xffffffffffffffffULL);
}

TEST(ParseKeyTest, RefusesZeroEmptyTooLongAndNonHex) {
  for (const char* bad : {"0", "0x0", "0000", "", "0x", "0x10000000000000000", "12g", " 1", "-1", "1 "}) {
    auto key = ParseKey(bad);
    ASSERT_FALSE(key) << bad;
    EXPECT_EQ(key.error().kind, ErrorKind::kInvalidArgument);
  }
}

TEST(DeriveKeyTest, ClusterHashHighNodeidLow) {
  auto key = DeriveKey("mycluster", 3);
  ASSERT_TRUE(key);
  EXPECT_EQ(*key & 0xffffffffu, 3u);
  EXPECT_EQ(*key >> 32, Fnv1a32("mycluster"));
}

TEST(DeriveKeyTest, DiffersAcrossClustersAndRefusesNodeidZero) {
  EXPECT_NE(*DeriveKey("a", 1), *DeriveKey("b", 1));
  EXPECT_FALSE(DeriveKey("a", 0));
}

TEST(ParseKeyMapTest, GivesEachNodeOneKey) {
  auto map = ParseKeyMap("node1:0x11; node2.example.com:22,node3:0X33");
  ASSERT_TRUE(map) << map.error().message;
  EXPECT_EQ(map->size(), 3u);
  EXPECT_EQ(map->at("node2.example.com"), 0x22u);
  EXPECT_EQ(map->at("node3"), 0x33u);
}

// Issue 11 §6: a node listed twice is a configuration error, whatever the
// keys: which one it got would depend on the order.
TEST(ParseKeyMapTest, RefusesANodeListedTwice) {
  for (const char* text : {"node1:0x1;node1:0x2", "node1:0x1;node1:0x1", "node1:0x1;NODE1:0x2"}) {
    auto map = ParseKeyMap(text);
    ASSERT_FALSE(map) << text;
    EXPECT_EQ(map.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_NE(map.error().message.find("listed twice"), std::string::npos) << map.error().message;
  }
  EXPECT_FALSE(ParseKeyMap("node1:0x1;node2:0x1")) << "one key, two nodes";
  EXPECT_FALSE(ParseKeyMap("node1:0x1;:0x2"));
  EXPECT_FALSE(ParseKeyMap("node1:0x1;node2"));
  EXPECT_FALSE(ParseKeyMap("node1:0"));
}

TEST(LookUpInKeyMapTest, NodesWithoutRegardToCaseAndOnlyKeysOfTheMap) {
  const std::map<std::string, Key> map = {{"worker-1", 0xa1}, {"Worker-2", 0xa2}};
  EXPECT_EQ(*LookUpInKeyMap(map, "WORKER-1"), 0xa1u);
  EXPECT_EQ(*LookUpInKeyMap(map, "worker-2"), 0xa2u);
  EXPECT_EQ(*LookUpInKeyMap(map, "0xA2"), 0xa2u);
  auto foreign = LookUpInKeyMap(map, "0xb2");
  ASSERT_FALSE(foreign);
  EXPECT_EQ(foreign.error().message, "key 0x00000000000000b2 belongs to no node of key_map");
  auto unknown = LookUpInKeyMap(map, "worker-9");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().message, "node worker-9 is not in key_map (2 node(s)); add it as worker-9:KEY");
  EXPECT_FALSE(LookUpInKeyMap({}, "worker-1"));
}

TEST(Fnv1aTest, KnownVectors) {
  EXPECT_EQ(Fnv1a32(""), 0x811c9dc5u);
  EXPECT_EQ(Fnv1a32("a"), 0xe40c292cu);
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cull);
}

}  // namespace
}  // namespace nvmepr
