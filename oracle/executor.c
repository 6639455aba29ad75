// procns live-kernel executor: the root of a throw-away sandbox.
//
// Process tree (host view):
//   driver (node) -> E (this binary: new mnt/net/uts/ipc ns, propagation private)
//                    -> S (pid 1 of a new pid ns; mounts a private procfs and a tmpfs)
//                       -> init task -> spawned tasks ...
// E and S die with the driver (PR_SET_PDEATHSIG + EOF on stdin); when S dies the
// kernel kills every task of its pid namespace, and the tmpfs and all mounts vanish
// with the mount namespace. Nothing is ever created on the host file system.
//
// Line protocol on stdin/stdout (fields separated by TAB, one reply line per request):
//   request : <op> TAB <task id or -> [TAB arg]...
//   reply   : ok [TAB key=value]...  |  err TAB <ERRNO NAME>
// S handles spawn/exit/shrink/mk itself, asks E for alive (E is in the init pid namespace),
// and forwards every other op to the acting task's process over a SOCK_SEQPACKET socket (one message per command/reply).
// See oracle/README.md for the full list of ops and reply keys.
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif
#ifndef SYS_capset
#define SYS_capset 126
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#define NSFS_MAGIC_ 0x6e736673
#define FD_NSFS_ROOT_ (-10003)
#define FILEID_NSFS_ 0xf1
#define NS_GET_USERNS_ _IO(0xb7, 0x1)
#define NS_GET_PARENT_ _IO(0xb7, 0x2)
#define NS_GET_NSTYPE_ _IO(0xb7, 0x3)
#define NS_GET_OWNER_UID_ _IO(0xb7, 0x4)
#define NS_GET_ID_ _IOR(0xb7, 13, uint64_t)
#define NS_UNKNOWN_ _IO(0xb7, 0x7f)

#define CTL_FD 250      /* every task's control socket lives at this fd number */
#define MAXTASKS 4096
#define REPLY 65536

/* ------------------------------------------------------------------ helpers */

