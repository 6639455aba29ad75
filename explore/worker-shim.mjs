// Entry of a worker thread that runs TypeScript: registers tsx's loader (resolved from this
// package, not the caller's directory), then loads the TypeScript entry: explore's worker, or the
// module URL given as workerData.entry (bench/parallel-ceiling.ts's threads).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';
register();
await import(workerData?.entry ?? './worker.ts');
