// The spec's definition of a live namespace (the seed's commit message: "keep the specified
// namespace alive ... by either holding the file descriptor open or bind mounting the file"):
// reachable from a task, an open handle or a mount of a live mount namespace, through owner
// (user ns) and parent (pid ns) links. A zombie keeps its cred (user ns) and pid (pid ns). The
// initial namespaces are always live: the kernel threads hold them.
import type { SState } from './state.ts';
import { INITIAL_NS, REAPED, RUNNING } from './state.ts';

/** Which handles are open: referenced from a running task's fd table. */
export function openHandles(s: SState): Uint8Array {
  const open = new Uint8Array(s.handles.length);
  for (const t of s.tasks) {
    if (t.state !== RUNNING) continue;
    for (const h of t.fds.values()) open[h] = 1;
  }
  return open;
}

/** alive[ns] = 1 when something pins the namespace. */
export function reachableNs(s: SState): Uint8Array {
  const alive = new Uint8Array(s.ns.length);
  const stack: number[] = [];
  const mark = (n: number): void => {
    if (n >= 0 && alive[n] === 0) { alive[n] = 1; stack.push(n); }
  };
  // the kernel threads hold init_nsproxy, init_cred and pids in init_pid_ns for the life of the
  // system: the initial namespaces (init's first set, ids 0 .. INITIAL_NS - 1) are never freed
  for (let n = 0; n < INITIAL_NS; n++) mark(n);
  for (const t of s.tasks) {
    if (t.state === REAPED) continue;
    mark(t.userns);
    mark(t.pidns);
    if (t.hasMm) mark(t.mmUserns);
    if (t.ns) for (const n of t.ns) mark(n);
  }
  const open = openHandles(s);
  const heldMounts = new Uint8Array(s.mounts.length);
  for (let i = 0; i < s.handles.length; i++) {
    if (open[i] === 0) continue;
    const h = s.handles[i]!;
    if (h.kind === 'ns') mark(h.ns);
    else if (h.kind !== 'reg') mark(h.pidns);
    if (h.mount >= 0) heldMounts[h.mount] = 1;
  }
  // a detached mount lives while a handle opened through it is open
  for (let m = 0; m < s.mounts.length; m++) if (heldMounts[m] === 1) { mark(s.mounts[m]!.ns); mark(s.mounts[m]!.pidns); }
  while (stack.length > 0) {
    const n = s.ns[stack.pop()!]!;
    mark(n.owner);
    mark(n.parent);
    if (n.kind === 'mnt') for (const m of n.mounts) { mark(s.mounts[m]!.ns); mark(s.mounts[m]!.pidns); } // a link mount pins its task's pid ns
  }
  return alive;
}
