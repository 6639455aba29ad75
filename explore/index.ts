// procns explore: exhaustive bounded model checking. Breadth-first search over the lockstep
// Checker (spec + simulation, every invariant and the refinement after every op), with the op
// alphabet generated from each state within bounds, canonical keys with symmetry reduction
// (explore/key.ts), a fingerprint visited set (explore/fingerprint.ts), the shortest trace per
// distinct violation, and a level-synchronous parallel mode on worker_threads that visits the
// same states in the same order as one thread (same counts, same shortest traces).
import { Worker } from 'node:worker_threads';
import type { Op } from '../model/types.ts';
import type { Profile } from '../model/profiles.ts';
import { LifecycleTracker } from '../model/lifecycle/coverage.ts';
import type { Bounds } from '../properties/alphabet.ts';
import { activeMutants } from '../model/kernel/mutant-hooks.ts';
import { expand, expandChunk, Rebuilder, SearchCtx } from './bfs.ts';
import type { ChunkResult, FoundViolation, WorkerSetup } from './bfs.ts';
import { collisionProbability, FingerprintSet } from './fingerprint.ts';
import { keyWarnings } from './key.ts';
import { workerBundle } from './worker-bundle.ts';
import { coveringTraces } from '../model/lifecycle/corpus.ts';
import { opOf } from '../properties/replay.ts';

export interface Progress {
  /** The level being expanded (its states are at this depth). */
  depth: number;
  distinct: number;
  /** States still to expand: the rest of this level plus the next level found so far. */
  queue: number;
  transitions: number;
  statesPerSec: number;
  ms: number;
  levelDone: number;
  levelSize: number;
}

export interface ExploreOptions {
  depth?: number;
  maxStates?: number;
  maxMemoryMb?: number;
  workers?: number;
  /** With workers: levels with fewer nodes than this per worker run in the main thread (default 128). */
  localLevel?: number;
  /** With workers: what a worker thread loads, the in-memory bundle (default) or the TypeScript sources through tsx. */
  workerCode?: 'bundle' | 'tsx';
  exact?: boolean;
  bounds?: Partial<Bounds>;
  ignore?: ReadonlySet<string>;
  onProgress?: (p: Progress) => void;
  /** Extension: symmetry reduction over task, fd, nsid and mount names (default true). */
  symmetry?: boolean;
  /** Extension: how often onProgress is called, in ms (default 2000). */
  progressMs?: number;
  /** Extension: lifecycle coverage of every transition explored (with workers, each thread counts its chunks and this thread merges them in order). */
  lifecycle?: LifecycleTracker;
  /** Prime V8 with the committed covering traces before the first search of a thread (SearchCtx.prime; default true). */
  prime?: boolean;
}

export interface ExploreViolation {
  property: string;
  detail: string;
  /** The shortest op sequence that breaks it (BFS-first among the shortest). */
  ops: Op[];
  /** The masking key (properties/harness.ts violationKey) that makes it distinct. */
  key: string;
}

export interface ExploreResult {
  ok: boolean;
  /** false if --max-states or --max-memory stopped the search (exit 3). */
  complete: boolean;
  distinctStates: number;
  transitions: number;
  statesPerDepth: number[];
  maxDepth: number;
  ms: number;
  bytesPerState: number;
  collisionProbability: number;
  violations: ExploreViolation[];
  /** Extension: the frontier emptied before the depth bound (every reachable state was seen). */
  fixpoint: boolean;
  /** Extension: what stopped an incomplete search ('max-states' | 'max-memory'). */
  stoppedBy?: string;
  depthBound: number;
  /** Extension: loud warnings of the key encoder (a model field it does not know, see README). */
  warnings: string[];
  workers: number;
  exact: boolean;
  symmetry: boolean;
  bounds: Bounds;
}

/**
 * The default bounds of explore: smaller than random checking's (properties/alphabet.ts
 * DEFAULT_BOUNDS), chosen so that the default v6.18 run ends in under 30 s on two cores (see
 * explore/README.md for what they cover).
 */
export const EXPLORE_BOUNDS: Omit<Bounds, 'ops'> & { entries?: readonly string[] } = {
  maxTasks: 1,
  maxFds: 2,
  maxNsNames: 1,
  mounts: ['@m1'],
  flagSets: [[], ['O_PATH']],
  creds: [{ uid: 1000 }, { caps: [] }],
};
export const EXPLORE_DEPTH = 3;

