// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * bench_timer - runs the contenders of a benchmark plan in rounds and measures
 * each run's wall time from just before fork() to the return of wait4(): a
 * process's start, dynamic linking, work and exit, as a parent such as
 * Pacemaker's fencer sees it, without any shell in between.
 *
 * Usage: bench_timer [--rounds N] [--warmup W] [--timeout SEC] [--tag TEXT]
 *                    [--csv FILE] [--log FILE] PLAN
 *
 * PLAN is a text file, one directive per line, words separated by blanks
 * (no quoting; '#' starts a comment line):
 *   contender NAME      starts a contender
 *   run ARGV...         the timed command (required)
 *   stdin FILE          its stdin is a pipe holding FILE's content, written
 *                       before the fork (as Pacemaker writes the parameters);
 *                       default /dev/null
 *   setup ARGV...       run before every timed run, untimed; must exit 0
 *   verify ARGV...      run after every timed run, untimed; must exit 0 (e.g.
 *                       checks that the fence really happened)
 *   expect RC           the exit status a good run has (default 0)
 *   timeout SEC         per-run limit (default --timeout, 60)
 *   rounds N            at most N timed rounds for this contender
 *   env NAME=VALUE      add to the environment of the timed command
 *                       (repeatable; setup and verify do not get it)
 *   aslr off|on         run the timed command without address space layout
 *                       randomisation (personality ADDR_NO_RANDOMIZE, as
 *                       setarch -R without an extra exec) or as the system
 *                       has it (default on)
 *
 * Every round runs every contender once; the starting contender rotates from
 * round to round so no contender always follows the same one. The first W
 * rounds are warm-up (recorded with round < 0, excluded from statistics).
 * A run over its limit is killed (SIGKILL to its process group); if it cannot
 * be reaped 5 s later (stuck in the kernel) it is recorded as "hung" and
 * abandoned. A contender that timed out, hung, or failed 3 times in a row is
 * not run again.
 *
 * CSV (appended to --csv, default stdout), one line per run:
 *   tag,contender,round,wall_us,rc,verify_rc,status,maxrss_kb,utime_us,stime_us,minflt,nvcsw,nivcsw
 * (getrusage of the timed process: peak RSS, user and system CPU time, minor
 * page faults, voluntary and involuntary context switches; all threads)
 * status: ok, bad-exit, verify-failed, setup-failed, timeout, hung.
 * The commands' stdout/stderr go to --log (default /dev/null).
 * A summary (median, p95 per contender) goes to stderr.
 * Exit: 0 if every run was ok, 1 otherwise, 2 on a usage or plan error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

enum { kMaxContenders = 64, kMaxArgs = 4096 };

struct contender {
  char *name;
  char **run, **setup, **verify;
  char *env[16];
  int nenv;
  char *stdin_data;
  size_t stdin_len;
  int expect;
  int no_aslr;
  int timeout_s;
  int rounds; /* 0 = all */
  int disabled;
  int consecutive_failures;
  long long *samples; /* wall_us of ok timed runs */
  int nsamples;
};

static struct contender contenders[kMaxContenders];
static int ncontenders;
static int log_fd = -1;
static FILE *csv;
static const char *tag = "";

static void die(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("bench_timer: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(code);
}

static char *xstrdup(const char *s) {
  char *p = strdup(s);
  if (!p) die(1, "out of memory");
  return p;
}

/* Splits the rest of a plan line into a NULL-terminated argv. */
static char **split_words(char *rest) {
  char **argv = calloc(kMaxArgs + 1, sizeof *argv);
  int n = 0;
  for (char *w = strtok(rest, " \t\r\n"); w; w = strtok(NULL, " \t\r\n")) {
    if (n == kMaxArgs) die(2, "too many words on a plan line");
    argv[n++] = xstrdup(w);
  }
  if (n == 0) die(2, "empty command in the plan");
  return argv;
}

static void read_file(const char *path, char **data, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die(2, "%s: %s", path, strerror(errno));
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap);
  size_t got;
  while ((got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) buf = realloc(buf, cap *= 2);
  }
  fclose(f);
  if (n > 60000) die(2, "%s: stdin data larger than a pipe buffer", path);
  *data = buf;
  *len = n;
}

