/* procns standalone reproducer runtime. oracle/repro.ts emits:
 *     #define main procns_executor_main
 *     <oracle/executor.c>
 *     #undef main
 *     <this file>
 *     <the trace as a table: static const char *const STEPS[][MAXKV]>
 *     int main(void) { return run(TITLE, STEPS, NSTEPS); }
 * It plays the driver's role of oracle/kernel.ts in C: it starts the executor (in-process
 * fork, same sandbox), maps trace names to pids / fd numbers / paths, replays each step,
 * prints the outcome beside the expectation and PASS / FAIL. A name is kept as a pointer into
 * STEPS and compared whole: a copy cut to a buffer's size would make long names collide. */

#define MAXKV 24
#define MAXT 64
#define MAXF 64
#define MAXN 256

typedef struct { const char *name; int num; } fdslot;
typedef struct {
  const char *name;
  int id, pid, lpid, parent, state; /* state: 0 running, 1 zombie, 2 reaped */
  fdslot fds[MAXF];
  int nfds;
} rtask;
static rtask T[MAXT];
static int NT, next_id = 1;
static struct { const char *name; char val[64]; } NSN[MAXN]; /* nsid ... as NAME */
static int NNSN;
static struct { char id[32]; char fh[160]; } FH[MAXN];
static int NFH;
static char sdir[256];
static FILE *from_s;
static int to_s;

static const char *kv(const char *const *s, const char *k) {
  for (int i = 0; i + 1 < MAXKV && s[i]; i += 2)
    if (!strcmp(s[i], k)) return s[i + 1];
  return NULL;
}
/* Whether name is the len bytes at s (a name inside a path). */
static int same(const char *name, const char *s, size_t len) { return strlen(name) == len && !strncmp(name, s, len); }
static rtask *task_byn(const char *s, size_t len) {
  for (int i = 0; i < NT; i++)
    if (same(T[i].name, s, len)) return &T[i];
  return NULL;
}
static rtask *task_by(const char *name) { return task_byn(name, strlen(name)); }
static int fd_ofn(rtask *t, const char *s, size_t len) {
  if (!t || !s) return -1;
  for (int i = 0; i < t->nfds; i++)
    if (same(t->fds[i].name, s, len)) return t->fds[i].num;
  return -1;
}
static int fd_of(rtask *t, const char *name) { return name ? fd_ofn(t, name, strlen(name)) : -1; }
static void fd_bind(rtask *t, const char *name, int num) {
  for (int i = 0; i < t->nfds; i++)
    if (!strcmp(t->fds[i].name, name)) { t->fds[i].num = num; return; }
  if (t->nfds < MAXF) { t->fds[t->nfds].name = name; t->fds[t->nfds++].num = num; }
}
static void fd_unbind(rtask *t, const char *name) {
  for (int i = 0; i < t->nfds; i++)
    if (!strcmp(t->fds[i].name, name)) { t->fds[i] = t->fds[--t->nfds]; return; }
}
static const char *ns_name(const char *name) {
  for (int i = 0; i < NNSN; i++)
    if (!strcmp(NSN[i].name, name)) return NSN[i].val;
  return NULL;
}

