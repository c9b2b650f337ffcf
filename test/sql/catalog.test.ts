import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { textReads } from '../../server/src/analysis/sql/catalog';
import { names } from '../../server/src/analysis/sql/expr';
import { parseSqlFile } from '../../server/src/analysis/sql/parse';
import { qualifyNames } from '../../server/src/analysis/sql/search-path';
import { project, ready } from './helpers';

before(async () => {
  await ready;
});

/** The catalog after replaying the first `n` of `migrations` (in their order). */
function upTo(migrations: Record<string, string>, n: number) {
  return project(Object.fromEntries(Object.entries(migrations).slice(0, n))).catalog;
}
type Catalog = ReturnType<typeof upTo>;
const indexes = (c: Catalog) => [...c.indexes.values()].map((i) => [i.key, i.table, i.columns.join()]);
const fks = (c: Catalog, table: string) => c.tables.get(table)!.foreignKeys.map((f) => [f.columns.join(), f.refTable, f.refColumns.join()]);

describe('catalog replay', () => {
  it('qualifies a tree anew when it is replayed again against another state (the language server keeps unchanged trees)', () => {
    const [stmt] = parseSqlFile('m.sql', 'alter table notes add column m mood;').statements;
    const col = () => stmt.node.cmds[0].AlterTableCmd.def.ColumnDef;
    qualifyNames(stmt.kind, stmt.node, ['private', 'public'], (k) => k === 'private.notes' || k === 'private.mood');
    assert.deepEqual([stmt.node.relation.schemaname, names(col().typeName.names)], ['private', ['private', 'mood']]);
    qualifyNames(stmt.kind, stmt.node, ['private', 'public'], (k) => k === 'public.notes');
    assert.deepEqual([stmt.node.relation.schemaname, names(col().typeName.names)], ['public', ['mood']]);
  });

  it('follows SET search_path (and set_config) for the rest of the file: creates in its first schema, finds names along it', () => {
    const p = project({
      'supabase/migrations/20240101000000_a.sql': [
        'create schema private;',
        'create table public.users (id uuid primary key);',
        'set search_path to private, public;',
        "create type mood as enum ('a', 'b');",
        'create table secrets (id bigint primary key, owner uuid references users (id), m mood);',
        'create index secrets_owner on secrets (owner);',
        'alter table secrets add column note text;',
        'create table scratch (id int);',
        'drop table scratch;',
        'set search_path to default;',
        'create table later (id int primary key);',
      ].join('\n'),
      'supabase/migrations/20240102000000_b.sql': "select pg_catalog.set_config('search_path', 'private', false);\ncreate table other (id int primary key);\n",
      'supabase/migrations/20240103000000_c.sql': 'create table plain (id int primary key);\n',
    });
    const c = p.catalog;
    assert.deepEqual([...c.tables.keys()].sort(), ['private.other', 'private.secrets', 'public.later', 'public.plain', 'public.users']);
    const secrets = c.tables.get('private.secrets')!;
    assert.deepEqual([...secrets.columns.keys()], ['id', 'owner', 'm', 'note']);
    assert.deepEqual(fks(c, 'private.secrets'), [['owner', 'public.users', 'id']]);
    assert.equal(secrets.columns.get('m')!.typeKey, 'private.mood');
    assert.ok(c.enums.has('private.mood'));
    assert.ok(c.indexes.has('private.secrets_owner'));
  });

  it('builds tables with columns, keys, checks, foreign keys and indexes', () => {
    const p = project({
      'supabase/migrations/20240101000000_init.sql': `
CREATE TYPE public.plan AS ENUM ('free', 'pro');
CREATE TABLE public.teams (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  slug varchar(40) NOT NULL UNIQUE,
  plan public.plan NOT NULL DEFAULT 'free',
  status text CHECK (status IN ('active', 'archived'))
);
CREATE TABLE members (
  id bigserial,
  team_id uuid NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES auth.users ON DELETE SET NULL,
  role text NOT NULL,
  CONSTRAINT members_pkey PRIMARY KEY (id),
  CONSTRAINT members_role_check CHECK (role = ANY (ARRAY['owner'::text, 'member'::text]))
);
CREATE UNIQUE INDEX CONCURRENTLY members_team_user ON members USING btree (team_id, user_id) WHERE role <> 'owner';
ALTER TABLE members ENABLE ROW LEVEL SECURITY;
`,
    });
    const c = p.catalog;
    const teams = c.tables.get('public.teams')!;
    assert.deepEqual([...teams.columns.keys()], ['id', 'slug', 'plan', 'status']);
    assert.equal(teams.columns.get('slug')!.type, 'varchar(40)');
    assert.equal(teams.columns.get('slug')!.notNull, true);
    assert.equal(teams.columns.get('plan')!.typeKey, 'public.plan');
    assert.equal(teams.columns.get('plan')!.default, "'free'");
    assert.deepEqual(teams.primaryKey!.columns, ['id']);
    assert.deepEqual(teams.uniques.map((u) => u.columns), [['slug']]);
    assert.deepEqual(teams.checks[0].values, ['active', 'archived']);
    assert.equal(teams.checks[0].column, 'status');
    const members = c.tables.get('public.members')!;
    assert.equal(members.columns.get('id')!.notNull, true);
    assert.equal(members.primaryKey!.name, 'members_pkey');
    assert.deepEqual(
      members.foreignKeys.map((f) => [f.columns.join(), f.refTable, f.refColumns.join(), f.onDelete]),
      [
        ['team_id', 'public.teams', 'id', 'CASCADE'],
        ['user_id', 'auth.users', '', 'SET NULL'],
      ],
    );
    assert.deepEqual(members.checks[0].values, ['owner', 'member']);
    const idx = c.indexes.get('public.members_team_user')!;
    assert.deepEqual(idx.columns, ['team_id', 'user_id']);
    assert.equal(idx.unique, true);
    assert.equal(idx.partial, true);
    assert.equal(idx.method, 'btree');
    assert.equal(idx.concurrently, true);
    assert.equal(members.rls, true);
    assert.equal(c.enums.get('public.plan')!.values.join(), 'free,pro');
    // Every object remembers its statement.
    assert.equal(idx.source.statementIndex, 3);
    assert.equal(idx.source.migration, '20240101000000_init.sql');
    assert.equal(members.rlsSource!.range.start.line, 17);
  });

  it('marks temporary tables (a migration\'s scratch tables, gone when its session ends)', () => {
    const c = project({
      'supabase/migrations/20240101000000_init.sql':
        'CREATE TEMP TABLE scratch AS SELECT 1 AS x;\nCREATE TEMPORARY TABLE t2 (a int) ON COMMIT DROP;\nCREATE UNLOGGED TABLE u (a int);\nCREATE TABLE kept (a int);\n',
    }).catalog;
    assert.deepEqual(
      [...c.tables.values()].map((t) => [t.name, t.temporary]),
      [
        ['scratch', true],
        ['t2', true],
        ['u', false],
        ['kept', false],
      ],
    );
  });

  it('replays renames, drops and enum values added later, across migrations in version order', () => {
    const p = project({
      // Given out of order on purpose: the replay orders by version.
      'prisma/migrations/20240301000000_rename/migration.sql': `
ALTER TABLE "Post" RENAME TO "Article";
ALTER TABLE "Article" RENAME COLUMN "body" TO "content";
ALTER TYPE "Status" ADD VALUE 'ARCHIVED' AFTER 'DRAFT';
ALTER TYPE "Status" RENAME VALUE 'DRAFT' TO 'WIP';
ALTER TYPE "Status" RENAME TO "PostStatus";
ALTER INDEX "Post_authorId_idx" RENAME TO "Article_authorId_idx";
ALTER TABLE "Article" DROP COLUMN "legacy";
DROP TABLE "Tmp";
`,
      'prisma/migrations/20240101000000_init/migration.sql': `
CREATE TYPE "Status" AS ENUM ('DRAFT', 'PUBLISHED');
CREATE TABLE "User" ("id" SERIAL NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));
CREATE TABLE "Post" ("id" SERIAL NOT NULL, "body" TEXT, "legacy" TEXT, "status" "Status" NOT NULL DEFAULT 'DRAFT', "authorId" INTEGER NOT NULL, CONSTRAINT "Post_pkey" PRIMARY KEY ("id"));
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");
CREATE INDEX "Post_legacy_idx" ON "Post"("legacy");
CREATE TABLE "Tmp" ("id" INTEGER);
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`,
    });
    assert.deepEqual(
      p.migrations.map((m) => m.label),
      ['20240101000000_init', '20240301000000_rename'],
    );
    const c = p.catalog;
    assert.equal(c.tables.has('public.Post'), false);
    assert.equal(c.tables.has('public.Tmp'), false);
    const a = c.tables.get('public.Article')!;
    assert.deepEqual([...a.columns.keys()], ['id', 'status', 'authorId', 'content']);
    assert.equal(a.columns.get('status')!.typeKey, 'public.PostStatus');
    assert.equal(a.columns.get('status')!.type, '"PostStatus"');
    assert.equal(a.createdBy.migration, '20240101000000_init');
    assert.ok(a.changedBy.some((r) => r.migration === '20240301000000_rename'));
    assert.deepEqual(c.enums.get('public.PostStatus')!.values, ['WIP', 'ARCHIVED', 'PUBLISHED']);
    assert.equal(c.enums.has('public.Status'), false);
    assert.deepEqual([...c.indexes.keys()], ['public.Article_authorId_idx']); // legacy index dropped with its column
    assert.equal(c.indexes.get('public.Article_authorId_idx')!.table, 'public.Article');
    assert.equal(a.foreignKeys[0].refTable, 'public.User');
    assert.equal(a.foreignKeys[0].onDelete, 'RESTRICT');
  });

  it('records policies with command, roles, permissiveness and conditions', () => {
    const p = project({
      'supabase/migrations/20240101000000_notes.sql': `
create table notes (id bigint primary key, user_id uuid not null references auth.users);
alter table notes enable row level security;
create policy "own" on notes as permissive for update to authenticated using (auth.uid() = user_id) with check ((select auth.uid()) = user_id);
create policy "deny" on notes as restrictive for delete to anon, authenticated using (false);
create policy "read" on notes for select using (true);
alter policy "read" on notes to anon;
drop policy "deny" on notes;
`,
    });
    const t = p.catalog.tables.get('public.notes')!;
    assert.deepEqual([...t.policies.keys()], ['own', 'read']);
    const own = t.policies.get('own')!;
    assert.equal(own.command, 'update');
    assert.deepEqual(own.roles, ['authenticated']);
    assert.equal(own.permissive, true);
    assert.equal(own.usingText, 'auth.uid() = user_id');
    assert.equal(own.withCheckText, '(SELECT auth.uid()) = user_id');
    const read = t.policies.get('read')!;
    assert.deepEqual(read.roles, ['anon']);
    assert.equal(read.command, 'select');
  });

  it('reports objects used before the migration that creates them', () => {
    const p = project({
      'db/migrations/001_comments.sql': 'CREATE TABLE comments (id int PRIMARY KEY, post_id int REFERENCES posts (id));',
      'db/migrations/002_posts.sql': 'CREATE TABLE posts (id int PRIMARY KEY);',
    });
    const facts = p.migrations[0].statements[0].facts;
    assert.deepEqual(
      facts.missing.map((m) => [m.kind, m.key]),
      [['table', 'public.posts']],
    );
    assert.equal(p.catalog.everCreated.get('public.posts'), 1);
  });

  it('treats ADD CONSTRAINT … USING INDEX as the same index (pg_dump style)', () => {
    const p = project({
      'supabase/migrations/1_init.sql': `CREATE TABLE public.k (id uuid NOT NULL, v text);
CREATE UNIQUE INDEX k_pkey ON public.k USING btree (id);
ALTER TABLE public.k ADD CONSTRAINT k_pkey PRIMARY KEY USING INDEX k_pkey;`,
    });
    const t = p.catalog.tables.get('public.k')!;
    assert.deepEqual(t.primaryKey!.columns, ['id']);
    assert.equal(t.primaryKey!.name, 'k_pkey');
    assert.equal(p.catalog.indexes.size, 0);
  });

  it('keeps one constraint when a later dump adds one of the same name again (PostgreSQL refuses the second)', () => {
    const add = `ALTER TABLE ONLY public.inbox ADD CONSTRAINT inbox_reference_id_key UNIQUE (reference_id);
ALTER TABLE ONLY public.inbox ADD CONSTRAINT inbox_team_fkey FOREIGN KEY (team_id) REFERENCES public.teams (id);
ALTER TABLE public.inbox ADD CONSTRAINT inbox_ref_check CHECK (reference_id <> '');\n`;
    const p = project({
      'supabase/migrations/20240101000000_dump.sql': `CREATE TABLE public.teams (id uuid PRIMARY KEY);\nCREATE TABLE public.inbox (id uuid PRIMARY KEY, reference_id text, team_id uuid);\n${add}`,
      'supabase/migrations/20240102000000_dump.sql': add,
    });
    const t = p.catalog.tables.get('public.inbox')!;
    assert.deepEqual(t.uniques.map((u) => u.name), ['inbox_reference_id_key']);
    assert.deepEqual(t.foreignKeys.map((f) => f.name), ['inbox_team_fkey']);
    assert.deepEqual(t.checks.map((c) => c.name), ['inbox_ref_check']);
    assert.match(t.uniques[0].source.file, /20240101000000/);
  });

  it('tracks table state per statement: created in this migration, before it, or unknown', () => {
    const p = project({
      'm/migrations/001_a.sql': 'CREATE TABLE a (id int);',
      'm/migrations/002_b.sql': 'CREATE TABLE b (id int);\nCREATE INDEX b_id ON b (id);\nCREATE INDEX a_id ON a (id);\nCREATE INDEX x_id ON x (id);',
    });
    const st = p.migrations[1].statements;
    assert.equal(st[1].facts.tables.get('public.b'), 'new');
    assert.equal(st[2].facts.tables.get('public.a'), 'existing');
    assert.equal(st[3].facts.tables.get('public.x'), 'unknown');
  });

  it('keeps indexes and foreign keys with their tables through renames, replacements and drops', () => {
    const migrations: Record<string, string> = {
      'm/migrations/001_init.sql': `CREATE TABLE a (id int PRIMARY KEY, b_id int, c text);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id), note text);
ALTER TABLE a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES b (id);
CREATE INDEX a_b ON a (b_id);
CREATE INDEX a_c ON a (c, b_id);
CREATE INDEX b_a ON b (a_id);
CREATE INDEX orphan ON later (x);`,
      'm/migrations/002_renames.sql': `ALTER TABLE a RENAME TO a2;
ALTER TABLE a2 RENAME COLUMN b_id TO bee;
ALTER TABLE a2 RENAME COLUMN id TO ident;
ALTER INDEX a_b RENAME TO a2_bee;
CREATE TABLE later (x int);`,
      // A second CREATE INDEX of a name replaces the first, in place (here on another table): dropping
      // a column of the first one's table must leave it alone.
      'm/migrations/003_replace.sql': `CREATE INDEX a_c ON b (note);
ALTER TABLE a2 DROP COLUMN c;
ALTER TABLE later RENAME TO later2;`,
      'm/migrations/004_drops.sql': `ALTER TABLE b DROP COLUMN note;
DROP TABLE a2;`,
    };
    const renamed = upTo(migrations, 2);
    assert.deepEqual(indexes(renamed), [
      ['public.a_c', 'public.a2', 'c,bee'],
      ['public.b_a', 'public.b', 'a_id'],
      ['public.orphan', 'public.later', 'x'],
      ['public.a2_bee', 'public.a2', 'bee'],
    ]);
    assert.deepEqual(fks(renamed, 'public.b'), [['a_id', 'public.a2', 'ident']]);
    assert.deepEqual(fks(renamed, 'public.a2'), [['bee', 'public.b', 'id']]);

    const replaced = upTo(migrations, 3);
    assert.deepEqual(indexes(replaced), [
      ['public.a_c', 'public.b', 'note'],
      ['public.b_a', 'public.b', 'a_id'],
      ['public.orphan', 'public.later2', 'x'],
      ['public.a2_bee', 'public.a2', 'bee'],
    ]);

    const dropped = upTo(migrations, 4);
    assert.equal(dropped.tables.has('public.a2'), false);
    assert.deepEqual(indexes(dropped), [
      ['public.b_a', 'public.b', 'a_id'],
      ['public.orphan', 'public.later2', 'x'],
    ]);
    assert.deepEqual(fks(dropped, 'public.b'), []);
  });

  it('merges what pointed at a table key with what pointed at the key it is renamed to', () => {
    // Indexes and foreign keys recorded against a table that did not exist yet (DDL the replay did
    // not see) meet those of a table renamed to that name: all follow later renames and drops.
    const migrations: Record<string, string> = {
      'm/migrations/001_init.sql': `CREATE TABLE later (x int PRIMARY KEY);
CREATE INDEX on_later ON later (x);
CREATE INDEX on_z ON z (x);
CREATE TABLE q (id int, z_x int REFERENCES z (x));
CREATE TABLE r (id int, later_x int REFERENCES later (x));`,
      'm/migrations/002_rename.sql': `ALTER TABLE later RENAME TO z;`,
      'm/migrations/003_rename_column.sql': `ALTER TABLE z RENAME COLUMN x TO y;`,
      'm/migrations/004_drop.sql': `DROP TABLE z;`,
    };
    const c = upTo(migrations, 2);
    assert.deepEqual([...c.indexes.values()].map((i) => [i.key, i.table]), [
      ['public.on_later', 'public.z'],
      ['public.on_z', 'public.z'],
    ]);
    assert.deepEqual(c.tables.get('public.r')!.foreignKeys.map((f) => f.refTable), ['public.z']);
    const renamed = upTo(migrations, 3);
    assert.deepEqual([...fks(renamed, 'public.q'), ...fks(renamed, 'public.r')], [
      ['z_x', 'public.z', 'y'],
      ['later_x', 'public.z', 'y'],
    ]);
    const after = upTo(migrations, 4);
    assert.equal(after.indexes.size, 0);
    assert.deepEqual(after.tables.get('public.q')!.foreignKeys, []);
    assert.deepEqual(after.tables.get('public.r')!.foreignKeys, []);
  });
});

