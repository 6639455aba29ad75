// The op alphabet, generated from the state: every op family with the argument domains that
// the current state offers (live tasks, bound fd names, mounts, named namespaces, entries of
// the profile). Random checking picks one op from a choice tuple (state-dependent generation
// that stays valid under shrinking); exhaustive search enumerates them all.
import type { Cap, NsKind, Op, Outcome } from '../model/types.ts';
import { CAPS, IOCTLS } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import type { SState } from '../model/spec/state.ts';
import { RUNNING } from '../model/spec/state.ts';

export interface Bounds {
  /** Most tasks a run creates (init not counted). */
  maxTasks: number;
  /** Most distinct fd names. */
  maxFds: number;
  /** Most namespace names (nsid ... as). */
  maxNsNames: number;
  /** Mount targets. */
  mounts: readonly string[];
  /** Entries used in paths (default: the profile's, plus one unknown name). */
  entries?: readonly string[];
  /** Op families to use (default: all that the profile has). */
  ops?: readonly string[];
  /** Open flag sets. */
  flagSets: readonly (readonly string[])[];
  /** Credential changes. */
  creds: readonly Omit<Extract<Op, { op: 'cred' }>, 'op' | 'task'>[];
}

const ALL_BUT_PTRACE = CAPS.filter((c) => c !== 'CAP_SYS_PTRACE') as Cap[];

export const DEFAULT_BOUNDS: Bounds = {
  maxTasks: 4,
  maxFds: 6,
  maxNsNames: 4,
  mounts: ['@m1', '@m2'],
  flagSets: [[], ['O_PATH'], ['O_PATH', 'O_NOFOLLOW'], ['O_RDWR'], ['O_DIRECTORY'], ['O_NOFOLLOW']],
  creds: [
    { uid: 1000 }, { gid: 1000 }, { uid: 1000, gid: 1000 }, { caps: [] }, { caps: ['CAP_SYS_ADMIN'] },
    { caps: ALL_BUT_PTRACE }, { caps: ['CAP_SYS_PTRACE'] }, { dumpable: false }, { dumpable: true },
    { uid: 1000, gid: 1000, dumpable: true }, { uid: 0 },
  ],
};

/** Names a run has bound so far (part of the engine's state, never of the model's). */
export interface Names {
  fds: readonly string[];
  ns: readonly string[];
}

export const NO_NAMES: Names = { fds: [], ns: [] };

/** An argument domain: a list, or a virtual list whose items are made on demand. */
type Domain = readonly unknown[] | { readonly length: number; at(i: number): unknown };

function at(d: Domain, i: number): unknown {
  return Array.isArray(d) ? d[i] : (d as { at(i: number): unknown }).at(i);
}

/**
 * The paths a state offers, as a virtual list (the hot path makes only the one it picks):
 * per task, its ns entries, its ns directory and its fd links; then the mounts and /tmp/x.
 */
class PathDomain {
  readonly length: number;
  private readonly perTask: number;
  constructor(private readonly tasks: readonly { name: string }[], private readonly entries: readonly string[],
    private readonly fds: readonly string[], private readonly mounts: readonly string[], private readonly cache: PathCache) {
    this.perTask = entries.length + 1 + fds.length;
    this.length = tasks.length * this.perTask + mounts.length + 1;
  }
  at(i: number): string {
    const t = Math.floor(i / this.perTask);
    if (t < this.tasks.length) {
      const k = i - t * this.perTask;
      const name = this.tasks[t]!.name;
      if (k <= this.entries.length) return this.cache.nsPath(name, this.entries, k);
      return this.cache.fdPath(name, this.fds[k - this.entries.length - 1]!);
    }
    const m = i - this.tasks.length * this.perTask;
    return m < this.mounts.length ? this.mounts[m]! : '/tmp/x';
  }
  /** The same list without /tmp/x (bind sources). */
  withoutTmp(): { length: number; at(i: number): string } {
    return { length: this.length - 1, at: (i: number) => this.at(i) };
  }
}
/**
 * The path strings an alphabet has made, made once each: the same string object every time, so
 * that what reads it (parsePath's memo, the path walks) finds its hash already computed.
 */
