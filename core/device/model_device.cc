// SPDX-License-Identifier: GPL-2.0-or-later
#include "model_device.h"

#include <cerrno>
#include <thread>

#include "nvme_command.h"

namespace nvmepr {

bool ModelNamespace::HasKey(const std::string& host, Key key) const {
  auto it = registrations_.find(host);
  return it != registrations_.end() && it->second == key;
}

bool ModelNamespace::IsHolder(const std::string& host) const {
  if (type_ == ReservationType::kNone) return false;
  if (IsAllRegistrants(type_)) return registrations_.count(host) > 0;
  return holder_ == host;
}

// Unregisters every host whose key is `key` except `keep_host`; true if any.
bool ModelNamespace::RemoveKey(Key key, const std::string& keep_host) {
  bool removed = false;
  for (auto it = registrations_.begin(); it != registrations_.end();) {
    if (it->second == key && it->first != keep_host) {
      if (it->first == holder_) holder_.clear();
      it = registrations_.erase(it);
      removed = true;
    } else {
      ++it;
    }
  }
  return removed;
}

// Types 1-4 end when the holder leaves, types 5/6 when the last registrant does.
void ModelNamespace::DropReservationIfOrphaned() {
  if (type_ == ReservationType::kNone) return;
  const bool orphaned = IsAllRegistrants(type_) ? registrations_.empty() : registrations_.count(holder_) == 0;
  if (orphaned) {
    type_ = ReservationType::kNone;
    holder_.clear();
  }
}

int ModelNamespace::Register(const std::string& host, const RegisterArgs& args) {
  std::lock_guard lock(mutex_);
  auto mine = registrations_.find(host);
  const bool registered = mine != registrations_.end();
  const bool key_ok = registered && (args.ignore_existing_key || mine->second == args.current_key);
  switch (args.action) {
    case RegisterAction::kRegister:
      if (args.new_key == 0) return kStatusInvalidField;
      if (registered) return mine->second == args.new_key ? 0 : kStatusReservationConflict;
      registrations_[host] = args.new_key;
      break;
    case RegisterAction::kUnregister:
      if (!key_ok) return kStatusReservationConflict;
      registrations_.erase(mine);
      DropReservationIfOrphaned();
      break;
    case RegisterAction::kReplace:
      if (args.new_key == 0) return kStatusInvalidField;
      if (!key_ok && !(!registered && args.ignore_existing_key)) return kStatusReservationConflict;
      registrations_[host] = args.new_key;
      break;
  }
  ++generation_;
  return 0;
}

int ModelNamespace::Acquire(const std::string& host, const AcquireArgs& args) {
  std::lock_guard lock(mutex_);
  if (!HasKey(host, args.current_key)) return kStatusReservationConflict;
  if (args.action == AcquireAction::kAcquire) {
    if (type_ == ReservationType::kNone) {
      type_ = args.type;
      holder_ = host;
      return 0;
    }
    if (IsHolder(host) && type_ == args.type) {
      if (IsAllRegistrants(type_) && holder_ != host && deviations_.all_registrants_acquire_conflicts) {
        return kStatusReservationConflict;
      }
      return 0;
    }
    return kStatusReservationConflict;
  }

  // Preempt and preempt-and-abort (the model has no I/O in flight to abort).
  const Key victim = args.preempt_key;
  if (type_ == ReservationType::kNone) {
    if (!RemoveKey(victim, "")) return kStatusReservationConflict;
  } else if (IsAllRegistrants(type_)) {
    if (victim == 0) {
      for (auto it = registrations_.begin(); it != registrations_.end();) {
        it = it->first == host ? std::next(it) : registrations_.erase(it);
      }
      type_ = args.type;
      holder_ = host;
    } else if (!RemoveKey(victim, "")) {
      return kStatusReservationConflict;
    }
  } else if (holder_ == host && deviations_.holder_preempt_is_noop) {
    type_ = args.type;  // D1: only the type changes, the victim stays
  } else if (victim == registrations_.at(holder_) || (victim == 0 && holder_ == host)) {
    RemoveKey(victim, host);
    type_ = args.type;
    holder_ = host;
  } else if (victim == 0) {
    return kStatusInvalidField;
  } else if (!RemoveKey(victim, "")) {
    return kStatusReservationConflict;
  }
  DropReservationIfOrphaned();
  ++generation_;
  return 0;
}

int ModelNamespace::Release(const std::string& host, const ReleaseArgs& args) {
  std::lock_guard lock(mutex_);
  if (!HasKey(host, args.current_key)) return kStatusReservationConflict;
  if (args.action == ReleaseAction::kClear) {
    registrations_.clear();
    type_ = ReservationType::kNone;
    holder_.clear();
    ++generation_;
    return 0;
  }
  if (!IsHolder(host)) return 0;
  if (args.type != type_) return kStatusInvalidField;
  type_ = ReservationType::kNone;
  holder_.clear();
  return 0;
}

ReservationStatus ModelNamespace::Report() {
  std::lock_guard lock(mutex_);
  ReservationStatus status;
  status.generation = generation_;
  status.type = type_;
  for (const auto& [host, key] : registrations_) {
    Registrant r;
    r.key = key;
    r.host_id = host;
    r.holds_reservation = IsHolder(host);
    status.registrants.push_back(r);
  }
  return status;
}

bool ModelNamespace::CanWrite(const std::string& host) {
  std::lock_guard lock(mutex_);
  if (type_ == ReservationType::kNone || IsHolder(host)) return true;
  return RegistrantsMayWrite(type_) && registrations_.count(host) > 0;
}

std::optional<Key> ModelNamespace::KeyOf(const std::string& host) {
  std::lock_guard lock(mutex_);
  auto it = registrations_.find(host);
  if (it == registrations_.end()) return std::nullopt;
  return it->second;
}

ModelDevice::ModelDevice(std::string name, std::shared_ptr<ModelNamespace> ns, std::string host)
    : name_(std::move(name)), ns_(std::move(ns)), host_(std::move(host)) {}

Result<void> ModelDevice::Check(Deadline deadline, const char* what) {
  if (faults.hang.count() > 0) {
    std::this_thread::sleep_for(faults.hang);
    if (deadline.Expired()) {
      return Fail(ErrorKind::kTimeout, name_ + ": " + what + ": " + deadline.Labelled("deadline passed"));
    }
  }
  if (faults.unreachable) return Fail(ErrorKind::kIo, name_ + ": " + what + ": Input/output error", EIO);
  return {};
}

Result<void> ModelDevice::Status(int status, const char* what) {
  if (status == 0) return {};
  return NvmeStatusError(status, name_ + ": " + what);
}

Result<Capabilities> ModelDevice::Identify(Deadline deadline) {
  if (auto r = Check(deadline, "identify"); !r) return r.error();
  Capabilities caps;
  caps.rescap = ns_->rescap();
  caps.reservations = caps.rescap != 0;
  return caps;
}

Result<void> ModelDevice::Register(const RegisterArgs& args, Deadline deadline) {
  if (auto r = Check(deadline, "reservation register"); !r) return r;
  return Status(ns_->Register(host_, args), "reservation register");
}

Result<void> ModelDevice::Acquire(const AcquireArgs& args, Deadline deadline) {
  if (auto r = Check(deadline, "reservation acquire"); !r) return r;
  return Status(ns_->Acquire(host_, args), "reservation acquire");
}

Result<void> ModelDevice::Release(const ReleaseArgs& args, Deadline deadline) {
  if (auto r = Check(deadline, "reservation release"); !r) return r;
  return Status(ns_->Release(host_, args), "reservation release");
}

Result<ReservationStatus> ModelDevice::Report(Deadline deadline) {
  if (auto r = Check(deadline, "reservation report"); !r) return r.error();
  return ns_->Report();
}

Result<std::string> ModelDevice::HostId(Deadline deadline) {
  if (auto r = Check(deadline, "get features host identifier"); !r) return r.error();
  return faults.no_host_id ? std::string() : host_;
}

}  // namespace nvmepr
