// The Prisma-schema rules that also judge the tables of SQL migrations (tables no Prisma model maps):
// set-null-on-required, cascade-deletes-history, float-for-money, plaintext-secret, missing-updated-at.
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Finding } from '../../server/src/analysis/types';
import { auditSql, findingsOf, ready, textAt } from './helpers';
import { replayPlan } from '../../server/src/analysis/sql/replay';
import { runReplay } from '../../server/src/project/replay';

before(async () => {
  await ready;
});

const M = 'supabase/migrations/20240101000000_init.sql';

/** Audits again with the migration a fix creates added: the finding must be gone, and nothing else broken. */
function afterFix(map: Record<string, string>, f: Finding, fixIndex = 0): Record<string, string> {
  const op = f.fixes[fixIndex].fileOperations![0] as { kind: string; file: string; content: string };
  assert.equal(op.kind, 'create');
  assert.ok(!(op.file in map), `the fix creates a new file (${op.file})`);
  const next = { ...map, [op.file]: op.content };
  const r = auditSql(next);
  assert.deepEqual(r.findings.filter((x) => x.rule === 'sql-syntax-error' || x.rule === 'migration-order').map((x) => x.message), []);
  return next;
}

describe('set-null-on-required (SQL side)', () => {
  const text = [
    'create table coupons (id uuid primary key);',
    'create table redemptions (',
    '  id uuid primary key,',
    '  coupon_id uuid not null references coupons (id) on delete set null,',
    '  note_id uuid references coupons (id) on delete set null',
    ');',
  ].join('\n');

  it('reports ON DELETE SET NULL on a NOT NULL column at the foreign key, and its fix makes the column nullable', () => {
    const map = { [M]: text };
    const f = findingsOf(map, 'set-null-on-required');
    assert.equal(f.length, 1);
    assert.equal(f[0].severity, 'error');
    assert.deepEqual(f[0].subject, { table: 'redemptions', column: 'coupon_id' });
    assert.equal(textAt(text, f[0]), 'coupon_id uuid not null references coupons (id) on delete set null,');
    assert.match(f[0].message, /ON DELETE SET NULL .*`coupon_id` is NOT NULL: deleting a `coupons` row/);
    const next = afterFix(map, f[0]);
    assert.equal(findingsOf(next, 'set-null-on-required').length, 0);
  });

  it('reads NOT NULL added later, primary-key columns, ON UPDATE SET NULL and the PostgreSQL 15 column list', () => {
    const later = findingsOf({ [M]: 'create table a (id int primary key);\ncreate table b (a_id int references a on delete set null);\nalter table b alter column a_id set not null;' }, 'set-null-on-required');
    assert.equal(later.length, 1);
    const pk = findingsOf({ [M]: 'create table a (id int primary key);\ncreate table b (a_id int references a on update set null, n int, primary key (a_id, n));' }, 'set-null-on-required');
    assert.equal(pk.length, 1);
    assert.match(pk[0].message, /ON UPDATE SET NULL/);
    assert.equal(pk[0].fixes.length, 0, 'a primary-key column cannot become nullable');
    // Only `b.a_id` is set to NULL; the NOT NULL tenant column is kept.
    const listed = 'create table a (t int, id int, primary key (t, id));\ncreate table b (t int not null, a_id int, foreign key (t, a_id) references a on delete set null (a_id));';
    assert.equal(findingsOf({ [M]: listed }, 'set-null-on-required').length, 0);
    assert.equal(findingsOf({ [M]: listed.replace('set null (a_id)', 'set null') }, 'set-null-on-required').length, 1);
  });

  it('leaves tables that are Prisma models to the schema side', () => {
    const sql = { 'prisma/migrations/1_init/migration.sql': 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY);\nCREATE TABLE "Post" ("id" TEXT PRIMARY KEY, "authorId" TEXT NOT NULL REFERENCES "User"("id") ON DELETE SET NULL);' };
    const prisma = {
      'schema.prisma':
        'datasource db {\n  provider = "postgresql"\n}\nmodel User {\n  id String @id\n  posts Post[]\n}\nmodel Post {\n  id String @id\n  authorId String\n  author User @relation(fields: [authorId], references: [id], onDelete: SetNull)\n\n  @@index([authorId])\n}\n',
    };
    const f = findingsOf(sql, 'set-null-on-required', { prisma });
    assert.equal(f.length, 1);
    assert.equal(f[0].file, 'schema.prisma');
    assert.equal(findingsOf(sql, 'set-null-on-required').length, 1, 'without the schema, the SQL side reports it');
  });
});