class PathCache {
  private readonly ns = new Map<string, string[]>();
  private readonly fd = new Map<string, Map<string, string>>();
  /** /proc/<task>/ns/<entries[k]>, or /proc/<task>/ns for k = entries.length. */
  nsPath(task: string, entries: readonly string[], k: number): string {
    let row = this.ns.get(task);
    if (row === undefined) {
      row = [...entries.map((e) => `/proc/${task}/ns/${e}`), `/proc/${task}/ns`];
      this.ns.set(task, row);
    }
    return row[k]!;
  }
  fdPath(task: string, fd: string): string {
    let row = this.fd.get(task);
    if (row === undefined) this.fd.set(task, (row = new Map()));
    let p = row.get(fd);
    if (p === undefined) row.set(fd, (p = `/proc/${task}/fd/${fd}`));
    return p;
  }
}

interface Family {
  name: Op['op'];
  weight: number;
  /** The index of an fd-name argument that random decoding usually draws from the actor's own table. */
  ownFd?: number;
  domains: (s: SState, n: Names) => Domain[];
  build: (args: unknown[], s: SState, n: Names) => Op;
}

export class Alphabet {
  readonly families: readonly Family[];
  private readonly newnsSets: readonly NsKind[][];
  private readonly nstypes: readonly (NsKind | 0 | NsKind[])[];
  readonly bounds: Bounds;
  private readonly totalWeight: number;

