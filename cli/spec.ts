// procns spec: the reference as Markdown (or JSON): the profiles and their flags, trace format
// v1, the invariants, and per profile and op the outcome rules of model/spec/rules.ts in check
// order, each with its citation and witness (tests/spec-rules.test.ts replays every witness).
import { lifecycleJson, lifecycleMermaid } from '../model/lifecycle/index.ts';
import type { Command } from 'commander';
import type { Profile, ProfileName } from '../model/profiles.ts';
import { PROFILE_NAMES, PROFILES } from '../model/profiles.ts';
import type { Rule } from '../model/spec/rules.ts';
import { RULES, ruleExpect, rulesFor } from '../model/spec/rules.ts';
import type { OpName } from '../model/types.ts';
import { OP_NAMES } from '../model/types.ts';
import { INVARIANT_DOCS } from '../properties/invariants.ts';
import { mdTable } from '../reports/writers.ts';
import { describeStep } from './replay.ts';
import { EXIT, printJson, profileOpt } from './common.ts';

/** Trace format v1 ops: fields and what success reports (DESIGN.md "Trace format v1"). */
export const OP_DOCS: Record<OpName, [fields: string, success: string]> = {
  spawn: ['task (new name), parent, newns? (kinds, as clone flags)', ''],
  unshare: ['task, newns', ''],
  setns: ['task, fd, nstype: a kind, 0, or a list of kinds (pidfds)', ''],
  exit: ['task (becomes a zombie)', ''],
  reap: ['task (its parent waits for it)', ''],
  cred: ['task, uid?, gid?, caps? (names), dumpable?', ''],
  open: ['task, path, fd (bound on success), flags? (O_RDONLY default, O_PATH, O_WRONLY, O_RDWR, O_NOFOLLOW, O_DIRECTORY)', 'fd'],
  close: ['task, fd', ''],
  dup: ['task, fd, as', 'fd'],
  pidfd: ['task, target, fd', 'fd'],
  readdir: ['task, path', 'names, in getdents order, without . and ..'],
  readlink: ['task, path', 'ns named in the link text'],
  stat: ['task, path or fd', 'ns when it is a namespace file'],
  lseek: ['task, fd', ''],
  read: ['task, fd', ''],
  ioctl: ['task, fd, request (NS_GET_NSTYPE, NS_GET_USERNS, NS_GET_PARENT, NS_GET_OWNER_UID, NS_GET_ID, ...), as?', 'value, ns, or an fd'],
  bind: ['task, source (a path), target (@name)', ''],
  umount: ['task, target', ''],
  nsid: ['task, fd or path, as (names the namespace)', 'ns'],
  alive: ['ns', 'true / false (is it still allocated)'],
  shrink: ['(none): unused dentries and inodes are evicted', ''],
};

const FLAG_DOCS: [keyof Profile, string][] = [
  ['setns', 'setns(2)'],
  ['setnsCapFirst', 'setns checks capable(CAP_SYS_ADMIN) first'],
  ['magicLinks', 'magic symlinks (ptrace on every follow)'],
  ['procInodePerLookup', 'proc inode per lookup, cached dentries'],
  ['nsfs', 'nsfs'],
  ['ptraceFsCreds', 'PTRACE_MODE_FSCREDS'],
  ['ptraceNoMmIsUndumpable', 'no mm counts as undumpable'],
  ['ioctls', 'NS_GET_* ioctls'],
  ['pidfd', 'pidfd setns'],
  ['mntNsLoopCheck', 'mnt_ns_loop'],
  ['timeForChildrenRealName', 'time_for_children reads "time:[…]"'],
];

const yes = (b: boolean) => (b ? 'yes' : '–');

function profilesSection(): string[] {
  const head = ['profile', 'what it models', 'entries (readdir order)', 'newns kinds', ...FLAG_DOCS.map(([, d]) => d)];
  const rows = PROFILE_NAMES.map((n) => {
    const p = PROFILES[n];
    return [`\`${n}\``, p.title, p.entries.join(' ') || '(none)', p.newnsKinds.join(' '), ...FLAG_DOCS.map(([k]) => yes(p[k] as boolean))];
  });
  return ['## Profiles', '', 'Kernel versions as feature flags (model/profiles.ts); one simulation and one spec read them.', '', mdTable(head, rows), ''];
}

