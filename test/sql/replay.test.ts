import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { audit, type AuditInput } from '../../server/src/analysis/engine';
import { ensureSqlParser } from '../../server/src/analysis/sql/parse';
import { environmentLimit, replayPlan } from '../../server/src/analysis/sql/replay';
import { replayMigrations, runReplay } from '../../server/src/project/replay';
import type { SourceFile } from '../../server/src/analysis/types';
import { rulesRun } from '../../server/src/report/model';

// migration-replay-error: the migrations run in PGlite (a real PostgreSQL 18 in WebAssembly).

before(async () => {
  await ensureSqlParser();
});

async function replayAudit(sqlFiles: SourceFile[], extra: Partial<AuditInput> = {}) {
  const input: AuditInput = { prismaFiles: [], sqlFiles, ...extra };
  const first = audit(input);
  assert.ok(first.sql, 'a migration project');
  const outcome = await runReplay(replayPlan(first.sql));
  const result = audit({ ...input, replay: outcome });
  return { outcome, findings: result.findings.filter((f) => f.rule === 'migration-replay-error'), result };
}

const prisma = (name: string, text: string): SourceFile => ({ path: `prisma/migrations/${name}/migration.sql`, text });
const supabase = (name: string, text: string): SourceFile => ({ path: `supabase/migrations/${name}.sql`, text });

test('replay: a Supabase policy comparing text with auth.uid() fails where PostgreSQL says, with its hint', async () => {
  const text =
    'CREATE TABLE profiles (id uuid PRIMARY KEY, owner_id text NOT NULL);\n' +
    'ALTER TABLE profiles ENABLE ROW LEVEL SECURITY;\n' +
    'CREATE POLICY "own profile" ON profiles FOR SELECT TO authenticated USING (owner_id = (select auth.uid()));\n';
  const { outcome, findings } = await replayAudit([supabase('20240101000000_profiles', text)], { hints: { supabase: true } });
  assert.equal(outcome.applied, 0);
  assert.equal(outcome.failure?.code, '42883');
  assert.equal(findings.length, 1);
  const f = findings[0];
  assert.equal(f.severity, 'error');
  assert.equal(f.range.start.line, 2);
  assert.equal(f.migration, '20240101000000_profiles.sql');
  assert.match(f.message, /operator does not exist: text = uuid/);
  assert.match(f.message, /PostgreSQL 18/);
  assert.match(f.message, /Hint: /);
});

test('replay: the Supabase objects (roles, auth, storage, extensions schema) exist, so a correct project replays to its end', async () => {
  const text =
    'CREATE TABLE public.profiles (id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE, avatar text, created_at timestamptz DEFAULT now());\n' +
    'ALTER TABLE public.profiles ENABLE ROW LEVEL SECURITY;\n' +
    'CREATE POLICY "own" ON public.profiles FOR ALL TO authenticated USING (id = (select auth.uid())) WITH CHECK (id = (select auth.uid()));\n' +
    'GRANT SELECT ON public.profiles TO anon, authenticated, service_role;\n' +
    "INSERT INTO storage.buckets (id, name, public) VALUES ('avatars', 'avatars', true);\n" +
    "CREATE POLICY \"avatar upload\" ON storage.objects FOR INSERT TO authenticated WITH CHECK (bucket_id = 'avatars' AND (storage.foldername(name))[1] = (select auth.uid())::text);\n" +
    'CREATE TABLE public.notes (id uuid PRIMARY KEY DEFAULT extensions.uuid_generate_v4(), body text, at timestamptz DEFAULT now());\n' +
    "SELECT set_config('search_path', '', false);\n" +
    'ALTER PUBLICATION supabase_realtime ADD TABLE public.notes;\n';
  const second = 'CREATE TABLE notes_archive (id uuid PRIMARY KEY DEFAULT uuid_generate_v4(), user_email text DEFAULT auth.email());\n';
  const { outcome, findings } = await replayAudit([supabase('20240101000000_init', text), supabase('20240102000000_archive', second)], { hints: { supabase: true } });
  assert.deepEqual({ applied: outcome.applied, total: outcome.total, failure: outcome.failure, stopped: outcome.stopped }, { applied: 2, total: 2, failure: undefined, stopped: undefined });
  assert.equal(findings.length, 0);
});

