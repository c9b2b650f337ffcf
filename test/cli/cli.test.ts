import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { corpusRoot } from '../helpers/corpus';

const ROOT = resolve(__dirname, '../..');
const CLI = join(ROOT, 'dist/cli.js');
const EXAMPLE = join(ROOT, 'examples/saas');

function cli(args: string[], cwd = ROOT) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', maxBuffer: 256 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const pos = (p: unknown) => {
  const o = p as { line: number; character: number };
  assert.ok(Number.isInteger(o.line) && o.line >= 0 && Number.isInteger(o.character) && o.character >= 0, JSON.stringify(p));
};

/** Checks the documented JSON contract; returns the parsed output. */
function checkContract(stdout: string) {
  const out = JSON.parse(stdout);
  assert.deepEqual(Object.keys(out).slice(0, 5), ['tool', 'root', 'files', 'findings', 'summary']);
  assert.equal(out.tool.name, 'schema-insight');
  assert.equal(typeof out.tool.version, 'string');
  assert.equal(typeof out.root, 'string');
  for (const f of out.files) {
    assert.equal(typeof f.path, 'string');
    assert.ok(!f.path.includes('\\') && !f.path.startsWith('/'), f.path);
    assert.equal(typeof f.kind, 'string');
  }
  const counts = { error: 0, warning: 0, info: 0, hint: 0 } as Record<string, number>;
  for (const f of out.findings) {
    for (const k of ['rule', 'severity', 'priority', 'message', 'file', 'range', 'subject', 'fixes']) assert.ok(k in f, `finding without ${k}`);
    assert.match(f.rule, /^[a-z0-9-]+$/);
    assert.ok(['error', 'warning', 'info', 'hint'].includes(f.severity));
    assert.equal(f.priority, f.severity === 'error' ? 'P1' : f.severity === 'warning' ? 'P2' : 'P3');
    assert.ok(!f.file.startsWith('/') && !f.file.includes('\\'), f.file);
    pos(f.range.start);
    pos(f.range.end);
    assert.equal(typeof f.subject, 'object');
    for (const fix of f.fixes) {
      assert.equal(typeof fix.title, 'string');
      for (const e of fix.edits) {
        assert.equal(typeof e.file, 'string');
        pos(e.range.start);
        pos(e.range.end);
        assert.equal(typeof e.newText, 'string');
      }
    }
    counts[f.severity]++;
  }
  assert.deepEqual(out.summary, counts);
  return out;
}

test('the example project: every rule family fires, JSON follows the contract, report written', () => {
  assert.ok(existsSync(CLI), 'dist/cli.js missing: run node esbuild.mjs');
  const dir = mkdtempSync(join(tmpdir(), 'si-cli-'));
  const report = join(dir, 'audit-report.md');
  const r = cli(['audit', EXAMPLE, '--format', 'json', '--report', report, '--fail-on', 'never']);
  assert.equal(r.code, 0, r.stderr);
  const out = checkContract(r.stdout);
  const rules = new Set(out.findings.map((f: { rule: string }) => f.rule));
  for (const id of ['missing-fk-index', 'redundant-index', 'missing-relation', 'missing-primary-key', 'set-null-on-required', 'string-enum-candidate', 'rls-disabled', 'duplicate-migration-version', 'sql-syntax-error', 'schema-drift', 'unused-ignore', 'query-index-missing']) {
    assert.ok(rules.has(id), `example has no ${id} finding`);
  }
  const sql = out.findings.filter((f: { file: string }) => f.file.endsWith('.sql'));
  assert.ok(sql.length > 0 && sql.every((f: { migration?: string }) => typeof f.migration === 'string'));
  const md = readFileSync(report, 'utf8');
  assert.match(md, /Executive summary/);
  assert.match(md, /Migration inventory/);
});

