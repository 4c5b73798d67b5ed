// SPDX-License-Identifier: GPL-2.0-or-later
#include "nvme_command.h"

#include <gtest/gtest.h>

#include <algorithm>

#include <cstdint>
#include <vector>

namespace nvmepr {
namespace {

using Bytes = std::vector<std::uint8_t>;

void PutLe(Bytes& out, std::size_t at, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out[at + i] = static_cast<std::uint8_t>(value >> (8 * i));
}

std::uint64_t GetLe64(const Bytes& in, std::size_t at) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | in[at + i];
  return value;
}

// A report header: generation, rtype, REGCTL (bytes 5-6), PTPLS (byte 9).
Bytes ReportHeader(bool extended, std::uint32_t generation, std::uint8_t rtype, std::uint16_t regctl, bool ptpl,
                   std::size_t entries) {
  Bytes data(ReportHeaderBytes(extended) + entries * ReportEntryBytes(extended), 0);
  PutLe(data, 0, generation, 4);
  data[4] = rtype;
  PutLe(data, 5, regctl, 2);
  data[9] = ptpl ? 1 : 0;
  return data;
}

void PutStandardEntry(Bytes& data, std::size_t index, std::uint16_t cntlid, bool holder, std::uint64_t host_id,
                      std::uint64_t key) {
  const std::size_t at = 24 + index * 24;
  PutLe(data, at, cntlid, 2);
  data[at + 2] = holder ? 1 : 0;
  for (int i = 0; i < 8; ++i) data[at + 8 + i] = static_cast<std::uint8_t>(host_id >> (56 - 8 * i));
  PutLe(data, at + 16, key, 8);
}

void PutExtendedEntry(Bytes& data, std::size_t index, std::uint16_t cntlid, bool holder, std::uint64_t key,
                      std::uint8_t host_id_seed) {
  const std::size_t at = 64 + index * 64;
  PutLe(data, at, cntlid, 2);
  data[at + 2] = holder ? 1 : 0;
  PutLe(data, at + 8, key, 8);
  for (int i = 0; i < 16; ++i) data[at + 16 + i] = static_cast<std::uint8_t>(host_id_seed + i);
}

TEST(EncodeRegisterTest, PutsActionIekeyAndKeysInPlace) {
  RegisterArgs args{RegisterAction::kReplace, 0x0102030405060708ULL, 0x1112131415161718ULL, true};
  const NvmeCommand cmd = EncodeRegister(args);
  EXPECT_EQ(cmd.opcode, Opcode::kReservationRegister);
  EXPECT_EQ(static_cast<int>(cmd.opcode), 0x0D);
  EXPECT_EQ(cmd.cdw10 & 0x7u, 2u);
  EXPECT_EQ(cmd.cdw10 & (1u << 3), 1u << 3);
  EXPECT_EQ((cmd.cdw10 >> 8) & 0xFFu, 0u);
  EXPECT_EQ(cmd.cdw10 >> 30, 0u) << "CPTPL must leave the PTPL state unchanged";
  EXPECT_EQ(cmd.cdw10, 0x0Au);
  EXPECT_EQ(cmd.cdw11, 0u);
  ASSERT_EQ(cmd.data.size(), 16u);
  EXPECT_EQ(cmd.data[0], 0x08);
  EXPECT_EQ(cmd.data[7], 0x01);
  EXPECT_EQ(GetLe64(cmd.data, 0), 0x0102030405060708ULL);
  EXPECT_EQ(GetLe64(cmd.data, 8), 0x1112131415161718ULL);
  EXPECT_FALSE(cmd.reads_from_device);
}

TEST(EncodeRegisterTest, EncodesEachActionWithoutIekey) {
  for (auto [action, bits] :
       {std::pair{RegisterAction::kRegister, 0u}, {RegisterAction::kUnregister, 1u}, {RegisterAction::kReplace, 2u}}) {
    const NvmeCommand cmd = EncodeRegister({action, 5, 6, false});
    EXPECT_EQ(cmd.cdw10, bits);
  }
}

TEST(EncodeAcquireTest, PutsActionTypeAndKeys) {
  AcquireArgs args{AcquireAction::kPreemptAndAbort, ReservationType::kWriteExclusiveAllRegistrants, 0xAAULL,
                   0xFFEEDDCCBBAA9988ULL};
  const NvmeCommand cmd = EncodeAcquire(args);
  EXPECT_EQ(static_cast<int>(cmd.opcode), 0x11);
  EXPECT_EQ(cmd.cdw10 & 0x7u, 2u);
  EXPECT_EQ(cmd.cdw10 & (1u << 3), 0u);
  EXPECT_EQ((cmd.cdw10 >> 8) & 0xFFu, 5u);
  EXPECT_EQ(cmd.cdw10, 0x0502u);
  ASSERT_EQ(cmd.data.size(), 16u);
  EXPECT_EQ(GetLe64(cmd.data, 0), 0xAAULL);
  EXPECT_EQ(GetLe64(cmd.data, 8), 0xFFEEDDCCBBAA9988ULL);
  EXPECT_FALSE(cmd.reads_from_device);
}

TEST(EncodeAcquireTest, EncodesEveryTypeInBits15To8) {
  for (ReservationType type : kAllTypes) {
    const NvmeCommand cmd = EncodeAcquire({AcquireAction::kAcquire, type, 1, 0});
    EXPECT_EQ(cmd.cdw10, static_cast<std::uint32_t>(type) << 8);
  }
  EXPECT_EQ(EncodeAcquire({AcquireAction::kPreempt, ReservationType::kWriteExclusive, 1, 2}).cdw10, 0x0101u);
}

TEST(EncodeReleaseTest, PutsActionTypeAndCurrentKeyOnly) {
  ReleaseArgs args{ReleaseAction::kClear, ReservationType::kExclusiveAccessAllRegistrants, 0x8877665544332211ULL};
  const NvmeCommand cmd = EncodeRelease(args);
  EXPECT_EQ(static_cast<int>(cmd.opcode), 0x15);
  EXPECT_EQ(cmd.cdw10, 0x0601u);
  ASSERT_EQ(cmd.data.size(), 8u);
  EXPECT_EQ(GetLe64(cmd.data, 0), 0x8877665544332211ULL);
  EXPECT_EQ(EncodeRelease({ReleaseAction::kRelease, ReservationType::kWriteExclusive, 1}).cdw10, 0x0100u);
}

TEST(EncodeReportTest, NumdIsZeroBasedDwordsAndEdsIsCdw11Bit0) {
  const NvmeCommand standard = EncodeReport(4096, false);
  EXPECT_EQ(static_cast<int>(standard.opcode), 0x0E);
  EXPECT_EQ(standard.cdw10, 1023u);
  EXPECT_EQ(standard.cdw11, 0u);
  EXPECT_EQ(standard.data.size(), 4096u);
  EXPECT_TRUE(standard.reads_from_device);

  const NvmeCommand extended = EncodeReport(64, true);
  EXPECT_EQ(extended.cdw10, 15u);
  EXPECT_EQ(extended.cdw11, 1u);
  EXPECT_EQ(EncodeReport(4, false).cdw10, 0u);
}

TEST(EncodeIdentifyTest, SetsCnsAndReads4096Bytes) {
  const NvmeCommand controller = EncodeIdentify(true);
  EXPECT_EQ(static_cast<int>(controller.opcode), 0x06);
  EXPECT_EQ(controller.cdw10, 1u);
  EXPECT_EQ(controller.data.size(), 4096u);
  EXPECT_TRUE(controller.reads_from_device);
  EXPECT_EQ(EncodeIdentify(false).cdw10, 0u);
}

TEST(EncodeGetHostIdTest, AsksTheControllerForFeature0x81) {
  const NvmeCommand wide = EncodeGetHostId(true);
  EXPECT_EQ(static_cast<int>(wide.opcode), 0x0A);
  EXPECT_EQ(wide.cdw10, 0x81u) << "FID 0x81, SEL 0 (current)";
  EXPECT_EQ(wide.cdw11, 1u) << "EXHID: the 128-bit identifier";
  EXPECT_EQ(wide.data.size(), 16u);
  EXPECT_TRUE(wide.reads_from_device);
  EXPECT_TRUE(wide.controller_scope) << "NSID 0: not a namespace feature";
  const NvmeCommand narrow = EncodeGetHostId(false);
  EXPECT_EQ(narrow.cdw11, 0u);
  EXPECT_EQ(narrow.data.size(), 8u);
  EXPECT_TRUE(EncodeIdentify(true).controller_scope);
  EXPECT_FALSE(EncodeIdentify(false).controller_scope);
}

TEST(DecodeHostIdTest, SpellsItAsTheReportDoesAndZeroIsUnknown) {
  std::vector<std::uint8_t> id = {0xa5, 0xa5, 0xa5, 0xa5, 0, 0, 0x40, 0, 0x80, 0, 0, 0, 0, 0, 0, 0x02};
  EXPECT_EQ(DecodeHostId(id), "a5a5a5a5000040008000000000000002");
  // The same bytes as a registrant of an extended report: the same text.
  std::vector<std::uint8_t> report(128, 0);
  report[5] = 1;                                              // REGCTL
  report[64 + 8] = 0x7;                                       // RKEY
  std::copy(id.begin(), id.end(), report.begin() + 64 + 16);  // HOSTID
  auto status = DecodeReport(report, true);
  ASSERT_TRUE(status);
  ASSERT_EQ(status->registrants.size(), 1u);
  EXPECT_EQ(status->registrants[0].host_id, DecodeHostId(id));
  EXPECT_EQ(DecodeHostId(std::vector<std::uint8_t>(16, 0)), "");
}

TEST(ReportLayoutTest, HeaderAndEntrySizes) {
  EXPECT_EQ(ReportHeaderBytes(false), 24u);
  EXPECT_EQ(ReportEntryBytes(false), 24u);
  EXPECT_EQ(ReportHeaderBytes(true), 64u);
  EXPECT_EQ(ReportEntryBytes(true), 64u);
}

TEST(ReportRegistrantCountTest, ReadsUnalignedRegctlAndIsZeroForShortBuffers) {
  Bytes data = ReportHeader(false, 0, 0, 0x1234, false, 0);
  EXPECT_EQ(ReportRegistrantCount(data), 0x1234);
  EXPECT_EQ(ReportRegistrantCount(std::span(data).first(7)), 0x1234);
  EXPECT_EQ(ReportRegistrantCount(std::span(data).first(6)), 0);
  EXPECT_EQ(ReportRegistrantCount({}), 0);
}

TEST(DecodeReportTest, ReadsKeyAndHostIdFromStandardLayout) {
  Bytes data = ReportHeader(false, 0xDEADBEEF, 3, 2, true, 2);
  PutStandardEntry(data, 0, 0x0102, true, 0x0011223344556677ULL, 0x6C9D000000000001ULL);
  PutStandardEntry(data, 1, 0xFFFF, false, 0x8899AABBCCDDEEFFULL, 0x6C9D000000000002ULL);
  auto status = DecodeReport(data, false);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->generation, 0xDEADBEEFu);
  EXPECT_EQ(status->type, ReservationType::kWriteExclusiveRegistrantsOnly);
  EXPECT_TRUE(status->persist_through_power_loss);
  ASSERT_EQ(status->registrants.size(), 2u);
  EXPECT_EQ(status->registrants[0].controller_id, 0x0102);
  EXPECT_TRUE(status->registrants[0].holds_reservation);
  EXPECT_EQ(status->registrants[0].host_id, "0011223344556677");
  EXPECT_EQ(status->registrants[0].key, 0x6C9D000000000001ULL);
  EXPECT_EQ(status->registrants[1].controller_id, 0xFFFF);
  EXPECT_FALSE(status->registrants[1].holds_reservation);
  EXPECT_EQ(status->registrants[1].host_id, "8899aabbccddeeff");
  EXPECT_EQ(status->registrants[1].key, 0x6C9D000000000002ULL);
}

