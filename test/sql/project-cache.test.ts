import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../server/src/analysis/engine';
import { ensureSqlParser } from '../../server/src/analysis/sql/parse';
import { buildMigrationProject } from '../../server/src/analysis/sql/project';

before(async () => {
  await ensureSqlParser();
});

const files = () => [
  { path: 'prisma/migrations/1_init/migration.sql', text: 'CREATE TABLE a (id int PRIMARY KEY, b_id int);\nCREATE TABLE b (id int PRIMARY KEY);\n' },
  { path: 'prisma/migrations/2_fk/migration.sql', text: 'ALTER TABLE a ADD CONSTRAINT a_b FOREIGN KEY (b_id) REFERENCES b (id);\n' },
];

test('an unchanged set of migration files reuses the replayed project; any change rebuilds it', () => {
  const first = buildMigrationProject(files());
  assert.equal(buildMigrationProject(files()), first, 'same paths and texts (new objects) → same project');
  const changed = files();
  changed[1] = { ...changed[1], text: changed[1].text + 'CREATE INDEX a_b_idx ON a (b_id);\n' };
  const second = buildMigrationProject(changed);
  assert.notEqual(second, first);
  assert.ok(second.catalog.tables.size >= 2);
  assert.notEqual(buildMigrationProject(files(), { supabase: true }), first, 'different options → rebuilt');
  // Mutating the caller's array afterwards does not corrupt the cache.
  const mine = files();
  const p = buildMigrationProject(mine);
  mine[0].text = 'DROP TABLE a;';
  assert.notEqual(buildMigrationProject(mine), p);
});

test('findings are the same with a reused project', () => {
  const a = audit({ prismaFiles: [], sqlFiles: files() }).findings;
  const b = audit({ prismaFiles: [], sqlFiles: files() }).findings;
  assert.ok(a.some((f) => f.rule === 'missing-fk-index'));
  assert.deepEqual(b, a);
});
