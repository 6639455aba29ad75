// The live-kernel backend: drives oracle/executor.c over a line protocol and maps trace
// names (tasks, fds, mounts, files) to real pids, fd numbers and paths in the sandbox.
//
// Name tables live here, in the driver:
//   task name -> { executor task id, pid in the sandbox's procfs, pid as the parent sees it }
//   (task, fd name) -> real fd number (copied to a child on spawn, so the same name is the
//   same number in every task that has it)
//   namespace identity (NS_GET_ID, decimal) -> nsfs file handle, for `alive`
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, constants as FS, openSync, readSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Errno, Op, Outcome } from '../model/types.ts';
import { buildExecutor } from './build.ts';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** The profile that models this machine's kernel: what the kernel backend is compared with. */
export const LIVE_PROFILE = 'v6.18';

interface Task {
  name: string;
  id: number;
  /** pid in the sandbox procfs (what /proc/<task> resolves to). */
  pid: number;
  /** pid as returned by clone in the parent (what the parent's waitpid takes). */
  lpid: number;
  parent?: string;
  state: 'running' | 'zombie' | 'reaped';
  fds: Map<string, number>;
}

type Reply = { ok: true; kv: Record<string, string> } | { ok: false; errno: string; gone: boolean };

const NO_SUCH_PID = 999_999_999;
const NO_SUCH_FD = 999_999;

function parseReply(line: string): Reply {
  const parts = line.split('\t');
  if (parts[0] === 'err') return { ok: false, errno: parts[1] ?? 'EIO', gone: parts[2] === 'gone' };
  if (parts[0] !== 'ok') throw new Error(`oracle: bad executor reply: ${line}`);
  const kv: Record<string, string> = {};
  for (const p of parts.slice(1)) {
    const i = p.indexOf('=');
    if (i > 0) kv[p.slice(0, i)] = p.slice(i + 1);
  }
  return { ok: true, kv };
}

const err = (e: string): Outcome => ({ errno: e as Errno });

/** Ops that never drop a pin (no settling needed after them before an `alive` probe). */
const QUERIES = new Set<Op['op']>(['alive', 'readdir', 'readlink', 'stat', 'lseek', 'read', 'nsid', 'open', 'dup', 'pidfd']);

let probeCache: Promise<ProbeResult> | undefined;

export class KernelBackend {
  /** Says whether the live backend can run here, and if not, why. Never throws. */
  static probe(): Promise<ProbeResult> {
    probeCache ??= (async (): Promise<ProbeResult> => {
      if (process.platform !== 'linux') return { ok: false, reason: `not Linux (${process.platform})` };
      if (typeof process.getuid !== 'function' || process.getuid() !== 0) return { ok: false, reason: 'not root' };
      let bin: string;
      try {
        bin = buildExecutor();
      } catch (e) {
        return { ok: false, reason: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
      }
      try {
        execFileSync(bin, ['--probe'], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 10_000 });
        return { ok: true };
      } catch (e) {
        const out = String((e as { stdout?: Buffer }).stdout ?? '').trim();
        return { ok: false, reason: `cannot create namespaces (unshare: ${out.split('\t')[1] ?? out ?? 'failed'})` };
      }
    })();
    return probeCache;
  }

  private child: ChildProcess | undefined;
  private waiters: Array<(line: string | Error) => void> = [];
  private queue: Promise<unknown> = Promise.resolve();
  private dead: Error | undefined;
  private dir = '';
  private tasks = new Map<string, Task>();
  private nextId = 1;
  private handles = new Map<string, string>();
  private made = new Set<string>();
  private settleMs: number;
  private lastMutation = -Infinity;

  /**
   * settleMs: user and pid namespaces are released asynchronously (RCU-freed creds and
   * struct pids, the netns cleanup work that drops its owner userns): a reaped task's user
   * ns went 38-151 ms after the reap here (30 trials, idle 6.18), so the default is 1000. `alive` on such a namespace polls for it to go until settleMs have
   * passed since the last op that may have dropped a pin, before answering true.
   */
  /** Synchronous round trips over pipes opened through /proc/<executor>/fd (see start()). */
  private sync: boolean;
  private reqFd = -1;
  private repFd = -1;
  private rbuf = '';
  private readonly chunk = Buffer.alloc(65536);

  /**
   * sync (default true): requests and replies go over two private pipes that the driver opens
   * blocking through /proc/<executor pid>/fd/<n> and uses with writeSync/readSync: about 5x
   * the ops/s of async stdio round trips on this VM. No executor op can block. false: stdio.
   */
  constructor(opts: { settleMs?: number; sync?: boolean } = {}) {
    this.settleMs = opts.settleMs ?? 1000;
    this.sync = opts.sync ?? true;
  }

