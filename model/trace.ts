// Trace format v1: parsing and validation. A malformed trace is rejected before it runs with
// one message that names the step and the field (DESIGN.md "Trace format v1").
import type { Expect, Op, Step, Trace } from './types.ts';
import { CAPS, ENTRY_NAMES, NS_KINDS, OPEN_FLAGS, OP_NAMES, TRACE_FORMAT } from './types.ts';
import { PROFILE_NAMES } from './profiles.ts';

export class TraceError extends Error {}

const ERRNOS = new Set([
  'EPERM', 'ENOENT', 'ESRCH', 'EBADF', 'ECHILD', 'EAGAIN', 'EACCES', 'EBUSY', 'EEXIST', 'ENOTDIR', 'EISDIR',
  'EINVAL', 'ENOTTY', 'ESPIPE', 'ENOSYS', 'ELOOP', 'ENOMEM', 'ESTALE', 'ENXIO', 'EUSERS',
]);

type FieldKind = 'task' | 'newtask' | 'fd' | 'newfd' | 'ns' | 'newns' | 'path' | 'mount' | 'kinds' | 'nstype'
  | 'flags' | 'caps' | 'uint' | 'bool' | 'string';

/** Fields of each op: [name, kind, required]. */
const FIELDS: Record<Op['op'], [string, FieldKind, boolean][]> = {
  spawn: [['task', 'newtask', true], ['parent', 'task', true], ['newns', 'kinds', false]],
  unshare: [['task', 'task', true], ['newns', 'kinds', true]],
  setns: [['task', 'task', true], ['fd', 'fd', true], ['nstype', 'nstype', true]],
  exit: [['task', 'task', true]],
  reap: [['task', 'task', true]],
  cred: [['task', 'task', true], ['uid', 'uint', false], ['gid', 'uint', false], ['caps', 'caps', false], ['dumpable', 'bool', false]],
  open: [['task', 'task', true], ['path', 'path', true], ['fd', 'newfd', true], ['flags', 'flags', false]],
  close: [['task', 'task', true], ['fd', 'fd', true]],
  dup: [['task', 'task', true], ['fd', 'fd', true], ['as', 'newfd', true]],
  pidfd: [['task', 'task', true], ['target', 'task', true], ['fd', 'newfd', true]],
  readdir: [['task', 'task', true], ['path', 'path', true]],
  readlink: [['task', 'task', true], ['path', 'path', true]],
  stat: [['task', 'task', true], ['path', 'path', false], ['fd', 'fd', false]],
  lseek: [['task', 'task', true], ['fd', 'fd', true]],
  read: [['task', 'task', true], ['fd', 'fd', true]],
  ioctl: [['task', 'task', true], ['fd', 'fd', true], ['request', 'string', true], ['as', 'newfd', false]],
  bind: [['task', 'task', true], ['source', 'path', true], ['target', 'mount', true]],
  umount: [['task', 'task', true], ['target', 'mount', true]],
  nsid: [['task', 'task', true], ['fd', 'fd', false], ['path', 'path', false], ['as', 'newns', true]],
  alive: [['ns', 'ns', true]],
  shrink: [],
};

const EXTRA_STEP_FIELDS = new Set(['op', 'expect', 'note']);
const PROC_PATH = /^\/proc\/([^/]+)\/(ns|fd)(?:\/([^/]+))?$/;

/** Names bound so far while validating. */
interface Scope {
  tasks: Set<string>;
  fds: Set<string>;
  ns: Set<string>;
}

function fail(i: number, op: string, field: string, msg: string): never {
  throw new TraceError(`${i >= 0 ? `step ${i}${op ? ` (${op})` : ''}: ` : ''}field "${field}" ${msg}`);
}

