// The documented scenarios: hand-written traces of format v1 in this folder (flat), each with a
// title, a description, a profile and an expect on every step; `violates` (extension) names the
// property a historical-flaw scenario breaks on the simulation. See scenarios/README.md.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Trace } from '../model/types.ts';
import { parseTrace } from '../model/trace.ts';

export const SCENARIO_DIR = dirname(fileURLToPath(import.meta.url));

export interface Scenario {
  /** File name, e.g. `bind-keeps-netns-alive.json`. */
  file: string;
  trace: Trace & { violates?: string };
}

/** Every scenarios/*.json (not the subfolders), parsed and validated, sorted by file name. */
export function loadScenarios(dir = SCENARIO_DIR): Scenario[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, trace: parseTrace(readFileSync(join(dir, file), 'utf8')) as Scenario['trace'] }));
}
