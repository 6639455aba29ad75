// Benchmark: ops/s of random checking on v6.18 with every invariant on, beside the same
// fast-check harness driving a trivial model (the ceiling fast-check itself allows), in one run.
// Usage: npx tsx bench/check-throughput.ts [runs=3000] [rounds=5]
import fc from 'fast-check';
import { cpus } from 'node:os';
import { PROFILES } from '../model/profiles.ts';
import { Alphabet, bindNames, NO_NAMES } from '../properties/alphabet.ts';
import type { Names } from '../properties/alphabet.ts';
import { Checker } from '../properties/harness.ts';
import { runArbitrary } from '../properties/random.ts';

const runs = Number(process.argv[2] ?? 3000);
const rounds = Number(process.argv[3] ?? 5);
const profile = PROFILES['v6.18'];
const alphabet = new Alphabet(profile);

function measure(body: (choices: [number, number, number, number, number][]) => number): number {
  let ops = 0;
  const t0 = performance.now();
  fc.assert(fc.property(runArbitrary(60), (c) => { ops += body(c); return true; }), { numRuns: runs, seed: 1 });
  return (ops / (performance.now() - t0)) * 1000;
}

/** The procns model: decode each choice against the state, step spec and sim, check everything. */
const model = (invariants: boolean) => (choices: [number, number, number, number, number][]) => {
  const checker = new Checker(profile, { invariants });
  let names: Names = NO_NAMES;
  for (const c of choices) {
    const op = alphabet.decode(c, checker.spec, names);
    const r = checker.apply(op);
    names = bindNames(names, op, r.spec);
  }
  return choices.length;
};

/** A trivial model under the same harness: a counter. */
const trivial = (choices: [number, number, number, number, number][]) => {
  let x = 0;
  for (const c of choices) x = (x * 31 + c[0]! + c[1]!) % 1000003;
  if (x < 0) throw new Error('unreachable');
  return choices.length;
};

const rows: [string, number[]][] = [['procns v6.18, all invariants', []], ['procns v6.18, no state invariants', []], ['trivial model (fast-check ceiling)', []]];
for (let i = 0; i < rounds; i++) {
  rows[0]![1].push(measure(model(true)));
  rows[1]![1].push(measure(model(false)));
  rows[2]![1].push(measure(trivial));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`machine: ${cpus().length} x ${cpus()[0]?.model}, node ${process.version}; ${runs} runs x ${rounds} rounds, median`);
console.log('| harness | ops/s | ratio to trivial |');
console.log('|---|---|---|');
const base = median(rows[2]![1]);
for (const [name, xs] of rows) console.log(`| ${name} | ${Math.round(median(xs)).toLocaleString('en-US')} | ${(median(xs) / base).toFixed(3)} |`);
