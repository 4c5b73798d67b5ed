// SPDX-License-Identifier: GPL-2.0-or-later
#include "device_open.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <stdlib.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "file_descriptor.h"
#include "model_fixture.h"

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
  for (const std::string bad : {"nvme0n1", "dev/nvme0n1", "./nvme0n1", "", " /dev/nvme0n1", "d-", "d-ABC", "d-abC",
                                "D-abc", "d-abc_def", "d-abc/../../etc/passwd", "d- abc", "d-\xe9t\xe9", "d-abc\n"}) {
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

// Look before opening (docs/safety.md): nothing but a whole NVMe
// namespace (or device-mapper over NVMe) is ever opened. inotify sees every
// open of a path (stat is no open): a character device, a FIFO, a regular
// file, a directory and a block device that is not NVMe (a loop device) are
// refused without one.
class LookBeforeOpeningTest : public OpenLinuxDeviceTest {
 protected:
  // Whether OpenLinuxDevice(path) opened `path`, and its error.
  std::pair<bool, Error> OpenWatched(const std::string& path) {
    FileDescriptor watch(::inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    EXPECT_TRUE(watch.valid());
    EXPECT_GE(::inotify_add_watch(watch.get(), path.c_str(), IN_OPEN), 0) << path;
    auto device = OpenLinuxDevice(path, Backend::kAuto);
    EXPECT_FALSE(device) << path;
    alignas(inotify_event) char events[4096];
    const bool opened = ::read(watch.get(), events, sizeof events) > 0;
    return {opened, device ? Error{} : device.error()};
  }
  // A device node in the test's directory; skipped where mknod is not allowed.
  bool MakeNode(const fs::path& path, mode_t type, unsigned major_number, unsigned minor_number) {
    return ::mknod(path.c_str(), type | 0600, makedev(major_number, minor_number)) == 0;
  }
};

TEST_F(LookBeforeOpeningTest, CharacterDeviceIsNeverOpened) {
  // A node of /dev/null's numbers stands for /dev/watchdog, whose open arms it.
  const fs::path node = root_ / "watchdog";
  if (!MakeNode(node, S_IFCHR, 1, 3)) GTEST_SKIP() << "mknod not allowed here";
  const auto [opened, error] = OpenWatched(node.string());
  EXPECT_FALSE(opened) << "a character device was opened";
  EXPECT_EQ(error.kind, ErrorKind::kInvalidArgument);
  EXPECT_NE(error.message.find("not a block device (a character device; not opened)"), std::string::npos)
      << error.message;
}

TEST_F(LookBeforeOpeningTest, FifoRegularFileAndDirectoryAreNeverOpened) {
  const fs::path fifo = root_ / "fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const fs::path file = root_ / "image";
  std::ofstream(file) << "x";
  fs::create_directory(root_ / "dir");
  for (const fs::path& path : {fifo, file, root_ / "dir"}) {
    const auto [opened, error] = OpenWatched(path.string());
    EXPECT_FALSE(opened) << path << " was opened";
    EXPECT_NE(error.message.find("not a block device"), std::string::npos) << error.message;
  }
}

TEST_F(LookBeforeOpeningTest, NonNvmeBlockDeviceIsNeverOpened) {
  const fs::path node = root_ / "loop";
  if (!fs::exists("/sys/dev/block/7:0")) GTEST_SKIP() << "no loop0 in sysfs";
  if (!MakeNode(node, S_IFBLK, 7, 0)) GTEST_SKIP() << "mknod not allowed here";
  const auto [opened, error] = OpenWatched(node.string());
  EXPECT_FALSE(opened) << "a loop device was opened";
  EXPECT_EQ(error.kind, ErrorKind::kUnsupported);
  EXPECT_NE(error.message.find("not an NVMe namespace"), std::string::npos) << error.message;
}

TEST(IsSameDeviceTest, SameBlockDeviceNumberOnly) {
  struct stat blk {};
  blk.st_mode = S_IFBLK | 0600;
  blk.st_rdev = makedev(259, 1);
  struct stat other = blk;
  EXPECT_TRUE(IsSameDevice(blk, other));
  other.st_rdev = makedev(259, 2);
  EXPECT_FALSE(IsSameDevice(blk, other));
  other = blk;
  other.st_mode = S_IFCHR | 0600;
  EXPECT_FALSE(IsSameDevice(blk, other)) << "a character device with the same numbers is another device";
}

// Duplicates by device number, not by text.
TEST_F(LookBeforeOpeningTest, OneDeviceUnderTwoNamesIsRefused) {
  const fs::path a = root_ / "nvme0n1";
  const fs::path b = root_ / "nvme0n2";
  if (!MakeNode(a, S_IFBLK, 7, 0) || !MakeNode(b, S_IFBLK, 7, 1)) GTEST_SKIP() << "mknod not allowed here";
  fs::create_directory(root_ / "by-id");
  fs::create_symlink(a, root_ / "by-id" / "nvme-eui.0001");
  const std::string doubled = root_.string() + "//nvme0n1";

  EXPECT_TRUE(CheckDistinctDevices({a.string(), b.string()}));
  EXPECT_TRUE(CheckDistinctDevices({a.string(), "/no/such/device", "d-nosuchdisk", "relative"}))
      << "what cannot be looked at is left to OpenLinuxDevice";
  for (const std::string& twin : {doubled, (root_ / "by-id" / "nvme-eui.0001").string()}) {
    auto checked = CheckDistinctDevices({a.string(), b.string(), twin});
    ASSERT_FALSE(checked) << twin;
    EXPECT_EQ(checked.error().kind, ErrorKind::kInvalidArgument);
    EXPECT_NE(checked.error().message.find(a.string() + " and " + twin + " are the same device (7:0)"),
              std::string::npos)
        << checked.error().message;
  }
}

// DeferOpening: each device is opened by its first command, once, in the
// thread that sends it; an open error comes back from every command.
TEST(DeferredDeviceTest, OpensOnFirstCommandOnce) {
  testing::SharedDisks disks(1, 2);
  auto opened = std::make_shared<std::atomic<int>>(0);
  DeviceOpener opener = [&disks, opened](const std::string& name, Backend) -> Result<DevicePtr> {
    ++*opened;
    return disks.Devices(1)[name == "/dev/disk0" ? 0 : 1];
  };
  DeviceList devices = DeferOpening({"/dev/disk0", "/dev/disk1"}, Backend::kAuto, opener);
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(*opened, 0);
  EXPECT_EQ(devices[1]->name(), "/dev/disk1");
  EXPECT_EQ(devices[0]->backend(), "");
  ASSERT_TRUE(devices[0]->Report(Deadline::After(std::chrono::seconds(5))));
  ASSERT_TRUE(devices[0]->Identify(Deadline::After(std::chrono::seconds(5))));
  EXPECT_EQ(*opened, 1);
  EXPECT_EQ(devices[0]->backend(), "model");
  ASSERT_TRUE(OpenNow(devices, Deadline::After(std::chrono::seconds(5))));
  EXPECT_EQ(*opened, 2);
}

TEST(DeferredDeviceTest, OpenErrorIsEveryCommandsErrorAndOpenNowReportsTheFirstInOrder) {
  int calls = 0;
  DeviceOpener opener = [&calls](const std::string& name, Backend) -> Result<DevicePtr> {
    ++calls;
    return Fail(ErrorKind::kNotFound, name + ": cannot open: No such file or directory");
  };
  DeviceList devices = DeferOpening({"/dev/a", "/dev/b", "/dev/c"}, Backend::kAuto, opener);
  auto opened = OpenNow(devices, Deadline::After(std::chrono::seconds(5)));
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().kind, ErrorKind::kNotFound);
  EXPECT_EQ(opened.error().message, "/dev/a: cannot open: No such file or directory");
  EXPECT_EQ(calls, 3);
  auto report = devices[1]->Report(Deadline::After(std::chrono::seconds(5)));
  ASSERT_FALSE(report);
  EXPECT_EQ(report.error().message, "/dev/b: cannot open: No such file or directory");
  EXPECT_FALSE(
      devices[2]->Register({RegisterAction::kRegister, 0, 1, false}, Deadline::After(std::chrono::seconds(5))));
  EXPECT_EQ(calls, 3);  // failures are remembered, not retried
}

}  // namespace
}  // namespace nvmepr
