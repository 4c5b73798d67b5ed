// SPDX-License-Identifier: GPL-2.0-or-later
#include "ocf_exit.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace nvmepr {
namespace {

TEST(OcfExitTest, ConfigurationErrorsAreFatalMissingDevicesLocalTheRestSoft) {
  EXPECT_EQ(ExitForError(Fail(ErrorKind::kInvalidArgument, "")), kOcfErrConfigured);
  EXPECT_EQ(ExitForError(Fail(ErrorKind::kUnsupported, "")), kOcfErrConfigured);
  EXPECT_EQ(ExitForError(Fail(ErrorKind::kNotFound, "")), kOcfErrInstalled);
  for (ErrorKind kind : {ErrorKind::kTimeout, ErrorKind::kIo, ErrorKind::kNvmeStatus, ErrorKind::kReservationConflict,
                         ErrorKind::kVerifyFailed, ErrorKind::kRefused}) {
    EXPECT_EQ(ExitForError(Fail(kind, "")), kOcfErrGeneric);
  }
}

// 6 stops the resource on every node: never for what is about this node.
TEST(OcfExitTest, NodeLocalDeviceProblemsAreNeverAClusterWideError) {
  // This kernel's block PR ioctls (older kernel: ENOTTY), a device-mapper
  // device without a table (ENOTTY), a driver without the operation.
  EXPECT_EQ(ExitForError(Fail(ErrorKind::kUnsupported, "read reservation", ENOTTY)), kOcfErrInstalled);
  EXPECT_EQ(ExitForError(Fail(ErrorKind::kUnsupported, "register", EOPNOTSUPP)), kOcfErrInstalled);
  // A multipath device with no path here: no device under it, or the ioctl's errno.
  EXPECT_EQ(ExitForError(Fail(ErrorKind::kNotFound, "no device under it", ENOTCONN)), kOcfErrInstalled);
  for (int err : {ENOTCONN, EWOULDBLOCK, EAGAIN, EIO, ENODEV, ENXIO}) {
    EXPECT_EQ(ExitForError(Fail(ErrorKind::kIo, "reserve", err)), kOcfErrGeneric) << err;
  }
  // What the shared namespace itself says (no errno): the same on every node.
  EXPECT_EQ(ExitForError(Fail(ErrorKind::kUnsupported, "the namespace does not support reservations")),
            kOcfErrConfigured);
}

TEST(OcfExitTest, NamesAndReasonLine) {
  EXPECT_EQ(OcfExitName(7), "OCF_NOT_RUNNING");
  EXPECT_EQ(OcfExitName(8), "OCF_RUNNING_PROMOTED");
  EXPECT_EQ(OcfExitName(42), "OCF_UNKNOWN");
  EXPECT_EQ(ExitReasonLine("two\nlines"), "ocf-exit-reason:two lines");
}

}  // namespace
}  // namespace nvmepr