describe('cascade-deletes-history (SQL side)', () => {
  const text = [
    'create table coupons (id uuid primary key);',
    'create table coupon_redemptions (',
    '  id uuid primary key,',
    '  coupon_id uuid not null references coupons (id) on delete cascade,',
    '  user_id uuid references auth.users on delete cascade',
    ');',
    'create table coupon_notes (id uuid primary key, coupon_id uuid references coupons on delete cascade);',
    'create table orders (id uuid primary key, user_id uuid references auth.users on delete restrict);',
    'create table order_items (id uuid primary key, order_id uuid not null references orders on delete cascade);',
    'create table workspaces (id uuid primary key);',
    'create table activity_logs (id uuid primary key, workspace_id uuid references workspaces on delete cascade, created_by uuid references auth.users on delete cascade);',
    'create table scheduled_events (id uuid primary key, start timestamptz, "end" timestamptz, user_id uuid references auth.users on delete cascade);',
    'create table app_events (id uuid primary key, starts_at timestamptz, user_id uuid references auth.users on delete cascade);',
  ].join('\n');

  it('reports cascades into financial, audit and history tables, judged as for models', () => {
    const f = findingsOf({ [M]: text }, 'cascade-deletes-history');
    assert.deepEqual(
      f.map((x) => `${x.subject.table}.${x.subject.column}`),
      // scheduled_events starts and ends: a calendar entry, not a log; app_events has only a start.
      ['coupon_redemptions.coupon_id', 'coupon_redemptions.user_id', 'activity_logs.created_by', 'app_events.user_id'],
    );
    assert.equal(textAt(text, f[0]), 'coupon_id uuid not null references coupons (id) on delete cascade,');
    assert.match(f[0].message, /Deleting a `coupons` row deletes its `coupon_redemptions` rows .*financial records/);
    assert.equal(f[0].severity, 'warning');
  });

  it('offers SET NULL (dropping NOT NULL) and RESTRICT as new migrations that PostgreSQL accepts and that resolve it', () => {
    const map = { [M]: text };
    const f = findingsOf(map, 'cascade-deletes-history')[0];
    assert.deepEqual(f.fixes.map((x) => x.title), ['Change to ON DELETE SET NULL in a new migration', 'Change to ON DELETE RESTRICT in a new migration']);
    const op = f.fixes[0].fileOperations![0] as { content: string };
    assert.match(op.content, /ALTER TABLE coupon_redemptions ALTER COLUMN coupon_id DROP NOT NULL;\nALTER TABLE coupon_redemptions DROP CONSTRAINT coupon_redemptions_coupon_id_fkey;\nALTER TABLE coupon_redemptions ADD CONSTRAINT coupon_redemptions_coupon_id_fkey FOREIGN KEY \(coupon_id\) REFERENCES coupons \(id\) ON DELETE SET NULL NOT VALID;\nALTER TABLE coupon_redemptions VALIDATE CONSTRAINT/);
    for (const i of [0, 1]) {
      const next = afterFix(map, f, i);
      const left = findingsOf(next, 'cascade-deletes-history').map((x) => `${x.subject.table}.${x.subject.column}`);
      assert.ok(!left.includes('coupon_redemptions.coupon_id'), `fix ${i} resolves it`);
      assert.equal(findingsOf(next, 'set-null-on-required').length, 0);
    }
  });
});

