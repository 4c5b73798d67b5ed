#include "block_pr_device.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <string>

namespace nvmepr {
namespace {

// A kernel before 6.19 has no IOC_PR_READ_KEYS / IOC_PR_READ_RESERVATION and
// answers ENOTTY, as any file without the ioctl does (/dev/null here): the
// error must say what is missing and what to use instead (issue 14 §3; seen
// on Debian's 5.10 and 6.1 kernels in tests/compat).
class BlockPrReadTest : public ::testing::Test {
 protected:
  BlockPrDevice device_{"/dev/nvme0n1", FileDescriptor(::open("/dev/null", O_RDONLY | O_CLOEXEC))};
  Deadline deadline_ = Deadline::After(std::chrono::seconds(5));
};

TEST_F(BlockPrReadTest, ReportOnAKernelWithoutTheReadIoctlsSaysWhy) {
  auto status = device_.Report(deadline_);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, ErrorKind::kUnsupported);
  EXPECT_EQ(status.error().code, ENOTTY);
  EXPECT_NE(status.error().message.find("/dev/nvme0n1: read keys"), std::string::npos) << status.error().message;
  EXPECT_NE(status.error().message.find("needs Linux 6.19"), std::string::npos) << status.error().message;
  EXPECT_NE(status.error().message.find("device_backend=passthrough or auto"), std::string::npos);
}

TEST_F(BlockPrReadTest, IdentifyOnAKernelWithoutTheReadIoctlsSaysWhy) {
  auto caps = device_.Identify(deadline_);
  ASSERT_FALSE(caps);
  EXPECT_NE(caps.error().message.find("read reservation"), std::string::npos) << caps.error().message;
  EXPECT_NE(caps.error().message.find("needs Linux 6.19"), std::string::npos) << caps.error().message;
}

}  // namespace
}  // namespace nvmepr