static const struct { int e; const char *n; } ERRNAMES[] = {
    {EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"}, {EINTR, "EINTR"}, {EIO, "EIO"},
    {ENXIO, "ENXIO"}, {E2BIG, "E2BIG"}, {EBADF, "EBADF"}, {ECHILD, "ECHILD"}, {EAGAIN, "EAGAIN"},
    {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"}, {EFAULT, "EFAULT"}, {EBUSY, "EBUSY"}, {EEXIST, "EEXIST"},
    {EXDEV, "EXDEV"}, {ENODEV, "ENODEV"}, {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"}, {EINVAL, "EINVAL"},
    {ENFILE, "ENFILE"}, {EMFILE, "EMFILE"}, {ENOTTY, "ENOTTY"}, {ENOSPC, "ENOSPC"}, {ESPIPE, "ESPIPE"},
    {EROFS, "EROFS"}, {EMLINK, "EMLINK"}, {EPIPE, "EPIPE"}, {ERANGE, "ERANGE"}, {ENAMETOOLONG, "ENAMETOOLONG"},
    {ENOSYS, "ENOSYS"}, {ELOOP, "ELOOP"}, {EOPNOTSUPP, "EOPNOTSUPP"}, {EUSERS, "EUSERS"},
    {ESTALE, "ESTALE"}, {EOVERFLOW, "EOVERFLOW"},
};
static const char *errname(int e) {
  static char buf[32];
  for (size_t i = 0; i < sizeof ERRNAMES / sizeof ERRNAMES[0]; i++)
    if (ERRNAMES[i].e == e) return ERRNAMES[i].n;
  snprintf(buf, sizeof buf, "E%d", e);
  return buf;
}

static void die(const char *step, int e) {
  dprintf(1, "fail\t%s\t%s\n", step, errname(e));
  _exit(1);
}

static const struct { const char *n; int f; } KINDS[] = {
    {"net", CLONE_NEWNET}, {"uts", CLONE_NEWUTS}, {"ipc", CLONE_NEWIPC}, {"mnt", CLONE_NEWNS},
    {"pid", CLONE_NEWPID}, {"user", CLONE_NEWUSER}, {"cgroup", CLONE_NEWCGROUP}, {"time", CLONE_NEWTIME},
};
/* "net,uts" -> flags; "0", "-" or "" -> 0; a number -> itself. -1 on unknown name. */
static long kinds_to_flags(const char *s) {
  if (!s || !*s || !strcmp(s, "-") || !strcmp(s, "0")) return 0;
  if (isdigit((unsigned char)s[0])) return strtol(s, NULL, 0);
  long f = 0;
  char tmp[256];
  snprintf(tmp, sizeof tmp, "%s", s);
  for (char *save = NULL, *t = strtok_r(tmp, ",|", &save); t; t = strtok_r(NULL, ",|", &save)) {
    int found = 0;
    for (size_t i = 0; i < sizeof KINDS / sizeof KINDS[0]; i++)
      if (!strcmp(t, KINDS[i].n)) { f |= KINDS[i].f; found = 1; }
    if (!found) return -1;
  }
  return f;
}

static int open_flags(const char *s) {
  int f = 0;
  char tmp[256];
  if (!s || !*s || !strcmp(s, "-")) return O_RDONLY;
  snprintf(tmp, sizeof tmp, "%s", s);
  for (char *save = NULL, *t = strtok_r(tmp, ",|", &save); t; t = strtok_r(NULL, ",|", &save)) {
    if (!strcmp(t, "O_RDONLY")) f |= O_RDONLY;
    else if (!strcmp(t, "O_WRONLY")) f |= O_WRONLY;
    else if (!strcmp(t, "O_RDWR")) f |= O_RDWR;
    else if (!strcmp(t, "O_PATH")) f |= O_PATH;
    else if (!strcmp(t, "O_NOFOLLOW")) f |= O_NOFOLLOW;
    else if (!strcmp(t, "O_DIRECTORY")) f |= O_DIRECTORY;
    else return -1;
  }
  return f;
}

static const struct { const char *n; int bit; } CAPNAMES[] = {
    {"CAP_SYS_ADMIN", 21}, {"CAP_SYS_PTRACE", 19}, {"CAP_DAC_OVERRIDE", 1}, {"CAP_DAC_READ_SEARCH", 2},
    {"CAP_SYS_CHROOT", 18}, {"CAP_SETUID", 7}, {"CAP_SETGID", 6},
};

/* A reply buffer. */
typedef struct { char b[REPLY]; size_t n; } out_t;
static void outf(out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void outf(out_t *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int k = vsnprintf(o->b + o->n, sizeof o->b - o->n, fmt, ap);
  va_end(ap);
  if (k > 0) o->n += (size_t)k < sizeof o->b - o->n ? (size_t)k : sizeof o->b - o->n - 1;
}
static void err_reply(out_t *o, int e) { o->n = 0; outf(o, "err\t%s", errname(e)); }

/* name_to_handle_at: appends "\tns=<id>\tfh=<type>:<hex>" when the object is an nsfs
 * file. Returns 0 when it is a namespace, -1 with errno set otherwise (EINVAL when the
 * object exists but is not a namespace). */
static int ns_handle(int dirfd, const char *path, int flags, out_t *o) {
  struct { struct file_handle h; unsigned char buf[128]; } fh;
  int mnt;
  memset(&fh, 0, sizeof fh);
  fh.h.handle_bytes = sizeof fh.buf;
  const unsigned char *bytes = (const unsigned char *)&fh + sizeof fh.h;
  if (name_to_handle_at(dirfd, path, &fh.h, &mnt, flags) < 0) {
    if (errno == EOPNOTSUPP || errno == EOVERFLOW) errno = EINVAL;
    return -1;
  }
  if (fh.h.handle_type != FILEID_NSFS_ || fh.h.handle_bytes < 8) { errno = EINVAL; return -1; }
  uint64_t id;
  memcpy(&id, bytes, 8);
  outf(o, "\tns=%llu\tfh=%d:", (unsigned long long)id, fh.h.handle_type);
  for (unsigned i = 0; i < fh.h.handle_bytes; i++) outf(o, "%02x", bytes[i]);
  return 0;
}
static int is_nsfs_fd(int fd) {
  struct statfs sf;
  return fstatfs(fd, &sf) == 0 && (unsigned long)sf.f_type == NSFS_MAGIC_;
}
/* Appends fd=<n> and, for an nsfs fd, its identity. */
static void fd_reply(out_t *o, int fd) {
  outf(o, "ok\tfd=%d", fd);
  if (is_nsfs_fd(fd)) {
    size_t keep = o->n;
    if (ns_handle(fd, "", AT_EMPTY_PATH, o) < 0) o->n = keep, o->b[keep] = 0;
  }
}

/* /proc/<sandbox pid> -> pid number in the caller's active pid namespace (NSpid). */
static int my_pid_level(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[512];
  int lvl = 0;
  if (!f) return 0;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "NSpid:", 6)) {
      for (char *p = line + 6; *p;) {
        while (*p == ' ' || *p == '\t') p++;
        if (!isdigit((unsigned char)*p)) break;
        lvl++;
        while (isdigit((unsigned char)*p)) p++;
      }
    }
  fclose(f);
  return lvl - 1;
}
static int pid_in_my_ns(int spid) {
  int lvl = my_pid_level();
  if (lvl <= 0) return spid;
  char path[64], line[512];
  snprintf(path, sizeof path, "/proc/%d/status", spid);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  int res = -1;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "NSpid:", 6)) {
      char *p = line + 6;
      for (int i = 0; i <= lvl; i++) {
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p) { res = -1; break; }
        res = (int)v;
        p = end;
        if (i == lvl) goto done;
      }
      res = -1;
    }