describe('DDL inside DO blocks', () => {
  it('a guarded ADD PRIMARY KEY on a table that has one changes nothing (PostgreSQL refuses a second key)', () => {
    const text = [
      'create table queues ("offset" serial, q text, constraint queues_pkey primary key ("offset"));',
      'DO $$',
      'BEGIN',
      "  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'queues_pkey') THEN",
      '    ALTER TABLE queues ADD PRIMARY KEY (q);',
      '  END IF;',
      'END $$;',
    ].join('\n');
    const p = project({ 'migrations/001_queues.sql': text, 'migrations/002_drop.sql': 'ALTER TABLE queues DROP CONSTRAINT IF EXISTS queues_pkey;' });
    assert.equal(p.catalog.tables.get('public.queues')!.primaryKey, undefined);
  });

  it('replays static statements of DO blocks (idempotent policy creation) with exact positions', () => {
    const text = [
      'create table public.items (id int primary key, owner uuid);',
      'DO $$',
      'BEGIN',
      '  IF NOT EXISTS (SELECT 1 FROM pg_policies WHERE policyname = \'own items\') THEN',
      '    CREATE POLICY "own items" ON public.items FOR ALL TO authenticated USING (auth.uid() = owner);',
      '  END IF;',
      '  ALTER TABLE public.items ENABLE ROW LEVEL SECURITY;',
      "  EXECUTE 'DROP TABLE public.items';",
      'END $$;',
    ].join('\n');
    const p = project({ 'supabase/migrations/20240101000000_x.sql': text });
    const t = p.catalog.tables.get('public.items')!;
    assert.ok(t, 'dynamic EXECUTE strings are not followed');
    assert.equal(t.rls, true);
    const pol = t.policies.get('own items')!;
    assert.equal(pol.command, 'all');
    assert.deepEqual(pol.statement.range.start, { line: 4, character: 4 });
    const replayed = p.migrations[0].statements;
    assert.deepEqual(
      replayed.map((s) => [s.stmt.kind, !!s.inDoBlock]),
      [
        ['CreateStmt', false],
        ['DoStmt', false],
        ['CreatePolicyStmt', true],
        ['AlterTableStmt', true],
      ],
    );
  });
});

