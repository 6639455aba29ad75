// Trace format v1 validation (model/trace.ts), called directly: a malformed trace is refused
// before it runs with one TraceError that names the step, the op and the field, for every
// field of every op and every way a field can be wrong (the messages are what `procns replay`
// prints, tests/cli.test.ts). Also `meets`, the expect check every replay uses. In npm test and
// the Stryker suites (model/mutants/README.md).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkOpValue, meets, parseJson, parseTrace, TraceError, validateSteps, wellFormed } from '../model/trace.ts';
import { PROFILES } from '../model/profiles.ts';
import { initialSState } from '../model/spec/state.ts';
import { Alphabet, DEFAULT_BOUNDS } from '../properties/alphabet.ts';
import { exploreBounds } from '../explore/index.ts';
import { COVER_BOUNDS } from '../explore/cover.ts';
import { SCENARIO_DIR } from '../scenarios/index.ts';
import { CAPS, NS_KINDS, OP_NAMES, OPEN_FLAGS } from '../model/types.ts';
import type { Expect, OpName, Outcome } from '../model/types.ts';

type Raw = Record<string, unknown>;

/** Steps 0 to 2 bind task t, fd f and namespace N; the step under test is step 3. */
const PRE: Raw[] = [
  { op: 'spawn', task: 't', parent: 'init' },
  { op: 'open', task: 't', path: '/proc/t/ns/net', fd: 'f' },
  { op: 'nsid', task: 't', fd: 'f', as: 'N' },
];

/** One well-formed step per op with every optional field given. */
const FULL: Record<OpName, Raw> = {
  spawn: { op: 'spawn', task: 'u', parent: 't', newns: ['net', 'user'] },
  unshare: { op: 'unshare', task: 't', newns: ['uts'] },
  setns: { op: 'setns', task: 't', fd: 'f', nstype: 'net' },
  exit: { op: 'exit', task: 't' },
  reap: { op: 'reap', task: 't' },
  cred: { op: 'cred', task: 't', uid: 1000, gid: 1000, caps: ['CAP_SYS_ADMIN'], dumpable: false },
  open: { op: 'open', task: 't', path: '/proc/t/ns/uts', fd: 'g', flags: ['O_RDONLY'] },
  close: { op: 'close', task: 't', fd: 'f' },
  dup: { op: 'dup', task: 't', fd: 'f', as: 'g' },
  pidfd: { op: 'pidfd', task: 't', target: 'init', fd: 'g' },
  readdir: { op: 'readdir', task: 't', path: '/proc/t/ns' },
  readlink: { op: 'readlink', task: 't', path: '/proc/t/ns/net' },
  stat: { op: 'stat', task: 't', path: '/proc/t/fd/f' },
  lseek: { op: 'lseek', task: 't', fd: 'f' },
  read: { op: 'read', task: 't', fd: 'f' },
  ioctl: { op: 'ioctl', task: 't', fd: 'f', request: 'NS_GET_USERNS', as: 'g' },
  bind: { op: 'bind', task: 't', source: '/proc/t/ns/net', target: '@m' },
  umount: { op: 'umount', task: 't', target: '@m' },
  nsid: { op: 'nsid', task: 't', path: '/proc/t/ns/net', as: 'M' },
  alive: { op: 'alive', ns: 'N' },
  shrink: { op: 'shrink' },
};

/** The kind of each field (DESIGN.md "Trace format v1"); `!` marks a required field. */
const KIND: Record<OpName, Record<string, string>> = {
  spawn: { task: 'newtask!', parent: 'task!', newns: 'kinds' },
  unshare: { task: 'task!', newns: 'kinds!' },
  setns: { task: 'task!', fd: 'fd!', nstype: 'nstype!' },
  exit: { task: 'task!' },
  reap: { task: 'task!' },
  cred: { task: 'task!', uid: 'uint', gid: 'uint', caps: 'caps', dumpable: 'bool' },
  open: { task: 'task!', path: 'path!', fd: 'newfd!', flags: 'flags' },
  close: { task: 'task!', fd: 'fd!' },
  dup: { task: 'task!', fd: 'fd!', as: 'newfd!' },
  pidfd: { task: 'task!', target: 'task!', fd: 'newfd!' },
  readdir: { task: 'task!', path: 'path!' },
  readlink: { task: 'task!', path: 'path!' },
  stat: { task: 'task!', path: 'path', fd: 'fd' },
  lseek: { task: 'task!', fd: 'fd!' },
  read: { task: 'task!', fd: 'fd!' },
  ioctl: { task: 'task!', fd: 'fd!', request: 'string!', as: 'newfd' },
  bind: { task: 'task!', source: 'path!', target: 'mount!' },
  umount: { task: 'task!', target: 'mount!' },
  nsid: { task: 'task!', fd: 'fd', path: 'path', as: 'newns!' },
  alive: { ns: 'ns!' },
  shrink: {},
};