  constructor(readonly profile: Profile, bounds: Partial<Bounds> = {}) {
    this.bounds = { ...DEFAULT_BOUNDS, ...bounds };
    const b = this.bounds;
    const kinds = profile.newnsKinds;
    this.newnsSets = [[], ...kinds.map((k) => [k]), ...(kinds.includes('user') ? [['user', 'net'] as NsKind[], ['user', 'pid'] as NsKind[]] : [['net', 'uts'] as NsKind[]])];
    this.nstypes = [0, ...new Set(kinds), ...(profile.pidfd ? [['net', 'uts'] as NsKind[], ['user', 'net'] as NsKind[]] : [])];
    const entries = b.entries ?? [...profile.entries, 'bogus'];
    const actors = (s: SState) => s.tasks.filter((t) => t.state === RUNNING).map((t) => t.name);
    const anyTask = (s: SState) => s.tasks.map((t) => t.name);
    // only names an earlier op bound (trace v1: an unbound name is malformed); a name bound by a
    // failed open, a closed fd or another task's fd still exercises EBADF
    const fdNames = (n: Names) => n.fds;
    const newFd = (n: Names) => (n.fds.length < b.maxFds ? `f${n.fds.length + 1}` : n.fds[n.fds.length - 1]!);
    const pathCache = new PathCache();
    const paths = (s: SState, n: Names): PathDomain => new PathDomain(s.tasks, entries, n.fds, b.mounts, pathCache);
    const all: Family[] = [
      { name: 'spawn', weight: 3, domains: (s) => (s.tasks.length > b.maxTasks ? [[]] : [actors(s), this.newnsSets]),
        build: ([p, ns], s) => ({ op: 'spawn', task: `t${s.tasks.length}`, parent: p as string, ...((ns as NsKind[]).length ? { newns: ns as NsKind[] } : {}) }) },
      { name: 'unshare', weight: 1, domains: (s) => [actors(s), this.newnsSets.slice(1)],
        build: ([t, ns]) => ({ op: 'unshare', task: t as string, newns: ns as NsKind[] }) },
      { name: 'setns', ownFd: 1, weight: 3, domains: (s, n) => [actors(s), fdNames(n), this.nstypes],
        build: ([t, fd, ty]) => ({ op: 'setns', task: t as string, fd: fd as string, nstype: ty as NsKind | 0 | NsKind[] }) },
      { name: 'exit', weight: 2, domains: (s) => [actors(s).filter((x) => x !== 'init')],
        build: ([t]) => ({ op: 'exit', task: t as string }) },
      { name: 'reap', weight: 2, domains: (s) => [s.tasks.filter((t) => t.state === 1).map((t) => t.name)],
        build: ([t]) => ({ op: 'reap', task: t as string }) },
      { name: 'cred', weight: 3, domains: (s) => [actors(s), b.creds],
        build: ([t, c]) => ({ op: 'cred', task: t as string, ...(c as object) }) },
      { name: 'open', weight: 9, domains: (s, n) => [actors(s), paths(s, n), b.flagSets],
        build: ([t, p, fl], _s, n) => ({ op: 'open', task: t as string, path: p as string, fd: newFd(n), ...((fl as string[]).length ? { flags: fl as Extract<Op, { op: 'open' }>['flags'] } : {}) }) },
      { name: 'close', ownFd: 1, weight: 3, domains: (s, n) => [actors(s), fdNames(n)],
        build: ([t, fd]) => ({ op: 'close', task: t as string, fd: fd as string }) },
      { name: 'dup', ownFd: 1, weight: 1, domains: (s, n) => [actors(s), fdNames(n)],
        build: ([t, fd], _s, n) => ({ op: 'dup', task: t as string, fd: fd as string, as: newFd(n) }) },
      { name: 'pidfd', weight: profile.pidfd ? 2 : 0, domains: (s) => [actors(s), anyTask(s)],
        build: ([t, x], _s, n) => ({ op: 'pidfd', task: t as string, target: x as string, fd: newFd(n) }) },
      { name: 'readdir', weight: 2, domains: (s) => [actors(s), anyTask(s)],
        build: ([t, x]) => ({ op: 'readdir', task: t as string, path: pathCache.nsPath(x as string, entries, entries.length) }) },
      { name: 'readlink', weight: 2, domains: (s, n) => [actors(s), paths(s, n)],
        build: ([t, p]) => ({ op: 'readlink', task: t as string, path: p as string }) },
      { name: 'stat', weight: 2, domains: (s, n) => [actors(s), paths(s, n)],
        build: ([t, p]) => ({ op: 'stat', task: t as string, path: p as string }) },
      { name: 'lseek', ownFd: 1, weight: 1, domains: (s, n) => [actors(s), fdNames(n)],
        build: ([t, fd]) => ({ op: 'lseek', task: t as string, fd: fd as string }) },
      { name: 'read', ownFd: 1, weight: 1, domains: (s, n) => [actors(s), fdNames(n)],
        build: ([t, fd]) => ({ op: 'read', task: t as string, fd: fd as string }) },
      { name: 'ioctl', ownFd: 1, weight: profile.ioctls ? 3 : 1, domains: (s, n) => [actors(s), fdNames(n), [...IOCTLS, 'NS_BOGUS']],
        build: ([t, fd, r], _s, n) => ({ op: 'ioctl', task: t as string, fd: fd as string, request: r as string,
          ...(r === 'NS_GET_USERNS' || r === 'NS_GET_PARENT' ? { as: newFd(n) } : {}) }) },
      { name: 'bind', weight: 3, domains: (s, n) => [actors(s), paths(s, n).withoutTmp(), b.mounts],
        build: ([t, src, m]) => ({ op: 'bind', task: t as string, source: src as string, target: m as string }) },
      { name: 'umount', weight: 2, domains: (s) => [actors(s), b.mounts],
        build: ([t, m]) => ({ op: 'umount', task: t as string, target: m as string }) },
      { name: 'nsid', weight: 2, domains: (s, n) => {
        if (n.ns.length >= b.maxNsNames) return [[]];
        const p = paths(s, n);
        return [actors(s), { length: n.fds.length + p.length, at: (i: number) => (i < n.fds.length ? n.fds[i] : p.at(i - n.fds.length)) }];
      },
        build: ([t, x], _s, n) => {
          const name = `N${n.ns.length + 1}`;
          const ref = x as string;
          return ref.startsWith('/') || ref.startsWith('@') ? { op: 'nsid', task: t as string, path: ref, as: name } : { op: 'nsid', task: t as string, fd: ref, as: name };
        } },
      { name: 'alive', weight: 2, domains: (_s, n) => [n.ns],
        build: ([x]) => ({ op: 'alive', ns: x as string }) },
      { name: 'shrink', weight: 1, domains: () => [],
        build: () => ({ op: 'shrink' }) },
    ];
    const allowed = b.ops ? new Set(b.ops) : null;
    this.families = all.filter((f) => f.weight > 0 && (!allowed || allowed.has(f.name)));
    this.totalWeight = this.families.reduce((a, f) => a + f.weight, 0);
  }

