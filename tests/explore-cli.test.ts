// procns explore on the command line: exit codes 1 (violation, trace file replays to it),
// 2 (bad input, one line), 3 (a resource bound stopped the search), and the --json document.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { runExplore } from '../cli/explore.ts';
import { UsageError } from '../cli/common.ts';
import { PROFILES } from '../model/profiles.ts';
import { parseTrace } from '../model/trace.ts';
import { replayModel } from '../properties/replay.ts';
import { activate } from '../model/mutants/index.ts';
import { LifecycleTracker } from '../model/lifecycle/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'procns-explore-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the command with stdout captured; returns the exit code and the parsed --json document. */
async function run(o: Parameters<typeof runExplore>[0]): Promise<{ code: number; doc: Record<string, unknown> }> {
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => { out += String(s); return true; });
  try {
    const code = await runExplore({ json: true, out: dir, ...o });
    return { code, doc: JSON.parse(out) as Record<string, unknown> };
  } finally {
    spy.mockRestore();
  }
}

describe('procns explore (CLI)', () => {
  it('names, for each lifecycle transition it never took, how long its committed covering trace is', async () => {
    const { code, doc } = await run({ profile: 'v6.18', depth: '1', cover: false });
    expect(code).toBe(0);
    expect(doc.cover).toBeUndefined();
    const lc = doc.lifecycle as { machines: { id: string; transitions: { missed: string[] } }[]; missedCoveringTraceOps: Record<string, number> };
    const missed = lc.machines.flatMap((m) => m.transitions.missed.map((e) => `${m.id}: ${e}`));
    const ops = lc.missedCoveringTraceOps;
    expect(Object.keys(ops).length).toBeGreaterThan(0);
    for (const [k, n] of Object.entries(ops)) {
      expect(missed).toContain(k);
      expect(n, k).toBeGreaterThan(1); // depth 1 would have reached a one-op transition of its bounds
    }
    expect(ops['namespace: held --exit--> freed']).toBe(5);
  }, 20_000);

  it('exits 1 on v3.0 with a shortest trace that replays to the same violation', async () => {
    const cfg = join(dir, 'tiny.json');
    writeFileSync(cfg, JSON.stringify({ depth: 4, bounds: { ops: ['spawn', 'cred', 'open'], entries: ['net'], maxTasks: 1, maxFds: 1, mounts: [], flagSets: [[]], creds: [{ uid: 1000 }] } }));
    const { code, doc } = await run({ profile: 'v3.0', config: cfg });
    expect(code).toBe(1);
    expect(doc.result).toBe('fail');
    const v = (doc.violations as { property: string; steps: number; traceFile: string }[]).find((x) => x.property === 'ptrace-gate')!;
    expect(v.steps).toBe(4);
    const rep = replayModel(parseTrace(readFileSync(v.traceFile, 'utf8')), 'sim', PROFILES['v3.0']);
    expect(rep.violation?.property).toBe('ptrace-gate');
    expect(rep.mismatches).toEqual([3]); // the spec's expect holds on every step but the broken one
  }, 60_000); // 4 s alone, with a default cover phase: the whole suite on two cores can take it past 20 s

  it('the cover phase only adds coverage, and finds a violation deeper than the exhaustive depth (its trace replays)', async () => {
    const cover = { coverBeam: '20', coverMembers: '2', coverDepth: '5' };
    const plain = await run({ profile: 'v6.18', depth: '1', cover: false });
    const covered = await run({ profile: 'v6.18', depth: '1', ...cover });
    expect(covered.code).toBe(0);
    type Lc = { percent: number; exhaustivePercent: number; machines: { id: string; transitions: { missed: string[] } }[] };
    const missed = (d: Record<string, unknown>) => (d.lifecycle as Lc).machines.flatMap((m) => m.transitions.missed.map((e) => `${m.id}: ${e}`));
    const lc = covered.doc.lifecycle as Lc;
    expect(lc.exhaustivePercent).toBe((plain.doc.lifecycle as Lc).percent);
    expect(lc.percent).toBeGreaterThan(lc.exhaustivePercent);
    for (const e of missed(covered.doc)) expect(missed(plain.doc)).toContain(e); // nothing the exhaustive phase took is lost
    expect(covered.doc.cover).toMatchObject({ beam: 20, members: 2, depth: 5, violations: 0 });
    expect(covered.doc.distinctStates).toBe(plain.doc.distinctStates); // the exhaustive phase is the same search
    // exit-no-fput needs three ops: depth 1 cannot see it, the cover phase does, with a trace that replays
    const m = await run({ profile: 'v6.18', depth: '1', mutant: 'exit-no-fput', ...cover });
    expect(m.code).toBe(1);
    const v = (m.doc.violations as { property: string; phase: string; shortest: boolean; steps: number; traceFile: string }[])[0]!;
    expect(v).toMatchObject({ property: 'refcount-exact', phase: 'cover', shortest: false });
    expect(v.steps).toBeGreaterThan(1);
    activate('exit-no-fput');
    try {
      const rep = replayModel(parseTrace(readFileSync(v.traceFile, 'utf8')), 'sim', PROFILES['v6.18']);
      expect(rep.violation?.property).toBe('refcount-exact');
    } finally {
      activate(null);
    }
  }, 60_000);

  it('keeps a violation when its trace cannot be written to the default folder: exit 1, the trace in the output, why it was not written', async () => {
    const cwd = process.cwd();
    const here = mkdtempSync(join(tmpdir(), 'procns-explore-ro-'));
    writeFileSync(join(here, 'procns-out'), 'a file where the default folder would go');
    process.chdir(here);
    try {
      const { code, doc } = await run({ profile: 'v3.0', depth: '3', cover: false, out: undefined });
      expect(code).toBe(1);
      const v = (doc.violations as { traceFile: string | null; traceError: string; trace: { steps: unknown[] } }[])[0]!;
      expect(v.traceFile).toBeNull();
      expect(v.traceError).toMatch(/procns-out is not a folder/);
      expect(v.trace.steps.length).toBeGreaterThan(0);
    } finally {
      process.chdir(cwd);
      rmSync(here, { recursive: true, force: true });
    }
  });

  it('gives the same document with --workers 2 as with 1, timings aside (states, traces, lifecycle coverage, the cover phase)', async () => {
    const o = { profile: 'v3.0', depth: '3', coverBeam: '20', coverMembers: '2', coverDepth: '5', coverSplice: '20000' };
    const strip = (d: Record<string, unknown>): Record<string, unknown> => {
      const { ms: _ms, statesPerSecond: _s, transitionsPerSecond: _t, workers: _w, ...rest } = d;
      const cover = { ...(rest.cover as Record<string, unknown>) };
      delete cover.ms;
      return { ...rest, cover, violations: (rest.violations as Record<string, unknown>[]).map(({ traceFile: _f, ...v }) => v) };
    };
    const one = await run(o);
    const two = await run({ ...o, workers: '2' });
    expect(two.code).toBe(one.code);
    expect(two.doc.workers).toBe(2);
    expect(strip(two.doc)).toEqual(strip(one.doc));
    expect((one.doc.violations as unknown[]).length).toBeGreaterThan(0);
  }, 60_000);

  it('exits 3 with partial statistics when --max-states stops it', async () => {
    const { code, doc } = await run({ profile: 'v6.18', maxStates: '20' });
    expect(code).toBe(3);
    expect(doc).toMatchObject({ result: 'incomplete', complete: false, stoppedBy: 'max-states', distinctStates: 20 });
    expect(typeof doc.collisionProbability).toBe('number');
    expect(Array.isArray(doc.statesPerDepth)).toBe(true);
  });

  it('exits 1, not 3, when it found a violation before --max-states stopped it', async () => {
    // v3.0 breaks ptrace-gate within 4 ops (found by about 30k states); its depth-4 search holds over 300k states
    const { code, doc } = await run({ profile: 'v3.0', maxStates: '40000', cover: false });
    expect(code).toBe(1);
    expect(doc).toMatchObject({ result: 'fail', complete: false, stoppedBy: 'max-states' });
    expect((doc.violations as { property: string }[]).map((v) => v.property)).toContain('ptrace-gate');
  });

  it('fails (exit 1, result "fail") on a lifecycle disagreement alone, in JSON and in text', async () => {
    // a disagreement is a bug in a statechart or in the model, as a violation is: no PASS over it
    const summary = LifecycleTracker.prototype.summary;
    const fake = { lifecycle: 'file', object: 0, from: 'unborn', event: 'close', to: 'closed', detail: 'file 0: unborn --close--> closed: injected', ops: [] };
    const spy = vi.spyOn(LifecycleTracker.prototype, 'summary').mockImplementation(function (this: LifecycleTracker) {
      return { ...summary.call(this), disagreements: [fake] };
    });
    try {
      const { code, doc } = await run({ profile: 'v6.18', depth: '1', cover: false });
      expect(code).toBe(1);
      expect(doc).toMatchObject({ result: 'fail', violations: [] });
      let text = '';
      const err = vi.spyOn(process.stderr, 'write').mockImplementation((x: string | Uint8Array) => { text += String(x); return true; });
      const out = vi.spyOn(process.stdout, 'write').mockImplementation((x: string | Uint8Array) => { text += String(x); return true; });
      try {
        expect(await runExplore({ profile: 'v6.18', depth: '1', cover: false, out: dir })).toBe(1);
      } finally {
        err.mockRestore();
        out.mockRestore();
      }
      expect(text).toContain('DISAGREEMENT file 0: unborn --close--> closed');
      expect(text).toMatch(/result: FAIL, 1 lifecycle disagreement/);
      expect(text).not.toContain('PASS');
    } finally {
      spy.mockRestore();
    }
  });

  it('rejects bad input with one line (exit 2)', async () => {
    await expect(run({ profile: 'v9' })).rejects.toThrow(UsageError);
    await expect(run({ depth: 'x' })).rejects.toThrow(/--depth must be an integer/);
    await expect(run({ maxMemory: '1' })).rejects.toThrow(/--max-memory \(MB\) must be at least 16, got 1/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ bounds: { maxTask: 2 } }));
    await expect(run({ config: bad })).rejects.toThrow(/unknown bound "maxTask"/);
    await expect(run({ mutant: 'no-such-mutant' })).rejects.toThrow(/unknown mutant/);
    await expect(run({ coverBeam: '0' })).rejects.toThrow(/--cover-beam/);
    writeFileSync(bad, JSON.stringify({ cover: { beams: 2 } }));
    await expect(run({ config: bad })).rejects.toThrow(/unknown cover key "beams"/);
    writeFileSync(bad, JSON.stringify({ cover: { bounds: { maxTasks: -1 } } }));
    await expect(run({ config: bad })).rejects.toThrow(/cover\.bounds\.maxTasks must be an integer from 0 to 16, got -1/);
  });

  it('holds a config to what the flags allow and checks every element of a bound list (exit 2, one line)', async () => {
    const bad = join(dir, 'bad-lists.json');
    const cases: [unknown, RegExp][] = [
      // the same ranges as the flags (--workers 1000 is refused; so is "workers": 1000)
      [{ workers: 1000 }, /"workers" must be an integer from 1 to 64, got 1000/],
      [{ depth: 1001 }, /"depth" must be an integer from 0 to 1000/],
      [{ maxMemoryMb: 1 }, /"maxMemoryMb" must be an integer of at least 16, got 1/],
      [{ bounds: { maxTasks: 17 } }, /bounds\.maxTasks must be an integer from 0 to 16/],
      [{ cover: { beam: 0 } }, /cover\.beam must be an integer from 1 to 1000000, got 0/],
      // a list element the search would have ignored, or written into traces that trace v1 refuses
      [{ bounds: { ops: ['open', 'fly'] } }, /bounds\.ops\[1\] is "fly", not an op family/],
      [{ bounds: { ops: [] } }, /bounds\.ops is empty/],
      [{ bounds: { entries: ['net', 'n/et'] } }, /bounds\.entries\[1\] is "n\/et", not an entry name/],
      [{ bounds: { flagSets: [[], ['O_BOGUS']] } }, /bounds\.flagSets\[1\]: field "flags" must be a list of O_RDONLY/],
      // a number too big for a double shows as what it became, not as JSON's null
      ['{"depth": 1e400}', /"depth" must be an integer from 0 to 1000, got Infinity$/],
      ['{"bounds": {"mounts": [-1e400]}}', /bounds\.mounts\[0\] is -Infinity, not a mount name/],
      // each list is a set: an element twice (in any order) only makes the same transitions again
      [{ bounds: { ops: ['open', 'cred', 'open'] } }, /bounds\.ops\[2\] is "open", the same as bounds\.ops\[0\]$/],
      [{ bounds: { entries: ['net', 'net'] } }, /bounds\.entries\[1\] is "net", the same as bounds\.entries\[0\]$/],
      [{ bounds: { mounts: ['@m1', '@m1'] } }, /bounds\.mounts\[1\] is "@m1", the same as bounds\.mounts\[0\]$/],
      [{ bounds: { flagSets: [['O_PATH', 'O_NOFOLLOW'], [], ['O_NOFOLLOW', 'O_PATH']] } }, /bounds\.flagSets\[2\] is \["O_NOFOLLOW","O_PATH"\], the same as bounds\.flagSets\[0\]$/],
      [{ bounds: { flagSets: [['O_PATH', 'O_PATH']] } }, /bounds\.flagSets\[0\]: field "flags" names "O_PATH" twice/],
      [{ bounds: { creds: [{ uid: 1, caps: ['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE'] }, { caps: ['CAP_SYS_PTRACE', 'CAP_SYS_ADMIN'], uid: 1 }] } }, /bounds\.creds\[1\] is .*, the same as bounds\.creds\[0\]$/],
      [{ bounds: { creds: [{ caps: ['CAP_SYS_ADMIN', 'CAP_SYS_ADMIN'] }] } }, /bounds\.creds\[0\]: field "caps" names "CAP_SYS_ADMIN" twice/],
      [{ cover: { bounds: { ops: ['open', 'open'] } } }, /cover\.bounds\.ops\[1\] is "open", the same as cover\.bounds\.ops\[0\]$/],
      [{ bounds: { creds: [{ uid: -1 }] } }, /bounds\.creds\[0\]: field "uid" must be a uid\/gid number/],
      [{ bounds: { creds: [{ caps: ['CAP_FLY'] }] } }, /bounds\.creds\[0\]: field "caps" must be a list of CAP_SYS_ADMIN/],
      [{ bounds: { creds: [{ task: 't1' }] } }, /bounds\.creds\[0\]: field "task" is not a value field of cred/],
      [{ bounds: { creds: [{}] } }, /bounds\.creds\[0\] is \{\}, not a credential change/],
      [{ cover: { bounds: { mounts: ['m1'] } } }, /cover\.bounds\.mounts\[0\] is "m1", not a mount name/],
    ];
    for (const [cfg, msg] of cases) {
      writeFileSync(bad, typeof cfg === 'string' ? cfg : JSON.stringify(cfg)); // (a string: JSON as written)
      const err = await run({ config: bad }).then(() => null, (e: unknown) => e);
      expect(err, JSON.stringify(cfg)).toBeInstanceOf(UsageError);
      expect((err as Error).message, JSON.stringify(cfg)).toMatch(msg);
      expect((err as Error).message).not.toContain('\n');
    }
    // what the checks allow still runs: an entry no profile has (the ENOENT case), a few ops and values
    writeFileSync(bad, JSON.stringify({ depth: 1, cover: false, bounds: { entries: ['net', 'bogus'], ops: ['open', 'cred'],
      flagSets: [[], ['O_PATH']], creds: [{ caps: ['CAP_SYS_ADMIN'], dumpable: false }] } }));
    const { code, doc } = await run({ config: bad });
    expect(code).toBe(0);
    expect(doc.transitions).toBeGreaterThan(0);
  });
});
