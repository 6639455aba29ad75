// Lifecycle statecharts (xstate v5): a second, independent reading of the semantics. Each
// machine says which lifecycle state an object (a namespace, a file, a mount, a task, a v3.0
// proc ns inode) may move to on each trace op. Events are op kinds; an event may lead to
// several targets (the abstraction is nondeterministic), so every transition carries the guard
// `to`, which matches an event `{ type, to }` naming the observed target. The machines are the
// source of truth: the transition tables below are read back from them (toDirectedGraph) for
// the projection property, coverage, Mermaid and the covering traces.
import { setup } from 'xstate';
import type { AnyStateMachine } from 'xstate';
import { toDirectedGraph } from 'xstate/graph';
import type { DirectedGraphNode } from 'xstate/graph';
import type { OpName } from '../types.ts';
import type { ProfileName } from '../profiles.ts';

/** One row of a lifecycle table: from --event--> to, with the profiles it can happen on. */
interface Row {
  from: string;
  events: readonly OpName[];
  to: string;
  why: string;
  profiles?: readonly ProfileName[];
}

interface LifecycleDef {
  id: string;
  title: string;
  /** The sim objects it describes (model/kernel/state.ts). */
  objects: string;
  states: Record<string, { description: string }>;
  rows: readonly Row[];
  profiles: readonly ProfileName[];
}

/**
 * The lifecycle tables, built when asked for (not at import: a module-level table would make every
 * mutant of it a Stryker static mutant, which the vitest runner does not apply).
 */
