// How both model levels write the Maps of their states. A state is flat records in arrays plus
// a few Maps; a copy (cloneKState, cloneSState) spreads every record and shares the Maps,
// because a state's Maps are values: a writer replaces a Map instead of mutating it (the
// fields are typed ReadonlyMap, so the compiler holds every writer to this).

/** A Map with one more entry (or one changed): the way a state's Maps are written. */
export function mapWith<K, V>(m: ReadonlyMap<K, V>, k: K, v: V): Map<K, V> {
  const r = new Map(m);
  r.set(k, v);
  return r;
}

/** A Map without `k`. */
export function mapWithout<K, V>(m: ReadonlyMap<K, V>, k: K): Map<K, V> {
  const r = new Map(m);
  r.delete(k);
  return r;
}

/** Element-wise equality of two number lists (the same list counts as equal at once). */
export function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
