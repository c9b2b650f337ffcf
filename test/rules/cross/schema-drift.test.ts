import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { audit } from '../../../server/src/analysis/engine';
import { ensureSqlParser } from '../../../server/src/analysis/sql/parse';
import type { Finding } from '../../../server/src/analysis/types';

before(async () => {
  await ensureSqlParser();
});

const DS = 'datasource db {\n  provider = "postgresql"\n}\n\n';

/** schema-drift findings for a schema and its Prisma migrations (folder name → SQL, applied in name order). */
function drift(schema: string, migrations: Record<string, string>, datasource = DS): Finding[] {
  const r = audit({
    prismaFiles: [{ path: 'prisma/schema.prisma', text: datasource + schema }],
    sqlFiles: Object.entries(migrations).map(([name, text]) => ({ path: `prisma/migrations/${name}/migration.sql`, text })),
  });
  assert.deepEqual(r.ruleErrors, {});
  return r.findings.filter((f) => f.rule === 'schema-drift');
}

const USER = 'model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n  name  String?\n}\n';
const USER_SQL =
  'CREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "email" TEXT NOT NULL,\n    "name" TEXT,\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n';
const INIT = '20240101000000_init';

test('schema and migrations in step: nothing to report', () => {
  assert.deepEqual(drift(USER, { [INIT]: USER_SQL }), []);
});

test('a table only the migrations create is reported at its CREATE TABLE, with the drop the next migrate dev makes', () => {
  const later = 'CREATE TABLE "AuditLog" (\n    "id" SERIAL NOT NULL,\n    "action" TEXT NOT NULL,\n    CONSTRAINT "AuditLog_pkey" PRIMARY KEY ("id")\n);\n';
  const [f, ...rest] = drift(USER, { [INIT]: USER_SQL, '20240201000000_audit': later });
  assert.equal(rest.length, 0);
  assert.equal(f.file, 'prisma/migrations/20240201000000_audit/migration.sql');
  assert.deepEqual(f.range, { start: { line: 0, character: 13 }, end: { line: 0, character: 23 } }, 'the table name');
  assert.deepEqual(f.subject, { table: 'AuditLog' });
  assert.equal(f.migration, '20240201000000_audit');
  assert.equal(f.severity, 'warning');
  assert.match(f.message, /Table `AuditLog` \(2 columns\) is created by the migrations \(in 20240201000000_audit\) but no model maps to it/);
  assert.match(f.message, /next `prisma migrate dev` generates a migration that drops it with all its rows/);
});

test('temporary tables, partitions, implicit many-to-many tables and _prisma_migrations are not drift', () => {
  const schema =
    USER +
    'model Post {\n  id         Int        @id\n  categories Category[]\n}\n\nmodel Category {\n  id    Int    @id\n  posts Post[]\n}\n';
  const sql =
    USER_SQL +
    'CREATE TABLE "Post" ("id" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\n' +
    'CREATE TABLE "Category" ("id" INTEGER NOT NULL, CONSTRAINT "Category_pkey" PRIMARY KEY ("id"));\n' +
    'CREATE TABLE "_CategoryToPost" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL);\n' +
    'CREATE TEMP TABLE scratch AS SELECT 1 AS x;\n' +
    'CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY);\n';
  assert.deepEqual(drift(schema, { [INIT]: sql }), []);
  // A join table of a relation the schema no longer has is drift.
  const [f] = drift(schema, { [INIT]: sql.replace(/_CategoryToPost/g, '_OldRelation') });
  assert.deepEqual(f.subject, { table: '_OldRelation' });
});

