// Entry of an explore worker thread: registers tsx's loader (resolved from this package, not the
// caller's directory), then loads the TypeScript worker.
import { register } from 'tsx/esm/api';
register();
await import('./worker.ts');
