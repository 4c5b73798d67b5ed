// SPDX-License-Identifier: GPL-2.0-or-later
// The safety invariants (safety_invariants.h) over random sequences of
// steps: 2-6 nodes, 1-3 fence disks, spec-following or nvmet-like
// namespaces; both agents' actions on any node with any target, the watchdog
// check, the administrator's acts, a device hanging past the deadline. After
// every step every invariant must hold; a failure prints the shrunk sequence
// in words. RapidCheck (Debian's librapidcheck-dev) generates and shrinks:
// a stateful generator with shrinking to a minimal sequence is more than we
// would write ourselves. Budget: RC_PARAMS (CTest sets the CI budget;
// docs/safety.md gives the long mode).
//
// The regression tests below are the three holes the property test found on
// the code before issue 19's fixes, as the sequences it shrank them to.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>
#include <rapidcheck/state.h>
#include <spdlog/spdlog.h>

#include "sim_step.h"

namespace nvmepr::property {
namespace {

struct Model {
  int nodes = 2;
  int disks = 1;
};

rc::Gen<SimStep> GenStep(int nodes, int disks) {
  using rc::gen::inRange;
  const auto node = inRange(1, nodes + 1);
  const auto fence_ns = inRange(0, disks);
  const auto any_ns = inRange(0, disks + 1);
  auto make = [](SimStep::Kind kind, auto fill) {
    return rc::gen::exec([kind, fill] {
      SimStep s;
      s.kind = kind;
      fill(s);
      return s;
    });
  };
  return rc::gen::weightedOneOf<SimStep>({
      {8, make(SimStep::kFenceOn,
               [=](SimStep& s) {
                 s.actor = *node;
                 s.form = *rc::gen::weightedElement<int>({{6, 0}, {3, 1}, {1, 2}, {1, 3}});
                 s.target = *node;
               })},
      {5, make(SimStep::kFenceOff,
               [=](SimStep& s) {
                 s.actor = *node;
                 s.target = *node;
                 s.form = *inRange(0, 3);
                 s.slow = *rc::gen::weightedElement<bool>({{12, false}, {1, true}});
                 s.ns = *fence_ns;
               })},
      {2, make(SimStep::kFenceRead,
               [=](SimStep& s) {
                 s.actor = *node;
                 s.target = *node;
                 s.action = *rc::gen::element<std::string>("status", "list", "list-status", "monitor", "validate-all");
               })},
      {6, make(SimStep::kPersist,
               [=](SimStep& s) {
                 s.actor = *node;
                 s.action =
                     *rc::gen::element<std::string>("start", "stop", "promote", "demote", "monitor", "validate-all");
                 s.config = *rc::gen::weightedElement<int>({{4, 0}, {3, 1}, {1, 2}, {1, 3}});
                 s.promotable = *rc::gen::arbitrary<bool>();
               })},
      {4, make(SimStep::kCheck, [=](SimStep& s) { s.actor = *node; })},
      {1, make(SimStep::kClear, [=](SimStep& s) { s.ns = *any_ns; })},
      {1, make(SimStep::kRecreate, [=](SimStep& s) { s.ns = *any_ns; })},
      {1, make(SimStep::kHandRegister,
               [=](SimStep& s) {
                 s.actor = *node;
                 s.ns = *any_ns;
                 s.key = *rc::gen::element<Key>(0xdead, SimCluster::DerivedKey(*node));
               })},
      {1, make(SimStep::kStaleState,
               [=](SimStep& s) {
                 s.actor = *node;
                 s.key = *rc::gen::element<Key>(0xbad, SimCluster::DerivedKey(*node));
               })},
      {1, make(SimStep::kRepoint,
               [=](SimStep& s) {
                 s.actor = *node;
                 s.dev = *fence_ns;
                 s.ns = *any_ns;
               })},
  });
}

struct Act : rc::state::Command<Model, SimSystem> {
  SimStep step;
  explicit Act(const Model& model) : step(*GenStep(model.nodes, model.disks)) {}
  void run(const Model&, SimSystem& system) const override {
    const auto violations = Execute(system, step);
    if (!violations.empty()) {
      std::string text = "after \"" + Describe(step) + "\":";
      for (const auto& v : violations) text += "\n    " + v;
      RC_FAIL(text);
    }
  }
  void show(std::ostream& os) const override { os << Describe(step); }
};

class QuietLogs : public ::testing::Environment {
 public:
  void SetUp() override { spdlog::set_level(spdlog::level::off); }
};
const auto* const kQuiet = ::testing::AddGlobalTestEnvironment(new QuietLogs);

RC_GTEST_PROP(SafetyProperty, EveryInvariantHoldsAfterEveryStep, ()) {
  const int nodes = *rc::gen::inRange(2, 7);
  const int disks = *rc::gen::inRange(1, 4);
  const bool nvmet = *rc::gen::arbitrary<bool>();
  RC_TAG(nvmet ? "nvmet-like target" : "spec target");
  SimSystem system(nodes, disks, nvmet);
  rc::state::check(Model{nodes, disks}, system, rc::state::gen::execOneOfWithArgs<Act>());
}

// Runs a recorded sequence; every violation, with the step that caused it.
std::vector<std::string> Replay(SimSystem& system, const std::vector<SimStep>& steps) {
  std::vector<std::string> all;
  for (const auto& step : steps) {
    for (const auto& v : Execute(system, step)) all.push_back(Describe(step) + " -> " + v);
  }
  return all;
}

SimStep Make(SimStep::Kind kind, int actor) {
  SimStep s;
  s.kind = kind;
  s.actor = actor;
  s.target = actor;
  return s;
}
SimStep On(int node, int form = 0, int target = 0) {
  SimStep s = Make(SimStep::kFenceOn, node);
  s.form = form;
  if (target) s.target = target;
  return s;
}
SimStep Off(int node, int target) {
  SimStep s = Make(SimStep::kFenceOff, node);
  s.target = target;
  return s;
}
SimStep Persist(int node, const std::string& action, int config) {
  SimStep s = Make(SimStep::kPersist, node);
  s.action = action;
  s.config = config;
  return s;
}
SimStep Check(int node) { return Make(SimStep::kCheck, node); }
SimStep Clear(int ns) {
  SimStep s = Make(SimStep::kClear, 1);
  s.ns = ns;
  return s;
}

std::string Joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const auto& l : lines) text += "\n  " + l;
  return text;
}