function checkPath(i: number, op: string, field: string, v: unknown, sc: Scope): void {
  if (typeof v !== 'string') fail(i, op, field, 'must be a path string');
  if (v.startsWith('@')) {
    if (!/^@[A-Za-z0-9_.-]+$/.test(v)) fail(i, op, field, `is not a mount name (@name): ${JSON.stringify(v)}`);
    return;
  }
  if (/^\/tmp\/[A-Za-z0-9_.-]+$/.test(v)) return;
  const m = PROC_PATH.exec(v);
  if (!m || (m[2] === 'fd' && m[3] === undefined)) {
    fail(i, op, field, `is not one of /proc/<task>/ns[/<entry>], /proc/<task>/fd/<fd>, @<mount>, /tmp/<file>: ${JSON.stringify(v)}`);
  }
  if (!sc.tasks.has(m[1]!)) fail(i, op, field, `names task "${m[1]}" that no earlier step spawns`);
  if (m[2] === 'fd' && !sc.fds.has(m[3]!)) fail(i, op, field, `names fd "${m[3]}" that no earlier step binds`);
  if (m[2] === 'ns' && m[3] !== undefined && !/^[a-z_]+$/.test(m[3])) fail(i, op, field, `has a malformed entry name ${JSON.stringify(m[3])}`);
}

function checkField(i: number, op: string, name: string, kind: FieldKind, v: unknown, sc: Scope): void {
  const str = () => { if (typeof v !== 'string' || v === '') fail(i, op, name, 'must be a non-empty string'); return v; };
  switch (kind) {
    case 'task': if (!sc.tasks.has(str())) fail(i, op, name, `names task "${v}" that no earlier step spawns`); return;
    case 'newtask': if (sc.tasks.has(str())) fail(i, op, name, `names task "${v}" that already exists`); return;
    case 'fd': if (!sc.fds.has(str())) fail(i, op, name, `names fd "${v}" that no earlier step binds`); return;
    case 'ns': if (!sc.ns.has(str())) fail(i, op, name, `names namespace "${v}" that no earlier nsid binds`); return;
    case 'newfd': case 'newns': case 'string': str(); return;
    case 'path': checkPath(i, op, name, v, sc); return;
    case 'mount': if (typeof v !== 'string' || !/^@[A-Za-z0-9_.-]+$/.test(v)) fail(i, op, name, 'must be a mount name like "@m"'); return;
    case 'uint': if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > 0xfffffffe) fail(i, op, name, 'must be a uid/gid number'); return;
    case 'bool': if (typeof v !== 'boolean') fail(i, op, name, 'must be true or false'); return;
    case 'kinds':
      if (!Array.isArray(v) || v.some((k) => !(NS_KINDS as readonly unknown[]).includes(k))) fail(i, op, name, `must be a list of namespace types (${NS_KINDS.join(', ')})`);
      break;
    case 'nstype': {
      const ok = v === 0 || (NS_KINDS as readonly unknown[]).includes(v) ||
        (Array.isArray(v) && v.length > 0 && v.every((k) => (NS_KINDS as readonly unknown[]).includes(k)));
      if (!ok) fail(i, op, name, 'must be a namespace type, 0, or a list of types');
      break;
    }
    case 'flags':
      if (!Array.isArray(v) || v.some((f) => !(OPEN_FLAGS as readonly unknown[]).includes(f))) fail(i, op, name, `must be a list of ${OPEN_FLAGS.join(', ')}`);
      break;
    case 'caps':
      if (!Array.isArray(v) || v.some((c) => !(CAPS as readonly unknown[]).includes(c))) fail(i, op, name, `must be a list of ${CAPS.join(', ')}`);
      break;
  }
  // these lists are sets (the kernel's CLONE_NEW*, O_* and capability bitmasks): an item twice
  // means nothing, and the models would count a namespace kind twice (a refcount no holder has)
  const twice = Array.isArray(v) ? v.find((x, j) => v.indexOf(x) !== j) : undefined;
  if (twice !== undefined) fail(i, op, name, `names ${JSON.stringify(twice)} twice (it is a set)`);
}

function checkExpect(i: number, op: string, e: unknown, sc: Scope): void {
  if (e === undefined || e === 'ok' || typeof e === 'boolean') return;
  if (typeof e === 'string') {
    if (!ERRNOS.has(e)) fail(i, op, 'expect', `is not "ok", an errno name, a boolean or an object: ${JSON.stringify(e)}`);
    return;
  }
  if (typeof e !== 'object' || e === null || Array.isArray(e)) fail(i, op, 'expect', 'must be "ok", an errno name, a boolean or an object');
  for (const [k, v] of Object.entries(e)) {
    if (k === 'ok' && typeof v === 'boolean') continue;
    if (k === 'errno' && typeof v === 'string' && ERRNOS.has(v)) continue;
    if (k === 'ns' && typeof v === 'string') {
      if (!sc.ns.has(v)) fail(i, op, 'expect.ns', `names namespace "${v}" that no earlier nsid binds`);
      continue;
    }
    if (k === 'names' && Array.isArray(v) && v.every((x) => typeof x === 'string')) continue;
    if (k === 'value' && (typeof v === 'number' || typeof v === 'boolean')) continue;
    if (k === 'text' && typeof v === 'string') continue;
    fail(i, op, `expect.${k}`, 'is not one of ok (boolean), errno (name), ns (name), names (list), value, text');
  }
}

