// Every documented scenario replays on the spec and the simulation of its profile with every
// step meeting its expect and no invariant broken; a historical-flaw scenario (`violates`)
// replays on the simulation with exactly the named property reported, and the spec refuses it.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarios, SCENARIO_DIR } from '../scenarios/index.ts';
import { getProfile } from '../model/profiles.ts';
import { meets, parseTrace } from '../model/trace.ts';
import type { Trace } from '../model/types.ts';
import { INVARIANT_DOCS } from '../properties/invariants.ts';
import { Checker, fmt } from '../properties/harness.ts';
import type { Violation } from '../properties/harness.ts';
import { opOf, replayModel } from '../properties/replay.ts';

// The tests are named from the raw files; each test parses (validates) its trace itself, so that
// trace validation runs inside a test (Stryker's per-test coverage; model/mutants/README.md).
const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.json')).sort();
const raw = (file: string): { profile: string; violates?: string } => JSON.parse(readFileSync(join(SCENARIO_DIR, file), 'utf8'));
const load = (file: string): Trace => parseTrace(readFileSync(join(SCENARIO_DIR, file), 'utf8'));
const readme = readFileSync(join(SCENARIO_DIR, 'README.md'), 'utf8');

describe('scenarios/', () => {
  it('has at least 12 documented scenarios, each listed in README.md (kernel-* conform findings may lag)', () => {
    const scenarios = loadScenarios();
    expect(scenarios.map((x) => x.file)).toEqual(files);
    expect(scenarios.length).toBeGreaterThanOrEqual(12);
    for (const { file, trace } of scenarios) {
      expect(trace.title, file).toBeTruthy();
      expect(trace.description, file).toBeTruthy();
      expect(getProfile(trace.profile ?? ''), file).toBeDefined();
      trace.steps.forEach((s, i) => expect(s.expect, `${file} step ${i}`).toBeDefined());
      // conform findings (kernel-*.json) are written by procns conform's users; the rest must be listed
      if (!file.startsWith('kernel-')) expect(readme.includes(`(${file})`), `add a line for ${file} to scenarios/README.md`).toBe(true);
      if (trace.violates !== undefined) expect(Object.keys(INVARIANT_DOCS), file).toContain(trace.violates);
    }
  });

  for (const file of files) {
    const { profile: name, violates } = raw(file);
    if (violates === undefined) {
      for (const level of ['spec', 'sim'] as const) {
        it(`${file} on ${level} (${name})`, () => {
          const trace = load(file);
          const r = replayModel(trace, level, getProfile(trace.profile!)!);
          const bad = r.mismatches.map((i) => `step ${i}: got ${fmt(r.steps[i]!.outcome)}, expect ${JSON.stringify(r.steps[i]!.expect)}`);
          expect(bad).toEqual([]);
          expect(r.violation).toBeNull();
        });
      }
      continue;
    }
    it(`${file} on sim (${name}) shows the historical flaw: ${violates}`, () => {
      const trace = load(file) as Trace & { violates?: string };
      const checker = new Checker(getProfile(trace.profile!)!);
      const violations: Violation[] = [];
      const bad: string[] = [];
      let specRefuses = false;
      trace.steps.forEach((step, i) => {
        const r = checker.apply(opOf(step));
        if (!meets(step.expect, r.sim, (n) => checker.nsIdentity(n, 'sim'))) bad.push(`step ${i}: sim ${fmt(r.sim)}`);
        if (r.violation) {
          violations.push(r.violation);
          if (!meets(step.expect, r.spec, (n) => checker.nsIdentity(n, 'spec'))) specRefuses = true;
        }
      });
      expect(bad).toEqual([]);
      expect(violations.length).toBeGreaterThan(0);
      expect([...new Set(violations.map((v) => v.property))]).toEqual([trace.violates]);
      expect(specRefuses || trace.violates === 'identity', 'the spec answers the flawed step differently').toBe(true);
    });
  }
});
