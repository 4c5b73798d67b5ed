// SPDX-License-Identifier: GPL-2.0-or-later
// The agent's actions end to end, with parameters as Pacemaker sends them and
// in-memory namespaces behind the device names.
#include "fence_actions.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <thread>
#include <vector>

#include "agent_spec.h"
#include "blocking_probe.h"
#include "keys.h"
#include "model_fixture.h"

namespace nvmepr {
namespace {

using testing::SharedDisks;

class FenceActionsTest : public ::testing::Test {
 protected:
  FenceActionsTest() : disks_(3, 2) {
    char pattern[] = "/tmp/fence_actions_test.XXXXXX";
    dir_ = ::mkdtemp(pattern);
  }
  ~FenceActionsTest() override { std::filesystem::remove_all(dir_); }

  // Runs `stdin_text` as node `host` would: its own devices, its own store.
  int Run(int host, const std::string& stdin_text, std::string* out = nullptr) {
    // Pacemaker's last value wins: the test's own lines can override these.
    std::istringstream in("devices=/dev/disk0,/dev/disk1\nstore_path=" + dir_ + "/node" + std::to_string(host) + "\n" +
                          stdin_text + "\n");
    return RunParsed(host, ParseStdin(in, FenceAgentSpec()), out);
  }

  // Runs a command line as node `host` would (its devices and store first).
  int RunCli(int host, std::vector<std::string> args, std::string* out = nullptr) {
    args.insert(args.begin(), {"fence_nvme_pr", "--devices=/dev/disk0,/dev/disk1",
                               "--store-path=" + dir_ + "/node" + std::to_string(host)});
    std::vector<const char*> argv;
    for (const auto& a : args) argv.push_back(a.c_str());
    argv.push_back(nullptr);
    return RunParsed(host, ParseCommandLine(static_cast<int>(args.size()), argv.data(), FenceAgentSpec()), out);
  }

  int RunParsed(int host, const Result<ParsedParams>& parsed, std::string* out) {
    EXPECT_TRUE(parsed) << parsed.error().message;
    if (!parsed) return -1;
    auto options = ToFenceOptions(*parsed);
    if (!options) {  // what main does: one line, exit 1
      if (out) *out = options.error().message;
      return kExitFailure;
    }
    EXPECT_TRUE(options) << options.error().message;
    std::ostringstream stdout_text;
    FenceEnvironment env;
    env.devices.open = [this, host](const std::string& name, Backend) -> Result<DevicePtr> {
      for (int n = 0; n < disks_.namespaces(); ++n) {
        if (name == "/dev/disk" + std::to_string(n)) return disks_.Devices(host)[n];
      }
      return Fail(ErrorKind::kNotFound, name + ": cannot open: No such file or directory");
    };
    env.read_cluster = [host, this](Deadline) -> Result<ClusterMap> {
      if (!corosync_) return Fail(ErrorKind::kNotFound, "corosync-cmapctl: not found");
      ClusterMap map;
      map.cluster_name = "test";
      map.local_nodeid = host;
      for (std::uint32_t id = 1; id <= 3; ++id) map.nodes.push_back({id, "node" + std::to_string(id), ""});
      return map;
    };
    env.out = &stdout_text;
    const int status = RunFenceAction(*options, env);
    if (out) *out = stdout_text.str();
    return status;
  }

  static std::string HostMap(int h) { return "0x" + std::to_string(h); }