TEST(DecodeReportTest, ReadsKeyAndHostIdFromExtendedLayout) {
  Bytes data = ReportHeader(true, 7, 5, 2, false, 2);
  PutExtendedEntry(data, 0, 1, true, 0x1111111111111111ULL, 0x00);
  PutExtendedEntry(data, 1, 2, true, 0x2222222222222222ULL, 0xF0);
  auto status = DecodeReport(data, true);
  ASSERT_TRUE(status) << status.error().message;
  EXPECT_EQ(status->generation, 7u);
  EXPECT_EQ(status->type, ReservationType::kWriteExclusiveAllRegistrants);
  EXPECT_FALSE(status->persist_through_power_loss);
  ASSERT_EQ(status->registrants.size(), 2u);
  EXPECT_EQ(status->registrants[0].key, 0x1111111111111111ULL);
  EXPECT_EQ(status->registrants[0].host_id, "000102030405060708090a0b0c0d0e0f");
  EXPECT_EQ(status->registrants[1].controller_id, 2);
  EXPECT_EQ(status->registrants[1].key, 0x2222222222222222ULL);
  EXPECT_EQ(status->registrants[1].host_id, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff");
}

TEST(DecodeReportTest, RcstsOnlyBit0MeansHolder) {
  Bytes data = ReportHeader(false, 0, 1, 1, false, 1);
  PutStandardEntry(data, 0, 1, false, 0, 9);
  data[24 + 2] = 0xFE;
  auto status = DecodeReport(data, false);
  ASSERT_TRUE(status);
  EXPECT_FALSE(status->registrants.at(0).holds_reservation);
}

TEST(DecodeReportTest, LeavesOutEntriesBeyondTheBuffer) {
  for (bool extended : {false, true}) {
    Bytes data = ReportHeader(extended, 1, 1, 5, false, 2);
    data.resize(data.size() + ReportEntryBytes(extended) - 1);
    auto status = DecodeReport(data, extended);
    ASSERT_TRUE(status) << status.error().message;
    EXPECT_EQ(status->registrants.size(), 2u) << "extended=" << extended;
    EXPECT_EQ(ReportRegistrantCount(data), 5);
  }
}

TEST(DecodeReportTest, HeaderOnlyWithRegistrantsGivesNoEntries) {
  Bytes data = ReportHeader(true, 1, 0, 0xFFFF, false, 0);
  auto status = DecodeReport(data, true);
  ASSERT_TRUE(status);
  EXPECT_TRUE(status->registrants.empty());
  EXPECT_EQ(status->type, ReservationType::kNone);
}

TEST(DecodeReportTest, RefusesBufferShorterThanHeader) {
  Bytes standard = ReportHeader(false, 0, 0, 0, false, 0);
  standard.pop_back();
  auto status = DecodeReport(standard, false);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.error().kind, ErrorKind::kNvmeStatus);
  EXPECT_FALSE(DecodeReport(Bytes(63, 0), true));
  EXPECT_FALSE(DecodeReport({}, false));
}