describe('float-for-money (SQL side)', () => {
  it('reports real/double precision money columns, not rates, counts or numeric ones', () => {
    const text = [
      'create table invoices (',
      '  id bigint primary key,',
      '  amount double precision not null,',
      '  price_usd real,',
      '  tax_rate double precision,',
      '  fee float8 default 0.05,',
      '  total numeric(19, 4),',
      '  score float8',
      ');',
    ].join('\n');
    const map = { [M]: text };
    const f = findingsOf(map, 'float-for-money');
    assert.deepEqual(f.map((x) => x.subject.column), ['amount', 'price_usd']);
    assert.equal(textAt(text, f[0]), 'amount');
    assert.match(f[0].message, /`invoices.amount` stores money in `double precision`/);
    const next = afterFix(map, f[0]);
    assert.deepEqual(findingsOf(next, 'float-for-money').map((x) => x.subject.column), ['price_usd']);
    assert.match((f[0].fixes[0].fileOperations![0] as { content: string }).content, /^ALTER TABLE invoices ALTER COLUMN amount TYPE numeric\(19, 4\);/);
  });

  it('reports a column added later at its ADD COLUMN', () => {
    const text = 'create table wallets (id int primary key);\nalter table wallets add column balance float;';
    const f = findingsOf({ [M]: text }, 'float-for-money');
    assert.equal(f.length, 1);
    assert.equal(textAt(text, f[0]), 'balance');
  });
});

describe('plaintext-secret (SQL side)', () => {
  it('reports credentials in text columns with the same exceptions as for fields', () => {
    const text = [
      'create table api_keys (id uuid primary key, api_key text not null, key_hash text, api_key_id uuid);',
      'create table users (id uuid primary key, password varchar(60), reset_token text);',
      'create table verification_tokens (identifier text, token text, expires timestamptz);',
      'create table push_tokens (id uuid primary key, token text);',
      'create table integrations (id uuid primary key, refresh_token bytea, access_token text);',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'plaintext-secret');
    assert.deepEqual(
      f.map((x) => `${x.subject.table}.${x.subject.column}`),
      ['api_keys.api_key', 'users.reset_token', 'integrations.access_token'],
    );
    assert.equal(f[0].severity, 'info');
    assert.equal(textAt(text, f[0]), 'api_key');
  });

  it('skips platform schemas (auth.users is Supabase\'s)', () => {
    assert.equal(findingsOf({ [M]: 'create schema if not exists auth;\ncreate table auth.users (id uuid primary key, encrypted_password text, confirmation_token text);' }, 'plaintext-secret').length, 0);
  });
});

