// Standalone reproducers for a trace (format procns-trace/1):
//   emitC(trace)  a single C file (executor + driver runtime + the trace as a table) that
//                 replays the trace in a private sandbox on any Linux (root needed), prints
//                 each step's outcome beside its expect and PASS / FAIL (exit 0 / 1).
//   emitSh(trace) a POSIX-ish shell script using unshare/mount/readlink/stat for the traces
//                 that those tools can express (see SH_OPS); throws for the others.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Step, Trace } from '../model/types.ts';
import { EXECUTOR_SOURCE } from './build.ts';

const RUNTIME_SOURCE = join(dirname(fileURLToPath(import.meta.url)), 'repro-runtime.c');

/** A C string literal for any text (octal escapes for everything unusual). */
function cstr(s: string): string {
  let out = '"';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (c === '"' || c === '\\') out += '\\' + c;
    else if (b >= 0x20 && b < 0x7f && c !== '?') out += c;
    else out += '\\' + b.toString(8).padStart(3, '0');
  }
  return out + '"';
}

/** The step as key/value strings (the runtime's table format). */
function stepKv(step: Step): Array<[string, string]> {
  const kv: Array<[string, string]> = [];
  const s = step as unknown as Record<string, unknown>;
  for (const [k, v] of Object.entries(s)) {
    if (k === 'expect' || k === 'note' || v === undefined) continue;
    if (k === 'flags') kv.push([k, (v as string[]).join('|')]);
    else if (Array.isArray(v)) kv.push([k, v.join(',')]);
    else kv.push([k, String(v)]);
  }
  if (step.op === 'spawn' && step.newns === undefined) kv.push(['newns', '']);
  const e = step.expect;
  if (e === undefined) return kv;
  if (typeof e === 'string' || typeof e === 'boolean') kv.push(['expect', String(e)]);
  else {
    if (e.ok !== undefined) kv.push(['expect.ok', String(e.ok)]);
    if (e.errno !== undefined) kv.push(['expect.errno', e.errno]);
    if (e.ns !== undefined) kv.push(['expect.ns', e.ns]);
    if (e.names !== undefined) kv.push(['expect.names', e.names.join('/')]);
    if (e.value !== undefined) kv.push(['expect.value', String(e.value)]);
    if (e.text !== undefined) kv.push(['expect.text', e.text]);
  }
  return kv;
}

const MAXKV = 24;

export function emitC(trace: Trace): string {
  const title = trace.title ?? 'procns trace';
  const rows = trace.steps.map((st, i) => {
    const kv = stepKv(st).flat();
    if (kv.length + 1 > MAXKV) throw new Error(`step ${i}: too many fields for the C table`);
    return `  {${[...kv.map(cstr), 'NULL'].join(', ')}},`;
  });
  const header = [
    `/* procns reproducer: ${title.replace(/\*\//g, '* /')}`,
    ` * Generated from a procns-trace/1 trace. Build and run as root on Linux:`,
    ` *     cc -O2 -o repro repro.c && sudo ./repro`,
    ` * It creates private mount/pid/net/uts/ipc namespaces, replays the steps there and`,
    ` * prints each outcome beside its expect, then PASS or FAIL (exit status 0 or 1). */`,
  ].join('\n');
  return [
    header,
    '#define main procns_executor_main',
    readFileSync(EXECUTOR_SOURCE, 'utf8'),
    '#undef main',
    readFileSync(RUNTIME_SOURCE, 'utf8'),
    `static const char *const STEPS[][MAXKV] = {`,
    ...rows,
    `};`,
    `int main(void) { return run(${cstr(title)}, STEPS, ${trace.steps.length}); }`,
    '',
  ].join('\n');
}

/** Ops that emitSh can express. */
export const SH_OPS = ['spawn', 'exit', 'reap', 'open', 'close', 'readlink', 'stat', 'readdir', 'bind', 'umount', 'nsid'] as const;

const KIND_FLAG: Record<string, string> = {
  net: '--net', uts: '--uts', ipc: '--ipc', mnt: '--mount', user: '--user',
  cgroup: '--cgroup', time: '--time',
};