  /** pid of the executor process (host view), for tests. */
  get executorPid(): number | undefined {
    return this.child?.pid;
  }

  async start(): Promise<void> {
    if (this.child) throw new Error('oracle: already started');
    const bin = buildExecutor();
    const child = spawn(bin, [String(process.pid), ...(this.sync ? ['--pipes'] : [])], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.child = child;
    const rl = createInterface({ input: child.stdout! });
    rl.on('line', (line) => {
      const w = this.waiters.shift();
      if (w) w(line);
    });
    const onGone = (why: string) => {
      this.dead ??= new Error(`oracle: executor ${why}`);
      for (const w of this.waiters.splice(0)) w(this.dead);
    };
    child.on('exit', (code, sig) => onGone(`exited (${sig ?? code})`));
    child.on('error', (e) => onGone(`failed: ${e.message}`));
    child.stdin!.on('error', () => onGone('stdin closed'));
    const first = await this.readLine();
    const parts = first.split('\t');
    if (parts[0] !== 'ready') {
      await this.stop();
      throw new Error(`oracle: executor setup failed: ${first}`);
    }
    const kv = parseReply(['ok', ...parts.slice(1)].join('\t'));
    if (!kv.ok) throw new Error('unreachable');
    this.dir = kv.kv.dir!;
    if (this.sync) {
      try {
        this.reqFd = openSync(`/proc/${child.pid}/fd/${kv.kv.req}`, FS.O_WRONLY);
        this.repFd = openSync(`/proc/${child.pid}/fd/${kv.kv.rep}`, FS.O_RDONLY);
      } catch (e) {
        await this.stop();
        throw new Error(`oracle: cannot open the executor's pipes: ${(e as Error).message}`);
      }
    }
    const pid = Number(kv.kv.pid);
    this.tasks.set('init', { name: 'init', id: 0, pid, lpid: pid, state: 'running', fds: new Map() });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    const closeFds = () => {
      for (const fd of [this.reqFd, this.repFd]) if (fd >= 0) closeSync(fd);
      this.reqFd = this.repFd = -1;
    };
    if (child.exitCode !== null || child.signalCode !== null) return closeFds();
    if (this.reqFd >= 0) {
      try {
        writeSync(this.reqFd, 'quit\t-\n');
      } catch {
        /* gone */
      }
    }
    closeFds();
    const exited = new Promise<void>((res) => child.once('exit', () => res()));
    try {
      child.stdin!.end('quit\t-\n');
    } catch {
      /* already closed */
    }
    const t = setTimeout(() => child.kill('SIGKILL'), 2000);
    await exited;
    clearTimeout(t);
  }

  private readLine(): Promise<string> {
    if (this.dead) return Promise.reject(this.dead);
    return new Promise((res, rej) => this.waiters.push((l) => (l instanceof Error ? rej(l) : res(l))));
  }

  /** Sends one request line and waits for its reply line. */
  private async req(...fields: Array<string | number>): Promise<Reply> {
    const line = fields.map(String).join('\t');
    if (/[\n]/.test(line)) throw new Error('oracle: newline in a request');
    if (!this.child) throw new Error('oracle: not started');
    if (this.reqFd >= 0) return parseReply(this.roundTripSync(line));
    const p = this.readLine();
    this.child.stdin!.write(line + '\n');
    return parseReply(await p);
  }

  private roundTripSync(line: string): string {
    if (this.dead) throw this.dead;
    try {
      writeSync(this.reqFd, line + '\n');
    } catch (e) {
      throw (this.dead ??= new Error(`oracle: executor gone (${(e as Error).message})`));
    }
    for (;;) {
      const nl = this.rbuf.indexOf('\n');
      if (nl >= 0) {
        const out = this.rbuf.slice(0, nl);
        this.rbuf = this.rbuf.slice(nl + 1);
        return out;
      }
      const n = readSync(this.repFd, this.chunk, 0, this.chunk.length, null);
      if (n === 0) throw (this.dead ??= new Error('oracle: executor exited'));
      this.rbuf += this.chunk.toString('utf8', 0, n);
    }
  }

  private async ensureFile(path: string): Promise<void> {
    if (this.made.has(path)) return;
    const r = await this.req('mk', '-', path);
    if (r.ok) this.made.add(path);
  }

  /** Maps a trace path to a sandbox path. */
  private async mapPath(p: string): Promise<string> {
    if (p.startsWith('@')) {
      const real = `${this.dir}/m_${p.slice(1)}`;
      await this.ensureFile(real);
      return real;
    }
    if (p.startsWith('/tmp/')) {
      const rest = p.slice(5);
      const real = `${this.dir}/f_${rest}`;
      if (rest && !rest.includes('/')) await this.ensureFile(real);
      return real;
    }
    const m = /^\/proc\/([^/]+)(\/.*)?$/.exec(p);
    if (m) {
      const who = m[1]!;
      let rest = m[2] ?? '';
      if (who === 'self' || who === 'thread-self') return p;
      const t = this.tasks.get(who);
      const pid = t ? t.pid : NO_SUCH_PID;
      const fm = /^\/fd\/([^/]+)(\/.*)?$/.exec(rest);
      if (fm) {
        const n = t?.fds.get(fm[1]!);
        rest = `/fd/${n ?? NO_SUCH_FD}${fm[2] ?? ''}`;
      }
      return `/proc/${pid}${rest}`;
    }
    throw new Error(`oracle: unsupported path ${JSON.stringify(p)} (use /proc/<task>/..., @<mount> or /tmp/<file>)`);
  }

  private remember(kv: Record<string, string>): void {
    if (kv.ns && kv.fh) this.handles.set(kv.ns, kv.fh);
  }

  /** Outcome of a reply: errno, or ns / names / value as the op defines. */
  private outcome(r: Reply, fields: { ns?: boolean; names?: boolean; value?: boolean } = {}): Outcome {
    if (!r.ok) return err(r.errno);
    this.remember(r.kv);
    const o: Outcome = {};
    if (fields.ns !== false && r.kv.ns !== undefined) o.ns = r.kv.ns;
    if (fields.names && r.kv.names !== undefined) o.names = r.kv.names === '' ? [] : r.kv.names.split('/');
    if (fields.value && r.kv.val !== undefined) o.value = Number(r.kv.val);
    return o;
  }

  apply(op: Op): Promise<Outcome> {
    const run = this.queue.then(async () => {
      const out = await this.applyNow(op);
      if (!QUERIES.has(op.op)) this.lastMutation = performance.now();
      return out;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(op: Op): Promise<Outcome> {
    if (op.op === 'alive') {
      const fh = this.handles.get(op.ns);
      if (!fh) return err('EINVAL');
      // only the time since the last op that may have dropped a pin needs to be waited out
      const settle = Math.max(0, Math.ceil(this.settleMs - (performance.now() - this.lastMutation)));
      const r = await this.req('alive', '-', fh, settle);
      if (!r.ok) return err(r.errno);
      return { value: r.kv.val === '1' };
    }
    if (op.op === 'shrink') {
      const r = await this.req('shrink', '-');
      return r.ok ? {} : err(r.errno);
    }
    if (op.op === 'reap') {
      const child = this.tasks.get(op.task);
      if (!child || child.state === 'reaped' || !child.parent) return err('ECHILD');
      let parent = this.tasks.get(child.parent);
      if (!parent || parent.state !== 'running') {
        // a child killed with its pid namespace was reaped by the dying pid-ns init
        const st = await this.req('state', child.id);
        if (st.ok && st.kv.val === '-') {
          child.state = 'reaped';
          return err('ECHILD');
        }
        // its parent exited first: the kernel reparented it, to init (the sandbox's child
        // subreaper) or to the init of its parent's pid namespace; that task waits for it
        const pr = await this.req('parent', child.id);
        const id = pr.ok ? Number(pr.kv.val) : -1;
        const now = [...this.tasks.values()].find((x) => x.id === id);
        if (!now || now.state !== 'running') return err('ESRCH');
        child.parent = now.name;
        parent = now;
      }
      const r = await this.req('reap', parent.id, child.lpid);
      if (r.ok) {
        child.state = 'reaped';
        return {};
      }
      if (r.gone) parent.state = 'zombie';
      return err(r.errno);
    }
    if (op.op === 'spawn') {
      if (this.tasks.has(op.task)) return err('EEXIST');
      const parent = this.tasks.get(op.parent);
      if (!parent || parent.state !== 'running') return err('ESRCH');
      const id = this.nextId++;
      const r = await this.req('spawn', parent.id, id, (op.newns ?? []).join(',') || '0');
      if (!r.ok) return err(r.errno);
      this.tasks.set(op.task, {
        name: op.task, id, pid: Number(r.kv.pid), lpid: Number(r.kv.lpid), parent: op.parent,
        state: 'running', fds: new Map(parent.fds),
      });
      return {};
    }
    const t = this.tasks.get(op.task);
    if (!t || t.state !== 'running') return err('ESRCH');
    const fd = (name: string | undefined): number | undefined => (name === undefined ? undefined : t.fds.get(name));
    const send = async (...fields: Array<string | number>): Promise<Reply> => {
      const r = await this.req(fields[0]!, t.id, ...fields.slice(1));
      // the executor found the task's process gone (e.g. killed with its pid namespace)
      if (!r.ok && r.gone) t.state = 'zombie';
      return r;
    };
    switch (op.op) {
      case 'exit': {
        if (op.task === 'init') return err('EPERM');
        const r = await send('exit');
        if (r.ok) t.state = 'zombie';
        return this.outcome(r);
      }
      case 'unshare':
        return this.outcome(await send('unshare', op.newns.join(',') || '0'));
      case 'setns': {
        const n = fd(op.fd);
        if (n === undefined) return err('EBADF');
        const ty = Array.isArray(op.nstype) ? op.nstype.join(',') || '0' : String(op.nstype);
        return this.outcome(await send('setns', n, ty));
      }
      case 'cred': {
        const r = await send(
          'cred',
          op.uid ?? '-',
          op.gid ?? '-',
          op.caps ? `+${op.caps.join(',')}` : '-',
          op.dumpable === undefined ? '-' : op.dumpable ? '1' : '0',
        );
        return this.outcome(r);
      }
      case 'open': {
        const path = await this.mapPath(op.path);
        const r = await send('open', path, (op.flags ?? []).join('|') || 'O_RDONLY');
        if (r.ok) t.fds.set(op.fd, Number(r.kv.fd));
        return this.outcome(r);
      }
      case 'close': {
        const n = fd(op.fd);
        if (n === undefined) return err('EBADF');
        t.fds.delete(op.fd);
        return this.outcome(await send('close', n));
      }
      case 'dup': {
        const n = fd(op.fd);
        if (n === undefined) return err('EBADF');
        const r = await send('dup', n);
        if (r.ok) t.fds.set(op.as, Number(r.kv.fd));
        return this.outcome(r);
      }
      case 'pidfd': {
        const target = this.tasks.get(op.target);
        if (!target || target.state === 'reaped') return err('ESRCH');
        const r = await send('pidfd', target.pid);
        if (r.ok) t.fds.set(op.fd, Number(r.kv.fd));
        return this.outcome(r);
      }
      case 'readdir':
        return this.outcome(await send('readdir', await this.mapPath(op.path)), { names: true });
      case 'readlink': {
        const r = await send('readlink', await this.mapPath(op.path));
        const o = this.outcome(r);
        if (r.ok && r.kv.type !== undefined) o.text = r.kv.type; // the link text's "type" part
        return o;
      }
      case 'stat': {
        if (op.fd !== undefined) {
          const n = fd(op.fd);
          if (n === undefined) return err('EBADF');
          return this.outcome(await send('stat', 'f', n));
        }
        if (op.path === undefined) throw new Error('oracle: stat needs path or fd');
        return this.outcome(await send('stat', 'p', await this.mapPath(op.path)));
      }
      case 'lseek':
      case 'read': {
        const n = fd(op.fd);
        if (n === undefined) return err('EBADF');
        return this.outcome(await send(op.op, n), { ns: false });
      }
      case 'ioctl': {
        const n = fd(op.fd);
        if (n === undefined) return err('EBADF');
        const r = await send('ioctl', n, op.request);
        if (r.ok && r.kv.fd !== undefined && op.as !== undefined) t.fds.set(op.as, Number(r.kv.fd));
        const valued = op.request === 'NS_GET_NSTYPE' || op.request === 'NS_GET_OWNER_UID';
        return this.outcome(r, { value: valued });
      }
      case 'bind':
        return this.outcome(await send('bind', await this.mapPath(op.source), await this.mapPath(op.target)));
      case 'umount':
        return this.outcome(await send('umount', await this.mapPath(op.target)));
      case 'nsid': {
        if (op.fd !== undefined) {
          const n = fd(op.fd);
          if (n === undefined) return err('EBADF');
          return this.outcome(await send('nsid', 'f', n));
        }
        if (op.path === undefined) throw new Error('oracle: nsid needs path or fd');
        return this.outcome(await send('nsid', 'p', await this.mapPath(op.path)));
      }
      default: {
        const never: never = op;
        throw new Error(`oracle: unknown op ${JSON.stringify(never)}`);
      }
    }
  }
}