test('a column only the migrations add is reported at its definition; NOT NULL without default breaks creates', () => {
  const added = 'ALTER TABLE "User" ADD COLUMN "legacyId" TEXT;\nALTER TABLE "User" ADD COLUMN "tenant" INTEGER NOT NULL;\n';
  const found = drift(USER, { [INIT]: USER_SQL, '20240201000000_more': added });
  assert.deepEqual(
    found.map((f) => [f.subject.column, f.range.start.line, f.range.start.character, f.data?.required ?? '']),
    [
      ['legacyId', 0, 30, ''],
      ['tenant', 1, 30, 'true'],
    ],
  );
  assert.match(found[1].message, /NOT NULL without a default, every `User` create through Prisma Client fails/);
  assert.equal(found[0].related?.[0].file, 'prisma/schema.prisma', 'the model is a related location');
  // In CREATE TABLE: at the column's line.
  const [g] = drift(USER, { [INIT]: USER_SQL.replace('"name" TEXT,', '"name" TEXT,\n    "extra" JSONB,') });
  assert.deepEqual([g.subject, g.range.start.line], [{ table: 'User', column: 'extra' }, 4]);
});

test('@map and @@map: names are compared as the database sees them', () => {
  const schema = 'model Account {\n  id        Int    @id\n  userName  String @map("user_name")\n\n  @@map("accounts")\n}\n';
  const sql = 'CREATE TABLE accounts (id INTEGER PRIMARY KEY, user_name TEXT NOT NULL);\n';
  assert.deepEqual(drift(schema, { [INIT]: sql }), []);
  const found = drift(schema.replace('@map("user_name")', ''), { [INIT]: sql });
  assert.deepEqual(found.map((f) => f.subject).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))), [
    { model: 'Account', field: 'userName' },
    { table: 'accounts', column: 'user_name' },
  ]);
});

test('a model no migration creates (up to two) is reported; more mean the folder is not the whole history', () => {
  const one = USER + 'model Team {\n  id Int @id\n}\n';
  const [f, ...rest] = drift(one, { [INIT]: USER_SQL });
  assert.equal(rest.length, 0);
  assert.deepEqual(f.subject, { model: 'Team' });
  assert.equal(f.file, 'prisma/schema.prisma');
  assert.match(f.message, /No migration creates table `Team` for model Team: .*P2021.*`prisma migrate dev`/);
  const two = one + 'model Project {\n  id Int @id\n}\n';
  assert.equal(drift(two, { [INIT]: USER_SQL }).length, 2);
  const three = two + 'model Invoice {\n  id Int @id\n}\n';
  assert.deepEqual(drift(three, { [INIT]: USER_SQL }), [], 'three models without a table: not the history');
  // Views and composite-less schemas: a `view` block needs no table.
  assert.deepEqual(drift(USER + 'view UserInfo {\n  id Int @unique\n}\n', { [INIT]: USER_SQL }), []);
});

test('a field whose column no migration creates is reported at the field', () => {
  const schema = USER.replace('  name  String?\n', '  name  String?\n  bio   String?\n  posts Post[]\n') + 'model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n';
  const sql =
    USER_SQL +
    'CREATE TABLE "Post" ("id" INTEGER NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\nALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;\n';
  const [f, ...rest] = drift(schema, { [INIT]: sql });
  assert.equal(rest.length, 0, 'relation fields (posts, author) have no column');
  assert.deepEqual(f.subject, { model: 'User', field: 'bio' });
  assert.equal(f.range.start.line, 8);
  assert.match(f.message, /No migration creates column `bio` of table `User`.*P2022/);
});

test('enums: a type only the migrations create, an enum no migration creates, @@map', () => {
  const schema = USER + 'enum Role {\n  ADMIN\n  MEMBER\n\n  @@map("role")\n}\n';
  const typeSql = 'CREATE TYPE "role" AS ENUM (\'ADMIN\', \'MEMBER\');\n';
  assert.deepEqual(drift(schema, { [INIT]: USER_SQL + typeSql }), []);
  const [missing] = drift(schema, { [INIT]: USER_SQL });
  assert.deepEqual([missing.subject, missing.file], [{ enum: 'Role' }, 'prisma/schema.prisma']);
  const [extra] = drift(USER, { [INIT]: USER_SQL + typeSql });
  assert.deepEqual([extra.subject, extra.migration], [{ enum: 'role' }, INIT]);
  assert.match(extra.message, /Enum type `role` \(ADMIN, MEMBER\) is created by the migrations/);
  // Created by dynamic SQL: the replay cannot see it, so the enum is not reported missing.
  const dynamic = 'DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = \'role\') THEN\n    EXECUTE \'CREATE TYPE "role" AS ENUM (\'\'ADMIN\'\', \'\'MEMBER\'\')\';\n  END IF;\nEND $$;\n';
  assert.deepEqual(drift(schema, { [INIT]: USER_SQL + dynamic }), []);
});