function formatSection(): string[] {
  const rows = OP_NAMES.map((op) => [`\`${op}\``, OP_DOCS[op][0], OP_DOCS[op][1]]);
  return [
    '## Trace format v1', '',
    'A trace is JSON: `{ "format": "procns-trace/1", "title"?, "profile"?, "description"?, "origin"?, "violates"?, "steps": [...] }`. Names are',
    'symbolic (tasks, fds, namespaces bound by `nsid ... as`), so one trace runs on the spec, the simulation and the live kernel.',
    'Paths: `/proc/<task>/ns`, `/proc/<task>/ns/<entry>`, `/proc/<task>/fd/<fd>`, `@<mount>`, `/tmp/<file>`. The task `init`',
    'exists at the start: root, every capability, dumpable. `expect` is `"ok"`, an errno name, `true`/`false` (alive), or an',
    'object with any of `ok`, `errno`, `ns`, `names`, `value`.', '',
    mdTable(['op', 'fields', 'success reports'], rows), '',
  ];
}

function invariantsSection(): string[] {
  return ['## Invariants', '', 'Checked after every step by properties/harness.ts (properties/invariants.ts).', '',
    mdTable(['property', 'meaning'], Object.entries(INVARIANT_DOCS).map(([k, v]) => [`\`${k}\``, v])), ''];
}

function witnessText(r: Rule): string {
  return r.witness.map((s) => describeStep(s)).join(' ; ');
}

function ruleLine(r: Rule, i: number): string[] {
  const exp = ruleExpect(r);
  const detail = typeof exp === 'object' || typeof exp === 'boolean' ? ` (${JSON.stringify(exp)})` : '';
  const out = [`${i}. ${r.when} → **${r.outcome}**${detail}`, `   - cite: ${r.cite}`, `   - witness: \`${witnessText(r)}\``];
  if (r.flaw) out.push(`   - historical flaw: the spec answers ${r.flaw.spec}; the checker reports \`${r.flaw.violates}\``);
  if (r.specSays !== undefined) out.push(`   - the spec answers ${JSON.stringify(r.specSays)} here (a cache the profile keeps; not a violation)`);
  if (r.pending) out.push(`   - **pending**: ${r.pending} (witness not replayed)`);
  out.push(`   - id: \`${r.id}\``);
  return out;
}

function rulesSection(profile: ProfileName): string[] {
  const out = [`## Rules: \`${profile}\``, '', PROFILES[profile].title, ''];
  for (const op of OP_NAMES) {
    const rs = rulesFor(op, profile);
    if (rs.length === 0) continue;
    out.push(`### ${op}`, '');
    rs.forEach((r, i) => out.push(...ruleLine(r, i + 1)));
    out.push('');
  }
  return out;
}

/** The whole reference as Markdown (all profiles, or one). */
export function specMarkdown(only?: ProfileName): string {
  const lines = [
    '# procns reference: /proc/<pid>/ns/* per kernel profile', '',
    'Generated by `procns spec` from model/spec/rules.ts. For each op the rules are listed in the order the kernel',
    'checks them: the first that matches decides the outcome. Every rule cites the kernel code (file, function,',
    'version/commit) or the observation of the live 6.18 kernel (reference/kernel-6.18-observed.md) it comes from, and',
    'carries a witness trace whose last step is the case; tests/spec-rules.test.ts replays each witness on the spec and',
    'on the simulation for every profile the rule claims. "observed 6.18 §n" names a section of that file.', '',
    ...profilesSection(), ...formatSection(), ...invariantsSection(), lifecycleMermaid(),
  ];
  for (const p of only ? [only] : PROFILE_NAMES) lines.push(...rulesSection(p));
  return lines.join('\n');
}

export interface SpecCliOptions { profile?: string; json?: boolean }

export function runSpec(o: SpecCliOptions): number {
  const only = o.profile !== undefined ? profileOpt(o.profile).name : undefined;
  if (o.json) {
    printJson({
      command: 'spec',
      profiles: PROFILE_NAMES.filter((n) => !only || n === only).map((n) => PROFILES[n]),
      ops: OP_NAMES.map((op) => ({ op, fields: OP_DOCS[op][0], success: OP_DOCS[op][1] })),
      invariants: INVARIANT_DOCS,
      lifecycles: lifecycleJson(),
      rules: RULES.filter((r) => !only || r.profiles.includes(only)).map((r) => ({ ...r, expect: ruleExpect(r) })),
    });
  } else {
    process.stdout.write(`${specMarkdown(only)}\n`);
  }
  return EXIT.ok;
}

export function registerSpec(program: Command, run: (code: () => number | Promise<number>) => void): void {
  program.command('spec')
    .description('print the reference: per profile and op, the outcome rules in check order with citations')
    .option('--profile <P>', 'only this profile\'s rules (seed, v3.0, v3.8, v6.18)')
    .option('--json', 'print one JSON document')
    .action((opts: SpecCliOptions) => run(() => runSpec(opts)));
}
