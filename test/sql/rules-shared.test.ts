import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { findingsOf, ready, textAt } from './helpers';

before(async () => {
  await ready;
});

const M = 'supabase/migrations/20240101000000_init.sql';

describe('missing-fk-index (SQL side)', () => {
  it('reports a foreign key no index leads, at its declaration, with a new-migration fix', () => {
    const text = [
      'create table orgs (id uuid primary key);',
      'create table projects (',
      '  id uuid primary key,',
      '  org_id uuid not null references orgs (id) on delete cascade,',
      '  owner_id uuid references auth.users',
      ');',
      'create index projects_owner on projects (owner_id, id);',
      'alter table projects enable row level security;',
      'alter table orgs enable row level security;',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'missing-fk-index');
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].subject, { table: 'projects', column: 'org_id' });
    assert.equal(textAt(text, f[0]), 'org_id uuid not null references orgs (id) on delete cascade,');
    assert.equal(f[0].migration, '20240101000000_init.sql');
    const op = f[0].fixes[0].fileOperations![0] as { kind: string; file: string; content: string };
    assert.equal(op.file, 'supabase/migrations/20240101000001_index_projects_org_id.sql');
    assert.match(op.content, /CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_org_id_idx ON projects \(org_id\);/);
  });

  it('a key whose columns lead another unindexed key gets that key\'s index suggested (one index, not two)', () => {
    const text = [
      'create table programs (id int primary key);',
      'create table enrollments (program_id int references programs, partner_id int, primary key (partner_id, program_id), unique (program_id, partner_id));',
      'create table alerts (',
      '  id int primary key,',
      '  program_id int not null references programs (id),',
      '  partner_id int not null,',
      '  foreign key (program_id, partner_id) references enrollments (program_id, partner_id)',
      ');',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'missing-fk-index').filter((x) => x.subject.table === 'alerts');
    assert.equal(f.length, 2);
    const content = (x: (typeof f)[number]) => (x.fixes[0].fileOperations![0] as { content: string }).content;
    for (const x of f) assert.match(content(x), /CREATE INDEX CONCURRENTLY IF NOT EXISTS alerts_program_id_partner_id_idx ON alerts \(program_id, partner_id\);/);
    const single = f.find((x) => x.data?.columns === 'program_id')!;
    assert.match(single.message, /The index the foreign key \(`program_id`, `partner_id`\) → `enrollments` needs serves this one too/);
    assert.equal(single.data?.suggestedColumns, 'program_id, partner_id');
    // Applied, that one index leaves neither key unindexed.
    const later = { [M]: text, 'supabase/migrations/20240102000000_idx.sql': content(single) };
    assert.equal(findingsOf(later, 'missing-fk-index').filter((x) => x.subject.table === 'alerts').length, 0);
  });

  it('names tables outside public with their schema in the message (auth.users), not in the subject', () => {
    const f = findingsOf({ [M]: 'create schema app;\ncreate table app.notes (id int primary key, user_id uuid references auth.users (id));' }, 'missing-fk-index');
    assert.match(f[0].message, /of `app\.notes` → `auth\.users`/);
    assert.deepEqual(f[0].subject, { table: 'notes', column: 'user_id' });
  });

  it('a partial index serves the lookup when its predicate only says lookup columns are not null', () => {
    const sql = (where: string) =>
      `create table users (id uuid primary key);\ncreate table members (id int primary key, user_id uuid references users (id), team_id int, deleted_at timestamptz);\ncreate index m_user on members (user_id) ${where};`;
    const reported = (where: string) => findingsOf({ [M]: sql(where) }, 'missing-fk-index').length;
    assert.equal(reported('where user_id is not null'), 0);
    // Rows the predicate leaves out may reference the deleted parent: no use for the lookup.
    assert.equal(reported('where deleted_at is null'), 1);
    assert.equal(reported('where user_id is not null and team_id is not null'), 1);
  });

  it('accepts an index created by a later migration, a composite FK led by the PK, and skips Prisma models', () => {
    assert.equal(
      findingsOf(
        {
          [M]: 'create table a (id int primary key);\ncreate table b (a_id int references a, n int, primary key (a_id, n));\ncreate table c (a_id int references a);',
          'supabase/migrations/20240102000000_idx.sql': 'create index concurrently c_a on c (a_id);',
        },
        'missing-fk-index',
      ).length,
      0,
    );
    const sql = { 'prisma/migrations/1_init/migration.sql': 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY);\nCREATE TABLE "Post" ("id" TEXT PRIMARY KEY, "authorId" TEXT NOT NULL REFERENCES "User"("id"));' };
    const prisma = {
      'schema.prisma':
        'datasource db {\n  provider = "postgresql"\n}\nmodel User {\n  id String @id\n  posts Post[]\n}\nmodel Post {\n  id String @id\n  authorId String\n  author User @relation(fields: [authorId], references: [id])\n}\n',
    };
    const both = findingsOf(sql, 'missing-fk-index', { prisma });
    assert.equal(both.length, 1);
    assert.equal(both[0].file, 'schema.prisma'); // reported once, on the schema side
  });
});