static void load_plan(const char *path, int default_timeout) {
  FILE *f = fopen(path, "r");
  if (!f) die(2, "%s: %s", path, strerror(errno));
  size_t cap = 0;
  char *line = NULL;
  struct contender *c = NULL;
  while (getline(&line, &cap, f) >= 0) {
    char *p = line + strspn(line, " \t");
    if (*p == '#' || *p == '\n' || *p == 0) continue;
    char *word = p;
    p += strcspn(p, " \t\r\n");
    if (*p) *p++ = 0;
    if (strcmp(word, "contender") == 0) {
      if (ncontenders == kMaxContenders) die(2, "too many contenders");
      c = &contenders[ncontenders++];
      char **name = split_words(p);
      c->name = name[0];
      c->timeout_s = default_timeout;
      continue;
    }
    if (!c) die(2, "%s: '%s' before any 'contender'", path, word);
    if (strcmp(word, "run") == 0)
      c->run = split_words(p);
    else if (strcmp(word, "setup") == 0)
      c->setup = split_words(p);
    else if (strcmp(word, "verify") == 0)
      c->verify = split_words(p);
    else if (strcmp(word, "stdin") == 0)
      read_file(split_words(p)[0], &c->stdin_data, &c->stdin_len);
    else if (strcmp(word, "expect") == 0)
      c->expect = atoi(split_words(p)[0]);
    else if (strcmp(word, "timeout") == 0)
      c->timeout_s = atoi(split_words(p)[0]);
    else if (strcmp(word, "rounds") == 0)
      c->rounds = atoi(split_words(p)[0]);
    else if (strcmp(word, "aslr") == 0) {
      const char *v = split_words(p)[0];
      if (!v || (strcmp(v, "off") != 0 && strcmp(v, "on") != 0)) die(2, "aslr wants off or on");
      c->no_aslr = strcmp(v, "off") == 0;
    } else if (strcmp(word, "env") == 0) {
      if (c->nenv == 16) die(2, "too many env lines for %s", c->name);
      c->env[c->nenv] = split_words(p)[0];
      if (!strchr(c->env[c->nenv], '=')) die(2, "env wants NAME=VALUE");
      ++c->nenv;
    } else
      die(2, "%s: unknown directive '%s'", path, word);
  }
  free(line);
  fclose(f);
  for (int i = 0; i < ncontenders; ++i)
    if (!contenders[i].run) die(2, "contender %s has no 'run'", contenders[i].name);
  if (ncontenders == 0) die(2, "%s: no contender", path);
}

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static long long tv_us(struct timeval tv) { return (long long)tv.tv_sec * 1000000 + tv.tv_usec; }

struct outcome {
  int status; /* wait status, valid if reaped */
  int reaped;
  int timed_out;
  long long wall_us;
  struct rusage ru;
};

/* Forks and execs argv with stdin from stdin_fd (or /dev/null), output to
 * the log; waits at most timeout_s. The clock runs from just before fork()
 * to just after wait4(). */
static struct outcome spawn(char **argv, char **env, int nenv, const char *data, size_t len, int timeout_s,
                            int no_aslr) {
  struct outcome o;
  memset(&o, 0, sizeof o);
  int pipefd[2] = {-1, -1};
  if (data) {
    if (pipe2(pipefd, O_CLOEXEC) != 0) die(1, "pipe: %s", strerror(errno));
    if (len && write(pipefd[1], data, len) != (ssize_t)len) die(1, "pipe write: %s", strerror(errno));
    close(pipefd[1]);
  }
  const long long t0 = now_us();
  pid_t pid = fork();
  if (pid < 0) die(1, "fork: %s", strerror(errno));
  if (pid == 0) {
    setpgid(0, 0);
    int in = data ? pipefd[0] : open("/dev/null", O_RDONLY);
    dup2(in, 0);
    dup2(log_fd, 1);
    dup2(log_fd, 2);
    for (int i = 0; i < nenv; ++i) putenv(env[i]);
    if (no_aslr) {
      const int persona = personality(0xffffffff);
      if (persona < 0 || personality((unsigned long)persona | ADDR_NO_RANDOMIZE) < 0) {
        dprintf(2, "bench_timer: personality: %s\n", strerror(errno));
        _exit(127);
      }
    }
    execvp(argv[0], argv);
    dprintf(2, "bench_timer: exec %s: %s\n", argv[0], strerror(errno));
    _exit(127);
  }
  if (data) close(pipefd[0]);
  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) die(1, "pidfd_open: %s", strerror(errno));
  struct pollfd pfd = {.fd = pidfd, .events = POLLIN};
  int ready;
  do {
    ready = poll(&pfd, 1, timeout_s * 1000);
  } while (ready < 0 && errno == EINTR);
  if (ready > 0) {
    wait4(pid, &o.status, 0, &o.ru);
    o.wall_us = now_us() - t0;
    o.reaped = 1;
  } else {
    o.wall_us = now_us() - t0;
    o.timed_out = 1;
    kill(-pid, SIGKILL);
    kill(pid, SIGKILL);
    if (poll(&pfd, 1, 5000) > 0) {
      wait4(pid, &o.status, 0, &o.ru);
      o.reaped = 1;
    }
  }
  close(pidfd);
  return o;
}

static int exit_code(const struct outcome *o) {
  if (!o->reaped) return -1;
  if (WIFEXITED(o->status)) return WEXITSTATUS(o->status);
  return 128 + WTERMSIG(o->status);
}

static void log_line(const char *fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > 0 && write(log_fd, buf, (size_t)(n < (int)sizeof buf ? n : (int)sizeof buf - 1)) < 0) {
    /* the log is best effort */
  }
}

/* Runs an untimed helper; returns its exit code (-1 if it hung). */
static int run_untimed(char **argv) {
  struct outcome o = spawn(argv, NULL, 0, NULL, 0, 120, 0);
  return o.timed_out ? -1 : exit_code(&o);
}

