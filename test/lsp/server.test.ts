/**
 * LSP protocol tests: the real bundled server (`dist/server.js --stdio`) driven by a JSON-RPC client.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Diagnostic, MarkupContent, TextDocumentEdit, WorkspaceEdit } from 'vscode-languageserver-protocol';
import { applyTextEdits, editsFor, LspClient, uriOf } from './client';

const SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id      Int     @id @default(autoincrement())
  email   String  @unique
  posts   Post[]
  profile Profile?

  @@index([email])
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId Int
}

model Profile {
  id     Int  @id @default(autoincrement())
  user   User @relation(fields: [userId], references: [id])
  userId Int  @unique
}
`;

let dir: string;
const tmpDirs: string[] = [];
function workspace(files: Record<string, string>): string {
  const d = mkdtempSync(join(tmpdir(), 'si-lsp-'));
  tmpDirs.push(d);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(d, rel, '..'), { recursive: true });
    writeFileSync(join(d, rel), text);
  }
  return d;
}

before(() => {
  dir = workspace({ 'prisma/schema.prisma': SCHEMA });
});
after(() => {
  for (const d of tmpDirs) rmSync(d, { recursive: true, force: true });
});

const byRule = (ds: Diagnostic[], rule: string) => ds.filter((d) => d.code === rule);
const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle));

async function started(folders: string[], init: Record<string, unknown> = { debounceMs: 20 }) {
  const c = new LspClient();
  const res = await c.initialize({ folders, initializationOptions: init });
  return { c, res };
}

test('initialize advertises incremental sync, hover and code actions (quickfix + fixAll)', async () => {
  const { c, res } = await started([dir]);
  try {
    const caps = res.capabilities;
    assert.equal(typeof caps.textDocumentSync === 'object' && caps.textDocumentSync.change, 2);
    assert.equal(caps.hoverProvider, true);
    const kinds = typeof caps.codeActionProvider === 'object' ? caps.codeActionProvider.codeActionKinds : [];
    assert.deepEqual(kinds, ['quickfix', 'source.fixAll.schemaInsight']);
  } finally {
    await c.shutdown();
  }
});

test('startup audits the workspace from disk with progress; diagnostics carry code, href, source, severity and tags', async () => {
  const { c } = await started([dir]);
  const schema = join(dir, 'prisma/schema.prisma');
  try {
    const ds = await c.waitForDiagnostics(schema, (d) => d.length > 0);
    const fk = byRule(ds, 'missing-fk-index');
    assert.equal(fk.length, 1, JSON.stringify(ds, null, 1));
    assert.equal(fk[0].range.start.line, lineOf(SCHEMA, 'author   User'));
    assert.equal(fk[0].source, 'schema-insight');
    assert.equal(fk[0].severity, 2);
    assert.match(fk[0].codeDescription!.href, /missing-fk-index/);
    const red = byRule(ds, 'redundant-index');
    assert.equal(red.length, 1);
    assert.equal(red[0].range.start.line, lineOf(SCHEMA, '@@index([email])'));
    assert.deepEqual(red[0].tags, [1], 'redundant-index is tagged Unnecessary');
    // Profile.userId is @unique: no missing-fk-index there.
    assert.ok(!fk.some((d) => d.range.start.line === lineOf(SCHEMA, 'user   User')));
    await c.waitFor('progress end', () => c.progress.some((p) => (p as { value: { kind: string } }).value.kind === 'end'));
    const kinds = c.progress.map((p) => (p as { value: { kind: string } }).value.kind);
    assert.equal(kinds[0], 'begin');
    await c.waitFor('counts notification', () => c.notifications.find((n) => n.method === 'schemaInsight/counts'));
    const counts = c.notifications.filter((n) => n.method === 'schemaInsight/counts').pop()!.params as { total: number; warning: number };
    assert.equal(counts.total, ds.length);
  } finally {
    await c.shutdown();
  }
});

test('diagnostics follow edits: open, then fix by typing, then break again (versioned publications)', async () => {
  const { c } = await started([dir]);
  const schema = join(dir, 'prisma/schema.prisma');
  try {
    c.open(schema, SCHEMA);
    await c.waitForDiagnostics(schema, (d, p) => p.version === 1 && byRule(d, 'missing-fk-index').length === 1);
    const fixed = SCHEMA.replace('  authorId Int\n}', '  authorId Int\n\n  @@index([authorId])\n}');
    const v2 = c.change(schema, fixed);
    await c.waitForDiagnostics(schema, (d, p) => p.version === v2 && byRule(d, 'missing-fk-index').length === 0);
    // Incremental edit: delete the index line again.
    const line = lineOf(fixed, '@@index([authorId])');
    const v3 = c.changeRange(schema, { start: { line: line - 1, character: 0 }, end: { line: line + 1, character: 0 } }, '');
    const ds = await c.waitForDiagnostics(schema, (d, p) => p.version === v3);
    assert.equal(byRule(ds, 'missing-fk-index').length, 1);
  } finally {
    await c.shutdown();
  }
});

test('a burst of keystrokes runs one audit for the last version (debounce, no stale work)', async () => {
  const { c } = await started([dir], { debounceMs: 100 });
  const schema = join(dir, 'prisma/schema.prisma');
  try {
    c.open(schema, SCHEMA);
    await c.waitForDiagnostics(schema, (_d, p) => p.version === 1);
    const before = c.publications.length;
    let text = SCHEMA;
    const insertAt = SCHEMA.indexOf('  authorId Int\n}') + '  authorId Int\n'.length;
    const typed = '\n  @@index([authorId])\n';
    let v = 1;
    for (let i = 1; i <= typed.length; i++) {
      text = SCHEMA.slice(0, insertAt) + typed.slice(0, i) + SCHEMA.slice(insertAt);
      v = c.change(schema, text);
    }
    const ds = await c.waitForDiagnostics(schema, (_d, p) => p.version === v, before);
    assert.equal(byRule(ds, 'missing-fk-index').length, 0);
    const mine = c.publications.slice(before).filter((p) => p.uri === uriOf(schema));
    assert.equal(mine.length, 1, `expected one publication, got versions ${mine.map((p) => p.version).join(',')}`);
  } finally {
    await c.shutdown();
  }
});

test('a syntax error mid-typing does not clear the other findings', async () => {
  const { c } = await started([dir]);
  const schema = join(dir, 'prisma/schema.prisma');
  try {
    c.open(schema, SCHEMA);
    await c.waitForDiagnostics(schema, (d) => byRule(d, 'missing-fk-index').length === 1);
    // Half-typed field in Post.
    const broken = SCHEMA.replace('  title    String\n', '  title    String\n  publ\n');
    const v = c.change(schema, broken);
    const ds = await c.waitForDiagnostics(schema, (_d, p) => p.version === v);
    assert.ok(byRule(ds, 'prisma-syntax-error').length >= 1, JSON.stringify(ds.map((d) => d.code)));
    assert.equal(byRule(ds, 'missing-fk-index').length, 1, 'other findings survive the syntax error');
    assert.equal(byRule(ds, 'redundant-index').length, 1);
  } finally {
    await c.shutdown();
  }
});

test('quick fixes: "Add @@index" applies cleanly (versioned edit) and the finding disappears; ignore actions', async () => {
  const { c } = await started([dir]);
  const schema = join(dir, 'prisma/schema.prisma');
  try {
    c.open(schema, SCHEMA);
    const ds = await c.waitForDiagnostics(schema, (d) => byRule(d, 'missing-fk-index').length === 1);
    const fk = byRule(ds, 'missing-fk-index')[0];
    const actions = await c.codeActions(schema, fk.range, undefined, [fk]);
    const add = actions.find((a) => /Add @@index\(\[authorId\]\)/.test(a.title));
    assert.ok(add, actions.map((a) => a.title).join('\n'));
    assert.equal(add.kind, 'quickfix');
    assert.equal(add.isPreferred, true);
    assert.equal(add.diagnostics?.[0].code, 'missing-fk-index');
    const { edits, versions } = editsFor(add.edit!, uriOf(schema));
    assert.deepEqual(versions, [1], 'the edit targets the version it was computed for');
    const after = applyTextEdits(SCHEMA, edits);
    assert.match(after, /  authorId Int\n\n  @@index\(\[authorId\]\)\n\}/);
    const v = c.change(schema, after);
    const ds2 = await c.waitForDiagnostics(schema, (_d, p) => p.version === v);
    assert.equal(byRule(ds2, 'missing-fk-index').length, 0);

    // Ignore for this line: a comment with the line's indentation, and the finding is suppressed.
    const red = byRule(ds2, 'redundant-index')[0];
    const acts = await c.codeActions(schema, red.range);
    const ignoreLine = acts.find((a) => a.title === 'Ignore redundant-index for this line');
    const ignoreFile = acts.find((a) => a.title === 'Ignore redundant-index for this file');
    assert.ok(ignoreLine && ignoreFile, acts.map((a) => a.title).join('\n'));
    const withIgnore = applyTextEdits(after, editsFor(ignoreLine.edit!, uriOf(schema)).edits);
    assert.match(withIgnore, /\n  \/\/ schema-insight-ignore redundant-index\n  @@index\(\[email\]\)/);
    const v2 = c.change(schema, withIgnore);
    const ds3 = await c.waitForDiagnostics(schema, (_d, p) => p.version === v2);
    assert.equal(byRule(ds3, 'redundant-index').length, 0);
    assert.equal(byRule(ds3, 'unused-ignore').length, 0);
    const withFileIgnore = applyTextEdits(after, editsFor(ignoreFile.edit!, uriOf(schema)).edits);
    assert.ok(withFileIgnore.startsWith('// schema-insight-ignore-file redundant-index\n'));
  } finally {
    await c.shutdown();
  }
});

test('source.fixAll.schemaInsight applies every safe fix; the result has none left', async () => {
  const { c } = await started([dir]);
  const schema = join(dir, 'prisma/schema.prisma');
  try {
    c.open(schema, SCHEMA);
    await c.waitForDiagnostics(schema, (d) => d.length > 0);
    const acts = await c.codeActions(schema, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ['source.fixAll']);
    assert.equal(acts.length, 1);
    assert.equal(acts[0].kind, 'source.fixAll.schemaInsight');
    const fixed = applyTextEdits(SCHEMA, editsFor(acts[0].edit!, uriOf(schema)).edits);
    assert.ok(!fixed.includes('@@index([email])'), 'redundant index removed');
    assert.ok(fixed.includes('@@index([authorId])'), 'missing index added');
    const v = c.change(schema, fixed);
    const ds = await c.waitForDiagnostics(schema, (_d, p) => p.version === v);
    assert.equal(byRule(ds, 'missing-fk-index').length + byRule(ds, 'redundant-index').length, 0);
    const again = await c.codeActions(schema, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ['source.fixAll.schemaInsight']);
    assert.equal(again.length, 0, 'nothing safe left to fix');
    // Without `only`, the lightbulb gets quick fixes but fixAll is a source action and is still offered.
    const quick = await c.codeActions(schema, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ['quickfix']);
    assert.ok(quick.every((a) => a.kind === 'quickfix'));
  } finally {
    await c.shutdown();
  }
});

test('source.fixAll.schemaInsight: one index for two foreign keys that share it, and several @@index lines in one model', async () => {
  // Alert.programId leads Alert.(programId, partnerId): both findings suggest @@index([programId, partnerId]).
  const text = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Program {
  id          String       @id
  alerts      Alert[]
  enrollments Enrollment[]
}

model Partner {
  id          String       @id
  enrollments Enrollment[]
}

model User {
  id     String  @id
  alerts Alert[]
}

model Enrollment {
  programId String
  partnerId String
  program   Program @relation(fields: [programId], references: [id])
  partner   Partner @relation(fields: [partnerId], references: [id])
  alerts    Alert[]

  @@id([partnerId, programId])
  @@unique([programId, partnerId])
}

model Alert {
  id           String     @id
  programId    String
  partnerId    String
  reviewedById String?
  program      Program    @relation(fields: [programId], references: [id])
  reviewedBy   User?      @relation(fields: [reviewedById], references: [id])
  enrollment   Enrollment @relation(fields: [programId, partnerId], references: [programId, partnerId])
}
`;
  const d = workspace({ 'prisma/schema.prisma': text });
  const { c } = await started([d]);
  const schema = join(d, 'prisma/schema.prisma');
  try {
    c.open(schema, text);
    const ds = await c.waitForDiagnostics(schema, (x) => byRule(x, 'missing-fk-index').length > 0);
    const fk = byRule(ds, 'missing-fk-index');
    assert.equal(fk.length, 3, JSON.stringify(fk, null, 1));
    const program = fk.find((x) => x.range.start.line === lineOf(text, 'program      Program'))!;
    assert.match(program.message, /Add `@@index\(\[programId, partnerId\]\)`, the index the foreign key `programId`, `partnerId` → Enrollment needs: it serves this one too/);
    const acts = await c.codeActions(schema, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, ['source.fixAll']);
    assert.equal(acts.length, 1);
    assert.match(acts[0].title, /missing-fk-index/);
    const fixed = applyTextEdits(text, editsFor(acts[0].edit!, uriOf(schema)).edits);
    assert.equal(fixed.split('@@index([programId, partnerId])').length - 1, 1, fixed);
    assert.ok(!fixed.includes('@@index([programId])'), fixed);
    assert.ok(fixed.includes('@@index([reviewedById])'), fixed);
    const v = c.change(schema, fixed);
    const after = await c.waitForDiagnostics(schema, (_x, p) => p.version === v);
    assert.equal(byRule(after, 'missing-fk-index').length + byRule(after, 'redundant-index').length, 0, JSON.stringify(after, null, 1));
  } finally {
    await c.shutdown();
  }
});

test('hover: rule docs on a finding, model card, onDelete and @@index explanations', async () => {
  const { c } = await started([dir]);
  const schema = join(dir, 'prisma/schema.prisma');
  try {
    c.open(schema, SCHEMA);
    const ds = await c.waitForDiagnostics(schema, (d) => d.length > 0);
    const md = (h: unknown) => ((h as { contents: MarkupContent } | null)?.contents.value ?? '');

    const fkLine = lineOf(SCHEMA, 'author   User');
    const fk = byRule(ds, 'missing-fk-index')[0];
    const onFinding = md(await c.hover(schema, fk.range.start.line, fk.range.start.character + 1));
    assert.match(onFinding, /missing-fk-index/);
    assert.match(onFinding, /What it does/);
    assert.match(onFinding, /Why it matters/);
    assert.match(onFinding, /Use instead/);
    assert.match(onFinding, /Fix safety/);
    assert.match(onFinding, /authorId/, 'concrete values of this finding');

    const card = md(await c.hover(schema, lineOf(SCHEMA, 'model User'), 7));
    assert.match(card, /model User/);
    assert.match(card, /Table:\*\* `User`/);
    assert.match(card, /Primary key:\*\* \(id\)/);
    assert.match(card, /unique \(email\)/);
    assert.match(card, /Post\.author → User \(authorId\): onDelete: Cascade, onUpdate: Cascade \(default\)/);
    assert.match(card, /Profile\.user → User \(userId\): onDelete: Restrict \(default\)/);
    assert.match(card, /redundant-index/, 'findings in the model');

    const delLine = SCHEMA.split('\n')[fkLine];
    const onDelete = md(await c.hover(schema, fkLine, delLine.indexOf('onDelete') + 2));
    assert.match(onDelete, /onDelete: Cascade/);
    assert.match(onDelete, /deleting a User deletes its Post rows/);

    const idxLine = lineOf(SCHEMA, '@@index([email])');
    const onIndex = md(await c.hover(schema, idxLine, 4));
    assert.match(onIndex, /@@index\(\[email\]\)/);
    assert.match(onIndex, /Also covered by the unique constraint \(email\)/);

    assert.equal(await c.hover(schema, 1, 0), null, 'nothing to say on the datasource provider line');
  } finally {
    await c.shutdown();
  }
});

test('multi-file schema: findings land in the right file; an edit in one file updates another', async () => {
  const multi = workspace({
    'prisma/schema/base.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id    Int    @id\n  posts Post[]\n}\n',
    'prisma/schema/post.prisma': 'model Post {\n  id       Int  @id\n  author   User @relation(fields: [authorId], references: [id])\n  authorId Int\n}\n',
  });
  const base = join(multi, 'prisma/schema/base.prisma');
  const post = join(multi, 'prisma/schema/post.prisma');
  const { c } = await started([multi]);
  try {
    const ds = await c.waitForDiagnostics(post, (d) => byRule(d, 'missing-fk-index').length === 1);
    assert.equal(byRule(ds, 'missing-fk-index')[0].range.start.line, 2);
    const baseText = readFileSync(base, 'utf8');
    c.open(base, baseText);
    // Renaming the User model in base.prisma changes what post.prisma refers to: its relation no longer resolves.
    const before = c.publications.length;
    c.change(base, baseText.replace('model User {', 'model Account {').replace('posts Post[]', 'id2 Int'));
    const ds2 = await c.waitForDiagnostics(post, (d) => byRule(d, 'missing-fk-index').length === 0, before);
    assert.equal(byRule(ds2, 'missing-fk-index').length, 0);
  } finally {
    await c.shutdown();
  }
});

test('file watching: a closed file changed on disk is re-read; a deleted one is cleared', async () => {
  const ws = workspace({ 'prisma/schema.prisma': SCHEMA });
  const schema = join(ws, 'prisma/schema.prisma');
  const { c } = await started([ws]);
  try {
    await c.waitForDiagnostics(schema, (d) => byRule(d, 'missing-fk-index').length === 1);
    writeFileSync(schema, SCHEMA.replace('  authorId Int\n}', '  authorId Int\n\n  @@index([authorId])\n}'));
    const before = c.publications.length;
    void c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(schema), type: 2 }] });
    await c.waitForDiagnostics(schema, (d) => byRule(d, 'missing-fk-index').length === 0, before);
    rmSync(schema);
    const before2 = c.publications.length;
    void c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(schema), type: 3 }] });
    await c.waitForDiagnostics(schema, (d) => d.length === 0, before2);
  } finally {
    await c.shutdown();
  }
});

test('query-index-missing: a query in a TypeScript file shows on the model; editing, adding and deleting code files re-audits', async () => {
  const ws = workspace({ 'prisma/schema.prisma': SCHEMA, 'src/posts.ts': 'export const byTitle = (title: string) =>\n  prisma.post.findMany({ where: { title } });\n', 'node_modules/x/index.js': 'prisma.user.count({ where: { id: { gt: 1 } }, orderBy: { email: "asc" } })' });
  const schema = join(ws, 'prisma/schema.prisma');
  const code = join(ws, 'src/posts.ts');
  const { c } = await started([ws]);
  try {
    const ds = await c.waitForDiagnostics(schema, (d) => byRule(d, 'query-index-missing').length === 1);
    const [d] = byRule(ds, 'query-index-missing');
    assert.equal(d.range.start.line, lineOf(SCHEMA, 'model Post'));
    assert.match(d.message, /`post\.findMany` \(src\/posts\.ts:2\) filters Post on `title`/);
    assert.deepEqual(d.relatedInformation?.map((r) => [r.location.uri, r.location.range.start.line, r.message]), [[uriOf(code), 1, 'post.findMany']]);
    // The code file is changed on disk (it is not open: the client only watches it).
    writeFileSync(code, 'export const byId = (id: number) => prisma.post.findUnique({ where: { id } });\n');
    const before = c.publications.length;
    void c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(code), type: 2 }] });
    await c.waitForDiagnostics(schema, (d) => byRule(d, 'query-index-missing').length === 0, before);
    // A new file with a query.
    const added = join(ws, 'src/feed.ts');
    writeFileSync(added, 'db.post.count({ where: { title: "x" } })\n');
    const before2 = c.publications.length;
    void c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(added), type: 1 }] });
    await c.waitForDiagnostics(schema, (d) => byRule(d, 'query-index-missing').length === 1, before2);
    rmSync(added);
    const before3 = c.publications.length;
    void c.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(added), type: 3 }] });
    await c.waitForDiagnostics(schema, (d) => byRule(d, 'query-index-missing').length === 0, before3);
  } finally {
    await c.shutdown();
  }
});

test('settings: rule severities from initializationOptions override the defaults; off removes the rule', async () => {
  const { c } = await started([dir], { debounceMs: 0, rules: { 'missing-fk-index': 'error', 'redundant-index': 'off', 'not-a-rule': 'off' } });
  const schema = join(dir, 'prisma/schema.prisma');
  try {
    const ds = await c.waitForDiagnostics(schema, (d) => d.length > 0);
    assert.equal(byRule(ds, 'missing-fk-index')[0].severity, 1);
    assert.equal(byRule(ds, 'redundant-index').length, 0);
  } finally {
    await c.shutdown();
  }
});

test('report request renders every format for the workspace', async () => {
  const { c } = await started([dir]);
  try {
    await c.waitForDiagnostics(join(dir, 'prisma/schema.prisma'), (d) => d.length > 0);
    const md = (await c.conn.sendRequest('schemaInsight/report', { format: 'markdown' })) as { content: string };
    assert.match(md.content, /missing-fk-index/);
    assert.match(md.content, /prisma\/schema\.prisma/);
    assert.ok(!md.content.includes(dir), 'paths are relative to the project root');
    const json = (await c.conn.sendRequest('schemaInsight/report', { format: 'json' })) as { content: string };
    JSON.parse(json.content);
    const sarif = JSON.parse(((await c.conn.sendRequest('schemaInsight/report', { format: 'sarif' })) as { content: string }).content);
    assert.equal(sarif.version, '2.1.0');
    const html = (await c.conn.sendRequest('schemaInsight/report', { format: 'html', cspNonce: 'abc123' })) as { content: string };
    assert.match(html.content, /<html/i);
    const rerun = (await c.conn.sendRequest('schemaInsight/rerun')) as { total: number };
    assert.ok(rerun.total >= 2);
    const rules = (await c.conn.sendRequest('schemaInsight/rules')) as Array<{ id: string; markdown: string }>;
    assert.ok(rules.some((r) => r.id === 'missing-fk-index' && /What it does/.test(r.markdown)));
  } finally {
    await c.shutdown();
  }
});

test('server survives garbage: binary content, a 5 MB file, invalid URIs, and keeps answering', async () => {
  const ws = workspace({ 'prisma/schema.prisma': SCHEMA });
  const { c } = await started([ws], { debounceMs: 0 });
  try {
    const bin = join(ws, 'prisma/binary.prisma');
    c.open(bin, 'model \u0000\u0001\u0002 { \uFFFD\uFFFD ' + '\u0000'.repeat(100));
    const ds = await c.waitForDiagnostics(bin, (d) => d.length > 0);
    assert.match(ds[0].message, /NUL bytes|binary/);

    // 5 MB of pseudo-random schema-ish characters (braces, quotes, @, newlines).
    const big = join(ws, 'prisma/huge.prisma');
    let seed = 42;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789    {}[]()@@"\\/:,=?.\n\n\n';
    const chars: string[] = [];
    for (let i = 0; i < 5 * 1024 * 1024; i++) chars.push(alphabet[Math.floor(rnd() * alphabet.length)]);
    c.open(big, 'model Junk {\n' + chars.join(''));
    await c.waitForDiagnostics(big, (d) => d.some((x) => x.code === 'prisma-syntax-error'), 0, 60000);
    // A 12 MB buffer is over the analysis limit: one clear diagnostic instead of an audit.
    const huge = join(ws, 'prisma/over-limit.prisma');
    c.open(huge, '// x\n'.repeat(2_400_000));
    const hd = await c.waitForDiagnostics(huge, (d) => d.length > 0, 0, 30000);
    assert.match(hd[0].message, /limit/);

    const junk = join(ws, 'prisma/junk.prisma');
    c.open(junk, '}}}}{{{{ model model model @@@@ ((((( """""\n'.repeat(2000));
    await c.waitForDiagnostics(junk, (d) => d.some((x) => x.code === 'prisma-syntax-error'));

    void c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: 'untitled:Untitled-1', languageId: 'prisma', version: 1, text: 'model' } });
    void c.conn.sendNotification('textDocument/didChange', { textDocument: { uri: 'file:///nonexistent/x.prisma', version: 9 }, contentChanges: [{ text: 'x' }] });
    assert.equal(await c.hover(join(ws, 'nope.prisma'), 0, 0), null);
    const acts = await c.codeActions(join(ws, 'nope.prisma'), { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
    assert.deepEqual(acts, []);
    // Still alive and correct.
    const schema = join(ws, 'prisma/schema.prisma');
    const h = await c.hover(schema, lineOf(SCHEMA, 'model Post'), 7);
    assert.match((h?.contents as MarkupContent).value, /model Post/);
    assert.equal(c.exited, null);
  } finally {
    await c.shutdown();
  }
});

test('quick fix edits are TextDocumentEdits naming the document version they were computed for', async () => {
  const { c } = await started([dir]);
  const schema = join(dir, 'prisma/schema.prisma');
  try {
    c.open(schema, SCHEMA);
    const ds = await c.waitForDiagnostics(schema, (d) => byRule(d, 'missing-fk-index').length === 1);
    const acts = await c.codeActions(schema, byRule(ds, 'missing-fk-index')[0].range);
    const edit = acts[0].edit as WorkspaceEdit;
    assert.ok(edit.documentChanges?.length);
    const tde = edit.documentChanges![0] as TextDocumentEdit;
    assert.equal(tde.textDocument.uri, uriOf(schema));
    assert.equal(tde.textDocument.version, 1);
  } finally {
    await c.shutdown();
  }
});
