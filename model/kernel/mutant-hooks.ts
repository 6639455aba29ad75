// The one mechanism by which a seeded bug (model/mutants) changes the simulation: a named
// switch read at the line of kernel code the bug lives in. Off (null) in the faithful model.
let active: ReadonlySet<string> | null = null;

/** Whether the seeded bug `name` is switched on. */
export function mutant(name: string): boolean {
  return active !== null && active.has(name);
}

/** Switches on exactly `names` (an empty list or null switches every bug off). */
export function setMutants(names: readonly string[] | null): void {
  active = names && names.length > 0 ? new Set(names) : null;
}

export function activeMutants(): string[] {
  return active ? [...active] : [];
}