test('replay: a column added twice (history edited after it ran) fails in the second migration, and nothing after it is claimed', async () => {
  const files = [
    prisma('20240101000000_init', 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n'),
    prisma('20240201000000_name', '-- AlterTable\nALTER TABLE "User" ADD COLUMN "name" TEXT;\n\n-- AlterTable\nALTER TABLE "User" ADD COLUMN "email" TEXT;\n'),
    prisma('20240301000000_later', 'CREATE INDEX "User_name_idx" ON "User"("name");\n'),
  ];
  const { outcome, findings } = await replayAudit(files);
  assert.equal(outcome.applied, 1);
  assert.equal(outcome.total, 3);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].file, 'prisma/migrations/20240201000000_name/migration.sql');
  assert.equal(findings[0].range.start.line, 4, 'at the second ALTER TABLE, found by running the rolled-back script again statement by statement');
  assert.match(findings[0].message, /column "email" of relation "User" already exists \(SQLSTATE 42701\)/);
  assert.deepEqual(findings[0].subject, {});
  assert.equal(findings[0].migration, '20240201000000_name');
});

test('replay: an error with a position is underlined at that token (offsets are UTF-16, the text has non-ASCII)', async () => {
  const text = '-- Ünïcödé comment: 😀\r\nCREATE TABLE "Café" ("id" SERIAL PRIMARY KEY, "prix" INTEGER);\r\nCREATE VIEW "Café_v" AS SELECT "prix", "montant" FROM "Café";\r\n';
  const { findings } = await replayAudit([prisma('20240101000000_init', text)]);
  assert.equal(findings.length, 1);
  const f = findings[0];
  assert.match(f.message, /column "montant" does not exist/);
  assert.equal(f.range.start.line, 2);
  const line = text.split('\r\n')[2];
  assert.equal(line.slice(f.range.start.character, f.range.end.character), '"montant"');
});

test('replay: CREATE INDEX CONCURRENTLY next to other statements fails as Prisma runs it (one transaction), alone it runs', async () => {
  const init = prisma('20240101000000_init', 'CREATE TABLE "Post" ("id" SERIAL PRIMARY KEY, "authorId" INTEGER);\n');
  const mixed = prisma('20240201000000_idx', 'ALTER TABLE "Post" ADD COLUMN "title" TEXT;\nCREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post"("authorId");\n');
  const bad = await replayAudit([init, mixed]);
  assert.equal(bad.findings.length, 1);
  assert.equal(bad.findings[0].range.start.line, 1);
  assert.match(bad.findings[0].message, /CONCURRENTLY cannot run inside a transaction block/);
  const alone = prisma('20240201000000_idx', 'CREATE INDEX CONCURRENTLY "Post_authorId_idx" ON "Post"("authorId");\n');
  const good = await replayAudit([init, alone]);
  assert.equal(good.findings.length, 0);
  assert.equal(good.outcome.applied, 2);
});

test('replay: files with their own BEGIN/COMMIT run statement by statement; session settings do not leak into the next file', async () => {
  const files = [
    { path: 'db/migrations/001_init.sql', text: "BEGIN;\nCREATE TABLE a (id int PRIMARY KEY);\nCOMMIT;\nSET search_path TO nowhere;\nSET ROLE postgres;\n" },
    { path: 'db/migrations/002_b.sql', text: 'CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a (id));\n' },
    { path: 'db/migrations/003_c.sql', text: 'BEGIN;\nINSERT INTO a VALUES (1);\nINSERT INTO b VALUES (1, 2);\nCOMMIT;\n' },
  ];
  const { outcome, findings } = await replayAudit(files);
  assert.equal(outcome.applied, 2);
  assert.equal(findings.length, 1);
  assert.equal(findings[0].file, 'db/migrations/003_c.sql');
  assert.equal(findings[0].range.start.line, 2);
  assert.match(findings[0].message, /violates foreign key constraint/);
  assert.match(findings[0].message, /Key \(a_id\)=\(2\) is not present in table "a"\./);
  assert.deepEqual(findings[0].subject, { table: 'b' });
});

