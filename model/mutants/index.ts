// The catalog of seeded bugs. Each mutant is a named switch read by model/kernel at the line
// of kernel code the bug lives in (model/kernel/mutant-hooks.ts): no copies of the model.
import { setMutants } from '../kernel/mutant-hooks.ts';

export interface Mutant {
  name: string;
  /** The kernel function the bug lives in. */
  fn: string;
  description: string;
  /** Commit or CVE when the bug is real history, else '' (a plausible kernel mistake). */
  history: string;
  /** The profile the mutant is shown on. */
  profile: string;
}

export const MUTANTS: readonly Mutant[] = [
  { name: 'lookup-no-ptrace', fn: 'proc_ns_dir_lookup', profile: 'v3.0', history: '',
    description: 'the ptrace_may_access check in the ns directory lookup is missing' },
  { name: 'follow-no-ptrace', fn: 'proc_ns_get_link', profile: 'v6.18', history: '',
    description: 'following /proc/<pid>/ns/<x> skips ptrace_may_access' },
  { name: 'readlink-no-ptrace', fn: 'proc_ns_readlink', profile: 'v6.18', history: '',
    description: 'readlink of /proc/<pid>/ns/<x> skips ptrace_may_access' },
  { name: 'evict-no-put', fn: 'nsfs_evict', profile: 'v6.18', history: '',
    description: 'evicting the namespace inode forgets ns_ops->put' },
  { name: 'close-no-fput', fn: 'close_fd', profile: 'v6.18', history: '',
    description: 'close removes the fd without fput' },
  { name: 'dup-no-get-file', fn: 'dup', profile: 'v6.18', history: '',
    description: 'dup installs the file without get_file' },
  { name: 'umount-ignores-busy', fn: 'do_umount', profile: 'v6.18', history: '',
    description: 'umount detaches a mount that an open file still uses (no EBUSY)' },
  { name: 'setns-ebadf-for-other', fn: 'setns', profile: 'v6.18', history: '303cc571d107 (5.8-rc, fixed before release)',
    description: 'setns on an fd that is neither a namespace file nor a pidfd gives EBADF instead of EINVAL' },
];

export function findMutant(name: string): Mutant | undefined {
  return MUTANTS.find((m) => m.name === name);
}

/** Switches the named mutant on (or every mutant off with null) for the engines. */
export function activate(name: string | null): void {
  setMutants(name ? [name] : null);
}
