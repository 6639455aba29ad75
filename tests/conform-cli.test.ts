// procns conform / repro / replay --backend kernel from the command line: exit codes, JSON,
// and "skipped: <reason>" (exit 0) for a non-root user (setpriv to nobody). The invocations
// run concurrently to keep the file fast.
import { execFile, execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { KernelBackend } from '../oracle/kernel.ts';

const probe = await KernelBackend.probe();
const skip = !probe.ok;
const why = probe.ok ? '' : ` (skipped: ${probe.reason})`;
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const work = mkdtempSync(join(tmpdir(), 'procns-conform-cli-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));
const setpriv = (() => {
  try {
    execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

interface Run { code: number; stdout: string; stderr: string }

/** Runs the CLI (optionally as nobody); resolves with exit code and output. */
function cli(args: string[], asNobody = false): Promise<Run> {
  const node = [process.execPath, '--import', 'tsx', join(root, 'cli', 'main.ts'), ...args];
  const [cmd, ...rest] = asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...node] : node;
  return new Promise((res) => {
    execFile(cmd!, rest, { cwd: root, encoding: 'utf8', timeout: 60_000 }, (e, stdout, stderr) => {
      res({ code: e ? (typeof e.code === 'number' ? e.code : -1) : 0, stdout, stderr });
    });
  });
}

const good = {
  format: 'procns-trace/1', title: 'readdir and a wrong expectation', profile: 'v6.18',
  steps: [
    { op: 'readdir', task: 'init', path: '/proc/init/ns', expect: { names: ['net', 'uts', 'ipc', 'pid', 'pid_for_children', 'user', 'mnt', 'cgroup', 'time', 'time_for_children'] } },
    { op: 'open', task: 'init', path: '/proc/init/ns/net', fd: 'f', expect: 'ok' },
    { op: 'lseek', task: 'init', fd: 'f', expect: 'EINVAL' },
  ],
};

describe(`procns conform / repro / replay --backend kernel${why}`, () => {
  it.skipIf(skip)(`exit codes, JSON, reproducers, and the non-root skip${why}`, async () => {
    const traceFile = join(work, 't.json');
    writeFileSync(traceFile, JSON.stringify(good), { mode: 0o644 });
    chmodSync(work, 0o755); // nobody reads the trace too
    const oldFile = join(work, 'v30.json');
    writeFileSync(oldFile, JSON.stringify({ ...good, profile: 'v3.0', steps: good.steps.slice(1, 2) }));
    const cOut = join(work, 'r.c');
    const [conform, usage, replay, oldReplay, oldOverridden, reproC, reproSh, nobodyConform, nobodyReplay] = await Promise.all([
      cli(['conform', '--runs', '15', '--seed', '3', '--json', '--out', work]),
      cli(['conform', '--runs', 'many']),
      cli(['replay', traceFile, '--backend', 'kernel']),
      cli(['replay', oldFile, '--backend', 'kernel', '--json']),
      cli(['replay', oldFile, '--backend', 'kernel', '--profile', 'v6.18', '--json']),
      cli(['repro', traceFile, '--emit', 'c', '--out', cOut]),
      cli(['repro', traceFile, '--emit', 'sh']),
      setpriv ? cli(['conform', '--runs', '5'], true) : Promise.resolve(null),
      setpriv ? cli(['replay', traceFile, '--backend', 'kernel', '--json'], true) : Promise.resolve(null),
    ]);
    expect(conform.code, conform.stderr).toBe(0);
    const doc = JSON.parse(conform.stdout) as { command: string; result: string; runs: number; divergences: unknown[] };
    expect([doc.command, doc.result, doc.runs, doc.divergences.length]).toEqual(['conform', 'pass', 15, 0]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/^procns: --runs must be an integer/);
    expect(replay.code).toBe(1);
    expect(replay.stdout).toMatch(/backend kernel/);
    expect(replay.stdout).toMatch(/✗ lseek .*→ ESPIPE/);
    // a trace of another profile still runs on the kernel, and the document says whose expects they are
    expect(oldReplay.code, oldReplay.stderr).toBe(0);
    expect(JSON.parse(oldReplay.stdout)).toMatchObject({ backend: 'kernel', traceProfile: 'v3.0', note: expect.stringMatching(/expects are for profile v3\.0; this is the live kernel \(modelled by v6\.18\)/), result: 'pass' });
    expect(JSON.parse(oldOverridden.stdout)).not.toHaveProperty('traceProfile'); // --profile v6.18 overrides the trace's
    expect(reproC.code, reproC.stderr).toBe(0);
    expect(readFileSync(cOut, 'utf8')).toMatch(/int main\(void\)/);
    // lseek is not an op the shell reproducer can express
    expect(reproSh.code).toBe(2);
    expect(reproSh.stderr).toMatch(/^procns: .*cannot emit a shell script/);
    if (nobodyConform && nobodyReplay) {
      expect([nobodyConform.code, nobodyConform.stdout.trim()]).toEqual([0, 'skipped: not root']);
      expect(nobodyReplay.code).toBe(0);
      expect(JSON.parse(nobodyReplay.stdout)).toEqual({ command: 'replay', result: 'skipped', reason: 'not root' });
    }
  }, 60_000);
});
