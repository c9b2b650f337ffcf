import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { applyEdits } from '../../server/src/analysis/text';
import { findingsOf, ready, textAt } from './helpers';

before(async () => {
  await ready;
});

const INIT = 'prisma/migrations/20240101000000_init/migration.sql';
const NEXT = 'prisma/migrations/20240201000000_next/migration.sql';
const init = 'CREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "name" TEXT, "email" TEXT);\nCREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "authorId" INTEGER NOT NULL, "title" TEXT NOT NULL);\n';

describe('index-not-concurrent', () => {
  it('offers CONCURRENTLY on the newest migration of its set only (an older one has most likely run already)', () => {
    const SB = (v: string) => `supabase/migrations/${v}_m.sql`;
    const f = findingsOf({ [SB('20240101000000')]: init, [SB('20240201000000')]: 'CREATE INDEX "a" ON "Post" ("authorId");\n', [SB('20240301000000')]: 'CREATE INDEX "b" ON "Post" ("title");\n' }, 'index-not-concurrent');
    assert.deepEqual(
      f.map((x) => [x.subject.index, x.fixes.length]),
      [
        ['a', 0],
        ['b', 1],
      ],
    );
  });

  it('materialized views: no CREATE INDEX (no writes to block), a DROP INDEX with its own message, none before the view is dropped', () => {
    const SB_INIT = 'supabase/migrations/20240101000000_init.sql';
    const SB_NEXT = 'supabase/migrations/20240201000000_next.sql';
    const views = `${init}CREATE MATERIALIZED VIEW mv AS SELECT "authorId", count(*) AS n FROM "Post" GROUP BY 1;\nCREATE UNIQUE INDEX mv_author ON mv ("authorId");\nCREATE MATERIALIZED VIEW old AS SELECT id FROM "User";\nCREATE INDEX old_id ON old (id);\n`;
    const next = 'CREATE INDEX mv_n ON mv (n);\nDROP INDEX mv_author;\nDROP INDEX IF EXISTS old_id;\nDROP MATERIALIZED VIEW IF EXISTS old;\n';
    const f = findingsOf({ [SB_INIT]: views, [SB_NEXT]: next }, 'index-not-concurrent');
    assert.deepEqual(
      f.map((x) => [x.range.start.line, x.subject.table, x.subject.index]),
      [[1, 'mv', 'mv_author']],
    );
    assert.match(f[0].message, /on materialized view `mv`, which an earlier migration created: its ACCESS EXCLUSIVE lock makes every read of the view wait/);
  });

  it('reports CREATE/DROP INDEX on tables of earlier migrations, with a CONCURRENTLY fix', () => {
    const next = 'CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");\nCREATE UNIQUE INDEX "User_email_key" ON "User"("email");\nDROP INDEX "Post_authorId_idx";\nCREATE TABLE "Tag" ("id" SERIAL PRIMARY KEY, "name" TEXT);\nCREATE INDEX "Tag_name_idx" ON "Tag"("name");\n';
    // Supabase (whose CLI sends the statements one by one): the fix goes in place.
    const SB_INIT = 'supabase/migrations/20240101000000_init.sql';
    const SB_NEXT = 'supabase/migrations/20240201000000_next.sql';
    const f = findingsOf({ [SB_INIT]: init, [SB_NEXT]: next }, 'index-not-concurrent');
    assert.deepEqual(
      f.map((x) => [x.range.start.line, textAt(next, x), x.subject.table, x.subject.index]),
      [
        [0, 'CREATE INDEX', 'Post', 'Post_authorId_idx'],
        [1, 'CREATE UNIQUE INDEX', 'User', 'User_email_key'],
        [2, 'DROP INDEX', 'Post', 'Post_authorId_idx'],
      ],
    );
    const fixed = applyEdits(next, f.flatMap((x) => x.fixes[0].edits));
    assert.match(fixed, /^CREATE INDEX CONCURRENTLY "Post_authorId_idx"/);
    assert.match(fixed, /CREATE UNIQUE INDEX CONCURRENTLY "User_email_key"/);
    assert.match(fixed, /DROP INDEX CONCURRENTLY "Post_authorId_idx"/);
    assert.equal(findingsOf({ [SB_INIT]: init, [SB_NEXT]: fixed }, 'index-not-concurrent').length, 0);
    // Prisma sends a migration file as one script (one transaction): only a statement alone in its
    // migration gets CONCURRENTLY in place; the others are told to move.
    const prisma = findingsOf({ [INIT]: init, [NEXT]: next }, 'index-not-concurrent');
    assert.deepEqual(prisma.map((x) => x.fixes.length), [0, 0, 0]);
    assert.match(prisma[0].message, /inside a Prisma migration with other statements .* move it to a migration of its own/);
    const alone = findingsOf({ [INIT]: init, [NEXT]: 'CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");\n' }, 'index-not-concurrent');
    assert.equal(alone[0].fixes.length, 1);
    // Dropping an index that does not exist then locks nothing (and names no table).
    assert.deepEqual(findingsOf({ [INIT]: init, [NEXT]: 'DROP INDEX "never_created_idx";\n' }, 'index-not-concurrent'), []);
  });

  it('inside BEGIN … COMMIT it says to move the statement out, with no in-place fix; a table the migration drops next is left alone', () => {
    const next = 'BEGIN;\nCREATE INDEX "Post_title_idx" ON "Post"("title");\nCOMMIT;\nCREATE INDEX "Post_body_idx" ON "Post"("title");\nDROP INDEX "User_name_idx";\nDROP TABLE "User";\n';
    const f = findingsOf({ 'supabase/migrations/20240101000000_init.sql': init + 'CREATE INDEX "User_name_idx" ON "User"("name");', 'supabase/migrations/20240201000000_next.sql': next }, 'index-not-concurrent');
    assert.deepEqual(
      f.map((x) => [x.range.start.line, x.fixes.length, /BEGIN … COMMIT/.test(x.message)]),
      [
        [1, 0, true],
        [3, 1, false],
      ],
    );
    assert.match(f[0].message, /move it to a migration of its own and add CONCURRENTLY there/);
  });

  it('does not fire on tables created in the same migration', () => {
    assert.equal(findingsOf({ [INIT]: init + 'CREATE INDEX "Post_title_idx" ON "Post"("title");' }, 'index-not-concurrent').length, 0);
  });

  it('does not fire on CREATE INDEX IF NOT EXISTS of an index that exists by then (PostgreSQL skips it)', () => {
    const first = init + 'CREATE INDEX "Post_title_idx" ON "Post"("title");';
    const next = 'CREATE INDEX IF NOT EXISTS "Post_title_idx" ON "Post"("title");\nCREATE INDEX IF NOT EXISTS "Post_other_idx" ON "Post"("title");\n';
    const f = findingsOf({ [INIT]: first, [NEXT]: next }, 'index-not-concurrent');
    assert.deepEqual(f.map((x) => x.subject.index), ['Post_other_idx']);
  });
});