describe('missing-updated-at (SQL side)', () => {
  const base = [
    'create table posts (',
    '  id uuid primary key,',
    '  created_at timestamptz not null default now(),',
    '  updated_at timestamptz not null default now()',
    ');',
    'create table notes (id uuid primary key, created_at timestamptz, updated_at timestamptz);',
  ].join('\n');

  it('reports an updated_at no trigger maintains and a created_at without default, with fixes that resolve them', () => {
    const map = { [M]: base };
    const f = findingsOf(map, 'missing-updated-at');
    assert.deepEqual(f.map((x) => `${x.subject.table}.${x.subject.column}`), ['posts.updated_at', 'notes.created_at', 'notes.updated_at']);
    assert.equal(textAt(base, f[0]), 'updated_at');
    assert.match(f[0].message, /no trigger of the migrations sets it on UPDATE/);
    let next = afterFix(map, f[0]);
    const trig = Object.entries(next).find(([p]) => !(p in map))![1];
    assert.match(trig, /CREATE FUNCTION set_updated_at\(\) RETURNS trigger LANGUAGE plpgsql SET search_path = '' AS \$\$\nBEGIN\n {2}NEW\.updated_at := now\(\);/);
    assert.match(trig, /CREATE TRIGGER set_posts_updated_at BEFORE UPDATE ON posts\n {2}FOR EACH ROW EXECUTE FUNCTION set_updated_at\(\);/);
    assert.deepEqual(findingsOf(next, 'missing-updated-at').map((x) => `${x.subject.table}.${x.subject.column}`), ['notes.created_at', 'notes.updated_at']);
    // The second trigger reuses the function the first fix made.
    const second = findingsOf(next, 'missing-updated-at')[1];
    const op = second.fixes[0].fileOperations![0] as { content: string };
    assert.doesNotMatch(op.content, /CREATE FUNCTION/);
    assert.match(op.content, /EXECUTE FUNCTION set_updated_at\(\)/);
    next = afterFix(next, second);
    next = afterFix(next, findingsOf(next, 'missing-updated-at')[0]);
    assert.deepEqual(findingsOf(next, 'missing-updated-at'), []);
  });

  it('accepts a trigger whose function sets NEW.updated_at, moddatetime, and a created_at set by a trigger', () => {
    const own = `${base}\ncreate function touch() returns trigger language plpgsql as $$ begin new.updated_at = now(); if tg_op = 'INSERT' then new.created_at = now(); end if; return new; end $$;\ncreate trigger t before insert or update on notes for each row execute function touch();\ncreate extension if not exists moddatetime schema extensions;\ncreate trigger m before update on posts for each row execute procedure extensions.moddatetime (updated_at);`;
    assert.deepEqual(findingsOf({ [M]: own }, 'missing-updated-at'), []);
  });

  it('leaves Prisma Migrate migrations alone (Prisma Client sets @updatedAt)', () => {
    assert.equal(findingsOf({ 'prisma/migrations/1_init/migration.sql': 'CREATE TABLE "Post" ("id" TEXT PRIMARY KEY, "updatedAt" TIMESTAMP(3) NOT NULL);' }, 'missing-updated-at').length, 0);
  });
});

describe('the new-migration fixes in PostgreSQL', () => {
  const rules = ['set-null-on-required', 'cascade-deletes-history', 'float-for-money', 'missing-updated-at'];
  const schema = [
    'create table coupons (id uuid primary key, price_usd real);',
    'create table coupon_redemptions (',
    '  id uuid primary key,',
    '  coupon_id uuid not null references coupons (id) on delete set null,',
    '  user_id uuid not null references auth.users (id) on delete cascade,',
    '  created_at timestamptz,',
    '  updated_at timestamptz not null default now()',
    ');',
  ].join('\n');

  it('of one audit never share a version: applied together (copied from a report), they run as separate migrations', async () => {
    // The last migration is at 23:59:59: the next versions are valid timestamps of the next day.
    const last = 'supabase/migrations/20240101235959_init.sql';
    const first = auditSql({ [last]: schema }, { supabase: true });
    const creates = first.findings
      .filter((x) => [...rules, 'missing-fk-index'].includes(x.rule))
      .map((x) => (x.fixes.find((fx) => fx.isPreferred && fx.fileOperations?.length) ?? x.fixes.find((fx) => fx.fileOperations?.length))?.fileOperations?.[0] as { file: string; content: string } | undefined)
      .filter((op): op is { file: string; content: string } => !!op);
    assert.ok(creates.length >= 4, String(creates.length));
    const versions = creates.map((op) => /(\d+)_[^/]*$/.exec(op.file)![1]);
    assert.equal(new Set(versions).size, versions.length, versions.join(' '));
    assert.deepEqual([...versions].sort().slice(0, 2), ['20240102000000', '20240102000001']);
    const map = { [last]: schema, ...Object.fromEntries(creates.map((op) => [op.file, op.content])) };
    const after = auditSql(map, { supabase: true });
    assert.deepEqual(after.findings.filter((x) => x.rule === 'duplicate-migration-version' || x.rule === 'migration-order' || x.rule === 'sql-syntax-error').map((x) => x.message), []);
    const outcome = await runReplay(replayPlan(after.sql!));
    assert.equal(outcome.failure, undefined, JSON.stringify(outcome.failure));
    assert.equal(outcome.applied, creates.length + 1);
  });

  it('run in an embedded PostgreSQL one after another (as an editor user applies them) and leave none of their findings', async () => {
    let map: Record<string, string> = { [M]: schema };
    for (let applied = 0; ; applied++) {
      assert.ok(applied < 20, 'the fixes converge');
      const f = auditSql(map, { supabase: true }).findings.find((x) => rules.includes(x.rule) && x.fixes.length);
      if (!f) break;
      map = afterFix(map, f);
    }
    assert.equal(Object.keys(map).length, 6, 'five fixes, each a new migration');
    const first = auditSql(map, { supabase: true });
    const outcome = await runReplay(replayPlan(first.sql!));
    assert.equal(outcome.failure, undefined, JSON.stringify(outcome.failure));
    assert.equal(outcome.stopped, undefined, JSON.stringify(outcome.stopped));
    assert.equal(outcome.applied, 6);
  });
});