/**
 * A trace name as the tail of a shell identifier, one to one: letters and digits stay, `_` is
 * `__` and any other byte is `_` and two hex digits (tasks `a-b` and `a_b` are `a_2d`, `a__b`).
 */
export function shName(name: string): string {
  let out = '';
  for (const b of Buffer.from(name, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /[A-Za-z0-9]/.test(c) ? c : c === '_' ? '__' : `_${b.toString(16).padStart(2, '0')}`;
  }
  return out;
}

function shq(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * A shell script for traces whose tasks are all children of init (`unshare ... sleep`),
 * whose fds are O_RDONLY opens in init, and whose ops are in SH_OPS. Shell tools only
 * tell success from failure, so an expected errno passes on any failure, and namespace
 * identity is the inode number (valid while pinned). Throws for anything else.
 */
export function emitSh(trace: Trace): string {
  const out: string[] = [
    '#!/bin/bash',
    `# procns reproducer: ${(trace.title ?? 'procns trace').replace(/\n/g, ' ')}`,
    '# Run as root. Re-executes itself in private mount/pid/net namespaces.',
    'if [ -z "$PROCNS_IN_SANDBOX" ]; then',
    '  exec unshare --mount --propagation private --pid --fork --net --mount-proc env PROCNS_IN_SANDBOX=1 bash "$0" "$@"',
    'fi',
    'mount -t tmpfs procns /tmp || exit 2',
    'D=/tmp/procns; mkdir -p $D',
    'fails=0',
    'check() { # step-number expectation status',
    '  if [ "$2" = "-" ]; then echo "step $1: $3"; return; fi',
    '  a=0; b=0; [ "$2" = ok ] && a=1; [ "$3" = ok ] && b=1',
    '  if [ $a = $b ]; then echo "step $1: $3  PASS (expected $2)";',
    '  else echo "step $1: $3  FAIL (expected $2)"; fails=$((fails+1)); fi',
    '}',
    'run() { if "$@" >/dev/null 2>&1; then echo ok; else echo failed; fi; }',
  ];
  // mount and file names are [A-Za-z0-9_.-] (trace v1) and stay as they are in paths
  const pidVar = (t: string) => (t === 'init' ? '$$' : `$P_${shName(t)}`);
  const fdVar = (f: string) => `FD_${shName(f)}`;
  const nsVar = (n: string) => `NS_${shName(n)}`;
  const exited = new Set<string>();
  const path = (p: string): string => {
    if (p.startsWith('@')) return `$D/m_${p.slice(1)}`;
    if (p.startsWith('/tmp/')) return `$D/f_${p.slice(5)}`;
    const m = /^\/proc\/([^/]+)(\/.*)?$/.exec(p);
    if (!m) throw new Error(`emitSh: unsupported path ${p}`);
    const rest = m[2] ?? '';
    const fm = /^\/fd\/([^/]+)$/.exec(rest);
    if (fm) {
      if (m[1] !== 'init') throw new Error('emitSh: fds exist only in init');
      return `/proc/$$/fd/\${${fdVar(fm[1]!)}:-999999}`;
    }
    return `/proc/${pidVar(m[1]!)}${rest}`;
  };
  const touch = (p: string) => (p.startsWith('@') || p.startsWith('/tmp/') ? `[ -e "${path(p)}" ] || : > "${path(p)}"; ` : '');
  trace.steps.forEach((st, i) => {
    const e = st.expect;
    let exp = '-';
    if (e === 'ok' || (typeof e === 'object' && e.ok === true)) exp = 'ok';
    else if (typeof e === 'string') exp = e;
    else if (typeof e === 'object' && e.errno) exp = e.errno;
    else if (typeof e === 'object' && e.ok === false) exp = 'failed'; // any failure, as an errno is
    else if (typeof e === 'object' && (e.ns || e.names)) exp = 'ok';
    else if (typeof e === 'boolean') throw new Error(`emitSh: step ${i}: alive is not expressible in sh`);
    const task = 'task' in st ? st.task : 'init';
    // the script itself is init: it cannot exit or wait for itself and go on checking
    if ((st.op === 'exit' || st.op === 'reap') && st.task === 'init') throw new Error(`emitSh: step ${i}: ${st.op} of init (the script is init)`);
    if (st.op !== 'spawn' && st.op !== 'reap' && task !== 'init' && st.op !== 'exit')
      throw new Error(`emitSh: step ${i}: only init can act in sh`);
    out.push(`# step ${i}: ${JSON.stringify(st)}`);
    let cmd: string;
    switch (st.op) {
      case 'spawn': {
        if (st.parent !== 'init') throw new Error(`emitSh: step ${i}: spawn only from init`);
        if ((st.newns ?? []).includes('pid')) throw new Error(`emitSh: step ${i}: spawn with a new pid ns`);
        const flags = (st.newns ?? []).map((k) => KIND_FLAG[k]).join(' ');
        const v = pidVar(st.task).slice(1);
        out.push(`${flags ? `unshare ${flags} ` : ''}sleep 100000 & ${v}=$!`);
        // wait until unshare has exec'd sleep (its namespaces are in place)
        out.push(`until [ "$(cat /proc/$${v}/comm 2>/dev/null)" = sleep ]; do sleep 0.01; done`);
        out.push(`check ${i} ${shq(exp)} ok`);
        return;
      }
      case 'exit': {
        const next = trace.steps[i + 1];
        if (!next || next.op !== 'reap' || next.task !== st.task)
          throw new Error(`emitSh: step ${i}: exit must be followed by its reap (the shell reaps at once)`);
        exited.add(st.task);
        out.push(`kill -9 ${pidVar(st.task)}; wait ${pidVar(st.task)} 2>/dev/null; check ${i} ${shq(exp)} ok`);
        return;
      }
      case 'reap':
        out.push(`check ${i} ${shq(exp)} ${exited.has(st.task) ? 'ok' : 'failed'}`);
        return;
      case 'open':
        if (st.flags && st.flags.some((f) => f !== 'O_RDONLY')) throw new Error(`emitSh: step ${i}: only O_RDONLY opens`);
        out.push(`${touch(st.path)}if exec {${fdVar(st.fd)}}<"${path(st.path)}"; then s=ok; else s=failed; fi 2>/dev/null`);
        out.push(`check ${i} ${shq(exp)} $s`);
        return;
      case 'close':
        out.push(`if [ -n "\${${fdVar(st.fd)}}" ]; then exec {${fdVar(st.fd)}}<&-; unset ${fdVar(st.fd)}; s=ok; else s=failed; fi`);
        out.push(`check ${i} ${shq(exp)} $s`);
        return;
      case 'readlink':
        cmd = `run readlink "${path(st.path)}"`;
        break;
      case 'stat':
        if (!st.path) throw new Error(`emitSh: step ${i}: stat of an fd`);
        cmd = `run stat -L "${path(st.path)}"`;
        break;
      case 'readdir':
        cmd = `run ls -f "${path(st.path)}"`;
        break;
      case 'bind':
        out.push(touch(st.target).trim());
        cmd = `run mount --bind "${path(st.source)}" "${path(st.target)}"`;
        break;
      case 'umount':
        cmd = `run umount "${path(st.target)}"`;
        break;
      case 'nsid':
        if (!st.path) throw new Error(`emitSh: step ${i}: nsid of an fd`);
        out.push(`${nsVar(st.as)}=$(stat -L -c %i "${path(st.path)}" 2>/dev/null)`);
        cmd = `run test -n "$${nsVar(st.as)}"`;
        break;
      default:
        throw new Error(`emitSh: step ${i}: op ${st.op} is not expressible in sh`);
    }
    out.push(`s=$(${cmd}); check ${i} ${shq(exp)} $s`);
  });
  out.push('if [ $fails -eq 0 ]; then echo PASS; exit 0; else echo "FAIL ($fails step(s) differ)"; exit 1; fi', '');
  return out.join('\n');
}