  SharedDisks disks_;
  std::string dir_;
  bool corosync_ = true;  ///< false: Corosync cannot be asked (Kubernetes)
};

TEST_F(FenceActionsTest, HostMapFlow_UnfenceFenceStatus) {
  for (int h = 1; h <= 3; ++h) {
    ASSERT_EQ(Run(h, "action=on\nnodename=node" + std::to_string(h) + "\nport=" + HostMap(h)), 0);
  }
  EXPECT_EQ(Run(1, "action=status\nnodename=node2\nport=0x2"), kExitSuccess);
  EXPECT_EQ(Run(1, "action=off\nnodename=node2\nport=0x2"), kExitSuccess);
  EXPECT_FALSE(disks_.CanWriteAnywhere(2));
  EXPECT_EQ(Run(1, "action=status\nnodename=node2\nport=0x2"), kExitStatusOff);
  EXPECT_EQ(Run(1, "action=off\nnodename=node2\nport=0x2"), kExitSuccess);
}

// The warnings an action logs, while it lives.
class CapturedWarnings {
 public:
  CapturedWarnings() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text_);
    sink->set_pattern("%l: %v");
    auto logger = std::make_shared<spdlog::logger>("captured", sink);
    logger->set_level(spdlog::level::warn);
    spdlog::set_default_logger(logger);
  }
  ~CapturedWarnings() { spdlog::set_default_logger(previous_); }
  std::string Take() {
    std::string text = text_.str();
    text_.str("");
    return text;
  }

 private:
  std::ostringstream text_;
  std::shared_ptr<spdlog::logger> previous_;
};

// A typo in pcmk_host_map "fences" a key nobody holds: off succeeds (there
// is nothing to cut off), but it says which registered keys nobody knows.
TEST_F(FenceActionsTest, OffOfAnUnregisteredKeyNamesTheUnknownKeysRegistered) {
  for (int h = 1; h <= 2; ++h)
    ASSERT_EQ(Run(h, "action=on\nnodename=node" + std::to_string(h) + "\nport=" + HostMap(h)), 0);
  CapturedWarnings warnings;
  EXPECT_EQ(Run(1, "action=off\nnodename=node2\nport=0x22"), kExitSuccess);
  const std::string typo = warnings.Take();
  EXPECT_NE(typo.find("warning: off: key " + FormatKey(0x22) + " (node2) is not registered on any device, but key(s) " +
                      FormatKey(0x2) + " that belong to no Corosync node are"),
            std::string::npos)
      << typo;
  EXPECT_EQ(typo.find(FormatKey(0x1)), std::string::npos) << "this node's own key is not unknown: " << typo;
  EXPECT_TRUE(disks_.CanWriteEverywhere(2)) << "the typo fenced nothing";

  EXPECT_EQ(Run(1, "action=off\nnodename=node2\nport=0x2"), kExitSuccess);
  EXPECT_EQ(warnings.Take(), "") << "the victim was registered: no warning";
  EXPECT_EQ(Run(1, "action=off\nnodename=node2\nport=0x2"), kExitSuccess);
  EXPECT_EQ(warnings.Take(), "") << "already fenced, no other key: no warning";
}

TEST_F(FenceActionsTest, OffOfAnUnregisteredKeyIsQuietWhenEveryOtherKeyIsACorosyncNodes) {
  for (int h = 1; h <= 3; ++h) ASSERT_EQ(Run(h, "action=on\nnodename=node" + std::to_string(h)), 0);
  ASSERT_EQ(Run(1, "action=off\nnodename=node3"), kExitSuccess);
  CapturedWarnings warnings;
  EXPECT_EQ(Run(1, "action=off\nnodename=node3"), kExitSuccess) << "fenced already";
  EXPECT_EQ(warnings.Take(), "") << "node2's key is a Corosync node's";
}

// The one-line result of on and off goes to stdout (besides syslog), which
// Pacemaker's fencer logs at debug level only; a failure prints nothing there.
TEST_F(FenceActionsTest, OnAndOffPrintTheirResultOnStdout) {
  std::string out;
  for (int h = 1; h <= 2; ++h) {
    ASSERT_EQ(Run(h, "action=on\nnodename=node" + std::to_string(h) + "\nport=" + HostMap(h), &out), 0);
    EXPECT_EQ(
        out.rfind("on: key 0x000000000000000" + std::to_string(h) + " registered and verified on 2 device(s) in ", 0),
        0u)
        << out;
    EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  }
  ASSERT_EQ(Run(1, "action=off\nnodename=node2\nport=0x2", &out), kExitSuccess);
  EXPECT_EQ(out.rfind("off: 0x2 (key 0x0000000000000002) fenced and verified on 2 device(s) in ", 0), 0u) << out;
  EXPECT_EQ(std::count(out.begin(), out.end(), '\n'), 1) << out;
  EXPECT_EQ(Run(2, "action=off\nnodename=node1\nport=0x1", &out), kExitFailure);
  EXPECT_EQ(out, "");
}