static int run_one(struct contender *c, int round) {
  log_line("=== %s %s round %d\n", tag, c->name, round);
  const char *status = "ok";
  int verify_rc = 0;
  struct outcome o;
  memset(&o, 0, sizeof o);
  int rc = -1;
  if (c->setup && run_untimed(c->setup) != 0) {
    status = "setup-failed";
  } else {
    o = spawn(c->run, c->env, c->nenv, c->stdin_data, c->stdin_len, c->timeout_s, c->no_aslr);
    rc = exit_code(&o);
    if (o.timed_out) {
      status = o.reaped ? "timeout" : "hung";
    } else if (rc != c->expect) {
      status = "bad-exit";
    } else if (c->verify && (verify_rc = run_untimed(c->verify)) != 0) {
      status = "verify-failed";
    }
  }
  fprintf(csv, "%s,%s,%d,%lld,%d,%d,%s,%ld,%lld,%lld,%ld,%ld,%ld\n", tag, c->name, round, o.wall_us, rc, verify_rc,
          status, o.ru.ru_maxrss, tv_us(o.ru.ru_utime), tv_us(o.ru.ru_stime), o.ru.ru_minflt, o.ru.ru_nvcsw,
          o.ru.ru_nivcsw);
  fflush(csv);
  const int ok = strcmp(status, "ok") == 0;
  if (ok) {
    c->consecutive_failures = 0;
    if (round >= 0) c->samples[c->nsamples++] = o.wall_us;
  } else {
    log_line("=== %s %s round %d: %s (exit %d, verify %d)\n", tag, c->name, round, status, rc, verify_rc);
    fprintf(stderr, "bench_timer: %s %s round %d: %s (exit %d, verify %d)\n", tag, c->name, round, status, rc,
            verify_rc);
    if (o.timed_out || ++c->consecutive_failures >= 3) {
      c->disabled = 1;
      fprintf(stderr, "bench_timer: %s %s: not run again\n", tag, c->name);
    }
  }
  return ok;
}

static int cmp_ll(const void *a, const void *b) {
  long long x = *(const long long *)a, y = *(const long long *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of sorted samples. */
static long long percentile(const long long *s, int n, int p) {
  int rank = (p * n + 99) / 100;
  if (rank < 1) rank = 1;
  return s[rank - 1];
}

int main(int argc, char **argv) {
  int rounds = 20, warmup = 1, timeout_s = 60;
  const char *csv_path = NULL, *log_path = "/dev/null", *plan = NULL;
  for (int i = 1; i < argc; ++i) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(a, "--rounds") == 0 && v)
      rounds = atoi(argv[++i]);
    else if (strcmp(a, "--warmup") == 0 && v)
      warmup = atoi(argv[++i]);
    else if (strcmp(a, "--timeout") == 0 && v)
      timeout_s = atoi(argv[++i]);
    else if (strcmp(a, "--tag") == 0 && v)
      tag = argv[++i];
    else if (strcmp(a, "--csv") == 0 && v)
      csv_path = argv[++i];
    else if (strcmp(a, "--log") == 0 && v)
      log_path = argv[++i];
    else if (a[0] != '-' && !plan)
      plan = a;
    else
      die(2, "usage: bench_timer [--rounds N] [--warmup W] [--timeout SEC] [--tag T] [--csv F] [--log F] PLAN");
  }
  if (!plan || rounds < 1 || warmup < 0 || timeout_s < 1) die(2, "bad arguments (see the source header)");
  load_plan(plan, timeout_s);
  csv = csv_path ? fopen(csv_path, "a") : stdout;
  if (!csv) die(2, "%s: %s", csv_path, strerror(errno));
  log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) die(2, "%s: %s", log_path, strerror(errno));
  for (int i = 0; i < ncontenders; ++i) contenders[i].samples = calloc((size_t)rounds, sizeof(long long));

  int all_ok = 1;
  for (int r = -warmup; r < rounds; ++r) {
    const int start = (r + warmup) % ncontenders;
    for (int k = 0; k < ncontenders; ++k) {
      struct contender *c = &contenders[(start + k) % ncontenders];
      if (c->disabled || (c->rounds && r >= c->rounds)) continue;
      all_ok &= run_one(c, r);
    }
  }

  for (int i = 0; i < ncontenders; ++i) {
    struct contender *c = &contenders[i];
    if (c->nsamples == 0) {
      fprintf(stderr, "  %-24s %s  no successful run\n", tag, c->name);
      continue;
    }
    qsort(c->samples, (size_t)c->nsamples, sizeof(long long), cmp_ll);
    fprintf(stderr, "  %-24s %-22s n=%-3d median %8.1f ms  p95 %8.1f ms\n", tag, c->name, c->nsamples,
            percentile(c->samples, c->nsamples, 50) / 1000.0, percentile(c->samples, c->nsamples, 95) / 1000.0);
  }
  return all_ok ? 0 : 1;
}
