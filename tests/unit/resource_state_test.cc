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
  EXPECT_EQ(ResourceStateFile(dir_, "disk:1").path(), dir_ + "/disk_1.state");
  EXPECT_EQ(ResourceStateFile(dir_, "../x").path(), dir_ + "/default.._x.state");
  EXPECT_EQ(ResourceStateFile(dir_, "").path(), dir_ + "/default.state");
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
