#include "device_open.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace nvmepr {
namespace {

namespace fs = std::filesystem;
using Names = std::vector<std::string>;

constexpr char kCloudPrefix[] = "/dev/disk/by-id/nvme-Alibaba_Cloud_Elastic_Block_Storage_";

TEST(ExpandDeviceNameTest, CloudDiskIdBecomesItsByIdLink) {
  EXPECT_EQ(*ExpandDeviceName("d-2ze0abc123"), std::string(kCloudPrefix) + "2ze0abc123");
  EXPECT_EQ(*ExpandDeviceName("d-x"), std::string(kCloudPrefix) + "x");
  EXPECT_EQ(*ExpandDeviceName("d-0"), std::string(kCloudPrefix) + "0");
}

TEST(ExpandDeviceNameTest, AbsolutePathsAreUnchanged) {
  for (const char* path : {"/dev/nvme0n1", "/dev/disk/by-id/nvme-eui.0123", "/dev/mapper/mpatha", "/"}) {
    EXPECT_EQ(*ExpandDeviceName(path), path);
  }
}

TEST(ExpandDeviceNameTest, RefusesRelativeEmptyAndMalformedIds) {
  for (const std::string bad : {"nvme0n1", "dev/nvme0n1", "./nvme0n1", "", " /dev/nvme0n1", "d-", "d-ABC",
                                "d-abC", "D-abc", "d-abc_def", "d-abc/../../etc/passwd", "d- abc", "d-\xe9t\xe9",
                                "d-abc\n"}) {
    auto path = ExpandDeviceName(bad);
    ASSERT_FALSE(path) << "'" << bad << "'";
    EXPECT_EQ(path.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_NE(path.error().message.find("'" + bad + "'"), std::string::npos) << path.error().message;
  }
}

TEST(SplitDeviceListTest, SplitsOnCommasAndWhiteSpaceDroppingEmptyNames) {
  EXPECT_EQ(SplitDeviceList("/dev/a,/dev/b"), (Names{"/dev/a", "/dev/b"}));
  EXPECT_EQ(SplitDeviceList(" /dev/a  /dev/b\t/dev/c\n/dev/d;/dev/e , "),
            (Names{"/dev/a", "/dev/b", "/dev/c", "/dev/d", "/dev/e"}));
  EXPECT_EQ(SplitDeviceList("d-abc"), (Names{"d-abc"}));
  EXPECT_TRUE(SplitDeviceList("").empty());
  EXPECT_TRUE(SplitDeviceList(" ,,\t;\n").empty());
}

TEST(ParseBackendTest, KnowsTheThreeBackends) {
  EXPECT_EQ(ParseBackend("auto"), Backend::kAuto);
  EXPECT_EQ(ParseBackend("passthrough"), Backend::kPassthrough);
  EXPECT_EQ(ParseBackend("block"), Backend::kBlock);
  EXPECT_EQ(ParseBackend("ioctl"), std::nullopt);
  EXPECT_EQ(ParseBackend(""), std::nullopt);
}

class OpenLinuxDeviceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (fs::temp_directory_path() / "device_open_test.XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }

  void ExpectRefused(const std::string& name, ErrorKind kind, const std::string& reason) {
    for (Backend backend : {Backend::kAuto, Backend::kPassthrough, Backend::kBlock}) {
      auto device = OpenLinuxDevice(name, backend);
      ASSERT_FALSE(device) << name;
      EXPECT_EQ(device.error().kind, kind) << name;
      EXPECT_NE(device.error().message.find(name), std::string::npos) << device.error().message;
      EXPECT_NE(device.error().message.find(reason), std::string::npos) << device.error().message;
    }
  }

  fs::path root_;
};

TEST_F(OpenLinuxDeviceTest, MissingPathIsNotFound) {
  ExpectRefused((root_ / "nvme9n9").string(), ErrorKind::kNotFound, "cannot open");
}

TEST_F(OpenLinuxDeviceTest, MissingCloudDiskIsNotFoundNamingTheId) {
  ExpectRefused("d-doesnotexist0", ErrorKind::kNotFound, "cannot open");
}

TEST_F(OpenLinuxDeviceTest, RegularFileIsNotABlockDevice) {
  const std::string file = (root_ / "image").string();
  std::ofstream(file) << std::string(4096, '\0');
  ExpectRefused(file, ErrorKind::kInvalidArgument, "not a block device");
}

TEST_F(OpenLinuxDeviceTest, CharacterDeviceIsNotABlockDevice) {
  ExpectRefused("/dev/null", ErrorKind::kInvalidArgument, "not a block device");
}

TEST_F(OpenLinuxDeviceTest, DirectoryIsNotABlockDevice) {
  ExpectRefused(root_.string(), ErrorKind::kInvalidArgument, "not a block device");
}

TEST_F(OpenLinuxDeviceTest, FifoIsRefusedWithoutBlocking) {
  const std::string fifo = (root_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  ExpectRefused(fifo, ErrorKind::kInvalidArgument, "not a block device");
}

TEST_F(OpenLinuxDeviceTest, RelativeNameIsRefusedBeforeOpening) {
  ExpectRefused("nvme0n1", ErrorKind::kInvalidArgument, "absolute path");
}

}  // namespace
}  // namespace nvmepr