TEST_F(FenceActionsTest, FencedNodeRefusesToFenceTheSurvivor) {
  for (int h = 1; h <= 2; ++h)
    ASSERT_EQ(Run(h, "action=on\nnodename=node" + std::to_string(h) + "\nplug=" + HostMap(h)), 0);
  ASSERT_EQ(Run(1, "action=off\nnodename=node2\nplug=0x2"), kExitSuccess);
  EXPECT_EQ(Run(2, "action=off\nnodename=node1\nplug=0x1"), kExitFailure);
  EXPECT_TRUE(disks_.CanWriteEverywhere(1));
}

// Issue 19, hole 2: `on` typed by hand for another node ("unfence node2")
// used to replace node1's own registration with node2's key; the next fence
// of node2 would have cut node1 off. Refused now, whatever names the target.
TEST_F(FenceActionsTest, OnForAnotherNodeIsRefusedAndChangesNothing) {
  for (int h = 1; h <= 2; ++h) ASSERT_EQ(Run(h, "action=on\nnodename=node" + std::to_string(h)), 0);
  ASSERT_EQ(Run(1, "action=off\nnodename=node2"), kExitSuccess);
  const Key node1 = *DeriveKey("test", 1), node2 = *DeriveKey("test", 2);
  EXPECT_EQ(Run(1, "action=on\nplug=" + FormatKey(node2)), kExitFailure) << "by hand, node2's key";
  EXPECT_EQ(Run(1, "action=on\nplug=node2"), kExitFailure) << "by hand, node2's name";
  EXPECT_EQ(Run(1, "action=on\nnodename=node2"), kExitFailure) << "nodename of another node";
  EXPECT_EQ(Run(1, "action=on\nplug=0x77"), kExitFailure) << "a key that is not node1's";
  EXPECT_EQ(*disks_.Namespace(0).KeyOf("node1"), node1);
  EXPECT_FALSE(disks_.Namespace(0).KeyOf("node2"));
  EXPECT_EQ(Run(1, "action=on\nplug=0x77\nkey=0x77"), kExitSuccess) << "key= confirms the new key is node1's";
  EXPECT_EQ(*disks_.Namespace(1).KeyOf("node1"), 0x77u);
}

TEST_F(FenceActionsTest, CorosyncDerivedKeysWithoutHostMap) {
  for (int h = 1; h <= 3; ++h) {
    ASSERT_EQ(Run(h, "action=on\nnodename=node" + std::to_string(h)), 0);
  }
  EXPECT_EQ(*disks_.Namespace(0).KeyOf("node3"), *DeriveKey("test", 3));
  ASSERT_EQ(Run(2, "action=off\nnodename=node3"), kExitSuccess);
  EXPECT_FALSE(disks_.CanWriteAnywhere(3));
  EXPECT_EQ(Run(2, "action=off\nnodename=node9"), kExitFailure);  // not in the nodelist
}

TEST_F(FenceActionsTest, ListNamesNodesOfDerivedKeys) {
  for (int h = 1; h <= 2; ++h) ASSERT_EQ(Run(h, "action=on\nnodename=node" + std::to_string(h)), 0);
  std::string out;
  ASSERT_EQ(Run(1, "action=list", &out), 0);
  EXPECT_NE(out.find(FormatKey(*DeriveKey("test", 1)) + ",node1\n"), std::string::npos) << out;
  EXPECT_NE(out.find(FormatKey(*DeriveKey("test", 2)) + ",node2\n"), std::string::npos) << out;
  ASSERT_EQ(Run(1, "action=list-status", &out), 0);
  EXPECT_NE(out.find(",node2,on\n"), std::string::npos) << out;
}

