/**
 * docs/rules/<id>.md and docs/rules/README.md are generated from the rules' own documentation by
 * scripts/gen-rule-docs.ts; this test fails when the committed pages are stale.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ALL_RULES } from '../../server/src/analysis/rules';
import { expectedRuleDocs, staleRuleDocs, writeRuleDocs } from '../../scripts/gen-rule-docs';

describe('generated rule docs', () => {
  it('docs/rules is up to date (regenerate: node --import tsx scripts/gen-rule-docs.ts)', () => {
    assert.deepEqual(staleRuleDocs(), []);
  });

  it('has one page per rule with the five doc sections, and an index linking every page', () => {
    const docs = expectedRuleDocs();
    assert.equal(docs.size, ALL_RULES.length + 1);
    for (const r of ALL_RULES) {
      const page = docs.get(`${r.id}.md`)!;
      assert.ok(page.startsWith(`# \`${r.id}\`: ${r.title}\n`), r.id);
      for (const h of ['What it does', 'Why it matters', 'Example', 'Use instead', 'Fix safety']) assert.ok(page.includes(`\n## ${h}\n`), `${r.id}: ${h}`);
      assert.ok(docs.get('README.md')!.includes(`[\`${r.id}\`](${r.id}.md)`), `index links ${r.id}`);
    }
  });

  it('detects stale, missing and orphaned pages, and the generator repairs them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rule-docs-'));
    try {
      assert.ok(staleRuleDocs(dir).length === ALL_RULES.length + 1, 'everything missing');
      writeRuleDocs(dir);
      assert.deepEqual(staleRuleDocs(dir), []);
      const first = `${ALL_RULES[0].id}.md`;
      writeFileSync(join(dir, first), readFileSync(join(dir, first), 'utf8') + 'edited by hand\n');
      writeFileSync(join(dir, 'removed-rule.md'), '# gone\n');
      assert.deepEqual(staleRuleDocs(dir).sort(), [`docs/rules/removed-rule.md documents no registered rule`, `outdated docs/rules/${first}`].sort());
      const { written, removed } = writeRuleDocs(dir);
      assert.equal(written, 1);
      assert.deepEqual(removed, ['removed-rule.md']);
      assert.deepEqual(staleRuleDocs(dir), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