TEST(DecodeReportTest, RefusesUnknownReservationType) {
  for (std::uint8_t rtype : {7, 0x80, 0xFF}) {
    Bytes data = ReportHeader(false, 0, rtype, 0, false, 0);
    auto status = DecodeReport(data, false);
    ASSERT_FALSE(status) << int{rtype};
    EXPECT_NE(status.error().message.find(std::to_string(rtype)), std::string::npos);
  }
}

TEST(DecodeReservationsSupportedTest, ReadsOncsBit5) {
  Bytes identify(4096, 0);
  EXPECT_FALSE(DecodeReservationsSupported(identify));
  identify[520] = 1u << 5;
  EXPECT_TRUE(DecodeReservationsSupported(identify));
  identify[520] = static_cast<std::uint8_t>(~(1u << 5));
  identify[521] = 0xFF;
  EXPECT_FALSE(DecodeReservationsSupported(identify));
  identify[520] = 0x20;
  EXPECT_FALSE(DecodeReservationsSupported(std::span(identify).first(521)));
  EXPECT_TRUE(DecodeReservationsSupported(std::span(identify).first(522)));
}

TEST(DecodeRescapTest, ReadsByte31) {
  Bytes identify(4096, 0);
  identify[30] = 0xFF;
  identify[32] = 0xFF;
  EXPECT_EQ(DecodeRescap(identify), 0);
  identify[31] = 0x61;
  EXPECT_EQ(DecodeRescap(identify), 0x61);
  EXPECT_EQ(DecodeRescap(std::span(identify).first(31)), 0);
}