const NONEMPTY = 'must be a non-empty string';
const list = (xs: readonly string[]): string => xs.join(', ');
const PATH_FORMS = 'is not one of /proc/<task>/ns[/<entry>], /proc/<task>/fd/<fd>, @<mount>, /tmp/<file>';

/** Bad values of each field kind, with the end of the message each gets. */
const BAD: Record<string, [unknown, string][]> = {
  task: [['ghost', 'names task "ghost" that no earlier step spawns'], ['', NONEMPTY], [5, NONEMPTY], [null, NONEMPTY]],
  newtask: [['t', 'names task "t" that already exists'], ['init', 'names task "init" that already exists'], ['', NONEMPTY], [1, NONEMPTY]],
  fd: [['nope', 'names fd "nope" that no earlier step binds'], ['', NONEMPTY], [7, NONEMPTY]],
  newfd: [['', NONEMPTY], [3, NONEMPTY], [['g'], NONEMPTY]],
  newns: [['', NONEMPTY], [false, NONEMPTY]],
  string: [['', NONEMPTY], [9, NONEMPTY]],
  ns: [['Z', 'names namespace "Z" that no earlier nsid binds'], ['', NONEMPTY], [0, NONEMPTY]],
  mount: [['m', 'must be a mount name like "@m"'], ['@', 'must be a mount name like "@m"'], ['@a b', 'must be a mount name like "@m"'],
    ['x@m', 'must be a mount name like "@m"'], ['@m/x', 'must be a mount name like "@m"'], [5, 'must be a mount name like "@m"'],
    [['@m'], 'must be a mount name like "@m"']],
  uint: [[-1, 'must be a uid/gid number'], [1.5, 'must be a uid/gid number'], ['0', 'must be a uid/gid number'],
    [0xffffffff, 'must be a uid/gid number'], [true, 'must be a uid/gid number']],
  bool: [[1, 'must be true or false'], ['true', 'must be true or false']],
  // (the lists are sets, as the kernel's bitmasks: an item twice is refused)
  kinds: [['net', `must be a list of namespace types (${list(NS_KINDS)})`], [['net', 'bogus'], `must be a list of namespace types (${list(NS_KINDS)})`],
    [[0], `must be a list of namespace types (${list(NS_KINDS)})`], [['net', 'net'], 'names "net" twice (it is a set)'],
    [['pid', 'user', 'mnt', 'pid'], 'names "pid" twice (it is a set)']],
  nstype: [[[], 'must be a namespace type, 0, or a list of types'], [1, 'must be a namespace type, 0, or a list of types'],
    ['bogus', 'must be a namespace type, 0, or a list of types'], [['net', 'x'], 'must be a namespace type, 0, or a list of types'],
    [[0], 'must be a namespace type, 0, or a list of types'], [['net', 'uts', 'net'], 'names "net" twice (it is a set)']],
  flags: [['O_RDONLY', `must be a list of ${list(OPEN_FLAGS)}`], [['O_RDONLY', 'O_BOGUS'], `must be a list of ${list(OPEN_FLAGS)}`],
    [['O_PATH', 'O_PATH'], 'names "O_PATH" twice (it is a set)']],
  caps: [['CAP_SYS_ADMIN', `must be a list of ${list(CAPS)}`], [['CAP_NET_ADMIN'], `must be a list of ${list(CAPS)}`],
    [['CAP_SYS_ADMIN', 'CAP_SYS_PTRACE', 'CAP_SYS_ADMIN'], 'names "CAP_SYS_ADMIN" twice (it is a set)']],
  path: [
    [5, 'must be a path string'],
    ['@', 'is not a mount name (@name): "@"'], ['@a/b', 'is not a mount name (@name): "@a/b"'], ['@a b', 'is not a mount name (@name): "@a b"'],
    ['/tmp/a/b', `${PATH_FORMS}: "/tmp/a/b"`], ['/tmp/', `${PATH_FORMS}: "/tmp/"`], ['x/tmp/a', `${PATH_FORMS}: "x/tmp/a"`],
    ['/proc/t/fd', `${PATH_FORMS}: "/proc/t/fd"`], ['/proc/t/net', `${PATH_FORMS}: "/proc/t/net"`], ['/proc/t/ns/', `${PATH_FORMS}: "/proc/t/ns/"`],
    ['/proc/t/ns/net/x', `${PATH_FORMS}: "/proc/t/ns/net/x"`], ['proc/t/ns', `${PATH_FORMS}: "proc/t/ns"`], ['x/proc/t/ns', `${PATH_FORMS}: "x/proc/t/ns"`], ['/proc/t/ns/netx/', `${PATH_FORMS}: "/proc/t/ns/netx/"`],
    ['/proc/ghost/ns', 'names task "ghost" that no earlier step spawns'], ['/proc/ghost/fd/f', 'names task "ghost" that no earlier step spawns'],
    ['/proc/t/fd/zz', 'names fd "zz" that no earlier step binds'],
    ['/proc/t/ns/Net', 'has a malformed entry name "Net"'], ['/proc/t/ns/net2', 'has a malformed entry name "net2"'],
  ],
};

