// The rule reference as `procns spec` prints it (the "## Rules: <profile>" sections: each rule's
// condition, outcome, citation, witness, flaw / cache / pending notes and id, in check order per
// profile and op), pinned to tests/snapshots/spec-rules.md. A change detector, on purpose: the
// witnesses are replayed by tests/spec-rules.test.ts, but the prose is checked by nobody else,
// so an edit of model/spec/rules.ts must show up here and be accepted by updating the file
// (`npx vitest run tests/spec-reference.test.ts -u`). In npm test and the Stryker suites, where it
// is the killer of the prose mutants of rules.ts (model/mutants/README.md says so).
import { describe, expect, it } from 'vitest';
import { specMarkdown } from '../cli/spec.ts';

describe('procns spec: the printed rule reference', () => {
  it('matches tests/snapshots/spec-rules.md', async () => {
    const all = specMarkdown();
    const rules = all.slice(all.indexOf('## Rules: '));
    expect(rules.startsWith('## Rules: `seed`')).toBe(true);
    await expect(`${rules}\n`).toMatchFileSnapshot('snapshots/spec-rules.md');
  });
});
