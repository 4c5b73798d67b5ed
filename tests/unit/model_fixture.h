// SPDX-License-Identifier: GPL-2.0-or-later
// A shared namespace with one ModelDevice per host, for tests of the
// reservation logic: hosts are "node1".."nodeN", keys 0x1..0xN.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "device.h"
#include "model_device.h"

namespace nvmepr::testing {

inline Deadline Far() { return Deadline(Deadline::Clock::now() + std::chrono::seconds(30)); }

/// `namespaces` shared disks seen by `hosts` nodes.
class SharedDisks {
 public:
  SharedDisks(int hosts, int namespaces, TargetDeviations deviations = {}, std::uint8_t rescap = 0x7E) {
    for (int n = 0; n < namespaces; ++n) {
      namespaces_.push_back(std::make_shared<ModelNamespace>(deviations, rescap));
    }
    for (int h = 1; h <= hosts; ++h) {
      std::vector<std::shared_ptr<ModelDevice>> views;
      for (int n = 0; n < namespaces; ++n) {
        views.push_back(std::make_shared<ModelDevice>("/dev/disk" + std::to_string(n), namespaces_[n], Host(h)));
      }
      views_.push_back(std::move(views));
    }
  }

  static std::string Host(int h) { return "node" + std::to_string(h); }

  /// Makes node h use node `with`'s NVMe host identity from now on, as when
  /// both were cloned from one image with /etc/nvme/hostid and hostnqn: the
  /// device sees one host. Node h's registrations so far stay under its own.
  void ShareHostIdentity(int h, int with) {
    for (int n = 0; n < namespaces(); ++n) {
      views_[h - 1][n] = std::make_shared<ModelDevice>("/dev/disk" + std::to_string(n), namespaces_[n], Host(with));
    }
  }
  static Key KeyOf(int h) { return static_cast<Key>(h); }

  /// Host h's devices, as the agent on node h would open them.
  DeviceList Devices(int h) const { return DeviceList(views_[h - 1].begin(), views_[h - 1].end()); }
  ModelDevice& View(int h, int n) { return *views_[h - 1][n]; }
  ModelNamespace& Namespace(int n) { return *namespaces_[n]; }
  int namespaces() const { return static_cast<int>(namespaces_.size()); }

  bool CanWriteEverywhere(int h) {
    for (auto& ns : namespaces_) {
      if (!ns->CanWrite(Host(h))) return false;
    }
    return true;
  }
  bool CanWriteAnywhere(int h) {
    for (auto& ns : namespaces_) {
      if (ns->CanWrite(Host(h))) return true;
    }
    return false;
  }

 private:
  std::vector<std::shared_ptr<ModelNamespace>> namespaces_;
  std::vector<std::vector<std::shared_ptr<ModelDevice>>> views_;
};

}  // namespace nvmepr::testing