TEST(NvmeStatusErrorTest, ReservationConflictWithOrWithoutDnr) {
  for (int status : {0x83, 0x4083}) {
    const Error error = NvmeStatusError(status, "/dev/nvme0n1: register");
    EXPECT_EQ(error.kind, ErrorKind::kReservationConflict);
    EXPECT_EQ(error.code, status);
    EXPECT_NE(error.message.find("/dev/nvme0n1: register"), std::string::npos);
    EXPECT_NE(error.message.find("reservation conflict"), std::string::npos);
  }
  EXPECT_EQ(DescribeNvmeStatus(0x4083), "reservation conflict (status 0x4083)");
}

TEST(NvmeStatusErrorTest, OtherStatusesAreNvmeStatus) {
  for (int status : {0x001, 0x002, 0x00B, 0x018, 0x01B, 0x4002, 0x183, 0x283, 0x302, 0x7FF}) {
    const Error error = NvmeStatusError(status, "x");
    EXPECT_EQ(error.kind, ErrorKind::kNvmeStatus) << status;
    EXPECT_EQ(error.code, status);
  }
}

TEST(DescribeNvmeStatusTest, NamesKnownStatusesAndPathErrors) {
  EXPECT_EQ(DescribeNvmeStatus(0x002), "invalid field in command (status 0x0002)");
  EXPECT_EQ(DescribeNvmeStatus(0x4001), "command not supported (invalid opcode) (status 0x4001)");
  EXPECT_NE(DescribeNvmeStatus(0x00B).find("invalid namespace"), std::string::npos);
  EXPECT_NE(DescribeNvmeStatus(0x018).find("host identifier"), std::string::npos);
  EXPECT_NE(DescribeNvmeStatus(0x01B).find("preempt-and-abort"), std::string::npos);
  EXPECT_NE(DescribeNvmeStatus(0x370).find("path error"), std::string::npos);
  EXPECT_EQ(DescribeNvmeStatus(0x0C5), "NVMe error (status 0x00c5)");
}

}  // namespace
}  // namespace nvmepr
