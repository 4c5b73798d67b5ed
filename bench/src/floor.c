// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_floor - the floor of the fencing benchmark: the fewest system calls a
 * *verified* NVMe fence needs, in a small static C program, and nothing else
 * (no parameter parsing beyond argv, no logging, no lock, no state file, no
 * sysfs checks, no identify). It is the physical limit the agent is compared
 * with on the same emulated CPU.
 *
 *   bench_floor fence [-j [-o]] OWN VICTIM DEV...
 *       1. Reservation Report (EDS) of every device: refuse (exit 1, nothing
 *          changed) unless OWN is registered on every device;
 *       2. Reservation Acquire, preempt-and-abort (RACQA 2) of VICTIM with
 *          OWN, under the device's current reservation type, where VICTIM is
 *          registered;
 *       3. Reservation Report again: exit 0 only if VICTIM is gone, OWN is
 *          present and a reservation exists on every device.
 *       -j: one thread per device for 1 and for 2+3 (barrier between them);
 *       without it, one thread does everything in device order.
 *       -o (with -j): the first device's 2+3 before the others' (the order
 *       that makes two nodes fencing each other at once end with one
 *       winner, as fence_nvme_pr does): the floor of a race-safe fence.
 *
 * Helpers the benchmark uses outside the timed region (not part of a fence):
 *   bench_floor register KEY DEV...     register KEY (replace a stale key)
 *   bench_floor unregister KEY DEV...   unregister KEY (absent is fine)
 *   bench_floor reserve KEY TYPE DEV... acquire TYPE with KEY where no
 *                                       reservation exists
 *   bench_floor check present|absent KEY DEV...
 *                                       exit 0 if KEY is registered on every
 *                                       device (present) / on none (absent),
 *                                       and every device has a reservation
 *   bench_floor noop                    exit 0 at once (cost of an exec)
 *
 * Keys are numbers in any strtoull base-0 form (0x1, 1). Exit status: 0 ok,
 * 1 failure (one line on stderr), 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/nvme_ioctl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

enum {
  kOpRegister = 0x0D,
  kOpReport = 0x0E,
  kOpAcquire = 0x11,
  kReportBytes = 4096, /* 63 extended entries */
  kTimeoutMs = 20000,
  kStatusConflict = 0x83,
};

struct device {
  const char *path;
  int fd;
  unsigned nsid;
  /* last report */
  unsigned rtype;
  int own_registered;
  int victim_registered;
  /* outcome of the thread, 0 = ok */
  int failed;
  char why[160];
};

static uint64_t own_key, victim_key;

