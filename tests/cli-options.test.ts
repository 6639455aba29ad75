// Integer options (--runs, --depth, --max-states ...): what a user types is either taken as
// exactly that integer within the option's range, or refused naming the value as typed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { intOpt, UsageError } from '../cli/common.ts';

const digits = fc.stringMatching(/^-?\d{1,25}$/);
const anyText = fc.oneof(digits, fc.string(), fc.constantFrom('1e3', '0x10', '', ' 5', '+5', '1.0', '-0', 'NaN', 'Infinity'));

describe('intOpt', () => {
  it('takes an integer in range as that number, and refuses anything else naming the value as typed', () => {
    fc.assert(fc.property(anyText, fc.integer({ min: -5, max: 5 }), fc.option(fc.integer({ min: 5, max: 1000 }), { nil: undefined }), (v, min, max) => {
      let n: number;
      try {
        n = intOpt('x', v, 7, min, max);
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        expect((e as Error).message).toMatch(/^--x must be /);
        expect((e as Error).message.endsWith(`got ${v}`) || (e as Error).message.endsWith(`got "${v}"`)).toBe(true);
        return;
      }
      expect(/^-?\d+$/.test(v)).toBe(true);
      expect(Number.isSafeInteger(n)).toBe(true);
      expect(n).toBe(Number(v));
      expect(n).toBeGreaterThanOrEqual(min);
      expect(n).toBeLessThanOrEqual(max ?? Number.MAX_SAFE_INTEGER);
    }), { numRuns: 2000 });
  });

  it('refuses integers past 2^53 instead of rounding them', () => {
    expect(() => intOpt('max-states', '9007199254740993', 1, 1)).toThrow('--max-states must be at most 9007199254740991, got 9007199254740993');
    expect(() => intOpt('max-states', '99999999999999999999', 1, 1)).toThrow(/at most .*got 99999999999999999999$/);
    expect(intOpt('max-states', '9007199254740991', 1, 1)).toBe(Number.MAX_SAFE_INTEGER);
    expect(intOpt('runs', undefined, 200, 1)).toBe(200);
  });
});
