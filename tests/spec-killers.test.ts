// Lockstep traces aimed at Stryker survivors of the spec (model/spec/spec.ts, access.ts): the
// simulation is the spec's independent oracle here, so each trace must break no property, and
// the outcomes a user relies on are written out. See model/mutants/README.md (class K).
import { CAPS } from '../model/types.ts';
import { lockstepCases } from './lockstep-cases.ts';
import type { Case } from './lockstep-cases.ts';

const CASES: Record<string, Case> = {
  // ptrace(2): a different uid is refused even when the gids agree (access.ts mayInspect)
  'ptrace: the same gid and another uid is not the same ids': {
    profile: 'v6.18', last: 'EACCES',
    ops: [
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'cred', task: 'a', uid: 1000, dumpable: true },
      { op: 'spawn', task: 'b', parent: 'init' }, { op: 'cred', task: 'b', uid: 1001, dumpable: true },
      { op: 'readlink', task: 'a', path: '/proc/b/ns/net' },
    ],
  },
  // setresgid(2): a change of gid alone makes the process non-dumpable, so a task with the same
  // ids and no CAP_SYS_PTRACE may not inspect it
  'a gid change alone makes a task non-dumpable': {
    profile: 'v6.18', last: 'EACCES',
    ops: [
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'cred', task: 'a', uid: 1000, caps: [...CAPS] },
      { op: 'cred', task: 'a', gid: 1000 }, { op: 'cred', task: 'a', caps: [] },
      { op: 'spawn', task: 'b', parent: 'init' }, { op: 'cred', task: 'b', uid: 1000, gid: 1000, dumpable: true },
      { op: 'readlink', task: 'b', path: '/proc/a/ns/net' },
    ],
  },
  // capabilities(7): only leaving uid 0 clears the capabilities; 1000 -> 1001 keeps them
  'a uid change of a task that is not root keeps its capabilities': {
    profile: 'v6.18', last: 'ok',
    ops: [
      { op: 'spawn', task: 'a', parent: 'init' }, { op: 'cred', task: 'a', uid: 1000, caps: [...CAPS] },
      { op: 'cred', task: 'a', uid: 1001 },
      { op: 'unshare', task: 'a', newns: ['net'] },
    ],
  },
  // unshare(2) on v3.0: one kind it cannot unshare makes the whole call EINVAL
  'unshare of a valid and an invalid kind is EINVAL as a whole': {
    profile: 'v3.0', last: 'EINVAL',
    ops: [{ op: 'unshare', task: 'init', newns: ['net', 'pid'] }],
  },
  // an fd name bound again while its file is open: the old file stays open (hidden), and pins
  'an fd name bound again keeps the old file open: it still pins its namespace': {
    profile: 'v6.18', last: 'ok true',
    ops: [
      { op: 'spawn', task: 'a', parent: 'init', newns: ['net'] }, { op: 'nsid', task: 'init', path: '/proc/a/ns/net', as: 'N' },
      { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f' }, { op: 'open', task: 'init', path: '/tmp/x', fd: 'f' },
      { op: 'exit', task: 'a' }, { op: 'reap', task: 'a' },
      { op: 'alive', ns: 'N' },
    ],
  },
  // umount(2) takes the top mount of a stacked target; the one below shows through
  'umount of a stacked target removes the top one': {
    profile: 'v6.18', last: 'ok ns N',
    ops: [
      { op: 'spawn', task: 'a', parent: 'init', newns: ['net', 'uts'] },
      { op: 'nsid', task: 'init', path: '/proc/a/ns/net', as: 'N' }, { op: 'nsid', task: 'init', path: '/proc/a/ns/uts', as: 'U' },
      { op: 'bind', task: 'init', source: '/proc/a/ns/net', target: '@m' }, { op: 'bind', task: 'init', source: '/proc/a/ns/uts', target: '@m' },
      { op: 'umount', task: 'init', target: '@m' },
      { op: 'nsid', task: 'init', path: '@m', as: 'X' },
    ],
  },
};

lockstepCases('spec killers (lockstep: the simulation is the oracle)', CASES);