test('migrations named on the command line are audited with their rollback scripts on disk (no missing-rollback for one that exists)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-files-'));
  const put = (p: string, text: string) => {
    mkdirSync(join(dir, p, '..'), { recursive: true });
    writeFileSync(join(dir, p), text);
  };
  put('prisma/migrations/20240101000000_init/migration.sql', 'CREATE TABLE a (id int PRIMARY KEY);\n');
  put('prisma/migrations/20240101000000_init/down.sql', 'DROP TABLE a;\n');
  put('db/001_b.sql', 'CREATE TABLE b (id int PRIMARY KEY);\n');
  put('db/001_b.down.sql', 'DROP TABLE b;\n');
  put('db/002_c.sql', 'CREATE TABLE c (id int PRIMARY KEY);\n');
  put('db/rollback/002_c.sql', 'DROP TABLE c;\n');
  put('db/003_d.sql', 'CREATE TABLE d (id int PRIMARY KEY);\n');
  put('db/004_e.down.sql', 'DROP TABLE e;\n');
  const given = ['prisma/migrations/20240101000000_init/migration.sql', 'db/001_b.sql', 'db/002_c.sql', 'db/003_d.sql'];
  const r = cli(['audit', ...given, '--format', 'json', '--fail-on', 'never'], dir);
  assert.equal(r.code, 0, r.stderr);
  const out = checkContract(r.stdout);
  const missing = out.findings.filter((f: { rule: string }) => f.rule === 'missing-rollback').map((f: { file: string }) => f.file);
  assert.deepEqual(missing, ['db/003_d.sql']);
  assert.deepEqual(
    out.files.map((f: { path: string }) => f.path).sort(),
    [...given, 'prisma/migrations/20240101000000_init/down.sql', 'db/001_b.down.sql', 'db/rollback/002_c.sql'].sort(),
  );
});

