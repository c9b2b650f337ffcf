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

/** Audits `schema` with several migrations (folder name → SQL), in order. */
function runMigrations(schema: string, migrations: Record<string, string>, rule: string) {
  const r = audit({
    prismaFiles: [{ path: 'prisma/schema.prisma', text: DS + schema }],
    sqlFiles: Object.entries(migrations).map(([name, text]) => ({ path: `prisma/migrations/${name}/migration.sql`, text })),
  });
  assert.deepEqual(r.ruleErrors, {});
  return r.findings.filter((f) => f.rule === rule);
}

const roleSchema = 'model User {\n  id   Int  @id\n  role Role @default(USER)\n}\n\nenum Role {\n  USER\n  ADMIN @map("admin")\n  OWNER\n\n  @@map("role_t")\n}\n';
const roleInit =
  'CREATE TYPE "role_t" AS ENUM (\'USER\', \'admin\');\n\nCREATE TABLE "User" (\n    "id" INTEGER NOT NULL,\n    "role" "role_t" NOT NULL DEFAULT \'USER\',\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n';

test('enum-drift: an enum whose values differ from the type its migrations create (@map, @@map, ADD VALUE)', () => {
  const migrations = { '20240101000000_init': roleInit, '20240201000000_guest': '-- AlterEnum\nALTER TYPE "role_t" ADD VALUE \'GUEST\';\n' };
  const [f, ...rest] = runMigrations(roleSchema, migrations, 'enum-drift');
  assert.equal(rest.length, 0);
  assert.equal(f.severity, 'warning');
  assert.deepEqual(f.subject, { enum: 'Role' });
  // On the enum's name (DS is lines 0-3, the model 4-7, then a blank line: `enum Role` is line 9).
  assert.deepEqual(f.range, { start: { line: 9, character: 5 }, end: { line: 9, character: 9 } });
  assert.match(f.message, /"OWNER" is in the schema but in no migration/);
  assert.match(f.message, /"GUEST" is in the database type but not in the enum/);
  assert.doesNotMatch(f.message, /"admin"|"ADMIN"/, 'ADMIN is @map("admin"), which the type has');
  assert.equal(f.data?.onlyInSchema, 'OWNER');
  assert.equal(f.data?.onlyInDatabase, 'GUEST');
  assert.equal(f.data?.databaseValues, 'USER, admin, GUEST');
  // Related: where the type is created, and its last change.
  assert.deepEqual(
    f.related?.map((r) => [r.file, r.range.start.line]),
    [
      ['prisma/migrations/20240101000000_init/migration.sql', 0],
      ['prisma/migrations/20240201000000_guest/migration.sql', 1],
    ],
  );
  assert.deepEqual(f.fixes, []);
});

test('enum-drift: migrations that catch up (RENAME VALUE, Prisma\'s re-create pattern) leave no finding', () => {
  // Prisma's migration for removing GUEST and adding OWNER re-creates the type under a new name.
  const recreate =
    'BEGIN;\nCREATE TYPE "role_t_new" AS ENUM (\'USER\', \'admin\', \'OWNER\');\nALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;\nALTER TABLE "User" ALTER COLUMN "role" TYPE "role_t_new" USING ("role"::text::"role_t_new");\nALTER TYPE "role_t" RENAME TO "role_t_old";\nALTER TYPE "role_t_new" RENAME TO "role_t";\nDROP TYPE "role_t_old";\nALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT \'USER\';\nCOMMIT;\n';
  const base = { '20240101000000_init': roleInit, '20240201000000_guest': 'ALTER TYPE "role_t" ADD VALUE \'GUEST\';\n' };
  assert.equal(runMigrations(roleSchema, { ...base, '20240301000000_owner': recreate }, 'enum-drift').length, 0);
  // RENAME VALUE: GUEST becomes OWNER.
  assert.equal(runMigrations(roleSchema, { ...base, '20240301000000_rename': 'ALTER TYPE "role_t" RENAME VALUE \'GUEST\' TO \'OWNER\';\n' }, 'enum-drift').length, 0);
  // Renamed the other way: the schema's OWNER is missing again.
  const [f] = runMigrations(roleSchema, { ...base, '20240301000000_rename': 'ALTER TYPE "role_t" RENAME VALUE \'GUEST\' TO \'MEMBER\';\n' }, 'enum-drift');
  assert.equal(f.data?.onlyInSchema, 'OWNER');
  assert.equal(f.data?.onlyInDatabase, 'MEMBER');
});