describe('add-required-column', () => {
  it('reports NOT NULL without default on existing tables only', () => {
    const next =
      'ALTER TABLE "User" ADD COLUMN "role" TEXT NOT NULL;\nALTER TABLE "User" ADD COLUMN "plan" TEXT NOT NULL DEFAULT \'free\';\nALTER TABLE "User" ADD COLUMN "seq" BIGSERIAL;\nALTER TABLE "User" ADD COLUMN "n" INT GENERATED ALWAYS AS IDENTITY;\nALTER TABLE "User" ADD COLUMN "bio" TEXT;\n';
    const f = findingsOf({ [INIT]: init, [NEXT]: next }, 'add-required-column');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].subject, { table: 'User', column: 'role' });
    assert.equal(textAt(next, f[0]), 'ADD COLUMN "role" TEXT NOT NULL');
    assert.equal(findingsOf({ [INIT]: init + 'ALTER TABLE "User" ADD COLUMN "role" TEXT NOT NULL;' }, 'add-required-column').length, 0);
  });
});

describe('destructive-change', () => {
  it('not for the copy-and-swap pattern: the old column dropped, the copy renamed to its name in the same migration', () => {
    const next = 'ALTER TABLE "Post" ADD COLUMN "title_new" VARCHAR(200);\nUPDATE "Post" SET "title_new" = "title";\nALTER TABLE "Post" DROP COLUMN "title";\nALTER TABLE "Post" RENAME COLUMN "title_new" TO "title";\nALTER TABLE "Post" DROP COLUMN "authorId";\n';
    const f = findingsOf({ [INIT]: init, [NEXT]: next }, 'destructive-change');
    assert.deepEqual(f.map((x) => x.subject.column), ['authorId']);
  });

  it('reports drops and truncates of existing objects, not of objects created in the same migration', () => {
    const next = [
      'ALTER TABLE "User" DROP COLUMN "name";',
      'DROP TABLE "Post";',
      'TRUNCATE "User";',
      'CREATE TABLE tmp (id int);',
      'DROP TABLE tmp;',
      'DROP TABLE IF EXISTS never_existed;',
      "ALTER TYPE \"Role\" RENAME TO \"Role_old\";\nCREATE TYPE \"Role\" AS ENUM ('A');\nDROP TYPE \"Role_old\";",
      'DROP TYPE "Mood";',
    ].join('\n');
    const f = findingsOf({ [INIT]: init + "CREATE TYPE \"Role\" AS ENUM ('A', 'B');\nCREATE TYPE \"Mood\" AS ENUM ('x');", [NEXT]: next }, 'destructive-change');
    assert.deepEqual(
      f.map((x) => [x.subject.table ?? '', x.message.split(' ').slice(0, 3).join(' ')]),
      [
        ['User', 'Dropping column `User.name`'],
        ['Post', '`DROP TABLE Post`'],
        ['User', '`TRUNCATE User` deletes'],
        ['', '`DROP TYPE Mood`'],
      ],
    );
  });

  it('not for DROP COLUMN IF EXISTS of a column the table does not have (a no-op); still when the table is not known exactly', () => {
    const next = 'ALTER TABLE "User" DROP COLUMN IF EXISTS "nickname", DROP COLUMN IF EXISTS "email";\nALTER TABLE "Post" DROP COLUMN "title", DROP COLUMN IF EXISTS "title";\nALTER TABLE "Copy" DROP COLUMN IF EXISTS "x";\n';
    const f = findingsOf({ [INIT]: `${init}CREATE TABLE "Copy" AS SELECT * FROM "User";\n`, [NEXT]: next }, 'destructive-change');
    assert.deepEqual(
      f.map((x) => `${x.subject.table}.${x.subject.column}`),
      ['User.email', 'Post.title', 'Copy.x'],
    );
  });

  it('points at the DROP of the very column, not of one whose name starts the same', () => {
    const next = 'ALTER TABLE "User" ADD COLUMN "nameId" int;\nALTER TABLE "User" DROP COLUMN "nameId", DROP COLUMN "name";\n';
    const f = findingsOf({ [INIT]: init, [NEXT]: next }, 'destructive-change');
    assert.deepEqual(
      f.map((x) => [x.subject.column, textAt(next, x)]),
      [['name', 'DROP COLUMN "name"']],
    );
  });
});