/* One request/reply with the executor. reply fields split into R[] (key=value). */
static char RLINE[REPLY + 16];
static char *R[64];
static int NR;
static int request(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int request(const char *fmt, ...) {
  char buf[8192];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  buf[n++] = '\n';
  if (write(to_s, buf, (size_t)n) != n) { fprintf(stderr, "executor gone\n"); exit(2); }
  if (!fgets(RLINE, sizeof RLINE, from_s)) { fprintf(stderr, "executor gone\n"); exit(2); }
  RLINE[strcspn(RLINE, "\n")] = 0;
  NR = 0;
  for (char *save = RLINE, *t; NR < 64 && (t = strsep(&save, "\t"));) R[NR++] = t;
  return strcmp(R[0], "ok") == 0;
}
static const char *rget(const char *k) {
  size_t l = strlen(k);
  for (int i = 1; i < NR; i++)
    if (!strncmp(R[i], k, l) && R[i][l] == '=') return R[i] + l + 1;
  return NULL;
}

static void ensure_file(const char *p) { request("mk\t-\t%s", p); }

/* Trace path -> sandbox path. */
static void map_path(const char *p, char *out, size_t cap) {
  if (p[0] == '@') {
    snprintf(out, cap, "%s/m_%s", sdir, p + 1);
    ensure_file(out);
  } else if (!strncmp(p, "/tmp/", 5)) {
    snprintf(out, cap, "%s/f_%s", sdir, p + 5);
    if (!strchr(p + 5, '/')) ensure_file(out);
  } else if (!strncmp(p, "/proc/", 6)) {
    const char *who = p + 6, *rest = strchr(who, '/');
    size_t wl = rest ? (size_t)(rest - who) : strlen(who);
    if (!rest) rest = "";
    if (same("self", who, wl) || same("thread-self", who, wl)) { snprintf(out, cap, "%s", p); return; }
    rtask *t = task_byn(who, wl);
    int pid = t ? t->pid : 999999999;
    if (!strncmp(rest, "/fd/", 4)) {
      const char *tail = strchr(rest + 4, '/');
      size_t fl = tail ? (size_t)(tail - (rest + 4)) : strlen(rest + 4);
      int n = fd_ofn(t, rest + 4, fl);
      snprintf(out, cap, "/proc/%d/fd/%d%s", pid, n < 0 ? 999999 : n, tail ? tail : "");
    } else {
      snprintf(out, cap, "/proc/%d%s", pid, rest);
    }
  } else {
    snprintf(out, cap, "%s", p);
  }
}

/* The outcome of a step, printed as JSON-ish text, and the compare. */
typedef struct { char errno_[24]; char ns[32]; char names[2048]; char text[64]; long value; int has_ns, has_names, has_value, has_text; } outcome;

static void from_reply(int ok, outcome *o, int want_names, int want_value) {
  memset(o, 0, sizeof *o);
  if (!ok) { snprintf(o->errno_, sizeof o->errno_, "%s", NR > 1 ? R[1] : "EIO"); return; }
  const char *ns = rget("ns"), *fh = rget("fh"), *names = rget("names"), *val = rget("val"), *type = rget("type");
  if (ns) {
    o->has_ns = 1;
    snprintf(o->ns, sizeof o->ns, "%s", ns);
    if (fh && NFH < MAXN) { snprintf(FH[NFH].id, 32, "%s", ns); snprintf(FH[NFH++].fh, 160, "%s", fh); }
  }
  if (want_names && names) { o->has_names = 1; snprintf(o->names, sizeof o->names, "%s", names); }
  if (want_value && val) { o->has_value = 1; o->value = atol(val); }
  if (type) { o->has_text = 1; snprintf(o->text, sizeof o->text, "%s", type); } /* readlink: the link text's type part */
}

static void apply(const char *const *s, outcome *o) {
  const char *op = kv(s, "op"), *tn = kv(s, "task");
  char p1[1024], p2[1024];
  memset(o, 0, sizeof *o);
#define ERR(e) do { snprintf(o->errno_, sizeof o->errno_, "%s", e); return; } while (0)
  if (!strcmp(op, "alive")) {
    const char *id = kv(s, "ns");
    const char *v = ns_name(id);
    if (v) id = v;
    for (int i = NFH - 1; i >= 0; i--)
      if (!strcmp(FH[i].id, id)) {
        int ok = request("alive\t-\t%s\t1000", FH[i].fh);
        if (!ok) ERR(R[1]);
        o->has_value = 1;
        o->value = !strcmp(rget("val"), "1");
        return;
      }
    ERR("EINVAL");
  }
  if (!strcmp(op, "shrink")) { request("shrink\t-"); return; }
  if (!strcmp(op, "reap")) {
    rtask *c = task_by(tn);
    if (!c || c->state == 2 || c->parent < 0) ERR("ECHILD");
    rtask *p = &T[c->parent];
    if (p->state != 0) {
      /* a child killed with its pid namespace was reaped by the dying pid-ns init */
      if (request("state\t%d", c->id) && !strcmp(rget("val"), "-")) { c->state = 2; ERR("ECHILD"); }
      ERR("ESRCH");
    }
    int ok = request("reap\t%d\t%d", p->id, c->lpid);
    if (ok) { c->state = 2; return; }
    if (NR > 2 && !strcmp(R[2], "gone")) p->state = 1;
    ERR(R[1]);
  }
  if (!strcmp(op, "spawn")) {
    rtask *p = task_by(kv(s, "parent"));
    if (task_by(tn)) ERR("EEXIST");
    if (!p || p->state != 0 || NT >= MAXT) ERR("ESRCH");
    const char *nn = kv(s, "newns");
    int id = next_id++;
    int ok = request("spawn\t%d\t%d\t%s", p->id, id, nn && *nn ? nn : "0");
    if (!ok) ERR(R[1]);
    rtask *c = &T[NT++];
    *c = *p;
    c->name = tn;
    c->id = id;
    c->pid = atoi(rget("pid"));
    c->lpid = atoi(rget("lpid"));
    c->parent = (int)(p - T);
    c->state = 0;
    return;
  }
  rtask *t = task_by(tn);
  if (!t || t->state != 0) ERR("ESRCH");
  const char *fdn = kv(s, "fd");
  int fd = fd_of(t, fdn);
  int ok = 0, want_names = 0, want_value = 0;
  if (!strcmp(op, "exit")) {
    if (!strcmp(tn, "init")) ERR("EPERM");
    ok = request("exit\t%d", t->id);
    if (ok) t->state = 1;
  } else if (!strcmp(op, "unshare")) {
    ok = request("unshare\t%d\t%s", t->id, *kv(s, "newns") ? kv(s, "newns") : "0");
  } else if (!strcmp(op, "setns")) {
    if (fd < 0) ERR("EBADF");
    ok = request("setns\t%d\t%d\t%s", t->id, fd, kv(s, "nstype"));
  } else if (!strcmp(op, "cred")) {
    const char *u = kv(s, "uid"), *g = kv(s, "gid"), *c = kv(s, "caps"), *d = kv(s, "dumpable");
    ok = request("cred\t%d\t%s\t%s\t%s%s\t%s", t->id, u ? u : "-", g ? g : "-", c ? "+" : "-", c ? c : "",
                 d ? (!strcmp(d, "true") ? "1" : "0") : "-");
  } else if (!strcmp(op, "open")) {
    const char *fl = kv(s, "flags");
    map_path(kv(s, "path"), p1, sizeof p1);
    ok = request("open\t%d\t%s\t%s", t->id, p1, fl && *fl ? fl : "O_RDONLY");
    if (ok) fd_bind(t, fdn, atoi(rget("fd")));
  } else if (!strcmp(op, "close")) {
    if (fd < 0) ERR("EBADF");
    fd_unbind(t, fdn);
    ok = request("close\t%d\t%d", t->id, fd);
  } else if (!strcmp(op, "dup")) {
    if (fd < 0) ERR("EBADF");
    ok = request("dup\t%d\t%d", t->id, fd);
    if (ok) fd_bind(t, kv(s, "as"), atoi(rget("fd")));
  } else if (!strcmp(op, "pidfd")) {
    rtask *g = task_by(kv(s, "target"));
    if (!g || g->state == 2) ERR("ESRCH");
    ok = request("pidfd\t%d\t%d", t->id, g->pid);
    if (ok) fd_bind(t, fdn, atoi(rget("fd")));
  } else if (!strcmp(op, "readdir")) {
    map_path(kv(s, "path"), p1, sizeof p1);
    ok = request("readdir\t%d\t%s", t->id, p1);
    want_names = 1;
  } else if (!strcmp(op, "readlink")) {
    map_path(kv(s, "path"), p1, sizeof p1);
    ok = request("readlink\t%d\t%s", t->id, p1);
  } else if (!strcmp(op, "stat") || !strcmp(op, "nsid")) {
    if (fdn) {
      if (fd < 0) ERR("EBADF");
      ok = request("%s\t%d\tf\t%d", op, t->id, fd);
    } else {
      map_path(kv(s, "path"), p1, sizeof p1);
      ok = request("%s\t%d\tp\t%s", op, t->id, p1);
    }
  } else if (!strcmp(op, "lseek") || !strcmp(op, "read")) {
    if (fd < 0) ERR("EBADF");
    ok = request("%s\t%d\t%d", op, t->id, fd);
    if (ok) NR = 1; /* no outcome fields */
  } else if (!strcmp(op, "ioctl")) {
    if (fd < 0) ERR("EBADF");
    const char *rq = kv(s, "request"), *as = kv(s, "as");
    ok = request("ioctl\t%d\t%d\t%s", t->id, fd, rq);
    if (ok && as && rget("fd")) fd_bind(t, as, atoi(rget("fd")));
    want_value = !strcmp(rq, "NS_GET_NSTYPE") || !strcmp(rq, "NS_GET_OWNER_UID");
  } else if (!strcmp(op, "bind")) {
    map_path(kv(s, "source"), p1, sizeof p1);
    map_path(kv(s, "target"), p2, sizeof p2);
    ok = request("bind\t%d\t%s\t%s", t->id, p1, p2);
  } else if (!strcmp(op, "umount")) {
    map_path(kv(s, "target"), p1, sizeof p1);
    ok = request("umount\t%d\t%s", t->id, p1);
  } else {
    ERR("ENOSYS");
  }
  if (!ok && NR > 2 && !strcmp(R[2], "gone")) t->state = 1;
  from_reply(ok, o, want_names, want_value);
  if (ok && !strcmp(op, "nsid") && o->has_ns && NNSN < MAXN) {
    NSN[NNSN].name = kv(s, "as");
    snprintf(NSN[NNSN++].val, 64, "%s", o->ns);
  }
}

static void show(const outcome *o, char *buf, size_t cap) {
  size_t n = 0;
  if (o->errno_[0]) { snprintf(buf, cap, "%s", o->errno_); return; }
  n += (size_t)snprintf(buf + n, cap - n, "ok");
  if (o->has_ns) n += (size_t)snprintf(buf + n, cap - n, " ns=%s", o->ns);
  if (o->has_names) n += (size_t)snprintf(buf + n, cap - n, " names=%s", o->names);
  if (o->has_value) n += (size_t)snprintf(buf + n, cap - n, " value=%ld", o->value);
  if (o->has_text) snprintf(buf + n, cap - n, " text=%s", o->text);
}

/* Expectation keys: expect (ok | ERRNO | true | false), expect.ok, expect.errno, expect.ns,
 * expect.names (slash separated), expect.value, expect.text. Returns 1 = pass, 0 = fail, -1 = none. */
static int judge(const char *const *s, const outcome *o) {
  const char *e = kv(s, "expect");
  int any = 0;
  if (e) {
    any = 1;
    if (!strcmp(e, "ok")) return o->errno_[0] == 0;
    if (!strcmp(e, "true") || !strcmp(e, "false")) return !o->errno_[0] && o->has_value && o->value == !strcmp(e, "true");
    return !strcmp(o->errno_, e);
  }
  const char *eo = kv(s, "expect.ok"), *ee = kv(s, "expect.errno"), *en = kv(s, "expect.ns"),
             *el = kv(s, "expect.names"), *ev = kv(s, "expect.value"), *et = kv(s, "expect.text");
  if (eo) { any = 1; if ((o->errno_[0] == 0) != !strcmp(eo, "true")) return 0; }
  if (ee) { any = 1; if (strcmp(o->errno_, ee)) return 0; }
  if (en) {
    any = 1;
    const char *v = ns_name(en);
    if (!v || !o->has_ns || strcmp(v, o->ns)) return 0;
  }
  if (el) { any = 1; if (!o->has_names || strcmp(el, o->names)) return 0; }
  if (et) { any = 1; if (!o->has_text || strcmp(et, o->text)) return 0; }
  if (ev) {
    any = 1;
    long want = !strcmp(ev, "true") ? 1 : !strcmp(ev, "false") ? 0 : strtol(ev, NULL, 0);
    if (!o->has_value || o->value != want) return 0;
  }
  return any ? 1 : -1;
}

static int run(const char *title, const char *const (*steps)[MAXKV], int nsteps) {
  int in[2], out[2];
  if (getuid() != 0) fprintf(stderr, "warning: not root; the sandbox needs CAP_SYS_ADMIN\n");
  if (pipe(in) < 0 || pipe(out) < 0) { perror("pipe"); return 2; }
  pid_t me = getpid();
  pid_t e = fork();
  if (e == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    close(in[0]); close(in[1]); close(out[0]); close(out[1]);
    char arg[32];
    snprintf(arg, sizeof arg, "%d", (int)me);
    char *argv[] = {"procns-executor", arg, NULL};
    _exit(procns_executor_main(2, argv));
  }
  close(in[0]);
  close(out[1]);
  to_s = in[1];
  from_s = fdopen(out[0], "r");
  char line[1024];
  if (!fgets(line, sizeof line, from_s) || strncmp(line, "ready", 5)) {
    fprintf(stderr, "executor setup failed: %s\n", line);
    return 2;
  }
  char *d = strstr(line, "dir="), *p = strstr(line, "pid=");
  snprintf(sdir, sizeof sdir, "%.*s", (int)strcspn(d + 4, "\t\n"), d + 4);
  memset(&T[0], 0, sizeof T[0]);
  T[0].name = "init";
  T[0].pid = T[0].lpid = atoi(p + 4);
  T[0].parent = -1;
  NT = 1;
  printf("# %s\n", title);
  int fails = 0;
  for (int i = 0; i < nsteps; i++) {
    outcome o;
    apply(steps[i], &o);
    char got[2300];
    show(&o, got, sizeof got);
    int v = judge(steps[i], &o);
    printf("step %d %s%s%s: %s%s\n", i, kv(steps[i], "op"), kv(steps[i], "task") ? " " : "",
           kv(steps[i], "task") ? kv(steps[i], "task") : "", got, v < 0 ? "" : v ? "  PASS" : "  FAIL");
    if (v == 0) fails++;
  }
  if (write(to_s, "quit\t-\n", 7) < 0) { /* the executor is gone already */ }
  close(to_s);
  waitpid(e, NULL, 0);
  printf(fails ? "FAIL (%d step(s) differ)\n" : "PASS\n", fails);
  return fails ? 1 : 0;
}
