// Live-kernel oracle: hand-written traces that reproduce rows of
// reference/kernel-6.18-observed.md, plus a hygiene check (SIGKILL leaves nothing behind).
import { spawn as spawnProcess, execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { KernelBackend } from '../oracle/kernel.ts';
import type { Expect, Op, Outcome, Step } from '../model/types.ts';

const probe = await KernelBackend.probe();
const skip = !probe.ok;
const why = probe.ok ? '' : ` (skipped: ${probe.reason})`;

/** Replays steps on a fresh backend; `ns` names bound by nsid are substituted in expects. */
async function replay(steps: Step[], opts: { sync?: boolean } = {}): Promise<Array<{ step: Step; out: Outcome }>> {
  const k = new KernelBackend(opts);
  await k.start();
  const names = new Map<string, string>();
  const log: Array<{ step: Step; out: Outcome }> = [];
  try {
    for (const step of steps) {
      const { expect: exp, note: _note, ...rest } = step;
      let op = rest as Op;
      if (op.op === 'alive') op = { op: 'alive', ns: names.get(op.ns) ?? op.ns };
      const out = await k.apply(op);
      log.push({ step, out });
      if (op.op === 'nsid' && out.ns !== undefined) names.set(op.as, out.ns);
      if (exp !== undefined) check(step, exp, out, names, log.length - 1);
    }
  } finally {
    await k.stop();
  }
  return log;
}

function check(step: Step, exp: Expect, out: Outcome, names: Map<string, string>, i: number): void {
  const where = `step ${i} ${JSON.stringify(step)} gave ${JSON.stringify(out)}`;
  if (exp === 'ok') return expect(out.errno, where).toBeUndefined();
  if (typeof exp === 'string') return expect(out.errno, where).toBe(exp);
  if (typeof exp === 'boolean') return expect(out.value, where).toBe(exp);
  if (exp.ok !== undefined) expect(out.errno === undefined, where).toBe(exp.ok);
  if (exp.errno !== undefined) expect(out.errno, where).toBe(exp.errno);
  if (exp.ns !== undefined) expect(out.ns, where).toBe(names.get(exp.ns) ?? `<unbound ${exp.ns}>`);
  if (exp.names !== undefined) expect(out.names, where).toEqual(exp.names);
  if (exp.value !== undefined) expect(out.value, where).toBe(exp.value);
}

const NOBODY = { uid: 65534, gid: 65534, dumpable: true } as const;
const ENTRIES = ['net', 'uts', 'ipc', 'pid', 'pid_for_children', 'user', 'mnt', 'cgroup', 'time', 'time_for_children'];

describe(`live kernel oracle${why}`, () => {
  it.skipIf(skip)(`open ns/net, then lseek ESPIPE, read EINVAL, write-open EPERM, bogus ENOENT${why}`, async () => {
    await replay([
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f', expect: 'ok' },
      { op: 'lseek', task: 'init', fd: 'f', expect: 'ESPIPE' },
      { op: 'read', task: 'init', fd: 'f', expect: 'EINVAL' },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'w', flags: ['O_WRONLY'], expect: 'EPERM' },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'w', flags: ['O_RDWR'], expect: 'EPERM' },
      { op: 'open', task: 'init', path: '/proc/init/ns/bogus', fd: 'b', expect: 'ENOENT' },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'd', flags: ['O_DIRECTORY'], expect: 'ENOTDIR' },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'l', flags: ['O_NOFOLLOW'], expect: 'ELOOP' },
      { op: 'open', task: 'init', path: '/proc/init/ns', fd: 'x', flags: ['O_WRONLY'], expect: 'EISDIR' },
      { op: 'close', task: 'init', fd: 'f', expect: 'ok' },
      { op: 'lseek', task: 'init', fd: 'f', expect: 'EBADF' },
    ]);
  });

  it.skipIf(skip)(`ptrace gate: other uid EACCES, same uid ok, non-dumpable EACCES, CAP_SYS_PTRACE ok${why}`, async () => {
    await replay([
      { op: 'spawn', task: 'a', parent: 'init' },
      { op: 'spawn', task: 'b', parent: 'init' },
      { op: 'cred', task: 'a', ...NOBODY, expect: 'ok' },
      { op: 'cred', task: 'b', ...NOBODY, expect: 'ok' },
      { op: 'open', task: 'a', path: '/proc/init/ns/net', fd: 'f', expect: 'EACCES' },
      { op: 'readlink', task: 'a', path: '/proc/init/ns/net', expect: 'EACCES' },
      { op: 'readdir', task: 'a', path: '/proc/init/ns', expect: 'EACCES' },
      { op: 'open', task: 'a', path: '/proc/b/ns/net', fd: 'g', expect: 'ok' },
      { op: 'open', task: 'a', path: '/proc/b/ns/net', fd: 'p', flags: ['O_PATH', 'O_NOFOLLOW'], expect: 'ok' },
      { op: 'cred', task: 'b', dumpable: false, expect: 'ok' },
      { op: 'open', task: 'a', path: '/proc/b/ns/net', fd: 'h', expect: 'EACCES' },
      { op: 'open', task: 'init', path: '/proc/b/ns/net', fd: 'i', expect: 'ok' },
      // root without CAP_SYS_PTRACE -> root with full caps: EACCES
      { op: 'spawn', task: 'c', parent: 'init' },
      { op: 'cred', task: 'c', caps: ['CAP_SYS_ADMIN'], expect: 'ok' },
      { op: 'open', task: 'c', path: '/proc/init/ns/net', fd: 'j', expect: 'EACCES' },
      // a uid change without dumpable makes the task non-dumpable (fs.suid_dumpable=0)
      { op: 'spawn', task: 'd', parent: 'init' },
      { op: 'cred', task: 'd', uid: 65534, gid: 65534, expect: 'ok' },
      { op: 'open', task: 'a', path: '/proc/d/ns/net', fd: 'k', expect: 'EACCES' },
    ]);
  });

  it.skipIf(skip)(`zombie: ENOENT for net but ok for user and pid; reaped: ENOENT; reap/exit conventions${why}`, async () => {
    await replay([
      { op: 'spawn', task: 'a', parent: 'init', newns: ['net'] },
      { op: 'reap', task: 'a', expect: 'EAGAIN' },
      { op: 'exit', task: 'init', expect: 'EPERM' },
      { op: 'nsid', task: 'init', path: '/proc/a/ns/net', as: 'N', expect: 'ok' },
      { op: 'exit', task: 'a', expect: 'ok' },
      { op: 'alive', ns: 'N', expect: false },
      { op: 'open', task: 'a', path: '/proc/init/ns/net', fd: 'z', expect: 'ESRCH' },
      { op: 'exit', task: 'a', expect: 'ESRCH' },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f', expect: 'ENOENT' },
      { op: 'open', task: 'init', path: '/proc/a/ns/uts', fd: 'f', expect: 'ENOENT' },
      { op: 'open', task: 'init', path: '/proc/a/ns/user', fd: 'u', expect: 'ok' },
      { op: 'readlink', task: 'init', path: '/proc/a/ns/pid', expect: 'ok' },
      { op: 'readlink', task: 'init', path: '/proc/a/ns/mnt', expect: 'ENOENT' },
      { op: 'readdir', task: 'init', path: '/proc/a/ns', expect: { names: ENTRIES } },
      { op: 'reap', task: 'a', expect: 'ok' },
      { op: 'reap', task: 'a', expect: 'ECHILD' },
      { op: 'reap', task: 'nosuch', expect: 'ECHILD' },
      { op: 'open', task: 'init', path: '/proc/a/ns/user', fd: 'v', expect: 'ENOENT' },
      { op: 'readdir', task: 'init', path: '/proc/a/ns', expect: 'ENOENT' },
      { op: 'stat', task: 'init', path: '/proc/a/ns/net', expect: 'ENOENT' },
    ]);
  });

  it.skipIf(skip)(`readdir order, readlink/stat/nsid/NS_GET_ID name the same namespace${why}`, async () => {
    await replay([
      { op: 'readdir', task: 'init', path: '/proc/init/ns', expect: { names: ENTRIES } },
      { op: 'nsid', task: 'init', path: '/proc/init/ns/net', as: 'N', expect: 'ok' },
      { op: 'readlink', task: 'init', path: '/proc/init/ns/net', expect: { ns: 'N' } },
      { op: 'stat', task: 'init', path: '/proc/init/ns/net', expect: { ns: 'N' } },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f', expect: { ns: 'N' } },
      { op: 'stat', task: 'init', fd: 'f', expect: { ns: 'N' } },
      { op: 'ioctl', task: 'init', fd: 'f', request: 'NS_GET_ID', expect: { ns: 'N' } },
      { op: 'readlink', task: 'init', path: '/proc/init/fd/f', expect: { ns: 'N' } },
      { op: 'open', task: 'init', path: '/proc/init/fd/f', fd: 'g', expect: { ns: 'N' } },
      { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'p', flags: ['O_PATH'], expect: { ns: 'N' } },
      { op: 'nsid', task: 'init', fd: 'p', as: 'P', expect: { ns: 'N' } },
      { op: 'readlink', task: 'init', path: '/proc/init/ns', expect: 'EINVAL' },
      { op: 'nsid', task: 'init', path: '/proc/init/ns', as: 'D', expect: 'EINVAL' },
      { op: 'nsid', task: 'init', path: '/tmp/plain', as: 'F', expect: 'EINVAL' },
      { op: 'nsid', task: 'init', fd: 'nosuch', as: 'G', expect: 'EBADF' },
    ]);
  });

  it.skipIf(skip)(`setns: EBADF (closed, O_PATH), EINVAL (regular file, type mismatch), ok${why}`, async () => {
    await replay([
      { op: 'spawn', task: 'a', parent: 'init', newns: ['net'] },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'n', expect: 'ok' },
      { op: 'nsid', task: 'init', fd: 'n', as: 'N' },
      { op: 'open', task: 'init', path: '/tmp/plain', fd: 'r', expect: 'ok' },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'o', flags: ['O_PATH'], expect: 'ok' },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'c', expect: 'ok' },
      { op: 'close', task: 'init', fd: 'c', expect: 'ok' },
      { op: 'setns', task: 'init', fd: 'c', nstype: 0, expect: 'EBADF' },
      { op: 'setns', task: 'init', fd: 'o', nstype: 0, expect: 'EBADF' },
      { op: 'setns', task: 'init', fd: 'r', nstype: 0, expect: 'EINVAL' },
      { op: 'setns', task: 'init', fd: 'r', nstype: 'net', expect: 'EINVAL' },
      { op: 'setns', task: 'init', fd: 'n', nstype: 'uts', expect: 'EINVAL' },
      { op: 'setns', task: 'init', fd: 'n', nstype: 'net', expect: 'ok' },
      { op: 'nsid', task: 'init', path: '/proc/init/ns/net', as: 'M', expect: { ns: 'N' } },
      // nobody: the type checks come before the capability check
      { op: 'spawn', task: 'b', parent: 'init' },
      { op: 'cred', task: 'b', ...NOBODY },
      { op: 'setns', task: 'b', fd: 'n', nstype: 'uts', expect: 'EINVAL' },
      { op: 'setns', task: 'b', fd: 'n', nstype: 'net', expect: 'EPERM' },
    ]);
  });

  it.skipIf(skip)(`pidfd setns: 0 -> EINVAL, [net] -> ok, [net, uts] atomic, dead target ESRCH${why}`, async () => {
    await replay([
      { op: 'spawn', task: 'a', parent: 'init', newns: ['net', 'uts'] },
      { op: 'spawn', task: 'b', parent: 'init' },
      { op: 'nsid', task: 'init', path: '/proc/a/ns/net', as: 'N' },
      { op: 'nsid', task: 'init', path: '/proc/a/ns/uts', as: 'U' },
      { op: 'pidfd', task: 'b', target: 'a', fd: 'p', expect: 'ok' },
      { op: 'setns', task: 'b', fd: 'p', nstype: 0, expect: 'EINVAL' },
      { op: 'setns', task: 'b', fd: 'p', nstype: ['net'], expect: 'ok' },
      { op: 'nsid', task: 'b', path: '/proc/b/ns/net', as: 'BN', expect: { ns: 'N' } },
      { op: 'setns', task: 'init', fd: 'p', nstype: ['net', 'uts'], expect: 'EBADF' },
      { op: 'pidfd', task: 'init', target: 'a', fd: 'q', expect: 'ok' },
      { op: 'setns', task: 'init', fd: 'q', nstype: ['net', 'uts'], expect: 'ok' },
      { op: 'nsid', task: 'init', path: '/proc/init/ns/uts', as: 'IU', expect: { ns: 'U' } },
      { op: 'exit', task: 'a' },
      { op: 'setns', task: 'init', fd: 'q', nstype: ['net'], expect: 'ESRCH' },
      { op: 'reap', task: 'a', expect: 'ok' },
      { op: 'pidfd', task: 'init', target: 'a', fd: 'r', expect: 'ESRCH' },
    ]);
  });

  it.skipIf(skip)(`a bind mount keeps a net namespace alive after its task is gone; umount frees it${why}`, async () => {
    await replay([
      { op: 'spawn', task: 'a', parent: 'init', newns: ['net'] },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f1', expect: 'ok' },
      { op: 'nsid', task: 'init', fd: 'f1', as: 'N' },
      { op: 'bind', task: 'init', source: '/proc/a/ns/net', target: '@m', expect: 'ok' },
      { op: 'exit', task: 'a' },
      { op: 'reap', task: 'a' },
      { op: 'close', task: 'init', fd: 'f1' },
      { op: 'alive', ns: 'N', expect: true },
      { op: 'open', task: 'init', path: '@m', fd: 'f2', expect: { ns: 'N' } },
      { op: 'setns', task: 'init', fd: 'f2', nstype: 'net', expect: 'ok' },
      { op: 'umount', task: 'init', target: '@m', expect: 'EBUSY' },
      { op: 'close', task: 'init', fd: 'f2', expect: 'ok' },
      { op: 'umount', task: 'init', target: '@m', expect: 'ok' },
      // init itself is now a member of N
      { op: 'alive', ns: 'N', expect: true },
      { op: 'umount', task: 'init', target: '@m', expect: 'EINVAL' },
      { op: 'umount', task: 'init', target: '@never', expect: 'EINVAL' },
    ]);
  });

  it.skipIf(skip)(`umount frees the last pin: alive false at once (both transports)${why}`, async () => {
    for (const sync of [true, false]) await replay([
      { op: 'spawn', task: 'a', parent: 'init', newns: ['net'] },
      { op: 'nsid', task: 'init', path: '/proc/a/ns/net', as: 'N' },
      { op: 'bind', task: 'init', source: '/proc/a/ns/net', target: '@m', expect: 'ok' },
      { op: 'exit', task: 'a' },
      { op: 'alive', ns: 'N', expect: true },
      { op: 'open', task: 'init', path: '@m', fd: 'f', flags: ['O_PATH'], expect: { ns: 'N' } },
      { op: 'umount', task: 'init', target: '@m', expect: 'EBUSY' },
      { op: 'close', task: 'init', fd: 'f' },
      { op: 'readlink', task: 'init', path: '@m', expect: 'EINVAL' },
      { op: 'umount', task: 'init', target: '@m', expect: 'ok' },
      { op: 'alive', ns: 'N', expect: false },
      { op: 'open', task: 'init', path: '@m', fd: 'g', expect: 'ok' },
      { op: 'setns', task: 'init', fd: 'g', nstype: 0, expect: 'EINVAL' },
    ], { sync });
  });

  it.skipIf(skip)(`ioctls: NS_GET_NSTYPE, NS_GET_USERNS, NS_GET_PARENT, NS_GET_OWNER_UID, unknown${why}`, async () => {
    await replay([
      { op: 'spawn', task: 'a', parent: 'init', newns: ['user', 'net'] },
      { op: 'nsid', task: 'init', path: '/proc/a/ns/user', as: 'U' },
      { op: 'nsid', task: 'init', path: '/proc/init/ns/user', as: 'U0' },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'n' },
      { op: 'open', task: 'init', path: '/proc/a/ns/pid', fd: 'p' },
      { op: 'open', task: 'init', path: '/proc/a/ns/mnt', fd: 'm' },
      { op: 'open', task: 'init', path: '/proc/a/ns/time', fd: 't' },
      { op: 'ioctl', task: 'init', fd: 'n', request: 'NS_GET_NSTYPE', expect: { value: 0x40000000 } },
      { op: 'ioctl', task: 'init', fd: 'p', request: 'NS_GET_NSTYPE', expect: { value: 0x20000000 } },
      { op: 'ioctl', task: 'init', fd: 'm', request: 'NS_GET_NSTYPE', expect: { value: 0x20000 } },
      { op: 'ioctl', task: 'init', fd: 't', request: 'NS_GET_NSTYPE', expect: { value: 0x80 } },
      { op: 'ioctl', task: 'init', fd: 'n', request: 'NS_GET_USERNS', as: 'u', expect: { ns: 'U' } },
      { op: 'ioctl', task: 'init', fd: 'u', request: 'NS_GET_NSTYPE', expect: { value: 0x10000000 } },
      { op: 'ioctl', task: 'init', fd: 'u', request: 'NS_GET_OWNER_UID', expect: { value: 0 } },
      { op: 'ioctl', task: 'init', fd: 'u', request: 'NS_GET_PARENT', as: 'up', expect: { ns: 'U0' } },
      { op: 'ioctl', task: 'init', fd: 'up', request: 'NS_GET_PARENT', as: 'upp', expect: 'EPERM' },
      { op: 'ioctl', task: 'init', fd: 'n', request: 'NS_GET_PARENT', as: 'x', expect: 'EINVAL' },
      { op: 'ioctl', task: 'init', fd: 'n', request: 'NS_GET_OWNER_UID', expect: 'EINVAL' },
      { op: 'ioctl', task: 'init', fd: 'n', request: 'NS_BOGUS', expect: 'ENOTTY' },
      { op: 'open', task: 'init', path: '/tmp/plain', fd: 'r' },
      { op: 'ioctl', task: 'init', fd: 'r', request: 'NS_GET_NSTYPE', expect: 'ENOTTY' },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'o', flags: ['O_PATH'] },
      { op: 'ioctl', task: 'init', fd: 'o', request: 'NS_GET_NSTYPE', expect: 'EBADF' },
    ]);
  });

  it.skipIf(skip)(`fds are inherited by spawn under the same name; dup keeps the namespace pinned${why}`, async () => {
    await replay([
      { op: 'spawn', task: 'a', parent: 'init', newns: ['net'] },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f', expect: 'ok' },
      { op: 'nsid', task: 'init', fd: 'f', as: 'N' },
      { op: 'spawn', task: 'b', parent: 'init' },
      { op: 'nsid', task: 'b', fd: 'f', as: 'B', expect: { ns: 'N' } },
      { op: 'stat', task: 'b', path: '/proc/b/fd/f', expect: { ns: 'N' } },
      { op: 'stat', task: 'init', path: '/proc/b/fd/f', expect: { ns: 'N' } },
      { op: 'dup', task: 'init', fd: 'f', as: 'g', expect: { ns: 'N' } },
      { op: 'close', task: 'init', fd: 'f' },
      { op: 'close', task: 'b', fd: 'f' },
      { op: 'stat', task: 'b', fd: 'f', expect: 'EBADF' },
      { op: 'exit', task: 'a' },
      { op: 'alive', ns: 'N', expect: true },
      { op: 'close', task: 'init', fd: 'g' },
      { op: 'alive', ns: 'N', expect: false },
    ]);
  });

  it.skipIf(skip)(`unshare moves the task; a zombie pins its user ns but not its net ns${why}`, async () => {
    await replay([
      { op: 'spawn', task: 'a', parent: 'init' },
      { op: 'nsid', task: 'a', path: '/proc/a/ns/net', as: 'N0' },
      { op: 'unshare', task: 'a', newns: ['net', 'user'], expect: 'ok' },
      { op: 'nsid', task: 'a', path: '/proc/a/ns/net', as: 'N1' },
      { op: 'nsid', task: 'init', path: '/proc/a/ns/user', as: 'U1' },
      { op: 'alive', ns: 'N0', expect: true },
      { op: 'exit', task: 'a' },
      { op: 'alive', ns: 'N1', expect: false },
      { op: 'alive', ns: 'U1', expect: true },
      { op: 'reap', task: 'a', expect: 'ok' },
      { op: 'alive', ns: 'U1', expect: false },
    ]);
  });

  it.skipIf(skip)(`spawn with a new pid ns: exiting its init kills its children${why}`, async () => {
    await replay([
      { op: 'spawn', task: 'a', parent: 'init', newns: ['pid', 'mnt'] },
      { op: 'spawn', task: 'b', parent: 'a' },
      { op: 'nsid', task: 'init', path: '/proc/b/ns/pid', as: 'P' },
      { op: 'nsid', task: 'init', path: '/proc/a/ns/pid_for_children', as: 'Q', expect: { ns: 'P' } },
      { op: 'pidfd', task: 'a', target: 'b', fd: 'pb', expect: 'ok' },
      { op: 'pidfd', task: 'b', target: 'init', fd: 'pi', expect: 'ESRCH' },
      { op: 'readdir', task: 'b', path: '/proc/b/ns', expect: { names: ENTRIES } },
      { op: 'exit', task: 'a', expect: 'ok' },
      { op: 'open', task: 'b', path: '/proc/b/ns/net', fd: 'x', expect: 'ESRCH' },
      // b was killed with the pid ns and reaped by its dying init: ECHILD (not ESRCH for a)
      { op: 'reap', task: 'b', expect: 'ECHILD' },
      { op: 'reap', task: 'a', expect: 'ok' },
      { op: 'alive', ns: 'P', expect: false },
    ]);
  });
});

