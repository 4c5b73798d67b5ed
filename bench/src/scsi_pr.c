// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_scsi_pr - SCSI persistent-reservation helpers for the fence_scsi part
 * of the benchmark, run outside the timed region (one process for all
 * devices, where sg_persist would need one process per device and command).
 *
 *   bench_scsi_pr register KEY DEV...     REGISTER AND IGNORE EXISTING KEY
 *   bench_scsi_pr unregister KEY DEV...   remove KEY's registration, if any
 *                                         (run from the I_T nexus that holds it)
 *   bench_scsi_pr check present|absent KEY DEV...
 *                                         READ KEYS: KEY registered on every
 *                                         device (present) / on none (absent)
 *
 * A UNIT ATTENTION (which LIO raises after another nexus changed the
 * registrations) is retried, as sg_turs does for fence_scsi.
 * Exit status: 0 ok, 1 failure (one line on stderr), 2 usage error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <scsi/sg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

static void put_be(uint8_t *p, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) p[i] = (uint8_t)(v >> (8 * (bytes - 1 - i)));
}

static uint64_t get_be(const uint8_t *p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

/* 0 ok, -1 error (message printed). */
static int sg_cmd(int fd, const char *dev, uint8_t *cdb, int cdb_len, int to_device, uint8_t *buf, unsigned len) {
  for (int attempt = 0; attempt < 4; ++attempt) {
    uint8_t sense[32];
    sg_io_hdr_t io;
    memset(&io, 0, sizeof io);
    memset(sense, 0, sizeof sense);
    io.interface_id = 'S';
    io.dxfer_direction = len == 0 ? SG_DXFER_NONE : to_device ? SG_DXFER_TO_DEV : SG_DXFER_FROM_DEV;
    io.cmd_len = (unsigned char)cdb_len;
    io.cmdp = cdb;
    io.mx_sb_len = sizeof sense;
    io.sbp = sense;
    io.dxfer_len = len;
    io.dxferp = buf;
    io.timeout = 20000;
    if (ioctl(fd, SG_IO, &io) < 0) {
      fprintf(stderr, "bench_scsi_pr: %s: SG_IO: %s\n", dev, strerror(errno));
      return -1;
    }
    if (io.host_status == 0 && io.driver_status == 0 && io.status == 0) return 0;
    const int descriptor = (sense[0] & 0x7f) >= 0x72;
    const uint8_t key = descriptor ? sense[1] & 0xf : sense[2] & 0xf;
    const uint8_t asc = descriptor ? sense[2] : sense[12], ascq = descriptor ? sense[3] : sense[13];
    if (io.status == 0x02 && key == 0x6) continue; /* unit attention: retry */
    fprintf(stderr, "bench_scsi_pr: %s: cdb 0x%02x/%x: SCSI status 0x%x host 0x%x driver 0x%x sense %x/%02x/%02x\n",
            dev, cdb[0], cdb[1], io.status, io.host_status, io.driver_status, key, asc, ascq);
    return -1;
  }
  fprintf(stderr, "bench_scsi_pr: %s: unit attention does not clear\n", dev);
  return -1;
}

/* PERSISTENT RESERVE OUT, REGISTER AND IGNORE EXISTING KEY (SA 6). */
static int register_ignore(int fd, const char *dev, uint64_t new_key) {
  uint8_t cdb[10] = {0x5f, 0x06, 0, 0, 0, 0, 0, 0, 24, 0};
  uint8_t param[24];
  memset(param, 0, sizeof param);
  put_be(param + 8, new_key, 8);
  return sg_cmd(fd, dev, cdb, sizeof cdb, 1, param, sizeof param);
}

/* PERSISTENT RESERVE IN, READ KEYS: 1 if key registered, 0 if not, -1 error. */
static int has_key(int fd, const char *dev, uint64_t key) {
  uint8_t buf[8 + 8 * 256];
  uint8_t cdb[10] = {0x5e, 0x00, 0, 0, 0, 0, 0, (uint8_t)(sizeof buf >> 8), (uint8_t)(sizeof buf & 0xff), 0};
  memset(buf, 0, sizeof buf);
  if (sg_cmd(fd, dev, cdb, sizeof cdb, 0, buf, sizeof buf)) return -1;
  uint32_t len = (uint32_t)get_be(buf + 4, 4);
  for (uint32_t at = 8; at + 8 <= 8 + len && at + 8 <= sizeof buf; at += 8)
    if (get_be(buf + at, 8) == key) return 1;
  return 0;
}

int main(int argc, char **argv) {
  if (argc < 4) goto usage;
  const char *what = argv[1];
  int want = -1;
  int i = 2;
  if (strcmp(what, "check") == 0) {
    if (strcmp(argv[i], "present") == 0)
      want = 1;
    else if (strcmp(argv[i], "absent") == 0)
      want = 0;
    else
      goto usage;
    ++i;
  } else if (strcmp(what, "register") != 0 && strcmp(what, "unregister") != 0) {
    goto usage;
  }
  if (i + 1 >= argc) goto usage;
  char *end;
  const uint64_t key = strtoull(argv[i], &end, 16);
  if (*end || key == 0) goto usage;
  for (++i; i < argc; ++i) {
    const char *dev = argv[i];
    int fd = open(dev, O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
      fprintf(stderr, "bench_scsi_pr: %s: %s\n", dev, strerror(errno));
      return 1;
    }
    int rc;
    if (want >= 0) {
      rc = has_key(fd, dev, key);
      if (rc >= 0 && rc != want) {
        fprintf(stderr, "bench_scsi_pr: %s: key %llx is %s\n", dev, (unsigned long long)key,
                rc ? "registered" : "not registered");
        rc = -1;
      }
    } else if (strcmp(what, "register") == 0) {
      rc = register_ignore(fd, dev, key);
    } else {
      rc = has_key(fd, dev, key);
      if (rc == 1) rc = register_ignore(fd, dev, 0);
    }
    close(fd);
    if (rc < 0) return 1;
  }
  return 0;
usage:
  fputs("usage: bench_scsi_pr register|unregister KEY DEV... | check present|absent KEY DEV...  (KEY in hex)\n",
        stderr);
  return 2;
}
