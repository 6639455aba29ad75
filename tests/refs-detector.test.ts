// The use-after-put detector of model/kernel/refs.ts (what `no-use-after-put` reads): a get or a
// put of a freed object, and a count underflow, record one message in s.uaf (the first one wins)
// and leave the object alone. The faithful model never reaches these lines, so the catalog's
// refcount mutants and this direct test are what keep them honest (Stryker class B).
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../model/profiles.ts';
import { SIM } from '../model/step.ts';
import type { KState } from '../model/kernel/state.ts';
import { F_REG } from '../model/kernel/state.ts';
import {
  dget, dput, fput, get_file, get_ns, get_nsproxy, get_pid, iget, iput, put_ns, put_nsproxy, put_pid,
} from '../model/kernel/refs.ts';

interface Obj { count: number; freed: boolean }
interface Kind {
  /** A fresh object of this kind: its id and the object. */
  make(s: KState): [number, Obj];
  get(s: KState, id: number): unknown;
  put(s: KState, id: number): void;
  /** The messages: get of freed, put of freed, underflow ('' when the put has no underflow guard). */
  msgs(s: KState, id: number): [string, string, string];
}

const push = <T>(arr: T[], o: T): [number, T] => [arr.push(o) - 1, o];

const KINDS: Record<string, Kind> = {
  ns: {
    make: (s) => { const i = s.ns.findIndex((n) => n.kind === 'uts'); return [i, s.ns[i]!]; },
    get: get_ns, put: put_ns,
    msgs: (_s, id) => [`get of freed uts ns ${id}`, `put of freed uts ns ${id}`, `uts ns ${id} count underflow`],
  },
  nsproxy: {
    make: (s) => [0, s.nsproxies[0]!],
    get: get_nsproxy, put: put_nsproxy,
    msgs: (_s, id) => [`get of freed nsproxy ${id}`, `put of freed nsproxy ${id}`, ''],
  },
  pid: {
    make: (s) => [0, s.pids[0]!],
    get: get_pid, put: put_pid,
    msgs: (_s, id) => [`get of freed pid ${id}`, `put of freed pid ${id}`, ''],
  },
  inode: {
    make: (s) => push(s.inodes, { count: 1, freed: false, ns: -1, pid: -1, uid: 0, gid: 0, mode: 0o400, immutable: false }),
    get: iget, put: iput,
    msgs: (_s, id) => [`iget of freed inode ${id}`, `iput of freed inode ${id}`, ''],
  },
  dentry: {
    make: (s) => {
      const [ino] = KINDS.inode!.make(s);
      return push(s.dentries, { count: 1, freed: false, inode: ino, task: -1, entry: '' });
    },
    get: dget, put: dput,
    msgs: (_s, id) => [`dget of freed dentry ${id}`, `dput of freed dentry ${id}`, `dentry ${id} count underflow`],
  },
  file: {
    make: (s) => push(s.files, { count: 1, freed: false, kind: F_REG, dentry: -1, mnt: -1, pid: -1, task: -1, entry: '', opath: false, read: true, write: false, mntns: -1, uid: 0, gid: 0 }),
    get: get_file, put: fput,
    msgs: (_s, id) => [`get_file of freed file ${id}`, `fput of freed file ${id}`, ''],
  },
};

describe('refs.ts use-after-put detector', () => {
  for (const [name, k] of Object.entries(KINDS)) {
    it(`${name}: get / put of a freed object and an underflow are recorded, the first message wins`, () => {
      const s = SIM.init(PROFILES['v6.18']);
      const [id, o] = k.make(s);
      const [getMsg, putMsg, underMsg] = k.msgs(s, id);
      o.freed = true;
      o.count = 3;
      const before = JSON.stringify(s.ns.map((n) => n.count));
      k.put(s, id);
      expect(s.uaf).toBe(putMsg);
      expect(o.count).toBe(3); // a put of a freed object changes nothing
      expect(JSON.stringify(s.ns.map((n) => n.count))).toBe(before);
      s.uaf = '';
      k.get(s, id);
      expect(s.uaf).toBe(getMsg);
      s.uaf = 'first';
      k.put(s, id);
      k.get(s, id);
      expect(s.uaf).toBe('first');
      s.uaf = '';
      if (underMsg !== '') {
        o.freed = false;
        o.count = 0;
        k.put(s, id);
        expect(s.uaf).toBe(underMsg);
        expect(o.freed).toBe(false);
      }
    });
  }

  it('a last put frees without a message; a get of a live object records nothing', () => {
    const s = SIM.init(PROFILES['v6.18']);
    for (const k of Object.values(KINDS)) {
      const [id, o] = k.make(s);
      k.get(s, id);
      o.count = 1;
      if (k === KINDS.ns || k === KINDS.nsproxy || k === KINDS.pid) continue; // their release cascades into init's objects
      k.put(s, id);
      expect(o.freed).toBe(true);
    }
    expect(s.uaf).toBe('');
  });
});