/**
 * Entries used in paths by default: one namespace that is a plain nsproxy member (net stands for
 * uts, ipc, cgroup and time, which the model treats alike), every entry with its own rules (pid,
 * pid_for_children, user, mnt, time_for_children), and one unknown name. readdir still lists all.
 */
export const EXPLORE_ENTRIES = ['net', 'pid', 'pid_for_children', 'user', 'mnt', 'time_for_children'];

/** The default bounds of a profile: EXPLORE_BOUNDS with the profile's representative entries. */
export function exploreBounds(profile: Profile, over: Partial<Bounds> = {}): Partial<Bounds> {
  const entries = [...profile.entries.filter((e) => EXPLORE_ENTRIES.includes(e)), 'bogus'];
  return { ...EXPLORE_BOUNDS, entries, ...over };
}

/**
 * The default depth of a profile: 4 where the profile has three ns entries (seed, v3.0: the
 * cached-dentry ptrace bypass needs four ops), 3 where it has six or ten (v3.8, v6.18).
 */
export function exploreDepth(profile: Profile): number {
  return profile.entries.length <= 3 ? 4 : EXPLORE_DEPTH;
}

/** The exhaustive search. Always returns a Promise (worker threads answer asynchronously). */
export function explore(profile: Profile, opts: ExploreOptions = {}): Promise<ExploreResult> {
  const workers = opts.workers ?? 1;
  if (workers > 1 && !opts.exact) return exploreParallel(profile, opts, workers);
  return Promise.resolve(exploreSync(profile, opts));
}

/** Bookkeeping both engines share: counts per depth, bounds, progress, violations. */
class Run {
  readonly t0 = performance.now();
  readonly statesPerDepth: number[] = [1];
  readonly found: FoundViolation[] = [];
  readonly keys = new Set<string>();
  transitions = 0;
  distinct = 1;
  stoppedBy = '';
  private lastProgress = performance.now();
  private lastMemCheck = 0;
  readonly depthBound: number;
  readonly maxStates: number;
  readonly maxMemoryMb: number;

  constructor(readonly opts: ExploreOptions) {
    this.depthBound = opts.depth ?? EXPLORE_DEPTH;
    this.maxStates = opts.maxStates ?? Infinity;
    this.maxMemoryMb = opts.maxMemoryMb ?? Infinity;
    // the root is a distinct state: a bound of one stops before any expansion
    if (this.distinct >= this.maxStates && this.depthBound > 0) this.stoppedBy = 'max-states';
  }

  violation(v: FoundViolation): void {
    if (this.keys.has(v.key)) return;
    this.keys.add(v.key);
    this.found.push(v);
  }

  /** A new distinct state at `depth`; false when a resource bound says stop. */
  added(depth: number): boolean {
    this.distinct++;
    while (this.statesPerDepth.length <= depth) this.statesPerDepth.push(0);
    this.statesPerDepth[depth]!++;
    if (this.distinct >= this.maxStates) { this.stoppedBy = 'max-states'; return false; }
    if (this.maxMemoryMb !== Infinity && this.distinct - this.lastMemCheck >= 256) {
      this.lastMemCheck = this.distinct;
      if (process.memoryUsage.rss() / 2 ** 20 > this.maxMemoryMb) { this.stoppedBy = 'max-memory'; return false; }
    }
    return true;
  }

  progress(depth: number, levelDone: number, levelSize: number, next: number, force = false): void {
    const f = this.opts.onProgress;
    if (!f) return;
    const now = performance.now();
    if (!force && now - this.lastProgress < (this.opts.progressMs ?? 2000)) return;
    this.lastProgress = now;
    const ms = now - this.t0;
    f({ depth, distinct: this.distinct, queue: levelSize - levelDone + next, transitions: this.transitions,
      statesPerSec: Math.round((this.distinct / ms) * 1000), ms, levelDone, levelSize });
  }