describe('column-type-change', () => {
  it('reports type changes on existing tables and says when it narrows', () => {
    const next = 'ALTER TABLE "Post" ALTER COLUMN "title" SET DATA TYPE VARCHAR(500);\n';
    const f = findingsOf({ [INIT]: init, [NEXT]: next }, 'column-type-change');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].subject, { table: 'Post', column: 'title' });
    assert.match(f[0].message, /to `varchar\(500\)`.*narrowing/);
    assert.equal(textAt(next, f[0]), 'ALTER COLUMN "title" SET DATA TYPE VARCHAR(500)');
    assert.equal(findingsOf({ [INIT]: init + next }, 'column-type-change').length, 0);
  });

  it('a USING expression that computes new values rewrites whatever the types (hoppscotch: timestamp → timestamptz AT TIME ZONE)', () => {
    const first = 'CREATE TABLE u (id int PRIMARY KEY, at timestamp(3), ns varchar(64));';
    const utc = (using: string) => findingsOf({ 'm/001_a.sql': first, 'm/002_b.sql': `ALTER TABLE u ALTER COLUMN at SET DATA TYPE TIMESTAMPTZ(3)${using};` }, 'column-type-change');
    assert.match(utc('')[0].message, /unless that time zone is UTC/);
    assert.match(utc(' USING at::timestamptz')[0].message, /unless that time zone is UTC/);
    const computed = utc(` USING "at" AT TIME ZONE 'UTC'`);
    assert.equal(computed.length, 1);
    assert.match(computed[0].message, /rewrites `u` under an exclusive lock\.$/);
    // A widening that would be free is not free with a computed value.
    assert.equal(findingsOf({ 'm/001_a.sql': first, 'm/002_b.sql': 'ALTER TABLE u ALTER COLUMN ns TYPE varchar(128);' }, 'column-type-change').length, 0);
    assert.equal(findingsOf({ 'm/001_a.sql': first, 'm/002_b.sql': 'ALTER TABLE u ALTER COLUMN ns TYPE varchar(128) USING lower(ns);' }, 'column-type-change').length, 1);
  });

  it('knows the previous type: widening varchar is not reported, text → varchar(n) narrows', () => {
    const first = 'CREATE TABLE s (id int PRIMARY KEY, ns VARCHAR(64), body TEXT, n BIGINT);';
    const next = 'ALTER TABLE s ALTER COLUMN ns TYPE VARCHAR(256);\nALTER TABLE s ALTER COLUMN ns TYPE TEXT;\nALTER TABLE s ALTER COLUMN body TYPE VARCHAR(10);\nALTER TABLE s ALTER COLUMN n TYPE INTEGER;\nALTER TABLE s ALTER COLUMN id TYPE BIGINT;';
    const f = findingsOf({ [INIT]: first, [NEXT]: next }, 'column-type-change');
    assert.deepEqual(
      f.map((x) => [x.subject.column, x.data?.previousType, /narrowing/.test(x.message)]),
      [
        ['body', 'text', true],
        ['n', 'bigint', true],
        ['id', 'integer', false],
      ],
    );
  });

  it('a serial column is an integer with a sequence: its type is integer (bigint, smallint), never `serial`', () => {
    const first = 'CREATE TABLE q (id SERIAL PRIMARY KEY, big BIGSERIAL, small SMALLSERIAL);';
    const next = 'ALTER TABLE q ALTER COLUMN id TYPE TEXT;\nALTER TABLE q ALTER COLUMN big TYPE TEXT;\nALTER TABLE q ALTER COLUMN small TYPE SMALLINT;';
    const f = findingsOf({ [INIT]: first, [NEXT]: next }, 'column-type-change');
    assert.deepEqual(
      f.map((x) => [x.subject.column, x.data?.previousType]),
      [
        ['id', 'integer'],
        ['big', 'bigint'],
      ],
    );
    assert.match(f[0].message, /from `integer` to `text`/);
  });
});