done:
  fclose(f);
  return res;
}
static int fdinfo_pid(int fd) {
  char path[64], line[256];
  snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
  FILE *f = fopen(path, "r");
  int pid = -2;
  if (!f) return -2;
  while (fgets(line, sizeof line, f))
    if (!strncmp(line, "Pid:", 4)) pid = atoi(line + 4);
  fclose(f);
  return pid;
}

/* ------------------------------------------------------------------ task side */

static int send_msg(int sock, const char *s, size_t n, int fd) {
  struct iovec iov = {(void *)s, n};
  struct msghdr mh = {0};
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  if (fd >= 0) {
    mh.msg_control = u.buf;
    mh.msg_controllen = sizeof u.buf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  ssize_t r;
  do r = sendmsg(sock, &mh, MSG_NOSIGNAL); while (r < 0 && errno == EINTR);
  return r < 0 ? -1 : 0;
}
static ssize_t recv_msg(int sock, char *buf, size_t cap, int *fd) {
  struct iovec iov = {buf, cap - 1};
  struct msghdr mh = {0};
  union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  mh.msg_control = u.buf;
  mh.msg_controllen = sizeof u.buf;
  ssize_t n;
  do n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC * 0); while (n < 0 && errno == EINTR);
  if (fd) *fd = -1;
  if (n > 0 && fd) {
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    if (c && c->cmsg_type == SCM_RIGHTS) memcpy(fd, CMSG_DATA(c), sizeof(int));
  }
  if (n >= 0) buf[n] = 0;
  return n;
}

static void task_loop(void);

static void do_cred(char **a, int na, out_t *o) {
  const char *su = na > 0 ? a[0] : "-", *sg = na > 1 ? a[1] : "-", *sc = na > 2 ? a[2] : "-",
             *sd = na > 3 ? a[3] : "-";
  uid_t olduid = geteuid();
  prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
  int e = 0;
  if (strcmp(sg, "-")) {
    gid_t g = (gid_t)strtoul(sg, NULL, 10);
    if (setresgid(g, g, g) < 0) e = errno;
  }
  uid_t u = olduid;
  if (!e && strcmp(su, "-")) {
    u = (uid_t)strtoul(su, NULL, 10);
    if (setresuid(u, u, u) < 0) e = errno;
  }
  if (!e) {
    struct { uint32_t version; int pid; } hdr = {0x20080522, 0};
    struct { uint32_t eff, perm, inh; } data[2];
    memset(data, 0, sizeof data);
    int doit = 0;
    if (strcmp(sc, "-")) {
      doit = 1;
      char tmp[512];
      snprintf(tmp, sizeof tmp, "%s", sc[0] == '+' ? sc + 1 : sc);
      for (char *save = NULL, *t = strtok_r(tmp, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        int found = 0;
        for (size_t i = 0; i < sizeof CAPNAMES / sizeof CAPNAMES[0]; i++)
          if (!strcmp(t, CAPNAMES[i].n)) {
            int b = CAPNAMES[i].bit;
            data[b / 32].eff |= 1u << (b % 32);
            found = 1;
          }
        if (!found) { e = EINVAL; break; }
      }
      for (int i = 0; i < 2; i++) data[i].perm = data[i].inh = data[i].eff;
    } else if (olduid == 0 && u != 0) {
      doit = 1;
    }
    if (!e && doit && syscall(SYS_capset, &hdr, data) < 0) e = errno;
  }
  prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
  if (!e && strcmp(sd, "-")) {
    if (prctl(PR_SET_DUMPABLE, (!strcmp(sd, "1") || !strcmp(sd, "true")) ? 1 : 0, 0, 0, 0) < 0) e = errno;
  }
  if (e) err_reply(o, e);
  else outf(o, "ok");
}

static void do_readdir(const char *path, out_t *o) {
  int fd = open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) return err_reply(o, errno);
  char buf[16384];
  outf(o, "ok\tnames=");
  int first = 1;
  for (;;) {
    long n = syscall(SYS_getdents64, fd, buf, sizeof buf);
    if (n < 0) { int e = errno; close(fd); return err_reply(o, e); }
    if (n == 0) break;
    for (long off = 0; off < n;) {
      struct { uint64_t ino; int64_t off; unsigned short reclen; unsigned char type; char name[]; } *d =
          (void *)(buf + off);
      if (strcmp(d->name, ".") && strcmp(d->name, "..")) {
        outf(o, "%s%s", first ? "" : "/", d->name);
        first = 0;
      }
      off += d->reclen;
    }
  }
  close(fd);
}

