// The naive exhaustive search, kept as a reference and a baseline: BFS with the raw state as a
// JSON string key in a Map (no canonical labelling, no symmetry, no garbage dropping, no
// fingerprints), one thread. Tests hold explore against it (same broken invariants, same
// shortest lengths); bench/ measures explore's speed-up over it.
import type { Op } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import type { Bounds } from '../properties/alphabet.ts';
import { bindNames } from '../properties/alphabet.ts';
import { violationKey } from '../properties/harness.ts';
import { SearchCtx } from './bfs.ts';
import type { Node } from './bfs.ts';

export interface NaiveResult {
  distinctStates: number;
  transitions: number;
  statesPerDepth: number[];
  ms: number;
  /** Shortest op sequence per violation key. */
  violations: Map<string, Op[]>;
  /** Characters of all keys (2 bytes each in V8's two-byte strings, 1 in one-byte ones). */
  keyChars: number;
}

const replacer = (k: string, v: unknown): unknown => (k === 'profile' ? undefined : v instanceof Map ? [...v] : v);

/** The whole search state as JSON, as it is (ids, names and freed objects included). */
export function rawKey(n: Node): string {
  const c = n.c as unknown as Record<string, unknown>;
  return JSON.stringify([c.spec, c.sim, c.names, c.simToSpec, c.specToSim, n.names], replacer);
}

/**
 * keyLast=false: the last level's states are checked but neither keyed nor counted (faster).
 * `key`: the state key (tests pass explore's canonical one, to hold explore's shortcuts to a
 * search with none: every successor checked in full, keyed and looked up).
 */
export function naiveExplore(profile: Profile, bounds: Partial<Bounds>, depth: number, maxStates = Infinity, keyLast = true,
  key: (n: Node) => string = rawKey): NaiveResult {
  const t0 = performance.now();
  const ctx = new SearchCtx(profile, bounds, new Set(), false);
  const seen = new Map<string, number>();
  const root = ctx.root();
  const k0 = key(root);
  seen.set(k0, 0);
  let keyChars = k0.length;
  let frontier: Node[] = [root];
  const statesPerDepth = [1];
  const violations = new Map<string, Op[]>();
  let transitions = 0;
  for (let d = 0; d < depth && frontier.length > 0 && seen.size < maxStates; d++) {
    const next: Node[] = [];
    for (const n of frontier) {
      if (seen.size >= maxStates) break;
      for (const op of ctx.alphabet.enumerate(n.c.spec, n.names)) {
        transitions++;
        const c = n.c.clone();
        const r = c.apply(op);
        if (r.violation) {
          const k = violationKey(r.violation.property, r.violation.detail);
          if (!violations.has(k)) violations.set(k, [...n.ops, op]);
          continue;
        }
        if (!keyLast && d === depth - 1) continue;
        const child: Node = { c, names: bindNames(n.names, op, r.spec), ops: [...n.ops, op] };
        const k = key(child);
        if (seen.has(k) || seen.size >= maxStates) continue;
        seen.set(k, d + 1);
        keyChars += k.length;
        next.push(child);
      }
    }
    statesPerDepth.push(next.length);
    frontier = next;
  }
  return { distinctStates: seen.size, transitions, statesPerDepth, ms: performance.now() - t0, violations, keyChars };
}
