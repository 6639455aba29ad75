// The command line as users and scripts see it: exit codes, one-line errors for bad input
// (exit 2, no stack trace), --json printing one document, replay of a written trace.
import { execFile, spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { UsageError } from '../cli/common.ts';
import { runCheck } from '../cli/check.ts';
import { runConform } from '../cli/conform.ts';
import { runExplore } from '../cli/explore.ts';
import { runMutants } from '../cli/mutants.ts';
import { runRepro } from '../cli/repro.ts';

const run = promisify(execFile);
const root = join(import.meta.dirname, '..');

async function procns(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    // (a run that hangs, as reading a device once did, is killed before the test times out, not left behind)
    const r = await run(process.execPath, [join(root, 'bin/procns.mjs'), ...args], { cwd: tmp, env: { ...process.env, NO_COLOR: '1' }, timeout: 50_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'procns-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const file = (name: string, body: unknown) => {
  const f = join(tmp, name);
  writeFileSync(f, typeof body === 'string' ? body : JSON.stringify(body));
  return f;
};
const T = (steps: unknown[]) => ({ format: 'procns-trace/1', profile: 'v6.18', steps });
/** A file of `bytes` zero bytes (sparse: made at once). */
const sized = (name: string, bytes: number) => {
  const f = file(name, '');
  truncateSync(f, bytes);
  return f;
};

describe.concurrent('bad input: one line on stderr naming what is wrong, exit 2', () => {
  const cases: [string, string[], RegExp][] = [
    ['bad JSON', ['replay', file('bad.json', '{"format": ')], /bad\.json: not valid JSON/],
    ['missing file', ['replay', join(tmp, 'nope.json')], /cannot read .*nope\.json: ENOENT/],
    ['empty file name', ['replay', ''], /^procns: the trace file name is empty$/m],
    ['--exact with --workers', ['explore', '--depth', '1', '--exact', '--workers', '2'], /--exact keeps full keys in one thread: it cannot take --workers 2/],
    ['a cover flag with --no-cover', ['explore', '--depth', '1', '--no-cover', '--cover-beam', '7'], /--cover-beam sets the cover phase, which --no-cover turns off/],
    ['a newline in a name', ['replay', file('nl.json', T([{ op: 'exit', task: 'a\nb' }]))], /names task "a\\nb"/],
    ['a newline in an option', ['check', '--mask', 'x\ny'], /--mask "x\\ny" is not a violation key/],
    ['unknown op', ['replay', file('op.json', T([{ op: 'fork', task: 'init' }]))], /step 0: field "op" is not a known op: "fork"/],
    ['missing field', ['replay', file('miss.json', T([{ op: 'open', task: 'init', fd: 'f1' }]))], /step 0 \(open\): field "path" is missing/],
    ['mistyped field', ['replay', file('type.json', T([{ op: 'cred', task: 'init', uid: 'root' }]))], /step 0 \(cred\): field "uid" must be a uid\/gid number/],
    ['unknown task', ['replay', file('task.json', T([{ op: 'exit', task: 'ghost' }]))], /step 0 \(exit\): field "task" names task "ghost"/],
    ['unknown fd', ['replay', file('fd.json', T([{ op: 'close', task: 'init', fd: 'f9' }]))], /step 0 \(close\): field "fd" names fd "f9"/],
    ['bad mount name', ['replay', file('mnt.json', T([{ op: 'umount', task: 'init', target: 'm' }]))], /step 0 \(umount\): field "target" must be a mount name/],
    ['unknown ns name', ['replay', file('ns.json', T([{ op: 'alive', ns: 'N' }]))], /step 0 \(alive\): field "ns" names namespace "N"/],
    ['wrong format', ['replay', file('fmt.json', { format: 'x', steps: [] })], /field "format" must be "procns-trace\/1"/],
    // Node's JSON.parse message quotes the source, newlines and all: one line, line and column, none of the text
    ['a JSON error in a file of several lines', ['replay', file('multi.json', '{\n"format": "procns-trace/1",\n"steps": [\n x\n]\n}\n')],
      /multi\.json: not valid JSON: Unexpected token "x" at line 4, column 2\n$/],
    ['a file that is not JSON, not echoed', ['replay', file('shadow', 'root:*:20200:0:99999:7:::\nsecret\n')],
      /^(?!.*(root:|secret)).*shadow: not valid JSON: Unexpected token "r" at line 1, column 1\n$/],
    ['explore --config with a JSON error over several lines', ['explore', '--config', file('multi-cfg.json', '{\n"depth": x\n}\n')],
      /multi-cfg\.json: not valid JSON: Unexpected token "x" at line 2, column 10\n$/],
    ['explore --config "depth": 1e400', ['explore', '--config', file('inf.json', '{"depth": 1e400}')], /"depth" must be an integer from 0 to 1000, got Infinity$/m],
    // a device never ends (and a FIFO waits for a writer: below); only a regular file of at most 64 MiB is read
    ['a device as a trace', ['replay', '/dev/zero'], /\/dev\/zero: not a regular file$/m],
    ['a device as a config', ['explore', '--config', '/dev/zero'], /\/dev\/zero: not a regular file$/m],
    ['a folder as a trace', ['repro', tmp, '--emit', 'sh'], /: not a regular file$/m],
    ['a trace over 64 MiB', ['replay', sized('big.json', 64 * 1024 * 1024 + 1)], /big\.json: larger than 64 MiB, too large for an input file$/m],
    // clone/unshare flags are a bitmask: a kind twice means nothing (the models counted it twice)
    ['a namespace kind twice', ['replay', file('twice.json', T([{ op: 'unshare', task: 'init', newns: ['net', 'net'] }]))],
      /twice\.json: step 0 \(unshare\): field "newns" names "net" twice/],
    ['a misspelt top-level field', ['replay', file('profle.json', { ...T([]), profle: 'v3.0' })],
      /profle\.json: field "profle" is not a trace field \(one of format, title, profile, steps, description, origin, violates\)/],
    ['unknown profile', ['check', '--profile', 'v2.6'], /unknown profile "v2.6"/],
    ['bad --runs', ['check', '--runs', 'many'], /--runs must be an integer/],
    // a --path names one run of the seed: one it cannot name is refused before anything runs
    ['--path past its run\'s shrinks', ['check', '--path', '0:99999'], /--path 0:99999 names no run of seed 42 with --max-ops 60/],
    ['--path past the most runs', ['check', '--path', '99999999999999999999999'], /--path must start with a run index below 10000000/],
    ['unknown --mask key', ['check', '--mask', 'identity,refinement(fork)'], /--mask "refinement\(fork\)" is not a violation key/],
    ['unknown backend', ['replay', file('ok.json', T([])), '--backend', 'qemu'], /unknown backend "qemu"/],
    // refused before the kernel is probed, so as root and as any other user alike
    ['unknown profile, kernel backend', ['replay', file('ok3.json', T([])), '--backend', 'kernel', '--profile', 'bogus'], /unknown profile "bogus"/],
    ['unknown profile, spec backend', ['replay', file('ok4.json', T([])), '--backend', 'spec', '--profile', 'bogus'], /unknown profile "bogus"/],
    ['kernel backend, a profile not the live kernel\'s', ['replay', file('ok5.json', T([])), '--backend', 'kernel', '--profile', 'v3.0'], /--profile v3\.0: the kernel backend runs this machine's live kernel, which profile v6\.18 models/],
    ['unknown option', ['check', '--frobnicate'], /unknown option '--frobnicate'/],
    ['unknown command', ['frob'], /unknown command 'frob'/],
    // output paths are checked before the run (a bad one found afterwards would lose the run)
    ['--report under a file', ['explore', '--depth', '1', '--report', join(file('plain', 'x'), 'r')], /--report .*plain\/r: .*plain is not a folder/],
    ['--out of explore is a file', ['explore', '--depth', '1', '--out', file('plain2', 'x')], /--out .*plain2: .*plain2 is not a folder/],
    ['--out of check is a folder', ['check', '--runs', '1', '--out', tmp], /--out .*: is a folder, not a file/],
    ['repro --out under a file', ['repro', file('ok2.json', T([])), '--out', join(file('plain3', 'x'), 'r.c')], /--out .*plain3 is not a folder/],
    // Node's recursive mkdir never returns under /proc; procfs refuses the folder (as root) or access does
    ['--report under /proc', ['check', '--runs', '1', '--report', '/proc/procns-none/r'], /--report .*\/proc(\/procns-none)?\b/],
    ['--write-traces under /proc', ['mutants', '--only', 'mnt-ns-loop', '--write-traces', '/proc/procns-none'], /--write-traces .*\/proc/],
    // access(W_OK) says yes under /proc as root: only trying to make the folder tells (the violation run used to go ahead)
    ['check --out under /proc', ['check', '--profile', 'v3.0', '--runs', '50', '--out', '/proc/procns-none/x.json'], /--out .*\/proc\/procns-none/],
    ['an empty --report', ['check', '--runs', '1', '--report', ''], /^procns: --report must not be empty$/m],
  ];
  it.each(cases)('%s', async (_name, args, msg) => {
    const r = await procns(...args);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

/** The message of the UsageError (exit 2) that `body` throws; fails when it throws none. */
async function refused(body: () => number | Promise<number>): Promise<string> {
  try {
    await body();
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  throw new Error('accepted, and the run went ahead');
}

describe.concurrent('output paths are checked before the run, by trying them', () => {
  const cases: [string, () => number | Promise<number>, RegExp][] = [
    ['check --out in /sys', () => runCheck({ profile: 'v3.0', runs: '50', out: '/sys/procns-none.json' }), /^--out cannot write \/sys\/procns-none\.json: EACCES$/],
    ['check --out ending in / (a folder)', () => runCheck({ profile: 'v3.0', runs: '50', out: `${join(tmp, 'newdir')}/` }), /^--out .*newdir\/: names a folder, not a file$/],
    ['explore --out under /proc', () => runExplore({ profile: 'v3.0', depth: '3', cover: false, out: '/proc/procns-none' }), /^--out .*\/proc\/procns-none/],
    ['conform --out under /proc', () => runConform({ runs: '2', out: '/proc/procns-none' }), /^--out .*\/proc\/procns-none/],
    // an empty path is a mistake, not "no path" (it used to be ignored, or wrote to the default folder)
    ['check --out empty', () => runCheck({ runs: '1', out: '' }), /^--out must not be empty$/],
    ['explore --out empty', () => runExplore({ depth: '1', cover: false, out: '' }), /^--out must not be empty$/],
    ['explore --report empty', () => runExplore({ depth: '1', cover: false, report: '' }), /^--report must not be empty$/],
    ['explore --config empty', () => runExplore({ depth: '1', cover: false, config: '' }), /^--config must not be empty$/],
    ['conform --out empty', () => runConform({ runs: '1', out: '' }), /^--out must not be empty$/],
    ['repro --out empty', () => runRepro(file('ok3.json', T([])), { out: '' }), /^--out must not be empty$/],
    ['mutants --report empty', () => runMutants({ only: 'bind-no-ref', report: '' }), /^--report must not be empty$/],
    ['mutants --write-traces empty', () => runMutants({ only: 'bind-no-ref', writeTraces: '' }), /^--write-traces must not be empty$/],
  ];
  it.each(cases)('%s', async (_name, body, msg) => {
    expect(await refused(body)).toMatch(msg);
  });
});

describe.concurrent('a bad output path: refused before the run, nothing written', () => {
  /** In a fresh folder with the folders `mk` made (relative paths), the refusal of `body`, and every path in the folder after it. */
  async function inFresh(mk: string[], body: (d: string) => number | Promise<number>): Promise<{ message: string; left: string[] }> {
    const d = mkdtempSync(join(tmp, 'fresh-'));
    for (const m of mk) mkdirSync(join(d, m), { recursive: true });
    const message = await refused(() => body(d));
    return { message, left: readdirSync(d, { recursive: true }).map(String).sort() };
  }
  const cases: [string, string[], (d: string) => number | Promise<number>, RegExp][] = [
    ['a report file that is a folder (check)', ['R', 'R/check.md'],
      (d) => runCheck({ profile: 'v3.0', runs: '50', out: join(d, 'O/x.json'), report: join(d, 'R') }), /^--report .*R\/check\.md: is a folder, not a file$/],
    ['a report file that is a folder (explore)', ['R', 'R/explore.md'],
      (d) => runExplore({ profile: 'v3.0', depth: '1', cover: false, out: join(d, 'O'), report: join(d, 'R') }), /^--report .*R\/explore\.md: is a folder, not a file$/],
    ['a mutant\'s trace file that is a folder', ['W', 'W/bind-no-ref.json'],
      (d) => runMutants({ only: 'bind-no-ref', engine: 'random', runs: '200', report: join(d, 'M'), writeTraces: join(d, 'W') }), /^--write-traces .*W\/bind-no-ref\.json: is a folder, not a file$/],
    ['--write-traces not a folder, after a new --report folder', [],
      (d) => runMutants({ only: 'bind-no-ref', report: join(d, 'M'), writeTraces: '/dev/null' }), /^--write-traces \/dev\/null: \/dev\/null is not a folder$/],
    // the report would overwrite the trace that the printed replay command names
    ['--out is a file of --report', [],
      (d) => runCheck({ profile: 'v3.0', runs: '50', out: join(d, 'D/check.json'), report: join(d, 'D') }), /^--out .*D\/check\.json: --report writes that file too/],
    ['--report under the file --out', [],
      (d) => runCheck({ profile: 'v3.0', runs: '50', out: join(d, 'D/x.json'), report: join(d, 'D/x.json') }), /^--out .*D\/x\.json: --report writes .*D\/x\.json\/check\.json, which needs a folder there$/],
  ];
  it.each(cases)('%s', async (_name, mk, body, msg) => {
    const r = await inFresh(mk, body);
    expect(r.message).toMatch(msg);
    expect(r.left).toEqual(mk);
  });

  it('a good path is tried and what trying made is taken back: no folder left when no trace is written', () => {
    const d = mkdtempSync(join(tmp, 'fresh-'));
    expect(runCheck({ runs: '1', out: join(d, 'a/b/x.json'), json: true })).toBe(0);
    expect(readdirSync(d)).toEqual([]);
  });
});

describe('a FIFO as input', () => {
  // reading one would wait for a writer for ever; skipped where there is no mkfifo to make one
  const fifo = join(tmp, 'fifo');
  const made = spawnSync('mkfifo', [fifo]).status === 0;
  it.skipIf(!made)('is refused at once as not a regular file, as a trace and as a config (exit 2)', async () => {
    for (const args of [['replay', fifo], ['explore', '--config', fifo]]) {
      const r = await run(process.execPath, [join(root, 'bin/procns.mjs'), ...args], { timeout: 10_000 }).then(() => null, (e: { code: number; stderr: string }) => e);
      expect(r?.code, args.join(' ')).toBe(2);
      expect(r?.stderr).toBe(`procns: ${fifo}: not a regular file\n`);
    }
  });
});

describe('exit codes and --json', () => {
  it('check on v6.18 passes: exit 0, one JSON document', async () => {
    const r = await procns('check', '--runs', '100', '--json');
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ command: 'check', profile: 'v6.18', result: 'pass', runs: 100 });
  });

  it('check on v3.0 exits 1 with the ptrace violation; the same seed prints the same bytes; replay reproduces it', async () => {
    const a = await procns('check', '--profile', 'v3.0', '--runs', '500', '--max-violations', '3', '--json', '--out', join(tmp, 'cx.json'));
    const b = await procns('check', '--profile', 'v3.0', '--runs', '500', '--max-violations', '3', '--json', '--out', join(tmp, 'cx.json'));
    expect(a.code).toBe(1);
    expect(b.stdout).toBe(a.stdout);
    const doc = JSON.parse(a.stdout);
    expect(doc.violation.property).toBe('ptrace-gate');
    expect(doc.violation.steps).toBeLessThanOrEqual(6);
    expect(JSON.parse(readFileSync(join(tmp, 'cx.json'), 'utf8')).steps).toHaveLength(doc.violation.steps);
    const rep = await procns('replay', join(tmp, 'cx.json'), '--backend', 'sim', '--json');
    expect(rep.code).toBe(1);
    expect(JSON.parse(rep.stdout).violation.property).toBe('ptrace-gate');
    const spec = await procns('replay', join(tmp, 'cx.json'), '--backend', 'spec');
    expect(spec.code).toBe(1); // the spec meets every expect, but the lockstep checker still reports the breach
    expect(spec.stdout).toMatch(/violation at step \d+: ptrace-gate/);
  });

  it('mutants --json --write-traces prints one document, which says which trace was written and why one was not', async () => {
    const traces = join(tmp, 'mtraces');
    const args = ['mutants', '--only', 'mnt-ns-loop', '--engine', 'random', '--extra-seeds', '0', '--report', join(tmp, 'mrep'), '--write-traces', traces, '--json'];
    const [lost, caught] = await Promise.all([procns(...args, '--runs', '1', '--max-ops', '1'), procns(...args, '--runs', '200')]);
    expect(lost.code).toBe(1); // one op cannot break mnt-ns-loop: it survives
    expect(JSON.parse(lost.stdout).mutants[0]).toMatchObject({ mutant: 'mnt-ns-loop', traceFile: null, traceNote: 'survived: no counterexample' });
    expect(caught.code).toBe(0);
    const row = JSON.parse(caught.stdout).mutants[0];
    expect(row).toMatchObject({ traceFile: join(traces, 'mnt-ns-loop.json') });
    expect(row).not.toHaveProperty('traceNote');
    expect(JSON.parse(readFileSync(row.traceFile, 'utf8')).origin.mutant).toBe('mnt-ns-loop');
  });
});

describe('the process around a command', () => {
  it('two outputs that name one file through a link are refused before the run', async () => {
    const d = mkdtempSync(join(tmp, 'link-'));
    mkdirSync(join(d, 'R'));
    symlinkSync(join(d, 'R'), join(d, 'L'));
    const r = await procns('check', '--profile', 'v3.0', '--runs', '5', '--out', join(d, 'L', 'check.json'), '--report', join(d, 'R'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*L\/check\.json: --report writes that file too/);
    expect(readdirSync(join(d, 'R'))).toEqual([]);
  });

  it('mutants: a mutant that got away only because --max-states stopped the search is exit 3, named as such', async () => {
    const report = mkdtempSync(join(tmp, 'mut-bound-'));
    let out = '';
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((x: string | Uint8Array) => { out += String(x); return true; });
    let code: number;
    try {
      code = await runMutants({ only: 'umount-ignores-busy', engine: 'exhaustive', depth: '4', maxStates: '2000', report, json: true });
    } finally {
      spy.mockRestore();
    }
    expect(code).toBe(3);
    expect(JSON.parse(out).summary).toMatchObject({ survivors: ['umount-ignores-busy'], stoppedByBound: ['umount-ignores-busy'] });
  });

  it('check: every violation keeps its own trace file, even when --out has the name of another\'s', async () => {
    const out = join(tmp, 'r1', 'check-v3.0-seed42-identity.json');
    const c = await procns('check', '--profile', 'v3.0', '--runs', '50', '--max-violations', '3', '--json', '--out', out);
    expect(c.code).toBe(1);
    const vs = JSON.parse(c.stdout).violations as { property: string; traceFile: string }[];
    expect(vs.length).toBeGreaterThan(1);
    expect(new Set(vs.map((v) => v.traceFile)).size).toBe(vs.length);
    for (const v of vs) expect(JSON.parse(readFileSync(v.traceFile, 'utf8')).origin.property).toBe(v.property);
  });

  it('repro --out naming its own input is refused, the trace left as it was', async () => {
    const src = file('self.json', T([{ op: 'readlink', task: 'init', path: '/proc/init/ns/net' }]));
    const before = readFileSync(src, 'utf8');
    const r = await procns('repro', src, '--out', src);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*self\.json: is the trace being read/);
    expect(readFileSync(src, 'utf8')).toBe(before);
  });

  it.skipIf(spawnSync('mkfifo', [join(tmp, 'out-fifo')]).status !== 0)('a FIFO as an output file is refused before the run (the write would wait for a reader)', async () => {
    const r = await procns('check', '--profile', 'v3.0', '--runs', '20', '--out', join(tmp, 'out-fifo'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--out .*out-fifo: is a FIFO, not a file/);
  });

  it('printed commands are shell words: a trace path with a space replays as printed, a reproducer of any name compiles as printed', async () => {
    const out = join(tmp, 'sp ace', 'cx.json');
    const c = await procns('check', '--profile', 'v3.0', '--runs', '100', '--out', out);
    expect(c.code).toBe(1);
    const line = /replay it: (procns replay .*)$/m.exec(c.stdout)![1]!;
    expect(line).toContain(`'${out}'`);
    const r = await run('/bin/sh', ['-c', line.replace(/^procns/, `"${process.execPath}" "${join(root, 'bin/procns.mjs')}"`)], { cwd: tmp }).catch((e: { code: number }) => e);
    expect((r as { code?: number }).code).toBe(1); // the violation again
    const w = await procns('repro', out, '--out', join(tmp, 'sp ace', 'r.out'));
    expect(w.stdout).toMatch(/cc -O2 -o repro -x c '.*sp ace\/r\.out'/);
  });

  it('a mutant\'s counterexample: the printed replay line reproduces it (the trace names its mutant); --mutant none replays without', async () => {
    const out = join(tmp, 'mut', 'close-no-fput.json');
    const c = await procns('check', '--mutant', 'close-no-fput', '--runs', '300', '--out', out);
    expect(c.code).toBe(1);
    const line = /replay it: procns (replay .*)$/m.exec(c.stdout)![1]!.split(' ');
    const r = await procns(...line, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ mutant: 'close-no-fput', violation: { property: 'refcount-exact' } });
    expect((await procns('replay', out, '--mutant', 'none')).code).toBe(0);
    const bad = await procns('replay', out, '--mutant', 'nope');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^procns: unknown mutant "nope"/);
  });

  it('explore --config: its workers hold unless --workers is given (a flag default used to override it)', async () => {
    const cfg = file('workers.json', { depth: 1, workers: 2, cover: false });
    const a = await procns('explore', '--config', cfg, '--json');
    expect(a.code).toBe(0);
    const doc = JSON.parse(a.stdout) as { workers: number; notes?: string[]; lifecycle: { percent: number } };
    expect(doc.workers).toBe(2);
    expect(doc.notes).toBeUndefined(); // lifecycle coverage runs with any number of workers
    expect(doc.lifecycle.percent).toBeGreaterThan(0);
    const b = await procns('explore', '--config', cfg, '--workers', '1', '--json');
    expect(JSON.parse(b.stdout).workers).toBe(1);
  });

  it('no command: one line naming the commands, exit 2', async () => {
    const r = await procns();
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/missing command: one of check, replay, .*explore/);
  });

  it('a mistyped option: commander\'s suggestion on the same line, exit 2', async () => {
    const r = await procns('check', '--jsn');
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/unknown option '--jsn' \(Did you mean --json\?\)/);
  });

  it.skipIf(!existsSync('/bin/bash'))('a reader that stops early (| head -1) ends the output quietly; the exit code stays the run\'s', async () => {
    const cmd = `"${process.execPath}" "${join(root, 'bin/procns.mjs')}" spec | head -1 >/dev/null; exit \${PIPESTATUS[0]}`;
    const r = await run('/bin/bash', ['-c', cmd], { cwd: tmp }).then((x) => ({ code: 0, stderr: x.stderr }), (e: { code: number; stderr: string }) => e);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it.skipIf(!existsSync('/dev/full'))('output that cannot be written (a full disk): one line, exit 2', async () => {
    const out = openSync('/dev/full', 'w');
    try {
      const child = spawn(process.execPath, [join(root, 'bin/procns.mjs'), 'spec'], { cwd: tmp, stdio: ['ignore', out, 'pipe'] });
      let err = '';
      child.stderr!.on('data', (d: Buffer) => { err += String(d); });
      const code = await new Promise<number | null>((done) => child.on('close', done));
      expect(code).toBe(2);
      expect(err.trim().split('\n')).toEqual(['procns: cannot write the output: ENOSPC']);
    } finally {
      closeSync(out);
    }
  });
});
