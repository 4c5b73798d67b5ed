// SPDX-License-Identifier: GPL-2.0-or-later
// The passthrough backend against a fake NVMe ioctl: what it sends (opcode,
// nsid, buffer, timeout) and how it reads what comes back (errno, NVMe
// status, report layouts).
#include "passthrough_device.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <vector>

namespace nvmepr {
namespace {

using namespace std::chrono_literals;

// One command as the fake device saw it.
struct Sent {
  unsigned long request;
  std::uint8_t opcode;
  std::uint32_t nsid, cdw10, cdw11, data_len, timeout_ms;
};

// A device whose answer to each command is `answer` (fills the buffer,
// returns what ioctl returns and sets errno); records every command.
struct FakeNvme {
  std::function<int(nvme_passthru_cmd&, std::uint8_t* buffer)> answer = [](nvme_passthru_cmd&, std::uint8_t*) {
    return 0;
  };
  std::vector<Sent> sent;

  std::unique_ptr<PassthroughDevice> Device() {
    return std::make_unique<PassthroughDevice>(
        "/dev/fake", FileDescriptor(), 7, [this](int, unsigned long request, void* arg) {
          auto& cmd = *static_cast<nvme_passthru_cmd*>(arg);
          sent.push_back({request, cmd.opcode, cmd.nsid, cmd.cdw10, cmd.cdw11, cmd.data_len, cmd.timeout_ms});
          return answer(cmd, reinterpret_cast<std::uint8_t*>(cmd.addr));
        });
  }
};

void PutLe(std::uint8_t* out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<std::uint8_t>(value >> (8 * i));
}

// Fills a report buffer of `len` bytes with `regctl` registrants with keys
// 0x10, 0x11, ... (entries that do not fit are left out, as a device does).
void FillReport(std::uint8_t* buffer, std::uint32_t len, bool extended, std::uint16_t regctl) {
  std::memset(buffer, 0, len);
  PutLe(buffer, 3, 4);           // generation
  buffer[4] = 5;                 // WEAR
  PutLe(buffer + 5, regctl, 2);  // REGCTL: all of them, even if truncated
  const std::uint32_t header = extended ? 64 : 24, entry = extended ? 64 : 24;
  for (std::uint16_t i = 0; i < regctl && header + (i + 1u) * entry <= len; ++i) {
    std::uint8_t* at = buffer + header + i * entry;
    PutLe(at, i + 1, 2);  // cntlid
    at[2] = 1;
    PutLe(at + (extended ? 8 : 16), 0x10 + i, 8);
  }
}

Deadline Far() { return Deadline::After(30s); }

TEST(PassthroughDeviceTest, TimeoutIsNeverShorterThanTheFloor) {
  FakeNvme fake;
  auto device = fake.Device();
  // 50 ms left: the command still gets the floor, not 50 ms.
  ASSERT_TRUE(device->Register({RegisterAction::kRegister, 0, 1, false}, Deadline::After(50ms)));
  ASSERT_EQ(fake.sent.size(), 1u);
  EXPECT_GE(fake.sent[0].timeout_ms, static_cast<std::uint32_t>(kCommandTimeoutFloor.count()));
  // Plenty left: the time left.
  ASSERT_TRUE(device->Register({RegisterAction::kRegister, 0, 1, false}, Deadline::After(100s)));
  EXPECT_GT(fake.sent[1].timeout_ms, 90000u);
  EXPECT_LE(fake.sent[1].timeout_ms, 100000u);
}

TEST(PassthroughDeviceTest, PastTheDeadlineNothingIsSent) {
  FakeNvme fake;
  auto r = fake.Device()->Register({RegisterAction::kRegister, 0, 1, false}, Deadline::After(-1ms));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kTimeout);
  EXPECT_TRUE(fake.sent.empty());
}

TEST(PassthroughDeviceTest, ReservationCommandsAreIoCommandsOnTheNamespace) {
  FakeNvme fake;
  auto device = fake.Device();
  ASSERT_TRUE(
      device->Acquire({AcquireAction::kPreemptAndAbort, ReservationType::kWriteExclusiveAllRegistrants, 1, 2}, Far()));
  ASSERT_EQ(fake.sent.size(), 1u);
  EXPECT_EQ(fake.sent[0].request, static_cast<unsigned long>(NVME_IOCTL_IO_CMD));
  EXPECT_EQ(fake.sent[0].opcode, 0x11);
  EXPECT_EQ(fake.sent[0].nsid, 7u);
  EXPECT_EQ(fake.sent[0].data_len, 16u);
}

TEST(PassthroughDeviceTest, IdentifyControllerGoesToNsidZeroAndNamespaceToOurs) {
  FakeNvme fake;
  fake.answer = [](nvme_passthru_cmd& cmd, std::uint8_t* buffer) {
    if (cmd.cdw10 == 1) buffer[520] = 1 << 5;  // ONCS: reservations
    if (cmd.cdw10 == 0) buffer[31] = 0x7E;     // RESCAP
    return 0;
  };
  auto caps = fake.Device()->Identify(Far());
  ASSERT_TRUE(caps) << caps.error().message;
  EXPECT_TRUE(caps->reservations);
  EXPECT_EQ(caps->rescap, 0x7E);
  ASSERT_EQ(fake.sent.size(), 2u);
  EXPECT_EQ(fake.sent[0].request, static_cast<unsigned long>(NVME_IOCTL_ADMIN_CMD));
  EXPECT_EQ(fake.sent[0].nsid, 0u);
  EXPECT_EQ(fake.sent[1].nsid, 7u);
}

TEST(PassthroughDeviceTest, ErrnoIsAnIoErrorWithTheErrno) {
  FakeNvme fake;
  fake.answer = [](nvme_passthru_cmd&, std::uint8_t*) {
    errno = EIO;
    return -1;
  };
  auto r = fake.Device()->Register({RegisterAction::kRegister, 0, 1, false}, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kIo);
  EXPECT_EQ(r.error().code, EIO);
  EXPECT_NE(r.error().message.find("/dev/fake"), std::string::npos);
}

TEST(PassthroughDeviceTest, NvmeStatusIsADeviceAnswerNotAnErrno) {
  FakeNvme fake;
  fake.answer = [](nvme_passthru_cmd&, std::uint8_t*) { return 0x4083; };  // DNR + conflict
  auto r = fake.Device()->Register({RegisterAction::kRegister, 0, 1, false}, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kReservationConflict);
  fake.answer = [](nvme_passthru_cmd&, std::uint8_t*) { return 0x0002; };
  r = fake.Device()->Register({RegisterAction::kRegister, 0, 1, false}, Far());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::kNvmeStatus);
  EXPECT_EQ(r.error().code, 0x0002);
}