test('replay: limits of the embedded database stop the replay without a finding (extension, platform schema, role, syntax error)', async () => {
  const init = prisma('20240101000000_init', 'CREATE TABLE "Place" ("id" SERIAL PRIMARY KEY);\n');
  const cases: Array<[SourceFile, RegExp]> = [
    [prisma('20240201000000_geo', 'CREATE EXTENSION IF NOT EXISTS postgis;\nALTER TABLE "Place" ADD COLUMN "at" geography(Point);\n'), /no `postgis` extension/],
    [prisma('20240201000000_cron', "SELECT cron.schedule('nightly', '0 3 * * *', 'VACUUM');\n"), /schema "cron" does not exist/],
    [prisma('20240201000000_grant', 'GRANT SELECT ON "Place" TO reporting;\n'), /role "reporting" does not exist/],
    [prisma('20240201000000_typo', 'ALTER TABLE "Place" ADD COLUMN "name" TEXT,;\n'), /syntax error \(reported as sql-syntax-error\)/],
  ];
  for (const [file, reason] of cases) {
    const { outcome, findings } = await replayAudit([init, file]);
    assert.equal(findings.length, 0, file.text);
    assert.equal(outcome.applied, 1);
    assert.equal(outcome.failure, undefined);
    assert.equal(outcome.stopped?.path, file.path);
    assert.match(outcome.stopped!.reason, reason);
  }
  // Extensions PGlite ships are loaded and created.
  const trgm = prisma('20240201000000_trgm', 'CREATE EXTENSION IF NOT EXISTS pg_trgm;\nCREATE EXTENSION IF NOT EXISTS "uuid-ossp";\nCREATE INDEX "Place_trgm" ON "Place" USING gin ((id::text) gin_trgm_ops);\nSELECT uuid_generate_v4();\n');
  const ok = await replayAudit([init, trgm]);
  assert.equal(ok.outcome.applied, 2, JSON.stringify(ok.outcome));
});

test('replay: the finding honours ignore comments and configuration', async () => {
  const files = [prisma('20240101000000_init', 'CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);\n-- schema-insight-ignore migration-replay-error known, fixed in prod by hand\nCREATE TABLE "A" ("id" INTEGER PRIMARY KEY);\n')];
  const { findings, result } = await replayAudit(files);
  assert.equal(findings.length, 0);
  assert.equal(result.findings.filter((f) => f.rule === 'unused-ignore').length, 0);
  const warned = await replayAudit([prisma('20240101000000_init', 'CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);\nCREATE TABLE "A" ("id" INTEGER PRIMARY KEY);\n')], { config: { rules: { 'migration-replay-error': 'warning' } } });
  assert.equal(warned.findings[0]?.severity, 'warning');
});