test('a MySQL project: its Prisma migrations are not parsed as PostgreSQL, and the CLI says so', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-mysql-'));
  mkdirSync(join(dir, 'prisma/migrations/20240101000000_init'), { recursive: true });
  writeFileSync(join(dir, 'prisma/schema.prisma'), 'datasource db {\n  provider = "mysql"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id Int @id @default(autoincrement())\n}\n');
  writeFileSync(join(dir, 'prisma/migrations/20240101000000_init/migration.sql'), 'CREATE TABLE `User` (\n  `id` INTEGER NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4;\n');
  const r = cli(['audit', dir, '--format', 'json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).findings, []);
  assert.match(r.stderr, /note: prisma\/schema\.prisma: 1 migration file is not audited: it is written for mysql/);
  // The migrations folder alone: its migration_lock.toml says which database it was written for.
  writeFileSync(join(dir, 'prisma/migrations/migration_lock.toml'), '# Please do not edit this file manually\nprovider = "mysql"\n');
  const alone = cli(['audit', join(dir, 'prisma/migrations'), '--format', 'text', '--no-color']);
  assert.equal(alone.code, 0, alone.stderr);
  assert.match(alone.stdout, /No findings \(no files audited\)/);
  assert.match(alone.stderr, /1 migration file is not audited: it is written for mysql/);
});

test("Supabase: the schemas supabase/config.toml's [api] exposes are audited for RLS like public", () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-supa-'));
  mkdirSync(join(dir, 'supabase/migrations'), { recursive: true });
  writeFileSync(join(dir, 'supabase/migrations/20240101000000_init.sql'), 'create schema api;\ncreate table api.orders (id int primary key);\ncreate table private.keys (id int primary key);\n');
  const rls = () => {
    const r = cli(['audit', dir, '--format', 'json']);
    return JSON.parse(r.stdout).findings.filter((f: { rule: string }) => f.rule === 'rls-disabled').map((f: { message: string }) => f.message);
  };
  assert.deepEqual(rls(), []);
  writeFileSync(join(dir, 'supabase/config.toml'), 'project_id = "x"\n\n[api]\nenabled = true\nschemas = ["public", "graphql_public", "api"]\n');
  const found = rls();
  assert.equal(found.length, 1);
  assert.match(found[0], /^Table `api\.orders` is in the exposed `api` schema \(`supabase\/config\.toml` lists it/);
});

test('query-index-missing: code files of the audited folder, each with the schema of its package; build output, dependencies and bundles are not read', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-code-'));
  const schema = (model: string) => `datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel ${model} {\n  id    Int    @id\n  email String\n}\n`;
  const files: Record<string, string> = {
    'packages/db/prisma/schema.prisma': schema('Account'),
    'packages/admin/prisma/schema.prisma': schema('Staff'),
    'apps/web/src/users.ts': 'export const f = (email: string) => prisma.account.findFirst({ where: { email } });\n',
    'packages/admin/src/staff.tsx': 'export const g = (email: string) => db.staff.findMany({ where: { email } });\n// prisma.account.findFirst({ where: { email } })\n',
    'packages/admin/src/types.d.ts': 'declare const x: typeof prisma.staff.findMany({ where: { email } });\n',
    'node_modules/lib/index.js': 'prisma.account.count({ where: { email } })\n',
    'apps/web/dist/users.js': 'prisma.account.count({ where: { email } })\n',
    'apps/web/public/app.min.js': 'prisma.account.count({ where: { email } })\n',
    'apps/web/src/big.js': `prisma.account.count({ where: { email } })\n${'//'.padEnd(1100 * 1024, 'x')}\n`,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(dir, rel, '..'), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const r = cli(['audit', dir, '--format', 'json', '--fail-on', 'never']);
  assert.equal(r.code, 0, r.stderr);
  const found = checkContract(r.stdout).findings.filter((f: { rule: string }) => f.rule === 'query-index-missing');
  assert.deepEqual(
    found.map((f: { file: string; data: Record<string, string>; related: Array<{ file: string }> }) => [f.file, f.data.callSites, f.related.map((x) => x.file)]),
    [
      ['packages/admin/prisma/schema.prisma', 'packages/admin/src/staff.tsx:1', ['packages/admin/src/staff.tsx']],
      ['packages/db/prisma/schema.prisma', 'apps/web/src/users.ts:1', ['apps/web/src/users.ts']],
    ],
  );
  // Code files are read, not audited: the report's file list is the schemas.
  assert.ok(JSON.parse(r.stdout).files.every((f: { kind: string }) => f.kind === 'prisma'));
});

test('exit codes: findings at or above --fail-on → 1, below → 0, usage errors → 2', () => {
  assert.equal(cli(['audit', EXAMPLE, '--format', 'json']).code, 1);
  const clean = mkdtempSync(join(tmpdir(), 'si-clean-'));
  writeFileSync(join(clean, 'schema.prisma'), 'datasource db {\n  provider = "postgresql"\n}\n\nmodel User {\n  id String @id\n}\n');
  assert.equal(cli(['audit', clean]).code, 0);
  assert.equal(cli(['audit', EXAMPLE, '--fail-on', 'never']).code, 0);
  assert.equal(cli(['audit', EXAMPLE, '--format', 'yaml']).code, 2);
  assert.equal(cli(['audit', '/no/such/folder']).code, 2);
  assert.equal(cli(['audit', EXAMPLE, '--bogus']).code, 2);
  assert.equal(cli(['explain', 'missing-fk-index']).code, 0);
  assert.equal(cli(['explain', 'nope']).code, 2);
});

test('text output: gcc-style lines with 1-based positions and a summary line', () => {
  const r = cli(['audit', EXAMPLE, '--no-color', '--fail-on', 'never']);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0], /^[^:]+:\d+:\d+:? (error|warning|info|hint) [a-z-]+ /);
  assert.match(lines[lines.length - 1], /^\d+ findings?: \d+ errors?, \d+ warnings?, \d+ info, \d+ hints?/);
});

test('a reader that closes the pipe early (| head) ends the CLI quietly with its exit code', (t) => {
  const project = join(corpusRoot(), 'civitai__civitai');
  if (!existsSync(project)) return t.skip('corpus not found');
  // Far more output than a pipe buffers, so writes after `head` exits hit a closed pipe (EPIPE).
  for (const failOn of ['never', 'info']) {
    const r = spawnSync('bash', ['-c', `"$0" "$1" audit "$2" --no-color --fail-on ${failOn} | head -c 200 >/dev/null; exit \${PIPESTATUS[0]}`, process.execPath, CLI, project], { encoding: 'utf8' });
    assert.equal(r.stderr, '', 'no error or stack trace on a closed pipe');
    assert.equal(r.status, failOn === 'never' ? 0 : 1);
  }
});

