// Standalone reproducers: emitted C compiles with cc and prints PASS on this kernel;
// emitted shell scripts run under bash + util-linux.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KernelBackend } from '../oracle/kernel.ts';
import { findCompiler } from '../oracle/build.ts';
import { emitC, emitSh, shName } from '../oracle/repro.ts';
import type { Trace } from '../model/types.ts';
import { replayModel } from '../properties/replay.ts';
import { getProfile } from '../model/profiles.ts';

const probe = await KernelBackend.probe();
const skip = !probe.ok;
const why = probe.ok ? '' : ` (skipped: ${probe.reason})`;
const work = mkdtempSync(join(tmpdir(), 'procns-repro-test-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const bindTrace: Trace = {
  format: 'procns-trace/1',
  title: 'a bind mount keeps a net namespace alive after its last task is gone',
  profile: 'v6.18',
  steps: [
    { op: 'spawn', task: 'a', parent: 'init', newns: ['net'] },
    { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f1', expect: 'ok' },
    { op: 'nsid', task: 'init', fd: 'f1', as: 'N' },
    { op: 'bind', task: 'init', source: '/proc/a/ns/net', target: '@m' },
    { op: 'exit', task: 'a' },
    { op: 'reap', task: 'a' },
    { op: 'close', task: 'init', fd: 'f1' },
    { op: 'alive', ns: 'N', expect: true },
    { op: 'open', task: 'init', path: '@m', fd: 'f2', expect: { ns: 'N' } },
    { op: 'setns', task: 'init', fd: 'f2', nstype: 'net', expect: 'ok' },
    { op: 'close', task: 'init', fd: 'f2' },
    { op: 'umount', task: 'init', target: '@m', expect: 'ok' },
  ],
};
const ptraceTrace: Trace = {
  format: 'procns-trace/1',
  title: 'nobody cannot open root\'s ns files; readdir order; ioctls',
  steps: [
    { op: 'spawn', task: 'a', parent: 'init' },
    { op: 'cred', task: 'a', uid: 65534, gid: 65534, dumpable: true, expect: 'ok' },
    { op: 'open', task: 'a', path: '/proc/init/ns/net', fd: 'f', expect: 'EACCES' },
    { op: 'readdir', task: 'init', path: '/proc/a/ns', expect: { names: ['net', 'uts', 'ipc', 'pid', 'pid_for_children', 'user', 'mnt', 'cgroup', 'time', 'time_for_children'] } },
    { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'g', expect: 'ok' },
    { op: 'ioctl', task: 'init', fd: 'g', request: 'NS_GET_NSTYPE', expect: { value: 0x40000000 } },
    { op: 'ioctl', task: 'init', fd: 'g', request: 'NS_GET_USERNS', as: 'u', expect: 'ok' },
    { op: 'lseek', task: 'init', fd: 'g', expect: 'ESPIPE' },
    { op: 'exit', task: 'a' },
    { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'h', expect: 'ENOENT' },
  ],
};
const failingTrace: Trace = {
  format: 'procns-trace/1',
  title: 'a deliberately wrong expectation',
  steps: [{ op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f', expect: 'EACCES' }],
};

/**
 * Tasks, fds and namespaces whose names differ only in `-` against `_`, after `pre`: the shell
 * reproducer once made both `$P_a_b`; with a 64-byte `pre` the C runtime once cut both to the
 * same 63 bytes. Step 8 reads the ns of the task that is still there.
 */
const namesTrace = (pre: string): Trace => ({
  format: 'procns-trace/1',
  title: 'names that differ only in - and _',
  profile: 'v6.18',
  steps: [
    { op: 'spawn', task: `${pre}a-b`, parent: 'init', newns: ['net'], expect: 'ok' },
    { op: 'spawn', task: `${pre}a_b`, parent: 'init', expect: 'ok' },
    { op: 'open', task: 'init', path: `/proc/${pre}a-b/ns/net`, fd: `${pre}f-1`, expect: 'ok' },
    { op: 'open', task: 'init', path: `/proc/${pre}a_b/ns/uts`, fd: `${pre}f_1`, expect: 'ok' },
    { op: 'nsid', task: 'init', path: `/proc/${pre}a-b/ns/net`, as: `${pre}N-1`, expect: 'ok' },
    { op: 'close', task: 'init', fd: `${pre}f-1`, expect: 'ok' },
    { op: 'close', task: 'init', fd: `${pre}f_1`, expect: 'ok' },
    { op: 'exit', task: `${pre}a_b`, expect: 'ok' },
    { op: 'reap', task: `${pre}a_b`, expect: 'ok' },
    { op: 'readlink', task: 'init', path: `/proc/${pre}a-b/ns/net`, expect: 'ok' },
  ],
});
const LONG = 'long'.repeat(16);

function compileAndRun(trace: Trace, name: string): { status: number | null; out: string } {
  const src = join(work, `${name}.c`);
  const bin = join(work, name);
  writeFileSync(src, emitC(trace));
  execFileSync(findCompiler()!, ['-O2', '-Wall', '-Werror', '-o', bin, src], { stdio: 'pipe' });
  const r = spawnSync(bin, [], { encoding: 'utf8', timeout: 15_000 });
  return { status: r.status, out: r.stdout + r.stderr };
}

describe(`standalone reproducers${why}`, () => {
  it.skipIf(skip)(`emitC: the bind-mount trace compiles and prints PASS${why}`, () => {
    const r = compileAndRun(bindTrace, 'bind');
    expect(r.out).toMatch(/\nPASS\n$/);
    expect(r.status).toBe(0);
  });
  it.skipIf(skip)(`emitC: ptrace/readdir/ioctl trace prints PASS${why}`, () => {
    const r = compileAndRun(ptraceTrace, 'ptrace');
    expect(r.out, r.out).toMatch(/\nPASS\n$/);
    expect(r.status).toBe(0);
  });
  it.skipIf(skip)(`emitC: a wrong expectation prints FAIL and exits 1${why}`, () => {
    const r = compileAndRun(failingTrace, 'failing');
    expect(r.out).toMatch(/step 0 open init: ok ns=\d+ {2}FAIL/);
    expect(r.out).toMatch(/FAIL \(1 step\(s\) differ\)/);
    expect(r.status).toBe(1);
  });
  it.skipIf(skip)(`emitC: a readlink's expected text is compared, as every backend compares it${why}`, () => {
    const link = (entry: string, text: string) => ({ op: 'readlink', task: 'init', path: `/proc/init/ns/${entry}`, expect: { ok: true, text } });
    const r = compileAndRun({ format: 'procns-trace/1', profile: 'v6.18', steps: [link('time_for_children', 'net'), link('net', 'net')] } as Trace, 'text');
    expect(r.out).toMatch(/step 0 readlink init: ok ns=\S+ text=time {2}FAIL/);
    expect(r.out).toMatch(/step 1 readlink init: ok ns=\S+ text=net {2}PASS/);
    expect(r.status).toBe(1);
  });
  it.skipIf(skip)(`emitSh: a bind-mount trace without alive runs and prints PASS${why}`, () => {
    const t: Trace = {
      format: 'procns-trace/1',
      steps: bindTrace.steps.filter((s) => s.op !== 'alive' && s.op !== 'setns' && !(s.op === 'nsid')).map((s) =>
        s.op === 'open' && typeof s.expect === 'object' ? { ...s, expect: 'ok' as const } : s),
    };
    const sh = join(work, 'bind.sh');
    writeFileSync(sh, emitSh(t));
    const r = spawnSync('bash', [sh], { encoding: 'utf8', timeout: 15_000 });
    expect(r.stdout, r.stdout + r.stderr).toMatch(/\nPASS\n$/);
    expect(r.status).toBe(0);
  });
  for (const [label, pre] of [['short names', ''], ['64-byte prefixes', LONG]] as const) {
    it.skipIf(skip)(`emitSh and emitC: ${label} that differ only in - and _ stay apart on the kernel${why}`, () => {
      const t = namesTrace(pre);
      expect(replayModel(t, 'sim', getProfile('v6.18')!).ok).toBe(true);
      const sh = join(work, `names-${pre.length}.sh`);
      writeFileSync(sh, emitSh(t));
      const r = spawnSync('bash', [sh], { encoding: 'utf8', timeout: 15_000 });
      expect(r.stdout, r.stdout + r.stderr).toMatch(/\nPASS\n$/);
      const c = compileAndRun(t, `names-${pre.length}`);
      expect(c.out, c.out).toMatch(/\nPASS\n$/);
      expect([r.status, c.status]).toEqual([0, 0]);
    });
  }
  it('emitSh gives each task, fd and namespace name its own shell variable; emitC keeps every name whole', () => {
    const vars = (text: string, re: RegExp) => [...new Set([...text.matchAll(re)].map((m) => m[1]))];
    const sh = emitSh(namesTrace(''));
    expect(vars(sh, /\b(P_\w+)=/g)).toEqual(['P_a_2db', 'P_a__b']);
    expect(vars(sh, /\{(FD_\w+)\}</g)).toEqual(['FD_f_2d1', 'FD_f__1']);
    const c = emitC(namesTrace(LONG));
    for (const n of [`${LONG}a-b`, `${LONG}a_b`, `${LONG}f-1`, `${LONG}f_1`, `${LONG}N-1`]) expect(c).toContain(`"${n}"`);
    // one to one, and always an identifier's tail
    const names = ['a-b', 'a_b', 'a_2db', 'a__b', 'a.b', 'a b', 'ä', 'a_c3_a4', '_', '-', 'x'];
    const ids = names.map(shName);
    expect(new Set(ids).size).toBe(names.length);
    for (const id of ids) expect(id).toMatch(/^\w+$/);
  });
  it('emitSh refuses what shell tools cannot express', () => {
    expect(() => emitSh(bindTrace)).toThrow(/alive|setns|nsid/);
    // the script is init: it cannot exit or reap itself (it killed itself and called the reap ok)
    for (const op of ['exit', 'reap']) expect(() => emitSh({ format: 'procns-trace/1', steps: [{ op, task: 'init' }] } as Trace)).toThrow(`${op} of init`);
  });
  it.skipIf(skip)(`emitSh: expect {ok: false} passes only on a failure${why}`, () => {
    const steps = [{ op: 'readlink', task: 'init', path: '/proc/init/ns/net', expect: { ok: false } }, { op: 'readlink', task: 'init', path: '/proc/init/ns/nope', expect: { ok: false } }];
    const f = join(work, 'okfalse.sh');
    writeFileSync(f, emitSh({ format: 'procns-trace/1', profile: 'v6.18', steps } as Trace));
    const r = spawnSync('bash', [f], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stdout).toMatch(/step 0: ok {2}FAIL/);
    expect(r.stdout).toMatch(/step 1: failed {2}PASS/);
    expect(r.status).toBe(1);
  });
});
