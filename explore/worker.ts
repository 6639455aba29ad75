// An explore worker thread: it sets up the same alphabet, key and mutant as the main thread,
// then expands the chunks of each BFS level it is sent (op paths, rebuilt here by replay) and
// returns their new successors.
import { parentPort } from 'node:worker_threads';
import type { Op } from '../model/types.ts';
import { activate } from '../model/mutants/index.ts';
import { expandChunk, profileOf, Rebuilder, SearchCtx } from './bfs.ts';
import type { WorkerSetup } from './bfs.ts';
import { FingerprintSet } from './fingerprint.ts';
import { keyWarnings } from './key.ts';
import { LifecycleTracker } from '../model/lifecycle/coverage.ts';

let ctx: SearchCtx | null = null;
let rebuild: Rebuilder | null = null;
let primed = false;

type Msg = { type: 'init'; setup: WorkerSetup } | { type: 'chunk'; id: number; nodes: Op[][]; table: Uint32Array; last: boolean };

parentPort!.on('message', (m: Msg) => {
  if (m.type === 'init') {
    activate(m.setup.mutant);
    ctx = new SearchCtx(profileOf(m.setup.profile), m.setup.bounds, new Set(m.setup.ignore), m.setup.symmetry);
    // this thread's share of the transitions: the main thread visited the search's first state
    ctx.tracker = m.setup.lifecycle ? new LifecycleTracker(ctx.profile).continued() : null;
    rebuild = new Rebuilder(ctx.root());
    // once per thread: a kept thread set up again has its feedback already
    if (!primed && m.setup.prime.length > 0) {
      primed = true;
      try { ctx.prime(m.setup.prime); } catch { /* only for speed: unprimed */ }
    }
    parentPort!.postMessage({ type: 'ready' });
    return;
  }
  const r = expandChunk(ctx!, rebuild!, m.nodes, FingerprintSet.view(m.table), m.last);
  if (ctx!.tracker) r.lifecycle = ctx!.tracker.take();
  parentPort!.postMessage({ type: 'result', id: m.id, ...r, warnings: keyWarnings });
});