test('configuration: --config turns rules off; an invalid config is a usage error', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-cfg-'));
  const cfg = join(dir, 'c.json');
  writeFileSync(cfg, JSON.stringify({ rules: { 'missing-fk-index': 'off', 'set-null-on-required': 'info' } }));
  const out = JSON.parse(cli(['audit', EXAMPLE, '--format', 'json', '--config', cfg, '--fail-on', 'never']).stdout);
  assert.ok(!out.findings.some((f: { rule: string }) => f.rule === 'missing-fk-index'));
  assert.ok(out.findings.filter((f: { rule: string }) => f.rule === 'set-null-on-required').every((f: { severity: string }) => f.severity === 'info'));
  writeFileSync(cfg, '{"rules": {"missing-fk-index": "loud"}}');
  assert.equal(cli(['audit', EXAMPLE, '--config', cfg]).code, 2);
  // A schema-insight.json in the project is picked up.
  const proj = mkdtempSync(join(tmpdir(), 'si-proj-'));
  mkdirSync(join(proj, 'prisma'));
  writeFileSync(join(proj, 'prisma/schema.prisma'), 'datasource db {\n  provider = "postgresql"\n}\n\nmodel A {\n  id Int @id\n  bs B[]\n}\n\nmodel B {\n  id  Int @id\n  aId Int\n  a   A   @relation(fields: [aId], references: [id])\n}\n');
  assert.ok(JSON.parse(cli(['audit', proj, '--format', 'json']).stdout).findings.some((f: { rule: string }) => f.rule === 'missing-fk-index'));
  writeFileSync(join(proj, 'schema-insight.json'), '{"rules": {"missing-fk-index": "off"}}');
  assert.ok(!JSON.parse(cli(['audit', proj, '--format', 'json']).stdout).findings.some((f: { rule: string }) => f.rule === 'missing-fk-index'));
});

test('--replay: the migrations run in the embedded PostgreSQL (worker thread); the failing statement is a finding, limits are a note', () => {
  const proj = mkdtempSync(join(tmpdir(), 'si-replay-'));
  const mig = (name: string, text: string) => {
    mkdirSync(join(proj, 'prisma/migrations', name), { recursive: true });
    writeFileSync(join(proj, 'prisma/migrations', name, 'migration.sql'), text);
  };
  mig('20240101000000_init', 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\n');
  mig('20240201000000_email', '-- AlterTable\nALTER TABLE "User" ADD COLUMN "email" TEXT;\n');
  const plain = JSON.parse(cli(['audit', proj, '--format', 'json', '--fail-on', 'never']).stdout);
  assert.ok(!plain.findings.some((f: { rule: string }) => f.rule === 'migration-replay-error'), 'no replay without --replay');
  const r = cli(['audit', proj, '--format', 'json', '--replay']);
  assert.equal(r.code, 1);
  const out = checkContract(r.stdout);
  const found = out.findings.filter((f: { rule: string }) => f.rule === 'migration-replay-error');
  assert.equal(found.length, 1);
  assert.equal(found[0].file, 'prisma/migrations/20240201000000_email/migration.sql');
  assert.equal(found[0].migration, '20240201000000_email');
  assert.equal(found[0].range.start.line, 1);
  assert.match(found[0].message, /already exists/);
  assert.match(r.stderr, /note: replayed 1 of 2 migrations in PostgreSQL 1\d\.\d+ \(PGlite [^)]+\) \(\d+\.\d s\); it fails at prisma\/migrations\/20240201000000_email\/migration\.sql:2/);
  // "replay": true in schema-insight.json does the same; an extension PGlite lacks stops it with a note.
  writeFileSync(join(proj, 'schema-insight.json'), '{"replay": true}');
  writeFileSync(join(proj, 'prisma/migrations/20240201000000_email/migration.sql'), 'CREATE EXTENSION IF NOT EXISTS postgis;\n');
  const limited = cli(['audit', proj, '--format', 'json', '--fail-on', 'error']);
  assert.equal(limited.code, 0, limited.stderr);
  assert.ok(!JSON.parse(limited.stdout).findings.some((f: { rule: string }) => f.rule === 'migration-replay-error'));
  assert.match(limited.stderr, /replayed 1 of 2 migrations .*stopped at prisma\/migrations\/20240201000000_email\/migration\.sql:1: the embedded PostgreSQL has no `postgis` extension\. This is a limit of the embedded replay, not a finding/);
  writeFileSync(join(proj, 'schema-insight.json'), '{"replay": "yes"}');
  assert.equal(cli(['audit', proj]).code, 0, 'a bad value in the project configuration is a warning');
  assert.equal(cli(['audit', proj, '--replay-timeout', '0']).code, 2);
});