describe('constraint-not-valid', () => {
  it('reports FK/CHECK added to existing tables without NOT VALID; the fix adds NOT VALID and VALIDATEs in a new migration', () => {
    const next = 'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;\r\n';
    const f = findingsOf({ [INIT]: init, [NEXT]: next }, 'constraint-not-valid');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].subject, { table: 'Post', column: 'authorId' });
    assert.equal(f[0].fixes[0].title, 'Add NOT VALID, then VALIDATE CONSTRAINT in a new migration');
    const fixed = applyEdits(next, f[0].fixes[0].edits);
    assert.equal(fixed, 'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;\r\n');
    // Prisma runs a file as one transaction: in the same file the VALIDATE would run under the ADD's lock.
    // (Its version is after the last migration's and those other fixes of the audit took: the missing-fk-index one.)
    const [op] = f[0].fixes[0].fileOperations!;
    assert.equal(f[0].fixes[0].fileOperations!.length, 1);
    assert.match(op.file, /^prisma\/migrations\/2024020100000\d_validate_post_authorid_fkey\/migration\.sql$/);
    assert.equal(op.kind === 'create' && op.content, 'ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";\r\n');
    assert.equal(findingsOf({ [INIT]: init, [NEXT]: fixed, [op.file]: 'ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_authorId_fkey";\r\n' }, 'constraint-not-valid').length, 0);
    // Same statement right after CREATE TABLE (Prisma's usual layout): fine.
    assert.equal(findingsOf({ [INIT]: init + next }, 'constraint-not-valid').length, 0);
    const check = findingsOf({ [INIT]: init, [NEXT]: 'ALTER TABLE "Post" ADD CHECK (length("title") > 0);' }, 'constraint-not-valid');
    assert.equal(check.length, 1);
    assert.equal(check[0].fixes.length, 0); // unnamed: no VALIDATE possible by name
  });

  it('keeps the VALIDATE in the file where the tool runs statement by statement (goose NO TRANSACTION)', () => {
    const users = '-- +goose Up\nCREATE TABLE users (id int PRIMARY KEY);\nCREATE TABLE posts (id int PRIMARY KEY, user_id int);\n';
    const next = '-- +goose Up\n-- +goose NO TRANSACTION\nALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id);\n';
    const f = findingsOf({ 'db/migrations/001_init.sql': users, 'db/migrations/002_fk.sql': next }, 'constraint-not-valid');
    assert.equal(f[0].fixes[0].fileOperations, undefined);
    assert.equal(
      applyEdits(next, f[0].fixes[0].edits),
      '-- +goose Up\n-- +goose NO TRANSACTION\nALTER TABLE posts ADD CONSTRAINT posts_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;\nALTER TABLE posts VALIDATE CONSTRAINT posts_user_fk;\n',
    );
  });

  it('points at the ADD CONSTRAINT, not at a DROP CONSTRAINT of the same name before it (also missing-fk-index)', () => {
    const next = 'ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey",\n  ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");\n';
    const f = findingsOf({ [INIT]: init, [NEXT]: next }, 'constraint-not-valid');
    assert.equal(f.length, 1);
    assert.equal(f[0].range.start.line, 1);
    assert.match(textAt(next, f[0]), /^CONSTRAINT "Post_authorId_fkey" FOREIGN KEY/);
    const fk = findingsOf({ [INIT]: init, [NEXT]: next }, 'missing-fk-index');
    assert.equal(fk.length, 1);
    assert.equal(fk[0].range.start.line, 1);
    // A column's inline `CONSTRAINT name REFERENCES`: the range starts at the constraint.
    const inline = 'CREATE TABLE q (id int PRIMARY KEY, uid int CONSTRAINT q_uid_fkey REFERENCES "User"("id"));\n';
    const q = findingsOf({ [INIT]: init, [NEXT]: inline }, 'missing-fk-index');
    assert.match(textAt(inline, q[0]), /^CONSTRAINT q_uid_fkey REFERENCES/);
  });

  it('puts the VALIDATE after the last migration of the same set; no fix on a migration that is not the newest of its set (it has most likely run already)', () => {
    const add = 'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id");\n';
    const other = { 'db2/migrations/20250101000000_x/migration.sql': 'CREATE TABLE z (id int PRIMARY KEY);\n' };
    const [f] = findingsOf({ [INIT]: init, [NEXT]: add, ...other }, 'constraint-not-valid');
    assert.match(f.fixes[0].fileOperations![0].file, /^prisma\/migrations\/2024020100000\d_validate_post_authorid_fkey\/migration\.sql$/);
    const dropped = findingsOf({ [INIT]: init, [NEXT]: add, 'prisma/migrations/20240301000000_drop/migration.sql': 'ALTER TABLE "Post" DROP CONSTRAINT "Post_authorId_fkey";\n' }, 'constraint-not-valid');
    assert.deepEqual(dropped[0].fixes, []);
  });
});

