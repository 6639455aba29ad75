// Running op sequences through the checker, and shrinking a failing one at the trace level
// (after fast-check's own shrinking of the choice sequence): delete chunks, then single steps,
// keeping a candidate when it is still well formed and still breaks the same property; finally
// rename tasks, fds and namespaces in order of first use.
import type { Op, Step } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import { wellFormed } from '../model/trace.ts';
import { Checker, violationKey } from './harness.ts';
import type { Violation } from './harness.ts';

/** Runs ops from the initial state; stops at the first violation. */
export function runOps(profile: Profile, ops: readonly Op[], ignore?: ReadonlySet<string>): { violation: Violation | null; checker: Checker } {
  const checker = new Checker(profile, ignore ? { ignore } : {});
  for (const op of ops) {
    const r = checker.apply(op);
    if (r.violation) return { violation: r.violation.masked ? null : r.violation, checker };
  }
  return { violation: null, checker };
}

/** The shortest prefix that still fails, then greedy deletion (ddmin-style). */
export function minimize(profile: Profile, ops: readonly Op[], key: string, ignore?: ReadonlySet<string>): Op[] {
  const fails = (c: readonly Op[]): boolean => {
    if (!wellFormed(c)) return false;
    const v = runOps(profile, c, ignore).violation;
    return v !== null && violationKey(v.property, v.detail) === key;
  };
  let cur = ops.slice();
  const first = runOps(profile, cur, ignore).violation;
  if (first) cur = cur.slice(0, first.step + 1);
  for (let chunk = Math.max(1, cur.length >> 1); chunk >= 1; chunk >>= 1) {
    let changed = true;
    while (changed) {
      changed = false;
      for (let i = 0; i + chunk <= cur.length; i++) {
        const cand = [...cur.slice(0, i), ...cur.slice(i + chunk)];
        if (cand.length > 0 && fails(cand)) {
          cur = cand;
          changed = true;
          i--;
        }
      }
    }
  }
  const renamed = rename(cur);
  return fails(renamed) ? renamed : cur;
}

/** Renames tasks t1.., fds f1.., namespaces N1.. in order of first binding. */
export function rename(ops: readonly Op[]): Op[] {
  const tasks = new Map<string, string>([['init', 'init']]);
  const fds = new Map<string, string>();
  const ns = new Map<string, string>();
  const bind = (m: Map<string, string>, prefix: string, v: string): string => {
    let r = m.get(v);
    if (r === undefined) { r = `${prefix}${m.size + (prefix === 't' ? 0 : 1)}`; m.set(v, r); }
    return r;
  };
  const T = (v: string) => tasks.get(v) ?? v;
  const Fd = (v: string) => fds.get(v) ?? v;
  const path = (p: string) => p.replace(/^\/proc\/([^/]+)\/(ns|fd)(\/[^/]+)?$/, (_m, t: string, k: string, rest?: string) =>
    `/proc/${T(t)}/${k}${rest === undefined ? '' : k === 'fd' ? `/${Fd(rest.slice(1))}` : rest}`);
  return ops.map((op): Op => {
    const o = { ...op } as Record<string, unknown> & Step;
    for (const k of ['task', 'parent', 'target'] as const) {
      if (typeof o[k] === 'string' && !(k === 'target' && (o[k] as string).startsWith('@'))) {
        if (k === 'task' && op.op === 'spawn') o[k] = bind(tasks, 't', o[k] as string);
        else o[k] = T(o[k] as string);
      }
    }
    for (const k of ['path', 'source'] as const) if (typeof o[k] === 'string') o[k] = path(o[k] as string);
    if (typeof o.fd === 'string') o.fd = op.op === 'open' || op.op === 'pidfd' ? bind(fds, 'f', o.fd) : Fd(o.fd);
    if (typeof o.as === 'string') o.as = op.op === 'nsid' ? bind(ns, 'N', o.as) : bind(fds, 'f', o.as);
    if (op.op === 'alive') o.ns = ns.get(op.ns) ?? op.ns;
    return o as Op;
  });
}
