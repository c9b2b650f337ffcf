import { test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../../server/src/analysis/engine';
import { AUDIT_RULES } from '../../../server/src/analysis/rules/prisma/audit';

// Half-typed schemas (what the editor sends while you type) must never make an issue-3 rule throw.
const full =
  'datasource db {\n  provider = "postgresql"\n}\n\nmodel User {\n  id        Int      @id\n  password  String\n  posts     Post[]\n  updatedAt DateTime @default(now())\n}\n\nmodel Post {\n  id       Int    @id\n  status   String @default("draft") // draft | published\n  price    Float\n  author   User   @relation(fields: [authorId], references: [id], onDelete: SetNull)\n  authorId Int\n}\n\nenum PostStatus {\n  draft\n  published\n}\n';

test('issue-3 rules never throw on half-typed schemas (every prefix, and every prefix with a dangling @relation)', () => {
  let runs = 0;
  for (let cut = 0; cut <= full.length; cut++) {
    for (const text of [full.slice(0, cut), full.slice(0, cut) + ' @relation(fields: [', full.slice(0, cut) + full.slice(cut + 5)]) {
      const r = audit({ prismaFiles: [{ path: 'schema.prisma', text }] }, AUDIT_RULES);
      assert.deepEqual(r.ruleErrors, {}, `cut at ${cut}`);
      for (const f of r.findings) for (const fix of f.fixes) for (const e of fix.edits) assert.ok(e.range.start.line >= 0 && e.range.end.line >= e.range.start.line);
      runs++;
    }
  }
  assert.ok(runs > 1000);
});