describe('models over views the migrations create', () => {
  it('get no foreign-key findings: missing-fk-index, missing-relation, implicit-referential-action, cascade-deletes-history (civitai PostResourceHelper)', () => {
    const prisma = {
      'schema.prisma':
        'datasource db {\n  provider = "postgresql"\n}\nmodel User {\n  id String @id\n  stats UserStat[]\n}\nmodel Post {\n  id String @id\n  helper PostHelper[]\n}\nmodel UserStat {\n  userId String @unique\n  postId String\n  user User @relation(fields: [userId], references: [id], onDelete: Cascade)\n}\nmodel PostHelper {\n  postId String @unique\n  post Post @relation(fields: [postId], references: [id])\n  userId String\n}\n',
    };
    const init = 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY);\nCREATE TABLE "Post" ("id" TEXT PRIMARY KEY, "userId" TEXT);\n';
    const rules = ['missing-fk-index', 'missing-relation', 'implicit-referential-action', 'cascade-deletes-history'];
    const about = (files: Record<string, string>) =>
      rules.flatMap((r) => findingsOf(files, r, { prisma })).map((f) => `${f.rule} ${f.subject.model ?? f.subject.table}.${f.subject.field ?? f.subject.column}`).sort();
    const views = { 'prisma/migrations/1_init/migration.sql': `${init}CREATE VIEW "UserStat" AS SELECT id AS "userId", id AS "postId" FROM "User";\nCREATE VIEW "PostHelper" AS SELECT id AS "postId", "userId" FROM "Post";` };
    assert.deepEqual(about(views), []);
    // The same models over tables are reported.
    const tables = { 'prisma/migrations/1_init/migration.sql': `${init}CREATE TABLE "UserStat" ("userId" TEXT UNIQUE, "postId" TEXT);\nCREATE TABLE "PostHelper" ("postId" TEXT UNIQUE, "userId" TEXT);` };
    assert.deepEqual(about(tables), ['implicit-referential-action PostHelper.postId', 'missing-relation PostHelper.userId', 'missing-relation UserStat.postId']);
  });
});

describe('redundant-index (SQL side)', () => {
  it('reports an index that duplicates or prefixes another, keeping the older of identical ones', () => {
    const text = [
      'create table t (id int primary key, a int, b int, email text unique);',
      'create index t_a on t (a);',
      'create index t_a_b on t (a, b);',
      'create index t_email on t (email);',
      'create index t_id on t (id);',
      'create index t_b_partial on t (b) where a is null;',
      'create index t_b_desc on t (b desc);',
      'create index t_b on t (b);',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'redundant-index');
    assert.deepEqual(
      f.map((x) => x.subject.index),
      ['t_a', 't_email', 't_id'],
    );
    assert.deepEqual(f[0].tags, ['unnecessary']);
    assert.match(f[0].message, /leading prefix of index `t_a_b`/);
    assert.match(f[1].message, /duplicate of unique constraint/);
    assert.match((f[0].fixes[0].fileOperations![0] as { content: string }).content, /DROP INDEX CONCURRENTLY IF EXISTS t_a;/);
  });

  it('reports the second of two unnamed indexes on the same columns by the name PostgreSQL gave it', () => {
    const text = ['create table t (id int primary key, a int);', 'create index on t (a);', 'create index on t (a);'].join('\n');
    const f = findingsOf({ [M]: text }, 'redundant-index');
    assert.deepEqual(
      f.map((x) => x.subject.index),
      ['t_a_idx1'],
    );
    assert.match(f[0].message, /duplicate of index `t_a_idx`/);
    assert.match((f[0].fixes[0].fileOperations![0] as { content: string }).content, /DROP INDEX CONCURRENTLY IF EXISTS t_a_idx1;/);
  });

  it('reports a UNIQUE constraint added on the primary key\'s columns (or an earlier unique constraint\'s), with a DROP CONSTRAINT fix', () => {
    const text = [
      // A schema dump: the table, then its constraints one by one.
      'create table public.history (id uuid not null, code text not null, note text);',
      'alter table only public.history add constraint history_id_key unique (id);',
      'alter table only public.history add constraint history_pkey primary key (id);',
      'alter table public.history add constraint history_code_key unique (code);',
      'alter table public.history add constraint history_code_again unique (code);',
      'alter table public.history add constraint history_code_id_key unique (code, id);',
      // In one CREATE TABLE PostgreSQL itself folds a UNIQUE on the primary key's columns into the key.
      'create table one (id int primary key, constraint one_id_key unique (id));',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'redundant-index');
    assert.deepEqual(
      f.map((x) => [x.subject.index, textAt(text, x).replace(/ unique.*/, '')]),
      [
        ['history_id_key', 'constraint history_id_key'],
        ['history_code_again', 'constraint history_code_again'],
      ],
    );
    assert.match(f[0].message, /^Unique constraint `history_id_key` on `history` \(id\) duplicates the primary key \(id\)/);
    assert.match(f[1].message, /duplicates unique constraint `history_code_key` \(code\)/);
    assert.match((f[0].fixes[0].fileOperations![0] as { content: string }).content, /ALTER TABLE history DROP CONSTRAINT history_id_key;/);
  });
});

describe('missing-primary-key (SQL side)', () => {
  it('reports tables without a primary key after all migrations', () => {
    const f = findingsOf(
      {
        [M]: 'create table logs (at timestamptz, msg text);\ncreate table later (id int);\ncreate table extensions.stats (n int);',
        'supabase/migrations/20240102000000_pk.sql': 'alter table later add primary key (id);',
      },
      'missing-primary-key',
    );
    assert.deepEqual(
      f.map((x) => x.subject),
      [{ table: 'logs' }],
    );
  });
});
