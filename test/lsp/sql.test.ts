/**
 * LSP protocol tests on SQL migrations: diagnostics for migration files (open and closed), a fix that
 * creates a file (CreateFile + content) and multi-root workspaces.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CreateFile, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { LspClient, uriOf } from './client';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function workspace(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'si-lsp-sql-'));
  dirs.push(d);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(d, rel, '..'), { recursive: true });
    writeFileSync(join(d, rel), text);
  }
  return d;
}

const INIT = `CREATE TABLE "Todo" (
  "id" TEXT NOT NULL,
  "title" TEXT NOT NULL,
  CONSTRAINT "Todo_pkey" PRIMARY KEY ("id")
);
`;

test('migrations: closed files are audited at startup; an edit to an open migration re-audits; a rollback fix creates down.sql', async () => {
  const ws = workspace({
    'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel Todo {\n  id    String @id\n  title String\n}\n',
    'prisma/migrations/20240101000000_init/migration.sql': INIT,
  });
  const mig = join(ws, 'prisma/migrations/20240101000000_init/migration.sql');
  const c = new LspClient();
  try {
    await c.initialize({ folders: [ws], initializationOptions: { debounceMs: 0 } });
    const ds = await c.waitForDiagnostics(mig, (d) => d.some((x) => x.code === 'missing-rollback'));
    const rollback = ds.find((x) => x.code === 'missing-rollback')!;

    c.open(mig, INIT);
    await c.waitForDiagnostics(mig, (_d, p) => p.version === 1);
    const acts = await c.codeActions(mig, rollback.range);
    const gen = acts.find((a) => /rollback/i.test(a.title) && a.edit?.documentChanges?.some((x) => 'kind' in x && x.kind === 'create'));
    assert.ok(gen, acts.map((a) => a.title).join('\n'));
    const dc = gen.edit!.documentChanges!;
    const create = dc.find((x): x is CreateFile => 'kind' in x && x.kind === 'create')!;
    assert.match(create.uri, /20240101000000_init\/down\.sql$/);
    const content = dc.find((x): x is TextDocumentEdit => 'textDocument' in x && x.textDocument.uri === create.uri)!;
    assert.equal(content.textDocument.version, null);
    assert.match(content.edits[0].newText, /DROP TABLE (IF EXISTS )?"Todo"/);

    // The exported report carries the migration inventory, with root-relative paths.
    const md = (await c.conn.sendRequest('schemaInsight/report', { format: 'markdown' })) as { content: string };
    assert.match(md.content, /## Migration inventory/);
    assert.match(md.content, /`prisma\/migrations\/20240101000000_init\/migration\.sql`/);

    // A syntax error in the open migration is reported there, with the SQL rule id.
    const v = c.change(mig, INIT + '\nCREATE TABLE oops (;\n');
    const ds2 = await c.waitForDiagnostics(mig, (_d, p) => p.version === v);
    assert.ok(ds2.some((d) => d.code === 'sql-syntax-error'), JSON.stringify(ds2.map((d) => d.code)));
    // Ignore for this line in SQL uses `--`.
    const err = ds2.find((d) => d.code === 'sql-syntax-error')!;
    const ign = (await c.codeActions(mig, err.range)).find((a) => a.title === 'Ignore sql-syntax-error for this line');
    assert.ok(ign);
    const edit = (ign.edit!.documentChanges![0] as TextDocumentEdit).edits[0];
    assert.equal(edit.newText, '-- schema-insight-ignore sql-syntax-error\n');
  } finally {
    await c.shutdown();
  }
});

test('multi-root: every workspace folder is audited', async () => {
  const schema = (m: string) =>
    `datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel ${m} {\n  id    Int    @id\n  items ${m}Item[]\n}\n\nmodel ${m}Item {\n  id    Int @id\n  owner ${m} @relation(fields: [ownerId], references: [id])\n  ownerId Int\n}\n`;
  const a = workspace({ 'prisma/schema.prisma': schema('Alpha') });
  const b = workspace({ 'db/schema.prisma': schema('Beta') });
  const c = new LspClient();
  try {
    await c.initialize({ folders: [a, b], initializationOptions: { debounceMs: 0 } });
    const da = await c.waitForDiagnostics(join(a, 'prisma/schema.prisma'), (d) => d.some((x) => x.code === 'missing-fk-index'));
    const db = await c.waitForDiagnostics(join(b, 'db/schema.prisma'), (d) => d.some((x) => x.code === 'missing-fk-index'));
    assert.match(da.find((x) => x.code === 'missing-fk-index')!.message, /AlphaItem/);
    assert.match(db.find((x) => x.code === 'missing-fk-index')!.message, /BetaItem/);
    // Removing a folder clears its diagnostics.
    void c.conn.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: uriOf(b), name: 'b' }] } });
    await c.waitForDiagnostics(join(b, 'db/schema.prisma'), (d) => d.length === 0);
  } finally {
    await c.shutdown();
  }
});

test('settings change at run time: disabling clears the diagnostics, enabling brings them back', async () => {
  const ws = workspace({
    'prisma/schema.prisma':
      'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel A {\n  id Int @id\n  bs B[]\n}\n\nmodel B {\n  id  Int @id\n  a   A   @relation(fields: [aId], references: [id])\n  aId Int\n}\n',
  });
  const schema = join(ws, 'prisma/schema.prisma');
  const c = new LspClient();
  try {
    await c.initialize({ folders: [ws], initializationOptions: { debounceMs: 0 } });
    await c.waitForDiagnostics(schema, (d) => d.some((x) => x.code === 'missing-fk-index'));
    let n = c.publications.length;
    void c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { schemaInsight: { enable: false } } });
    await c.waitForDiagnostics(schema, (d) => d.length === 0, n);
    n = c.publications.length;
    void c.conn.sendNotification('workspace/didChangeConfiguration', { settings: { schemaInsight: { enable: true, rules: { 'missing-fk-index': 'error' } } } });
    const ds = await c.waitForDiagnostics(schema, (d) => d.length > 0, n);
    assert.equal(ds.find((x) => x.code === 'missing-fk-index')?.severity, 1);
  } finally {
    await c.shutdown();
  }
});

test('schema-insight.json changes (file watching) re-configure the audit; a duplicate version offers a RenameFile fix', async () => {
  const ws = workspace({
    'prisma/schema.prisma':
      'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel A {\n  id Int @id\n  bs B[]\n}\n\nmodel B {\n  id  Int @id\n  a   A   @relation(fields: [aId], references: [id])\n  aId Int\n}\n',
    'prisma/migrations/20240101000000_a/migration.sql': 'CREATE TABLE "A" ("id" INTEGER NOT NULL, CONSTRAINT "A_pkey" PRIMARY KEY ("id"));\n',
    'prisma/migrations/20240101000000_b/migration.sql': 'CREATE TABLE "B" ("id" INTEGER NOT NULL, "aId" INTEGER NOT NULL, CONSTRAINT "B_pkey" PRIMARY KEY ("id"));\n',
  });
  const schema = join(ws, 'prisma/schema.prisma');
  const c = new LspClient();
  try {
    await c.initialize({ folders: [ws], initializationOptions: { debounceMs: 0 } });
    await c.waitForDiagnostics(schema, (d) => d.some((x) => x.code === 'missing-fk-index'));
    const dup = await c.waitFor('a duplicate-migration-version diagnostic', () => {
      for (const [uri, p] of c.latest) {
        const d = p.diagnostics.find((x) => x.code === 'duplicate-migration-version');
        if (d) return { uri, d };
      }
      return null;
    });
    const path = decodeURIComponent(new URL(dup.uri).pathname);
    c.open(path, readFileSync(path, 'utf8'));
    const acts = await c.codeActions(path, dup.d.range);
    const rename = acts.flatMap((a) => a.edit?.documentChanges ?? []).find((x) => 'kind' in x && x.kind === 'rename');
    assert.ok(rename, acts.map((a) => a.title).join('\n'));

    writeFileSync(join(ws, 'schema-insight.json'), JSON.stringify({ rules: { 'missing-fk-index': 'off' } }));
    const n = c.publications.length;
    void c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(ws, 'schema-insight.json')), type: 1 }] });
    await c.waitForDiagnostics(schema, (d) => !d.some((x) => x.code === 'missing-fk-index'), n);
  } finally {
    await c.shutdown();
  }
});

test("a Prisma migration set locked to MySQL is not parsed as PostgreSQL; editing its migration_lock.toml re-audits it", async () => {
  const migration = 'CREATE TABLE `User` (\n  `id` INTEGER NOT NULL AUTO_INCREMENT,\n  PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4;\n';
  const ws = workspace({
    'prisma/migrations/20240101000000_init/migration.sql': migration,
    'prisma/migrations/migration_lock.toml': '# Please do not edit this file manually\nprovider = "mysql"\n',
  });
  const file = join(ws, 'prisma/migrations/20240101000000_init/migration.sql');
  const c = new LspClient();
  try {
    await c.initialize({ folders: [ws], initializationOptions: { debounceMs: 0 } });
    c.open(file, migration, 'sql');
    await c.waitForDiagnostics(file, (d) => d.length === 0);
    // The exported report does not list it as audited.
    const report = JSON.parse(((await c.conn.sendRequest('schemaInsight/report', { format: 'json' })) as { content: string }).content) as { files: Array<{ path: string }> };
    assert.deepEqual(report.files, []);
    // The lock now says PostgreSQL: the same file is audited, and MySQL's backticks are a syntax error.
    writeFileSync(join(ws, 'prisma/migrations/migration_lock.toml'), 'provider = "postgresql"\n');
    const n = c.publications.length;
    void c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(ws, 'prisma/migrations/migration_lock.toml')), type: 2 }] });
    await c.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'sql-syntax-error'), n);
  } finally {
    await c.shutdown();
  }
});

test("Supabase: editing supabase/config.toml's [api] schemas re-audits the exposed tables", async () => {
  const migration = 'create schema api;\ncreate table api.orders (id int primary key);\nalter table api.orders enable row level security;\ncreate table api.items (id int primary key);\n';
  const ws = workspace({
    'supabase/migrations/20240101000000_init.sql': migration,
    'supabase/config.toml': '[api]\nschemas = ["public", "graphql_public"]\n',
  });
  const file = join(ws, 'supabase/migrations/20240101000000_init.sql');
  const c = new LspClient();
  try {
    await c.initialize({ folders: [ws], initializationOptions: { debounceMs: 0 } });
    c.open(file, migration, 'sql');
    await c.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'missing-rollback') && !d.some((x) => x.code === 'rls-disabled'));
    writeFileSync(join(ws, 'supabase/config.toml'), '[api]\nschemas = ["public", "graphql_public", "api"]\n');
    const n = c.publications.length;
    void c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(join(ws, 'supabase/config.toml')), type: 2 }] });
    const d = await c.waitForDiagnostics(file, (d) => d.some((x) => x.code === 'rls-disabled'), n);
    assert.deepEqual(d.filter((x) => x.code === 'rls-disabled').map((x) => x.range.start.line), [3]);
  } finally {
    await c.shutdown();
  }
});

