import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parseSqlFile } from '../../server/src/analysis/sql/parse';
import { migrationInventory } from '../../server/src/analysis/sql/project';
import { auditSql, findingsOf, project, ready, textAt } from './helpers';

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

  it('audits them for PostgreSQL and CockroachDB, and without a schema', () => {
    for (const prisma of [schema('postgresql'), schema('postgres'), schema('cockroachdb'), {}]) {
      const r = auditSql(sql, { prisma });
      assert.equal(r.notAudited, null);
      assert.ok(r.findings.some((f) => f.rule === 'sql-syntax-error' && f.file === 'prisma/migrations/20240101000000_init/migration.sql'));
    }
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
          'CREATE TABLE t_old (id int);',
        ].join('\n'),
      },
      'migration-order',
    );
    // Only the table that took the renamed table's name is a real clash.
    assert.deepEqual(f.map((x) => x.subject), [{ table: 't_old' }]);
    assert.match(f[0].message, /^This statement creates table `t_old`, which an earlier statement of this migration already gave that name to another table: a fresh database fails here/);
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
    const text = 'ALTER TABLE profiles ADD COLUMN a int;\nALTER TABLE profiles ADD COLUMN b int;\nCREATE INDEX p_a ON profiles (a);';
    const never = findingsOf({ 'db/migrations/001_a.sql': 'CREATE TABLE x (id int);', 'db/migrations/002_b.sql': text }, 'migration-order');
    assert.equal(never.length, 1);
    assert.equal(never[0].range.start.line, 0);
    assert.match(never[0].message, /which no migration creates: a fresh database fails here\. 2 later statements use it too\.$/);
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
});

describe('missing-rollback', () => {
  it('generates a parseable rollback that reverses statements in reverse order with TODOs for irreversible ones', () => {
    const text = [
      "CREATE TYPE mood AS ENUM ('sad', 'ok');",
      "ALTER TYPE mood ADD VALUE 'happy';",
      'CREATE TABLE "Profile" (id int PRIMARY KEY, bio text);',
      'CREATE UNIQUE INDEX "Profile_bio_key" ON "Profile" (bio);',
      'ALTER TABLE "Profile" ADD COLUMN "mood" mood, ALTER COLUMN bio SET NOT NULL;',
      'ALTER TABLE "Profile" ENABLE ROW LEVEL SECURITY;',
      'ALTER TABLE "Profile" RENAME COLUMN bio TO about;',
      "UPDATE \"Profile\" SET about = '';",
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
    assert.match(content, /-- TODO: data change/);
    assert.match(content, /-- TODO: PostgreSQL cannot remove the enum value 'happy'/);
    const parsed = parseSqlFile('down.sql', content);
    assert.equal(parsed.errors.length, 0);
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
