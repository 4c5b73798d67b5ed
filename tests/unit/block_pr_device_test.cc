// SPDX-License-Identifier: GPL-2.0-or-later
// The block-layer backend against a fake <linux/pr.h> ioctl: key order of a
// preempt, pr_status and errno mapping, and the READ_KEYS grow-and-retry.
#include "block_pr_device.h"

#include <fcntl.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <chrono>
#include <string>
#include <functional>
#include <memory>
#include <vector>

namespace nvmepr {
namespace {

using namespace std::chrono_literals;

struct FakeBlock {
  // Answers one request: returns what ioctl returns, errno set.
  std::function<int(unsigned long request, void* arg)> answer = [](unsigned long, void*) { return 0; };
  std::vector<unsigned long> requests;

  std::unique_ptr<BlockPrDevice> Device() {
    return std::make_unique<BlockPrDevice>("/dev/dm-9", FileDescriptor(),
                                           [this](int, unsigned long request, void* arg) {
                                             requests.push_back(request);
                                             return answer(request, arg);
                                           });
  }
};

Deadline Far() { return Deadline::After(30s); }
constexpr auto kWEAR = ReservationType::kWriteExclusiveAllRegistrants;

TEST(BlockPrDeviceTest, PreemptSendsOwnKeyAsOldKeyAndVictimAsNewKey) {
  // Swapped, the kernel sends the victim as CRKEY and the device answers
  // with a conflict (facts: trap 1).
  for (auto action : {AcquireAction::kPreempt, AcquireAction::kPreemptAndAbort}) {
    FakeBlock fake;
    pr_preempt seen{};
    fake.answer = [&](unsigned long, void* arg) {
      seen = *static_cast<pr_preempt*>(arg);
      return 0;
    };
    ASSERT_TRUE(fake.Device()->Acquire({action, kWEAR, 0xA1, 0xB2}, Far()));
    ASSERT_EQ(fake.requests.size(), 1u);
    EXPECT_EQ(fake.requests[0], action == AcquireAction::kPreempt ? static_cast<unsigned long>(IOC_PR_PREEMPT)
                                                                  : static_cast<unsigned long>(IOC_PR_PREEMPT_ABORT));
    EXPECT_EQ(seen.old_key, 0xA1u) << "own key";
    EXPECT_EQ(seen.new_key, 0xB2u) << "victim";
    EXPECT_EQ(seen.type, 5u);
  }
}

TEST(BlockPrDeviceTest, PrStatusMapping) {
  struct Case {
    int status;
    ErrorKind kind;
    const char* text;
  };
  for (const Case& c :
       {Case{0x18, ErrorKind::kReservationConflict, "reservation conflict"},
        Case{0x83, ErrorKind::kReservationConflict, "reservation conflict"},    // raw NVMe, before 6.2
        Case{0x4083, ErrorKind::kReservationConflict, "reservation conflict"},  // with DNR
        Case{0x2, ErrorKind::kNvmeStatus, "I/O error"}, Case{0x10000, ErrorKind::kNvmeStatus, "path failure"},
        Case{0x81, ErrorKind::kNvmeStatus, "device error"}, Case{0xe0000, ErrorKind::kNvmeStatus, "path failure"},
        Case{0xf0000, ErrorKind::kNvmeStatus, "path failure"}}) {
    FakeBlock fake;
    fake.answer = [&](unsigned long, void*) { return c.status; };
    auto r = fake.Device()->Register({RegisterAction::kRegister, 0, 1, false}, Far());
    ASSERT_FALSE(r) << c.status;
    EXPECT_EQ(r.error().kind, c.kind) << std::hex << c.status;
    EXPECT_EQ(r.error().code, c.status);
    EXPECT_NE(r.error().message.find(c.text), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("/dev/dm-9"), std::string::npos);
  }
}

TEST(BlockPrDeviceTest, ErrnoMapping) {
  for (auto [err, kind] : {std::pair{ENOTTY, ErrorKind::kUnsupported},
                           {EOPNOTSUPP, ErrorKind::kUnsupported},
                           {EIO, ErrorKind::kIo},
                           {EWOULDBLOCK, ErrorKind::kIo},
                           {EINTR, ErrorKind::kIo}}) {
    FakeBlock fake;
    fake.answer = [err = err](unsigned long, void*) {
      errno = err;
      return -1;
    };
    auto r = fake.Device()->Register({RegisterAction::kRegister, 0, 1, false}, Far());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, kind) << err;
    EXPECT_EQ(r.error().code, err);
    EXPECT_EQ(fake.requests.size(), 1u) << "sent once, never resent (errno " << err << ")";
  }
}

TEST(BlockPrDeviceTest, ReleaseRefusesKeyZeroWithoutSendingIt) {
  FakeBlock fake;
  auto r = fake.Device()->Release({ReleaseAction::kRelease, kWEAR, 0}, Far());
  ASSERT_FALSE(r);
  EXPECT_TRUE(fake.requests.empty());
}

TEST(BlockPrDeviceTest, ReadKeysGrowsTheBufferToTheTotalAndDropsDuplicates) {
  // 40 keys (two paths each show as two entries): more than the first 16.
  FakeBlock fake;
  std::vector<std::uint32_t> capacities;
  fake.answer = [&](unsigned long request, void* arg) {
    if (request == static_cast<unsigned long>(IOC_PR_READ_KEYS)) {
      auto& read = *static_cast<pr_read_keys*>(arg);
      capacities.push_back(read.num_keys);
      auto* keys = reinterpret_cast<__u64*>(read.keys_ptr);
      for (std::uint32_t i = 0; i < std::min<std::uint32_t>(read.num_keys, 40); ++i) keys[i] = 0x100 + i / 2;
      read.num_keys = 40;
      read.generation = 9;
      return 0;
    }
    auto& reservation = *static_cast<pr_read_reservation*>(arg);
    reservation.key = 0x100;
    reservation.type = 3;  // WERO: only the holder holds
    reservation.generation = 9;
    return 0;
  };
  auto status = fake.Device()->Report(Far());
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(capacities, (std::vector<std::uint32_t>{16, 40}));
  ASSERT_EQ(status->registrants.size(), 20u);
  EXPECT_TRUE(status->registrants[0].holds_reservation);
  EXPECT_FALSE(status->registrants[1].holds_reservation);
  EXPECT_EQ(status->type, ReservationType::kWriteExclusiveRegistrantsOnly);
}

TEST(BlockPrDeviceTest, ReadKeysRefusesMoreKeysThanTheKernelCanReturn) {
  FakeBlock fake;
  fake.answer = [&](unsigned long, void* arg) {
    static_cast<pr_read_keys*>(arg)->num_keys = PR_KEYS_MAX + 1;
    return 0;
  };
  auto status = fake.Device()->Report(Far());
  ASSERT_FALSE(status);
  EXPECT_EQ(fake.requests.size(), 1u);
}

TEST(BlockPrDeviceTest, UnknownReservationTypeIsAnError) {
  FakeBlock fake;
  fake.answer = [&](unsigned long request, void* arg) {
    if (request == static_cast<unsigned long>(IOC_PR_READ_KEYS)) {
      static_cast<pr_read_keys*>(arg)->num_keys = 0;
    } else {
      static_cast<pr_read_reservation*>(arg)->type = 9;
    }
    return 0;
  };
  EXPECT_FALSE(fake.Device()->Report(Far()));
}

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