test('bad input: binary and BOM files give clear findings, never a crash', () => {
  const dir = mkdtempSync(join(tmpdir(), 'si-bad-'));
  writeFileSync(join(dir, 'schema.prisma'), Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x10]));
  const r = cli(['audit', join(dir, 'schema.prisma'), '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.match(out.findings[0].message, /NUL bytes|binary/);
  // A migration that is not UTF-8 (Latin-1 bytes) is reported, and the other migrations still audited.
  mkdirSync(join(dir, 'migrations/1_latin1'), { recursive: true });
  mkdirSync(join(dir, 'migrations/2_ok'), { recursive: true });
  writeFileSync(join(dir, 'migrations/1_latin1/migration.sql'), Buffer.concat([Buffer.from("CREATE TABLE t (id int PRIMARY KEY, name text DEFAULT '"), Buffer.from([0xe9, 0xe8]), Buffer.from("');\n")]));
  writeFileSync(join(dir, 'migrations/2_ok/migration.sql'), 'ALTER TABLE t ADD COLUMN x int NOT NULL;\n');
  const m = cli(['audit', join(dir, 'migrations'), '--format', 'json', '--fail-on', 'never']);
  assert.equal(m.code, 0, m.stderr);
  const mf = JSON.parse(m.stdout).findings as Array<{ file: string; message: string; rule: string }>;
  assert.ok(mf.some((f) => f.file.includes('1_latin1') && /not valid UTF-8/.test(f.message)), JSON.stringify(mf));
  assert.ok(mf.some((f) => f.file.includes('2_ok') && f.rule === 'add-required-column'), JSON.stringify(mf));
  const bom = mkdtempSync(join(tmpdir(), 'si-bom-'));
  writeFileSync(join(bom, 'schema.prisma'), '\uFEFFdatasource db {\n  provider = "postgresql"\n}\nmodel User {\n  id    String @id\n  email String @unique\n\n  @@index([email])\n}\n');
  const b = JSON.parse(cli(['audit', bom, '--format', 'json']).stdout);
  const red = b.findings.find((f: { rule: string }) => f.rule === 'redundant-index');
  assert.ok(red);
  assert.deepEqual(red.range.start, { line: 7, character: 2 }, 'BOM must not shift positions');
});

const corpus = corpusRoot();
const projects = existsSync(corpus) ? readdirSync(corpus).filter((p) => statSync(join(corpus, p)).isDirectory()).sort() : [];

test('corpus: audit --format json of every project emits valid JSON per the contract', () => {
  assert.ok(projects.length >= 35, `corpus projects: ${projects.length}`);
  const perRule: Record<string, number> = {};
  for (const p of projects) {
    const r = cli(['audit', join(corpus, p), '--format', 'json', '--fail-on', 'never']);
    assert.equal(r.code, 0, `${p}: exit ${r.code}\n${r.stderr}`);
    assert.ok(!/internal error/.test(r.stderr), `${p}: ${r.stderr}`);
    const out = checkContract(r.stdout);
    assert.ok(out.files.length > 0, `${p}: no files found`);
    for (const f of out.findings) perRule[f.rule] = (perRule[f.rule] ?? 0) + 1;
  }
  console.log(`# corpus findings per rule: ${JSON.stringify(perRule)}`);
});