/* Executes one command in the acting task's process. */
static int task_cmd(char *line, int rfd, out_t *o) {
  char *a[16];
  int na = 0;
  for (char *save = line, *t; na < 16 && (t = strsep(&save, "\t"));) a[na++] = t;
  const char *op = a[0];
  char **arg = a + 1;
  int nargs = na - 1;
  o->n = 0;
  o->b[0] = 0;
#define ARG(i) (nargs > (i) ? arg[i] : "")
#define NUM(i) ((int)strtol(ARG(i), NULL, 10))
  if (!strcmp(op, "open")) {
    int fl = open_flags(ARG(1));
    if (fl == -1) return err_reply(o, EINVAL), 0;
    int fd = open(ARG(0), fl | O_CLOEXEC * 0);
    if (fd < 0) return err_reply(o, errno), 0;
    fd_reply(o, fd);
  } else if (!strcmp(op, "close")) {
    if (close(NUM(0)) < 0) err_reply(o, errno); else outf(o, "ok");
  } else if (!strcmp(op, "dup")) {
    int fd = dup(NUM(0));
    if (fd < 0) err_reply(o, errno); else fd_reply(o, fd);
  } else if (!strcmp(op, "pidfd")) {
    int spid = NUM(0);
    int lp = pid_in_my_ns(spid);
    if (lp <= 0) return err_reply(o, ESRCH), 0;
    int fd = (int)syscall(SYS_pidfd_open, lp, 0);
    if (fd < 0) return err_reply(o, errno), 0;
    int seen = fdinfo_pid(fd);
    if (seen != -2 && seen != spid) { close(fd); return err_reply(o, ESRCH), 0; }
    outf(o, "ok\tfd=%d", fd);
  } else if (!strcmp(op, "readdir")) {
    do_readdir(ARG(0), o);
  } else if (!strcmp(op, "readlink")) {
    char buf[4096];
    ssize_t n = readlink(ARG(0), buf, sizeof buf - 1);
    if (n < 0) return err_reply(o, errno), 0;
    buf[n] = 0;
    outf(o, "ok");
    char kind[32];
    unsigned long long ino;
    if (sscanf(buf, "%31[a-z_]:[%llu]", kind, &ino) == 2) {
      outf(o, "\ttype=%s", kind);
      size_t keep = o->n;
      if (ns_handle(AT_FDCWD, ARG(0), AT_SYMLINK_FOLLOW, o) < 0) o->n = keep, o->b[keep] = 0;
    }
  } else if (!strcmp(op, "stat")) {
    struct stat st;
    int fd = -1;
    if (!strcmp(ARG(0), "f")) {
      fd = NUM(1);
      if (fstat(fd, &st) < 0) return err_reply(o, errno), 0;
    } else if (stat(ARG(1), &st) < 0) return err_reply(o, errno), 0;
    outf(o, "ok\tval=%llu", (unsigned long long)st.st_ino);
    size_t keep = o->n;
    int r = fd >= 0 ? (is_nsfs_fd(fd) ? ns_handle(fd, "", AT_EMPTY_PATH, o) : -1)
                    : ns_handle(AT_FDCWD, ARG(1), AT_SYMLINK_FOLLOW, o);
    if (r < 0) o->n = keep, o->b[keep] = 0;
  } else if (!strcmp(op, "lseek")) {
    if (lseek(NUM(0), 0, SEEK_SET) < 0) err_reply(o, errno); else outf(o, "ok");
  } else if (!strcmp(op, "read")) {
    char c;
    ssize_t n = read(NUM(0), &c, 1);
    if (n < 0) err_reply(o, errno); else outf(o, "ok\tval=%zd", n);
  } else if (!strcmp(op, "ioctl")) {
    int fd = NUM(0);
    const char *rq = ARG(1);
    if (!strcmp(rq, "NS_GET_USERNS") || !strcmp(rq, "NS_GET_PARENT")) {
      int nfd = ioctl(fd, !strcmp(rq, "NS_GET_USERNS") ? NS_GET_USERNS_ : NS_GET_PARENT_);
      if (nfd < 0) return err_reply(o, errno), 0;
      fd_reply(o, nfd);
    } else if (!strcmp(rq, "NS_GET_NSTYPE")) {
      int v = ioctl(fd, NS_GET_NSTYPE_);
      if (v < 0) return err_reply(o, errno), 0;
      outf(o, "ok\tval=%d", v);
    } else if (!strcmp(rq, "NS_GET_OWNER_UID")) {
      uid_t u = 0;
      if (ioctl(fd, NS_GET_OWNER_UID_, &u) < 0) return err_reply(o, errno), 0;
      outf(o, "ok\tval=%u", u);
    } else if (!strcmp(rq, "NS_GET_ID")) {
      uint64_t id = 0;
      if (ioctl(fd, NS_GET_ID_, &id) < 0) return err_reply(o, errno), 0;
      outf(o, "ok");
      size_t keep = o->n;
      if (ns_handle(fd, "", AT_EMPTY_PATH, o) < 0) {
        o->n = keep, o->b[keep] = 0;
        outf(o, "\tns=%llu", (unsigned long long)id);
      }
    } else {
      if (ioctl(fd, NS_UNKNOWN_) < 0) return err_reply(o, errno), 0;
      outf(o, "ok");
    }
  } else if (!strcmp(op, "setns")) {
    long fl = kinds_to_flags(ARG(1));
    if (fl == -1) return err_reply(o, EINVAL), 0;
    if (setns(NUM(0), (int)fl) < 0) err_reply(o, errno); else outf(o, "ok");
  } else if (!strcmp(op, "unshare")) {
    long fl = kinds_to_flags(ARG(0));
    if (fl == -1) return err_reply(o, EINVAL), 0;
    if (unshare((int)fl) < 0) err_reply(o, errno); else outf(o, "ok");
  } else if (!strcmp(op, "cred")) {
    do_cred(arg, nargs, o);
  } else if (!strcmp(op, "bind")) {
    if (mount(ARG(0), ARG(1), NULL, MS_BIND, NULL) < 0) err_reply(o, errno); else outf(o, "ok");
  } else if (!strcmp(op, "umount")) {
    if (umount2(ARG(0), 0) < 0) err_reply(o, errno); else outf(o, "ok");
  } else if (!strcmp(op, "nsid")) {
    outf(o, "ok");
    int r;
    if (!strcmp(ARG(0), "f")) {
      int fd = NUM(1);
      struct stat st;
      if (fstat(fd, &st) < 0) return err_reply(o, errno), 0;
      if (!is_nsfs_fd(fd)) return err_reply(o, EINVAL), 0;
      r = ns_handle(fd, "", AT_EMPTY_PATH, o);
    } else {
      r = ns_handle(AT_FDCWD, ARG(1), AT_SYMLINK_FOLLOW, o);
    }
    if (r < 0) err_reply(o, errno);
  } else if (!strcmp(op, "reap")) {
    int st;
    pid_t r = waitpid(NUM(0), &st, WNOHANG);
    if (r < 0) err_reply(o, errno);
    else if (r == 0) err_reply(o, EAGAIN);
    else outf(o, "ok");
  } else if (!strcmp(op, "spawn")) {
    long fl = kinds_to_flags(ARG(0));
    if (rfd < 0) return err_reply(o, EINVAL), 0;
    if (fl == -1) { close(rfd); return err_reply(o, EINVAL), 0; }
    struct clone_args ca;
    memset(&ca, 0, sizeof ca);
    ca.flags = (uint64_t)fl;
    ca.exit_signal = SIGCHLD;
    long p = syscall(SYS_clone3, &ca, sizeof ca);
    if (p < 0) { int e = errno; close(rfd); return err_reply(o, e), 0; }
    if (p == 0) {
      dup2(rfd, CTL_FD); /* replaces the inherited copy of the parent's control socket */
      close(rfd);
      char self[32] = {0};
      if (readlink("/proc/self", self, sizeof self - 1) < 0) strcpy(self, "0");
      char hello[64];
      int k = snprintf(hello, sizeof hello, "ok\tpid=%s", self);
      send_msg(CTL_FD, hello, (size_t)k, -1);
      task_loop(); /* never returns */
    }
    close(rfd);
    outf(o, "ok\tlpid=%ld", p);
  } else if (!strcmp(op, "exit")) {
    _exit(0);
  } else if (!strcmp(op, "ping")) {
    outf(o, "ok");
  } else {
    err_reply(o, ENOSYS);
  }
  if (rfd >= 0 && strcmp(op, "spawn")) close(rfd);
  return 0;
}