// Issue 11 §3: list is what this device can fence. With derived keys that is
// every node of the Corosync nodelist, unfenced or not, so that Pacemaker's
// dynamic-list finds a node never unfenced or already fenced.
TEST_F(FenceActionsTest, ListNamesEveryCorosyncNodeRegisteredOrNot) {
  std::string out;
  ASSERT_EQ(Run(1, "action=list", &out), 0) << "nobody unfenced yet";
  for (int h = 1; h <= 3; ++h) {
    EXPECT_NE(out.find(FormatKey(*DeriveKey("test", h)) + ",node" + std::to_string(h) + "\n"), std::string::npos)
        << out;
  }
  for (int h = 1; h <= 2; ++h) ASSERT_EQ(Run(h, "action=on\nnodename=node" + std::to_string(h)), 0);
  ASSERT_EQ(Run(1, "action=off\nnodename=node2"), 0);
  ASSERT_EQ(Run(1, "action=list-status", &out), 0);
  EXPECT_NE(out.find(",node1,on\n"), std::string::npos) << out;
  EXPECT_NE(out.find(",node2,off\n"), std::string::npos) << "fenced, still listed: " << out;
  EXPECT_NE(out.find(",node3,off\n"), std::string::npos) << "never unfenced, still listed: " << out;
}

TEST_F(FenceActionsTest, ListAddsRegisteredKeysOfAHostMap) {
  ASSERT_EQ(Run(3, "action=on\nnodename=node3\nport=0x33"), 0);
  std::string out;
  ASSERT_EQ(Run(1, "action=list", &out), 0);
  EXPECT_NE(out.find("0x0000000000000033,\n"), std::string::npos) << out;
  EXPECT_NE(out.find(",node1\n"), std::string::npos) << out;
  disks_.View(1, 1).faults.unreachable = true;
  // A device that cannot reach its disks can fence no one: Pacemaker must not
  // pick it (cluster.three-nodes scenario 5, a device on a missing disk).
  EXPECT_EQ(Run(1, "action=list"), kExitFailure) << "an unreadable device lists no one";
  EXPECT_EQ(Run(1, "action=list-status"), kExitFailure) << "status needs every device";
}

// Issue 11 §1: node2 cloned from node1's image (same /etc/nvme/hostid and
// hostnqn) is one host to the disk: its unfencing must not take node1's key.
TEST_F(FenceActionsTest, OnRefusesToTakeOverAnotherNodesRegistrationOfThisHost) {
  ASSERT_EQ(Run(1, "action=on\nnodename=node1\nport=0x1"), 0);
  disks_.ShareHostIdentity(2, 1);
  EXPECT_EQ(Run(2, "action=on\nnodename=node2\nport=0x2"), kExitFailure);
  for (int n = 0; n < 2; ++n) EXPECT_EQ(disks_.Namespace(n).KeyOf("node1"), std::optional<Key>(0x1));
  EXPECT_TRUE(disks_.CanWriteEverywhere(1));
  EXPECT_EQ(Run(2, "action=monitor"), kExitSuccess) << "a warning only";
  EXPECT_EQ(Run(2, "action=validate-all"), kExitSuccess) << "a warning only";
}

TEST_F(FenceActionsTest, OnReplacesTheKeyItSavedSinceBootOnly) {
  ASSERT_EQ(Run(1, "action=on\nplug=0x11"), 0);
  EXPECT_EQ(Run(1, "action=on\nplug=0x12"), kExitFailure) << "by hand, another key than the saved one: confirm";
  ASSERT_EQ(Run(1, "action=on\nplug=0x12\nkey=0x12"), 0) << "0x11 was saved under store_path by this node";
  EXPECT_EQ(disks_.Namespace(0).KeyOf("node1"), std::optional<Key>(0x12));
  std::filesystem::remove_all(dir_ + "/node1");  // a reboot: /run is empty
  EXPECT_EQ(Run(1, "action=on\nplug=0x13"), kExitFailure);
  EXPECT_EQ(disks_.Namespace(0).KeyOf("node1"), std::optional<Key>(0x12));
  EXPECT_EQ(Run(1, "action=on\nplug=0x12"), 0) << "its own key again: idempotent";
}

TEST_F(FenceActionsTest, OffUsesTheKeySavedAtUnfencing) {
  ASSERT_EQ(Run(1, "action=on\nplug=0xabc"), 0);
  ASSERT_EQ(Run(2, "action=on\nplug=0xdef"), 0);
  EXPECT_EQ(Run(1, "action=off\nplug=0xdef"), kExitSuccess);
  EXPECT_FALSE(disks_.CanWriteAnywhere(2));
}