test('indexes: declared but never built, built but never declared; partial and expression indexes are not drift', () => {
  const schema = USER.replace('}\n', '\n  @@index([name])\n}\n');
  const [declared, ...rest] = drift(schema, { [INIT]: USER_SQL });
  assert.equal(rest.length, 0);
  assert.deepEqual([declared.subject, declared.file, declared.data?.object], [{ model: 'User' }, 'prisma/schema.prisma', 'index']);
  assert.match(declared.message, /No migration creates the index on `User` \(name\)/);
  assert.deepEqual(drift(schema, { [INIT]: USER_SQL + 'CREATE INDEX "User_name_idx" ON "User"("name");\n' }), []);

  const handMade =
    'CREATE INDEX "User_name_trgm_idx" ON "User" USING gin ("name" gin_trgm_ops);\n' +
    'CREATE INDEX "User_lower_email_idx" ON "User" (lower("email"));\n' +
    'CREATE UNIQUE INDEX "User_name_active_key" ON "User" ("name") WHERE "name" IS NOT NULL;\n';
  const [gin, ...others] = drift(USER, { [INIT]: USER_SQL, '20240201000000_search': handMade });
  assert.equal(others.length, 0, 'the expression and the partial index are not reported');
  assert.deepEqual(gin.subject, { table: 'User', index: 'User_name_trgm_idx' });
  assert.match(gin.message, /Index `User_name_trgm_idx` on `User` \(name, gin\) .*drops it.*`@@index\(\[name\], type: Gin\)`/);
  // The @unique email is built as a unique index; a unique constraint counts as well.
  const constraint = USER_SQL.replace('CREATE UNIQUE INDEX "User_email_key" ON "User"("email");\n', 'ALTER TABLE "User" ADD CONSTRAINT "User_email_key" UNIQUE ("email");\n');
  assert.deepEqual(drift(USER, { [INIT]: constraint }), []);
  const [unique] = drift(USER.replace(' @unique', ''), { [INIT]: USER_SQL });
  assert.match(unique.message, /^Unique index `User_email_key` .*uniqueness it enforces/);
});