test('enum-drift: no comparison without the type, or when the migrations are not the whole history', () => {
  // No migration creates the type: nothing to compare (the type itself missing is schema drift, not this rule).
  const noType = roleInit.replace('CREATE TYPE "role_t" AS ENUM (\'USER\', \'admin\');\n', '').replace('"role_t" NOT NULL', 'TEXT NOT NULL');
  assert.equal(runMigrations(roleSchema, { '20240101000000_init': noType }, 'enum-drift').length, 0);
  // Models the migrations never create: two are tolerated (just added, not migrated yet), three are not.
  const extra = (n: number) => Array.from({ length: n }, (_, i) => `model New${i} {\n  id Int @id\n}\n`).join('\n');
  assert.equal(runMigrations(roleSchema + extra(2), { '20240101000000_init': roleInit }, 'enum-drift').length, 1);
  assert.equal(runMigrations(roleSchema + extra(3), { '20240101000000_init': roleInit }, 'enum-drift').length, 0);
  // Views, composite types and @@ignore'd models are not expected to have a table.
  const notTables = 'view V {\n  id Int @unique\n}\n\nmodel Legacy {\n  id Int @id\n\n  @@ignore\n}\n';
  assert.equal(runMigrations(roleSchema + extra(2) + notTables, { '20240101000000_init': roleInit }, 'enum-drift').length, 1);
});

test('enum-drift: an enum field whose column CHECK allows other values', () => {
  const schema = 'model Post {\n  id     Int        @id\n  status PostStatus\n}\n\nenum PostStatus {\n  draft\n  published\n  archived\n}\n';
  const sql =
    'CREATE TYPE "PostStatus" AS ENUM (\'draft\', \'published\', \'archived\');\nCREATE TABLE "Post" (\n  "id" INTEGER NOT NULL PRIMARY KEY,\n  "status" "PostStatus" NOT NULL,\n  CONSTRAINT "status_known" CHECK ("status" IN (\'draft\', \'published\'))\n);\n';
  const [f, ...rest] = run(schema, sql, 'enum-drift');
  assert.equal(rest.length, 0);
  assert.deepEqual(f.subject, { model: 'Post', field: 'status' });
  assert.match(f.message, /CHECK constraint `status_known`/);
  assert.match(f.message, /"archived" is in the enum but not allowed by the check/);
  assert.equal(f.data?.onlyInSchema, 'archived');
  assert.equal(f.related?.[0].file, 'prisma/migrations/20240101000000_init/migration.sql');
  assert.equal(run(schema, sql.replace("'draft', 'published')", "'draft', 'published', 'archived')"), 'enum-drift').length, 0);
});

test('enum-drift: @@schema enums are compared with the type in that schema', () => {
  const schema = 'model Sub {\n  id   Int  @id\n  plan Plan\n\n  @@schema("billing")\n}\n\nenum Plan {\n  FREE\n  PRO\n\n  @@schema("billing")\n}\n';
  const table = 'CREATE TABLE "billing"."Sub" ("id" INTEGER NOT NULL PRIMARY KEY, "plan" "billing"."Plan" NOT NULL);\n';
  const [f, ...rest] = run(schema, 'CREATE SCHEMA "billing";\nCREATE TYPE "billing"."Plan" AS ENUM (\'FREE\');\n' + table, 'enum-drift');
  assert.equal(rest.length, 0);
  assert.equal(f.data?.databaseType, 'billing.Plan');
  assert.match(f.message, /the type "billing"\."Plan" its migrations create/);
  assert.equal(f.data?.onlyInSchema, 'PRO');
  // A type of the same name in another schema is not this enum's.
  const elsewhere = 'CREATE SCHEMA "billing";\nCREATE TYPE "Plan" AS ENUM (\'FREE\');\nCREATE TYPE "billing"."Plan" AS ENUM (\'FREE\', \'PRO\');\n' + table;
  assert.equal(run(schema, elsewhere, 'enum-drift').length, 0);
});