/** Good values of each field kind (bound names: task t, fd f, namespace N). */
const GOOD: Record<string, unknown[]> = {
  task: ['t', 'init'], newtask: ['u', 'x-1'], fd: ['f'], newfd: ['g', 'f'], newns: ['M', 'N'], string: ['NS_GET_ID'], ns: ['N'],
  mount: ['@m', '@A-z_0.9'], uint: [0, 1000, 0xfffffffe], bool: [true, false], kinds: [[], ['net'], [...NS_KINDS]],
  nstype: [0, 'net', 'time', ['net', 'pid'], [...NS_KINDS]], flags: [[], ['O_PATH', 'O_NOFOLLOW'], [...OPEN_FLAGS]], caps: [[], [...CAPS]],
  path: ['@m', '/tmp/x', '/tmp/a.b-c_1', '/proc/t/ns', '/proc/t/ns/net', '/proc/init/ns/time_for_children', '/proc/t/ns/bogus', '/proc/t/fd/f'],
};

/** The message validateSteps throws for steps, or 'ok'. */
function verdict(steps: unknown, extraTasks?: string[]): string {
  try {
    validateSteps(steps, extraTasks);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(TraceError);
    return (e as Error).message;
  }
}
const at3 = (step: Raw): string => verdict([...PRE, step]);
const msg = (op: string, field: string, rest: string): string => `step 3 (${op}): field "${field}" ${rest}`;