TEST_F(FenceActionsTest, MonitorAndValidateTouchEveryDevice) {
  EXPECT_EQ(Run(1, "action=monitor"), kExitSuccess);
  EXPECT_EQ(Run(1, "action=validate-all\nnodename=node1"), kExitSuccess);
  disks_.View(1, 1).faults.unreachable = true;
  EXPECT_EQ(Run(1, "action=monitor"), kExitFailure);
  EXPECT_EQ(Run(1, "action=validate-all"), kExitFailure);
}

TEST_F(FenceActionsTest, MissingDeviceFails) { EXPECT_EQ(Run(1, "action=monitor\ndevices=/dev/nope"), kExitFailure); }

TEST_F(FenceActionsTest, OnWithAMissingDeviceRegistersNowhere) {
  EXPECT_EQ(Run(1, "action=on\nplug=0x1\ndevices=/dev/disk0,/dev/nope,/dev/disk1"), kExitFailure);
  for (int n = 0; n < disks_.namespaces(); ++n) {
    auto report = disks_.Devices(1)[n]->Report(Deadline::After(std::chrono::seconds(5)));
    ASSERT_TRUE(report);
    EXPECT_TRUE(report->registrants.empty()) << "namespace " << n;
  }
}

TEST_F(FenceActionsTest, OffWithAMissingDeviceChangesNothing) {
  for (int h = 1; h <= 2; ++h) ASSERT_EQ(Run(h, "action=on\nplug=" + HostMap(h)), 0);
  EXPECT_EQ(Run(1, "action=off\nplug=0x2\ndevices=/dev/disk0,/dev/disk1,/dev/nope"), kExitFailure);
  EXPECT_TRUE(disks_.CanWriteEverywhere(2));
}

TEST_F(FenceActionsTest, MetadataNeedsNoDevices) {
  std::string out;
  ASSERT_EQ(Run(1, "action=metadata", &out), 0);
  EXPECT_NE(out.find("<resource-agent name=\"fence_nvme_pr\""), std::string::npos);
}

TEST_F(FenceActionsTest, MissingActionOrTargetFails) {
  EXPECT_EQ(Run(1, ""), kExitFailure);
  EXPECT_EQ(Run(1, "action=off"), kExitFailure);
  EXPECT_EQ(Run(1, "action=status"), kExitFailure);
}

// A FIFO where the state file should be (docs/safety.md): off and
// validate-all fail at once, naming it, instead of waiting for a writer past
// power_timeout.
class FenceActionsFifoStateTest : public FenceActionsTest {
 protected:
  void SetUp() override {
    store_ = dir_ + "/node1";
    ASSERT_EQ(::mkdir(store_.c_str(), 0700), 0);
    ASSERT_EQ(::mkfifo((store_ + "/state").c_str(), 0600), 0);
  }
  std::optional<int> RunPromptly(const std::string& stdin_text) {
    return testing::ReturnsWithin<int>(
        std::chrono::milliseconds(3000), [this, stdin_text] { return Run(1, stdin_text); },
        [this] {
          const int fd = ::open((store_ + "/state").c_str(), O_WRONLY | O_NONBLOCK);
          if (fd >= 0) ::close(fd);
        });
  }
  std::string store_;
};

TEST_F(FenceActionsFifoStateTest, OffFailsAtOnce) {
  ASSERT_EQ(Run(2, "action=on\nport=0x2"), kExitSuccess);
  const auto status = RunPromptly("action=off\nport=0x2");
  ASSERT_TRUE(status.has_value()) << "off waited on the FIFO";
  EXPECT_EQ(*status, kExitFailure);
  EXPECT_TRUE(disks_.CanWriteEverywhere(2)) << "nothing fenced with a guessed key";
}

TEST_F(FenceActionsFifoStateTest, ValidateAllFailsAtOnce) {
  const auto status = RunPromptly("action=validate-all\nnodename=node1");
  ASSERT_TRUE(status.has_value()) << "validate-all waited on the FIFO";
  EXPECT_EQ(*status, kExitFailure);
}