describe('missing-relation (SQL side)', () => {
  const text = [
    'create table brains (brain_id uuid primary key, name text);',
    'create table notes (',
    '  id bigserial primary key,',
    '  brain_id uuid,',
    '  user_id uuid not null,',
    '  parent_note_id bigint,',
    '  entity_id uuid,',
    '  entity_type text,',
    '  brain_name_id text,',
    '  created_by_user_id uuid references auth.users',
    ');',
    'create table counters (id serial primary key, note_id int);',
  ].join('\n');

  it('reports reference columns no foreign key covers (own tables, qualified names, Supabase auth.users), not polymorphic or own ids', () => {
    const map = { [M]: text };
    const f = findingsOf(map, 'missing-relation', { supabase: true });
    assert.deepEqual(
      f.map((x) => `${x.subject.table}.${x.subject.column} → ${x.data?.references}`),
      ['notes.brain_id → brains.brain_id', 'notes.user_id → auth.users.id', 'notes.parent_note_id → notes.id'],
    );
    assert.equal(textAt(text, f[0]), 'brain_id');
    assert.equal(f[0].severity, 'warning');
    // int4 (`integer`) does not reference a bigserial (int8) key; without Supabase, user_id names no table.
    const plain = { 'db/migrations/001_init.sql': text.replace(' references auth.users', '') };
    assert.deepEqual(findingsOf(plain, 'missing-relation').map((x) => x.subject.column), ['brain_id', 'parent_note_id']);
  });

  it('its fix adds the foreign key NOT VALID then VALIDATE, which resolves it and runs in PostgreSQL', async () => {
    let map: Record<string, string> = { [M]: text };
    for (let i = 0; i < 3; i++) map = afterFix(map, findingsOf(map, 'missing-relation', { supabase: true })[0]);
    assert.deepEqual(findingsOf(map, 'missing-relation', { supabase: true }), []);
    const added = Object.keys(map).filter((p) => p !== M).map((p) => map[p]);
    assert.match(added[0], /ALTER TABLE notes ADD CONSTRAINT notes_brain_id_fkey FOREIGN KEY \(brain_id\) REFERENCES brains \(brain_id\) NOT VALID;\nALTER TABLE notes VALIDATE CONSTRAINT notes_brain_id_fkey;/);
    assert.match(added[1], /REFERENCES auth\.users \(id\) NOT VALID/);
    const outcome = await runReplay(replayPlan(auditSql(map, { supabase: true }).sql!));
    assert.equal(outcome.failure, undefined, JSON.stringify(outcome.failure));
    assert.equal(outcome.applied, 4);
  });

  it('a lineage qualifier before the end of the table\'s own name refers to the table itself (ai_sessions.parent_session_id)', () => {
    const sql = 'create table sessions (id uuid primary key);\ncreate table ai_sessions (id uuid primary key, parent_session_id uuid, session_id uuid);\n';
    assert.deepEqual(
      findingsOf({ [M]: sql }, 'missing-relation').map((x) => `${x.subject.column} → ${x.data?.references}`),
      ['parent_session_id → ai_sessions.id', 'session_id → sessions.id'],
    );
    // Not the own table's key type: nothing (rather than a foreign key to sessions).
    assert.deepEqual(findingsOf({ [M]: sql.replace('ai_sessions (id uuid', 'ai_sessions (id bigint') }, 'missing-relation').map((x) => x.subject.column), ['session_id']);
  });

  it('leaves tables that are Prisma models to the schema side', () => {
    const sql = { 'prisma/migrations/1_init/migration.sql': 'CREATE TABLE "User" ("id" TEXT PRIMARY KEY);\nCREATE TABLE "Post" ("id" TEXT PRIMARY KEY, "userId" TEXT);' };
    const prisma = { 'schema.prisma': 'datasource db {\n  provider = "postgresql"\n}\nmodel User {\n  id String @id\n}\nmodel Post {\n  id String @id\n  userId String?\n}\n' };
    const f = findingsOf(sql, 'missing-relation', { prisma });
    assert.deepEqual(f.map((x) => x.file), ['schema.prisma']);
    assert.deepEqual(findingsOf(sql, 'missing-relation').map((x) => x.subject), [{ table: 'Post', column: 'userId' }]);
  });
});

