import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseSqlFile } from '../../server/src/analysis/sql/parse';
import { migrationInventory } from '../../server/src/analysis/sql/project';
import { audit } from '../../server/src/analysis/engine';
import { lockProvider } from '../../server/src/analysis/sql/discovery';
import { auditSql, files, findingsOf, project, ready, textAt } from './helpers';

before(async () => {
  await ready;
});

describe('sql-syntax-error', () => {
  it('reports the error token with the migration name, and other rules still run on the file', () => {
    const text = 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE TABLE b (id int PRIMARY KEY,);\nCREATE INDEX a_x ON a (id);\n';
    const r = auditSql({ 'prisma/migrations/20240101000000_init/migration.sql': text });
    const f = r.findings.filter((x) => x.rule === 'sql-syntax-error');
    assert.equal(f.length, 1);
    assert.equal(textAt(text, f[0]), ')');
    assert.deepEqual(f[0].range.start, { line: 1, character: 35 });
    assert.equal(f[0].migration, '20240101000000_init');
    assert.equal(f[0].severity, 'error');
    assert.ok(r.findings.some((x) => x.rule === 'missing-rollback'));
  });
});

describe('duplicate-migration-version', () => {
  it('reports the later of two files with one version and renames it to the next free version', () => {
    const f = findingsOf(
      {
        'db/migrations/004_add_favorites.sql': 'CREATE TABLE favorites (id int PRIMARY KEY);',
        'db/migrations/004_create_templates.sql': 'CREATE TABLE templates (id int PRIMARY KEY);',
        'db/migrations/005_more.sql': 'SELECT 1;',
      },
      'duplicate-migration-version',
    );
    assert.equal(f.length, 1);
    assert.equal(f[0].file, 'db/migrations/004_create_templates.sql');
    assert.equal(f[0].migration, '004_create_templates.sql');
    assert.deepEqual(f[0].fixes[0].fileOperations, [{ kind: 'rename', file: 'db/migrations/004_create_templates.sql', newFile: 'db/migrations/006_create_templates.sql' }]);
  });

  it('renames Prisma folders (not the migration.sql inside) and handles same-timestamp folders', () => {
    const f = findingsOf(
      {
        'prisma/migrations/20240528214728_idx_01/migration.sql': 'SELECT 1;',
        'prisma/migrations/20240528214728_idx_02/migration.sql': 'SELECT 1;',
      },
      'duplicate-migration-version',
    );
    assert.equal(f.length, 1);
    assert.deepEqual(f[0].fixes[0].fileOperations, [{ kind: 'rename', file: 'prisma/migrations/20240528214728_idx_02', newFile: 'prisma/migrations/20240528214729_idx_02' }]);
    assert.match(f[0].message, /Prisma applies them in folder-name order/);
  });

  it('compares numbered versions as numbers (golang-migrate `1` is `000001`) and renames the rollback along', () => {
    const f = findingsOf(
      {
        'db/migrations/000001_users.up.sql': 'CREATE TABLE users (id int PRIMARY KEY);',
        'db/migrations/000001_users.down.sql': 'DROP TABLE users;',
        'db/migrations/1_posts.up.sql': 'CREATE TABLE posts (id int PRIMARY KEY);',
        'db/migrations/1_posts.down.sql': 'DROP TABLE posts;',
        'db/migrations/2_more.up.sql': 'SELECT 1;',
      },
      'duplicate-migration-version',
    );
    assert.equal(f.length, 1);
    assert.equal(f[0].file, 'db/migrations/1_posts.up.sql');
    assert.match(f[0].message, /same version 1 as `000001_users\.up\.sql` \(`1` and `000001` are one number/);
    assert.deepEqual(f[0].fixes[0].fileOperations, [
      { kind: 'rename', file: 'db/migrations/1_posts.up.sql', newFile: 'db/migrations/3_posts.up.sql' },
      { kind: 'rename', file: 'db/migrations/1_posts.down.sql', newFile: 'db/migrations/3_posts.down.sql' },
    ]);
    // Supabase keeps versions as text: `1_a.sql` and `001_b.sql` are two versions there.
    assert.equal(findingsOf({ 'supabase/migrations/1_a.sql': 'SELECT 1;', 'supabase/migrations/001_b.sql': 'SELECT 1;' }, 'duplicate-migration-version').length, 0);
  });

  it('reads Flyway versions as Flyway does (`1.1` is `1_1`, `2` is `2.0`), across subfolders of one location', () => {
    const f = findingsOf(
      {
        'db/migration/V1.1__a.sql': 'SELECT 1;',
        'db/migration/V1_1__b.sql': 'SELECT 1;',
        'db/migration/V2__c.sql': 'SELECT 1;',
        'db/migration/2024/V2.0__d.sql': 'SELECT 1;',
        'db/migration/2024/V3__e.sql': 'SELECT 1;',
      },
      'duplicate-migration-version',
    );
    assert.deepEqual(
      f.map((x) => [x.file, x.fixes[0].fileOperations]),
      [
        ['db/migration/V1_1__b.sql', [{ kind: 'rename', file: 'db/migration/V1_1__b.sql', newFile: 'db/migration/V1_2__b.sql' }]],
        ['db/migration/V2__c.sql', [{ kind: 'rename', file: 'db/migration/V2__c.sql', newFile: 'db/migration/V4__c.sql' }]],
      ],
    );
    assert.match(f[0].message, /Flyway reads `1_1` and `1\.1` as one version/);
    // One order over the location: V3 in the subfolder runs after V2 in the folder above.
    const order = project({ 'db/migration/R__a.sql': 'SELECT 1;', 'db/migration/V3__x.sql': 'SELECT 1;', 'db/migration/sub/V2__y.sql': 'SELECT 1;', 'db/migration/V10__z.sql': 'SELECT 1;' }).migrations.map((m) => m.label);
    assert.deepEqual(order, ['V2__y.sql', 'V3__x.sql', 'V10__z.sql', 'R__a.sql']);
  });

  it('does not compare versions across different migration folders', () => {
    assert.equal(findingsOf({ 'a/migrations/001_x.sql': 'SELECT 1;', 'b/migrations/001_x.sql': 'SELECT 1;' }, 'duplicate-migration-version').length, 0);
  });
});

describe('migrations of a schema that is not PostgreSQL', () => {
  const mysqlMigration = 'CREATE TABLE `User` (\n  `id` INTEGER NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4;\n';
  const schema = (provider: string) => ({ 'prisma/schema.prisma': `datasource db {\n  provider = "${provider}"\n}\n\nmodel User {\n  id Int @id @default(autoincrement())\n}\n` });
  const sql = {
    'prisma/migrations/20240101000000_init/migration.sql': mysqlMigration,
    'prisma/migrations/20240101000000_init/down.sql': 'DROP TABLE `User`;',
    'db/migrations/001_init.sql': mysqlMigration,
    'db/migrations/rollback/001_init.sql': 'DROP TABLE `User`;',
    'supabase/migrations/20240101000000_x.sql': 'CREATE TABLE x (id int PRIMARY KEY,);',
  };

  it('leaves out the migrations written for MySQL, SQLite or SQL Server, and says which', () => {
    for (const provider of ['mysql', 'sqlite', 'sqlserver']) {
      const r = auditSql(sql, { prisma: schema(provider) });
      assert.deepEqual(
        r.notAudited,
        { provider, files: ['prisma/migrations/20240101000000_init/migration.sql', 'prisma/migrations/20240101000000_init/down.sql', 'db/migrations/001_init.sql', 'db/migrations/rollback/001_init.sql'] },
        provider,
      );
      // No PostgreSQL syntax error for MySQL's backticks; another tool's migration set is still audited.
      assert.deepEqual(
        r.findings.filter((f) => f.rule === 'sql-syntax-error').map((f) => f.file),
        ['supabase/migrations/20240101000000_x.sql'],
        provider,
      );
      assert.ok(!r.findings.some((f) => f.file.startsWith('prisma/migrations/') || f.file.startsWith('db/')), provider);
    }
  });

  it("reads a Prisma set's migration_lock.toml, which wins over the schema for that set", () => {
    const lock = (provider: string) => [{ path: 'prisma/migrations/migration_lock.toml', text: `# Please do not edit this file manually\nprovider = "${provider}"\n` }];
    const only = { 'prisma/migrations/20240101000000_init/migration.sql': mysqlMigration };
    const left = audit({ prismaFiles: [], sqlFiles: files(only), migrationLocks: lock('mysql') });
    assert.deepEqual(left.notAudited, { provider: 'mysql', files: ['prisma/migrations/20240101000000_init/migration.sql'] });
    assert.deepEqual(left.findings, []);
    const pg = audit({ prismaFiles: [], sqlFiles: files(only), migrationLocks: lock('postgresql') });
    assert.equal(pg.notAudited, null);
    assert.ok(pg.findings.some((f) => f.rule === 'sql-syntax-error'));
    // Every database is named; a loose file in the set's folder follows the set, in any order.
    const mixed = [
      { path: 'prisma/migrations/20240101000000_init/migration.sql', text: mysqlMigration },
      { path: 'prisma/migrations/custom.sql', text: mysqlMigration },
      { path: 'db/migrations/001_a.sql', text: mysqlMigration },
    ];
    for (const sqlFiles of [mixed, [...mixed].reverse()]) {
      const r = audit({ prismaFiles: files(schema('sqlite')), sqlFiles, migrationLocks: lock('mysql') });
      assert.equal(r.notAudited?.provider, 'mysql and sqlite');
      assert.equal(r.notAudited?.files.length, 3);
    }
    assert.equal(lockProvider(`${'\n'.repeat(80_000)}x`), null);
    // A lock in another folder says nothing about this set (PostgreSQL, read from its SQL).
    const pgOnly = { 'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "User" ("id" INTEGER NOT NULL);' };
    const elsewhere = audit({ prismaFiles: [], sqlFiles: files(pgOnly), migrationLocks: [{ path: 'other/migrations/migration_lock.toml', text: 'provider = "mysql"' }] });
    assert.equal(elsewhere.notAudited, null);
  });

  it('audits them for PostgreSQL and CockroachDB', () => {
    for (const prisma of [schema('postgresql'), schema('postgres'), schema('cockroachdb')]) {
      const r = auditSql(sql, { prisma });
      assert.equal(r.notAudited, null);
      assert.ok(r.findings.some((f) => f.rule === 'sql-syntax-error' && f.file === 'prisma/migrations/20240101000000_init/migration.sql'));
    }
  });

  it('without a schema or lock file, tells the database from the SQL of each set (at least half of its migrations)', () => {
    const r = auditSql(sql);
    assert.deepEqual(r.notAudited, { provider: 'mysql', files: ['prisma/migrations/20240101000000_init/migration.sql', 'prisma/migrations/20240101000000_init/down.sql', 'db/migrations/001_init.sql', 'db/migrations/rollback/001_init.sql'] });
    assert.deepEqual(r.findings.filter((f) => f.rule === 'sql-syntax-error').map((f) => f.file), ['supabase/migrations/20240101000000_x.sql']);
    const sqlite = 'PRAGMA foreign_keys=OFF;\nCREATE TABLE "new_User" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT);\nPRAGMA foreign_keys=ON;\n';
    const sqlserver = 'BEGIN TRY\n\nBEGIN TRAN;\n\nCREATE TABLE [dbo].[User] ([id] INT NOT NULL);\n\nCOMMIT TRAN;\n\nEND TRY\nBEGIN CATCH\nEND CATCH\n';
    for (const [provider, text] of [['sqlite', sqlite], ['sqlserver', sqlserver]]) {
      const one = auditSql({ 'prisma/migrations/20240101000000_init/migration.sql': text, 'prisma/migrations/20240102000000_b/migration.sql': 'CREATE INDEX "a" ON "User"("id");' });
      assert.deepEqual(one.notAudited, { provider, files: ['prisma/migrations/20240101000000_init/migration.sql', 'prisma/migrations/20240102000000_b/migration.sql'] }, provider);
    }
    // A PostgreSQL set that mentions a backquote or PRAGMA in one migration of three is still PostgreSQL.
    const pg = auditSql({
      'db/migrations/001_a.sql': "CREATE TABLE a (id int PRIMARY KEY);\nCOMMENT ON TABLE a IS 'was `A` in MySQL';",
      'db/migrations/002_b.sql': '-- ported from SQLite (PRAGMA foreign_keys)\nCREATE TABLE b (id int PRIMARY KEY);',
      'db/migrations/003_c.sql': 'CREATE TABLE c (id int PRIMARY KEY);',
    });
    assert.equal(pg.notAudited, null);
  });
});

describe('migration-order', () => {
  it('reports a reference to a table created by a later migration, at the reference', () => {
    const text = 'CREATE TABLE comments (\n  id int PRIMARY KEY,\n  post_id int REFERENCES posts (id)\n);';
    const f = findingsOf({ 'supabase/migrations/20240101000000_c.sql': text, 'supabase/migrations/20240102000000_p.sql': 'CREATE TABLE posts (id int PRIMARY KEY);' }, 'migration-order');
    assert.equal(f.length, 1);
    assert.equal(textAt(text, f[0]), 'posts');
    assert.match(f[0].message, /only created by a later migration \(`20240102000000_p\.sql`\)/);
    assert.deepEqual(f[0].subject, { table: 'posts' });
  });

  it('reports the tables a view, a materialized view or a policy reads before a later migration creates them (not CTEs, system catalogs or unknown names)', () => {
    const text = [
      'CREATE VIEW active_posts AS WITH recent AS (SELECT 1 AS n) SELECT p.id FROM posts p JOIN recent ON true WHERE p.deleted_at IS NULL;',
      'CREATE MATERIALIZED VIEW post_counts AS SELECT count(*) FROM posts, pg_class;',
      'CREATE TABLE teams (id uuid PRIMARY KEY);',
      'ALTER TABLE teams ENABLE ROW LEVEL SECURITY;',
      'CREATE POLICY "team members" ON teams FOR SELECT USING (EXISTS (SELECT 1 FROM members m WHERE m.team_id = teams.id));',
      'CREATE VIEW dashboard AS SELECT * FROM some_extension_table;',
    ].join('\n');
    const f = findingsOf({ 'supabase/migrations/20240101000000_a.sql': text, 'supabase/migrations/20240102000000_b.sql': 'CREATE TABLE posts (id uuid PRIMARY KEY, deleted_at timestamptz);\nCREATE TABLE members (team_id uuid, user_id uuid);' }, 'migration-order');
    assert.deepEqual(
      f.map((x) => `${x.range.start.line}:${textAt(text, x)}`),
      ['0:posts', '1:posts', '4:members'],
    );
    // In order, nothing is reported.
    assert.deepEqual(findingsOf({ 'supabase/migrations/20240101000000_b.sql': 'CREATE TABLE posts (id uuid PRIMARY KEY, deleted_at timestamptz);\nCREATE TABLE members (team_id uuid, user_id uuid);', 'supabase/migrations/20240102000000_a.sql': text }, 'migration-order'), []);
  });

  it('reports columns and types used before they exist, and never-created tables', () => {
    const f = findingsOf(
      {
        'db/migrations/001_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);\nCREATE INDEX a_name ON a (name);\nCREATE TABLE b (id int PRIMARY KEY, s status);',
        'db/migrations/002_b.sql': "ALTER TABLE a ADD COLUMN name text;\nCREATE TYPE status AS ENUM ('x');\nALTER TABLE ghost ADD COLUMN x int;",
      },
      'migration-order',
    );
    assert.deepEqual(
      f.map((x) => x.message.replace(/:.*/, '')),
      ['This statement uses column `a.name`, which is only created by a later migration (`002_b.sql`)', 'This statement uses type `status`, which is only created by a later migration (`002_b.sql`)', 'This statement uses table `ghost`, which no migration creates'],
    );
  });

  it('reports a CREATE of a table or type an earlier migration made, but not IF NOT EXISTS, a drop in between, or a guarded DO block', () => {
    const second = 'CREATE TABLE tools (\n  id bigint PRIMARY KEY,\n  name text NOT NULL\n);\nCREATE TABLE IF NOT EXISTS kinds (id int);\nCREATE TYPE mood AS ENUM (\'a\');\nDROP TABLE gone;\nCREATE TABLE gone (id int);\nCREATE TABLE fresh (id int);\nCREATE TABLE fresh (id int);\nDO $$ BEGIN\n  CREATE TYPE level AS ENUM (\'x\');\nEXCEPTION WHEN duplicate_object THEN null;\nEND $$;\n';
    const f = findingsOf(
      {
        'supabase/migrations/20240101000000_tools.sql': "CREATE TABLE tools (id bigint PRIMARY KEY, name text);\nCREATE TABLE kinds (id int);\nCREATE TYPE mood AS ENUM ('a');\nCREATE TYPE level AS ENUM ('x');\nCREATE TABLE gone (id int);",
        'supabase/migrations/20240102000000_tools_again.sql': second,
      },
      'migration-order',
    );
    assert.deepEqual(
      f.map((x) => [textAt(second, x), x.message.replace(/ already created.*/, '')]),
      [
        ['tools', 'This statement creates table `tools`, which migration `20240101000000_tools.sql`'],
        ['CREATE TYPE mood AS ENUM (\'a\')', 'This statement creates type `mood`, which migration `20240101000000_tools.sql`'],
        ['fresh', 'This statement creates table `fresh`, which an earlier statement of this migration'],
      ],
    );
    assert.match(f[0].message, /a fresh database fails here \(`relation "tools" already exists`\)/);
    assert.deepEqual(f[0].subject, { table: 'tools' });
  });

  it('follows renames, schema moves, DROP SCHEMA and temporary tables before calling a CREATE a duplicate', () => {
    const f = findingsOf(
      {
        'db/migrations/001_a.sql':
          "CREATE TABLE t (id int);\nCREATE VIEW v AS SELECT 1 AS x;\nCREATE DOMAIN d AS int;\nCREATE TYPE mood AS ENUM ('a');\nCREATE SCHEMA s;\nCREATE DOMAIN s.d2 AS int;\nCREATE TEMP TABLE scratch (id int);",
        'db/migrations/002_b.sql': [
          'ALTER TABLE t RENAME TO t_old;\nCREATE TABLE t (id int);',
          'ALTER TABLE v RENAME TO v_old;\nCREATE TABLE v (id int);',
          'ALTER DOMAIN d RENAME TO d_old;\nCREATE DOMAIN d AS int;',
          "ALTER TYPE mood SET SCHEMA s;\nCREATE TYPE mood AS ENUM ('b');",
          'DROP SCHEMA s CASCADE;\nCREATE SCHEMA s;\nCREATE DOMAIN s.d2 AS int;',
          'CREATE TABLE scratch (id int);',
          'CREATE TEMP TABLE scratch (id int);',
          'CREATE TEMP TABLE tmp2 (id int);\nCREATE TEMP TABLE tmp2 (id int);',
          'CREATE TABLE t_old (id int);',
        ].join('\n'),
      },
      'migration-order',
    );
    // Only two temporary tables in one session and the table that took the renamed table's name clash.
    assert.deepEqual(f.map((x) => x.subject), [{ table: 'tmp2' }, { table: 't_old' }]);
    assert.match(f[1].message, /^This statement creates table `t_old`, which an earlier statement of this migration already gave that name to another table: a fresh database fails here/);
  });

  it('does not compare independent migration sets, and reports a never-created table once', () => {
    const sets = findingsOf(
      {
        'prisma/migrations/0_init/migration.sql': 'CREATE TABLE "User" (id int PRIMARY KEY);',
        'supabase/migrations/20240102000000_init.sql': 'CREATE TABLE "User" (id int PRIMARY KEY);',
      },
      'migration-order',
    );
    assert.deepEqual(sets, []);
    // Nor is a table made only by another set's later-sorted migration a misordering of this set.
    const across = findingsOf(
      {
        'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "Post" (id int PRIMARY KEY, profile_id uuid REFERENCES profiles (id));',
        'supabase/migrations/20230101000000_profiles.sql': 'CREATE TABLE profiles (id uuid PRIMARY KEY);',
      },
      'migration-order',
    );
    assert.deepEqual(across, []);
    const text = 'ALTER TABLE profiles ADD COLUMN a int;\nALTER TABLE profiles ADD COLUMN b int;\nCREATE INDEX p_a ON profiles (a);';
    const never = findingsOf({ 'db/migrations/001_a.sql': 'CREATE TABLE x (id int);', 'db/migrations/002_b.sql': text }, 'migration-order');
    assert.equal(never.length, 1);
    assert.equal(never[0].range.start.line, 0);
    assert.match(never[0].message, /which no migration creates: a fresh database fails here\. 2 later statements use it too\.$/);
    // Each set builds its own database: a table neither creates is reported in each, counted per set.
    const perSet = findingsOf(
      {
        'db/migrations/001_a.sql': 'CREATE TABLE x (id int);',
        'db/migrations/002_b.sql': text,
        'supabase/migrations/20240101000000_a.sql': 'CREATE TABLE y (id int PRIMARY KEY);',
        'supabase/migrations/20240102000000_b.sql': 'ALTER TABLE profiles ADD COLUMN c int;',
      },
      'migration-order',
    );
    assert.deepEqual(
      perSet.map((f) => [f.file, f.message.replace(/^.*fresh database fails here\. ?/, '')]),
      [
        ['db/migrations/002_b.sql', '2 later statements use it too.'],
        ['supabase/migrations/20240102000000_b.sql', ''],
      ],
    );
  });

  it('reports a policy condition or column default that calls a function only a later migration creates', () => {
    const text = [
      'create table public.docs (id bigint primary key, team_id bigint);',
      'create policy "p" on public.docs for update to authenticated using (public.is_team_member(team_id) and now() > now() - interval \'1 day\');',
      'create table public.notes (id bigint primary key, slug text default make_slug(), made timestamptz default now());',
      'alter table public.notes alter column slug set default make_slug();',
      'create policy "q" on public.docs for delete to authenticated using (extensions.some_ext_fn(team_id));',
    ].join('\n');
    const later = 'create function public.is_team_member(t bigint) returns boolean language sql as $$ select true $$;\ncreate function make_slug() returns text language sql as $$ select \'x\' $$;';
    const f = findingsOf({ 'supabase/migrations/20240101000000_a.sql': text, 'supabase/migrations/20240201000000_b.sql': later }, 'migration-order');
    assert.deepEqual(
      f.map((x) => [x.range.start.line, textAt(text, x), x.message.replace(/, which is only created by a later migration.*$/, '')]),
      [
        [1, 'public.is_team_member', 'This statement uses function `is_team_member()`'],
        [2, 'make_slug', 'This statement uses function `make_slug()`'],
        [3, 'make_slug', 'This statement uses function `make_slug()`'],
      ],
    );
  });

  it('reports DROP TABLE / DROP TYPE of an object that is not there (no IF EXISTS), not after the object existed', () => {
    const text = ['DROP TABLE "ProviderAPIKey";', 'DROP TYPE "GhostEnum";', 'DROP TABLE IF EXISTS "Other";', 'DROP TABLE "User";', 'DROP TYPE "Role";', 'DROP TYPE citext_like;'].join('\n');
    const f = findingsOf({ 'prisma/migrations/1_init/migration.sql': 'CREATE TABLE "User" (id int PRIMARY KEY);\nCREATE TYPE "Role" AS ENUM (\'A\');', 'prisma/migrations/2_drop/migration.sql': text }, 'migration-order');
    assert.deepEqual(
      f.map((x) => [x.range.start.line, x.message.replace(/, which no migration creates: a fresh database fails here\.$/, '')]),
      [
        [0, 'This statement uses table `ProviderAPIKey`'],
        [1, 'This statement uses type `GhostEnum`'],
      ],
    );
  });

  it('reports a constraint name the table already has, and a second primary key (not after a DROP, not in a DO block)', () => {
    const text = [
      'ALTER TABLE t ADD CONSTRAINT t_u_key UNIQUE (u);',
      'ALTER TABLE t ADD CONSTRAINT t_u_check CHECK (u > 0);',
      'ALTER TABLE t ADD PRIMARY KEY (u);',
      'ALTER TABLE t DROP CONSTRAINT t_u_key;',
      'ALTER TABLE t ADD CONSTRAINT t_u_key UNIQUE (u);',
      "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 't_u_check') THEN ALTER TABLE t ADD CONSTRAINT t_u_check CHECK (u > 0); END IF; END $$;",
    ].join('\n');
    const f = findingsOf({ 'db/migrations/001_a.sql': 'CREATE TABLE t (id int PRIMARY KEY, u int CONSTRAINT t_u_key UNIQUE CONSTRAINT t_u_check CHECK (u > 0));', 'db/migrations/002_b.sql': text }, 'migration-order');
    assert.deepEqual(
      f.map((x) => [x.range.start.line, textAt(text, x), x.message.replace(/^.*\(`(.*)`\)\..*$/, '$1'), x.subject]),
      [
        [0, 'CONSTRAINT', 'relation "t_u_key" already exists', { table: 't' }],
        [1, 'CONSTRAINT', 'constraint "t_u_check" for relation "t" already exists', { table: 't' }],
        [2, 'PRIMARY', 'multiple primary keys for table "t" are not allowed', { table: 't' }],
      ],
    );
  });

  it('reports an enum no migration creates (ALTER TYPE … ADD VALUE, a quoted type name), not types extensions may provide', () => {
    const init = 'CREATE TABLE "User" (id int PRIMARY KEY);';
    const text = [
      'ALTER TYPE "Role" ADD VALUE \'ADMIN\';',
      'ALTER TABLE "User" ADD COLUMN mood "Mood", ADD COLUMN email citext, ADD COLUMN place geometry;',
      // Made by dynamic SQL in a DO block (the replay does not follow EXECUTE): not reported.
      'DO $$ BEGIN EXECUTE \'CREATE TYPE "Theme" AS ENUM (\'\'dark\'\', \'\'light\'\')\'; END $$;',
      'ALTER TABLE "User" ADD COLUMN theme "Theme";',
      // A DO block may test that the type exists first.
      "DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_type WHERE typname = 'Kind') THEN ALTER TYPE \"Kind\" ADD VALUE 'X'; END IF; END $$;",
    ].join('\n');
    const f = findingsOf({ 'prisma/migrations/1_init/migration.sql': init, 'prisma/migrations/2_more/migration.sql': text }, 'migration-order');
    assert.deepEqual(
      f.map((x) => [x.range.start.line, x.message.replace(/, which no migration creates: a fresh database fails here\.$/, '')]),
      [
        [0, 'This statement uses type `Role`'],
        [1, 'This statement uses type `Mood`'],
      ],
    );
  });

  it('reports data migrations (INSERT, UPDATE, DELETE, TRUNCATE) on tables and columns that do not exist yet', () => {
    const text =
      "CREATE TABLE plans (id int PRIMARY KEY, name text);\nINSERT INTO plans (id, name, price) VALUES (1, 'free', 0);\nUPDATE plans SET name = 'Free', tier = 1 WHERE id = 1;\n" +
      'INSERT INTO features (id) VALUES (1);\nDELETE FROM features;\nTRUNCATE features;\nINSERT INTO auth.users (id) VALUES (1);\n' +
      "WITH p AS (SELECT id FROM plans) UPDATE plans SET name = 'x' FROM p WHERE plans.id = p.id;";
    const f = findingsOf(
      { 'supabase/migrations/20240101000000_seed.sql': text, 'supabase/migrations/20240102000000_features.sql': 'CREATE TABLE features (id int PRIMARY KEY);\nALTER TABLE plans ADD COLUMN price int;' },
      'migration-order',
    );
    assert.deepEqual(
      f.map((x) => [x.range.start.line, textAt(text, x), x.message.replace(/^This statement uses (\S+ `[^`]+`).*?(later migration|no migration).*$/, '$1: $2')]),
      [
        [1, 'price', 'column `plans.price`: later migration'],
        [2, 'tier', 'column `plans.tier`: no migration'],
        [3, 'features', 'table `features`: later migration'],
        [4, 'features', 'table `features`: later migration'],
        [5, 'features', 'table `features`: later migration'],
      ],
    );
  });

  it("reports columns an UPDATE's values and WHERE or a DELETE's WHERE read, when the table is the only relation in scope", () => {
    const text = [
      "UPDATE plans SET name = nickname WHERE tier = 1 AND plans.id > 0 AND ctid IS NOT NULL;",
      'DELETE FROM plans p WHERE p.price IS NULL OR plans IS NULL;',
      // Another relation in scope, a subquery, a DO block (PL/pgSQL variables): not checked.
      'UPDATE plans SET name = o.label FROM other o WHERE o.code = plans.code;',
      'DELETE FROM plans WHERE id IN (SELECT plan_id FROM other WHERE archived);',
      'DO $$ DECLARE v int := 1; BEGIN UPDATE plans SET name = NULL WHERE id = v; END $$;',
    ].join('\n');
    const f = findingsOf(
      { 'db/migrations/001_a.sql': 'CREATE TABLE plans (id int PRIMARY KEY, name text);\nCREATE TABLE other (id int PRIMARY KEY);', 'db/migrations/002_b.sql': text, 'db/migrations/003_c.sql': 'ALTER TABLE plans ADD COLUMN tier int;' },
      'migration-order',
    );
    assert.deepEqual(
      f.map((x) => [x.range.start.line, textAt(text, x), x.message.replace(/^This statement uses (\S+ `[^`]+`).*?(later migration|no migration).*$/, '$1: $2')]),
      [
        [0, 'nickname', 'column `plans.nickname`: no migration'],
        [0, 'tier', 'column `plans.tier`: later migration'],
        [1, 'p.price', 'column `plans.price`: no migration'],
      ],
    );
  });

  it('reports a trigger whose table or function only a later migration creates (not functions no migration creates)', () => {
    const text =
      'CREATE TRIGGER on_auth_user_created AFTER INSERT ON auth.users\n  FOR EACH ROW EXECUTE FUNCTION public.handle_new_user();\n' +
      'CREATE TRIGGER set_updated BEFORE UPDATE ON posts FOR EACH ROW EXECUTE PROCEDURE moddatetime (updated_at);\n' +
      'CREATE TRIGGER touch BEFORE UPDATE ON profiles FOR EACH ROW EXECUTE FUNCTION touch();';
    const later =
      'CREATE TABLE posts (id int PRIMARY KEY, updated_at timestamptz);\nCREATE FUNCTION public.handle_new_user() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;';
    const f = findingsOf(
      {
        'supabase/migrations/20240101000000_a.sql': 'CREATE TABLE profiles (id uuid PRIMARY KEY);\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;',
        'supabase/migrations/20240102000000_triggers.sql': text,
        'supabase/migrations/20240103000000_later.sql': later,
      },
      'migration-order',
    );
    assert.deepEqual(
      f.map((x) => [x.range.start.line, textAt(text, x), x.message.replace(/^This statement uses (\S+ `[^`]+`).*$/, '$1')]),
      [
        [1, 'EXECUTE FUNCTION public.handle_new_user()', 'function `handle_new_user()`'],
        [2, 'posts', 'table `posts`'],
      ],
    );
  });

  it('reports names the tool skips or orders oddly, and not references to auth/storage', () => {
    const f = findingsOf(
      {
        'supabase/migrations/20240101000000_init.sql': 'CREATE TABLE p (id uuid PRIMARY KEY REFERENCES auth.users (id));',
        'supabase/migrations/local_20240107152745_ollama.sql': 'SELECT 1;',
      },
      'migration-order',
    );
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'warning');
    assert.match(f[0].message, /never applied/);
  });
});

describe('migrations with their own down section (dbmate, goose)', () => {
  it('replays only the up section, and the down section counts as the rollback', () => {
    const files = {
      'db/migrations/20240101000000_users.sql': '-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY);\n\n-- migrate:down\nDROP TABLE users;\n',
      'db/migrations/20240102000000_posts.sql': '-- +goose Up\nCREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));\n\n-- +goose Down\nDROP TABLE posts;\n',
    };
    const r = auditSql(files);
    // The tables exist after the replay (the down sections did not drop them) …
    assert.deepEqual(r.findings.filter((f) => f.rule === 'missing-fk-index').map((f) => f.subject), [{ table: 'posts', column: 'user_id' }]);
    // … the DROP TABLEs are not destructive changes, and no rollback script is missing.
    assert.deepEqual(r.findings.filter((f) => f.rule === 'destructive-change' || f.rule === 'missing-rollback'), []);
    // Without the markers, the same files have no rollback.
    const plain = auditSql({ 'db/migrations/20240101000000_users.sql': 'CREATE TABLE users (id bigint PRIMARY KEY);\n' });
    assert.equal(plain.findings.filter((f) => f.rule === 'missing-rollback').length, 1);
  });

  it('needs the tools\' own markers, in order, outside Prisma and Supabase sets; an empty down section is no rollback', () => {
    const rollbackMissing = (files: Record<string, string>) => auditSql(files).findings.filter((f) => f.rule === 'missing-rollback').map((f) => f.file);
    // `dbmate new` writes an empty down section.
    assert.deepEqual(rollbackMissing({ 'db/migrations/20240101000000_a.sql': '-- migrate:up\nCREATE TABLE a (id int PRIMARY KEY);\n\n-- migrate:down\n' }), ['db/migrations/20240101000000_a.sql']);
    // A down marker before the up marker, a marker in another case, or in a Supabase migration, is a comment.
    const tables = (files: Record<string, string>) => auditSql(files).findings.filter((f) => f.rule === 'rls-disabled').map((f) => f.subject.table);
    assert.deepEqual(tables({ 'supabase/migrations/20240101000000_a.sql': '-- migrate:up\n-- migrate:down\nCREATE TABLE a (id int PRIMARY KEY);\n' }), ['a']);
    // Here no marker counts, so the whole file runs and its DROP TABLE leaves no table `b` (with the
    // goose marker honoured in the wrong case, `b` would stay and be reported).
    const rls = (files: Record<string, string>) => auditSql(files, { supabase: true }).findings.filter((f) => f.rule === 'rls-disabled').map((f) => f.subject.table);
    assert.deepEqual(rls({ 'db/migrations/20240101000000_b.sql': '-- migrate:down\n-- migrate:up\nCREATE TABLE b (id int PRIMARY KEY);\n-- +GOOSE DOWN\nDROP TABLE b;\n' }), []);
    assert.deepEqual(rls({ 'db/migrations/20240101000000_b.sql': '-- +goose Up\nCREATE TABLE b (id int PRIMARY KEY);\n-- +goose Down\nDROP TABLE b;\n' }), ['b']);
  });
});

describe('node-pg-migrate sections', () => {
  it('replays the `-- Up Migration` section only; a `-- Down Migration` with statements is the rollback', () => {
    const text = '-- Up Migration\nCREATE TABLE users (id bigint PRIMARY KEY);\n\n-- Down Migration\nDROP TABLE users;\n';
    const r = auditSql({ 'migrations/1700000000000_users.sql': text }, { supabase: true });
    assert.deepEqual(r.findings.filter((f) => f.rule === 'rls-disabled').map((f) => f.subject.table), ['users']);
    assert.deepEqual(r.findings.filter((f) => f.rule === 'destructive-change' || f.rule === 'missing-rollback'), []);
    // Without the up marker node-pg-migrate runs the whole file: the table is dropped again.
    const whole = auditSql({ 'migrations/1700000000000_users.sql': text.replace('-- Up Migration\n', '') }, { supabase: true });
    assert.deepEqual(whole.findings.filter((f) => f.rule === 'rls-disabled'), []);
  });
});

describe('missing-rollback', () => {
  it('pairs golang-migrate files by version and writes the rollback where each tool looks for it', () => {
    const f = findingsOf(
      {
        'db/migrations/30_add_x.up.sql': 'CREATE TABLE x (id int PRIMARY KEY);',
        'db/migrations/30_drop_x.down.sql': 'DROP TABLE x;',
        'db/migrations/31_add_y.up.sql': 'CREATE TABLE y (id int PRIMARY KEY);',
        'flyway/V1_2__z.sql': 'CREATE TABLE z (id int PRIMARY KEY);',
        // Repeatable: re-applied whenever it changes, no undo.
        'flyway/R__views.sql': 'CREATE OR REPLACE VIEW v AS SELECT 1 AS one;',
        'plain/001_w.sql': 'CREATE TABLE w (id int PRIMARY KEY);',
      },
      'missing-rollback',
    );
    assert.deepEqual(
      f.map((x) => [x.migration, (x.fixes[0].fileOperations![0] as { file: string }).file]),
      [
        ['31_add_y.up.sql', 'db/migrations/31_add_y.down.sql'],
        ['V1_2__z.sql', 'flyway/U1_2__z.sql'],
        ['001_w.sql', 'plain/rollback/001_w.sql'],
      ],
    );
    // The generated files are found as the rollbacks of their migrations.
    const withFixes = Object.fromEntries(f.map((x) => { const op = x.fixes[0].fileOperations![0] as { file: string; content: string }; return [op.file, op.content]; }));
    assert.deepEqual(findingsOf({ 'db/migrations/31_add_y.up.sql': 'CREATE TABLE y (id int PRIMARY KEY);', 'flyway/V1_2__z.sql': 'CREATE TABLE z (id int PRIMARY KEY);', 'plain/001_w.sql': 'CREATE TABLE w (id int PRIMARY KEY);', ...withFixes }, 'missing-rollback'), []);
  });


  it('generates a parseable rollback that reverses statements in reverse order with TODOs for irreversible ones', () => {
    const text = [
      "CREATE TYPE mood AS ENUM ('sad', 'ok');",
      "ALTER TYPE mood ADD VALUE 'happy';",
      'CREATE TABLE "Profile" (id int PRIMARY KEY, bio text);',
      'CREATE UNIQUE INDEX "Profile_bio_key" ON "Profile" (bio);',
      'ALTER TABLE "Profile" ADD COLUMN "mood" mood, ALTER COLUMN bio SET NOT NULL;',
      'ALTER TABLE "Profile" ENABLE ROW LEVEL SECURITY;',
      'ALTER TABLE "Profile" RENAME COLUMN bio TO about;',
      // Rows of a table the migration created go with it; those of another table do not.
      "UPDATE \"Profile\" SET about = '';",
      "UPDATE \"Old\" SET y = '';",
      'ALTER TABLE "Old" DROP COLUMN x;',
    ].join('\n');
    const f = findingsOf({ 'prisma/migrations/20240101000000_init/migration.sql': text }, 'missing-rollback');
    assert.equal(f.length, 1);
    const op = f[0].fixes[0].fileOperations![0];
    assert.equal(op.kind, 'create');
    assert.equal(op.file, 'prisma/migrations/20240101000000_init/down.sql');
    const content = (op as { content: string }).content;
    const statements = content.split('\n').filter((l) => l && !l.startsWith('--'));
    assert.deepEqual(statements, [
      'ALTER TABLE "Profile" RENAME COLUMN about TO bio;',
      'ALTER TABLE "Profile" DISABLE ROW LEVEL SECURITY;',
      'ALTER TABLE "Profile" ALTER COLUMN bio DROP NOT NULL;',
      'ALTER TABLE "Profile" DROP COLUMN IF EXISTS mood;',
      'DROP INDEX IF EXISTS "Profile_bio_key";',
      'DROP TABLE IF EXISTS "Profile";',
      'DROP TYPE IF EXISTS mood;',
    ]);
    assert.match(content, /-- TODO: column x was dropped/);
    assert.match(content, /-- TODO: data change: write the inverse data migration by hand\.\n--   UPDATE "Old" SET y = '';/);
    assert.doesNotMatch(content, /UPDATE "Profile"/);
    assert.match(content, /-- TODO: PostgreSQL cannot remove the enum value 'happy'/);
    const parsed = parseSqlFile('down.sql', content);
    assert.equal(parsed.errors.length, 0);
  });

  it('drops a SELECT … INTO table; leaves temporary tables alone (gone with the session; a DROP by name could hit a permanent one)', () => {
    const text = 'CREATE TEMP TABLE t1 (id int);\nCREATE TEMPORARY TABLE t2 AS SELECT 1 AS id;\nSELECT * INTO TEMP t3 FROM t1;\nSELECT * INTO backup FROM t1;\nSELECT 1;\n';
    const f = findingsOf({ 'prisma/migrations/20240101000000_init/migration.sql': text }, 'missing-rollback');
    const content = (f[0].fixes[0].fileOperations![0] as { content: string }).content;
    assert.deepEqual(content.split('\n').filter((l) => l && !l.startsWith('--')), ['DROP TABLE IF EXISTS backup;']);
  });

  it('after a TODO for dropped data, later DROPs of the rollback wait, commented out (copy-and-swap: the copy holds the only data)', () => {
    const text = 'ALTER TABLE t ADD COLUMN x_tmp uuid;\nUPDATE t SET x_tmp = x::uuid;\nALTER TABLE t DROP COLUMN x;\nALTER TABLE t RENAME COLUMN x_tmp TO x;';
    const f = findingsOf({ 'prisma/migrations/1_init/migration.sql': 'CREATE TABLE t (id int PRIMARY KEY, x text);', 'prisma/migrations/1_init/down.sql': 'DROP TABLE t;', 'prisma/migrations/2_swap/migration.sql': text }, 'missing-rollback');
    const content = (f[0].fixes[0].fileOperations![0] as { content: string }).content;
    const live = content.split('\n').filter((l) => l && !l.startsWith('--'));
    // x comes back (empty: its values are in x_tmp until the TODO converts them back), x_tmp stays.
    assert.deepEqual(live, ['ALTER TABLE t RENAME COLUMN x TO x_tmp;', 'ALTER TABLE t ADD COLUMN x text;']);
    assert.match(content, /-- TODO: run only once the TODO above is done \(this would delete data that is not restored yet\): ALTER TABLE t DROP COLUMN IF EXISTS x_tmp;/);
    assert.equal(parseSqlFile('down.sql', content).errors.length, 0);
  });

  it('restores the previous column type known from earlier migrations', () => {
    const f = findingsOf(
      {
        'prisma/migrations/1_init/migration.sql': 'CREATE TABLE t (id int PRIMARY KEY, title varchar(20));',
        'prisma/migrations/1_init/down.sql': 'DROP TABLE t;',
        'prisma/migrations/2_widen/migration.sql': 'ALTER TABLE t ALTER COLUMN title TYPE text;',
      },
      'missing-rollback',
    );
    assert.equal(f.length, 1);
    assert.equal(f[0].migration, '2_widen');
    assert.match((f[0].fixes[0].fileOperations![0] as { content: string }).content, /ALTER TABLE t ALTER COLUMN title TYPE varchar\(20\);/);
  });

  it('uses rollback/<file> for Supabase and recognises existing rollback scripts; empty migrations are fine', () => {
    const f = findingsOf(
      {
        'supabase/migrations/20240101000000_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);',
        'supabase/migrations/rollback/20240101000000_a.sql': 'DROP TABLE a;',
        'supabase/migrations/20240102000000_b.sql': 'CREATE TABLE b (id int PRIMARY KEY);',
        'supabase/migrations/20240103000000_c.sql': '-- nothing',
      },
      'missing-rollback',
    );
    assert.deepEqual(
      f.map((x) => [x.migration, (x.fixes[0].fileOperations![0] as { file: string }).file]),
      [['20240102000000_b.sql', 'supabase/migrations/rollback/20240102000000_b.sql']],
    );
  });
});

describe('fk-cycle', () => {
  it('reports a cycle once, at the foreign key that closes it; self-references are fine', () => {
    const text =
      'CREATE TABLE brand_profiles (id int PRIMARY KEY, voice_id int, parent_id int REFERENCES brand_profiles (id));\nCREATE TABLE voice_fingerprints (id int PRIMARY KEY, brand_id int REFERENCES brand_profiles (id));\nALTER TABLE brand_profiles ADD CONSTRAINT bp_voice FOREIGN KEY (voice_id) REFERENCES voice_fingerprints (id);';
    const f = findingsOf({ 'db/migrations/001_x.sql': text }, 'fk-cycle');
    assert.equal(f.length, 1);
    assert.equal(f[0].range.start.line, 2);
    assert.match(f[0].message, /brand_profiles → voice_fingerprints → brand_profiles/);
    assert.deepEqual(f[0].subject, { table: 'brand_profiles', column: 'voice_id' });
    // voice_id may be NULL: insert with it NULL, then update; nothing releases a delete.
    assert.match(f[0].message, /Rows that reference each other are inserted with `brand_profiles\.voice_id` NULL and updated afterwards \(or with deferred constraints\); deleting a row needs the references to it cleared first\.$/);
    const strict = findingsOf({ 'db/migrations/001_x.sql': 'CREATE TABLE a (id int PRIMARY KEY, b_id int NOT NULL);\nCREATE TABLE b (id int PRIMARY KEY, a_id int NOT NULL REFERENCES a (id) ON DELETE CASCADE);\nALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b (id);' }, 'fk-cycle');
    assert.match(strict[0].message, /No row of it can be inserted first without deferred constraints \(every key of the cycle is NOT NULL\); `b\.a_id` is ON DELETE CASCADE, so a rows can be deleted in one statement\.$/);
  });
});

describe('migrationInventory', () => {
  it('lists migrations in applied order with statuses', () => {
    const p = project({
      'supabase/migrations/20240101000000_a.sql': 'CREATE TABLE a (id int PRIMARY KEY);',
      'supabase/migrations/20240101000000_b.sql': 'CREATE TABLE b (id int PRIMARY KEY);',
      'supabase/migrations/20240102000000_c.sql': 'CREATE TABLE c (;',
      'supabase/migrations/local_1_d.sql': 'SELECT 1;',
    });
    assert.deepEqual(
      migrationInventory(p).map((r) => [r.version, r.file.replace('supabase/migrations/', ''), r.status]),
      [
        ['20240101000000', '20240101000000_a.sql', 'ok'],
        ['20240101000000', '20240101000000_b.sql', 'duplicate version'],
        ['20240102000000', '20240102000000_c.sql', 'syntax error'],
        ['—', 'local_1_d.sql', 'never applied'],
      ],
    );
    assert.match(migrationInventory(p)[0].notes, /1 statement; no rollback/);
  });
});