  result(opts: ExploreOptions, bounds: Bounds, bytes: number, workers: number, fixpoint: boolean): ExploreResult {
    while (this.statesPerDepth.length > 1 && this.statesPerDepth[this.statesPerDepth.length - 1] === 0) this.statesPerDepth.pop();
    const exact = opts.exact ?? false;
    return {
      ok: this.found.length === 0,
      complete: this.stoppedBy === '',
      distinctStates: this.distinct,
      transitions: this.transitions,
      statesPerDepth: this.statesPerDepth,
      maxDepth: this.statesPerDepth.length - 1,
      ms: performance.now() - this.t0,
      bytesPerState: bytes / this.distinct,
      collisionProbability: exact ? 0 : collisionProbability(this.distinct),
      violations: this.found.map(({ key, property, detail, ops }) => ({ property, detail, ops, key })),
      fixpoint: fixpoint && this.stoppedBy === '',
      ...(this.stoppedBy ? { stoppedBy: this.stoppedBy } : {}),
      depthBound: this.depthBound, warnings: keyWarnings.filter((w) => w.includes('WARNING')), workers, exact, symmetry: opts.symmetry ?? true, bounds,
    };
  }
}

/** The visited set as levelHere sees it: whether the state whose key is in ctx was seen, and adding it. */
interface Visited {
  seen(): boolean;
  add(): void;
}

/** A fingerprint set holding the fingerprints that ctx leaves. */
function visitedFps(ctx: SearchCtx, fps: FingerprintSet): Visited {
  return { seen: () => fps.has(ctx.fp[0]!, ctx.fp[1]!), add: () => { fps.add(ctx.fp[0]!, ctx.fp[1]!); } };
}

/**
 * Expands one BFS level in this thread: the next level's op paths, or null when the level
 * found no new state.
 */
function levelHere(ctx: SearchCtx, rebuild: Rebuilder, run: Run, frontier: Op[][], depth: number, visited: Visited): Op[][] | null {
  const next: Op[][] = [];
  const last = depth === run.depthBound - 1; // its successors are counted, never expanded
  let found = 0;
  const seen = (): boolean => run.stoppedBy !== '' || visited.seen();
  for (let i = 0; i < frontier.length && !run.stoppedBy; i++) {
    const path = frontier[i]!;
    run.transitions += expand(ctx, rebuild.node(path), seen, (op) => {
      visited.add();
      found++;
      if (!last) next.push([...path, op]);
      run.added(depth + 1);
    }, (key, property, detail, ops) => run.violation({ key, property, detail, ops }));
    frontier[i] = null as unknown as Op[]; // expanded: let it go
    run.progress(depth, i + 1, frontier.length, found);
  }
  return found === 0 ? null : next;
}

const primingCache = new Map<string, Op[][]>();
/** The ops of the committed covering traces of `profile` (of every profile where it has none): what SearchCtx.prime runs. */
function primingTraces(profile: Profile): Op[][] {
  let t = primingCache.get(profile.name);
  if (!t) {
    const all = coveringTraces().map((x) => x.trace);
    const own = all.filter((x) => x.profile === profile.name);
    t = (own.length ? own : all).map((x) => x.steps.map(opOf));
    primingCache.set(profile.name, t);
  }
  return t;
}
function primingOrNone(profile: Profile): Op[][] {
  try { return primingTraces(profile); } catch { return []; }
}
/** Whether this thread primed V8 already (its feedback is the process's: once is enough). */
let primedHere = false;
function primeHere(ctx: SearchCtx, opts: ExploreOptions): void {
  if (primedHere || opts.prime === false) return;
  primedHere = true;
  // only for speed: a corpus that cannot be read or run leaves the search as it would be unprimed
  try { ctx.prime(primingOrNone(ctx.profile)); } catch { /* unprimed */ }
}