TEST(PassthroughDeviceTest, ACommandTheKernelCancelledIsNotResent) {
  // EINTR from the NVMe ioctl is NVME_REQ_CANCELLED (timeout, controller
  // reset): the command may have run, and sending it again is not our call.
  for (int err : {EINTR, ETIMEDOUT}) {
    FakeNvme fake;
    fake.answer = [err](nvme_passthru_cmd&, std::uint8_t*) {
      errno = err;
      return -1;
    };
    auto r = fake.Device()->Acquire(
        {AcquireAction::kPreemptAndAbort, ReservationType::kWriteExclusiveAllRegistrants, 1, 2}, Far());
    ASSERT_FALSE(r);
    EXPECT_EQ(fake.sent.size(), 1u) << "errno " << err;
    EXPECT_EQ(r.error().code, err);
    EXPECT_EQ(r.error().kind, ErrorKind::kIo);
  }
}

TEST(PassthroughDeviceTest, ExtendedReportFirst) {
  FakeNvme fake;
  fake.answer = [](nvme_passthru_cmd& cmd, std::uint8_t* buffer) {
    FillReport(buffer, cmd.data_len, cmd.cdw11 & 1, 2);
    return 0;
  };
  auto status = fake.Device()->Report(Far());
  ASSERT_TRUE(status) << status.error().message;
  ASSERT_EQ(fake.sent.size(), 1u);
  EXPECT_EQ(fake.sent[0].opcode, 0x0E);
  EXPECT_EQ(fake.sent[0].cdw11 & 1, 1u) << "EDS=1";
  ASSERT_EQ(status->registrants.size(), 2u);
  EXPECT_EQ(status->registrants[1].key, 0x11u);
}

TEST(PassthroughDeviceTest, FallsBackToTheStandardReportOnHostIdFormatAndRemembers) {
  for (int refusal : {0x18, 0x4018, 0x02}) {
    FakeNvme fake;
    fake.answer = [refusal](nvme_passthru_cmd& cmd, std::uint8_t* buffer) {
      if (cmd.cdw11 & 1) return refusal;
      FillReport(buffer, cmd.data_len, false, 1);
      return 0;
    };
    auto device = fake.Device();
    auto status = device->Report(Far());
    ASSERT_TRUE(status) << status.error().message;
    ASSERT_EQ(status->registrants.size(), 1u);
    EXPECT_EQ(status->registrants[0].key, 0x10u);
    ASSERT_EQ(fake.sent.size(), 2u);
    EXPECT_EQ(fake.sent[1].cdw11 & 1, 0u) << "EDS=0";
    ASSERT_TRUE(device->Report(Far()));
    ASSERT_EQ(fake.sent.size(), 3u);
    EXPECT_EQ(fake.sent[2].cdw11 & 1, 0u) << "the standard layout from then on";
  }
}

TEST(PassthroughDeviceTest, OtherReportErrorsDoNotFallBack) {
  FakeNvme fake;
  fake.answer = [](nvme_passthru_cmd&, std::uint8_t*) { return 0x0083; };
  auto status = fake.Device()->Report(Far());
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, ErrorKind::kReservationConflict);
  EXPECT_EQ(fake.sent.size(), 1u);
}

TEST(PassthroughDeviceTest, RereadsWithALargerBufferWhenRegctlDoesNotFit) {
  // 100 extended entries need 64 + 6400 bytes, more than the first 4 KiB.
  FakeNvme fake;
  fake.answer = [](nvme_passthru_cmd& cmd, std::uint8_t* buffer) {
    FillReport(buffer, cmd.data_len, true, 100);
    return 0;
  };
  auto status = fake.Device()->Report(Far());
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->registrants.size(), 100u);
  ASSERT_EQ(fake.sent.size(), 2u);
  EXPECT_EQ(fake.sent[0].data_len, 4096u);
  EXPECT_EQ(fake.sent[1].data_len, 64u + 100u * 64u);
  EXPECT_EQ(fake.sent[1].cdw10, (64u + 100u * 64u) / 4 - 1) << "NUMD is zero-based dwords";
}

}  // namespace
}  // namespace nvmepr