function lifecycleDefs(): readonly LifecycleDef[] {
  const ALL = allProfiles();
  const V30: readonly ProfileName[] = ['v3.0'];
  const CACHE: readonly ProfileName[] = ['v3.0'];
  const SETNS: readonly ProfileName[] = ['v3.0', 'v3.8', 'v6.18'];
  /** Profiles with user namespaces (v3.8+). */
  const USERNS: readonly ProfileName[] = ['v3.8', 'v6.18'];
  /** Profiles whose tasks can make mount and pid namespaces (clone flags older than the seed). */
  const MNTPID: readonly ProfileName[] = ['seed', 'v3.0', 'v3.8', 'v6.18'];
  /**
   * Profiles where clone or unshare can fail after it made a namespace: CLONE_NEWUSER (copy_creds
   * first) with a flag that fails later, or a pid namespace for children apart from the task's
   * own (unshare(CLONE_NEWPID), setns to a pid ns): alloc_pid ENOMEM once its init is gone,
   * copy_pid_ns EINVAL. All v3.8. On the seed and v3.0 every check of clone and unshare comes
   * before the first namespace is made, and a task whose pid namespace lost its init is killed
   * (later failures there are resource exhaustion, pid_max or memory, which the model has not).
   */
  const LATE_FAIL: readonly ProfileName[] = ['v3.8', 'v6.18'];
  /**
   * Profiles where something but its tasks holds a mount namespace, so that close, umount or
   * setns can free it, and where a namespace can be pinned by one that setns or unshare frees:
   * an fd or a bind mount of /proc/<pid>/ns/mnt (v3.8), which copy_mnt_ns does not copy
   * (copy_tree without CL_COPY_MNT_NS_FILE), and user namespaces owning the others (v3.8). On
   * v3.0 a mount namespace of the model dies only with its last task (exit, or unshare, whose new
   * namespace copies every mount; an open /proc/<pid>/mounts would hold one, and the model has
   * no such file), and setns there changes no mount namespace.
   */
  const MNTNS_FILE: readonly ProfileName[] = ['v3.8', 'v6.18'];

  /** Namespace: created in use, held only by fds / mounts / other namespaces, re-entered by setns, freed. */
  const NAMESPACE: LifecycleDef = {
    id: 'namespace',
    title: 'namespace (struct ns_common)',
    objects: 'KState.ns[i]',
    profiles: ALL,
    states: {
      unborn: { description: 'not allocated yet' },
      inUse: { description: 'a task (running or zombie) is in it: an nsproxy member, its credentials or mm, or its struct pid' },
      held: { description: 'no task is in it; an open fd (O_PATH and dup\'ed ones too), a bind mount, a pidfd or /proc file, or a live namespace it owns or parents keeps it (the seed: "holding the file descriptor open or bind mounting the file")' },
      cached: { description: 'only an unused cached proc dentry keeps it (v3.0 dcache; freed by shrink or when the task is released: reaped by its parent, or by its pid namespace\'s init as that exits)' },
      freed: { description: 'freed (ns_ops->put dropped the last reference)' },
    },
    rows: [
      { from: 'unborn', events: ['spawn', 'unshare'], to: 'inUse', why: 'clone/unshare with CLONE_NEW*: the new namespace is a member of the task\'s nsproxy or cred' },
      { from: 'unborn', events: ['spawn', 'unshare'], to: 'freed', why: 'created, then dropped when the call fails later (copy_creds / copy_namespaces before alloc_pid ENOMEM or copy_pid_ns EINVAL)', profiles: LATE_FAIL },
      { from: 'inUse', events: ['exit'], to: 'held', why: 'the last task leaves (exit_task_namespaces) while something else pins it; on the seed too: a pid namespace init that exits reaps its children (zap_pid_ns_processes waits for them), and a /proc/<pid>/ns directory fd still holds a child\'s struct pid, which holds the child\'s pid namespace' },
      { from: 'inUse', events: ['unshare'], to: 'held', why: 'the last task leaves (unshare) while something else pins it', profiles: SETNS },
      { from: 'inUse', events: ['setns'], to: 'held', why: 'the last task leaves by setns (switch_task_namespaces) while something else pins it', profiles: SETNS },
      { from: 'inUse', events: ['reap'], to: 'held', why: 'a zombie\'s pid or cred was the last task use (release_task)', profiles: MNTPID },
      { from: 'inUse', events: ['exit', 'unshare'], to: 'freed', why: 'the last task leaves and nothing else pins it' },
      { from: 'inUse', events: ['setns'], to: 'freed', why: 'the last task leaves by setns and nothing else pins it', profiles: SETNS },
      { from: 'inUse', events: ['reap'], to: 'freed', why: 'a zombie\'s pid or cred was the last use', profiles: MNTPID },
      { from: 'inUse', events: ['exit', 'setns', 'unshare'], to: 'cached', why: 'the last task leaves; only a cached proc dentry of a task that still has its pid holds it', profiles: CACHE },
      { from: 'held', events: ['setns'], to: 'inUse', why: 're-entered: setns(2) through an fd or a pidfd', profiles: SETNS },
      { from: 'held', events: ['close', 'exit'], to: 'freed', why: 'the last fd is closed (also by exit); on the seed too: a /proc/<pid>/ns directory fd holds the task\'s struct pid, which holds its pid namespace (kernel/pid.c put_pid -> put_pid_ns)' },
      { from: 'held', events: ['umount'], to: 'freed', why: 'the last mount detached (on v3.0 its proc dentry is killed when the task is gone: pid_delete_dentry), or the mount namespace that pinned it freed', profiles: SETNS },
      { from: 'held', events: ['setns', 'unshare'], to: 'freed', why: 'the namespace that pinned it freed: a mount namespace holding the only bind of its file, or one it owned', profiles: MNTNS_FILE },
      { from: 'held', events: ['close', 'exit', 'umount'], to: 'cached', why: 'the last holder goes; the proc dentry it was opened through stays cached', profiles: CACHE },
      { from: 'cached', events: ['open', 'bind'], to: 'held', why: 'a lookup reuses the cached dentry (pid_revalidate) and holds it again', profiles: CACHE },
      { from: 'cached', events: ['shrink', 'reap'], to: 'freed', why: 'the dentry is evicted: memory pressure, or proc_flush_task when the task is released', profiles: CACHE },
      { from: 'cached', events: ['exit'], to: 'freed', why: 'the task is released by the exit of its pid namespace\'s init, which reaps it (zap_pid_ns_processes): proc_flush_task evicts the dentry', profiles: CACHE },
    ],
  };

  /** Open file (struct file): opened, shared by dup/fork, closed. */
  const FILE: LifecycleDef = {
    id: 'file',
    title: 'handle: open file (struct file)',
    objects: 'KState.files[i]',
    profiles: ALL,
    states: {
      unborn: { description: 'not opened yet' },
      open: { description: 'one fd-table slot refers to it' },
      shared: { description: 'two or more fd-table slots refer to it (dup, or inherited by fork)' },
      closed: { description: 'the last slot is gone: fput released it' },
    },
    rows: [
      { from: 'unborn', events: ['open'], to: 'open', why: 'open(2)' },
      { from: 'unborn', events: ['ioctl'], to: 'open', why: 'NS_GET_USERNS / NS_GET_PARENT (open_related_ns)', profiles: ['v6.18'] },
      { from: 'unborn', events: ['pidfd'], to: 'open', why: 'pidfd_open(2)', profiles: ['v6.18'] },
      { from: 'open', events: ['spawn', 'dup'], to: 'shared', why: 'dup(2), or fork copies the fd table (dup_fd)' },
      { from: 'shared', events: ['close', 'exit'], to: 'open', why: 'one slot is closed, or its task exits (exit_files)' },
      { from: 'open', events: ['close', 'exit'], to: 'closed', why: 'the last slot is closed, or its task exits' },
      { from: 'shared', events: ['exit'], to: 'closed', why: 'every slot goes at once: their task (or every task of a pid ns) exits' },
    ],
  };

  /** Bind mount (struct mount): bound, busy while a file opened through it is open, unmounted. */
  const MOUNT: LifecycleDef = {
    id: 'mount',
    title: 'handle: bind mount (struct mount)',
    objects: 'KState.mounts[i]',
    profiles: ALL,
    states: {
      unborn: { description: 'not mounted yet' },
      mounted: { description: 'attached in a live mount namespace, no open file uses it' },
      busy: { description: 'attached, and a file opened through it is open (umount gives EBUSY)' },
      detached: { description: 'its mount namespace died while a file opened through it was open: kept until that file is closed' },
      unmounted: { description: 'umounted, or its namespace died, and nothing holds it: freed' },
    },
    rows: [
      { from: 'unborn', events: ['bind'], to: 'mounted', why: 'mount --bind' },
      { from: 'unborn', events: ['spawn', 'unshare'], to: 'mounted', why: 'a new mount namespace copies the mount (copy_mnt_ns)', profiles: MNTPID },
      { from: 'unborn', events: ['spawn'], to: 'unmounted', why: 'copied into a new mount namespace by clone, then dropped when alloc_pid fails (ENOMEM)', profiles: LATE_FAIL },
      { from: 'mounted', events: ['open'], to: 'busy', why: 'a file is opened through it' },
      { from: 'busy', events: ['close', 'exit'], to: 'mounted', why: 'the last file opened through it is closed' },
      { from: 'mounted', events: ['umount'], to: 'unmounted', why: 'umount2(2)' },
      { from: 'mounted', events: ['exit', 'unshare'], to: 'unmounted', why: 'its mount namespace is freed (put_mnt_ns → umount_tree)', profiles: MNTPID },
      { from: 'mounted', events: ['setns', 'close'], to: 'unmounted', why: 'its mount namespace is freed (put_mnt_ns → umount_tree): the last task left it by setns, or the last fd of its file is closed', profiles: MNTNS_FILE },
      { from: 'busy', events: ['exit', 'unshare'], to: 'detached', why: 'its mount namespace is freed while a file opened through it is open', profiles: MNTPID },
      { from: 'busy', events: ['setns', 'close', 'umount'], to: 'detached', why: 'its mount namespace is freed while a file opened through it is open: the last task left it by setns, or the last fd or bind of its file went', profiles: MNTNS_FILE },
      { from: 'busy', events: ['exit'], to: 'unmounted', why: 'the file\'s holder and the namespace\'s last task go in the same exit', profiles: MNTPID },
      { from: 'detached', events: ['close', 'exit'], to: 'unmounted', why: 'the last file opened through it is closed (cleanup_mnt)', profiles: MNTPID },
    ],
  };

  /** Task: running (with its initial or changed credentials), zombie, reaped. */
  const TASK: LifecycleDef = {
    id: 'task',
    title: 'task (task_struct + cred)',
    objects: 'KState.tasks[i]',
    profiles: ALL,
    states: {
      unborn: { description: 'not spawned yet' },
      running: { description: 'running with init\'s credentials: uid/gid 0, every capability, the initial user ns, dumpable' },
      credChanged: { description: 'running with changed credentials: ids, capabilities, dumpable flag or user namespace' },
      zombie: { description: 'exited (exit_mm, exit_files, exit_task_namespaces), not yet waited for' },
      reaped: { description: 'waited for (release_task): its pid and credentials are gone' },
    },
    rows: [
      { from: 'unborn', events: ['spawn'], to: 'running', why: 'clone(2) from a parent with init\'s credentials' },
      { from: 'unborn', events: ['spawn'], to: 'credChanged', why: 'clone(2) from a parent with changed credentials, or with CLONE_NEWUSER' },
      { from: 'running', events: ['cred'], to: 'credChanged', why: 'setresuid/setresgid/capset/prctl(PR_SET_DUMPABLE)' },
      { from: 'running', events: ['unshare', 'setns'], to: 'credChanged', why: 'a new or entered user namespace', profiles: USERNS },
      { from: 'credChanged', events: ['cred'], to: 'running', why: 'the credentials are set back to init\'s (e.g. dumpable again)' },
      { from: 'running', events: ['exit'], to: 'zombie', why: 'exit(2), or killed with its pid namespace' },
      { from: 'credChanged', events: ['exit'], to: 'zombie', why: 'exit(2), or killed with its pid namespace' },
      { from: 'running', events: ['exit'], to: 'reaped', why: 'killed and reaped with its pid namespace when its init exits (zap_pid_ns_processes)', profiles: MNTPID },
      { from: 'credChanged', events: ['exit'], to: 'reaped', why: 'killed and reaped with its pid namespace when its init exits', profiles: MNTPID },
      { from: 'zombie', events: ['reap'], to: 'reaped', why: 'its parent waits for it' },
      { from: 'zombie', events: ['exit'], to: 'reaped', why: 'its pid namespace\'s init exits and reaps it', profiles: MNTPID },
    ],
  };

  /** v3.0 proc ns inode (proc_ns_instantiate): instantiated, cached in the dcache, evicted. */
  const PROC_INODE: LifecycleDef = {
    id: 'procInode',
    title: 'v3.0 proc namespace inode (proc_ns_instantiate)',
    objects: 'KState.inodes[i] with a pid (v3.0 proc inode) and its dentry',
    profiles: V30,
    states: {
      unborn: { description: 'not instantiated yet' },
      inUse: { description: 'instantiated: an open file or a bind mount holds its dentry' },
      cached: { description: 'its dentry is unused but hashed in the dcache (pid_dentry_operations keep it while the task lives)' },
      evicted: { description: 'dentry killed, inode evicted: proc_evict_inode put the namespace and the pid' },
    },
    rows: [
      { from: 'unborn', events: ['open', 'bind'], to: 'inUse', why: 'lookup instantiates it and a file or mount keeps the dentry' },
      { from: 'unborn', events: ['stat', 'open', 'nsid', 'readdir', 'readlink'], to: 'cached', why: 'lookup or readdir (proc_fill_cache) instantiates it, the walk puts it: stays hashed' },
      { from: 'unborn', events: ['open', 'stat', 'nsid', 'readdir', 'readlink', 'bind'], to: 'evicted', why: 'instantiated for a task without that namespace (ns_ops->get NULL): iput, ENOENT' },
      { from: 'inUse', events: ['close', 'exit', 'umount'], to: 'cached', why: 'the last user goes, the task still has its pid' },
      { from: 'inUse', events: ['close', 'exit', 'umount'], to: 'evicted', why: 'the last user goes after the task was released (pid_delete_dentry)' },
      { from: 'cached', events: ['open', 'bind'], to: 'inUse', why: 'a dcache hit (pid_revalidate)' },
      { from: 'cached', events: ['shrink', 'reap'], to: 'evicted', why: 'shrink_dcache, or proc_flush_task at release_task' },
      { from: 'cached', events: ['exit'], to: 'evicted', why: 'proc_flush_task when the exit of its pid namespace\'s init reaps the task (zap_pid_ns_processes)' },
    ],
  };

  return [NAMESPACE, FILE, MOUNT, TASK, PROC_INODE];
}