/** The one-thread search (also the engine of --exact). */
export function exploreSync(profile: Profile, opts: ExploreOptions = {}): ExploreResult {
  const ctx = new SearchCtx(profile, exploreBounds(profile, opts.bounds), opts.ignore ?? new Set(), opts.symmetry ?? true);
  ctx.tracker = opts.lifecycle ?? null;
  const run = new Run({ ...opts, depth: opts.depth ?? exploreDepth(profile) });
  const exact = opts.exact ?? false;
  primeHere(ctx, opts);
  const fps = exact ? null : new FingerprintSet(1 << 10);
  const keys = exact ? new Set<string>() : null;
  let keyBytes = 0;
  let k = ''; // --exact: the key of the state last looked up
  const visited: Visited = fps ? visitedFps(ctx, fps) : {
    seen: () => keys!.has(k = ctx.encoder.exactKey()),
    add: () => { keys!.add(k); keyBytes += k.length; },
  };
  const root = ctx.root();
  ctx.key(root);
  visited.seen();
  visited.add();
  const rebuild = new Rebuilder(root);
  let frontier: Op[][] = [[]]; // op paths: a node is rebuilt when it is expanded
  let fixpoint = false;
  for (let depth = 0; depth < run.depthBound && !run.stoppedBy; depth++) {
    const next = levelHere(ctx, rebuild, run, frontier, depth, visited);
    if (next === null) { fixpoint = !run.stoppedBy; break; }
    frontier = next;
  }
  run.progress(run.statesPerDepth.length - 1, 0, 0, 0, true);
  // an exact key costs its bytes plus a string header and a Set slot (about 48 bytes in V8)
  const bytes = fps ? fps.bytes : keyBytes + 48 * keys!.size;
  return run.result(opts, ctx.alphabet.bounds, bytes, 1, fixpoint);
}

/** Levels with fewer nodes than this per worker are expanded by the main thread. */
const SMALL_LEVEL = 128;

/** Level-synchronous parallel BFS: chunks of a level go to the workers (this thread is one), results merge in order. */
async function exploreParallel(profile: Profile, opts: ExploreOptions, nWorkers: number): Promise<ExploreResult> {
  const bounds = exploreBounds(profile, opts.bounds);
  const ignore = opts.ignore ?? new Set<string>();
  const ctx = new SearchCtx(profile, bounds, ignore, opts.symmetry ?? true);
  const run = new Run({ ...opts, depth: opts.depth ?? exploreDepth(profile) });
  const setup: WorkerSetup = {
    profile: profile.name, bounds, ignore: [...ignore], symmetry: opts.symmetry ?? true,
    mutant: activeMutants()[0] ?? null, prime: opts.prime === false ? [] : primingOrNone(profile), lifecycle: opts.lifecycle !== undefined,
  };
  // this thread's transitions go straight into the caller's tracker, the workers' come back per
  // chunk; the root is visited here, whichever thread expands it
  ctx.tracker = opts.lifecycle ?? null;
  if (activeMutants().length > 1) throw new Error('explore --workers supports one active mutant');
  const fps = new FingerprintSet(1 << 10, true);
  const root = ctx.root();
  ctx.key(root);
  fps.add(ctx.fp[0]!, ctx.fp[1]!);
  opts.lifecycle?.searchFrom(root.c.sim);
  // The workers boot (module loading, compilation) while this thread expands the first levels,
  // which are too small to share anyway, and then its share of the next ones.
  const pool = startPool(nWorkers, setup, opts.workerCode === 'tsx' ? null : (await workerBundle()).url);
  primeHere(ctx, opts); // while the workers boot (and prime themselves)
  const rebuild = new Rebuilder(root);
  let frontier: Op[][] = [[]];
  let depth = 0;
  let fixpoint = false;
  let ok = false;
  try {
    for (; depth < run.depthBound && !run.stoppedBy && frontier.length < (opts.localLevel ?? SMALL_LEVEL) * nWorkers; depth++) {
      const next = levelHere(ctx, rebuild, run, frontier, depth, visitedFps(ctx, fps));
      if (next === null) { fixpoint = !run.stoppedBy; break; }
      frontier = next;
    }
    let stop = fixpoint || !!run.stoppedBy;
    // from here this thread's chunks count into a tracker of their own, taken per chunk and
    // merged in chunk order with the workers' (the same order of first-taken transitions as one thread)
    const mine = opts.lifecycle ? new LifecycleTracker(profile).continued() : null;
    ctx.tracker = mine;
    for (; depth < run.depthBound && !stop; depth++) {
      const size = Math.max(1, Math.min(32, Math.ceil(frontier.length / (nWorkers * 8))));
      const chunks: Op[][][] = [];
      for (let i = 0; i < frontier.length; i += size) chunks.push(frontier.slice(i, i + size));
      const sizes = chunks.map((c) => c.length);
      const levelSize = frontier.length;
      frontier = []; // the chunks hold the level now, and the pool lets each go once it is expanded
      const next: Op[][] = [];
      const last = depth === run.depthBound - 1;
      let found = 0;
      let done = 0;
      await pool.level(chunks, () => fps.table, (r: ChunkResult, k: number) => {
        done += sizes[k]!;
        run.transitions += r.transitions;
        if (r.lifecycle) opts.lifecycle!.mergeData(r.lifecycle);
        for (const v of r.violations) run.violation(v);
        for (const w of (r as ChunkResult & { warnings?: string[] }).warnings ?? []) if (!keyWarnings.includes(w)) keyWarnings.push(w);
        for (let j = 0; j < r.fps.length >> 1 && !stop; j++) {
          if (!fps.add(r.fps[2 * j]!, r.fps[2 * j + 1]!)) continue;
          found++;
          if (!last) next.push(r.paths[j]!);
          if (!run.added(depth + 1)) stop = true;
        }
        run.progress(depth, done, levelSize, found);
        return !stop;
      }, last, (chunk) => {
        const r = expandChunk(ctx, rebuild, chunk, FingerprintSet.view(fps.table), last);
        if (mine) r.lifecycle = mine.take();
        return r;
      });
      if (found === 0) { fixpoint = !stop; break; }
      frontier = next;
    }
    ok = true;
  } finally {
    await pool.close(ok);
  }
  run.progress(run.statesPerDepth.length - 1, 0, 0, 0, true);
  return run.result(opts, ctx.alphabet.bounds, fps.bytes, nWorkers, fixpoint);
}

