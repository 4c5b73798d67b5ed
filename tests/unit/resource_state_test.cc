// SPDX-License-Identifier: GPL-2.0-or-later
#include "resource_state.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>

namespace nvmepr {
namespace {

class ResourceStateTest : public ::testing::Test {
 protected:
  ResourceStateTest() {
    char pattern[] = "/tmp/resource_state_test.XXXXXX";
    dir_ = ::mkdtemp(pattern);
  }
  ~ResourceStateTest() override { std::filesystem::remove_all(dir_); }
  std::string dir_;
};

TEST_F(ResourceStateTest, SavesLoadsAndRemoves) {
  ResourceStateFile file(dir_ + "/sub", "disk:1");
  auto none = file.Load();
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(file.Save({ResourceRole::kPromoted, 0xab, {"/dev/a", "/dev/b"}}));
  auto loaded = file.Load();
  ASSERT_TRUE(loaded && loaded->has_value());
  EXPECT_EQ((*loaded)->role, ResourceRole::kPromoted);
  EXPECT_EQ((*loaded)->key, 0xabu);
  EXPECT_EQ((*loaded)->devices, (std::vector<std::string>{"/dev/a", "/dev/b"}));
  ASSERT_TRUE(file.Remove());
  ASSERT_TRUE(file.Remove()) << "removing twice is fine";
  EXPECT_FALSE(file.Load()->has_value());
}

TEST_F(ResourceStateTest, InstanceNamesBecomeSafeFileNames) {
  // Plain names keep the file name of every earlier version.
  EXPECT_EQ(ResourceStateFile(dir_, "disk").path(), dir_ + "/disk.state");
  EXPECT_EQ(ResourceStateFile(dir_, "db_0").path(), dir_ + "/db_0.state");
  EXPECT_EQ(ResourceStateFile(dir_, "hana-disk.1").path(), dir_ + "/hana-disk.1.state");
  EXPECT_EQ(ResourceStateFile(dir_, "").path(), dir_ + "/default.state");
  // Others: safe characters, '~', a hash of the whole name; never a '/'.
  for (const char* name : {"disk:1", "../x", ".hidden", "a/b"}) {
    const std::string file = std::filesystem::path(ResourceStateFile(dir_, name).path()).filename().string();
    EXPECT_NE(file.find('~'), std::string::npos) << name;
    EXPECT_EQ(file.find('/'), std::string::npos) << name;
    EXPECT_NE(file[0], '.') << name;
  }
  EXPECT_EQ(ResourceStateFile(dir_, "disk:1").path(), ResourceStateFile(dir_, "disk:1").path()) << "stable";
  // The file names of earlier versions: a state file written before keeps its name.
  EXPECT_EQ(ResourceStateFile(dir_, "db:0").path(), dir_ + "/db_0~7b8d05672ac20531.state");
}

// "db:0" and "db_0" shared one state file (and lock); a name over ~245 bytes
// could not be created, failing every action, stop included.
TEST_F(ResourceStateTest, DistinctNamesGetDistinctFilesAndLongNamesWork) {
  EXPECT_NE(ResourceStateFile(dir_, "db:0").path(), ResourceStateFile(dir_, "db_0").path());
  EXPECT_NE(ResourceStateFile(dir_, "db:0").path(), ResourceStateFile(dir_, "db/0").path());
  const std::string long_a(300, 'a');
  const std::string long_b = std::string(299, 'a') + "b";
  EXPECT_NE(ResourceStateFile(dir_, long_a).path(), ResourceStateFile(dir_, long_b).path());
  for (const std::string& name : {long_a, std::string(201, 'x'), std::string(250, ':')}) {
    ResourceStateFile file(dir_, name);
    EXPECT_LE(std::filesystem::path(file.path()).filename().string().size() + 4, 255u);
    ASSERT_TRUE(file.Save({ResourceRole::kStarted, 0x1, {"/dev/a"}})) << name.size();
    ASSERT_TRUE(file.Lock(Deadline::After(std::chrono::seconds(1))));
    auto loaded = file.Load();
    ASSERT_TRUE(loaded && loaded->has_value());
    ASSERT_TRUE(file.Remove());
  }
  ResourceStateFile colon(dir_, "db:0"), underscore(dir_, "db_0");
  ASSERT_TRUE(colon.Save({ResourceRole::kStarted, 0x1, {"/dev/a"}}));
  ASSERT_TRUE(underscore.Save({ResourceRole::kStarted, 0x2, {"/dev/b"}}));
  EXPECT_EQ((*colon.Load())->key, 0x1u);
  EXPECT_EQ((*underscore.Load())->key, 0x2u);
}

TEST_F(ResourceStateTest, RefusesACorruptFile) {
  ResourceStateFile file(dir_, "disk");
  std::ofstream(file.path()) << "role=boss\nkey=0x1\n";
  EXPECT_FALSE(file.Load());
  std::ofstream(file.path(), std::ios::trunc) << "devices=/dev/a\n";
  EXPECT_FALSE(file.Load());
}

TEST_F(ResourceStateTest, LockSerializesAndTimesOut) {
  ResourceStateFile file(dir_, "disk");
  auto held = file.Lock(Deadline::After(std::chrono::seconds(1)));
  ASSERT_TRUE(held);
  auto second = file.Lock(Deadline::After(std::chrono::milliseconds(100)));
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().kind, ErrorKind::kTimeout);
  *held = FileDescriptor();
  EXPECT_TRUE(file.Lock(Deadline::After(std::chrono::milliseconds(100))));
}

}  // namespace
}  // namespace nvmepr
