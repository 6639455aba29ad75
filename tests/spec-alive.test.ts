// What keeps a namespace alive (model/spec/alive.ts, the `alive` op): the pins a user relies on
// when holding a namespace with a file instead of a task. Each trace's `alive` answers are
// written out and must hold on the spec and on the simulation (lockstep: no property broken).
// In npm test and the Stryker suites (model/mutants/README.md).
import { describe, expect, it } from 'vitest';
import type { Step } from '../model/types.ts';
import { PROFILES } from '../model/profiles.ts';
import { fmt } from '../properties/harness.ts';
import { replayModel } from '../properties/replay.ts';

const alive = (ns: string, expect: boolean): Step => ({ op: 'alive', ns, expect });
const ok = (s: Step): Step => ({ ...s, expect: 'ok' } as Step);
const gone = (task: string): Step[] => [ok({ op: 'exit', task }), ok({ op: 'reap', task })];

/** Task a in new pid and `other` namespaces; `hold` (an fd named h of init) outlives it and keeps the pid ns only. */
const keepsPidNsOnly = (other: 'net' | 'uts', hold: Step): Step[] => [
  ok({ op: 'spawn', task: 'a', parent: 'init', newns: ['pid', other] }),
  { op: 'nsid', task: 'init', path: '/proc/a/ns/pid', as: 'P', expect: { ns: 'P' } },
  { op: 'nsid', task: 'init', path: `/proc/a/ns/${other}`, as: 'O', expect: { ns: 'O' } },
  ok(hold),
  ...gone('a'),
  alive('P', true),
  alive('O', false),
  ok({ op: 'close', task: 'init', fd: 'h' }),
  alive('P', false),
];

const PINS: Record<string, Step[]> = {
  // struct pid pins its pid namespace: a pidfd outlives the task and keeps the pid ns
  'a pidfd keeps the pid namespace of its (reaped) task': keepsPidNsOnly('net', { op: 'pidfd', task: 'init', target: 'a', fd: 'h' }),
  // an open /proc/<pid>/ns directory holds the proc inode, so the pid, so its pid namespace
  'an fd on /proc/<task>/ns keeps the pid namespace, not the others': keepsPidNsOnly('uts', { op: 'open', task: 'init', path: '/proc/a/ns', fd: 'h' }),
  // an O_PATH | O_NOFOLLOW fd of the magic link itself: the proc inode (pid ns), not the target
  'an O_PATH fd of the link /proc/<task>/ns/net keeps the pid namespace, not the net namespace':
    keepsPidNsOnly('net', { op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'h', flags: ['O_PATH', 'O_NOFOLLOW'] }),
  // a zombie keeps its cred (user ns) and its pid (pid ns), nothing else; reaping drops both
  'a zombie keeps its user and pid namespaces until it is reaped': [
    ok({ op: 'spawn', task: 'a', parent: 'init', newns: ['user', 'pid', 'net'] }),
    { op: 'nsid', task: 'init', path: '/proc/a/ns/user', as: 'U', expect: { ns: 'U' } },
    { op: 'nsid', task: 'init', path: '/proc/a/ns/pid', as: 'P', expect: { ns: 'P' } },
    { op: 'nsid', task: 'init', path: '/proc/a/ns/net', as: 'N', expect: { ns: 'N' } },
    ok({ op: 'exit', task: 'a' }),
    alive('U', true),
    alive('P', true),
    alive('N', false),
    ok({ op: 'reap', task: 'a' }),
    alive('U', false),
    alive('P', false),
  ],
  // a namespace keeps its owning user namespace; a pid namespace keeps its parent
  'owner and parent links: a held net ns keeps its user ns, a held pid ns its parent pid ns': [
    ok({ op: 'spawn', task: 'a', parent: 'init', newns: ['user', 'net', 'pid'] }),
    ok({ op: 'spawn', task: 'b', parent: 'a', newns: ['pid'] }),
    { op: 'nsid', task: 'init', path: '/proc/a/ns/user', as: 'U', expect: { ns: 'U' } },
    { op: 'nsid', task: 'init', path: '/proc/a/ns/net', as: 'N', expect: { ns: 'N' } },
    { op: 'nsid', task: 'init', path: '/proc/a/ns/pid', as: 'P1', expect: { ns: 'P1' } },
    { op: 'nsid', task: 'init', path: '/proc/b/ns/pid', as: 'P2', expect: { ns: 'P2' } },
    ok({ op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'n' }),
    ok({ op: 'open', task: 'init', path: '/proc/b/ns/pid', fd: 'p' }),
    ok({ op: 'exit', task: 'a' }),
    ok({ op: 'reap', task: 'a' }),
    alive('N', true),
    alive('U', true),
    alive('P2', true),
    alive('P1', true),
    ok({ op: 'close', task: 'init', fd: 'n' }),
    alive('N', false),
    alive('U', true), // still the owner of the held pid namespaces
    ok({ op: 'close', task: 'init', fd: 'p' }),
    alive('P2', false),
    alive('P1', false),
    alive('U', false),
  ],
  // a mount namespace keeps what is bind-mounted in it
  'a held mount namespace keeps the namespace bound in it': [
    ok({ op: 'spawn', task: 'a', parent: 'init', newns: ['mnt', 'net'] }),
    { op: 'nsid', task: 'a', path: '/proc/a/ns/net', as: 'N', expect: { ns: 'N' } },
    { op: 'nsid', task: 'a', path: '/proc/a/ns/mnt', as: 'M', expect: { ns: 'M' } },
    ok({ op: 'bind', task: 'a', source: '/proc/a/ns/net', target: '@n' }),
    ok({ op: 'open', task: 'init', path: '/proc/a/ns/mnt', fd: 'm' }),
    ...gone('a'),
    alive('M', true),
    alive('N', true),
    ok({ op: 'close', task: 'init', fd: 'm' }),
    alive('M', false),
    alive('N', false),
  ],
};

describe('what keeps a namespace alive (spec and simulation, v6.18)', () => {
  for (const [name, steps] of Object.entries(PINS)) {
    it(`${name} (v6.18)`, () => {
      for (const backend of ['spec', 'sim'] as const) {
        const r = replayModel({ format: 'procns-trace/1', steps }, backend, PROFILES['v6.18']);
        const bad = r.mismatches.map((i) => `step ${i} ${JSON.stringify(steps[i])}: got ${fmt(r.steps[i]!.outcome)}`);
        expect(bad, backend).toEqual([]);
        expect(r.violation, backend).toBeNull();
      }
    });
  }
});