interface Pool {
  /**
   * Runs the chunks on the worker threads and, between chunks, on this thread (`here`); `merge`
   * sees the results strictly in chunk order; false stops the level.
   */
  level(chunks: Op[][][], table: () => Uint32Array, merge: (r: ChunkResult, k: number) => boolean, last: boolean,
    here: (chunk: Op[][]) => ChunkResult): Promise<void>;
  /** Ends the search's use of the threads: kept for the next search when `ok`, ended otherwise. */
  close(ok: boolean): Promise<void>;
}

/** What a chunk's slot holds once the chunk was sent or expanded. */
const GONE: Op[][] = [];

/** Chunks a worker thread holds at once: one to expand, one queued, so it never waits for this thread. */
const IN_FLIGHT = 2;

/**
 * The worker threads of the last parallel search, kept for the next one in this process (a
 * CLI run makes one; tests, benches and library users make many). A thread that was used
 * already has the model's hot code compiled: booting one and compiling that code again costs
 * it seconds of CPU, which on two cores comes out of the search (bench/RESULTS.md). Idle
 * threads are unref()ed, so they never keep the process alive.
 */
let idle: { code: string; ws: Worker[] } | null = null;

/** Ends the worker threads kept for the next parallel search (tests and benches call it to start cold or to exit tidily). */
export async function closeExplorePool(): Promise<void> {
  const ws = idle?.ws ?? [];
  idle = null;
  await Promise.all(ws.map((w) => w.terminate()));
}

/** n worker threads running `code` (a bundle URL or the tsx shim): the idle ones first, then new ones; which were booted already. */
function takeWorkers(n: number, bundle: URL | null): { ws: Worker[]; warm: Set<Worker>; code: string } {
  const code = bundle ? bundle.href : 'tsx';
  const warm = new Set<Worker>();
  const ws: Worker[] = [];
  if (idle && idle.code === code) for (const w of idle.ws.splice(0, n)) { warm.add(w); ws.push(w); }
  if (idle && (idle.code !== code || idle.ws.length === 0)) { for (const w of idle.ws) void w.terminate(); idle = null; }
  while (ws.length < n) {
    // the bundled worker needs no loader: it does not inherit tsx's --import (V8 flags are the process's anyway)
    const w = bundle ? new Worker(bundle, { execArgv: [] }) : new Worker(new URL('./worker-shim.mjs', import.meta.url));
    // a thread that ends (terminated, or crashed while idle) is never handed out again
    w.once('exit', () => { if (idle) idle.ws = idle.ws.filter((x) => x !== w); });
    ws.push(w);
  }
  for (const w of ws) w.ref();
  return { ws, warm, code };
}

/**
 * n - 1 worker threads: the main thread is the n-th worker (it is warm, new threads start cold).
 * The pool is usable at once: a new worker takes chunks once its 'ready' reaches this thread,
 * between this thread's own chunks (it boots in about 30 ms from the bundle, but compiling the
 * model's hot code takes it most of a second, as long as a whole level may take this thread),
 * so no level waits for a boot. A kept worker is set up for this search by the same 'init'
 * message and takes chunks at once (a port delivers messages in order).
 */