test('replay: the plan runs a file as one script (one transaction) unless it has its own BEGIN/COMMIT or is goose NO TRANSACTION; graphile-migrate and dbmate opt-outs still send one script', () => {
  const files = [
    { path: 'db/migrations/001_a.sql', text: 'CREATE TABLE a (id int);\nCREATE INDEX CONCURRENTLY a_id ON a (id);\n' },
    { path: 'db/migrations/002_b.sql', text: '-- +goose Up\n-- +goose NO TRANSACTION\nCREATE INDEX CONCURRENTLY a_id2 ON a (id);\n' },
    { path: 'db/migrations/003_c.sql', text: '--! no-transaction\nCREATE INDEX CONCURRENTLY a_id3 ON a (id);\n' },
    { path: 'db/migrations/004_d.sql', text: '-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY a_id4 ON a (id);\n-- migrate:down\nDROP INDEX a_id4;\n' },
    { path: 'db/migrations/005_e.sql', text: 'BEGIN;\nCREATE TABLE e (id int);\nCOMMIT;\n' },
  ];
  const plan = replayPlan(audit({ prismaFiles: [], sqlFiles: files }).sql!);
  assert.deepEqual(plan.steps.map((s) => s.atomic), [true, false, true, true, false]);
  assert.deepEqual(plan.steps[3].statements.map((s) => s.kind), ['IndexStmt'], 'the down section is not run');
  assert.ok(!plan.steps[3].script.includes('DROP INDEX'));
});

test('replay: environmentLimit tells platform and server limits from migration errors', () => {
  assert.match(environmentLimit({ code: '0A000', message: 'extension "postgis" is not available' })!, /cannot run this statement/);
  assert.match(environmentLimit({ code: '42704', message: 'role "supabase_read_only_user" does not exist' })!, /outside the migrations/);
  assert.match(environmentLimit({ code: '42883', message: 'function net.http_post(url => text) does not exist' })!, /hosting platform/);
  assert.match(environmentLimit({ code: '42P01', message: 'relation "vault.decrypted_secrets" does not exist' })!, /hosting platform/);
  assert.equal(environmentLimit({ code: '42P01', message: 'relation "public.orders" does not exist' }), null);
  assert.equal(environmentLimit({ code: '42883', message: 'operator does not exist: text = uuid' }), null);
  assert.equal(environmentLimit({ code: '42883', message: 'function my_helper(integer) does not exist' }), null);
  assert.equal(environmentLimit({ code: '42701', message: 'column "email" of relation "User" already exists' }), null);
});

test('replay: a statement that never ends is stopped at the time limit (worker thread), naming the migration', { skip: !existsSync(join(__dirname, '../../dist/replay-worker.js')) && 'dist/replay-worker.js not built' }, async () => {
  const files = [prisma('20240101000000_init', 'CREATE TABLE "A" ("id" INTEGER PRIMARY KEY);\n'), prisma('20240201000000_slow', 'SELECT pg_sleep(600);\n')];
  const first = audit({ prismaFiles: [], sqlFiles: files });
  const t0 = Date.now();
  // The limit counts from the start, PostgreSQL's start-up in the worker included: ~2 s on an idle
  // machine, more than 4 s under a loaded test run (the first migration then had not run yet).
  const outcome = await replayMigrations(replayPlan(first.sql!), { timeoutMs: 10_000, workerFile: join(__dirname, '../../dist/replay-worker.js') });
  assert.ok(Date.now() - t0 < 40_000);
  assert.equal(outcome.stopped?.path, files[1].path);
  assert.match(outcome.stopped!.reason, /longer than 10 s/);
  assert.equal(outcome.applied, 1);
  // The worker runs a normal replay to its end too.
  const ok = await replayMigrations(replayPlan(audit({ prismaFiles: [], sqlFiles: [files[0]] }).sql!), { workerFile: join(__dirname, '../../dist/replay-worker.js') });
  assert.deepEqual([ok.applied, ok.total, ok.failure, ok.stopped], [1, 1, undefined, undefined]);
});

test('replay: reports count migration-replay-error among the rules that ran only when the migrations were replayed', () => {
  const base = { root: '.', files: [{ path: 'prisma/migrations/1_a/migration.sql', kind: 'migration' as const }], findings: [], toolVersion: 't' };
  assert.ok(!rulesRun(base).some((r) => r.id === 'migration-replay-error'));
  assert.ok(rulesRun({ ...base, replayed: true }).some((r) => r.id === 'migration-replay-error'));
  assert.ok(rulesRun(base).some((r) => r.id === 'missing-rollback'));
});