describe('names PostgreSQL generates for unnamed constraints and indexes', () => {
  const one = (sql: string) => project({ 'supabase/migrations/20240101000000_x.sql': sql }).catalog;

  it('names each unnamed constraint when it is made, so renaming the table later does not rename it', () => {
    const c = one(`
CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE teams (id int PRIMARY KEY, org_id int REFERENCES orgs (id), slug text UNIQUE, status text CHECK (status IN ('a', 'b')), lo int, hi int, CHECK (lo < hi));
ALTER TABLE teams RENAME TO groups;
`);
    const t = c.tables.get('public.groups')!;
    assert.equal(t.primaryKey!.name, 'teams_pkey');
    assert.deepEqual(t.foreignKeys.map((f) => f.name), ['teams_org_id_fkey']);
    assert.deepEqual(t.uniques.map((u) => u.name), ['teams_slug_key']);
    // One column referenced: table_column_check; more: table_check.
    assert.deepEqual(t.checks.map((x) => x.name), ['teams_status_check', 'teams_check']);
  });

  it('drops constraints by the names they were given, after a rename of the table', () => {
    const c = one(`
CREATE TABLE orgs (id int PRIMARY KEY);
CREATE TABLE teams (id int PRIMARY KEY, org_id int REFERENCES orgs (id), slug text UNIQUE, status text CHECK (status IN ('a', 'b')));
ALTER TABLE teams RENAME TO groups;
ALTER TABLE groups DROP CONSTRAINT teams_org_id_fkey, DROP CONSTRAINT teams_pkey, DROP CONSTRAINT teams_slug_key, DROP CONSTRAINT teams_status_check;
`);
    const t = c.tables.get('public.groups')!;
    assert.deepEqual([t.primaryKey, t.foreignKeys, t.uniques, t.checks], [undefined, [], [], []]);
  });

  it('cuts long generated names as PostgreSQL does, keeping the label', () => {
    // 57 bytes for table and columns (63 - `_` - `_fkey`): the table (the longer) is cut to 36.
    const table = `organization_membership_invitations${'x'.repeat(21)}`; // 56 bytes
    const c = one(`
CREATE TABLE accounts (id int PRIMARY KEY);
CREATE TABLE ${table} (id int PRIMARY KEY, invited_by_account_id int REFERENCES accounts (id));
ALTER TABLE ${table} DROP CONSTRAINT organization_membership_invitationsx_invited_by_account_id_fkey;
`);
    const t = c.tables.get(`public.${table}`)!;
    assert.equal(t.primaryKey!.name, `${table}_pkey`);
    assert.deepEqual(t.foreignKeys, [], 'the foreign key is dropped by its generated name');
  });

  it('numbers the name of a second unnamed index on the same columns, so both exist', () => {
    const c = one(`
CREATE TABLE posts (id int PRIMARY KEY, author_id int);
CREATE INDEX ON posts (author_id);
CREATE INDEX ON posts (author_id);
CREATE INDEX ON posts (lower(author_id::text), upper(author_id::text));
`);
    assert.deepEqual([...c.indexes.values()].map((i) => i.name), ['posts_author_id_idx', 'posts_author_id_idx1', 'posts_expr_expr1_idx']);
  });
});

