// The lifecycle statecharts' public face: Mermaid diagrams for `procns spec`, machine JSON for
// Stately's visualiser, and the coverage tracker that `check` and `explore` feed.
import type { Profile } from '../profiles.ts';
import type { Lifecycle } from './machines.ts';
import { lifecycles, machineEdges } from './machines.ts';
import { LifecycleTracker } from './coverage.ts';

export { lifecycles, findLifecycle } from './machines.ts';
export type { Edge, Lifecycle } from './machines.ts';
export { LifecycleTracker, coverageJson, coverageLines, coverageMarkdown, edgeLabel } from './coverage.ts';
export type { CoverageSummary, Disagreement, MachineCoverage } from './coverage.ts';
export { project, moves, allowedTables, charts, describeMove, type AllowedTables, type Charts } from './projection.ts';

/**
 * A fresh coverage tracker for a profile. Random runs: start(checker) at each run's start and
 * step(checker, op) after each op. Exhaustive search: transition(before, after, op) per edge
 * of the state graph. Then summary() (percentages, never-reached lists, disagreements).
 */
export function lifecycleCoverage(profile: Profile): LifecycleTracker {
  return new LifecycleTracker(profile);
}

const mermaidId = (s: string): string => s.replace(/[^A-Za-z0-9_]/g, '_');

const ORDER = ['seed', 'v3.0', 'v3.8', 'v6.18'];

/** "v3.8+" for a tail of the profile order, else the list. */
function profileRange(ps: readonly string[]): string {
  const first = ORDER.indexOf(ps[0] ?? '');
  const tail = ORDER.slice(first);
  return ps.length > 1 && tail.length === ps.length && tail.every((p, i) => ps[i] === p) ? `${ps[0]}+` : ps.join(', ');
}

/** One statechart as Mermaid stateDiagram-v2, read from the xstate machine. */
export function machineMermaid(l: Lifecycle): string {
  const lines = ['stateDiagram-v2', '  direction LR'];
  lines.push(`  [*] --> ${mermaidId(String(l.machine.root.initial?.target[0]?.key ?? 'unborn'))}`);
  const groups = new Map<string, string[]>();
  for (const e of machineEdges(l.machine)) {
    const only = e.profiles.length < l.profiles.length ? ` [${profileRange(e.profiles)}]` : '';
    const k = `${e.from}|${e.to}`;
    groups.set(k, [...(groups.get(k) ?? []), `${e.event}${only}`]);
  }
  for (const [k, evs] of groups) {
    const [from, to] = k.split('|') as [string, string];
    lines.push(`  ${mermaidId(from)} --> ${mermaidId(to)} : ${evs.join(', ')}`);
  }
  for (const [name, node] of Object.entries(l.machine.root.states)) if (node.type === 'final') lines.push(`  ${mermaidId(name)} --> [*]`);
  return lines.join('\n');
}

/** Every statechart as a Markdown section: a Mermaid diagram and a table of its states. */
export function lifecycleMermaid(): string {
  const out = ['## Lifecycle statecharts', '',
    'Generated from the xstate machines in model/lifecycle/machines.ts: a second reading of the semantics. Every step of',
    '`check` and `explore` is projected onto them (model/lifecycle/projection.ts); a move that a chart does not allow is',
    'reported as a disagreement. Transition labels are trace ops; [profiles] marks a transition that only some kernels have.', ''];
  for (const l of lifecycles()) {
    out.push(`### ${l.title}`, '', `Objects: ${l.objects}; profiles: ${l.profiles.join(', ')}.`, '', '```mermaid', machineMermaid(l), '```', '');
    out.push('| state | meaning |', '|---|---|');
    for (const [name, node] of Object.entries(l.machine.root.states)) out.push(`| ${name} | ${(node.description ?? '').replace(/\|/g, '\\|')} |`);
    out.push('');
  }
  return out.join('\n');
}

/** A machine's config as JSON for Stately's visualiser (stately.ai/viz: paste as createMachine config). */
export function lifecycleJson(id?: string): Record<string, unknown> {
  const pick = id ? lifecycles().filter((l) => l.id === id) : lifecycles();
  return Object.fromEntries(pick.map((l) => [l.id, JSON.parse(JSON.stringify(l.machine.config)) as unknown]));
}