describe('trace v1 validation: every field of every op', () => {
  it('the table covers every op, and one full step per op is well formed (and returned as given)', () => {
    expect(Object.keys(FULL).sort()).toEqual([...OP_NAMES].sort());
    for (const op of OP_NAMES) {
      // (stat and nsid take path or fd, exactly one: FULL gives path)
      const fields = Object.keys(KIND[op]).filter((k) => !((op === 'stat' || op === 'nsid') && k === 'fd'));
      expect(Object.keys(FULL[op]).filter((k) => k !== 'op').sort(), op).toEqual(fields.sort());
      const steps = [...PRE, FULL[op]];
      expect(at3(FULL[op]), op).toBe('ok');
      expect(validateSteps(steps)).toBe(steps);
      expect(wellFormed(steps)).toBe(true);
    }
  });

  it('a required field left out is refused, naming the step, the op and the field; an optional one may be left out', () => {
    for (const op of OP_NAMES) {
      for (const [field, kind] of Object.entries(KIND[op])) {
        const { [field]: _, ...rest } = FULL[op];
        const want = kind.endsWith('!') ? msg(op, field, 'is missing')
          // stat and nsid: exactly one of path and fd (FULL gives path)
          : (op === 'stat' || op === 'nsid') && field === 'path' ? msg(op, 'path', 'or "fd" must be given (exactly one)') : 'ok';
        expect(at3(rest), `${op} without ${field}`).toBe(want);
        expect(wellFormed([...PRE, rest])).toBe(want === 'ok');
      }
    }
  });

  it('every field of every op refuses each bad value of its kind with its own message', () => {
    let cases = 0;
    for (const op of OP_NAMES) {
      for (const [field, k] of Object.entries(KIND[op])) {
        const kind = k.replace('!', '');
        for (const [v, rest] of BAD[kind]!) {
          expect(at3({ ...FULL[op], [field]: v }), `${op}.${field} = ${JSON.stringify(v)}`).toBe(msg(op, field, rest));
          cases++;
        }
        for (const v of GOOD[kind]!) {
          // a new name may not repeat a task; stat/nsid take path or fd, not both
          const step = { ...FULL[op], [field]: v };
          if ((op === 'stat' || op === 'nsid') && (field === 'fd')) delete step.path;
          expect(at3(step), `${op}.${field} = ${JSON.stringify(v)}`).toBe('ok');
        }
      }
    }
    expect(cases).toBeGreaterThan(150);
  });

  it('refuses a field the op does not have, stat / nsid with both or neither of path and fd, a bad ioctl name, a non-string note', () => {
    for (const op of OP_NAMES) {
      expect(at3({ ...FULL[op], bogus: 1 }), op).toBe(msg(op, 'bogus', 'is not a field of this op'));
      expect(at3({ ...FULL[op], note: 'why', expect: 'ok' }), op).toBe('ok');
      expect(at3({ ...FULL[op], note: 5 }), op).toBe(msg(op, 'note', 'must be a string'));
    }
    expect(at3({ op: 'alive', ns: 'N', task: 't' })).toBe(msg('alive', 'task', 'is not a field of this op'));
    for (const op of ['stat', 'nsid']) {
      expect(at3({ ...FULL[op as OpName], fd: 'f' }), op).toBe(msg(op, 'path', 'or "fd" must be given (exactly one)'));
      const { path: _, ...neither } = FULL[op as OpName];
      expect(at3(neither), op).toBe(msg(op, 'path', 'or "fd" must be given (exactly one)'));
    }
    for (const r of ['ns_get_id', 'NS-GET', 'NS GET', 'NS_GET_ID2']) expect(at3({ ...FULL.ioctl, request: r }), r).toBe(msg('ioctl', 'request', 'must be an ioctl name like NS_GET_NSTYPE'));
    expect(at3({ ...FULL.ioctl, request: 'NS_BOGUS' })).toBe('ok'); // unknown names are the backend's ENOTTY
  });

  it('refuses a step that is not an object or has no known op', () => {
    for (const s of [null, 5, 'spawn', ['op']]) expect(at3(s as unknown as Raw), JSON.stringify(s)).toBe('step 3: must be an object');
    expect(at3({ task: 't' })).toBe('step 3: field "op" is missing');
    expect(at3({ op: 7 })).toBe('step 3: field "op" is missing');
    expect(at3({ op: 'fork', task: 't' })).toBe('step 3: field "op" is not a known op: "fork"');
    expect(at3({ op: 'toString' })).toBe('step 3: field "op" is not a known op: "toString"');
    for (const s of [{}, null, 'steps', 3]) expect(verdict(s), JSON.stringify(s)).toBe('field "steps" must be a list of steps');
    expect(verdict([])).toBe('ok');
  });
});

