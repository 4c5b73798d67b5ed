// SPDX-License-Identifier: GPL-2.0-or-later
#include "corosync.h"

#include <gtest/gtest.h>

#include <string>

#include "keys.h"

namespace nvmepr {
namespace {

// What `corosync-cmapctl totem.cluster_name nodelist. runtime.votequorum.this_node_id`
// prints on a three-node cluster whose first entry has nodeid 7; this is node2.
constexpr char kThreeNodes[] = "nodelist.local_node_pos (u32) = 1\n"
                               "nodelist.node.0.name (str) = node1.example.com\n"
                               "nodelist.node.0.nodeid (u32) = 7\n"
                               "nodelist.node.0.ring0_addr (str) = 10.0.0.1\n"
                               "nodelist.node.1.name (str) = node2.example.com\n"
                               "nodelist.node.1.nodeid (u32) = 2\n"
                               "nodelist.node.1.ring0_addr (str) = 10.0.0.2\n"
                               "nodelist.node.2.name (str) = node3\n"
                               "nodelist.node.2.nodeid (u32) = 3\n"
                               "nodelist.node.2.ring0_addr (str) = 10.0.0.3\n"
                               "runtime.votequorum.this_node_id (u32) = 2\n"
                               "totem.cluster_name (str) = hacluster\n";

ClusterMap Parse(const std::string& text) {
  auto map = ParseCmapctl(text);
  EXPECT_TRUE(map) << map.error().message;
  return map ? *map : ClusterMap{};
}

TEST(ParseCmapctlTest, ReadsClusterNameAndNodes) {
  const ClusterMap map = Parse(kThreeNodes);
  EXPECT_EQ(map.cluster_name, "hacluster");
  ASSERT_EQ(map.nodes.size(), 3u);
  EXPECT_EQ(map.nodes[0].nodeid, 7u);
  EXPECT_EQ(map.nodes[0].name, "node1.example.com");
  EXPECT_EQ(map.nodes[0].ring0_addr, "10.0.0.1");
  EXPECT_EQ(map.nodes[2].nodeid, 3u);
  EXPECT_EQ(map.nodes[2].name, "node3");
}

TEST(ParseCmapctlTest, KeysUseTheNodeidNotThePosition) {
  const ClusterMap map = Parse(kThreeNodes);
  auto key = map.KeyOfNode("node1.example.com");
  ASSERT_TRUE(key);
  EXPECT_EQ(*key, *DeriveKey("hacluster", 7));
  EXPECT_EQ(*key & 0xffffffffu, 7u);
}

TEST(ParseCmapctlTest, LocalNodeComesFromLocalNodePos) {
  std::string text = kThreeNodes;
  text.replace(text.find("this_node_id (u32) = 2"), 22, "this_node_id (u32) = 3");
  const ClusterMap map = Parse(text);
  EXPECT_EQ(map.local_nodeid, 2u);
  EXPECT_EQ(*map.LocalKey(), *DeriveKey("hacluster", 2));

  const ClusterMap first = Parse("nodelist.local_node_pos (u32) = 0\n"
                                 "nodelist.node.0.nodeid (u32) = 7\n"
                                 "totem.cluster_name (str) = c\n");
  EXPECT_EQ(first.local_nodeid, 7u);
}

TEST(ParseCmapctlTest, LocalNodeFallsBackToVotequorum) {
  const ClusterMap map = Parse("totem.cluster_name (str) = c\n"
                               "nodelist.node.0.nodeid (u32) = 4\n"
                               "runtime.votequorum.this_node_id (u32) = 4\n");
  EXPECT_EQ(map.local_nodeid, 4u);
  const ClusterMap stale_pos = Parse("totem.cluster_name (str) = c\n"
                                     "nodelist.local_node_pos (u32) = 9\n"
                                     "nodelist.node.0.nodeid (u32) = 4\n"
                                     "runtime.votequorum.this_node_id (u32) = 4\n");
  EXPECT_EQ(stale_pos.local_nodeid, 4u);
}

TEST(ParseCmapctlTest, NoLocalNodeMeansLocalKeyFails) {
  const ClusterMap map = Parse("totem.cluster_name (str) = c\nnodelist.node.0.nodeid (u32) = 4\n");
  EXPECT_FALSE(map.local_nodeid);
  auto key = map.LocalKey();
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().kind, ErrorKind::kNotFound);
}

TEST(ParseCmapctlTest, ToleratesCrlfTrailingBlanksAndUnrelatedLines) {
  const ClusterMap map = Parse("Failed to something\r\n"
                               "totem.cluster_name (str) = hacluster  \r\n"
                               "nodelist.node.0.nodeid (u32) = 1\r\n"
                               "nodelist.node.0.name (str) = node1\r\n"
                               "nodelist.node.0.ring0_addr (str) = 10.0.0.1\t\r\n"
                               "nodelist.node (str) = odd\n"
                               "totem.version (u32) = 2\n");
  EXPECT_EQ(map.cluster_name, "hacluster");
  ASSERT_EQ(map.nodes.size(), 1u);
  EXPECT_EQ(map.nodes[0].name, "node1");
  EXPECT_EQ(map.nodes[0].ring0_addr, "10.0.0.1");
}

TEST(ParseCmapctlTest, MissingClusterNameIsAnError) {
  for (const char* text : {"", "nodelist.node.0.nodeid (u32) = 1\n", "totem.cluster_name (str) = \n"}) {
    auto map = ParseCmapctl(text);
    ASSERT_FALSE(map) << text;
    EXPECT_NE(map.error().message.find("cluster_name"), std::string::npos);
  }
}

TEST(ParseCmapctlTest, EntryWithoutNodeidIsAnError) {
  for (const char* nodeid : {"", "nodelist.node.1.nodeid (u32) = 0\n", "nodelist.node.1.nodeid (u32) = x\n"}) {
    auto map = ParseCmapctl(std::string("totem.cluster_name (str) = c\n"
                                        "nodelist.node.0.nodeid (u32) = 1\n"
                                        "nodelist.node.1.name (str) = node2\n") +
                            nodeid);
    ASSERT_FALSE(map) << nodeid;
    EXPECT_EQ(map.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_NE(map.error().message.find("entry 1"), std::string::npos) << map.error().message;
    EXPECT_NE(map.error().message.find("nodeid"), std::string::npos);
  }
}

TEST(FindNodeTest, FindsByNameAddressOrShortName) {
  const ClusterMap map = Parse(kThreeNodes);
  ASSERT_NE(map.FindNode("node2.example.com"), nullptr);
  EXPECT_EQ(map.FindNode("node2.example.com")->nodeid, 2u);
  ASSERT_NE(map.FindNode("10.0.0.3"), nullptr);
  EXPECT_EQ(map.FindNode("10.0.0.3")->nodeid, 3u);
  ASSERT_NE(map.FindNode("node1"), nullptr);
  EXPECT_EQ(map.FindNode("node1")->nodeid, 7u);
  ASSERT_NE(map.FindNode("node3.example.com"), nullptr);
  EXPECT_EQ(map.FindNode("node3.example.com")->nodeid, 3u);
  EXPECT_EQ(map.FindNode("node4"), nullptr);
  EXPECT_EQ(map.FindNode("node"), nullptr);
}

TEST(FindNodeTest, UnknownAddressMatchesNoNode) {
  const ClusterMap map = Parse("totem.cluster_name (str) = c\n"
                               "nodelist.node.0.nodeid (u32) = 1\n"
                               "nodelist.node.0.ring0_addr (str) = 10.0.0.1\n"
                               "nodelist.node.1.nodeid (u32) = 2\n"
                               "nodelist.node.1.ring0_addr (str) = 10.0.0.2\n");
  ASSERT_NE(map.FindNode("10.0.0.2"), nullptr);
  EXPECT_EQ(map.FindNode("10.0.0.2")->nodeid, 2u);
  EXPECT_EQ(map.FindNode("10.0.0.99"), nullptr);
  EXPECT_FALSE(map.KeyOfNode("10.0.0.99"));
  EXPECT_EQ(map.FindNode("10.9.9.9"), nullptr);
}

TEST(FindNodeTest, EmptyNameMatchesNoNode) {
  const ClusterMap map = Parse("totem.cluster_name (str) = c\n"
                               "nodelist.node.0.nodeid (u32) = 1\n"
                               "nodelist.node.0.ring0_addr (str) = 10.0.0.1\n");
  EXPECT_EQ(Parse(kThreeNodes).FindNode(""), nullptr);
  EXPECT_EQ(map.FindNode(""), nullptr);
  EXPECT_FALSE(map.KeyOfNode(""));
}

TEST(FindNodeTest, DifferentDomainIsNotTheSameNode) {
  const ClusterMap map = Parse(kThreeNodes);
  EXPECT_EQ(map.FindNode("node1.other.org"), nullptr);
}

TEST(KeyOfNodeTest, UnknownNodeIsNotFoundNamingTheNode) {
  const ClusterMap map = Parse(kThreeNodes);
  auto key = map.KeyOfNode("ghost");
  ASSERT_FALSE(key);
  EXPECT_EQ(key.error().kind, ErrorKind::kNotFound);
  EXPECT_NE(key.error().message.find("'ghost'"), std::string::npos);
}

TEST(NodeWithKeyTest, FindsTheNodeWhoseDerivedKeyMatches) {
  const ClusterMap map = Parse(kThreeNodes);
  const ClusterNode* node = map.NodeWithKey(*DeriveKey("hacluster", 3));
  ASSERT_NE(node, nullptr);
  EXPECT_EQ(node->name, "node3");
  EXPECT_EQ(map.NodeWithKey(*DeriveKey("hacluster", 1)), nullptr);
  EXPECT_EQ(map.NodeWithKey(*DeriveKey("othercluster", 3)), nullptr);
  EXPECT_EQ(map.NodeWithKey(0), nullptr);
}

}  // namespace
}  // namespace nvmepr