/** Every profile, in order (a transition without profiles has them all). */
const allProfiles = (): readonly ProfileName[] => ['seed', 'v3.0', 'v3.8', 'v6.18'];

/** The guard every transition carries: the event names the target the object was seen to reach. */
function lifecycleSetup() {
  return setup({
    types: { events: {} as { type: string; to?: string; profile?: string } },
    guards: {
      to: ({ event }, params: { state: string; profiles?: readonly string[] }) =>
        event.to === params.state && (!params.profiles || event.profile === undefined || params.profiles.includes(event.profile)),
    },
  });
}

/** Builds the xstate machine of a lifecycle table (pure config: JSON for Stately's visualiser). */
function buildMachine(def: LifecycleDef, machineSetup: ReturnType<typeof lifecycleSetup>): AnyStateMachine {
  const states: Record<string, { description: string; type?: 'final'; on?: Record<string, { target: string; guard: { type: 'to'; params: { state: string; profiles?: readonly ProfileName[] } }; description: string; meta?: { profiles: readonly ProfileName[] } }[]> }> = {};
  const finals = new Set(Object.keys(def.states).filter((s) => !def.rows.some((r) => r.from === s)));
  for (const [name, st] of Object.entries(def.states)) {
    states[name] = { description: st.description, ...(finals.has(name) ? { type: 'final' as const } : {}) };
  }
  for (const r of def.rows) {
    const on = (states[r.from]!.on ??= {});
    for (const ev of r.events) {
      (on[ev] ??= []).push({ target: r.to, guard: { type: 'to', params: { state: r.to, ...(r.profiles ? { profiles: r.profiles } : {}) } }, description: r.why,
        ...(r.profiles ? { meta: { profiles: r.profiles } } : {}) });
    }
  }
  return machineSetup.createMachine({ id: def.id, initial: 'unborn', description: def.title, states } as never) as unknown as AnyStateMachine;
}