describe('string-enum-candidate (SQL side)', () => {
  it('reports a status-like text column with a string default that nothing constrains (info), not checked, keyed or free-text ones', () => {
    const text = [
      'create table posts (',
      '  id uuid primary key,',
      "  status text not null default 'draft',",
      "  visibility varchar(20) default 'private'::character varying,",
      "  kind text default 'note' check (kind in ('note', 'link')),",
      "  mime_type text default 'text/plain',",
      "  role text default 'member' unique,",
      '  priority text',
      ');',
      "alter table posts add column plan text default 'free';",
      "alter table posts add constraint plan_ok check (plan = any (array['free', 'pro']));",
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'string-enum-candidate');
    assert.deepEqual(f.map((x) => `${x.subject.column}=${x.data?.default}`), ['status=draft', 'visibility=private']);
    assert.equal(f[0].severity, 'info');
    assert.equal(textAt(text, f[0]), 'status');
    assert.match(f[0].message, /`posts.status` is free text with the default 'draft'/);
    assert.deepEqual(f[0].fixes, []);
  });

  it('reads a comment that lists the values (trailing, or on the lines right above), whatever the name', () => {
    const text = [
      'create table billing (',
      '  id uuid primary key,',
      "  status varchar(20) default 'pending', -- 'pending', 'invoiced', 'paid'",
      '  -- one of: seats_updated, member_licensed, member_unlicensed',
      '  action text not null,',
      "  channel text default 'x--y', -- e.g. 'email' or 'sms'",
      // Free text by its name, whatever its comment says.
      "  note text -- 'late' or 'early'",
      ');',
    ].join('\n');
    const f = findingsOf({ [M]: text }, 'string-enum-candidate');
    assert.deepEqual(
      f.map((x) => [x.subject.column, x.severity, x.data?.values]),
      [
        ['status', 'warning', 'pending, invoiced, paid'],
        ['action', 'warning', 'seats_updated, member_licensed, member_unlicensed'],
        ['channel', 'info', 'email, sms'],
      ],
    );
    assert.match(f[0].message, /add `CHECK \(status IN \('pending', 'invoiced', 'paid'\)\)`|Add `CHECK \(status IN \('pending', 'invoiced', 'paid'\)\)`/);
  });
});