describe('trace v1 validation: names are bound by earlier steps', () => {
  it('a task, an fd or a namespace name is usable from the step after the one that binds it, never before', () => {
    expect(verdict([{ op: 'spawn', task: 'u', parent: 'u' }])).toBe('step 0 (spawn): field "parent" names task "u" that no earlier step spawns');
    expect(verdict([{ op: 'close', task: 'init', fd: 'g' }, { op: 'open', task: 'init', path: '/tmp/x', fd: 'g' }]))
      .toBe('step 0 (close): field "fd" names fd "g" that no earlier step binds');
    expect(verdict([{ op: 'open', task: 'init', path: '/tmp/x', fd: 'g' }, { op: 'close', task: 'init', fd: 'g' }])).toBe('ok');
    expect(verdict([{ op: 'open', task: 'init', path: '/proc/init/fd/g', fd: 'g' }])).toBe('step 0 (open): field "path" names fd "g" that no earlier step binds');
    expect(verdict([{ op: 'alive', ns: 'A' }, { op: 'nsid', task: 'init', path: '/proc/init/ns/net', as: 'A' }]))
      .toBe('step 0 (alive): field "ns" names namespace "A" that no earlier nsid binds');
    // a step's own new name is bound for its expect (nsid ... as A, expect {ns: A})
    expect(verdict([{ op: 'nsid', task: 'init', path: '/proc/init/ns/net', as: 'A', expect: { ns: 'A' } }])).toBe('ok');
    // every kind of new name: dup as, ioctl as, pidfd fd, spawn task
    expect(verdict([
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'pidfd', task: 'init', target: 'a', fd: 'p' }, { op: 'dup', task: 'a', fd: 'p', as: 'q' },
      { op: 'ioctl', task: 'a', fd: 'q', request: 'NS_GET_USERNS', as: 'r' }, { op: 'read', task: 'a', fd: 'r' },
      { op: 'nsid', task: 'a', fd: 'r', as: 'R' }, { op: 'alive', ns: 'R' }, { op: 'exit', task: 'a' },
    ])).toBe('ok');
    // a name stays bound even when its step would fail when run
    expect(verdict([{ op: 'open', task: 'init', path: '/proc/init/ns/bogus', fd: 'g', expect: 'ENOENT' }, { op: 'close', task: 'init', fd: 'g' }])).toBe('ok');
  });

  it('a step is checked (the names it uses, every field\'s type, the path-or-fd rule) before the names it introduces', () => {
    expect(at3({ op: 'spawn', task: 'init', parent: 'ghost' })).toBe(msg('spawn', 'parent', 'names task "ghost" that no earlier step spawns'));
    expect(at3({ op: 'open', task: 't', path: '/tmp/x', fd: '', flags: 'O_RDONLY' })).toBe(msg('open', 'flags', `must be a list of ${list(OPEN_FLAGS)}`));
    expect(at3({ op: 'nsid', task: 't', path: '/tmp/x', fd: 'f', as: '' })).toBe(msg('nsid', 'path', 'or "fd" must be given (exactly one)'));
    expect(at3({ op: 'ioctl', task: 't', fd: 'f', request: 'bad', as: '' })).toBe(msg('ioctl', 'request', 'must be an ioctl name like NS_GET_NSTYPE'));
    expect(at3({ op: 'dup', task: 't', fd: 'f', as: 'g', note: 1 })).toBe(msg('dup', 'note', 'must be a string'));
    expect(at3({ op: 'dup', task: 't', fd: 'f', as: '', note: 1 })).toBe(msg('dup', 'note', 'must be a string'));
  });

  it('extra task names given by the caller count as spawned', () => {
    expect(verdict([{ op: 'exit', task: 'x' }], ['x'])).toBe('ok');
    expect(verdict([{ op: 'exit', task: 'x' }])).toBe('step 0 (exit): field "task" names task "x" that no earlier step spawns');
    expect(verdict([{ op: 'spawn', task: 'x', parent: 'init' }], ['x'])).toBe('step 0 (spawn): field "task" names task "x" that already exists');
  });

  it('property: in a chain of valid steps, one bad field is reported at its own step index, whatever comes before and after', () => {
    const ops = OP_NAMES.filter((o) => o !== 'spawn');
    fc.assert(fc.property(
      fc.array(fc.constantFrom(...ops), { maxLength: 8 }), fc.constantFrom(...ops), fc.array(fc.constantFrom(...ops), { maxLength: 3 }),
      (before, bad, after) => {
        const steps = [...PRE, ...before.map((o) => FULL[o]), { ...FULL[bad], bogus: true }, ...after.map((o) => FULL[o])];
        const i = PRE.length + before.length;
        expect(verdict(steps)).toBe(`step ${i} (${bad}): field "bogus" is not a field of this op`);
        expect(verdict(steps.filter((_, j) => j !== i))).toBe('ok');
      },
    ), { seed: 5, numRuns: 200 });
  });
});