static void put_le64(uint8_t *p, uint64_t v) {
  for (int i = 0; i < 8; ++i) p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le64(const uint8_t *p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

/* <0: -errno, 0: ok, >0: NVMe status. */
static int io_cmd(struct device *d, uint8_t opcode, uint32_t cdw10, uint32_t cdw11, void *buf, uint32_t len) {
  struct nvme_passthru_cmd cmd;
  memset(&cmd, 0, sizeof cmd);
  cmd.opcode = opcode;
  cmd.nsid = d->nsid;
  cmd.addr = (uint64_t)(uintptr_t)buf;
  cmd.data_len = len;
  cmd.cdw10 = cdw10;
  cmd.cdw11 = cdw11;
  cmd.timeout_ms = kTimeoutMs;
  int ret;
  do {
    ret = ioctl(d->fd, NVME_IOCTL_IO_CMD, &cmd);
  } while (ret < 0 && errno == EINTR);
  return ret < 0 ? -errno : ret;
}

static int fail(struct device *d, const char *what, int ret) {
  d->failed = 1;
  if (ret < 0)
    snprintf(d->why, sizeof d->why, "%s: %s: %s", d->path, what, strerror(-ret));
  else
    snprintf(d->why, sizeof d->why, "%s: %s: NVMe status 0x%x", d->path, what, ret);
  return -1;
}

static int fail_msg(struct device *d, const char *msg) {
  d->failed = 1;
  snprintf(d->why, sizeof d->why, "%s: %s", d->path, msg);
  return -1;
}

/* Reservation Report, extended data structure; records type and keys. */
static int report(struct device *d, uint64_t key_a, int *has_a, uint64_t key_b, int *has_b) {
  uint8_t buf[kReportBytes];
  memset(buf, 0, sizeof buf);
  int ret = io_cmd(d, kOpReport, kReportBytes / 4 - 1, 1 /* EDS */, buf, sizeof buf);
  if (ret != 0) return fail(d, "reservation report", ret);
  d->rtype = buf[4];
  unsigned regctl = (unsigned)buf[5] | (unsigned)buf[6] << 8;
  *has_a = 0;
  if (has_b) *has_b = 0;
  for (unsigned i = 0; i < regctl && 64 + (i + 1) * 64 <= sizeof buf; ++i) {
    uint64_t key = get_le64(buf + 64 + i * 64 + 8);
    if (key == key_a) *has_a = 1;
    if (has_b && key == key_b) *has_b = 1;
  }
  return 0;
}

static int fence_read(struct device *d) {
  if (report(d, own_key, &d->own_registered, victim_key, &d->victim_registered)) return -1;
  if (!d->own_registered) return fail_msg(d, "own key not registered: this node is fenced, refusing");
  return 0;
}

static int fence_write_verify(struct device *d) {
  if (d->victim_registered) {
    uint8_t data[16];
    put_le64(data, own_key);
    put_le64(data + 8, victim_key);
    int ret = io_cmd(d, kOpAcquire, 2u /* preempt and abort */ | d->rtype << 8, 0, data, sizeof data);
    if (ret != 0 && (ret < 0 || (ret & 0x7ff) != kStatusConflict)) return fail(d, "preempt-and-abort", ret);
  }
  if (report(d, own_key, &d->own_registered, victim_key, &d->victim_registered)) return -1;
  if (d->victim_registered) return fail_msg(d, "victim still registered");
  if (!d->own_registered) return fail_msg(d, "own key gone");
  if (d->rtype == 0) return fail_msg(d, "no reservation");
  return 0;
}

static void *thread_read(void *arg) {
  fence_read(arg);
  return NULL;
}

static void *thread_write_verify(void *arg) {
  fence_write_verify(arg);
  return NULL;
}

/* Runs fn on every device, one thread each, and waits for all. */
static void on_each_parallel(struct device *devs, int n, void *(*fn)(void *)) {
  pthread_t *threads = calloc((size_t)n, sizeof *threads);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  for (int i = 0; i < n; ++i) {
    if (pthread_create(&threads[i], &attr, fn, &devs[i]) != 0) {
      fn(&devs[i]);
      threads[i] = 0;
    }
  }
  for (int i = 0; i < n; ++i)
    if (threads[i]) pthread_join(threads[i], NULL);
  free(threads);
}

static int first_failure(struct device *devs, int n) {
  for (int i = 0; i < n; ++i) {
    if (devs[i].failed) {
      fprintf(stderr, "bench_floor: %s\n", devs[i].why);
      return 1;
    }
  }
  return 0;
}

static int parse_key(const char *text, uint64_t *key) {
  char *end;
  errno = 0;
  unsigned long long v = strtoull(text, &end, 0);
  if (errno || *end || end == text || v == 0) {
    fprintf(stderr, "bench_floor: bad key '%s'\n", text);
    return -1;
  }
  *key = v;
  return 0;
}

static int open_all(struct device *devs, int n, char **paths) {
  for (int i = 0; i < n; ++i) {
    struct device *d = &devs[i];
    memset(d, 0, sizeof *d);
    d->path = paths[i];
    d->fd = open(d->path, O_RDONLY | O_CLOEXEC);
    if (d->fd < 0) {
      fprintf(stderr, "bench_floor: %s: %s\n", d->path, strerror(errno));
      return -1;
    }
    int nsid = ioctl(d->fd, NVME_IOCTL_ID);
    if (nsid <= 0) {
      fprintf(stderr, "bench_floor: %s: not an NVMe namespace\n", d->path);
      return -1;
    }
    d->nsid = (unsigned)nsid;
  }
  return 0;
}

static int cmd_fence(int argc, char **argv) {
  int parallel = 0, ordered = 0;
  for (; argc > 0 && argv[0][0] == '-'; ++argv, --argc) {
    if (strcmp(argv[0], "-j") == 0) {
      parallel = 1;
    } else if (strcmp(argv[0], "-o") == 0) {
      ordered = 1;
    } else {
      return 2;
    }
  }
  if (argc < 3) return 2;
  if (parse_key(argv[0], &own_key) || parse_key(argv[1], &victim_key)) return 2;
  int n = argc - 2;
  struct device *devs = calloc((size_t)n, sizeof *devs);
  if (open_all(devs, n, argv + 2)) return 1;
  if (parallel) {
    on_each_parallel(devs, n, thread_read);
    if (first_failure(devs, n)) return 1;
    if (ordered) {
      if (fence_write_verify(&devs[0])) return first_failure(devs, n);
      on_each_parallel(devs + 1, n - 1, thread_write_verify);
    } else {
      on_each_parallel(devs, n, thread_write_verify);
    }
  } else {
    for (int i = 0; i < n; ++i)
      if (fence_read(&devs[i])) return first_failure(devs, n);
    for (int i = 0; i < n; ++i) fence_write_verify(&devs[i]);
  }
  return first_failure(devs, n);
}

/* register / unregister / reserve / check: sequential, for the harness. */
static int cmd_helper(const char *what, int argc, char **argv) {
  uint64_t key;
  unsigned rtype = 0;
  int want_present = 0;
  if (strcmp(what, "check") == 0) {
    if (argc < 1) return 2;
    if (strcmp(argv[0], "present") == 0)
      want_present = 1;
    else if (strcmp(argv[0], "absent") != 0)
      return 2;
    ++argv;
    --argc;
  }
  if (argc < 2 || parse_key(argv[0], &key)) return 2;
  ++argv;
  --argc;
  if (strcmp(what, "reserve") == 0) {
    if (argc < 2) return 2;
    rtype = (unsigned)atoi(argv[0]);
    if (rtype < 1 || rtype > 6) return 2;
    ++argv;
    --argc;
  }
  int n = argc;
  struct device *devs = calloc((size_t)n, sizeof *devs);
  if (open_all(devs, n, argv)) return 1;
  for (int i = 0; i < n; ++i) {
    struct device *d = &devs[i];
    uint8_t data[16];
    int has = 0, ret;
    if (strcmp(what, "register") == 0) {
      put_le64(data, 0);
      put_le64(data + 8, key);
      ret = io_cmd(d, kOpRegister, 0 /* register */, 0, data, sizeof data);
      if (ret > 0 && (ret & 0x7ff) == kStatusConflict) /* holds another key: replace it */
        ret = io_cmd(d, kOpRegister, 2u | 1u << 3 /* replace, IEKEY */, 0, data, sizeof data);
      if (ret) {
        fail(d, "register", ret);
        return first_failure(devs, n);
      }
    } else if (strcmp(what, "unregister") == 0) {
      put_le64(data, key);
      put_le64(data + 8, 0);
      ret = io_cmd(d, kOpRegister, 1 /* unregister */, 0, data, sizeof data);
      if (ret < 0 || (ret > 0 && (ret & 0x7ff) != kStatusConflict)) {
        fail(d, "unregister", ret);
        return first_failure(devs, n);
      }
    } else if (strcmp(what, "reserve") == 0) {
      if (report(d, key, &has, 0, NULL)) return first_failure(devs, n);
      if (d->rtype == 0) {
        put_le64(data, key);
        put_le64(data + 8, 0);
        ret = io_cmd(d, kOpAcquire, 0 /* acquire */ | rtype << 8, 0, data, sizeof data);
        if (ret) {
          fail(d, "acquire", ret);
          return first_failure(devs, n);
        }
      }
    } else if (strcmp(what, "check") == 0) {
      if (report(d, key, &has, 0, NULL)) return first_failure(devs, n);
      if (has != want_present) {
        fprintf(stderr, "bench_floor: %s: key 0x%llx is %s\n", d->path, (unsigned long long)key,
                has ? "registered" : "not registered");
        return 1;
      }
      if (d->rtype == 0) {
        fprintf(stderr, "bench_floor: %s: no reservation\n", d->path);
        return 1;
      }
    } else {
      return 2;
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  int rc = 2;
  if (argc >= 2 && strcmp(argv[1], "noop") == 0) return 0;
  if (argc >= 2 && strcmp(argv[1], "fence") == 0)
    rc = cmd_fence(argc - 2, argv + 2);
  else if (argc >= 2)
    rc = cmd_helper(argv[1], argc - 2, argv + 2);
  if (rc == 2) {
    fputs("usage: bench_floor fence [-j [-o]] OWN VICTIM DEV... | register KEY DEV... | unregister KEY DEV...\n"
          "       | reserve KEY TYPE DEV... | check present|absent KEY DEV... | noop\n",
          stderr);
  }
  return rc;
}
