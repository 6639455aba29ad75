// The explore worker thread's code as one ES module, bundled in memory from explore/worker.ts.
// A worker thread loading the TypeScript sources through tsx spends about 160 ms and 225 ms of
// CPU before its 'ready' (a loader, a hooks thread and some forty modules resolved one by one);
// the bundle boots in about 30 ms and 30 ms of CPU (bench/RESULTS.md). On two cores that CPU
// comes out of the search itself. Where bundling fails the pool falls back to the tsx shim.
import { fileURLToPath } from 'node:url';

let cached: { url: URL | null; error: string } | null = null;

/** A data: URL holding the bundled worker, made once per process, or null (and why) where esbuild cannot make it. */
export async function workerBundle(): Promise<{ url: URL | null; error: string }> {
  if (cached) return cached;
  try {
    const { build } = await import('esbuild');
    const out = await build({
      entryPoints: [fileURLToPath(new URL('./worker.ts', import.meta.url))],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      write: false,
      logLevel: 'silent',
    });
    const code = out.outputFiles[0]!.text;
    cached = { url: new URL(`data:text/javascript;base64,${Buffer.from(code).toString('base64')}`), error: '' };
  } catch (e) {
    cached = { url: null, error: e instanceof Error ? e.message.split('\n')[0]! : String(e) };
  }
  return cached;
}