static void task_loop(void) {
  static char buf[8192];
  static out_t o;
  for (;;) {
    int rfd = -1;
    ssize_t n = recv_msg(CTL_FD, buf, sizeof buf, &rfd);
    if (n <= 0) _exit(0);
    task_cmd(buf, rfd, &o);
    if (send_msg(CTL_FD, o.b, o.n, -1) < 0) _exit(0);
  }
}

/* ------------------------------------------------------------------ sandbox init (S) */

static struct { int sock; int pid; } tasks[MAXTASKS];
static char dir[256];

static void nap_us(long us) {
  struct timespec ts = {0, us * 1000};
  nanosleep(&ts, NULL);
}
/* /proc/<pid>/stat of a sandbox pid read into buf: what follows "pid (comm) ", "?" if it reads
 * otherwise, NULL when there is no such process. */
static const char *proc_stat_fields(int pid, char *buf, size_t len) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return NULL;
  ssize_t n = read(fd, buf, len - 1);
  close(fd);
  if (n <= 0) return NULL;
  buf[n] = 0;
  const char *p = strrchr(buf, ')');
  return p && p[1] == ' ' ? p + 2 : "?";
}

/* 'Z' or 'X' once the task is a zombie, 0 when gone, else the state letter ('?' if unreadable). */
static int proc_state(int pid) {
  char buf[512];
  const char *f = proc_stat_fields(pid, buf, sizeof buf);
  return f ? f[0] : 0;
}

/* The parent pid of a sandbox pid (the field after the state), 0 if none. */
static int proc_ppid(int pid) {
  char buf[512];
  const char *f = proc_stat_fields(pid, buf, sizeof buf);
  int ppid = 0;
  return f && sscanf(f, "%*c %d", &ppid) == 1 ? ppid : 0;
}