describe('rename-breaks-clients', () => {
  it('reports renames of existing tables and columns only', () => {
    const next = 'ALTER TABLE "User" RENAME COLUMN "name" TO "fullName";\nALTER TABLE "Post" RENAME TO "Article";\nCREATE TABLE x (a int);\nALTER TABLE x RENAME COLUMN a TO b;\nALTER TABLE x RENAME TO y;\n';
    const f = findingsOf({ [INIT]: init, [NEXT]: next }, 'rename-breaks-clients');
    assert.deepEqual(
      f.map((x) => x.subject),
      [{ table: 'User', column: 'name' }, { table: 'Post' }],
    );
    assert.equal(f[0].severity, 'info');
  });
});

describe('index-not-concurrent on materialized views', () => {
  it('does not fire for an index on a materialized view created in the same migration', async () => {
    const { findingsOf } = await import('./helpers');
    const m = 'prisma/migrations/20240301000000_rank/migration.sql';
    const text = 'CREATE MATERIALIZED VIEW "Rank" AS SELECT 1 AS id;\nCREATE UNIQUE INDEX rank_id ON "Rank" (id);\n';
    assert.equal(findingsOf({ [m]: text }, 'index-not-concurrent').length, 0);
    // Nor for one made by an earlier migration: a materialized view takes no writes to block.
    const later = findingsOf({ [m]: 'CREATE MATERIALIZED VIEW "Rank" AS SELECT 1 AS id;', 'prisma/migrations/20240401000000_idx/migration.sql': 'CREATE INDEX rank_id ON "Rank" (id);' }, 'index-not-concurrent');
    assert.equal(later.length, 0);
  });
});