// Hole 1: nvme_persist configured on the fence disks. Its start refuses, and
// the stop Pacemaker runs after it (and on a node where it never ran) used to
// unregister the fencing key: the node could no longer write, its watchdog
// rebooted it, and Pacemaker would do the same on every node.
TEST(SafetyRegression, PersistStopOnFenceDisksKeepsTheFencingRegistration) {
  SimSystem system(3, 2, true);
  const auto violations = Replay(system, {On(1), On(2), On(3), Persist(1, "start", 1), Persist(1, "stop", 1),
                                          Persist(2, "stop", 1), Check(1), Check(2)});
  EXPECT_TRUE(violations.empty()) << Joined(violations);
}

// Hole 2: `on` for another node typed by hand on node1 replaced node1's own
// registration with node2's key; the next fence of node2 would cut node1 off.
TEST(SafetyRegression, OnByHandForAnotherNodesKeyIsRefused) {
  SimSystem system(2, 1, true);
  const auto violations = Replay(system, {On(1), On(2), Off(1, 2), On(1, 2, 2), Check(1)});
  EXPECT_TRUE(violations.empty()) << Joined(violations);
}

// Hole 3: the reservation on one disk cleared (maintenance, a target that
// lost its state): every node's key is missing there, and every node's
// watchdog check said "fenced" and rebooted it.
TEST(SafetyRegression, ClearedDiskIsNotEvidenceOfBeingFenced) {
  SimSystem system(2, 2, false);
  const auto violations = Replay(system, {On(1), On(2), Clear(1), Check(1), Check(2)});
  EXPECT_TRUE(violations.empty()) << Joined(violations);
}

}  // namespace
}  // namespace nvmepr::property