function startPool(n: number, setup: WorkerSetup, bundle: URL | null): Pool {
  const { ws, warm, code } = takeWorkers(n - 1, bundle);
  const ready: Worker[] = [];
  let bootError: unknown = null;
  /** The running level's hooks: take on a worker that just booted; fail on a boot error. */
  let joined: ((w: Worker) => void) | null = null;
  let failed: ((e: unknown) => void) | null = null;
  for (const w of ws) {
    w.postMessage({ type: 'init', setup });
    if (warm.has(w)) { ready.push(w); continue; }
    const onBootError = (e: unknown): void => {
      bootError ??= e;
      failed?.(e);
    };
    w.once('error', onBootError);
    w.once('message', () => {
      w.off('error', onBootError);
      ready.push(w);
      joined?.(w);
    });
  }
  return {
    level(chunks, table, merge, last, here) {
      return new Promise((resolve, reject) => {
        if (bootError) { reject(bootError); return; }
        const results: (ChunkResult | undefined)[] = new Array(chunks.length);
        let nextChunk = 0;
        let merged = 0;
        let stopped = false;
        let busy = 0; // chunks out on worker threads
        let hereBusy = true; // this thread's loop is scheduled or running
        let done = false;
        const attached: Worker[] = [];
        const fail = (e: unknown): void => {
          stopped = true;
          reject(e);
        };
        /** A thread that ends mid-level without an 'error' would leave its chunks unanswered. */
        const exited = (code: number): void => fail(new Error(`explore: a worker thread exited (code ${code}) during a level`));
        const feed = (w: Worker): void => {
          if (stopped || nextChunk >= chunks.length) return;
          const id = nextChunk++;
          busy++;
          w.postMessage({ type: 'chunk', id, nodes: chunks[id], table: table(), last });
          chunks[id] = GONE; // sent (copied): let it go, as levelHere does (a level's paths are most of the heap)
        };
        const mergeReady = (): void => {
          while (!stopped && merged < chunks.length && results[merged]) {
            if (!merge(results[merged]!, merged)) stopped = true;
            results[merged++] = undefined;
          }
        };
        const maybeFinish = (): void => {
          if (done || busy > 0 || hereBusy || !(stopped || merged === chunks.length)) return;
          done = true;
          joined = null;
          failed = null;
          for (const w of attached) { w.removeAllListeners('message'); w.removeAllListeners('error'); w.off('exit', exited); }
          resolve();
        };
        // this thread: one chunk at a time, yielding in between so that results come in
        const runHere = (): void => {
          if (stopped || nextChunk >= chunks.length) { hereBusy = false; maybeFinish(); return; }
          const id = nextChunk++;
          try {
            results[id] = here(chunks[id]!);
            chunks[id] = GONE;
          } catch (e) {
            hereBusy = false;
            fail(e);
            return;
          }
          mergeReady();
          setImmediate(runHere);
        };
        const attach = (w: Worker): void => {
          attached.push(w);
          w.on('error', fail);
          w.on('exit', exited);
          w.on('message', (m: ChunkResult & { id: number; type: string }) => {
            if (m.type !== 'result') return; // a kept worker's 'ready' for this search's 'init'
            busy--;
            results[m.id] = m;
            mergeReady();
            feed(w);
            maybeFinish();
          });
          for (let k = 0; k < IN_FLIGHT; k++) feed(w);
        };
        for (const w of ready) attach(w);
        joined = attach;
        failed = fail;
        setImmediate(runHere);
      });
    },
    async close(ok) {
      // keep the threads that booted and finished cleanly; a failed search or a thread still booting ends
      const keep = ok && !bootError ? ws.filter((w) => ready.includes(w)) : [];
      for (const w of ws) { w.removeAllListeners('message'); w.removeAllListeners('error'); }
      const drop = ws.filter((w) => !keep.includes(w));
      for (const w of keep) w.unref();
      if (keep.length > 0) {
        const others = idle?.code === code ? idle.ws : [];
        if (idle && idle.code !== code) for (const w of idle.ws) drop.push(w);
        idle = { code, ws: [...others, ...keep] };
      }
      await Promise.all(drop.map((w) => w.terminate()));
    },
  };
}