TEST_F(FenceActionsTest, ValidateAllFailsOnAStorePathWritableByOthers) {
  ASSERT_EQ(Run(1, "action=on\nport=0x1"), kExitSuccess);
  ASSERT_EQ(::chmod((dir_ + "/node1").c_str(), 0777), 0);
  EXPECT_EQ(Run(1, "action=validate-all\nnodename=node1"), kExitFailure);
  EXPECT_EQ(Run(1, "action=on\nport=0x1"), kExitFailure);
  ASSERT_EQ(::chmod((dir_ + "/node1").c_str(), 0700), 0);
  EXPECT_EQ(Run(1, "action=validate-all\nnodename=node1"), kExitSuccess);
}

// Devices named twice by different paths are one device: refused before any
// device is touched (check_distinct runs before the devices are opened).
TEST_F(FenceActionsTest, ADeviceListedTwiceByNumberIsRefusedBeforeOpening) {
  int opened = 0;
  FenceEnvironment env;
  env.devices.open = [&opened](const std::string& name, Backend) -> Result<DevicePtr> {
    ++opened;
    return Fail(ErrorKind::kNotFound, name + ": cannot open");
  };
  env.devices.check_distinct = [](const std::vector<std::string>& names) -> Result<void> {
    return Fail(ErrorKind::kInvalidArgument, "devices " + names[0] + " and " + names[1] + " are the same device");
  };
  env.read_cluster = [](Deadline) -> Result<ClusterMap> { return Fail(ErrorKind::kNotFound, "no corosync"); };
  std::ostringstream out;
  env.out = &out;
  std::istringstream in("action=monitor\ndevices=/dev/a,/dev/b\nstore_path=" + dir_ + "/n\n");
  auto options = ToFenceOptions(*ParseStdin(in, FenceAgentSpec()));
  ASSERT_TRUE(options);
  EXPECT_EQ(RunFenceAction(*options, env), kExitFailure);
  EXPECT_EQ(opened, 0);
}

// Kubernetes (no Corosync): every node registers with key_map= and its own
// name, as examples/kubernetes/ does at start; Fence Agents Remediation then
// checks status with separate arguments and fences with --name=value.
class KeyMapTest : public FenceActionsTest {
 protected:
  KeyMapTest() { corosync_ = false; }
  static constexpr const char* kMap = "worker-1:0xa1,Worker-2:0xa2;worker-3:0xa3";
  int Register(int h) {
    return RunCli(h, {"--action", "on", "--nodename", "worker-" + std::to_string(h), "--key-map", kMap});
  }
};

TEST_F(KeyMapTest, RegistrationStatusAndFenceAsFarRunsThem) {
  for (int h = 1; h <= 3; ++h) ASSERT_EQ(Register(h), kExitSuccess) << h;
  EXPECT_TRUE(disks_.Namespace(0).Report().IsRegistered(0xa2));
  std::string out;
  // Template validation: "--action status" first, then "--name value" pairs.
  EXPECT_EQ(RunCli(1, {"--action", "status", "--key-map", kMap, "--plug", "worker-2"}, &out), kExitSuccess);
  EXPECT_EQ(out, "Status: ON\n");
  // Remediation: --name=value, any order, action reboot (FAR's default).
  EXPECT_EQ(RunCli(1, {"--plug=WORKER-2", "--key-map=" + std::string(kMap), "--action=reboot"}), kExitSuccess);
  EXPECT_FALSE(disks_.CanWriteAnywhere(2));
  EXPECT_TRUE(disks_.CanWriteEverywhere(1));
  EXPECT_TRUE(disks_.CanWriteEverywhere(3));
  EXPECT_EQ(RunCli(1, {"--action=status", "--key-map=" + std::string(kMap), "--plug=worker-2"}, &out), kExitStatusOff);
  EXPECT_EQ(out, "Status: OFF\n");
  EXPECT_EQ(RunCli(3, {"--action", "status", "--key-map", kMap, "--plug", "0xa2"}, &out), kExitStatusOff);
  EXPECT_EQ(out, "Status: OFF\n");
  // The same on stdin.
  EXPECT_EQ(Run(3, "action=status\nkey_map=" + std::string(kMap) + "\nnodename=worker-2", &out), kExitStatusOff);
  EXPECT_EQ(out, "Status: OFF\n");
  EXPECT_EQ(Run(3, "action=status\nkey_map=" + std::string(kMap) + "\nnodename=worker-1", &out), kExitSuccess);
  EXPECT_EQ(out, "Status: ON\n");
  // The fenced node's "reboot": it registers again.
  EXPECT_EQ(Register(2), kExitSuccess);
  EXPECT_TRUE(disks_.CanWriteEverywhere(2));
}