describe(`live kernel oracle hygiene${why}`, () => {
  it.skipIf(skip)(`paths outside /proc/<task>, @mount and /tmp/<file> are refused (never the host's files)${why}`, async () => {
    const k = new KernelBackend();
    await k.start();
    try {
      await expect(k.apply({ op: 'open', task: 'init', path: '/etc/passwd', fd: 'f' })).rejects.toThrow(/unsupported path/);
      await expect(k.apply({ op: 'bind', task: 'init', source: '/proc/init/ns/net', target: '/mnt' })).rejects.toThrow(/unsupported path/);
      // an unknown task name maps to a pid that does not exist (never to pid 1)
      expect(await k.apply({ op: 'open', task: 'init', path: '/proc/nosuch/ns/net', fd: 'f' })).toEqual({ errno: 'ENOENT' });
      expect(await k.apply({ op: 'stat', task: 'init', path: '/proc/init/ns/net' })).toHaveProperty('ns');
    } finally {
      await k.stop();
    }
  });

  const setpriv = (() => {
    try {
      execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  })();
  it.skipIf(skip || !setpriv)(`probe() explains why it cannot run: not root${why}`, () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const kernel = join(here, '..', 'oracle', 'kernel.ts');
    const code = `const { KernelBackend } = await import(${JSON.stringify(kernel)}); console.log(JSON.stringify(await KernelBackend.probe()));`;
    const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '--input-type=module', '-e', code], {
      encoding: 'utf8', cwd: join(here, '..'),
    });
    expect(JSON.parse(out.trim().split('\n').pop()!)).toEqual({ ok: false, reason: 'not root' });
  });

  it.skipIf(skip)(`SIGKILL of the driver leaves no process, mount or file behind${why}`, async () => {
    const here = dirname(fileURLToPath(import.meta.url));
    const mountsBefore = readFileSync('/proc/self/mountinfo', 'utf8');
    const tmpBefore = existsSync('/tmp/procns');
    // node itself (not the tsx wrapper, which would fork another node) is the driver
    const child = spawnProcess(process.execPath, ['--import', 'tsx', join(here, '..', 'oracle', 'hygiene-child.ts')], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    const execPid = await new Promise<number>((res, rej) => {
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        const m = /ready (\d+)/.exec(buf);
        if (m) res(Number(m[1]));
      });
      child.on('exit', (c) => rej(new Error(`hygiene child exited early (${c})`)));
    });
    // every process of the sandbox: the executor and its descendants (host pids)
    const descendants = (root: number): number[] => {
      const out = [root];
      for (let i = 0; i < out.length; i++) {
        try {
          const kids = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
          if (kids) out.push(...kids.split(/\s+/).map(Number));
        } catch {
          /* gone */
        }
      }
      return out;
    };
    const ours = descendants(execPid);
    expect(ours.length).toBeGreaterThanOrEqual(5); // E, S, init, a, b
    expect(ours).not.toContain(1);
    // the sandbox's mounts are invisible from the host
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).toBe(mountsBefore);
    child.kill('SIGKILL');
    const alive = (pid: number): boolean => {
      try {
        const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return !/\) [ZX] /.test(st);
      } catch {
        return false;
      }
    };
    const deadline = Date.now() + 5000;
    while (ours.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(ours.filter(alive)).toEqual([]);
    let pg = '';
    try {
      pg = execFileSync('pgrep', ['-P', String(execPid)], { encoding: 'utf8' });
    } catch {
      /* pgrep exits 1 when nothing matches */
    }
    expect(pg.trim()).toBe('');
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).toBe(mountsBefore);
    expect(existsSync('/tmp/procns')).toBe(tmpBefore);
  });
});
