import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../../server/src/analysis/engine';
import { ensureSqlParser } from '../../../server/src/analysis/sql/parse';
import { DS } from './util';

before(async () => {
  await ensureSqlParser();
});

function run(schema: string, sql: string, rule: string) {
  const r = audit({
    prismaFiles: [{ path: 'prisma/schema.prisma', text: DS + schema }],
    sqlFiles: [{ path: 'prisma/migrations/20240101000000_init/migration.sql', text: sql }],
  });
  assert.deepEqual(r.ruleErrors, {});
  return r.findings.filter((f) => f.rule === rule);
}

const post = 'model Post {\n  id        Int      @id\n  status    String   @default("draft")\n  body      String\n  updatedAt DateTime @default(now())\n}\n';

test('string-enum-candidate: a CHECK (col IN (...)) in the migrations is the strongest evidence', () => {
  const sql =
    'CREATE TABLE "Post" (\n  "id" INTEGER NOT NULL,\n  "status" TEXT NOT NULL DEFAULT \'draft\',\n  "body" TEXT NOT NULL,\n  "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,\n  CONSTRAINT "Post_pkey" PRIMARY KEY ("id"),\n  CONSTRAINT "Post_status_check" CHECK ("status" IN (\'draft\', \'published\', \'archived\'))\n);\n';
  const [f, ...rest] = run(post, sql, 'string-enum-candidate');
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'warning');
  assert.equal(f.data?.evidence, 'check');
  assert.equal(f.data?.values, 'draft, published, archived');
  assert.match(f.message, /CHECK constraint in the migrations allows only "draft", "published", "archived"/);
  assert.equal(f.fixes[0].title, 'Convert to enum PostStatus');
  // Without the CHECK, only the name + default: info.
  const [g] = run(post, sql.replace(/,\n  CONSTRAINT "Post_status_check"[^\n]*\n/, '\n'), 'string-enum-candidate');
  assert.equal(g.severity, 'info');
});

test('missing-updated-at: a trigger that assigns NEW."updatedAt" maintains the column', () => {
  const table =
    'CREATE TABLE "Post" ("id" INTEGER NOT NULL PRIMARY KEY, "status" TEXT NOT NULL, "body" TEXT NOT NULL, "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP);\n';
  const fn = 'CREATE FUNCTION set_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  NEW."updatedAt" = now();\n  RETURN NEW;\nEND;\n$$;\n';
  const trig = 'CREATE TRIGGER post_updated_at BEFORE UPDATE ON "Post" FOR EACH ROW EXECUTE FUNCTION set_updated_at();\n';
  assert.equal(run(post, table, 'missing-updated-at').length, 1);
  assert.equal(run(post, table + fn, 'missing-updated-at').length, 1, 'a function alone is not a trigger');
  assert.equal(run(post, table + fn + trig, 'missing-updated-at').length, 0);
  const other = trig.replace('ON "Post"', 'ON "Other"');
  assert.equal(run(post, table + 'CREATE TABLE "Other" ("id" INTEGER);\n' + fn + other, 'missing-updated-at').length, 1, 'trigger on another table');
});

test('missing-updated-at: moddatetime(updated_at) maintains the column', () => {
  const schema = 'model Note {\n  id         Int      @id\n  updated_at DateTime @default(now())\n\n  @@map("notes")\n}\n';
  const sql =
    'CREATE EXTENSION IF NOT EXISTS moddatetime;\nCREATE TABLE notes (id INTEGER PRIMARY KEY, updated_at TIMESTAMPTZ NOT NULL DEFAULT now());\nCREATE TRIGGER handle_updated_at BEFORE UPDATE ON notes FOR EACH ROW EXECUTE PROCEDURE moddatetime(updated_at);\n';
  assert.equal(run(schema, sql, 'missing-updated-at').length, 0);
  assert.equal(run(schema, sql.replace('moddatetime(updated_at)', 'moddatetime(created_at)'), 'missing-updated-at').length, 1);
});