TEST_F(KeyMapTest, ForeignNamesAndKeysAreRefused) {
  for (int h = 1; h <= 2; ++h) ASSERT_EQ(Register(h), kExitSuccess);
  std::string out;
  EXPECT_EQ(RunCli(1, {"--action=off", "--key-map=" + std::string(kMap), "--plug=worker-9"}), kExitFailure);
  EXPECT_EQ(RunCli(1, {"--action=off", "--key-map=" + std::string(kMap), "--plug=0xb2"}), kExitFailure)
      << "a key no node of the map holds";
  EXPECT_EQ(RunCli(3, {"--action=on", "--key-map=" + std::string(kMap), "--nodename=worker-9"}), kExitFailure);
  EXPECT_EQ(RunCli(3, {"--action=on", "--key-map=" + std::string(kMap), "--key=0xb3"}), kExitFailure)
      << "an own key outside the map";
  // A fencer whose own key (saved at unfencing) is not in the map refuses.
  ASSERT_EQ(RunCli(3, {"--action=on", "--plug=0xb3"}), kExitSuccess);
  EXPECT_EQ(RunCli(3, {"--action=off", "--key-map=" + std::string(kMap), "--plug=worker-2"}), kExitFailure);
  EXPECT_TRUE(disks_.CanWriteEverywhere(2));
  // A map that gives one key twice, or one node two keys, is bad input.
  EXPECT_EQ(RunCli(1, {"--action=status", "--key-map=a:0x1,b:0x1", "--plug=a"}, &out), kExitFailure);
  EXPECT_NE(out.find("key_map: key 0x0000000000000001 is given to two nodes"), std::string::npos) << out;
  EXPECT_EQ(RunCli(1, {"--action=status", "--key-map=a:0x1,A:0x2", "--plug=a"}, &out), kExitFailure);
  EXPECT_NE(out.find("listed twice"), std::string::npos) << out;
}

// Fence Agents Remediation runs off up to retrycount (5) times, retryinterval
// (5 s) apart, each cut at its timeout (60 s): an attempt that timed out with
// a device command still outstanding, then the retries, must end with the
// target fenced and everyone else untouched - also when a retry comes after
// a fence that did complete.
TEST_F(KeyMapTest, RetriesAfterATimedOutOffCompleteTheFence) {
  for (int h = 1; h <= 3; ++h) ASSERT_EQ(Register(h), kExitSuccess) << h;
  const std::vector<std::string> off = {"--action=off", "--key-map=" + std::string(kMap), "--plug=worker-2",
                                        "--power-timeout=1"};
  disks_.View(1, 1).faults.hang = std::chrono::milliseconds(1300);
  EXPECT_EQ(RunCli(1, off), kExitFailure) << "the first attempt times out";
  std::this_thread::sleep_for(std::chrono::milliseconds(400));  // the late command lands; FAR's interval
  disks_.View(1, 1).faults.hang = std::chrono::milliseconds(0);
  EXPECT_EQ(RunCli(1, off), kExitSuccess);
  EXPECT_EQ(RunCli(1, off), kExitSuccess) << "a retry after a completed fence";
  EXPECT_FALSE(disks_.CanWriteAnywhere(2));
  EXPECT_TRUE(disks_.CanWriteEverywhere(1));
  EXPECT_TRUE(disks_.CanWriteEverywhere(3));
}

}  // namespace
}  // namespace nvmepr
