// model/records.ts, how both model levels write the Maps of their states (a writer replaces a
// Map, never mutates one that a clone may share) and compare number lists. In npm test and the
// Stryker suites.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mapWith, mapWithout, sameNumbers } from '../model/records.ts';

const entries = fc.array(fc.tuple(fc.constantFrom<string>('a', 'b', 'c', 'd'), fc.integer({ min: 0, max: 9 })), { maxLength: 6 });

describe('model/records.ts', () => {
  it('property: mapWith gives a new Map with the entry set and the rest as it was; the old Map is unchanged', () => {
    fc.assert(fc.property(entries, fc.constantFrom('a', 'b', 'e'), fc.integer(), (es, k, v) => {
      const m = new Map(es);
      const before = [...m];
      const r = mapWith(m, k, v);
      expect(r).not.toBe(m);
      expect([...m]).toEqual(before);
      expect(r.get(k)).toBe(v);
      expect(r.size).toBe(m.size + (m.has(k) ? 0 : 1));
      for (const [x, y] of m) if (x !== k) expect(r.get(x)).toBe(y);
    }), { seed: 1, numRuns: 200 });
  });

  it('property: mapWithout gives a new Map without the key and the rest as it was; the old Map is unchanged', () => {
    fc.assert(fc.property(entries, fc.constantFrom('a', 'b', 'e'), (es, k) => {
      const m = new Map(es);
      const before = [...m];
      const r = mapWithout(m, k);
      expect(r).not.toBe(m);
      expect([...m]).toEqual(before);
      expect(r.has(k)).toBe(false);
      expect([...r]).toEqual(before.filter(([x]) => x !== k));
    }), { seed: 2, numRuns: 200 });
  });

  it('property: sameNumbers is element-wise equality', () => {
    const list = fc.array(fc.integer({ min: -2, max: 2 }), { maxLength: 4 });
    fc.assert(fc.property(list, list, (a, b) => {
      expect(sameNumbers(a, b)).toBe(JSON.stringify(a) === JSON.stringify(b));
      expect(sameNumbers(a, [...a])).toBe(true);
      expect(sameNumbers(a, a)).toBe(true);
    }), { seed: 3, numRuns: 300 });
    expect(sameNumbers([1, 2], [1])).toBe(false);
    expect(sameNumbers([1], [1, 2])).toBe(false);
    expect(sameNumbers([0, 1], [0, 2])).toBe(false);
    expect(sameNumbers([2, 0], [1, 0])).toBe(false);
  });
});