/* Sends a command to task t and copies its reply into o. */
/* The acting task's process is gone (zombie or reaped): ESRCH, marked "gone". */
static void gone_reply(int t, out_t *o) {
  if (t >= 0 && t < MAXTASKS && tasks[t].sock >= 0) {
    close(tasks[t].sock);
    tasks[t].sock = -1;
  }
  err_reply(o, ESRCH);
  outf(o, "\tgone");
}
static void relay(int t, const char *cmd, int sendfd, out_t *o) {
  o->n = 0;
  if (t < 0 || t >= MAXTASKS || tasks[t].sock < 0) return gone_reply(t, o);
  if (send_msg(tasks[t].sock, cmd, strlen(cmd), sendfd) < 0) return gone_reply(t, o);
  ssize_t n = recv_msg(tasks[t].sock, o->b, sizeof o->b, NULL);
  if (n <= 0) return gone_reply(t, o);
  o->n = (size_t)n;
}

static int hexval(int c) { return isdigit(c) ? c - '0' : (tolower(c) - 'a' + 10); }

static void s_alive(const char *fhs, long settle_ms, out_t *o) {
  struct { struct file_handle h; unsigned char buf[128]; } fh;
  memset(&fh, 0, sizeof fh);
  const char *colon = strchr(fhs, ':');
  if (!colon) return err_reply(o, EINVAL);
  fh.h.handle_type = atoi(fhs);
  const char *h = colon + 1;
  size_t n = strlen(h) / 2;
  if (n > sizeof fh.buf) return err_reply(o, EINVAL);
  unsigned char *bytes = (unsigned char *)&fh + sizeof fh.h;
  for (size_t i = 0; i < n; i++) bytes[i] = (unsigned char)(hexval(h[2 * i]) << 4 | hexval(h[2 * i + 1]));
  fh.h.handle_bytes = (unsigned)n;
  uint32_t type = 0;
  if (n >= 12) memcpy(&type, bytes + 8, 4);
  /* user and pid namespaces are put asynchronously (RCU, netns cleanup work): give them
   * up to settle_ms to go before answering "alive". */
  long waited = 0, limit = (type == CLONE_NEWUSER || type == CLONE_NEWPID) ? settle_ms * 1000L : 0;
  for (;;) {
    int fd = open_by_handle_at(FD_NSFS_ROOT_, &fh.h, O_RDONLY);
    if (fd >= 0) {
      close(fd);
      if (waited < limit) { nap_us(2000); waited += 2000; continue; }
      outf(o, "ok\tval=1");
    } else if (errno == ESTALE) outf(o, "ok\tval=0");
    else err_reply(o, errno);
    return;
  }
}

static int new_task(int parent, int id, const char *kinds, out_t *o) {
  int sv[2];
  if (id < 0 || id >= MAXTASKS || tasks[id].sock >= 0) return err_reply(o, EINVAL), -1;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return err_reply(o, errno), -1;
  if (parent < 0) { /* the init task: a plain child of S */
    pid_t p = fork();
    if (p < 0) return err_reply(o, errno), -1;
    if (p == 0) {
      dup2(sv[1], CTL_FD); /* dup2 clears CLOEXEC (irrelevant: tasks never exec) */
      int nul = open("/dev/null", O_RDWR);
      if (nul >= 0) { dup2(nul, 0); dup2(nul, 1); }
      syscall(SYS_close_range, 3, CTL_FD - 1, 0);
      syscall(SYS_close_range, CTL_FD + 1, ~0U, 0);
      signal(SIGPIPE, SIG_DFL);
      /* the model's init is the reaper of its pid namespace; here S is, so init becomes the
       * child subreaper: an orphan of the sandbox's pid ns is reparented to init, as in the
       * model (kernel/exit.c find_new_reaper; nested pid namespaces keep their own init) */
      prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
      char self[32] = {0};
      if (readlink("/proc/self", self, sizeof self - 1) < 0) strcpy(self, "0");
      char hello[64];
      int k = snprintf(hello, sizeof hello, "ok\tpid=%s", self);
      send_msg(CTL_FD, hello, (size_t)k, -1);
      task_loop();
    }
    close(sv[1]);
    char buf[256];
    if (recv_msg(sv[0], buf, sizeof buf, NULL) <= 0) { close(sv[0]); return err_reply(o, ECHILD), -1; }
    tasks[id].sock = sv[0];
    tasks[id].pid = atoi(buf + 7);
    outf(o, "ok\tpid=%d\tlpid=%d", tasks[id].pid, (int)p);
    return 0;
  }
  char cmd[300];
  snprintf(cmd, sizeof cmd, "spawn\t%s", kinds);
  relay(parent, cmd, sv[1], o);
  close(sv[1]);
  if (strncmp(o->b, "ok", 2)) { close(sv[0]); return -1; }
  int lpid = atoi(strstr(o->b, "lpid=") + 5);
  char buf[256];
  if (recv_msg(sv[0], buf, sizeof buf, NULL) <= 0) { close(sv[0]); return err_reply(o, ECHILD), -1; }
  tasks[id].sock = sv[0];
  tasks[id].pid = atoi(buf + 7);
  o->n = 0;
  outf(o, "ok\tpid=%d\tlpid=%d", tasks[id].pid, lpid);
  return 0;
}