describe('trace v1 validation: expect', () => {
  const withExpect = (e: unknown): string => at3({ ...FULL.readlink, expect: e });
  const OBJ = 'is not one of ok (boolean), errno (name), ns (name), names (list), value, text';
  it('accepts "ok", an errno name, a boolean, and an object of ok / errno / ns / names / value / text', () => {
    for (const e of [undefined, 'ok', true, false, 'EPERM', 'EUSERS', 'ESTALE', {}, { ok: true }, { ok: false, errno: 'EACCES' }, { ns: 'N' },
      { names: [] }, { names: ['net', 'uts'] }, { value: 3 }, { value: false }, { text: 'net' }, { ok: true, ns: 'N', names: ['a'], value: 0, text: '' }]) {
      expect(withExpect(e), JSON.stringify(e)).toBe('ok');
    }
  });
  it('refuses anything else, naming the step and expect or expect.<key>', () => {
    expect(withExpect('EWHAT')).toBe(msg('readlink', 'expect', 'is not "ok", an errno name, a boolean or an object: "EWHAT"'));
    expect(withExpect('')).toBe(msg('readlink', 'expect', 'is not "ok", an errno name, a boolean or an object: ""'));
    for (const e of [5, null, [], ['ok']]) expect(withExpect(e), JSON.stringify(e)).toBe(msg('readlink', 'expect', 'must be "ok", an errno name, a boolean or an object'));
    expect(withExpect({ ns: 'Z' })).toBe(msg('readlink', 'expect.ns', 'names namespace "Z" that no earlier nsid binds'));
    expect(withExpect({ ns: 'EPERM' })).toBe(msg('readlink', 'expect.ns', 'names namespace "EPERM" that no earlier nsid binds'));
    // (each key with a value that another key would take: a boolean, an errno name, a list of strings)
    for (const [k, v] of [['ok', 'yes'], ['ok', []], ['errno', 'EWHAT'], ['errno', 5], ['errno', true], ['ns', 5], ['ns', true], ['names', 'net'],
      ['names', [1]], ['names', 'EPERM'], ['value', 'x'], ['value', ['x']], ['text', 5], ['text', false], ['foo', 1], ['foo', 'EPERM']] as const) {
      expect(withExpect({ [k]: v }), `${k}: ${JSON.stringify(v)}`).toBe(msg('readlink', `expect.${k}`, OBJ));
    }
  });
});

