/**
 * How fixes are spelled out in the report (insert / delete lines / replace / create file / rename) and
 * carried into SARIF, on hand-made fixes covering each edit shape.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding, Fix } from '../../server/src/analysis/types';
import { renderReport } from '../../server/src/report';
import { renderFixStepsMarkdown } from '../../server/src/report/markdown';
import { describeFix } from '../../server/src/report/model';

const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
const F = 'prisma/schema.prisma';

function md(fix: Fix): string[] {
  return renderFixStepsMarkdown(describeFix(fix));
}

describe('fix steps', () => {
  it('a new line inserted after the end of a line is shown at the next line, in a code block', () => {
    assert.deepEqual(md({ title: 't', edits: [{ file: F, range: r(9, 20, 9, 20), newText: '\r\n  @@index([a, b])' }] }), [
      'Insert at `prisma/schema.prisma:11`:\n\n```prisma\n  @@index([a, b])\n```',
    ]);
    assert.deepEqual(md({ title: 't', edits: [{ file: F, range: r(9, 0, 9, 0), newText: '  @@index([a])\n' }] }), [
      'Insert at `prisma/schema.prisma:10`:\n\n```prisma\n  @@index([a])\n```',
    ]);
  });

  it('a short insertion inside a line is shown inline with its column', () => {
    assert.deepEqual(md({ title: 't', edits: [{ file: F, range: r(3, 64, 3, 64), newText: ', onDelete: Cascade' }] }), [
      'Insert `, onDelete: Cascade` at `prisma/schema.prisma:4:65`.',
    ]);
  });

  it('deleting whole lines names the lines (end exclusive at column 0)', () => {
    assert.deepEqual(md({ title: 't', edits: [{ file: F, range: r(4, 0, 5, 0), newText: '' }] }), ['Delete `prisma/schema.prisma` line 5.']);
    assert.deepEqual(md({ title: 't', edits: [{ file: F, range: r(4, 0, 7, 0), newText: '' }] }), ['Delete `prisma/schema.prisma` lines 5–7.']);
    assert.deepEqual(md({ title: 't', edits: [{ file: F, range: r(4, 2, 4, 9), newText: '' }] }), ['Delete `prisma/schema.prisma:5` columns 3–9.']);
  });

  it('replacements: inline when short, a code block when multi-line', () => {
    assert.deepEqual(md({ title: 't', edits: [{ file: F, range: r(2, 10, 2, 16), newText: 'Decimal' }] }), [
      'Replace `prisma/schema.prisma:3` columns 11–16 with `Decimal`.',
    ]);
    assert.deepEqual(md({ title: 't', edits: [{ file: 'm.sql', range: r(0, 0, 1, 3), newText: 'CREATE INDEX CONCURRENTLY\n  x ON t (a);' }] }), [
      'Replace `m.sql` from 1:1 to 2:4 with:\n\n```sql\nCREATE INDEX CONCURRENTLY\n  x ON t (a);\n```',
    ]);
  });

  it('edits are listed in file order, then file operations', () => {
    const steps = describeFix({
      title: 't',
      edits: [
        { file: F, range: r(8, 0, 8, 0), newText: 'b\n' },
        { file: F, range: r(2, 0, 2, 0), newText: 'a\n' },
      ],
      fileOperations: [{ kind: 'rename', file: 'a.sql', newFile: 'b.sql' }],
    });
    assert.deepEqual(
      steps.map((s) => s.kind + ('line' in s ? s.line : '')),
      ['insert3', 'insert9', 'rename'],
    );
  });

  it('SARIF carries text edits and created files, and leaves out a fix that is only a rename', () => {
    const finding: Finding = {
      rule: 'duplicate-migration-version',
      severity: 'error',
      priority: 'P1',
      message: 'dup',
      file: 'migrations/004_b.sql',
      range: r(0, 0, 0, 1),
      subject: {},
      fixes: [
        { title: 'Rename to 005', edits: [], fileOperations: [{ kind: 'rename', file: 'migrations/004_b.sql', newFile: 'migrations/005_b.sql' }] },
        { title: 'Edit', edits: [{ file: 'migrations/004_b.sql', range: r(0, 0, 0, 0), newText: '-- x\n' }] },
      ],
    };
    const doc = JSON.parse(renderReport('sarif', { root: 'r', files: [], findings: [finding], toolVersion: '1' }));
    const fixes = doc.runs[0].results[0].fixes;
    assert.equal(fixes.length, 1);
    assert.equal(fixes[0].description.text, 'Edit');
    assert.deepEqual(fixes[0].artifactChanges[0].replacements[0], {
      deletedRegion: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 },
      insertedContent: { text: '-- x\n' },
    });
  });
});
