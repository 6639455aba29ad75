// The visited set: 64-bit state fingerprints in an open-addressing hash table over one typed
// array (two uint32 per slot, 0:0 marks an empty slot), linear probing, grown by 1.5x at 80% load
// so that it stays between 53% and 80% full (10 to 15 bytes per stored state). The table can live
// in a SharedArrayBuffer so that parallel workers read it (between levels nobody writes).
// With --exact the search keeps full keys in a Set<string> instead (no collisions, more memory).

/** The fingerprints of the visited states. */
export class FingerprintSet {
  table: Uint32Array;
  cap: number;
  size = 0;
  private limit: number;

  constructor(initialCap = 1 << 16, readonly shared = false, table?: Uint32Array) {
    this.cap = table ? table.length >> 1 : initialCap;
    this.table = table ?? FingerprintSet.alloc(this.cap, shared);
    this.limit = Math.floor(this.cap * 0.8);
  }

  static alloc(cap: number, shared: boolean): Uint32Array {
    return shared ? new Uint32Array(new SharedArrayBuffer(cap * 8)) : new Uint32Array(cap * 2);
  }

  /** A read-only view of a table another thread owns. */
  static view(table: Uint32Array): FingerprintSet {
    return new FingerprintSet(0, true, table);
  }

  private static slot(hi: number, lo: number, cap: number): number {
    return ((hi >>> 0) * 0x100000000 + (lo >>> 0)) % cap; // a double keeps 53 bits: uniform enough
  }

  /** Whether the fingerprint (hi, lo) is in the set. */
  has(hi: number, lo: number): boolean {
    if (hi === 0 && lo === 0) lo = 1;
    const t = this.table;
    const cap = this.cap;
    let i = FingerprintSet.slot(hi, lo, cap);
    for (;;) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) return false;
      if (a === hi && b === lo) return true;
      if (++i === cap) i = 0;
    }
  }

  /** Inserts (hi, lo); false when it was already there. */
  add(hi: number, lo: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    if (hi === 0 && lo === 0) lo = 1;
    if (this.size >= this.limit) this.grow();
    const t = this.table;
    const cap = this.cap;
    let i = FingerprintSet.slot(hi, lo, cap);
    for (;;) {
      const a = t[2 * i]!;
      const b = t[2 * i + 1]!;
      if (a === 0 && b === 0) {
        t[2 * i] = hi;
        t[2 * i + 1] = lo;
        this.size++;
        return true;
      }
      if (a === hi && b === lo) return false;
      if (++i === cap) i = 0;
    }
  }

  private grow(): void {
    const old = this.table;
    const oldCap = this.cap;
    this.cap = Math.ceil(oldCap * 1.5);
    this.table = FingerprintSet.alloc(this.cap, this.shared);
    this.limit = Math.floor(this.cap * 0.8);
    this.size = 0;
    for (let j = 0; j < oldCap; j++) {
      const a = old[2 * j]!;
      const b = old[2 * j + 1]!;
      if (a !== 0 || b !== 0) this.add(a, b);
    }
  }

  /** Empties the set and keeps its table (a set used again and again allocates nothing). */
  clear(): void {
    this.table.fill(0);
    this.size = 0;
  }

  get bytes(): number {
    return this.table.byteLength;
  }
}

/**
 * TLC's estimate of the probability that two distinct states shared a fingerprint in this run:
 * with n states and 64-bit fingerprints, about n^2 / 2^65 (the expected number of colliding
 * pairs, n(n-1)/2 / 2^64), reported as a probability (at most 1).
 */
export function collisionProbability(n: number): number {
  return Math.min(1, (n * (n - 1)) / 2 / 2 ** 64);
}