static void s_exit(int t, out_t *o) {
  if (t < 0 || t >= MAXTASKS || tasks[t].sock < 0) return gone_reply(t, o);
  int s0 = proc_state(tasks[t].pid);
  if (s0 == 0 || s0 == 'Z' || s0 == 'X') return gone_reply(t, o);
  send_msg(tasks[t].sock, "exit", 4, -1);
  char buf[64];
  while (recv_msg(tasks[t].sock, buf, sizeof buf, NULL) > 0) {}
  close(tasks[t].sock);
  tasks[t].sock = -1;
  /* EOF comes from exit_files(); wait until exit_notify() made it a zombie. */
  for (int i = 0; i < 200000; i++) {
    int s = proc_state(tasks[t].pid);
    if (s == 0 || s == 'Z' || s == 'X') break;
    nap_us(i < 100 ? 10 : 100);
  }
  outf(o, "ok");
}

static int req_in = -1, rep_out = 1, pipe_req_w = -1, pipe_rep_r = -1; /* command pipes (--pipes mode) or stdin/stdout */
static int prober = -1; /* S's end of the socket to E, which answers alive probes */

/* alive, asked of E. Since d2324a9317f0 "nsfs: tighten permission checks for handle opening"
 * (mainline, March 2026; in the stable kernels, and seen on 6.18.44), nsfs_fh_to_dentry() opens a
 * namespace the caller is not in only if may_see_all_namespaces(): the init pid namespace and
 * CAP_SYS_ADMIN in init_user_ns. Otherwise EPERM, which exportfs_decode_fh() reports as ESTALE,
 * a false "freed". S is pid 1 of its own pid namespace; E called unshare(CLONE_NEWPID) and so
 * stayed in the init pid namespace: E opens the handle. */
static void ask_alive(const char *fhs, const char *settle, out_t *o) {
  char q[512];
  int n = snprintf(q, sizeof q, "%s\t%s", fhs, settle);
  if (prober < 0 || n < 0 || (size_t)n >= sizeof q) return err_reply(o, EINVAL);
  if (send(prober, q, (size_t)n, MSG_NOSIGNAL) < 0) return err_reply(o, errno);
  ssize_t r = recv(prober, o->b, sizeof o->b - 1, 0);
  if (r <= 0) return err_reply(o, EIO);
  o->n = (size_t)r;
  o->b[o->n] = 0;
}

/* E's side: answers each probe of S with s_alive until S is gone (its end closes). */
static void serve_alive(int sock) {
  out_t *o = malloc(sizeof *o);
  char q[512];
  ssize_t n;
  if (!o) return;
  while ((n = recv(sock, q, sizeof q - 1, 0)) > 0) {
    q[n] = 0;
    char *settle = strchr(q, '\t');
    if (settle) *settle++ = 0;
    o->n = 0;
    o->b[0] = 0;
    s_alive(q, settle ? atol(settle) : 0, o);
    if (send(sock, o->b, o->n, MSG_NOSIGNAL) < 0) break;
  }
  free(o);
}