  /** The families with a non-empty domain in this state, with their domains. */
  applicable(s: SState, n: Names): { f: Family; d: Domain[] }[] {
    const out: { f: Family; d: Domain[] }[] = [];
    for (const f of this.families) {
      const d = f.domains(s, n);
      if (d.every((x) => x.length > 0)) out.push({ f, d });
    }
    return out;
  }

  /**
   * One op from a choice tuple: c[0] picks the family by weight, c[i] the i-th argument. Only
   * the picked family's domains are computed; a family with an empty domain passes the pick
   * on to the next one (init is always running, so `shrink` and `open` always apply).
   */
  decode(c: readonly number[], s: SState, n: Names): Op {
    const fams = this.families;
    let r = c[0]! % this.totalWeight;
    let k = 0;
    while (r >= fams[k]!.weight) r -= fams[k++]!.weight;
    for (let tries = 0; tries < fams.length; tries++) {
      const f = fams[(k + tries) % fams.length]!;
      const d = f.domains(s, n);
      let ok = true;
      for (const x of d) if (x.length === 0) { ok = false; break; }
      if (!ok) continue;
      const args = new Array<unknown>(d.length);
      for (let i = 0; i < d.length; i++) args[i] = at(d[i]!, (c[i + 1] ?? 0) % d[i]!.length);
      // three times in four, an fd argument names one of the actor's own fds (if it has any),
      // so that setns/close/ioctl... mostly act on real files; the rest exercises EBADF
      if (f.ownFd !== undefined && (c[4] ?? 0) % 4 !== 0) {
        const own = ownFds(s, args[0] as string);
        if (own.length > 0) args[f.ownFd] = own[(c[f.ownFd + 1] ?? 0) % own.length];
      }
      return f.build(args, s, n);
    }
    return { op: 'shrink' };
  }

  /** Every op the alphabet offers in this state (the exhaustive search's successors). */
  enumerate(s: SState, n: Names): Op[] {
    const out: Op[] = [];
    for (const { f, d } of this.applicable(s, n)) {
      const idx = new Array<number>(d.length).fill(0);
      for (;;) {
        out.push(f.build(idx.map((k, i) => at(d[i]!, k)), s, n));
        let i = d.length - 1;
        while (i >= 0 && ++idx[i]! >= d[i]!.length) idx[i--] = 0;
        if (i < 0) break;
      }
    }
    return out;
  }
}

/** The fd names a task holds (hidden names of rebound fds excluded). */
function ownFds(s: SState, task: string): string[] {
  const t = s.tasks[s.byName.get(task) ?? -1];
  const out: string[] = [];
  if (t) for (const k of t.fds.keys()) if (!k.includes('#')) out.push(k);
  return out;
}

/** The names an op binds, given its outcome on the spec (fd names bind even on failure). */
export function bindNames(n: Names, op: Op, spec: Outcome): Names {
  let fd: string | undefined;
  if (op.op === 'open' || op.op === 'pidfd') fd = op.fd;
  else if (op.op === 'dup' || op.op === 'ioctl') fd = op.as;
  let fds = n.fds;
  if (fd !== undefined && !fds.includes(fd)) fds = [...fds, fd];
  let ns = n.ns;
  if (op.op === 'nsid' && spec.ns !== undefined && !ns.includes(op.as)) ns = [...ns, op.as];
  return fds === n.fds && ns === n.ns ? n : { fds, ns };
}