describe('parseTrace', () => {
  const doc = { format: 'procns-trace/1', title: 't', profile: 'v3.0', description: 'd', origin: { seed: 1 }, steps: [{ op: 'exit', task: 'init' }] };
  it('parses a document from text or from a value, keeping its extension fields', () => {
    expect(parseTrace(JSON.stringify(doc))).toEqual(doc);
    expect(parseTrace(doc)).toEqual(doc);
    for (const p of ['seed', 'v3.0', 'v3.8', 'v6.18', undefined]) expect(parseTrace({ ...doc, profile: p }).profile).toBe(p);
  });
  const err = (x: unknown): string => { try { parseTrace(x); return 'ok'; } catch (e) { expect(e).toBeInstanceOf(TraceError); return (e as Error).message; } };
  it('refuses bad JSON, a non-object, a wrong format, title or profile, and bad steps, each with one TraceError', () => {
    expect(err('{"format": ')).toMatch(/^not valid JSON: ./);
    for (const x of ['[]', 'null', '"x"', '3', [], null, 3]) expect(err(x), JSON.stringify(x)).toBe('a trace must be a JSON object');
    for (const f of ['procns-trace/2', undefined, 1]) expect(err({ ...doc, format: f })).toBe('field "format" must be "procns-trace/1"');
    expect(err({ ...doc, title: 5 })).toBe('field "title" must be a string');
    expect(err({ ...doc, title: undefined })).toBe('ok');
    for (const p of ['v2.6', 6.18, null]) expect(err({ ...doc, profile: p })).toBe('field "profile" must be one of seed, v3.0, v3.8, v6.18');
    expect(err({ ...doc, steps: undefined })).toBe('field "steps" must be a list of steps');
    expect(err({ ...doc, steps: [{ op: 'exit', task: 'nobody' }] })).toBe('step 0 (exit): field "task" names task "nobody" that no earlier step spawns');
  });
  it('refuses a top-level field it does not know (a misspelt "profile" would run on the default), and mistyped extensions', () => {
    const known = 'one of format, title, profile, steps, description, origin, violates';
    expect(err({ ...doc, profle: 'v3.0' })).toBe(`field "profle" is not a trace field (${known})`);
    expect(err({ ...doc, Steps: [] })).toBe(`field "Steps" is not a trace field (${known})`);
    expect(err({ ...doc, violates: 'identity' })).toBe('ok');
    for (const k of ['description', 'violates']) expect(err({ ...doc, [k]: 5 })).toBe(`field "${k}" must be a string`);
    for (const o of ['x', [], null]) expect(err({ ...doc, origin: o }), JSON.stringify(o)).toBe('field "origin" must be an object');
  });
  it('every trace committed under scenarios/ (its subfolders too) uses only the fields it knows', () => {
    const files = readdirSync(SCENARIO_DIR, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(100);
    for (const f of files) expect(err(readFileSync(join(SCENARIO_DIR, f), 'utf8')), f).toBe('ok');
  });
});

describe('parseJson: a syntax error in one line, with its line and column, never the text', () => {
  const err = (text: string): string => { try { parseJson(text); return 'ok'; } catch (e) { expect(e).toBeInstanceOf(TraceError); return (e as Error).message; } };
  it('says where, whether or not Node\'s message gives a position', () => {
    // Node quotes the source around an unexpected token (newlines and all) and gives no position
    expect(err('{\n"format": "procns-trace/1",\n"steps": [\n x\n]\n}\n')).toBe('not valid JSON: Unexpected token "x" at line 4, column 2');
    expect(err('root:*:20200:0:99999:7:::\n')).toBe('not valid JSON: Unexpected token "r" at line 1, column 1');
    expect(err('[1,\n\n  ]')).toBe('not valid JSON: Unexpected token "]" at line 3, column 3');
    expect(err('[\u0001]')).toBe('not valid JSON: Unexpected token "\\u0001" at line 1, column 2');
    expect(err('{\n"depth": 1,\n x\n}')).toBe('not valid JSON: Expected double-quoted property name at line 3, column 2');
    expect(err('{"a": 1}\n}')).toBe('not valid JSON: Unexpected non-whitespace character after JSON at line 2, column 1');
    expect(err('{"a": "b\nc"}')).toBe('not valid JSON: Bad control character in string literal at line 1, column 9');
    expect(err('{"a": [')).toBe('not valid JSON: Unexpected end of JSON input at line 1, column 8');
    expect(err('')).toBe('not valid JSON: Unexpected end of JSON input at line 1, column 1');
    expect(err('{"a": [1, 2]}')).toBe('ok');
  });
  it('property: one character put into a document: the place named is where Node\'s parser stopped, and holds the token it names', () => {
    fc.assert(fc.property(fc.json(), fc.nat(), fc.constantFrom('x', '}', ']', ':', '#'), (json, k, bad) => {
      const text = JSON.stringify(JSON.parse(json), null, 1);
      const at = k % (text.length + 1);
      const broken = text.slice(0, at) + bad + text.slice(at);
      let node = '';
      try { JSON.parse(broken); return; } catch (e) { node = (e as Error).message; }
      const m = err(broken);
      expect(m).not.toContain('\n');
      const [, line, col] = /at line (\d+), column (\d+)$/.exec(m)!.map(Number);
      const pos = broken.split('\n').slice(0, line! - 1).reduce((n, l) => n + l.length + 1, 0) + col! - 1;
      expect(pos).toBeGreaterThanOrEqual(at); // (what comes before the insertion is a valid start)
      const given = /at position (\d+)/.exec(node)?.[1];
      if (given !== undefined) expect(pos).toBe(Number(given));
      const token = /^Unexpected token '(.+?)', /su.exec(node)?.[1];
      if (token !== undefined) expect(broken[pos]).toBe(token);
    }), { seed: 3, numRuns: 300 });
  });
});

describe('the alphabet never offers a set with an item twice', () => {
  it('newns, nstype, open flags and caps of every op it enumerates pass the trace checks, on every profile and every default bound', () => {
    const seen = new Set<string>();
    for (const p of Object.values(PROFILES)) {
      for (const bounds of [DEFAULT_BOUNDS, exploreBounds(p), { ...exploreBounds(p), ...COVER_BOUNDS }]) {
        // (the value domains do not depend on the state; an fd name lets setns apply)
        for (const op of new Alphabet(p, bounds).enumerate(initialSState(p), { fds: ['f1'], ns: ['N1'] })) {
          for (const [k, v] of Object.entries(op)) {
            if (!Array.isArray(v)) continue;
            expect(() => checkOpValue(op.op, k, v), JSON.stringify(op)).not.toThrow();
            seen.add(`${op.op}.${k}`);
          }
        }
      }
    }
    expect([...seen].sort()).toEqual(['cred.caps', 'open.flags', 'setns.nstype', 'spawn.newns', 'unshare.newns']);
  });
});

describe('meets: an outcome against an expect', () => {
  const ids: Record<string, string> = { A: '7', B: '8' };
  const nsOf = (n: string): string | undefined => ids[n];
  const errno = fc.constantFrom('EPERM', 'ENOENT', 'EBADF', 'EINVAL') as fc.Arbitrary<NonNullable<Outcome['errno']>>;
  /** A success outcome with some of ns / names / value / text. */
  const success: fc.Arbitrary<Outcome> = fc.record({
    ns: fc.constantFrom('7', '8'), names: fc.array(fc.constantFrom('net', 'uts', 'pid'), { maxLength: 3 }),
    value: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.boolean()), text: fc.constantFrom('net', 'pid', ''),
  }, { requiredKeys: [] });
  /** The object expect that says all of o (namespaces by name). */
  const full = (o: Outcome): Expect => ({
    ok: o.errno === undefined, ...(o.errno ? { errno: o.errno } : {}), ...(o.ns !== undefined ? { ns: o.ns === '7' ? 'A' : 'B' } : {}),
    ...(o.names ? { names: o.names } : {}), ...(o.value !== undefined ? { value: o.value } : {}), ...(o.text !== undefined ? { text: o.text } : {}),
  });
  /** The same expect with one key's value changed. */
  const changed = (e: Record<string, unknown>, k: string): Expect => {
    const v = e[k];
    const w = k === 'ok' ? !v : k === 'errno' ? (v === 'EPERM' ? 'ENOENT' : 'EPERM') : k === 'ns' ? (v === 'A' ? 'B' : 'A')
      : k === 'names' ? [...(v as string[]), 'x'] : k === 'value' ? (typeof v === 'boolean' ? !v : (v as number) + 1) : `${v as string}x`;
    return { ...e, [k]: w } as Expect;
  };

  it('property: the expect that describes an outcome fully is met; changing any one of its keys is not', () => {
    fc.assert(fc.property(fc.oneof(success, errno.map((e): Outcome => ({ errno: e }))), (o) => {
      const e = full(o) as Record<string, unknown>;
      expect(meets(e as Expect, o, nsOf)).toBe(true);
      for (const k of Object.keys(e)) expect(meets(changed(e, k), o, nsOf), k).toBe(false);
      // a failure meets no expect on what success returns
      if (o.errno) for (const x of [{ ns: 'A' }, { names: [] }, { value: 0 }, { text: '' }]) expect(meets(x as Expect, o, nsOf)).toBe(false);
    }), { seed: 3, numRuns: 300 });
  });

  it('property: the short forms: undefined meets all, "ok" any success, an errno name only itself, a boolean a success of that value', () => {
    fc.assert(fc.property(fc.oneof(success, errno.map((e): Outcome => ({ errno: e }))), errno, fc.boolean(), (o, e, b) => {
      expect(meets(undefined, o, nsOf)).toBe(true);
      expect(meets('ok', o, nsOf)).toBe(o.errno === undefined);
      expect(meets(e, o, nsOf)).toBe(o.errno === e);
      expect(meets(b, o, nsOf)).toBe(o.errno === undefined && o.value === b);
      expect(meets({ ok: true }, o, nsOf)).toBe(o.errno === undefined);
      expect(meets({ ok: false }, o, nsOf)).toBe(o.errno !== undefined);
      expect(meets({}, o, nsOf)).toBe(true);
    }), { seed: 4, numRuns: 300 });
  });

  it('a namespace name that the backend does not know is never met; names compare as ordered lists', () => {
    expect(meets({ ns: 'C' }, { ns: '7' }, nsOf)).toBe(false);
    expect(meets({ ns: 'C' }, {}, nsOf)).toBe(false);
    expect(meets({ ns: 'A' }, {}, nsOf)).toBe(false);
    expect(meets({ names: ['a', 'b'] }, { names: ['b', 'a'] }, nsOf)).toBe(false);
    expect(meets({ names: [] }, {}, nsOf)).toBe(true);
    expect(meets({ names: ['a'] }, {}, nsOf)).toBe(false);
    expect(meets({ value: 1 }, { value: true }, nsOf)).toBe(false);
    expect(meets({ text: 'net' }, {}, nsOf)).toBe(false);
    expect(meets(true, { value: 1 }, nsOf)).toBe(false);
  });
});