test('indexes: uniqueness and access method are compared too; a primary key only as @id; a partial unique index kept under the declared name', () => {
  const plainEmail = USER_SQL.replace('CREATE UNIQUE INDEX "User_email_key"', 'CREATE INDEX "User_email_idx"');
  // @unique, but the migrations build a non-unique index: one finding, at the declaration.
  const [notUnique, ...rest1] = drift(USER, { [INIT]: plainEmail });
  assert.equal(rest1.length, 0);
  assert.deepEqual([notUnique.file, notUnique.subject, notUnique.data?.object], ['prisma/schema.prisma', { model: 'User', field: 'email' }, 'unique']);
  assert.match(notUnique.message, /No migration creates the unique index on `User` \(email\).*duplicate email values can be written \(the migrations build only a non-unique index on these columns\)/);
  // A unique index the schema declares only as @@index: reported at the index (the next migrate dev drops the uniqueness).
  const [onlyIndex, ...rest2] = drift(USER.replace(' @unique', '').replace('}\n', '\n  @@index([email])\n}\n'), { [INIT]: USER_SQL });
  assert.equal(rest2.length, 0);
  assert.deepEqual(onlyIndex.subject, { table: 'User', index: 'User_email_key' });
  assert.match(onlyIndex.message, /^Unique index `User_email_key` .*does not declare it unique \(only as a non-unique `@@index`\).*uniqueness it enforces/);
  // @@unique plus a plain index the schema does not declare: the plain index is reported.
  const [extra, ...rest3] = drift(USER, { [INIT]: USER_SQL + 'CREATE INDEX "User_email_idx" ON "User"("email");\n' });
  assert.equal(rest3.length, 0);
  assert.deepEqual(extra.subject, { table: 'User', index: 'User_email_idx' });
  // @id needs the primary key: a unique index on the column is not one.
  const noPk = USER_SQL.replace(',\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")', '') + 'CREATE UNIQUE INDEX "User_id_key" ON "User"("id");\n';
  const found = drift(USER, { [INIT]: noPk });
  assert.deepEqual(
    found.map((f) => [f.file, f.data?.object]),
    [['prisma/schema.prisma', 'primary key']],
  );
  assert.match(found[0].message, /only a unique index on these columns, so the table has no primary key/);
  // A hand-edited migration that made the declared unique index partial (the usual way to keep one in Prisma): in step.
  const partial = USER_SQL.replace('ON "User"("email");', 'ON "User"("email") WHERE "name" IS NOT NULL;');
  assert.deepEqual(drift(USER, { [INIT]: partial }), []);
  // Under another name too (Prisma Migrate pairs indexes that differ only by name, with a rename).
  assert.deepEqual(drift(USER, { [INIT]: partial.replace('"User_email_key"', '"User_email_some"') }), []);
  // The access method too: an @@index is a B-tree unless `type:` says otherwise.
  const gin = USER_SQL + 'CREATE INDEX "User_name_idx" ON "User" USING gin ("name");\n';
  const [method, ...rest5] = drift(USER.replace('}\n', '\n  @@index([name])\n}\n'), { [INIT]: gin });
  assert.equal(rest5.length, 0);
  assert.match(method.message, /the migrations build a gin index on these columns, not the BTree index the model declares \(set `type: Gin`/);
  assert.deepEqual(drift(USER.replace('}\n', '\n  @@index([name], type: Gin)\n}\n'), { [INIT]: gin }), []);
  const [hash] = drift(USER.replace('}\n', '\n  @@index([name], type: Hash)\n}\n'), { [INIT]: USER_SQL + 'CREATE INDEX "User_name_idx" ON "User"("name");\n' });
  assert.match(hash.message, /a btree index on these columns, not the Hash index the model declares \(set `type: BTree`/);
});

test('foreign keys: a relation without one, one without a relation; relationMode = "prisma" compares none', () => {
  const schema = USER.replace('}\n', '  posts Post[]\n}\n') + 'model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n\n  @@index([authorId])\n}\n';
  const post = 'CREATE TABLE "Post" ("id" INTEGER NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\nCREATE INDEX "Post_authorId_idx" ON "Post"("authorId");\n';
  const fk = 'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;\n';
  assert.deepEqual(drift(schema, { [INIT]: USER_SQL + post + fk }), []);
  const [noFk] = drift(schema, { [INIT]: USER_SQL + post });
  assert.deepEqual([noFk.subject, noFk.data?.object], [{ model: 'Post', field: 'author' }, 'foreign key']);
  assert.match(noFk.message, /No migration creates the foreign key of relation `Post.author` \(authorId → `User`\)/);
  const plain = schema.replace('  author   User @relation(fields: [authorId], references: [id])\n', '').replace('  posts Post[]\n', '');
  const [noRelation] = drift(plain, { [INIT]: USER_SQL + post + fk });
  assert.deepEqual([noRelation.subject, noRelation.range.start.line], [{ table: 'Post', column: 'authorId' }, 9]);
  assert.match(noRelation.message, /Foreign key `Post_authorId_fkey` \(`Post`.authorId → `User`\) .*`@relation\(fields: \[authorId\], references: \[id\]\)`/);
  const prismaMode = 'datasource db {\n  provider     = "postgresql"\n  relationMode = "prisma"\n}\n\n';
  assert.deepEqual(drift(schema, { [INIT]: USER_SQL + post }, prismaMode), []);
});

test('@@schema and datasource schemas: the database schemas the Prisma schema describes are compared, each in its own', () => {
  const ds = 'datasource db {\n  provider = "postgresql"\n  schemas  = ["billing"]\n}\n\n';
  const schema = 'model Invoice {\n  id Int @id\n\n  @@schema("billing")\n}\n';
  const sql = 'CREATE SCHEMA billing;\nCREATE TABLE billing."Invoice" (id INTEGER PRIMARY KEY);\nCREATE TABLE audit.events (id INTEGER PRIMARY KEY);\n';
  assert.deepEqual(drift(schema, { [INIT]: sql }, ds), [], 'the audit schema is not described by the Prisma schema');
  const found = drift(schema, { [INIT]: sql.replace('billing."Invoice"', 'public."Invoice"') }, ds);
  assert.deepEqual(found.map((f) => f.subject), [{ model: 'Invoice' }], 'public.Invoice is not the table of the billing model');
  assert.match(found[0].message, /No migration creates table `billing.Invoice`/);
  // A schema the datasource lists is described even when no model uses it: its tables are drift.
  const listed = drift(schema, { [INIT]: sql }, ds.replace('["billing"]', '["billing", "audit"]'));
  assert.deepEqual(listed.map((f) => f.subject), [{ table: 'events' }]);
});

test('what the replay cannot see, and what is being typed, is not reported', () => {
  // An index and a foreign key made by EXECUTE (or by a statement that does not parse).
  const schema = USER.replace('}\n', '  posts Post[]\n\n  @@index([name])\n}\n') + 'model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n';
  const post = 'CREATE TABLE "Post" ("id" INTEGER NOT NULL, "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));\n';
  const dynamic = 'DO $$\nBEGIN\n  EXECUTE \'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id")\';\n  EXECUTE \'CREATE INDEX "User_name_idx" ON "User"("name")\';\nEND $$;\n';
  assert.equal(drift(schema, { [INIT]: USER_SQL + post }).length, 2, 'without the DO block: the index and the foreign key are missing');
  assert.deepEqual(drift(schema, { [INIT]: USER_SQL + post, '20240201000000_dynamic': dynamic }), []);
  // A function that only runs queries with EXECUTE hides nothing (its own CREATE FUNCTION is not DDL it runs).
  const search = 'CREATE FUNCTION search_posts(q text) RETURNS SETOF "Post" LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN QUERY EXECUTE \'SELECT * FROM "Post" WHERE "authorId" = $1\' USING q::int;\nEND;\n$$;\n';
  assert.equal(drift(schema, { [INIT]: USER_SQL + post, '20240201000000_search': search }).length, 2);
  // Half-typed: a field without a type, a relation to a model not written yet, an index naming a typo.
  const typing = USER.replace('  name  String?\n', '  name\n') + 'model Post {\n  id       Int  @id\n  authorId Int\n  author   Autho @relation(fields: [authorId], references: [id])\n\n  @@index([auth])\n}\n';
  const fk = 'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");\n';
  assert.deepEqual(drift(typing, { [INIT]: USER_SQL + post + fk }).map((f) => f.message), []);
});

test('a model over a view, long implicit join-table names, migrations of several tools', () => {
  const view = USER + 'model ActiveUser {\n  id    Int    @id\n  email String\n}\n';
  assert.deepEqual(drift(view, { [INIT]: USER_SQL + 'CREATE VIEW "ActiveUser" AS SELECT id, email FROM "User";\n' }), []);
  // PostgreSQL (and Prisma) keep the first 63 bytes of `_OrganizationMembershipInvitationToOrganizationMembershipRoleAssignment`.
  const a = 'OrganizationMembershipInvitation';
  const b = 'OrganizationMembershipRoleAssignment';
  const m2m = USER + `model ${a} {\n  id    Int    @id\n  roles ${b}[]\n}\n\nmodel ${b} {\n  id          Int    @id\n  invitations ${a}[]\n}\n`;
  const join = `_${a}To${b}`;
  const tables = `CREATE TABLE "${a}" (id INTEGER PRIMARY KEY);\nCREATE TABLE "${b}" (id INTEGER PRIMARY KEY);\nCREATE TABLE "${join}" ("A" INTEGER NOT NULL, "B" INTEGER NOT NULL);\n`;
  assert.ok(join.length > 63);
  // Written in full in the migration (PostgreSQL's parser cuts it), or as Prisma writes it, cut.
  assert.deepEqual(drift(m2m, { [INIT]: USER_SQL + tables }), []);
  assert.deepEqual(drift(m2m, { [INIT]: USER_SQL + tables.replace(join, join.slice(0, 63)) }), []);
  // Prisma migrations next to another tool's: which tables the schema describes is unknowable.
  const r = audit({
    prismaFiles: [{ path: 'prisma/schema.prisma', text: DS + USER }],
    sqlFiles: [
      { path: `prisma/migrations/${INIT}/migration.sql`, text: USER_SQL },
      { path: 'supabase/migrations/20240101000000_events.sql', text: 'CREATE TABLE events (id INTEGER PRIMARY KEY);\n' },
    ],
  });
  assert.deepEqual(r.findings.filter((f) => f.rule === 'schema-drift'), []);
});

test('fields and models Prisma Client never reads (@ignore, Unsupported, @@ignore) are still migrated: the message says so', () => {
  const schema = USER.replace('  name  String?\n', '  name  String?\n  tsv   Unsupported("tsvector")?\n');
  const [f] = drift(schema, { [INIT]: USER_SQL });
  assert.deepEqual(f.subject, { model: 'User', field: 'tsv' });
  assert.match(f.message, /Prisma Client does not read it, but the next `prisma migrate dev` adds it/);
  const [m] = drift(USER + 'model Legacy {\n  id Int @id\n\n  @@ignore\n}\n', { [INIT]: USER_SQL });
  assert.match(m.message, /the next `prisma migrate dev` creates it \(the model is `@@ignore`d/);
});

test('a migration with a syntax error hides the names it mentions; other providers and no migrations: no comparison', () => {
  const extra = 'CREATE TABLE "AuditLog" ("id" SERIAL PRIMARY KEY);\n';
  assert.equal(drift(USER, { [INIT]: USER_SQL + extra }).length, 1);
  // The statement that does not parse may drop AuditLog: not reported.
  assert.deepEqual(drift(USER, { [INIT]: USER_SQL + extra, '20240201000000_broken': 'DROP TABLE "AuditLog" CASCADE CASCADE;\n' }), []);
  // A broken migration that never mentions AuditLog hides nothing about it.
  assert.equal(drift(USER, { [INIT]: USER_SQL + extra, '20240201000000_broken': 'CREATE TABLE oops (;\n' }).length, 1);
  // Nor do names it mentions only as part of longer ones.
  assert.equal(drift(USER, { [INIT]: USER_SQL + extra, '20240201000000_broken': 'CREATE TABLE "AuditLogArchive" (;\n' }).length, 1);
  assert.deepEqual(drift(USER, { [INIT]: USER_SQL + extra }, 'datasource db {\n  provider = "mysql"\n}\n\n'), []);
  assert.deepEqual(drift(USER, {}), []);
});

test('dynamic SQL that renames or drops an object hides it from the comparison (no false drift)', () => {
  const made = 'CREATE INDEX "Old_name_idx" ON "User"("name");\n';
  const renamed = 'DO $$\nBEGIN\n  EXECUTE \'ALTER INDEX "Old_name_idx" RENAME TO "User_name_idx"\';\nEND $$;\n';
  const schema = USER.replace('}\n', '\n  @@index([name])\n}\n');
  assert.deepEqual(drift(USER, { [INIT]: USER_SQL + made, '20240201000000_rename': renamed }).map((f) => f.subject), [], 'the old name is in dynamic DDL');
  assert.equal(drift(USER, { [INIT]: USER_SQL + made }).length, 1);
  assert.deepEqual(drift(schema, { [INIT]: USER_SQL + made, '20240201000000_rename': renamed }), []);
  // EXECUTE without DDL (a GRANT loop) does not hide anything.
  const grants = 'DO $$\nBEGIN\n  EXECUTE format(\'GRANT SELECT ON "Old_name_idx" TO %I\', \'anon\');\nEND $$;\n';
  assert.equal(drift(USER, { [INIT]: USER_SQL + made, '20240201000000_grants': grants }).length, 1);
});

test('an ignore comment before the statement suppresses the finding', () => {
  const extra = '-- schema-insight-ignore schema-drift kept for the reporting job\nCREATE TABLE "AuditLog" ("id" SERIAL PRIMARY KEY);\n';
  assert.deepEqual(drift(USER, { [INIT]: USER_SQL + extra }), []);
});