/** An edge of a machine, as read back from xstate. */
export interface Edge {
  from: string;
  event: string;
  to: string;
  description: string;
  profiles: readonly ProfileName[];
}

export interface Lifecycle {
  id: string;
  title: string;
  objects: string;
  machine: AnyStateMachine;
  /** The machine's state names, in declaration order (the initial one first). */
  states: readonly string[];
  stateProfiles: Record<string, readonly ProfileName[]>;
  edges: readonly Edge[];
  profiles: readonly ProfileName[];
}

/** The edges of an xstate machine (toDirectedGraph), each with its profiles (meta). */
export function machineEdges(machine: AnyStateMachine): Edge[] {
  const out: Edge[] = [];
  const walk = (n: DirectedGraphNode): void => {
    for (const e of n.edges) {
      const meta = e.transition.meta as { profiles?: readonly ProfileName[] } | undefined;
      out.push({ from: e.source.key, event: e.label.text, to: e.target.key, description: e.transition.description ?? '',
        profiles: meta?.profiles ?? allProfiles() });
    }
    for (const c of n.children) walk(c);
  };
  walk(toDirectedGraph(machine));
  return out;
}

function lifecycleOf(def: LifecycleDef, machineSetup: ReturnType<typeof lifecycleSetup>): Lifecycle {
  const machine = buildMachine(def, machineSetup);
  const states = Object.keys(machine.root.states);
  const stateProfiles: Record<string, readonly ProfileName[]> = {};
  const edges = machineEdges(machine).map((e) => ({ ...e, profiles: e.profiles.filter((p) => def.profiles.includes(p)) }));
  // a state exists on a profile when it is initial or some transition of that profile enters it
  for (const s of states) stateProfiles[s] = s === 'unborn' ? def.profiles : def.profiles.filter((p) => edges.some((e) => e.to === s && e.profiles.includes(p)));
  return { id: def.id, title: def.title, objects: def.objects, machine, states, stateProfiles, edges, profiles: def.profiles };
}

/**
 * Every lifecycle statechart, built anew by each call (a few hundred microseconds): a tracker, a
 * search or a report builds them once and keeps them (projection.ts Charts), never per op.
 */
export function lifecycles(): readonly Lifecycle[] {
  const machineSetup = lifecycleSetup();
  return lifecycleDefs().map((def) => lifecycleOf(def, machineSetup));
}

export function findLifecycle(id: string, list: readonly Lifecycle[] = lifecycles()): Lifecycle | undefined {
  return list.find((l) => l.id === id);
}