/** The field kinds that name nothing (a value the model reads as is). */
const VALUE_KINDS: ReadonlySet<FieldKind> = new Set(['flags', 'caps', 'uint', 'bool', 'kinds', 'nstype']);

/**
 * Checks one value of an op's field that names nothing (uid, caps, open flags ...) outside a
 * trace: explore's bounds list such values (creds, flagSets). Throws TraceError naming the
 * field, e.g. `field "uid" must be a uid/gid number`.
 */
export function checkOpValue(op: Op['op'], field: string, v: unknown): void {
  const f = FIELDS[op].find((x) => x[0] === field);
  if (!f || !VALUE_KINDS.has(f[1])) throw new TraceError(`field "${field}" is not a value field of ${op} (${FIELDS[op].filter((x) => VALUE_KINDS.has(x[1])).map((x) => x[0]).join(', ')})`);
  checkField(-1, op, field, f[1], v, { tasks: new Set(), fds: new Set(), ns: new Set() });
}

/** Validates steps (binding names as it goes); returns them typed. Throws TraceError. */
export function validateSteps(steps: unknown, extraTasks: readonly string[] = []): Step[] {
  if (!Array.isArray(steps)) throw new TraceError('field "steps" must be a list of steps');
  const sc: Scope = { tasks: new Set(['init', ...extraTasks]), fds: new Set(), ns: new Set() };
  steps.forEach((raw, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new TraceError(`step ${i}: must be an object`);
    const st = raw as Record<string, unknown>;
    const op = st.op;
    if (typeof op !== 'string') fail(i, '', 'op', 'is missing');
    if (!(OP_NAMES as readonly string[]).includes(op)) fail(i, '', 'op', `is not a known op: ${JSON.stringify(op)}`);
    const fields = FIELDS[op as Op['op']];
    const known = new Set(fields.map((f) => f[0]));
    for (const k of Object.keys(st)) if (!known.has(k) && !EXTRA_STEP_FIELDS.has(k)) fail(i, op, k, 'is not a field of this op');
    for (const [name, kind, required] of fields) {
      const v = st[name];
      if (v === undefined) {
        if (required) fail(i, op, name, 'is missing');
        continue;
      }
      if (kind !== 'newtask' && kind !== 'newfd' && kind !== 'newns') checkField(i, op, name, kind, v, sc);
    }
    if ((op === 'stat' || op === 'nsid') && (st.path === undefined) === (st.fd === undefined)) fail(i, op, 'path', 'or "fd" must be given (exactly one)');
    if (op === 'ioctl' && typeof st.request === 'string' && !/^[A-Z_]+$/.test(st.request)) fail(i, op, 'request', 'must be an ioctl name like NS_GET_NSTYPE');
    if (st.note !== undefined && typeof st.note !== 'string') fail(i, op, 'note', 'must be a string');
    // bind the names this step introduces (a name stays bound even if the step fails)
    for (const [name, kind] of fields) {
      const v = st[name];
      if (v === undefined) continue;
      if (kind === 'newtask') { checkField(i, op, name, 'newtask', v, sc); sc.tasks.add(v as string); }
      if (kind === 'newfd') { checkField(i, op, name, 'newfd', v, sc); sc.fds.add(v as string); }
      if (kind === 'newns') { checkField(i, op, name, 'newns', v, sc); sc.ns.add(v as string); }
    }
    checkExpect(i, op, st.expect, sc);
  });
  return steps as Step[];
}

/** Whether ops form a well-formed trace (every name bound before use, every field typed). */
export function wellFormed(ops: readonly unknown[]): boolean {
  try {
    validateSteps(ops);
    return true;
  } catch {
    return false;
  }
}