describe('generated names: INCLUDE columns, keys written twice, checks of dropped columns', () => {
  const one = (sql: string) => project({ 'supabase/migrations/20240101000000_x.sql': sql }).catalog;

  it('names INCLUDE columns too, merges a key written twice in one statement, and drops the checks of a dropped column', () => {
    const c = one(`
CREATE TABLE t (id int PRIMARY KEY UNIQUE, a int UNIQUE, b int, CHECK (b > 0), UNIQUE (a));
CREATE INDEX ON t (a) INCLUDE (b);
ALTER TABLE t ADD UNIQUE (b) INCLUDE (a);
ALTER TABLE t DROP COLUMN b;
ALTER TABLE t ADD COLUMN b int CHECK (b > 0);
`);
    const t = c.tables.get('public.t')!;
    assert.equal(t.primaryKey!.name, 't_pkey');
    // id's UNIQUE merges into the primary key, the second UNIQUE (a) into the first; dropping b drops its key.
    assert.deepEqual(t.uniques.map((u) => u.name), ['t_a_key']);
    assert.deepEqual([...c.indexes.values()].map((i) => i.name), []);
    assert.deepEqual(t.checks.map((x) => x.name), ['t_b_check'], 'the old check went with its column: the name is free again');
    const d = one(`CREATE TABLE t (a int, b int);\nCREATE INDEX ON t (a) INCLUDE (b);\nALTER TABLE t ADD CONSTRAINT u UNIQUE (b) INCLUDE (a);`);
    assert.deepEqual([...d.indexes.values()].map((i) => i.name), ['t_a_b_idx']);
  });
  it('chooses generated names against constraints renamed, dropped or made by other tables, including in a large dump', () => {
    const names = (c: Catalog, table: string) => {
      const t = c.tables.get(table)!;
      return [t.primaryKey?.name, ...t.uniques.map((u) => u.name), ...t.foreignKeys.map((f) => f.name), ...t.checks.map((x) => x.name)].filter(Boolean);
    };
    const c = project({
      'db/migrations/001_a.sql': `CREATE TABLE a (x int CHECK (x > 0));
ALTER TABLE a RENAME CONSTRAINT a_x_check TO a_positive;
ALTER TABLE a ADD CHECK (x < 10);
CREATE TABLE b (y int);
ALTER TABLE b ADD CONSTRAINT tmp CHECK (y > 0);
ALTER TABLE b RENAME CONSTRAINT tmp TO c_z_check;
CREATE TABLE c (z int CHECK (z > 0));
CREATE TABLE d (id int PRIMARY KEY);
ALTER INDEX d_pkey RENAME TO e_pkey;
CREATE TABLE e (id int PRIMARY KEY);
CREATE TABLE f (id int PRIMARY KEY);
DROP TABLE f;
CREATE TABLE g (id int);
ALTER TABLE g RENAME TO f;
ALTER TABLE f ADD PRIMARY KEY (id);`,
    }).catalog;
    // The renamed check freed its name; a check renamed to c's name, and a key index renamed to e's, take them.
    assert.deepEqual(names(c, 'public.a'), ['a_positive', 'a_x_check']);
    assert.deepEqual(names(c, 'public.c'), ['c_z_check1']);
    assert.deepEqual(names(c, 'public.d'), ['e_pkey']);
    assert.deepEqual(names(c, 'public.e'), ['e_pkey1']);
    // A dropped table's names are free again.
    assert.deepEqual(names(c, 'public.f'), ['f_pkey']);
    // A dump of many tables with unnamed constraints (names are looked up, no longer searched table by table).
    const dump = Array.from({ length: 300 }, (_, i) => `CREATE TABLE t${i} (id int PRIMARY KEY, a int UNIQUE, p int REFERENCES t${Math.max(0, i - 1)} (id), CHECK (a > 0));`).join('\n');
    const big = project({ 'db/migrations/001_dump.sql': dump + '\nALTER TABLE t5 RENAME CONSTRAINT t5_a_check TO t6_b_check;\nALTER TABLE t6 ADD COLUMN b int CHECK (b > 0);' }).catalog;
    assert.deepEqual(names(big, 'public.t299'), ['t299_pkey', 't299_a_key', 't299_p_fkey', 't299_a_check']);
    assert.deepEqual(names(big, 'public.t6'), ['t6_pkey', 't6_a_key', 't6_p_fkey', 't6_a_check', 't6_b_check1']);
  });
});

