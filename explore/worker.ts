// An explore worker thread: it sets up the same alphabet, key and mutant as the main thread,
// then expands the chunks of each BFS level it is sent and returns their new successors.
import { parentPort } from 'node:worker_threads';
import { activate } from '../model/mutants/index.ts';
import { expandChunk, fromWire, profileOf, SearchCtx } from './bfs.ts';
import type { WireNode, WorkerSetup } from './bfs.ts';
import { FingerprintSet } from './fingerprint.ts';
import { keyWarnings } from './key.ts';

let ctx: SearchCtx | null = null;
let ignore: ReadonlySet<string> = new Set();

type Msg = { type: 'init'; setup: WorkerSetup } | { type: 'chunk'; id: number; nodes: WireNode[]; table: Uint32Array; last: boolean };

parentPort!.on('message', (m: Msg) => {
  if (m.type === 'init') {
    activate(m.setup.mutant);
    ignore = new Set(m.setup.ignore);
    ctx = new SearchCtx(profileOf(m.setup.profile), m.setup.bounds, ignore, m.setup.symmetry);
    parentPort!.postMessage({ type: 'ready' });
    return;
  }
  const c = ctx!;
  const nodes = m.nodes.map((w) => fromWire(w, c.profile, ignore));
  const r = expandChunk(c, nodes, FingerprintSet.view(m.table), m.last);
  parentPort!.postMessage({ type: 'result', id: m.id, ...r, warnings: keyWarnings });
});