static void sandbox_main(int life) {
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  struct pollfd pf = {life, POLLIN, 0};
  if (poll(&pf, 1, 0) > 0) _exit(1); /* E died before PDEATHSIG was armed */
  prctl(PR_SET_NAME, "procns-sandbox", 0, 0, 0);
  signal(SIGPIPE, SIG_IGN);
  for (int i = 0; i < MAXTASKS; i++) tasks[i].sock = -1;
  if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) die("mount-proc", errno);
  static const char *const where[] = {"/tmp", "/dev/shm", "/run", "/mnt"};
  const char *base = NULL;
  for (size_t i = 0; i < sizeof where / sizeof where[0] && !base; i++)
    if (mount("procns", where[i], "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755,size=8m") == 0) base = where[i];
  if (!base) die("mount-tmpfs", errno);
  snprintf(dir, sizeof dir, "%s/procns", base);
  if (mkdir(dir, 0777) < 0 || chmod(dir, 0777) < 0) die("mkdir", errno);
  if (chdir("/") < 0) die("chdir", errno);
  out_t *o = malloc(sizeof *o);
  o->n = 0;
  if (new_task(-1, 0, "", o) < 0) die("init-task", ECHILD);
  if (req_in >= 0)
    dprintf(1, "ready\tdir=%s\tpid=%d\treq=%d\trep=%d\n", dir, tasks[0].pid, pipe_req_w, pipe_rep_r);
  else
    dprintf(1, "ready\tdir=%s\tpid=%d\n", dir, tasks[0].pid);
  FILE *in = req_in >= 0 ? fdopen(req_in, "r") : stdin;

  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, in)) > 0) {
    if (line[len - 1] == '\n') line[--len] = 0;
    char *a[4] = {0};
    char *save = line;
    a[0] = strsep(&save, "\t");
    a[1] = strsep(&save, "\t");
    char *rest = save; /* everything after the task id */
    const char *op = a[0];
    int t = a[1] && strcmp(a[1], "-") ? atoi(a[1]) : -1;
    o->n = 0;
    o->b[0] = 0;
    if (!strcmp(op, "spawn")) { /* spawn TAB parent TAB newid TAB kinds */
      char *nid = rest ? strsep(&rest, "\t") : NULL;
      new_task(t, nid ? atoi(nid) : -1, rest ? rest : "", o);
    } else if (!strcmp(op, "exit")) {
      s_exit(t, o);
    } else if (!strcmp(op, "alive")) {
      char *fhs = rest ? strsep(&rest, "\t") : NULL;
      ask_alive(fhs ? fhs : "", rest ? rest : "0", o);
    } else if (!strcmp(op, "shrink")) {
      int fd = open("/proc/sys/vm/drop_caches", O_WRONLY);
      if (fd >= 0) { if (write(fd, "2\n", 2) < 0) {} close(fd); }
      outf(o, "ok");
    } else if (!strcmp(op, "mk")) {
      int fd = open(rest ? rest : "", O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
      if (fd < 0) err_reply(o, errno);
      else { fchmod(fd, 0666); close(fd); outf(o, "ok"); }
    } else if (!strcmp(op, "state")) {
      int s = t >= 0 && t < MAXTASKS ? proc_state(tasks[t].pid) : 0;
      outf(o, "ok\tval=%c", s ? s : '-');
    } else if (!strcmp(op, "parent")) { /* the task the kernel made t's parent (reparenting), -1 */
      int pp = t >= 0 && t < MAXTASKS && tasks[t].pid > 0 ? proc_ppid(tasks[t].pid) : 0;
      int j = -1;
      for (int i = 0; pp > 0 && i < MAXTASKS && j < 0; i++)
        if (tasks[i].sock >= 0 && tasks[i].pid == pp) j = i;
      outf(o, "ok\tval=%d", j);
    } else if (!strcmp(op, "quit")) {
      break;
    } else {
      char cmd[8192];
      snprintf(cmd, sizeof cmd, "%s%s%s", op, rest ? "\t" : "", rest ? rest : "");
      relay(t, cmd, -1, o);
    }
    for (size_t i = 0; i < o->n; i++)
      if (o->b[i] == '\n') o->b[i] = ' ';
    o->b[o->n] = '\n';
    if (write(rep_out, o->b, o->n + 1) < 0) _exit(1);
  }
  _exit(0); /* pid-ns init exits: the kernel kills every task; mounts go with the mnt ns */
}

/* ------------------------------------------------------------------ E: entry point */

#define SANDBOX_NS (CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC)

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "--probe")) {
    pid_t p = fork();
    if (p == 0) {
      if (unshare(SANDBOX_NS) < 0) _exit(100 + errno);
      if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) _exit(100 + errno);
      _exit(0);
    }
    int st = 0;
    waitpid(p, &st, 0);
    int code = WIFEXITED(st) ? WEXITSTATUS(st) : 99;
    if (code == 0) printf("ok\n");
    else printf("err\t%s\n", code >= 100 ? errname(code - 100) : "fork");
    return code ? 1 : 0;
  }
  pid_t driver = argc > 1 ? (pid_t)atoi(argv[1]) : 0;
  prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
  if (driver > 0 && getppid() != driver) _exit(1);
  prctl(PR_SET_NAME, "procns-exec", 0, 0, 0);
  if (unshare(SANDBOX_NS) < 0) die("unshare", errno);
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die("mount-private", errno);
  /* --pipes: requests and replies go over two private pipes that the driver opens through
   * /proc/<E>/fd/<n> (blocking, so it can do synchronous round trips); E keeps its copies of
   * the driver's ends, which close when E dies. */
  if (argc > 2 && !strcmp(argv[2], "--pipes")) {
    int rq[2], rp[2];
    if (pipe(rq) < 0 || pipe(rp) < 0) die("pipe", errno);
    req_in = rq[0];
    rep_out = rp[1];
    pipe_req_w = rq[1];
    pipe_rep_r = rp[0];
  }
  int life[2], probe[2];
  if (pipe2(life, O_CLOEXEC) < 0) die("pipe", errno);
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, probe) < 0) die("socketpair", errno);
  pid_t s = fork();
  if (s < 0) die("fork", errno);
  if (s == 0) {
    close(life[1]);
    close(probe[0]);
    prober = probe[1];
    if (req_in >= 0) { close(pipe_req_w); close(pipe_rep_r); } /* S keeps only its own ends */
    sandbox_main(life[0]);
  }
  close(life[0]);
  if (req_in >= 0) { close(req_in); close(rep_out); }
  close(0);
  close(1);
  close(probe[1]);
  serve_alive(probe[0]);
  int st;
  while (waitpid(s, &st, 0) < 0 && errno == EINTR) {}
  return 0;
}
