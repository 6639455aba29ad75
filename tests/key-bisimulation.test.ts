// The symmetry-reduced key (explore/key.ts) merges only states that behave alike
// (explore/key-audit.ts; bench/key-bisimulation.ts runs it at larger bounds). States are kept by the non-symmetric key, grouped by the
// symmetric one, and the members of each group compared on checkState, allLive, the outcomes of
// every op of the alphabet, and their successors up to isomorphism. The bounds are larger than
// explore's defaults, at which the name symmetries merge nothing (one child, one mount, one
// nsid name, and the second fd name is the one a full table reuses).
import { describe, expect, it } from 'vitest';
import { PROFILE_NAMES, getProfile } from '../model/profiles.ts';
import { LARGER_BOUNDS, runBisimulation } from '../explore/key-audit.ts';
import type { Summary } from '../explore/key-audit.ts';
import { KeyEncoder } from '../explore/key.ts';
import { Checker } from '../properties/harness.ts';
import { bindNames, NO_NAMES } from '../properties/alphabet.ts';
import type { Op } from '../model/types.ts';

function sound(s: Summary): void {
  expect(s.differences, s.reports.join('\n')).toBe(0);
  expect(s.checkConflicts).toBe(0);
  expect(s.keyConflicts).toBe(0);
}

describe('symmetric key: a bisimulation at larger bounds', () => {
  for (const p of PROFILE_NAMES) {
    it(`${p}: every state within two ops (2 children, 2 mounts, 2 nsid names), 200 pairs`, () => {
      const s = runBisimulation(p, { bounds: LARGER_BOUNDS, depth: 2, maxStates: 10_000, maxPairs: 200 });
      expect(s.complete).toBe(true);
      sound(s);
      // task and mount symmetries both merged something (the check is not vacuous)
      expect(s.symmetriesUsed.task ?? 0).toBeGreaterThan(0);
      expect(s.symmetriesUsed.mount ?? 0).toBeGreaterThan(0);
    });
  }

  it('fd names: three names (two interchangeable, the third reused by a full table), four ops deep', () => {
    for (const p of PROFILE_NAMES) {
      const s = runBisimulation(p, {
        bounds: { ...LARGER_BOUNDS, maxTasks: 1, maxFds: 3, ops: ['open', 'close', 'dup', 'setns'] },
        depth: 4, beam: 80, shuffle: 1, maxStates: 3000, maxPairs: 200,
      });
      sound(s);
      expect(s.symmetriesUsed.fd ?? 0).toBeGreaterThan(0);
    }
  });

  it('nsid names: two names, five ops deep', () => {
    for (const p of ['v3.8', 'v6.18']) {
      const s = runBisimulation(p, {
        bounds: { ...LARGER_BOUNDS, maxFds: 3, ops: ['open', 'close', 'dup', 'nsid', 'alive', 'setns', 'ioctl', 'spawn', 'exit'] },
        depth: 5, beam: 60, shuffle: 1, maxStates: 3000, maxPairs: 200,
      });
      sound(s);
      expect(s.symmetriesUsed['nsid (sorted)'] ?? 0).toBeGreaterThan(0);
    }
  });

  it('finds a key that merges states that behave differently', () => {
    for (const inject of ['cred', 'mount-target', 'fd-last']) {
      const s = runBisimulation('seed', { bounds: LARGER_BOUNDS, depth: 2, maxStates: 10_000, inject, minimise: false, show: 0 });
      expect(s.differences, inject).toBeGreaterThan(0);
    }
  });
});

/** The symmetric key of the state `ops` reach on `profile` (every op must pass every check). */
function keyAfter(profile: string, ops: Op[], maxFds = 0): string {
  let c = new Checker(getProfile(profile)!);
  let names = NO_NAMES;
  for (const op of ops) {
    const d = c.clone();
    const r = d.apply(op);
    expect(r.violation).toBeNull();
    names = bindNames(names, op, r.spec);
    c = d;
  }
  const e = new KeyEncoder(true, maxFds);
  e.encode(c, names);
  return e.exactKey();
}

describe('symmetric key: what the audit made it merge', () => {
  // The model keys the v3.0 dcache by task index ("<index>/<entry>"). Until the sixteenth
  // session key.ts looked the index up as a task name, never found it, and ordered the rows by
  // the raw index: sound, but two states that differed only by which of two symmetric children
  // had cached dentries got two keys (found by this audit).
  it('two symmetric children with a cached dentry each way share a key (v3.0 dcache)', () => {
    const a = keyAfter('v3.0', [{ op: 'spawn', task: 't1', parent: 'init' }, { op: 'spawn', task: 't2', parent: 'init', newns: ['net'] }, { op: 'readlink', task: 'init', path: '/proc/t2/ns/net' }]);
    const b = keyAfter('v3.0', [{ op: 'spawn', task: 't1', parent: 'init', newns: ['net'] }, { op: 'spawn', task: 't2', parent: 'init' }, { op: 'readlink', task: 'init', path: '/proc/t1/ns/net' }]);
    expect(a).toBe(b);
  });

  // The last fd name is the one an open reuses only once the table is full (alphabet.ts newFd);
  // before that the names are alike, and the key told the last one apart anyway
  it('two fd names swapped share a key until the table is full, and not after', () => {
    // two files told apart by their flags (so the canonical fd order does not fall back on creation order)
    const path = (fd: string): Op => ({ op: 'open', task: 'init', path: '/proc/init/ns/net', fd, flags: ['O_PATH'] });
    const plain = (fd: string): Op => ({ op: 'open', task: 'init', path: '/proc/init/ns/net', fd });
    for (const p of ['v3.0', 'v3.8', 'v6.18']) { // (the seed has no ns entries to open)
      expect(keyAfter(p, [path('f1'), plain('f2')], 3), p).toBe(keyAfter(p, [plain('f1'), path('f2')], 3));
      // full at two names: f2 is the name the next open reuses, so which file it holds matters
      expect(keyAfter(p, [path('f1'), plain('f2')], 2), p).not.toBe(keyAfter(p, [plain('f1'), path('f2')], 2));
    }
  });
});
