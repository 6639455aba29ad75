// Public surface of the live-kernel oracle (see oracle/README.md).
export { KernelBackend, type ProbeResult } from './kernel.ts';
export { buildExecutor, findCompiler } from './build.ts';
export { emitC, emitSh, SH_OPS } from './repro.ts';
