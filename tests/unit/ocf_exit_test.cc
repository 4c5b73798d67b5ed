#include "ocf_exit.h"

#include <gtest/gtest.h>

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

TEST(OcfExitTest, NamesAndReasonLine) {
  EXPECT_EQ(OcfExitName(7), "OCF_NOT_RUNNING");
  EXPECT_EQ(OcfExitName(8), "OCF_RUNNING_PROMOTED");
  EXPECT_EQ(OcfExitName(42), "OCF_UNKNOWN");
  EXPECT_EQ(ExitReasonLine("two\nlines"), "ocf-exit-reason:two lines");
}

}  // namespace
}  // namespace nvmepr