describe('textReads: the relations a view reads, from its text', () => {
  const reads = (sql: string) => textReads(sql).map((r) => (r.schemaname ? `${r.schemaname}.${r.relname}` : r.relname));
  it('reads the item after FROM, each JOIN and each comma of the clause, through parenthesised joins', () => {
    assert.deepEqual(reads('CREATE VIEW v AS SELECT a.id FROM a JOIN b USING (id), c WHERE c.x = 1'), ['a', 'b', 'c']);
    assert.deepEqual(reads('CREATE VIEW v AS SELECT 1 FROM a JOIN b ON a.id = b.id, c AS z'), ['a', 'b', 'c']);
    assert.deepEqual(reads('CREATE VIEW v AS SELECT 1 FROM (a JOIN b ON a.id = b.id) JOIN c ON c.id = a.id UNION SELECT 2 FROM d, e'), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(reads('CREATE VIEW v AS SELECT * FROM public.a AS x LEFT JOIN "B" y ON x.id = y.id, ONLY s.c, LATERAL unnest(x.arr) u'), ['public.a', 'B', 's.c']);
  });
  it('skips functions, strings and comments; reads subqueries by their own FROM', () => {
    assert.deepEqual(reads("CREATE VIEW v AS SELECT 'from x', (SELECT max(n) FROM m) FROM t -- join y\n WHERE t.a IN (SELECT a FROM u) GROUP BY 1"), ['m', 't', 'u']);
    assert.deepEqual(reads('CREATE VIEW v AS SELECT 1 FROM generate_series(1, 3) g, (SELECT 1 FROM z) q'), ['z']);
  });
});