/**
 * JSON.parse, with a syntax error as one TraceError line: what is wrong and where (line and
 * column), never the text itself (Node's message quotes the source, newlines and all).
 */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const m = (e as Error).message;
    const at = /^(.*?)(?: in JSON)? at position (\d+)/s.exec(m);
    const pos = at ? Number(at[2]) : m === JSON_END ? text.length : badPrefix(text);
    const what = at ? at[1]! : m.startsWith('Unexpected token') ? `Unexpected token ${JSON.stringify(String.fromCodePoint(text.codePointAt(pos) ?? 0))}`
      : m.split(/[\n"]/)[0]!.replace(/[,\s]+$/, ''); // a message of a form not known here: up to where a quote could start
    const before = text.slice(0, pos);
    throw new TraceError(`not valid JSON: ${what} at line ${before.split('\n').length}, column ${pos - before.lastIndexOf('\n')}`);
  }
}

const JSON_END = 'Unexpected end of JSON input';

/**
 * Where JSON.parse stops on `text` when its message says no position ("Unexpected token 'x', ..."):
 * the shortest prefix that already fails other than by ending too soon ends at the bad character.
 */
function badPrefix(text: string): number {
  const fails = (n: number): boolean => {
    try {
      JSON.parse(text.slice(0, n));
      return false;
    } catch (e) {
      const m = (e as Error).message;
      const at = /at position (\d+)/.exec(m);
      return m !== JSON_END && (!at || Number(at[1]) < n);
    }
  };
  let [lo, hi] = [1, text.length];
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (fails(mid)) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/** The top-level fields of a trace: v1's, and this project's extensions (README "Trace format v1"). */
const TRACE_FIELDS = ['format', 'title', 'profile', 'steps', 'description', 'origin', 'violates'];

/** Parses and validates a trace document (a JSON string or a parsed value). */
export function parseTrace(text: string | unknown): Trace {
  const doc = typeof text === 'string' ? parseJson(text) : text;
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new TraceError('a trace must be a JSON object');
  const d = doc as Record<string, unknown>;
  if (d.format !== TRACE_FORMAT) throw new TraceError(`field "format" must be "${TRACE_FORMAT}"`);
  // a misspelt field would be ignored: "profle": "v3.0" would run on the default profile
  for (const k of Object.keys(d)) if (!TRACE_FIELDS.includes(k)) throw new TraceError(`field "${k}" is not a trace field (one of ${TRACE_FIELDS.join(', ')})`);
  for (const k of ['title', 'description', 'violates']) if (d[k] !== undefined && typeof d[k] !== 'string') throw new TraceError(`field "${k}" must be a string`);
  if (d.origin !== undefined && (typeof d.origin !== 'object' || d.origin === null || Array.isArray(d.origin))) throw new TraceError('field "origin" must be an object');
  if (d.profile !== undefined && !(PROFILE_NAMES as readonly unknown[]).includes(d.profile)) {
    throw new TraceError(`field "profile" must be one of ${PROFILE_NAMES.join(', ')}`);
  }
  const steps = validateSteps(d.steps);
  return { ...(d as object), steps } as Trace;
}

/** Whether an outcome meets an expectation; `nsOf` maps a namespace name to the backend's identity. */
export function meets(expect: Expect | undefined, o: { errno?: string; ns?: string; names?: string[]; value?: number | boolean; text?: string },
  nsOf: (name: string) => string | undefined): boolean {
  if (expect === undefined) return true;
  if (expect === 'ok') return o.errno === undefined;
  if (typeof expect === 'boolean') return o.errno === undefined && o.value === expect;
  if (typeof expect === 'string') return o.errno === expect;
  if (expect.ok !== undefined && (o.errno === undefined) !== expect.ok) return false;
  if (expect.errno !== undefined && o.errno !== expect.errno) return false;
  if ((expect.ns !== undefined || expect.names !== undefined || expect.value !== undefined || expect.text !== undefined) && o.errno !== undefined) return false;
  if (expect.text !== undefined && o.text !== expect.text) return false;
  if (expect.ns !== undefined) {
    const id = nsOf(expect.ns);
    if (id === undefined || o.ns !== id) return false;
  }
  if (expect.names !== undefined && (o.names ?? []).join('\n') !== expect.names.join('\n')) return false;
  if (expect.value !== undefined && o.value !== expect.value) return false;
  return true;
}

export const KNOWN_ENTRIES = ENTRY_NAMES;
