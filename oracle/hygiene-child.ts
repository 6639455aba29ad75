// Helper for tests/oracle.test.ts (hygiene): starts a backend, leaves it mid-run with
// tasks, namespaces, open fds and a bind mount, prints "ready <executor pid>", and waits
// to be SIGKILLed by the test.
import { KernelBackend } from './kernel.ts';

const k = new KernelBackend();
await k.start();
await k.apply({ op: 'spawn', task: 'a', parent: 'init', newns: ['net', 'mnt', 'pid'] });
await k.apply({ op: 'spawn', task: 'b', parent: 'a' });
await k.apply({ op: 'open', task: 'init', path: '/proc/a/ns/net', fd: 'f' });
await k.apply({ op: 'bind', task: 'init', source: '/proc/a/ns/net', target: '@m' });
await k.apply({ op: 'bind', task: 'a', source: '/proc/a/ns/net', target: '@n' });
await k.apply({ op: 'open', task: 'init', path: '/tmp/file', fd: 'g' });
process.stdout.write(`ready ${k.executorPid}\n`);
setInterval(() => undefined, 1000);
